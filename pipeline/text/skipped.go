package text

import (
	"image"
	"slices"

	"shinsei/ocr"
)

// WhySkipped: Tesseract read the field, but passed over a stroke of its
// writing that no character it read covers, so the value may be missing a
// character (長谷川 愛 read 長谷 愛 at 0.97, the 川 between them left out:
// a known name all the same). The second reader may propose another value
// for it (text_second_reader); nothing makes it sure.
const WhySkipped = "text_skipped"

// Writing a read passed over: a piece of ink at least skippedSize of the
// characters' median height across that lies, along the line, further
// than skippedMargin of that height from every character's box, and
// outside the square cell (skippedCell of the height each side of the
// box's middle) a character of that height would fill. A 濁点 or a speck
// is smaller. Tesseract's boxes for the characters it read are
// approximate: 浩's can hold only its 告, with the 氵 a third of a
// character away; an 8's can be a pixel wide beside the digit.
const (
	skippedSize   = 0.3
	skippedMargin = 0.25
	skippedCell   = 0.6
)

// skipsWriting says whether res, Tesseract's reading of img (a view of a
// prepared field: dark ink on white), left out a piece of the writing. A
// pixel under mid-grey is ink, so a halved view's grey edges count half.
func skipsWriting(img *image.Gray, res ocr.Result) bool {
	var boxes []image.Rectangle
	for _, w := range res.Words {
		if len(w.Symbols) == 0 {
			boxes = append(boxes, w.Box)
			continue
		}
		for _, s := range w.Symbols {
			boxes = append(boxes, s.Box)
		}
	}
	if len(boxes) == 0 {
		return false
	}
	hs := make([]int, len(boxes))
	for i, b := range boxes {
		hs[i] = b.Dy()
	}
	slices.Sort(hs)
	h := float64(hs[len(hs)/2])
	m, half := int(skippedMargin*h+0.5), int(skippedCell*h+0.5)
	near := func(c image.Rectangle) bool {
		return slices.ContainsFunc(boxes, func(b image.Rectangle) bool {
			mid := (b.Min.X + b.Max.X) / 2
			return c.Min.X < max(b.Max.X+m, mid+half) && min(b.Min.X-m, mid-half) < c.Max.X
		})
	}
	r := img.Rect
	w := r.Dx()
	_, pieces := label(w, r.Dy(), func(i int) bool { return img.Pix[img.PixOffset(r.Min.X+i%w, r.Min.Y+i/w)] < 128 })
	for _, p := range pieces {
		c := image.Rect(r.Min.X+p.minX, r.Min.Y+p.minY, r.Min.X+p.maxX+1, r.Min.Y+p.maxY+1)
		if float64(max(c.Dx(), c.Dy())) >= skippedSize*h && !near(c) {
			return true
		}
	}
	return false
}
