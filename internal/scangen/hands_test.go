package scangen_test

import (
	"testing"

	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
)

// The hands are split three ways with no face in two uses, so that a
// figure measured on held-out hands is about faces the model and its
// thresholds never saw; and every hand's face is installed.
func TestHands(t *testing.T) {
	uses := map[string]string{} // font → use
	count := map[string]int{}
	for _, h := range scangen.Hands() {
		if u, ok := uses[h.Font]; ok && u != h.Use {
			t.Errorf("%s: face %s serves both %s and %s", h.Name, h.Font, u, h.Use)
		}
		uses[h.Font] = h.Use
		count[h.Use]++
	}
	if count[scangen.UseHoldout] < 3 || count[scangen.UseCalibrate] < 2 || count[scangen.UseTrain] < 1 || len(scangen.Hands()) < 6 {
		t.Errorf("hands per use %v: want at least 6 hands, 3 of them held out", count)
	}
	for _, spec := range []string{scangen.UseHoldout, scangen.UseCalibrate, scangen.UseTrain, "yoz-pen,klee"} {
		hs, err := scangen.HandsByUse(spec)
		if err != nil || len(hs) == 0 {
			t.Fatalf("HandsByUse(%q) = %v, %v", spec, hs, err)
		}
		g, err := scangen.New(scangen.Options{Seed: 1, Mix: scanfx.Clean, Hands: hs})
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		d, err := g.Document(0)
		if err != nil {
			t.Fatal(err)
		}
		if h := d.Truth.Pages[0].Hand; h == "" {
			t.Errorf("%s: the truth names no hand", spec)
		}
	}
	if _, err := scangen.HandsByUse("nobody"); err == nil {
		t.Error("HandsByUse of an unknown hand succeeded")
	}
}
