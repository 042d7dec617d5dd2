package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/width"

	"shinsei/forms"
	"shinsei/pipeline/batch"
	"shinsei/store"
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
			var s store.Store
			var key []byte
			if !noArchive {
				var err error
				if key, err = indexKey(e); err != nil {
					return err
				}
				if s, err = openStore(ctx, e); err != nil {
					return err
				}
				defer s.Close()
			}
			eng, closeEngine, err := newEngine(e, jobs, s != nil)
			if err != nil {
				return err
			}
			defer closeEngine()
			r := batch.New(eng, batch.Options{Workers: jobs, Store: s, Station: station, IndexKey: key, Log: e.log})
			return scanFiles(ctx, e, r, args, asJSON)
		},
	}
}

// scanFiles reads files with r and prints a record per page; its error
// says how the batch went (exit 0, 1 or 3).
func scanFiles(ctx context.Context, e *env, r *batch.Runner, files []string, asJSON bool) error {
	prog := newProgress(e.stderr, len(files))
	defer prog.done()
	inputs := func(yield func(batch.Input) bool) {
		for _, name := range files {
			in := batch.File(name)
			read := in.Read
			in.Read = func(ctx context.Context) ([]byte, error) {
				prog.file()
				return read(ctx)
			}
			if !yield(in) {
				return
			}
		}
	}
	sink := &scanSink{e: e, out: newScanPrinter(e.stdout, asJSON, files), prog: prog}
	err := r.Run(ctx, inputs, sink)
	switch {
	case err != nil && !errors.Is(err, context.Canceled):
		return err
	case sink.failed > 0:
		return fmt.Errorf("scan: %d pages could not be archived; scan those files again when the store is back (nothing was half-written: the archive completes an entry on the next scan)", sink.failed)
	case len(sink.openErrs) > 0:
		return fmt.Errorf("scan: %d of %d files could not be read (first: %w)", len(sink.openErrs), len(files), sink.openErrs[0])
	case ctx.Err() != nil:
		return ctx.Err()
	case sink.review:
		return &codeError{exitReview, fmt.Errorf("scan: some pages need review or were rejected")}
	}
	return nil
}

// scanSink prints each page as it comes and keeps what the exit status
// needs.
type scanSink struct {
	e        *env
	out      *scanPrinter
	prog     *progress
	review   bool
	failed   int // pages not archived
	openErrs []error
}

func (s *scanSink) Page(res batch.PageResult) error {
	rec := res.Record
	if rec.Status != forms.Accepted {
		s.review = true
	}
	if res.Failed != nil {
		s.failed++
	}
	if err := s.prog.page(func() error { return s.out.print(rec) }); err != nil {
		return err
	}
	// make bench reads the per-page time from this line.
	s.e.log.Debug("page read", "document", rec.DocumentID, "status", rec.Status, "ms", res.Took.Milliseconds())
	return nil
}

func (s *scanSink) File(res batch.FileResult) error {
	if res.Err != nil {
		s.openErrs = append(s.openErrs, res.Err)
	}
	return nil
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
		p.nameW = max(p.nameW, min(60, displayWidth(f)))
	}
	return p
}

func (p *scanPrinter) print(rec forms.Record) error {
	if p.json != nil {
		return p.json.Encode(rec)
	}
	if !p.header {
		if _, err := fmt.Fprintf(p.w, "%s  %4s  %-16s  %-12s  %s\n", pad("FILE", p.nameW), "PAGE", "FORM", "STATUS", "WHAT NEEDS A PERSON"); err != nil {
			return err
		}
		p.header = true
	}
	form := "-"
	if rec.Template != nil {
		form = rec.Template.ID
	}
	_, err := fmt.Fprintf(p.w, "%s  %4d  %-16s  %-12s  %s\n", pad(rec.Source.Name, p.nameW), rec.Source.Page, form, rec.Status, why(rec))
	return err
}

// displayWidth is how many terminal columns s takes: a full-width or wide
// character (申請書, ＡＢＣ) takes two, so a table padded by runes or bytes
// would not line up under a Japanese file name.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// pad is s followed by spaces up to w columns.
func pad(s string, w int) string {
	return s + strings.Repeat(" ", max(0, w-displayWidth(s)))
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
