// Package batch is the one runner every way pages come in uses (shinsei
// scan, shinsei watch, later the worker and the web server): it reads
// files one after another, hands their pages to a pool of workers, runs the
// steps that follow reading (match, then archive) on each page, and gives
// the results back in file and page order.
//
// A step that fails does not stop the batch: the page gets an issue
// (not_archived) saying what failed, its later steps are skipped, and the
// next page goes on, as a benthos processor marks a message rather than
// aborting the stream. Nothing is lost by going on: the failed page is
// reported to the caller, which keeps its file for another try (scan exits
// 1, watch leaves the file in its folder), and the archive is
// content-addressed, so the next try completes what this one began and
// writes nothing twice.
package batch

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"sync"
	"time"

	"shinsei/forms"
	"shinsei/pipeline"
	"shinsei/pipeline/archive"
	"shinsei/pipeline/cases"
	"shinsei/pipeline/decode"
	"shinsei/pipeline/match"
	"shinsei/store"
	"shinsei/templates"
)

// CodeNotArchived is the issue a page gets when a step after reading
// failed (the store was unreachable, say): it was read but not archived,
// or not matched to its case, and its file must be processed again.
const CodeNotArchived = "not_archived"

// Input is one file to read.
type Input struct {
	// Name is the file's name as records show it.
	Name string
	// Read returns the whole file. Its error becomes the file's one record,
	// rejected with file_unreadable and the error's message, so it must be
	// worded for a clerk, Japanese then English (see OpenError).
	Read func(ctx context.Context) ([]byte, error)
}

// File is the input read from path (ReadFile).
func File(path string) Input {
	return Input{Name: path, Read: func(context.Context) ([]byte, error) { return ReadFile(path) }}
}

// Page is what a step works on: a page as read, and its file.
type Page struct {
	pipeline.Detail
	// Data is the whole file the page came from.
	Data []byte
	// Single is whether the file holds this one page only.
	Single bool
	// Entry is where the archive step put the page; nil before it ran.
	Entry *archive.Entry
}

// Step is one thing done to a page after it is read. An error marks the
// page (CodeNotArchived) and skips its later steps: a record archived
// without the case its match step would have linked would be a duplicate,
// and so unchangeable, when the file is processed again.
type Step struct {
	Name string
	Do   func(ctx context.Context, p *Page) error
}

// Steps are the standard steps on store s: an application opens its proxy
// case and an answer sheet answers its case (match), then the page is
// archived, redacted, with its record and the station that scanned it,
// names indexed under indexKey (archive.Options.IndexKey; nil: not).
func Steps(s store.Store, station string, indexKey []byte, log *slog.Logger) []Step {
	m := match.New(cases.New(s, cases.Options{Log: log}), station, nil)
	a := archive.New(s, archive.Options{Log: log, IndexKey: indexKey})
	return []Step{MatchStep(m, s), ArchiveStep(a, station)}
}

// MatchStep opens the case of a proxy application and matches an answer
// sheet to its case, adding what it finds to the record.
func MatchStep(m *match.Matcher, s store.Store) Step {
	return Step{Name: "match", Do: func(ctx context.Context, p *Page) error {
		rec := &p.Record
		if rec.Template == nil {
			return nil
		}
		switch rec.Template.ID {
		case forms.TemplateAnswer:
			return m.Answer(ctx, rec, match.EvidenceOf(p.Detail))
		case forms.TemplateApplication:
			return m.Open(ctx, s, rec)
		}
		return nil
	}}
}

// ArchiveStep archives the page, redacted, with its record.
func ArchiveStep(a *archive.Archive, station string) Step {
	return Step{Name: "archive", Do: func(ctx context.Context, p *Page) error {
		rec := &p.Record
		page := archive.Page{Record: *rec, Station: station}
		if p.Detail.Template != nil && p.Canvas != nil {
			page.Image, page.Template = p.Canvas, p.Detail.Template
			// The scanned file is kept only when it cannot hold a PIN: one
			// page, of a form without PIN cells.
			if p.Single && !hasPIN(p.Detail.Template) {
				page.Original, page.OriginalName = p.Data, rec.Source.Name
			}
		}
		// A page that is not a known form is archived as its record only:
		// it may be an answer sheet whose marks were lost, PINs and all,
		// and nothing unredacted is ever stored.
		e, err := a.Put(ctx, page)
		if err != nil {
			return err
		}
		p.Entry = &e
		return nil
	}}
}

func hasPIN(t *templates.Template) bool {
	for _, f := range t.Fields {
		if f.Kind == templates.PIN {
			return true
		}
	}
	return false
}

// Options configure a Runner.
type Options struct {
	// Workers is how many pages are read at once; the engine needs an OCR
	// client for each. At least 1.
	Workers int
	// Store is where pages are matched and archived; nil only reads.
	Store store.Store
	// Station names the scanning station in case histories and archive
	// entries.
	Station string
	// Log receives what the runner does; nil logs nothing.
	Log *slog.Logger
	// IndexKey is the secret of the archive's name index
	// (archive.Options.IndexKey); nil archives names unindexed.
	IndexKey []byte
	// Steps replace the standard steps on Store (Steps), for tests and
	// callers that do something else with a page.
	Steps []Step
}

// Runner reads batches of files. It holds no state between runs besides
// its configuration.
type Runner struct {
	eng     *pipeline.Engine
	workers int
	steps   []Step
	log     *slog.Logger
}

// New returns a runner reading with eng. The engine must keep the page
// canvas (pipeline.Config.KeepCanvas) when pages are archived, or only
// their records are.
func New(eng *pipeline.Engine, opts Options) *Runner {
	r := &Runner{eng: eng, workers: max(1, opts.Workers), steps: opts.Steps, log: opts.Log}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.steps == nil && opts.Store != nil {
		r.steps = Steps(opts.Store, opts.Station, opts.IndexKey, r.log)
	}
	return r
}

// PageResult is one page after reading and its steps.
type PageResult struct {
	Record forms.Record
	// Took is the time from the start of reading to the end of the steps.
	Took time.Duration
	// Entry is where the page was archived; nil when it was not (no
	// archive step, a step failed, the batch was stopping, or the file
	// could not be read at all).
	Entry *archive.Entry
	// Failed is the step that failed, wrapped; the record carries it as
	// a CodeNotArchived issue.
	Failed error
	// Stopped: the batch was stopping, so no step ran and the record may
	// say "interrupted"; nothing of it was kept.
	Stopped bool
}

// FileResult is one file, after the results of all its pages.
type FileResult struct {
	Name string
	// SHA256 is the file's content hash; "" when it could not be read.
	SHA256 string
	Pages  []PageResult
	// Err says why the file ended early: its pages after a break could
	// not be decoded or read (the pages before it are in Pages).
	Err error
	// Unread: the file could not be read at all (Input.Read failed).
	Unread bool
}

// Unreadable says the file holds nothing that can be read as a page: it
// could not be opened or decoded, in whole or from some page on.
func (f FileResult) Unreadable() bool {
	if f.Unread || f.Err != nil {
		return true
	}
	for _, p := range f.Pages {
		if p.Record.HasIssue("", pipeline.CodeUnreadable) {
			return true
		}
	}
	return false
}

// Kept says every page went through every step: nothing of the file is
// left to do. With no steps (only reading), every page read counts.
func (f FileResult) Kept() bool {
	if len(f.Pages) == 0 {
		return false
	}
	for _, p := range f.Pages {
		if p.Failed != nil || p.Stopped {
			return false
		}
	}
	return true
}

// Sink takes a run's results, in file and page order, one call at a time.
// An error from it stops the run and is returned by Run.
type Sink interface {
	// Page is called for each page as soon as it and every page before
	// it are done.
	Page(PageResult) error
	// File is called after the last Page of a file. It is not called for
	// a file the run stopped inside.
	File(FileResult) error
}

// job is a page to read, or the mark that a file's pages have all been
// queued.
type job struct {
	seq    int
	p      pipeline.Page
	data   []byte
	single bool
	read   bool // the file was read, so its page may go through the steps
	end    *FileResult
}

type result struct {
	seq  int
	page PageResult
	end  *FileResult
}

// Run reads inputs, one file at a time, its pages on the runner's workers,
// and hands the results to sink in order. It returns when inputs are
// exhausted and every page is done, when ctx is cancelled (ctx's error), or
// when sink fails (its error).
func (r *Runner) Run(ctx context.Context, inputs iter.Seq[Input], sink Sink) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobCh := make(chan job, r.workers)
	resCh := make(chan result, r.workers)

	go func() {
		defer close(jobCh)
		seq := 0
		send := func(j job) bool {
			j.seq = seq
			select {
			case jobCh <- j:
				seq++
				return true
			case <-ctx.Done():
				return false
			}
		}
		for in := range inputs {
			if ctx.Err() != nil {
				return
			}
			data, err := in.Read(ctx)
			if err != nil {
				// The file gets a record that says why, like any bad page;
				// the batch goes on.
				r.log.Warn("cannot read file", "file", in.Name, "cause", errors.Unwrap(err))
				if !send(job{p: pipeline.Unreadable(in.Name, err)}) || !send(job{end: &FileResult{Name: in.Name, Unread: true}}) {
					return
				}
				continue
			}
			single := decode.SingleImage(data)
			err = r.eng.EachPage(ctx, in.Name, data, func(p pipeline.Page) error {
				if !send(job{p: p, data: data, single: single, read: true}) {
					return ctx.Err()
				}
				return nil
			})
			end := &FileResult{Name: in.Name, SHA256: forms.FileSHA256(data)}
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				// A file whose pages broke off midway: the pages before the
				// break were queued; the rest is reported.
				end.Err = err
				r.log.Error("file ended early", "file", in.Name, "err", err)
			}
			if !send(job{end: end}) {
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for range r.workers {
		wg.Go(func() {
			for j := range jobCh {
				if j.end != nil {
					resCh <- result{seq: j.seq, end: j.end}
					continue
				}
				resCh <- result{seq: j.seq, page: r.page(ctx, j)}
			}
		})
	}
	go func() { wg.Wait(); close(resCh) }()

	pending := map[int]result{}
	next := 0
	var file FileResult
	var sinkErr error
	for res := range resCh {
		if sinkErr != nil {
			continue // drain, so the workers can finish
		}
		pending[res.seq] = res
		for sinkErr == nil {
			res, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if res.end != nil {
				end := *res.end
				end.Pages = file.Pages
				file = FileResult{}
				sinkErr = sink.File(end)
			} else {
				file.Pages = append(file.Pages, res.page)
				sinkErr = sink.Page(res.page)
			}
			if sinkErr != nil {
				cancel()
			}
		}
	}
	if sinkErr != nil {
		return sinkErr
	}
	return ctx.Err()
}

// page reads one page and runs the steps on it.
func (r *Runner) page(ctx context.Context, j job) PageResult {
	start := time.Now()
	p := Page{Detail: r.eng.ReadDetailed(ctx, j.p), Data: j.data, Single: j.single}
	res := PageResult{}
	switch {
	case !j.read || len(r.steps) == 0:
		// A file that could not be read leaves nothing to archive.
	case ctx.Err() != nil:
		// A page read while stopping may be half read: keeping it would
		// make a wrong record permanent (the archive is write-once).
		res.Stopped = true
	default:
		for _, s := range r.steps {
			if err := s.Do(ctx, &p); err != nil {
				if ctx.Err() != nil {
					res.Stopped = true
					break
				}
				res.Failed = fmt.Errorf("%s: %w", s.Name, err)
				rec := &p.Record
				r.log.Error("step failed", "step", s.Name, "document", rec.DocumentID, "err", err)
				rec.Status = forms.NeedsReview
				rec.Issues = append(rec.Issues, forms.Issue{Code: CodeNotArchived, Message: fmt.Sprintf("%s page %d: 保存できませんでした / the page could not be archived or matched (%v) — scan the file again when the store is back", rec.Source.Name, rec.Source.Page, err)})
				break
			}
		}
	}
	res.Record, res.Entry, res.Took = p.Record, p.Entry, time.Since(start)
	return res
}
