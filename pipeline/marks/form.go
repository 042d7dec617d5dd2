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
	return &Form{Template: t, DPI: dpi, mask: NewMask(blank)}, nil
}

// Ink puts a registered scan onto the canvas (Warp), evens its paper
// (Normalize) and drops the printed form out (DropOut): what is left is
// what a person wrote, in template coordinates.
func (f *Form) Ink(scan *image.Gray, t register.Affine) *image.Gray {
	page := Warp(scan, t, f.DPI)
	Normalize(page)
	// The warped page is ours: drop out in place rather than copy it.
	f.mask.whiten(page, page)
	return page
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
