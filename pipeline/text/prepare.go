package text

import (
	"image"
	"math"

	"shinsei/templates"
)

// inkBelow is the grey under which a pixel of a dropped-out canvas is ink.
// Drop-out leaves paper near white and a ballpoint line below ~120; 160
// keeps the faint edges of a stroke without picking up paper texture.
const inkBelow = 160

// faintBelow is the grey under which a pixel may still be writing: faint
// ink (a worn or erasable pen, hard pencil) lies around 170–210, above
// inkBelow and well below paper. Writing found only at this level is never
// read silently: Prepare reports it as Faint, and the reader reads it at
// this level and sends the value to a person.
const faintBelow = 215

// Prepared is a field's handwriting made ready for Tesseract: binarised,
// specks removed, cropped to the ink with a white margin.
type Prepared struct {
	Image *image.Gray
	// Ink is the number of ink pixels kept; 0 means the box is empty.
	Ink int
	// Overflow is the share of the kept ink touching the edge of the zone:
	// writing that runs out of its box may be cut.
	Overflow float64
	// Faint says the zone holds writing-sized strokes lighter than
	// inkBelow that the binarised image left out, or, where it kept no
	// writing, strokes broken into specks it dropped (hasBrokenWriting).
	Faint bool
}

// Prepare crops field box b of a dropped-out 300-dpi canvas. The box is
// shrunk by 0.5 mm so the remnants of its printed border stay out, and
// components smaller than a speck (dust, scanner noise, a dot of toner)
// are dropped: Tesseract reads them as 、or ・ and lowers its confidence.
func Prepare(ink *image.Gray, b templates.Box) Prepared {
	p := prepareAt(ink, b, inkBelow)
	p.Faint = hasFaintWriting(ink, b) || p.Ink == 0 && hasBrokenWriting(ink, b)
	return p
}

// HasInk says whether box b of ink holds anything Prepare would keep as
// ink, without the image or the passes that look for faint writing.
func HasInk(ink *image.Gray, b templates.Box) bool {
	return prepareAt(ink, b, inkBelow).Ink > 0
}

// PrepareFaint is Prepare at the faint-ink level: for reading writing that
// Prepare found Faint.
func PrepareFaint(ink *image.Gray, b templates.Box) Prepared {
	p := prepareAt(ink, b, faintBelow)
	p.Faint = true
	return p
}

// prepareAt is Prepare with pixels under below counted as ink.
func prepareAt(ink *image.Gray, b templates.Box, below uint8) Prepared {
	pxPerMM, r := zone(ink, b)
	w, h := r.Dx(), r.Dy()
	if w <= 0 || h <= 0 {
		return Prepared{}
	}
	lab, comps := label(w, h, func(i int) bool { return ink.Pix[ink.PixOffset(r.Min.X+i%w, r.Min.Y+i/w)] < below })
	// A speck is under 0.35 mm across: smaller than any stroke of a
	// written character's dot (濁点, the dot of ・) at the sizes people write.
	speck := int(math.Ceil(0.35 * pxPerMM))
	keep := make([]bool, len(comps)+1)
	bx := image.Rectangle{}
	inkPx, edgePx := 0, 0
	thin := 0.5 * pxPerMM
	writing := false
	for i, c := range comps {
		cw, ch := c.maxX-c.minX+1, c.maxY-c.minY+1
		if cw < speck && ch < speck {
			continue
		}
		// What is left of the printed box after drop-out on a warped scan
		// is a thin line along the zone's edge; a written stroke that
		// thin at the edge (the bar of ー) is inset from the box by the
		// writer.
		edge := c.minX == 0 || c.minY == 0 || c.maxX == w-1 || c.maxY == h-1
		if edge && float64(min(cw, ch)) < thin {
			continue
		}
		// A character is over 1.2 mm in some direction; dust and toner
		// specks that pass the speck test are not.
		if float64(max(cw, ch)) >= 1.2*pxPerMM {
			writing = true
		}
		keep[i+1] = true
		bx = bx.Union(image.Rect(c.minX, c.minY, c.maxX+1, c.maxY+1))
		inkPx += c.area
		if c.minX == 0 || c.minY == 0 || c.maxX == w-1 || c.maxY == h-1 {
			edgePx += c.area
		}
	}
	if inkPx == 0 || !writing {
		return Prepared{}
	}
	pad := int(math.Round(2 * pxPerMM))
	out := image.NewGray(image.Rect(0, 0, bx.Dx()+2*pad, bx.Dy()+2*pad))
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	for y := bx.Min.Y; y < bx.Max.Y; y++ {
		dst := out.Pix[out.PixOffset(pad, y-bx.Min.Y+pad):]
		for x := bx.Min.X; x < bx.Max.X; x++ {
			if keep[max(0, lab[y*w+x])] && lab[y*w+x] > 0 {
				dst[x-bx.Min.X] = 0
			}
		}
	}
	return Prepared{Image: out, Ink: inkPx, Overflow: float64(edgePx) / float64(inkPx)}
}

// halve shrinks a binarised field image to half its size, averaging each
// 2×2 block: grey edges keep what a plain subsample would lose.
func halve(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx()/2, g.Rect.Dy()/2
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		a := g.Pix[g.PixOffset(g.Rect.Min.X, g.Rect.Min.Y+2*y):]
		b := g.Pix[g.PixOffset(g.Rect.Min.X, g.Rect.Min.Y+2*y+1):]
		row := out.Pix[y*out.Stride:]
		for x := range w {
			row[x] = uint8((int(a[2*x]) + int(a[2*x+1]) + int(b[2*x]) + int(b[2*x+1]) + 2) / 4)
		}
	}
	return out
}

// dilate thickens black strokes of a binarised image by one pixel right
// and down.
func dilate(g *image.Gray) *image.Gray {
	out := image.NewGray(g.Rect)
	copy(out.Pix, g.Pix)
	w, h := g.Rect.Dx(), g.Rect.Dy()
	for y := range h - 1 {
		src := g.Pix[y*g.Stride:]
		d0 := out.Pix[y*out.Stride:]
		d1 := out.Pix[(y+1)*out.Stride:]
		for x := range w - 1 {
			if src[x] < 128 {
				d0[x+1], d1[x], d1[x+1] = 0, 0, 0
			}
		}
	}
	return out
}

// hasFaintWriting reports whether box b of a dropped-out canvas holds a
// stroke of writing size (over 1.2 mm) drawn only in faint ink: lighter
// than inkBelow everywhere, darker than faintBelow. The pale rim of a dark
// stroke belongs to a component that has dark pixels, so it does not count.
func hasFaintWriting(ink *image.Gray, b templates.Box) bool {
	pxPerMM, r := zone(ink, b)
	w, h := r.Dx(), r.Dy()
	if w <= 0 || h <= 0 {
		return false
	}
	at := func(i int) uint8 { return ink.Pix[ink.PixOffset(r.Min.X+i%w, r.Min.Y+i/w)] }
	lab, comps := label(w, h, func(i int) bool { return at(i) < faintBelow })
	dark := make([]bool, len(comps))
	for i, l := range lab {
		if l > 0 && at(i) < inkBelow {
			dark[l-1] = true
		}
	}
	for i, c := range comps {
		edge := c.minX == 0 || c.minY == 0 || c.maxX == w-1 || c.maxY == h-1
		if !dark[i] && writingSized(float64(c.maxX-c.minX+1), float64(c.maxY-c.minY+1), edge, pxPerMM) {
			return true
		}
	}
	return false
}

// hasBrokenWriting reports whether box b holds writing broken into specks,
// each too small for Prepare to keep: a copier's dithered black and white
// turns a light stroke into scattered dots, and a dry pen skips. Specks
// (darker than faintBelow) that lie within brokenGapMM of each other are
// joined, by marking each cell of a grid that size that holds one; joined
// specks spanning writing size (1.2 mm) are a stroke. Dust lies too sparse
// to join so. A thin run along the zone's edge is what is left of the
// printed box, as in Prepare.
func hasBrokenWriting(ink *image.Gray, b templates.Box) bool {
	pxPerMM, r := zone(ink, b)
	w, h := r.Dx(), r.Dy()
	if w <= 0 || h <= 0 {
		return false
	}
	cell := max(1, int(math.Round(brokenGapMM*pxPerMM)))
	gw, gh := (w+cell-1)/cell, (h+cell-1)/cell
	// The ink of each cell, as the bounding box of its pixels.
	boxes := make([]image.Rectangle, gw*gh)
	for y := range h {
		row := ink.Pix[ink.PixOffset(r.Min.X, r.Min.Y+y):]
		for x := range w {
			if row[x] < faintBelow {
				i := (y/cell)*gw + x/cell
				boxes[i] = boxes[i].Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	lab, comps := label(gw, gh, func(i int) bool { return !boxes[i].Empty() })
	bbs := make([]image.Rectangle, len(comps))
	for i, l := range lab {
		if l > 0 {
			bbs[l-1] = bbs[l-1].Union(boxes[i])
		}
	}
	for _, bb := range bbs {
		edge := bb.Min.X == 0 || bb.Min.Y == 0 || bb.Max.X == w || bb.Max.Y == h
		if writingSized(float64(bb.Dx()), float64(bb.Dy()), edge, pxPerMM) {
			return true
		}
	}
	return false
}

// writingSized says whether ink spanning cw×ch pixels of a zone, touching
// the zone's edge or not, is writing: 1.2 mm across at least, and not a
// thin run along the edge, which is what is left of the printed box.
func writingSized(cw, ch float64, edge bool, pxPerMM float64) bool {
	return max(cw, ch) >= 1.2*pxPerMM && !(edge && min(cw, ch) < 0.5*pxPerMM)
}

// brokenGapMM is the side of hasBrokenWriting's grid cells: specks this
// near each other are always joined, specks over twice as far never. A
// copier's dots of a faint stroke can lie a millimetre apart, which a
// grid of 0.3 mm left as specks (docs/evaluation.md, "Faint writing left
// as dots"). Dust lies further apart; a hard scan's speckle is sometimes
// joined, and its empty box goes to a person.
const brokenGapMM = 0.5

// zone is box b of a 300-dpi canvas in pixels, shrunk by 0.5 mm so the
// remnants of its printed border stay out, with the canvas's pixels per mm.
func zone(ink *image.Gray, b templates.Box) (float64, image.Rectangle) {
	pxPerMM := float64(ink.Rect.Dx()) / templates.PageWidthMM
	const insetMM = 0.5
	return pxPerMM, image.Rect(
		int(math.Round((b.X+insetMM)*pxPerMM)), int(math.Round((b.Y+insetMM)*pxPerMM)),
		int(math.Round((b.X+b.W-insetMM)*pxPerMM)), int(math.Round((b.Y+b.H-insetMM)*pxPerMM)),
	).Add(ink.Rect.Min).Intersect(ink.Rect)
}

// piece is one 8-connected piece of ink: its bounding box, corners
// included, and its number of pixels.
type piece struct{ minX, minY, maxX, maxY, area int }

// label finds the 8-connected pieces of a w×h grid whose cells isInk
// (given y*w+x) says are ink, and numbers each cell with its piece in lab,
// from 1 (0: no ink).
func label(w, h int, isInk func(i int) bool) (lab []int32, pieces []piece) {
	lab = make([]int32, w*h)
	for i := range lab {
		if isInk(i) {
			lab[i] = -1
		}
	}
	var stack []int
	for i := range lab {
		if lab[i] != -1 {
			continue
		}
		id := int32(len(pieces) + 1)
		c := piece{minX: w, minY: h, maxX: -1, maxY: -1}
		lab[i] = id
		stack = append(stack[:0], i)
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := p%w, p/w
			c.area++
			c.minX, c.maxX = min(c.minX, x), max(c.maxX, x)
			c.minY, c.maxY = min(c.minY, y), max(c.maxY, y)
			for yy := max(0, y-1); yy <= min(h-1, y+1); yy++ {
				for xx := max(0, x-1); xx <= min(w-1, x+1); xx++ {
					if q := yy*w + xx; lab[q] == -1 {
						lab[q] = id
						stack = append(stack, q)
					}
				}
			}
		}
		pieces = append(pieces, c)
	}
	return lab, pieces
}
