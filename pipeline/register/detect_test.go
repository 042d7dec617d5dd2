package register

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/disintegration/imaging"
)

// downsampleScalar is the plain definition the fast paths must match.
func downsampleScalar(img *image.Gray, f int) raster {
	b := img.Bounds()
	w, h := b.Dx()/f, b.Dy()/f
	out := raster{w: w, h: h, pix: make([]uint8, w*h)}
	area := uint32(f * f)
	for oy := 0; oy < h; oy++ {
		for ox := 0; ox < w; ox++ {
			var s uint32
			for dy := 0; dy < f; dy++ {
				for dx := 0; dx < f; dx++ {
					s += uint32(img.GrayAt(b.Min.X+ox*f+dx, b.Min.Y+oy*f+dy).Y)
				}
			}
			out.pix[oy*w+ox] = uint8((s + area/2) / area)
		}
	}
	return out
}

func TestDownsample(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	full := image.NewGray(image.Rect(-3, 5, 250, 140))
	for i := range full.Pix {
		full.Pix[i] = uint8(rng.IntN(256))
	}
	for _, img := range []*image.Gray{full, full.SubImage(image.Rect(0, 9, 237, 101)).(*image.Gray)} {
		for f := 1; f <= 6; f++ {
			got, want := downsample(img, f), downsampleScalar(img, f)
			if got.w != want.w || got.h != want.h {
				t.Fatalf("f=%d: size %dx%d, want %dx%d", f, got.w, got.h, want.w, want.h)
			}
			for i := range got.pix {
				if got.pix[i] != want.pix[i] {
					t.Fatalf("f=%d: pixel %d is %d, want %d", f, i, got.pix[i], want.pix[i])
				}
			}
		}
	}
}

func BenchmarkDownsample300dpi(b *testing.B) {
	img := image.NewGray(image.Rect(0, 0, 2480, 3508))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	b.Run("swar", func(b *testing.B) {
		for b.Loop() {
			downsample(img, 4)
		}
	})
	b.Run("scalar", func(b *testing.B) {
		for b.Loop() {
			downsampleScalar(img, 4)
		}
	})
	// disintegration/imaging's box filter to the same size, the candidate
	// issue 17 asks to measure against the hand-written downsample.
	b.Run("imaging", func(b *testing.B) {
		for b.Loop() {
			imaging.Resize(img, 2480/4, 3508/4, imaging.Box)
		}
	})
}
