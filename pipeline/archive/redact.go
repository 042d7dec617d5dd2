package archive

import (
	"image"
	"math"

	"shinsei/forms"
	"shinsei/templates"
)

// RedactMarginMM is how far beyond a box the black fill reaches. A
// registered page can sit a fraction of a millimetre off the template, and
// a writer's stroke can leave its box: the margin makes sure no part of a
// character survives either.
const RedactMarginMM = 1.0

// sectionGapMM is the paper kept between the PIN section and the field or
// frame before and after it, so the section never eats into them.
const sectionGapMM = 1.0

// Redact returns a copy of img with the PIN section of t (PINSection)
// filled black. img is the page registered onto t's canvas, at any
// resolution: boxes are scaled from the template's page size to img's
// bounds. The fill replaces the pixels, it does not darken them, so nothing
// of what was written can be recovered from the copy. img itself is left
// alone: the caller may still need it, and a function that quietly changed
// its input would be a trap for the next caller.
//
// With a nil template (an unknown form) there are no known boxes, and the
// copy equals img.
func Redact(img *image.Gray, t *templates.Template) *image.Gray {
	out := image.NewGray(img.Bounds())
	copyGray(out, img)
	if t == nil {
		return out
	}
	if s, ok := PINSection(t); ok {
		BlackOut(out, t, 0, s)
	}
	return out
}

// PINSection is the band of the page that holds t's PIN rows: the full
// width of the page (its margins too), from just below the last field
// above the first PIN box to just above the first field or frame below the
// last one. On the answer sheet that is the 暗証番号 heading, both rows
// with their labels and notes, and the warning under them: wherever a
// person repeats a PIN beside its boxes ("(6331)"), corrects it above them
// or writes it again below, it is inside the band. ok is false for a form
// without PIN boxes.
func PINSection(t *templates.Template) (templates.Box, bool) {
	top, bottom := math.Inf(1), math.Inf(-1)
	for _, f := range t.Fields {
		if f.Kind == templates.PIN {
			top = min(top, f.Box.Y-RedactMarginMM)
			bottom = max(bottom, f.Box.Y+f.Box.H+RedactMarginMM)
		}
	}
	if math.IsInf(top, 1) {
		return templates.Box{}, false
	}
	pageW, pageH := pageSize(t)
	// What bounds the section: every other field, and every framed box
	// (not the grey label cells and headings, which are part of the rows).
	var others []templates.Box
	for _, f := range t.Fields {
		if f.Kind != templates.PIN {
			others = append(others, f.Box)
		}
	}
	for _, e := range t.Print {
		if e.Kind == templates.RectElement && !e.Gray || e.Kind == templates.SlotElement {
			others = append(others, e.Box)
		}
	}
	upper, lower := 0.0, pageH
	for _, b := range others {
		if bb := b.Y + b.H; bb <= top && bb > upper {
			upper = bb
		}
		if b.Y >= bottom && b.Y < lower {
			lower = b.Y
		}
	}
	y0, y1 := min(top, upper+sectionGapMM), max(bottom, lower-sectionGapMM)
	return templates.Box{X: 0, Y: y0, W: pageW, H: y1 - y0}, true
}

// BlackOut fills each box of t's page (in mm), grown by marginMM on every
// side, with black in img, a page registered onto t's canvas at any
// resolution. It changes img: callers black out their own copy.
func BlackOut(img *image.Gray, t *templates.Template, marginMM float64, boxes ...templates.Box) {
	b := img.Bounds()
	pageW, pageH := pageSize(t)
	sx := float64(b.Dx()) / pageW
	sy := float64(b.Dy()) / pageH
	for _, box := range boxes {
		// Round outwards: a pixel half inside the box is part of it.
		r := image.Rect(
			b.Min.X+int(math.Floor((box.X-marginMM)*sx)),
			b.Min.Y+int(math.Floor((box.Y-marginMM)*sy)),
			b.Min.X+int(math.Ceil((box.X+box.W+marginMM)*sx)),
			b.Min.Y+int(math.Ceil((box.Y+box.H+marginMM)*sy)),
		).Intersect(b)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			clear(img.Pix[img.PixOffset(r.Min.X, y):img.PixOffset(r.Max.X, y)])
		}
	}
}

func pageSize(t *templates.Template) (w, h float64) {
	if t != nil && t.Page.WidthMM > 0 && t.Page.HeightMM > 0 {
		return t.Page.WidthMM, t.Page.HeightMM
	}
	return templates.PageWidthMM, templates.PageHeightMM
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

// hasIssue reports whether rec carries an issue with code.
func hasIssue(rec forms.Record, code string) bool {
	for _, is := range rec.Issues {
		if is.Code == code {
			return true
		}
	}
	return false
}
