package archive_test

import (
	"context"
	"testing"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/store"
)

// An application whose record says a My Number was masked is archived
// without its scanned file, which still shows the number; the same page
// without that issue keeps it (the contrast shows the issue decides).
func TestPutMyNumberOriginalNotKept(t *testing.T) {
	backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		a := archive.New(s, archive.Options{})
		for _, c := range []struct {
			name     string
			masked   bool
			wantKept bool
		}{
			{"plain.png", false, true},
			{"mynumber.png", true, false},
		} {
			f := makePage(t, pageSpec{name: c.name, template: "jpki-application", status: forms.NeedsReview, original: true})
			if c.masked {
				f.page.Record.Issues = append(f.page.Record.Issues, forms.Issue{Field: "applicant_phone", Code: forms.CodeMyNumberMasked, Message: "masked"})
			}
			e, err := a.Put(ctx, f.page)
			if err != nil {
				t.Fatal(err)
			}
			kept := len(keysUnder(objects(t, s), "archive/originals/"+f.page.Record.Source.SHA256)) > 0
			if kept != c.wantKept {
				t.Errorf("%s: original kept = %v, want %v (entry keys %q)", c.name, kept, c.wantKept, e.Keys)
			}
		}
	})
}
