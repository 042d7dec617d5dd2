package scangen

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"
	"unicode"

	"shinsei/templates"
)

// The small-digit scenario draws the last digit of the day at about half
// the height of the other digits, in its place in the line, inside the box.
// (A digit drawn at the others' size fails it: tried.)
func TestSmallDigitDrawsTheDaysLastDigitSmall(t *testing.T) {
	g, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := g.reg.Get("jpki-application", 0)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := tpl.Field("application_date")
	for seed := range uint64(12) {
		rng := rand.New(rand.NewPCG(seed, 7))
		img := image.NewGray(image.Rect(0, 0, int(px(templates.PageWidthMM)), int(px(templates.PageHeightMM))))
		var boxes []templates.Box
		w := &writer{img: img, rng: rng, pen: g.hands.newPen(rng, 1), hands: g.hands, fields: map[string]FieldTruth{}}
		w.pen.boxes = &boxes
		if err := w.smallDigit(tpl, f.ID, DefaultToday().AddDate(0, 0, -int(seed))); err != nil {
			t.Fatal(err)
		}
		ft := w.fields[f.ID]
		// A space may leave a speck of a box (a shaped glyph's margin).
		boxes = slices.DeleteFunc(boxes, func(b templates.Box) bool { return b.W < 0.3 && b.H < 0.3 })
		written := slices.DeleteFunc([]rune(ft.Written), unicode.IsSpace)
		if len(boxes) != len(written) {
			t.Fatalf("seed %d: %d glyphs drawn for %q: %v", seed, len(boxes), ft.Written, boxes)
		}
		last := -1
		var heights []float64
		for i, r := range written {
			if r >= '0' && r <= '9' {
				if last >= 0 {
					heights = append(heights, boxes[last].H)
				}
				last = i
			}
		}
		slices.Sort(heights)
		small, usual := boxes[last].H, heights[len(heights)/2]
		// A glyph's box holds the margin its shaping grew it by, the
		// small one's more (its strokes are thickened to the pen's).
		if small > 0.8*usual {
			t.Errorf("seed %d, %q: the day's last digit is %.1f mm high, the others %.1f mm", seed, ft.Written, small, usual)
		}
		b := boxes[last]
		if b.X < boxes[last-1].X || last+1 < len(boxes) && b.X > boxes[last+1].X || b.X < f.Box.X || b.X+b.W > f.Box.X+f.Box.W {
			t.Errorf("seed %d, %q: the small digit at x %.1f–%.1f mm is out of its place (box %.1f–%.1f)", seed, ft.Written, b.X, b.X+b.W, f.Box.X, f.Box.X+f.Box.W)
		}
		if ft.Value != DefaultToday().AddDate(0, 0, -int(seed)).Format("2006-01-02") || ft.Style != "small-digit" {
			t.Errorf("seed %d: truth %+v", seed, ft)
		}
	}
}
