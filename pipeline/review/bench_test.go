package review_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/store"
	"shinsei/store/storetest"
	"shinsei/templates"
)

// benchPages is the archive size issue 17 sets for the queue and a search
// to answer in under 200 ms.
const benchPages = 10000

// seedBench archives n application pages, one in three needing review,
// spread over three stations, with names; records only (no page image),
// which is what the queue and a search read.
func seedBench(b *testing.B, s store.Store, a *archive.Archive, n int) {
	b.Helper()
	tpl, err := templates.Builtin().Get(forms.TemplateApplication, 0)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				sha := fmt.Sprintf("%024x", i+1) + strings.Repeat("0", 40)
				st := forms.Accepted
				if i%3 == 0 {
					st = forms.NeedsReview
				}
				rec := forms.Record{
					DocumentID: forms.DocumentID(sha, 1),
					Source:     forms.Source{Name: fmt.Sprintf("scan-%d.pdf", i), SHA256: sha, Page: 1},
					Template:   &forms.TemplateRef{ID: tpl.ID, Revision: tpl.Revision, IdentifiedBy: forms.IdentifiedByQR},
					Status:     st,
					Fields: map[string]forms.FieldValue{
						"applicant_name": {Value: fmt.Sprintf("山田 太郎%d", i), Confidence: 0.9},
						"applicant_kana": {Value: "ヤマダ タロウ", Confidence: 0.9},
					},
					Issues: []forms.Issue{},
				}
				if _, err := a.Put(ctx, archive.Page{Record: rec, Template: tpl, Station: fmt.Sprintf("窓口%d", i%3)}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// BenchmarkQueueAndSearch: the review queue, the queue of one station,
// and a search by name, in an archive of benchPages pages on a local
// store. Run with: go test -run '^$' -bench QueueAndSearch ./pipeline/review/
func BenchmarkQueueAndSearch(b *testing.B) {
	s := storetest.Open(b, "file://"+b.TempDir(), func(string) string { return "" }).Store
	clk := &clock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	a := archive.New(s, archive.Options{Now: func() time.Time { clk.Add(time.Millisecond); return clk.Now() }, IndexKey: []byte(strings.Repeat("k", 32))})
	start := time.Now()
	seedBench(b, s, a, benchPages)
	b.Logf("seeded %d pages in %v", benchPages, time.Since(start).Round(time.Second))
	ctx := context.Background()
	for _, c := range []struct {
		name string
		run  func() (int, error)
		want int
	}{
		{"queue", func() (int, error) { q, err := a.Queue(ctx, archive.QueueFilter{}); return len(q), err }, (benchPages + 2) / 3},
		{"queue-station", func() (int, error) {
			q, err := a.Queue(ctx, archive.QueueFilter{Station: "窓口0"})
			return len(q), err
		}, (benchPages + 2) / 3},
		{"search-name", func() (int, error) {
			r, err := a.Search(ctx, archive.Query{Name: "山田太郎1234", Who: "bench", Why: "bench"})
			return len(r), err
		}, 1},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				n, err := c.run()
				if err != nil || n != c.want {
					b.Fatalf("%d results, %v; want %d", n, err, c.want)
				}
			}
		})
	}
}
