package main

import (
	"context"
	"fmt"
	"os"
	"sync"

	"shinsei/forms"
	"shinsei/pipeline"
	"shinsei/pipeline/archive"
	"shinsei/pipeline/cases"
	"shinsei/pipeline/match"
	"shinsei/store"
	"shinsei/templates"
)

// intake does what happens to a page after it is read: a proxy
// application opens its case, an answer sheet is matched to its case, and
// every page is archived — redacted — with its record.
type intake struct {
	store   store.Store
	archive *archive.Archive
	match   *match.Matcher
	station string

	mu     sync.Mutex
	failed int // pages not archived
}

const codeNotArchived = "not_archived"

func newIntake(ctx context.Context, e *env, station string) (*intake, error) {
	s, err := openStore(ctx, e)
	if err != nil {
		return nil, err
	}
	repo := cases.New(s, cases.Options{Log: e.log})
	return &intake{store: s, archive: archive.New(s, archive.Options{Log: e.log}), match: match.New(repo, station, nil), station: station}, nil
}

func (in *intake) close() { in.store.Close() }

// process runs on a worker, one page at a time. data is the whole file;
// single is whether it has one page.
func (in *intake) process(ctx context.Context, d *pipeline.Detail, data []byte, single bool) {
	rec := &d.Record
	var err error
	if rec.Template != nil {
		switch rec.Template.ID {
		case forms.TemplateAnswer:
			err = in.match.Answer(ctx, rec, match.EvidenceOf(*d))
		case forms.TemplateApplication:
			err = in.match.Open(ctx, in.store, rec)
		}
	}
	if err == nil {
		page := archive.Page{Record: *rec, Station: in.station}
		if d.Template != nil && d.Canvas != nil {
			page.Image, page.Template = d.Canvas, d.Template
			// The scanned file is kept only when it cannot hold a PIN: one
			// page, of a form without PIN cells.
			if single && !hasPIN(d.Template) {
				page.Original, page.OriginalName = data, rec.Source.Name
			}
		}
		// A page that is not a known form is archived as its record only:
		// it may be an answer sheet whose marks were lost, PINs and all,
		// and nothing unredacted is ever stored.
		_, err = in.archive.Put(ctx, page)
	}
	if err != nil {
		in.mu.Lock()
		in.failed++
		in.mu.Unlock()
		rec.Status = forms.NeedsReview
		rec.Issues = append(rec.Issues, forms.Issue{Code: codeNotArchived, Message: fmt.Sprintf("%s page %d: 保存できませんでした / the page could not be archived or matched (%v) — scan the file again when the store is back", rec.Source.Name, rec.Source.Page, err)})
	}
}

func hasPIN(t *templates.Template) bool {
	for _, f := range t.Fields {
		if f.Kind == templates.PIN {
			return true
		}
	}
	return false
}

// defaultStation names the station when --station is not given.
func defaultStation(getenv func(string) string) string {
	if s := getenv("SHINSEI_STATION"); s != "" {
		return s
	}
	if h, err := os.Hostname(); err == nil {
		return h
	}
	return "station"
}
