package deskew

import (
	"image"
	"image/png"
	"os"
	"testing"
	"time"

	"shinsei/internal/scanfx"
)

func TestExplore(t *testing.T) {
	pages := map[string]func(testing.TB) *image.Gray{}
	_ = pages
	for _, pg := range []struct {
		name string
		mk   func(testing.TB) *image.Gray
	}{{"sparse", sparsePage}, {"sparse2", sparseLongerPage}, {"vertical", func(tb testing.TB) *image.Gray { return verticalPage(tb, false) }}, {"vstagger", func(tb testing.TB) *image.Gray { return verticalPage(tb, true) }}, {"noise", func(testing.TB) *image.Gray { return noisePage(1, 1) }}, {"photo", func(testing.TB) *image.Gray { return noisePage(2, 40) }}, {"photo2", func(testing.TB) *image.Gray { return noisePage(3, 200) }}, {"blank", func(testing.TB) *image.Gray { return blankPage(245) }}} {
		src := pg.mk(t)
		if os.Getenv("DUMP") != "" {
			f, _ := os.Create("/tmp/dsk/" + pg.name + ".png")
			png.Encode(f, src)
			f.Close()
		}
		for i, a := range []float64{-6, -3, -1.2, -0.3, 0, 0.4, 2.5, 5.5} {
			for _, mix := range []scanfx.Mix{scanfx.Clean, scanfx.Standard} {
				img := scan(t, src, a, mix, uint64(i+1))
				t0 := time.Now()
				r := Estimate(img, Options{})
				d := time.Since(t0)
				s := Straighten(img, r.Angle)
				r2 := Estimate(s, Options{})
				w := debugWidth(img)
				t.Logf("W=%.2f %-8s %-8v %5.1f: est %+.3f err %+.3f conf %.3f found %v | after %+.3f conf %.3f  (%v, %dx%d)", w, pg.name, mix, a, r.Angle, r.Angle-a, r.Confidence, r.Found, r2.Angle, r2.Confidence, d.Round(time.Millisecond), img.Rect.Dx(), img.Rect.Dy())
			}
		}
	}
}

func debugWidth(img *image.Gray) float64 {
	cut, _ := inkCut(histogram(img))
	fine := reduce(img, cut)
	coarse := fine.halve()
	coarse.prepare(7.5)
	var angles, scores []float64
	for i := -15; i <= 15; i++ {
		angles = append(angles, float64(i)*0.5)
		scores = append(scores, coarse.score(float64(i)*0.5))
	}
	med := median(scores[1 : len(scores)-1])
	ib := argmax(scores)
	return coarse.peak(angles[ib], scores[ib], (scores[ib]+med)/2, 0.1, 7).width()
}
