package pipeline_test

import (
	"context"
	"testing"

	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
)

// TestSkippedCharacter reads again the one name a fresh held-out sample
// (seed 306, standard, held-out hands) passed wrong: on an answer sheet
// in soseki-brush, 長谷川 愛 read 長谷 愛 at 0.97, a known name, the 川
// between them passed over by every read. An answer sheet has no
// フリガナ to hold it against; the strokes no character read covers
// (text.WhySkipped) must send it to a person.
func TestSkippedCharacter(t *testing.T) {
	hs, err := scangen.HandsByUse(scangen.UseHoldout)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := scangen.New(scangen.Options{Seed: 306, Mix: scanfx.Standard, Hands: hs})
	if err != nil {
		t.Fatal(err)
	}
	d, err := gen.Document(298)
	if err != nil {
		t.Fatal(err)
	}
	const field = "proxy_name"
	pt := d.Truth.Pages[0]
	if tr := pt.Fields[field]; pt.Hand != "soseki-brush" || tr.Value != "長谷川 愛" {
		t.Fatalf("the generator no longer makes this page (%s: hand %q, %s %+v)", d.Name, pt.Hand, field, tr)
	}
	eng := readingEngine(t, scangen.DefaultToday())
	ctx := context.Background()
	pages := eng.Pages(ctx, d.Name, d.Data)
	if len(pages) == 0 {
		t.Fatalf("%s: no pages", d.Name)
	}
	// A generated person's name: fine to show in a test.
	if fv := eng.Read(ctx, pages[0]).Fields[field]; fv.Value != "長谷川愛" && !fv.Review {
		t.Errorf("%s %s: %v sure (confidence %.2f); want 長谷川愛 or a person", d.Name, field, fv.Value, fv.Confidence)
	}
}
