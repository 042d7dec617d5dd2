package pipeline_test

import (
	"context"
	"testing"

	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
)

// TestBrushDates reads again two dates of the calibration corpus (seed
// 101, standard, calibration hands) that a brush hand wrote and shinsei
// left unread: 昭和42年8月16日 read 3和42年8月16日, whose nearest day beat
// the next (昭和42年8月10日) by exactly one confusable digit, a margin
// floating point lost; and 令和8年10月31日 read 信和6午10月31日, too far
// from any day, which read again under the window's characters (text's
// readDateOnly) comes out 令和9年10月31日, one digit from the window. Each
// must be proposed, right, and for a person.
func TestBrushDates(t *testing.T) {
	hs, err := scangen.HandsByUse(scangen.UseCalibrate)
	if err != nil {
		t.Fatal(err)
	}
	g, err := scangen.New(scangen.Options{Seed: 101, Mix: scanfx.Standard, Hands: hs})
	if err != nil {
		t.Fatal(err)
	}
	eng := readingEngine(t, scangen.DefaultToday())
	ctx := context.Background()
	for _, c := range []struct {
		doc   int
		field string
	}{
		{2, "applicant_birth_date"},
		{1, "application_date"},
	} {
		d, err := g.Document(c.doc)
		if err != nil {
			t.Fatal(err)
		}
		pt := d.Truth.Pages[0]
		want, ok := pt.Fields[c.field]
		if !ok || pt.Hand != "kouzan-t-brush" {
			t.Fatalf("the generator no longer makes this page (%s: hand %q, %s %+v)", d.Name, pt.Hand, c.field, want)
		}
		pages := eng.Pages(ctx, d.Name, d.Data)
		if len(pages) == 0 {
			t.Fatalf("%s: no pages", d.Name)
		}
		fv := eng.Read(ctx, pages[0]).Fields[c.field]
		// Generated people's dates: fine to show in a test.
		if fv.Value != want.Value || !fv.Review {
			t.Errorf("%s %s: %v (review %v, confidence %.2f); want %v proposed for a person", d.Name, c.field, fv.Value, fv.Review, fv.Confidence, want.Value)
		}
	}
}
