package deskew

import (
	"image"
	"testing"
)

// BenchmarkEstimate300dpi is one A4 page at 300 dpi (2480×3508), its
// content skewed 2.5° within the same canvas.
func BenchmarkEstimate300dpi(b *testing.B) {
	for _, c := range []struct {
		name string
		page func(testing.TB) *image.Gray
	}{{"japanese", japanesePage}, {"form", formPage}} {
		img := Straighten(c.page(b), -2.5)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Estimate(img, Options{})
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/op")
		})
	}
}
