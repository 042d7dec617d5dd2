package register

import (
	"testing"

	"shinsei/templates"
)

// TestRenderedForms runs the real forms, as the template renderer draws
// them, through a scan: their headings, dense Japanese text and filled
// boxes are the clutter that matters in production.
func TestRenderedForms(t *testing.T) {
	rr, err := templates.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for i, tpl := range templates.Builtin().List() {
		t.Run(tpl.Key(), func(t *testing.T) {
			t.Parallel()
			img, err := rr.Render(tpl, templates.Values{}, baseDPI)
			if err != nil {
				t.Fatal(err)
			}
			b := img.Bounds()
			c := &canvas{w: b.Dx(), h: b.Dy(), pix: make([]float32, b.Dx()*b.Dy())}
			for y := 0; y < c.h; y++ {
				for x := 0; x < c.w; x++ {
					c.pix[y*c.w+x] = float32(img.GrayAt(b.Min.X+x, b.Min.Y+y).Y)
				}
			}
			spec := scanSpec{dpi: []float64{200, 300, 150}[i%3], quarter: i % 4, skew: 3 - 2*float64(i), noise: 6, jpeg: 50}
			sc := scanPage(t, c, spec)
			res, err := Find(sc.img, Options{})
			if err != nil {
				t.Fatalf("Find: %v", err)
			}
			if res.Rotation != spec.quarter*90 {
				t.Errorf("rotation %d, want %d", res.Rotation, spec.quarter*90)
			}
			// The renderer snaps edges to whole pixels: allow for that.
			worst := worstErrorMM(sc, res, spec.dpi)
			if worst > 0.5 {
				t.Errorf("worst mark error %.2f mm", worst)
			}
			t.Logf("%.0f dpi, turned %d°, skew %.1f°: worst mark error %.3f mm, residual %.3f mm",
				spec.dpi, res.Rotation, res.SkewDeg, worst, res.ResidualMM)
			p, err := DecodeQR(sc.img, res)
			if err != nil {
				t.Fatalf("DecodeQR: %v", err)
			}
			if p.Template != tpl.ID || p.Revision != tpl.Revision {
				t.Errorf("QR says %+v, want %s revision %d", p, tpl.ID, tpl.Revision)
			}
		})
	}
}
