package marks

import (
	"fmt"
	"image"

	"shinsei/pipeline/register"
	"shinsei/templates"
)

// Form is one template made ready for reading at one resolution: its blank
// render's drop-out mask, built once. It is safe for concurrent use.
type Form struct {
	Template *templates.Template
	DPI      float64
	mask     *Mask
	// printed and paper sample the blank render (pixel offsets): where it
	// has print, and where it has bare paper outside every field box —
	// what Likeness compares a page with.
	printed, paper []int32
}

// NewForm renders t blank at dpi (0 means templates.CanvasDPI) and
// prepares its drop-out mask.
func NewForm(r *templates.Renderer, t *templates.Template, dpi float64) (*Form, error) {
	if dpi <= 0 {
		dpi = templates.CanvasDPI
	}
	blank, err := r.Render(t, templates.Values{}, dpi)
	if err != nil {
		return nil, fmt.Errorf("marks: blank %s: %w", t.Key(), err)
	}
	return formFromBlank(t, dpi, blank), nil
}

func formFromBlank(t *templates.Template, dpi float64, blank *image.Gray) *Form {
	f := &Form{Template: t, DPI: dpi, mask: NewMask(blank)}
	f.sample(blank)
	return f
}

// sample picks the blank's printed pixels and its paper away from any
// field (where nobody writes), on a sparse grid: enough to tell three
// forms apart, cheap to compare.
func (f *Form) sample(blank *image.Gray) {
	pxPerMM := f.DPI / 25.4
	var boxes []image.Rectangle
	for _, fd := range f.Template.Fields {
		boxes = append(boxes, mmToRect(inset(fd.Box, -2), pxPerMM))
	}
	b := blank.Rect
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			off := blank.PixOffset(x, y)
			switch {
			case blank.Pix[off] < printedBelow:
				f.printed = append(f.printed, int32(off))
			case (x%12 == 0 && y%12 == 0) && f.mask.pix[off] == 0 && !inAny(image.Pt(x, y), boxes):
				f.paper = append(f.paper, int32(off))
			}
		}
	}
}

func inAny(p image.Point, rs []image.Rectangle) bool {
	for _, r := range rs {
		if p.In(r) {
			return true
		}
	}
	return false
}

// Ink puts a registered scan onto the canvas (Warp), evens its paper
// (Normalize) and drops the printed form out (DropOut): what is left is
// what a person wrote, in template coordinates.
func (f *Form) Ink(scan *image.Gray, t register.Affine) *image.Gray {
	page := f.Canvas(scan, t)
	// The warped page is ours: drop out in place rather than copy it.
	f.DropOutInPlace(page)
	return page
}

// Canvas puts a registered scan onto the canvas and evens its paper: the
// page as a person would see it, straight, before drop-out.
func (f *Form) Canvas(scan *image.Gray, t register.Affine) *image.Gray {
	page := Warp(scan, t, f.DPI)
	Normalize(page)
	return page
}

// DropOutInPlace whitens the form's printed matter on a canvas made by
// Canvas (for this form's resolution), leaving what a person wrote.
func (f *Form) DropOutInPlace(page *image.Gray) { f.mask.whiten(page, page) }

// The bar a page's likeness must clear to be identified as a form: on the
// committed corpus a page scores 0.90–0.96 against its own form (0.46 for
// a faint bilevel fax) and at most 0.38 against another (application and
// revocation share much print), always at least 0.31 below its own.
const (
	IdentifyMin    = 0.40
	IdentifyMargin = 0.25
)

// Likeness says how well a canvas (from Canvas) matches this form's print,
// in [-1, 1]: the share of the form's printed pixels that are dark on the
// page, less the share of its bare paper (away from every field) that is.
// The right form scores near 1; another form's print falls on this one's
// paper and scores far lower. It identifies a page whose QR code cannot
// be read.
func (f *Form) Likeness(page *image.Gray) float64 {
	if len(f.printed) == 0 || len(f.paper) == 0 || len(page.Pix) < len(f.mask.pix) {
		return -1
	}
	dark := func(offs []int32) float64 {
		n := 0
		for _, o := range offs {
			if page.Pix[o] < 160 {
				n++
			}
		}
		return float64(n) / float64(len(offs))
	}
	return dark(f.printed) - dark(f.paper)
}

// Reading is every mark on one page, by field id.
type Reading struct {
	Checkboxes map[string]CheckResult
	Signatures map[string]SignatureResult
	PINs       map[string]PINResult
}

// Read reads every checkbox, signature and PIN field of the form from its
// ink (as returned by Ink).
func (f *Form) Read(ink *image.Gray) Reading {
	r := Reading{
		Checkboxes: map[string]CheckResult{},
		Signatures: map[string]SignatureResult{},
		PINs:       map[string]PINResult{},
	}
	for _, fd := range f.Template.Fields {
		switch fd.Kind {
		case templates.Checkbox:
			r.Checkboxes[fd.ID] = Checkbox(ink, fd)
		case templates.Signature:
			r.Signatures[fd.ID] = Signature(ink, fd)
		case templates.PIN:
			r.PINs[fd.ID] = PINCells(ink, fd)
		}
	}
	return r
}
