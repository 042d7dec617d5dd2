package templates_test

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"
	"math"
	"testing"

	"shinsei/internal/pdfout"
	"shinsei/pipeline/register"
	"shinsei/templates"
)

// A rendered form can be read back: from the PNG directly and from the PDF
// through pdfcpu, the four fiducials are where the template puts them, the
// page is upright, and the QR code names the template, revision and case.
func TestRoundTrip(t *testing.T) {
	r := renderer(t)
	for _, tp := range templates.Builtin().List() {
		v := templates.Values{}
		want := templates.QRPayload{Template: tp.ID, Revision: tp.Revision}
		if _, ok := tp.Field("case_ref"); ok {
			v.Fields = map[string]any{"case_ref": "4991-7264-0"}
			want.CaseRef = "4991-7264-0"
		}
		for _, dpi := range []float64{300, 150} {
			img, err := r.Render(tp, v, dpi)
			if err != nil {
				t.Fatal(err)
			}
			var pngBuf, pdfBuf bytes.Buffer
			if err := png.Encode(&pngBuf, img); err != nil {
				t.Fatal(err)
			}
			if err := pdfout.Write(&pdfBuf, []pdfout.Page{{Image: img, WidthMM: templates.PageWidthMM, HeightMM: templates.PageHeightMM}}); err != nil {
				t.Fatal(err)
			}
			fromPNG, err := png.Decode(&pngBuf)
			if err != nil {
				t.Fatal(err)
			}
			pages, err := pdfout.PageImages(bytes.NewReader(pdfBuf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if len(pages) != 1 || math.Abs(pages[0].WidthMM-210) > 0.05 || math.Abs(pages[0].HeightMM-297) > 0.05 {
				t.Fatalf("%s: PDF pages %+v, want one A4 page", tp.Key(), pages)
			}
			for name, back := range map[string]image.Image{"png": fromPNG, "pdf": pages[0].Image} {
				g := image.NewGray(back.Bounds())
				draw.Draw(g, g.Bounds(), back, back.Bounds().Min, draw.Src)
				if !bytes.Equal(g.Pix, img.Pix) {
					t.Errorf("%s %s at %g dpi: pixels changed on the way through the file", tp.Key(), name, dpi)
				}
				res, err := register.Find(g, register.Options{})
				if err != nil {
					t.Fatalf("%s %s at %g dpi: %v", tp.Key(), name, dpi, err)
				}
				if res.Rotation != 0 || math.Abs(res.DPI-dpi) > dpi*0.005 || res.ResidualMM > 0.1 {
					t.Errorf("%s %s: rotation %d, dpi %.1f, residual %.3f mm", tp.Key(), name, res.Rotation, res.DPI, res.ResidualMM)
				}
				for c, p := range templates.FiducialCentres() {
					// register puts pixel centres at integers, so the centre
					// of the mark at mm m is at m·dpi/25.4 − 0.5.
					wx, wy := templates.MMToPx(p.X, dpi)-0.5, templates.MMToPx(p.Y, dpi)-0.5
					got := res.Fiducials[c]
					if d := math.Hypot(got.X-wx, got.Y-wy); templates.PxToMM(d, dpi) > 0.2 {
						t.Errorf("%s %s: fiducial %d found at (%.1f, %.1f), want (%.1f, %.1f)", tp.Key(), name, c, got.X, got.Y, wx, wy)
					}
				}
				got, err := register.DecodeQR(g, res)
				if err != nil {
					t.Fatalf("%s %s: QR: %v", tp.Key(), name, err)
				}
				if got != want {
					t.Errorf("%s %s: QR says %+v, want %+v", tp.Key(), name, got, want)
				}
			}
		}
	}
}
