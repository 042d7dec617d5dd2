package scangen_test

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"shinsei/internal/scanfx"
	"shinsei/templates"
)

// WriteText puts ink in the box it is given and nowhere else.
func TestWriteText(t *testing.T) {
	g := gen(t, 1, scanfx.Hard) // the messiest pens stray furthest
	w, h := templates.PageSizePx(templates.CanvasDPI)
	b := templates.Box{X: 40, Y: 60, W: 80, H: 12}
	px := func(mm float64) int { return int(math.Round(templates.MMToPx(mm, templates.CanvasDPI))) }
	in := image.Rect(px(b.X), px(b.Y), px(b.X+b.W), px(b.Y+b.H))
	for seed := range uint64(8) {
		img := image.NewGray(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = 255
		}
		rng := rand.New(rand.NewPCG(seed, 7))
		if err := g.WriteText(img, b, "山田 花子 東京都港区", rng); err != nil {
			t.Fatal(err)
		}
		inside, outside := 0, 0
		for y := range h {
			for x := range w {
				if img.Pix[y*img.Stride+x] < 200 {
					if image.Pt(x, y).In(in) {
						inside++
					} else {
						outside++
					}
				}
			}
		}
		if inside == 0 {
			t.Errorf("seed %d: no ink inside the box", seed)
		}
		if outside > 0 {
			t.Errorf("seed %d: %d ink pixels outside the box (%d inside)", seed, outside, inside)
		}
	}
}
