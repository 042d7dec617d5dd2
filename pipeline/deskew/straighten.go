package deskew

import (
	"image"
	"math"
)

// minStraighten is the smallest rotation worth resampling for: 0.05° moves
// the corner of an A4 page at 300 dpi by under two pixels, less than the
// blur a bilinear resampling would add everywhere.
const minStraighten = 0.05

// paperQuantile picks the fill for the corners a rotation uncovers: a high
// percentile is paper on any document, and brighter than the median it does
// not darken with the text.
const paperQuantile = 0.9

// Straighten turns img counter-clockwise by angleDeg about its centre,
// undoing a skew that Estimate reported as angleDeg (see the package
// comment for the sign). The result has img's bounds; the corners brought
// in from outside are filled with the page's paper colour, and pixels are
// resampled bilinearly. When |angleDeg| < 0.05° it returns img itself, not
// a copy.
func Straighten(img *image.Gray, angleDeg float64) *image.Gray {
	if !(math.Abs(angleDeg) >= minStraighten) {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	paper := percentile(histogram(img), paperQuantile)
	out := image.NewGray(b)
	src := img.Pix[img.PixOffset(b.Min.X, b.Min.Y):]
	stride := img.Stride

	// Output pixel centre p samples the input at R(a)·(p - c) + c, where
	// R(a) is the clockwise rotation the content suffered. Pixel centres
	// are at i+0.5, and bilinear weights are measured between them.
	sin, cos := math.Sincos(angleDeg * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	// 32 fractional bits keep the drift of stepping along a row far below
	// a pixel on any page.
	const fix = 32
	toFix := func(v float64) int64 { return int64(math.Round(v * (1 << fix))) }
	du, dv := toFix(cos), toFix(sin)

	at := func(x, y int) int {
		if x < 0 || y < 0 || x >= w || y >= h {
			return paper
		}
		return int(src[y*stride+x])
	}
	for y := range h {
		dx0, dy := 0.5-cx, float64(y)+0.5-cy
		u := toFix(cos*dx0-sin*dy+cx-0.5) + 1<<(fix-9)
		v := toFix(sin*dx0+cos*dy+cy-0.5) + 1<<(fix-9)
		row := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range row {
			// Weights are the top 8 fractional bits, rounded by the
			// half-step folded into u and v.
			x0, y0 := int(u>>fix), int(v>>fix)
			fx, fy := int(u>>(fix-8))&0xff, int(v>>(fix-8))&0xff
			var p00, p01, p10, p11 int
			if uint(x0) < uint(w-1) && uint(y0) < uint(h-1) {
				o := y0*stride + x0
				p00, p01 = int(src[o]), int(src[o+1])
				p10, p11 = int(src[o+stride]), int(src[o+stride+1])
			} else {
				p00, p01, p10, p11 = at(x0, y0), at(x0+1, y0), at(x0, y0+1), at(x0+1, y0+1)
			}
			top := p00<<8 + (p01-p00)*fx
			bot := p10<<8 + (p11-p10)*fx
			row[x] = uint8((top<<8 + (bot-top)*fy + 1<<15) >> 16)
			u += du
			v += dv
		}
	}
	return out
}
