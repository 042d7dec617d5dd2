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
// readDateOnly) comes out 令和9年10月31日, one digit from the window. And
// one of seed 102 that passed wrong: 回答日 2026年10月25日 read 15日, a
// plausible day, though the sheet says it was printed on the 20th
// (text.Reader.WithEarliest). Each must be proposed, right, and for a
// person.
func TestBrushDates(t *testing.T) {
	hs, err := scangen.HandsByUse(scangen.UseCalibrate)
	if err != nil {
		t.Fatal(err)
	}
	gens := map[uint64]*scangen.Generator{}
	for _, seed := range []uint64{101, 102} {
		if gens[seed], err = scangen.New(scangen.Options{Seed: seed, Mix: scanfx.Standard, Hands: hs}); err != nil {
			t.Fatal(err)
		}
	}
	eng := readingEngine(t, scangen.DefaultToday())
	ctx := context.Background()
	for _, c := range []struct {
		seed  uint64
		doc   int
		field string
	}{
		{101, 2, "applicant_birth_date"},
		{101, 1, "application_date"},
		{102, 147, "answer_date"},
	} {
		d, err := gens[c.seed].Document(c.doc)
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
