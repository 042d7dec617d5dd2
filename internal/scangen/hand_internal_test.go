package scangen

import (
	"image"
	"math/rand/v2"
	"testing"

	"golang.org/x/image/font/opentype"
)

// A face that draws a character empty (Aoyagi Kouzan T's 翔) or has no
// glyph for it (cwTeX Kai's 県) must not leave a gap the truth does not
// show: the pen borrows the character from another face it was given.
func TestPenBorrowsMissingGlyphs(t *testing.T) {
	byName := map[string]Hand{}
	for _, h := range Hands() {
		byName[h.Name] = h
	}
	for _, tc := range []struct{ hand, other, char string }{
		{"kouzan-t-brush", "komatuna-bent", "翔"},
		{"cwtex-kai", "klee", "県"},
	} {
		h, err := loadHands([]Hand{byName[tc.hand], byName[tc.other]})
		if err != nil {
			t.Fatal(err)
		}
		ink := func(p pen) int {
			img := image.NewGray(image.Rect(0, 0, 400, 200))
			for i := range img.Pix {
				img.Pix[i] = 255
			}
			if err := p.line(img, 2, 12, tc.char, 8, 1, rand.New(rand.NewPCG(1, 2))); err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, v := range img.Pix {
				if v < 128 {
					n++
				}
			}
			return n
		}
		p := pen{font: h.faces[0].font, hand: h.faces[0].hand, ink: 20}
		if n := ink(p); n != 0 {
			t.Fatalf("%s draws %s itself (%d dark pixels): the case this test is about is gone", tc.hand, tc.char, n)
		}
		p.others = []*opentype.Font{h.faces[1].font}
		if n := ink(p); n < 50 {
			t.Errorf("%s, borrowing from %s: %s drawn with %d dark pixels", tc.hand, tc.other, tc.char, n)
		}
	}
}
