package pipeline_test

import (
	"testing"

	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
)

// TestHeldOutValues reads again each text value a fresh held-out sample
// (held-out hands, never used for a choice) passed wrong and a rule made
// after it sends to a person, on its page regenerated. Each must now be
// read right or go to a person.
func TestHeldOutValues(t *testing.T) {
	eng := readingEngine(t, scangen.DefaultToday())
	for _, c := range []struct {
		why         string
		seed        uint64
		mix         scanfx.Mix
		doc         int
		hand, field string
		written     string // the truth
		right       string // the value read right
	}{
		// An answer sheet: 長谷川 愛 read 長谷 愛 at 0.97, a known name,
		// the 川 between them passed over by every read, and no フリガナ
		// beside it (text_skipped).
		{"a character passed over", 306, scanfx.Standard, 298, "soseki-brush", "proxy_name", "長谷川 愛", "長谷川愛"},
		// A revocation: its ハ taken for a hiragana へ at 0.94, in a
		// building's name no list holds (address_confusable).
		{"a building's word in two scripts", 308, scanfx.Copier, 392, "yoz-slanted", "applicant_address", "北海道札幌市中央区宮の森3丁目30番18号 ハイツ208号室", "北海道札幌市中央区宮の森3丁目30番18号ハイツ208号室"},
	} {
		t.Run(c.why, func(t *testing.T) {
			gen := generator(t, c.seed, c.mix, scangen.UseHoldout)
			name, want, fv := readGenerated(t, eng, gen, c.doc, c.hand, c.field)
			if want != c.written {
				t.Fatalf("the generator no longer makes this page (%s: %s %v)", name, c.field, want)
			}
			// A generated person's: fine to show in a test.
			if fv.Value != c.right && !fv.Review {
				t.Errorf("%s %s: %v sure (confidence %.2f); want %v or a person", name, c.field, fv.Value, fv.Confidence, c.right)
			}
		})
	}
}
