package archive_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/store"
)

// Reviews written at once by several writers (the claim should prevent
// it; the store is the last word): no two stand under one number, and
// the page serves the one its latest number holds.
func TestPutReviewConcurrent(t *testing.T) {
	backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		a := archive.New(s, archive.Options{})
		f := makePage(t, pageSpec{name: "a.pdf", template: "jpki-revocation", status: forms.NeedsReview})
		if _, err := a.Put(ctx, f.page); err != nil {
			t.Fatal(err)
		}
		id := f.page.Record.DocumentID
		statuses := []forms.Status{forms.Accepted, forms.Rejected, forms.NeedsReview, forms.Accepted, forms.Rejected, forms.NeedsReview}
		var wg sync.WaitGroup
		got := make([]archive.Review, len(statuses))
		errs := make([]error, len(statuses))
		for i, st := range statuses {
			wg.Go(func() {
				rec := f.page.Record
				rec.Status = st
				got[i], errs[i] = a.PutReview(ctx, archive.Review{DocumentID: id, Who: "r", Action: archive.ReviewSave, Record: rec})
			})
		}
		wg.Wait()
		seqs := map[int]int{}
		last, lastStatus := 0, forms.Status("")
		for i, err := range errs {
			switch {
			case err == nil:
				seqs[got[i].Seq]++
				if got[i].Seq > last {
					last, lastStatus = got[i].Seq, got[i].Record.Status
				}
			case !errors.Is(err, archive.ErrReviewConflict):
				t.Errorf("PutReview %d: %v", i, err)
			}
		}
		for seq, n := range seqs {
			if n > 1 {
				t.Errorf("%d reviews succeeded as number %d", n, seq)
			}
		}
		cur, err := a.Current(ctx, id)
		if err != nil || cur.Status != lastStatus {
			t.Errorf("Current = %s, %v; the latest successful review says %s", cur.Status, err, lastStatus)
		}
	})
}

func TestPutReviewRefuses(t *testing.T) {
	ctx := context.Background()
	a := archive.New(localStore(t), archive.Options{})
	f := makePage(t, pageSpec{name: "a.pdf", template: "jpki-revocation", status: forms.NeedsReview})
	id := f.page.Record.DocumentID
	rec := f.page.Record
	rec.Status = forms.Accepted
	if _, err := a.PutReview(ctx, archive.Review{DocumentID: id, Record: rec}); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("review of a page not archived: %v", err)
	}
	if _, err := a.Put(ctx, f.page); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]archive.Review{
		"bad id":       {DocumentID: "x", Record: rec},
		"other record": {DocumentID: id, Record: forms.Record{DocumentID: "abc-p1", Status: forms.Accepted}},
		"no status":    {DocumentID: id, Record: forms.Record{DocumentID: id}},
	} {
		if _, err := a.PutReview(ctx, r); err == nil {
			t.Errorf("%s: PutReview accepted it", name)
		}
	}
}
