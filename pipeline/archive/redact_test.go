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
			var pinBoxes []templates.Box
			if c.template != "" {
				tp = tmpl(t, c.template)
				writePIN(img, tp)
				for _, f := range tp.Fields {
					if f.Kind == templates.PIN {
						pinBoxes = append(pinBoxes, f.Box)
					}
				}
			}
			// Ink all over the page too, across the PIN boxes and beside
			// them: it must come through untouched outside the boxes.
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
			// Every pixel of every PIN box and of its 1 mm margin is black.
			mm := float64(img.Bounds().Dx()) / templates.PageWidthMM
			margin := int(math.Floor(archive.RedactMarginMM*mm)) - 1
			for _, b := range pinBoxes {
				r := pxRect(img, b, -margin)
				if m := maxIn(out, r); m != 0 {
					t.Errorf("PIN box %+v (and margin, %v px): brightest pixel %d, want 0", b, r, m)
				}
			}
			// Everything else is the page as scanned.
			changed := 0
			for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
				for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
					if out.GrayAt(x, y) == img.GrayAt(x, y) {
						continue
					}
					p := image.Pt(x, y)
					inside := false
					for _, b := range pinBoxes {
						if p.In(pxRect(img, b, -margin-3)) {
							inside = true
						}
					}
					if !inside {
						changed++
					}
				}
			}
			if changed > 0 {
				t.Errorf("%d pixels outside the PIN boxes and their margins changed", changed)
			}
			if len(pinBoxes) == 0 && !bytes.Equal(out.Pix, img.Pix) {
				t.Error("a page without PIN boxes was changed")
			}
		})
	}
}
