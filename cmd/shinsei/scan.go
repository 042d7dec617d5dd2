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
	"text/tabwriter"

	"shinsei/forms"
	"shinsei/pipeline"
	"shinsei/pipeline/decode"
	"shinsei/templates"
)

func scanCommand() *command {
	var (
		asJSON bool
		jobs   int
	)
	return &command{
		name: "scan", args: "[--json] [-j N] FILE...",
		summary: "read scanned forms and print one record per page",
		details: `Each page is decoded (PDF, TIFF, PNG, JPEG), straightened by its registration
marks, identified by its QR code, and its check boxes, signatures and PIN cells read
(PIN cells are counted, never read). Without --json, a table says per page whether it
is accepted, needs a person (and why) or must be rescanned. With --json, one record per
page (JSON Lines, docs/records.md). A bad file or page gets a record saying why; the
rest of the batch goes on. Text fields (names, dates) are not read yet.

Exit status: 0 every page accepted, 3 some need review or were rejected, 1 an error.`,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&asJSON, "json", false, "print one JSON record per page (JSON Lines)")
			fs.IntVar(&jobs, "j", runtime.NumCPU(), "pages read in parallel")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) == 0 {
				return usageErrorf("scan: name at least one file (see 'shinsei help scan')")
			}
			if jobs < 1 {
				return usageErrorf("scan: -j must be at least 1")
			}
			return scanFiles(ctx, e, args, jobs, asJSON)
		},
	}
}

func scanFiles(ctx context.Context, e *env, files []string, jobs int, asJSON bool) error {
	eng, err := pipeline.New(templates.Builtin(), decode.Limits{})
	if err != nil {
		return err
	}
	type job struct {
		seq int
		p   pipeline.Page
	}
	type result struct {
		seq int
		rec forms.Record
	}
	jobCh := make(chan job, jobs)
	resCh := make(chan result, jobs)
	var openErrs []error

	go func() {
		defer close(jobCh)
		seq := 0
		for _, name := range files {
			data, err := readScan(name)
			if err != nil {
				openErrs = append(openErrs, err)
				e.log.Error("cannot read file", "file", name, "err", err)
				continue
			}
			err = eng.EachPage(ctx, name, data, func(p pipeline.Page) error {
				select {
				case jobCh <- job{seq, p}:
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
				resCh <- result{j.seq, eng.Read(ctx, j.p)}
			}
		})
	}
	go func() { wg.Wait(); close(resCh) }()

	out := newScanPrinter(e.stdout, asJSON)
	pending := map[int]forms.Record{}
	next, review := 0, false
	for r := range resCh {
		pending[r.seq] = r.rec
		for {
			rec, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if rec.Status != forms.Accepted {
				review = true
			}
			if err := out.print(rec); err != nil {
				return err
			}
			e.log.Debug("page read", "document", rec.DocumentID, "status", rec.Status)
		}
	}
	if err := out.flush(); err != nil {
		return err
	}
	switch {
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

type scanPrinter struct {
	w      io.Writer
	json   *json.Encoder
	table  *tabwriter.Writer
	header bool
}

func newScanPrinter(w io.Writer, asJSON bool) *scanPrinter {
	p := &scanPrinter{w: w}
	if asJSON {
		p.json = json.NewEncoder(w)
		p.json.SetEscapeHTML(false)
	} else {
		p.table = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	}
	return p
}

func (p *scanPrinter) print(rec forms.Record) error {
	if p.json != nil {
		return p.json.Encode(rec)
	}
	if !p.header {
		fmt.Fprintln(p.table, "FILE\tPAGE\tFORM\tSTATUS\tWHAT NEEDS A PERSON")
		p.header = true
	}
	form := "-"
	if rec.Template != nil {
		form = rec.Template.ID
	}
	var notes []string
	for _, is := range rec.Issues {
		notes = append(notes, is.Message)
	}
	fmt.Fprintf(p.table, "%s\t%d\t%s\t%s\t%s\n", rec.Source.Name, rec.Source.Page, form, rec.Status, strings.Join(notes, "; "))
	return nil
}

func (p *scanPrinter) flush() error {
	if p.table != nil {
		return p.table.Flush()
	}
	return nil
}
