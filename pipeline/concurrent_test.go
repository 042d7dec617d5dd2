package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"shinsei/forms"
	"shinsei/internal/scangen"
	"shinsei/pipeline"
)

// TestEngineConcurrent reads three pages of three forms, each twice, all
// at once with one engine, as the workers of shinsei scan share it: the
// drop-out masks built on each form's first page, two Tesseract clients
// for six readers, one session of each PaddleOCR model for all. Each
// record must be the one a reader alone makes. make test runs this
// package's tests without the race detector but for this one
// (scripts/test.sh): it is the only test here that reads pages from more
// than one goroutine.
func TestEngineConcurrent(t *testing.T) {
	ctx := context.Background()
	names := []string{"0015-answer.png", "0025-revocation.jpg", "0026-application.tif"}
	files := make([][]byte, len(names))
	for i, name := range names {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "corpus", "standard", name))
		if err != nil {
			t.Fatal(err)
		}
		files[i] = data
	}
	// read decodes file i afresh, so that no read sees a page another
	// one has worked on.
	read := func(e *pipeline.Engine, i int) forms.Record {
		ps := e.Pages(ctx, names[i], files[i])
		if len(ps) != 1 {
			t.Errorf("%s: %d pages", names[i], len(ps))
			return forms.Record{}
		}
		return e.Read(ctx, ps[0])
	}

	// Each page twice at once: two readers of one form reach its masks
	// together, before either has taken a Tesseract client.
	shared := readingEngineOf(t, scangen.DefaultToday(), 2)
	got := make([][2]forms.Record, len(names))
	var wg sync.WaitGroup
	for i := range names {
		for j := range 2 {
			wg.Go(func() { got[i][j] = read(shared, i) })
		}
	}
	wg.Wait()

	alone := readingEngine(t, scangen.DefaultToday())
	for i, name := range names {
		want := read(alone, i)
		if want.Template == nil {
			t.Fatalf("%s: no form found (%v): the test needs a page of a form", name, want.Issues)
		}
		for _, g := range got[i] {
			if !reflect.DeepEqual(g, want) {
				t.Errorf("%s read beside five others:\n%+v\nread alone:\n%+v", name, g, want)
			}
		}
	}
}
