package text

import (
	"image"
	"slices"

	"shinsei/ocr"
)

// WhySkipped: Tesseract read the field, but passed over a stroke of its
// writing that no character it read covers, so the value may be missing a
// character (長谷川 愛 read 長谷 愛 at 0.97, the 川 between them left out:
// a known name all the same).
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
// prepared field: dark ink on white), left out a piece of the writing.
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
	for _, c := range inkPieces(img) {
		if float64(max(c.Dx(), c.Dy())) >= skippedSize*h && !near(c) {
			return true
		}
	}
	return false
}

// inkPieces are the bounding boxes of img's 8-connected pieces of ink
// (pixels under mid-grey, so a halved view's grey edges count half).
func inkPieces(img *image.Gray) []image.Rectangle {
	r := img.Rect
	w, h := r.Dx(), r.Dy()
	seen := make([]bool, w*h)
	isInk := func(i int) bool { return img.Pix[img.PixOffset(r.Min.X+i%w, r.Min.Y+i/w)] < 128 }
	var out []image.Rectangle
	var stack []int
	for i := range seen {
		if seen[i] || !isInk(i) {
			continue
		}
		seen[i] = true
		b := image.Rect(i%w, i/w, i%w+1, i/w+1)
		stack = append(stack[:0], i)
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := p%w, p/w
			b = b.Union(image.Rect(x, y, x+1, y+1))
			for yy := max(0, y-1); yy <= min(h-1, y+1); yy++ {
				for xx := max(0, x-1); xx <= min(w-1, x+1); xx++ {
					if q := yy*w + xx; !seen[q] && isInk(q) {
						seen[q] = true
						stack = append(stack, q)
					}
				}
			}
		}
		out = append(out, b.Add(r.Min))
	}
	return out
}
