package archive

import (
	"image"
	"math"

	"shinsei/templates"
)

// RedactMarginMM is how far beyond a PIN box the black fill reaches. A
// registered page can sit a fraction of a millimetre off the template, and
// a writer's stroke can leave its cell: the margin makes sure no part of a
// PIN character survives either.
const RedactMarginMM = 1.0

// Redact returns a copy of img with every PIN box of t (all its cells and a
// RedactMarginMM margin) filled black. img is the page registered onto t's
// canvas, at any resolution: boxes are scaled from the template's page size
// to img's bounds. The fill replaces the pixels, it does not darken them,
// so nothing of what was written can be recovered from the copy. img itself
// is left alone: the caller may still need it, and a function that quietly
// changed its input would be a trap for the next caller.
//
// With a nil template (an unknown form) there are no known boxes, and the
// copy equals img.
func Redact(img *image.Gray, t *templates.Template) *image.Gray {
	out := image.NewGray(img.Bounds())
	copyGray(out, img)
	if t == nil {
		return out
	}
	b := img.Bounds()
	pageW, pageH := t.Page.WidthMM, t.Page.HeightMM
	if !(pageW > 0 && pageH > 0) {
		pageW, pageH = templates.PageWidthMM, templates.PageHeightMM
	}
	sx := float64(b.Dx()) / pageW
	sy := float64(b.Dy()) / pageH
	for _, f := range t.Fields {
		if f.Kind != templates.PIN {
			continue
		}
		// Round outwards: a pixel half inside the box is part of it.
		r := image.Rect(
			b.Min.X+int(math.Floor((f.Box.X-RedactMarginMM)*sx)),
			b.Min.Y+int(math.Floor((f.Box.Y-RedactMarginMM)*sy)),
			b.Min.X+int(math.Ceil((f.Box.X+f.Box.W+RedactMarginMM)*sx)),
			b.Min.Y+int(math.Ceil((f.Box.Y+f.Box.H+RedactMarginMM)*sy)),
		).Intersect(b)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			row := out.Pix[out.PixOffset(r.Min.X, y):out.PixOffset(r.Max.X, y)]
			clear(row)
		}
	}
	return out
}

// hasPIN reports whether a form has boxes for PINs.
func hasPIN(t *templates.Template) bool {
	for _, f := range t.Fields {
		if f.Kind == templates.PIN {
			return true
		}
	}
	return false
}

// copyGray copies src into dst, which has the same bounds; row by row
// because src may be a sub-image whose stride is wider than its width.
func copyGray(dst, src *image.Gray) {
	b := src.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		copy(dst.Pix[dst.PixOffset(b.Min.X, y):dst.PixOffset(b.Max.X, y)], src.Pix[src.PixOffset(b.Min.X, y):src.PixOffset(b.Max.X, y)])
	}
}
