package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"shinsei/forms"
	"shinsei/pipeline"
	"shinsei/pipeline/decode"
)

func scanCommand() *command {
	var (
		asJSON    bool
		jobs      int
		noArchive bool
		station   string
	)
	return &command{
		name: "scan", args: "[--json] [-j N] [--station S] [--no-archive] FILE...",
		summary: "read scanned forms, archive them, open and match proxy cases",
		details: `Each page is decoded (PDF, TIFF, PNG, JPEG), straightened by its registration
marks, identified by its QR code (or, when that is lost, by its print), and read: check
boxes, signatures, PIN cells (counted, never read), and names, kana, addresses, phone
numbers and dates with Tesseract, each with a confidence; then checked against the rules.
Without --json, a table says per page whether it is accepted, needs a person (and why)
or must be rescanned. With --json, one record per page (JSON Lines, docs/records.md). A
bad file or page gets a record saying why; the rest of the batch goes on.

Unless --no-archive, every page is archived in the store with its record (PIN cells
blacked out first); a proxy's application opens a pending case, and a returned answer
sheet is matched to its case and answers it (docs/records.md says how).

Exit status: 0 every page accepted, 3 some need review or were rejected, 1 an error.`,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&asJSON, "json", false, "print one JSON record per page (JSON Lines)")
			fs.IntVar(&jobs, "j", runtime.NumCPU(), "pages read in parallel")
			fs.BoolVar(&noArchive, "no-archive", false, "only read: archive nothing, open and match no case")
			fs.StringVar(&station, "station", "", "`name` of this scanning station or window, kept with each page (env SHINSEI_STATION; default the host name)")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) == 0 {
				return usageErrorf("scan: name at least one file (see 'shinsei help scan')")
			}
			if jobs < 1 {
				return usageErrorf("scan: -j must be at least 1")
			}
			if station == "" {
				station = defaultStation(e.getenv)
			}
			var in *intake
			if !noArchive {
				var err error
				if in, err = newIntake(ctx, e, station); err != nil {
					return err
				}
				defer in.close()
			}
			return scanFiles(ctx, e, args, jobs, asJSON, in)
		},
	}
}

func scanFiles(ctx context.Context, e *env, files []string, jobs int, asJSON bool, in *intake) error {
	eng, closeEngine, err := newEngine(e, jobs, in != nil)
	if err != nil {
		return err
	}
	defer closeEngine()
	type job struct {
		seq    int
		p      pipeline.Page
		data   []byte
		single bool
	}
	type result struct {
		seq  int
		rec  forms.Record
		took time.Duration
	}
	prog := newProgress(e.stderr, len(files))
	defer prog.done()
	jobCh := make(chan job, jobs)
	resCh := make(chan result, jobs)
	var openErrs []error

	go func() {
		defer close(jobCh)
		seq := 0
		for _, name := range files {
			prog.file()
			data, err := readScan(name)
			if err != nil {
				openErrs = append(openErrs, err)
				e.log.Error("cannot read file", "file", name, "err", err)
				continue
			}
			single := decode.SingleImage(data)
			err = eng.EachPage(ctx, name, data, func(p pipeline.Page) error {
				select {
				case jobCh <- job{seq, p, data, single}:
					seq++
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			if err != nil && ctx.Err() == nil {
				// A file whose pages broke off midway: the pages before the
				// break were queued; the rest is reported.
				openErrs = append(openErrs, err)
				e.log.Error("file ended early", "file", name, "err", err)
			}
		}
	}()
	var wg sync.WaitGroup
	for range jobs {
		wg.Go(func() {
			for j := range jobCh {
				start := time.Now()
				d := eng.ReadDetailed(ctx, j.p)
				if in != nil {
					in.process(ctx, &d, j.data, j.single)
				}
				resCh <- result{j.seq, d.Record, time.Since(start)}
			}
		})
	}
	go func() { wg.Wait(); close(resCh) }()

	out := newScanPrinter(e.stdout, asJSON, files)
	pending := map[int]result{}
	next, review := 0, false
	for r := range resCh {
		pending[r.seq] = r
		for {
			res, ok := pending[next]
			if !ok {
				break
			}
			rec := res.rec
			delete(pending, next)
			next++
			if rec.Status != forms.Accepted {
				review = true
			}
			if err := prog.page(func() error { return out.print(rec) }); err != nil {
				return err
			}
			// make bench reads the per-page time from this line.
			e.log.Debug("page read", "document", rec.DocumentID, "status", rec.Status, "ms", res.took.Milliseconds())
		}
	}
	switch {
	case in != nil && in.failed > 0:
		return fmt.Errorf("scan: %d pages could not be archived; scan those files again when the store is back (nothing was half-written: the archive completes an entry on the next scan)", in.failed)
	case len(openErrs) > 0:
		return fmt.Errorf("scan: %d of %d files could not be read (first: %w)", len(openErrs), len(files), openErrs[0])
	case ctx.Err() != nil:
		return ctx.Err()
	case review:
		return &codeError{exitReview, fmt.Errorf("scan: some pages need review or were rejected")}
	}
	return nil
}

// maxScanBytes bounds what scan reads into memory for one file; decode
// refuses what would decode to more.
const maxScanBytes = 512 << 20

func readScan(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a file", name)
	}
	if fi.Size() > maxScanBytes {
		return nil, fmt.Errorf("%s: %d MB is too large for one scan — split it into smaller files", name, fi.Size()>>20)
	}
	return io.ReadAll(f)
}

// scanPrinter writes records as they come, in order: JSON Lines, or a
// table a clerk at a station can read at a glance. The table is written a
// line at a time (not aligned after the fact) so each page shows as soon
// as it is read.
type scanPrinter struct {
	w      io.Writer
	json   *json.Encoder
	nameW  int
	header bool
}

func newScanPrinter(w io.Writer, asJSON bool, files []string) *scanPrinter {
	p := &scanPrinter{w: w, nameW: 4}
	if asJSON {
		p.json = json.NewEncoder(w)
		p.json.SetEscapeHTML(false)
	}
	for _, f := range files {
		p.nameW = max(p.nameW, min(60, utf8.RuneCountInString(f)))
	}
	return p
}

func (p *scanPrinter) print(rec forms.Record) error {
	if p.json != nil {
		return p.json.Encode(rec)
	}
	if !p.header {
		if _, err := fmt.Fprintf(p.w, "%-*s  %4s  %-16s  %-12s  %s\n", p.nameW, "FILE", "PAGE", "FORM", "STATUS", "WHAT NEEDS A PERSON"); err != nil {
			return err
		}
		p.header = true
	}
	form := "-"
	if rec.Template != nil {
		form = rec.Template.ID
	}
	_, err := fmt.Fprintf(p.w, "%-*s  %4d  %-16s  %-12s  %s\n", p.nameW, rec.Source.Name, rec.Source.Page, form, rec.Status, why(rec))
	return err
}

// why is the table's last column: for a rejected page the reason to
// rescan, in full; otherwise each field a person must look at and why, by
// code (the JSON has the messages).
func why(rec forms.Record) string {
	if rec.Status == forms.Rejected && len(rec.Issues) > 0 {
		return rec.Issues[0].Message
	}
	var parts []string
	if c := rec.Case; c != nil {
		parts = append(parts, fmt.Sprintf("[case %s %s, %s]", c.ID, c.Status, c.Match))
	}
	for _, is := range rec.Issues {
		if is.Field != "" {
			parts = append(parts, is.Field+": "+is.Code)
		} else {
			parts = append(parts, is.Code)
		}
	}
	return strings.Join(parts, ", ")
}

// progress draws a one-line bar on a terminal's stderr for batches:
// files started, pages done, and the time a page takes.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	on      bool
	files   int
	started time.Time
	opened  int
	pages   int
}

func newProgress(w io.Writer, files int) *progress {
	return &progress{w: w, on: isTerminal(w) && files > 1, files: files, started: time.Now()}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *progress) file() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.opened++
	p.draw()
}

// page prints one page's line with fn, with the bar cleared while it does,
// so a table on the same terminal is never overwritten.
func (p *progress) page(fn func() error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	err := fn()
	p.pages++
	p.draw()
	return err
}

func (p *progress) draw() {
	if !p.on {
		return
	}
	const width = 30
	done := width * p.opened / max(1, p.files)
	bar := strings.Repeat("=", done) + strings.Repeat(" ", width-done)
	per := ""
	if p.pages > 0 {
		per = fmt.Sprintf(", %.1f s/page", time.Since(p.started).Seconds()/float64(p.pages))
	}
	fmt.Fprintf(p.w, "\r[%s] file %d/%d, %d pages read%s ", bar, p.opened, p.files, p.pages, per)
}

func (p *progress) clear() {
	if p.on {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", 79))
	}
}

// done clears the bar so the shell prompt starts clean.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}
