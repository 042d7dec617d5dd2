package deskew

import (
	"image"
	"math"
	"testing"
)

// BenchmarkEstimate300dpi is one A4 page at 300 dpi (2480×3508), its
// content skewed 2.5° by Straighten, which keeps the canvas.
func BenchmarkEstimate300dpi(b *testing.B) {
	for _, c := range []struct {
		name string
		page func(testing.TB) *image.Gray
	}{{"japanese", japanesePage}, {"form", formPage}} {
		img := Straighten(c.page(b), -2.5)
		if r := Estimate(img, Options{}); math.Abs(r.Angle-2.5) > 0.15 {
			b.Fatalf("%s: Estimate = %+v, want 2.5°", c.name, r)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Estimate(img, Options{})
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/op")
		})
	}
}

// BenchmarkStraighten300dpi turns one A4 page at 300 dpi by 2.5°.
func BenchmarkStraighten300dpi(b *testing.B) {
	img := japanesePage(b)
	b.ReportAllocs()
	for b.Loop() {
		Straighten(img, 2.5)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/op")
}
