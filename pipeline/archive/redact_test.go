package archive_test

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"testing"

	"shinsei/pipeline/archive"
	"shinsei/templates"
)

func TestRedact(t *testing.T) {
	for _, c := range []struct {
		name     string
		template string // "" for an unknown form
		dpi      float64
		offset   image.Point // the image's bounds do not start at 0,0
	}{
		{"answer sheet at 300 dpi", "jpki-answer", 300, image.Point{}},
		{"answer sheet at 150 dpi", "jpki-answer", 150, image.Point{}},
		{"answer sheet, offset bounds", "jpki-answer", 200, image.Pt(37, -11)},
		{"application (no PIN boxes)", "jpki-application", 300, image.Point{}},
		{"revocation (no PIN boxes)", "jpki-revocation", 150, image.Point{}},
		{"unknown form", "", 150, image.Point{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			img := white(c.dpi)
			img.Rect = img.Rect.Add(c.offset)
			var tp *templates.Template
			var mustBlack []templates.Box
			if c.template != "" {
				tp = tmpl(t, c.template)
				writePIN(img, tp)
				mustBlack = aroundPINs(tp)
			}
			// Ink all over the page too, across the PIN boxes and beside
			// them: it must come through untouched outside the section.
			for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y += 7 {
				for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
					img.SetGray(x, y, color.Gray{Y: 60})
				}
			}
			scanned := bytes.Clone(img.Pix)

			out := archive.Redact(img, tp)

			if !bytes.Equal(img.Pix, scanned) {
				t.Error("Redact changed its input")
			}
			if out.Bounds() != img.Bounds() {
				t.Fatalf("bounds %v, want %v", out.Bounds(), img.Bounds())
			}
			if &out.Pix[0] == &img.Pix[0] {
				t.Fatal("Redact returned its input, not a copy")
			}
			// Every pixel of every PIN box, its 1 mm margin, and wherever
			// a person repeats or corrects a PIN around the boxes is black.
			for _, b := range mustBlack {
				r := pxRect(img, b, 0)
				if m := maxIn(out, r); m != 0 {
					t.Errorf("around the PIN boxes, %+v mm (%v px): brightest pixel %d, want 0", b, r, m)
				}
			}
			// Everything outside the PIN section is the page as scanned.
			section, hasSection := templates.Box{}, false
			if tp != nil {
				section, hasSection = archive.PINSection(tp)
			}
			if hasSection != (len(mustBlack) > 0) {
				t.Fatalf("PINSection found = %v on a form with %d PIN places", hasSection, len(mustBlack))
			}
			sr := pxRect(img, section, -1)
			changed := 0
			for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
				for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
					if out.GrayAt(x, y) != img.GrayAt(x, y) && !(hasSection && image.Pt(x, y).In(sr)) {
						changed++
					}
				}
			}
			if changed > 0 {
				t.Errorf("%d pixels outside the PIN section changed", changed)
			}
			if !hasSection && !bytes.Equal(out.Pix, img.Pix) {
				t.Error("a page without PIN boxes was changed")
			}
		})
	}
}

// aroundPINs lists, for a form with PIN boxes, the places (mm) where a
// PIN can be written: the boxes and a 1 mm margin, their label cells,
// 5 mm above the first row (a correction), beside each row out to the
// page's right edge ("(6331)" after the boxes), 4 mm under the last row,
// and the page margins level with the rows. They come from the template's
// fields and the label column, not from the redaction code.
func aroundPINs(tp *templates.Template) []templates.Box {
	var out []templates.Box
	first, last := math.Inf(1), math.Inf(-1)
	for _, f := range tp.Fields {
		if f.Kind != templates.PIN {
			continue
		}
		b := f.Box
		first, last = min(first, b.Y), max(last, b.Y+b.H)
		out = append(out,
			templates.Box{X: b.X - 1, Y: b.Y - 1, W: b.W + 2, H: b.H + 2},                       // cells and margin
			templates.Box{X: 15, Y: b.Y, W: 30, H: b.H},                                         // label cell
			templates.Box{X: b.X + b.W, Y: b.Y - 1, W: tp.Page.WidthMM - b.X - b.W, H: b.H + 2}, // beside, to the edge
			templates.Box{X: 0, Y: b.Y, W: 15, H: b.H},                                          // left margin
		)
	}
	if math.IsInf(first, 1) {
		return nil
	}
	out = append(out,
		templates.Box{X: 15, Y: first - 5, W: 180, H: 5}, // above: a correction
		templates.Box{X: 15, Y: last, W: 180, H: 4},      // below
	)
	return out
}

func TestPINSectionKeepsOtherFields(t *testing.T) {
	for _, id := range []string{"jpki-answer", "jpki-application", "jpki-revocation"} {
		tp := tmpl(t, id)
		s, ok := archive.PINSection(tp)
		if !ok {
			continue
		}
		for _, f := range tp.Fields {
			if f.Kind != templates.PIN && f.Box.Overlaps(s) {
				t.Errorf("%s: the PIN section %+v covers field %s %+v", id, s, f.ID, f.Box)
			}
		}
	}
}
