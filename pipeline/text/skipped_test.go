package text

import (
	"image"
	"testing"

	"shinsei/ocr"
)

// TestSkipsWriting draws pieces of ink and hands skipsWriting the
// characters a read put round some of them.
func TestSkipsWriting(t *testing.T) {
	rect := image.Rect
	// Three characters 80 px high at x 20, 120 and 220; the third is a
	// stroke of 川 (three separate pieces), the kind a read passes over.
	chars := []image.Rectangle{rect(20, 20, 100, 100), rect(120, 20, 200, 100)}
	kawa := []image.Rectangle{rect(225, 25, 235, 95), rect(250, 30, 258, 90), rect(275, 25, 285, 98)}
	syms := func(bs ...image.Rectangle) ocr.Result {
		var w ocr.Word
		for _, b := range bs {
			w.Symbols = append(w.Symbols, ocr.Symbol{Text: "字", Confidence: 0.97, Box: b})
			w.Box = w.Box.Union(b)
		}
		return ocr.Result{Words: []ocr.Word{w}}
	}
	for _, c := range []struct {
		name string
		ink  []image.Rectangle
		res  ocr.Result
		want bool
	}{
		{"every piece read", append(chars, kawa...), syms(chars[0], chars[1], rect(222, 22, 288, 100)), false},
		{"a character passed over", append(chars, kawa...), syms(chars[0], chars[1]), true},
		{"a 濁点 left out", append(chars, rect(205, 15, 215, 25)), syms(chars[0], chars[1]), false},
		{"a radical beside its character's box", append(chars, rect(202, 60, 218, 100)), syms(chars[0], chars[1]), false},
		{"a stroke beyond the margin", append(chars, rect(222, 40, 230, 90)), syms(chars[0], chars[1]), true},
		{"a box a pixel wide beside its digit", []image.Rectangle{chars[0], rect(120, 20, 150, 100)}, syms(chars[0], rect(112, 22, 113, 98)), false},
		{"a line under the characters", append(chars, rect(20, 104, 200, 110)), syms(chars[0], chars[1]), false},
		{"a word without symbols", chars, ocr.Result{Words: []ocr.Word{{Text: "字字", Box: rect(20, 20, 200, 100)}}}, false},
		{"nothing read", chars, ocr.Result{}, false},
	} {
		img := image.NewGray(rect(0, 0, 320, 120))
		for i := range img.Pix {
			img.Pix[i] = 255
		}
		for _, b := range c.ink {
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					img.Pix[img.PixOffset(x, y)] = 0
				}
			}
		}
		if got := skipsWriting(img, c.res); got != c.want {
			t.Errorf("%s: skipsWriting = %v, want %v", c.name, got, c.want)
		}
	}
}
