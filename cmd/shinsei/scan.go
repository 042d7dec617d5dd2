package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/width"

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
				// The file gets a record that says why, like any bad page;
				// the batch goes on and its exit says "needs review".
				e.log.Warn("cannot read file", "file", name, "cause", errors.Unwrap(err))
				select {
				case jobCh <- job{seq: seq, p: pipeline.Unreadable(name, err)}:
					seq++
				case <-ctx.Done():
					return
				}
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
				if in != nil && j.data != nil { // an unreadable file leaves nothing to archive
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

// openError is why a file could not be read: a message for the clerk,
// naming the file and saying what to do, Japanese then English (worded as
// decode.Error words its messages: "問題。助言 / problem — advice"), with the
// system's own error kept out of it (as decode.Error does) but unwrappable
// for the log.
type openError struct {
	msg   string
	cause error
}

func (e *openError) Error() string { return e.msg }
func (e *openError) Unwrap() error { return e.cause }

// readScan reads a file to scan; its errors are *openError.
func readScan(name string) ([]byte, error) {
	fail := func(cause error, format string, args ...any) ([]byte, error) {
		return nil, &openError{msg: fmt.Sprintf(format, args...), cause: cause}
	}
	f, err := os.Open(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail(err, "%s: ファイルがありません。名前とフォルダーを確かめてください / there is no such file — check the name and the folder", name)
	case errors.Is(err, fs.ErrPermission):
		return fail(err, "%s: ファイルを読む権限がありません。管理者に許可を頼むか、shinsei が読める場所にファイルをコピーしてください / shinsei may not read this file — ask the administrator to allow it, or copy the file somewhere shinsei can read", name)
	case err != nil:
		return fail(err, "%s: ファイルを開けません。ディスクや共有フォルダーが使えるか確かめて、もう一度スキャンしてください / the file cannot be opened — check that the disk or share is available and scan it again", name)
	}
	defer f.Close()
	fi, err := f.Stat()
	switch {
	case err != nil:
		return fail(err, "%s: ファイルを開けません。ディスクや共有フォルダーが使えるか確かめて、もう一度スキャンしてください / the file cannot be opened — check that the disk or share is available and scan it again", name)
	case fi.IsDir():
		return fail(err, "%s: ファイルではなくフォルダーです。中のファイルを指定してください（例: %s/*） / this is a folder, not a file — give the files in it (for example %s/*)", name, strings.TrimSuffix(name, "/"), strings.TrimSuffix(name, "/"))
	case !fi.Mode().IsRegular():
		return fail(err, "%s: 通常のファイルではありません。スキャンをファイルとして保存し、そのファイルを指定してください / this is not a regular file — save the scan as a file and scan that", name)
	case fi.Size() > maxScanBytes:
		return fail(err, "%s: ファイルが大きすぎます（%d MB、上限は%d MB）。ページ数の少ないファイルに分けてください / the file is too large for one scan (%d MB, at most %d MB) — split it into smaller files", name, fi.Size()>>20, maxScanBytes>>20, fi.Size()>>20, maxScanBytes>>20)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return fail(err, "%s: ファイルを最後まで読めません。ディスクや共有フォルダーを確かめて、もう一度スキャンしてください / the file could not be read to its end — check the disk or share and scan it again", name)
	}
	return data, nil
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
