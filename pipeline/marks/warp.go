package marks

import (
	"image"
	"math"

	"shinsei/pipeline/register"
	"shinsei/templates"
)

// Fixed-point image coordinates: 16 fractional bits, of which the top 8 are
// the bilinear weights. A canvas row is at most a few thousand steps long,
// so the accumulated stepping error stays below 1/30 px.
const (
	fixShift = 16
	fixOne   = 1 << fixShift
	paper    = 255
)

// Warp resamples a scan onto the template canvas: an A4 page at dpi (0
// means templates.CanvasDPI), pixel (x, y) covering template millimetres
// [x, x+1)·25.4/dpi. t maps template millimetres to scan pixels as
// register.Find reports it (pixel centres at integer coordinates). Each
// canvas pixel samples the scan bilinearly at its centre; whatever lies
// outside the scan is paper white.
//
// After Warp every later stage can work in template coordinates with no
// transform of its own, and the blank form rendered at the same dpi lies
// on top of the printed form in the scan.
func Warp(img *image.Gray, t register.Affine, dpi float64) *image.Gray {
	if dpi <= 0 {
		dpi = templates.CanvasDPI
	}
	w, h := templates.PageSizePx(dpi)
	dst := image.NewGray(image.Rect(0, 0, w, h))
	sw, sh := img.Rect.Dx(), img.Rect.Dy()
	if sw < 2 || sh < 2 {
		fill(dst.Pix, paper)
		return dst
	}
	k := 25.4 / dpi // mm per canvas pixel
	// The map is affine, so along a canvas row the scan position moves by
	// a constant step: one addition per pixel instead of a transform.
	du, dv := t[0]*k, t[3]*k
	ox, oy := float64(img.Rect.Min.X), float64(img.Rect.Min.Y)
	src := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y):]
	stride := img.Stride
	toFix := func(f float64) int { return int(math.Round(f * fixOne)) }
	stepU, stepV := toFix(du), toFix(dv)
	// Rounding to the nearest 1/256 px keeps the weights unbiased.
	const round = 1 << (fixShift - 9)

	for y := range h {
		my := (float64(y) + 0.5) * k
		u0 := t[0]*0.5*k + t[1]*my + t[2] - ox
		v0 := t[3]*0.5*k + t[4]*my + t[5] - oy
		row := dst.Pix[y*dst.Stride : y*dst.Stride+w]
		lo, hi := inside(u0, v0, du, dv, float64(sw-1), float64(sh-1), w)
		fill(row[:lo], paper)
		fill(row[hi:], paper)
		// Edge pixels, whose four neighbours are partly off the scan.
		for _, x := range edgeRange(lo, hi, w) {
			row[x] = sampleEdge(src, stride, sw, sh, u0+float64(x)*du, v0+float64(x)*dv)
		}
		if lo >= hi {
			continue
		}
		u := toFix(u0+float64(lo)*du) + round
		v := toFix(v0+float64(lo)*dv) + round
		seg := row[lo:hi]
		for i := range seg {
			x0, y0 := u>>fixShift, v>>fixShift
			// inside() is computed in floating point; a pixel it admits
			// by rounding is done the careful way.
			if uint(x0) >= uint(sw-1) || uint(y0) >= uint(sh-1) {
				x := float64(lo + i)
				seg[i] = sampleEdge(src, stride, sw, sh, u0+x*du, v0+x*dv)
			} else {
				o := y0*stride + x0
				r0 := src[o : o+2 : o+2]
				r1 := src[o+stride : o+stride+2 : o+stride+2]
				p00, p01, p10, p11 := int(r0[0]), int(r0[1]), int(r1[0]), int(r1[1])
				if p00 == p01 && p10 == p11 && p00 == p10 {
					// Flat paper or solid ink, much of any page.
					seg[i] = uint8(p00)
					u += stepU
					v += stepV
					continue
				}
				fx, fy := (u>>(fixShift-8))&0xff, (v>>(fixShift-8))&0xff
				top := p00<<8 + (p01-p00)*fx
				bot := p10<<8 + (p11-p10)*fx
				seg[i] = uint8((top<<8 + (bot-top)*fy + 1<<15) >> 16)
			}
			u += stepU
			v += stepV
		}
	}
	return dst
}

// inside returns the canvas columns [lo, hi) of a row whose sample lies
// where all four bilinear neighbours are on the scan: u in [0, maxU) and v
// in [0, maxV), with u = u0 + x·du, v = v0 + x·dv. A pixel-wide margin on
// each side is left to edgeRange, so rounding never reads off the scan.
func inside(u0, v0, du, dv, maxU, maxV float64, w int) (lo, hi int) {
	a, b := 0.0, float64(w)
	clip := func(p0, dp, lim float64) {
		// Solve 0 <= p0 + x·dp < lim for x.
		if dp == 0 {
			if p0 < 0 || p0 >= lim {
				a, b = 1, 0
			}
			return
		}
		x1, x2 := (0-p0)/dp, (lim-p0)/dp
		if x1 > x2 {
			x1, x2 = x2, x1
		}
		a, b = math.Max(a, x1), math.Min(b, x2)
	}
	clip(u0, du, maxU)
	clip(v0, dv, maxV)
	if !(a < b) {
		return 0, 0
	}
	lo = max(0, int(math.Ceil(a)))
	hi = min(w, int(math.Floor(b))+1)
	if lo >= hi {
		return 0, 0
	}
	return lo, hi
}

// edgeRange lists the columns just outside [lo, hi) that may still see a
// corner of the scan; everything further out is paper.
func edgeRange(lo, hi, w int) []int {
	var xs [8]int
	n := 0
	if lo >= hi {
		return nil
	}
	for x := lo - 2; x < lo; x++ {
		if x >= 0 {
			xs[n] = x
			n++
		}
	}
	for x := hi; x < hi+2 && x < w; x++ {
		xs[n] = x
		n++
	}
	return xs[:n]
}

// sampleEdge is the bilinear sample at (u, v) with every neighbour off the
// scan read as paper.
func sampleEdge(src []uint8, stride, sw, sh int, u, v float64) uint8 {
	fu, fv := math.Floor(u), math.Floor(v)
	x0, y0 := int(fu), int(fv)
	if x0 < -1 || y0 < -1 || x0 >= sw || y0 >= sh {
		return paper
	}
	fx, fy := u-fu, v-fv
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= sw || y >= sh {
			return paper
		}
		return float64(src[y*stride+x])
	}
	top := at(x0, y0)*(1-fx) + at(x0+1, y0)*fx
	bot := at(x0, y0+1)*(1-fx) + at(x0+1, y0+1)*fx
	return uint8(math.Round(top*(1-fy) + bot*fy))
}

func fill(b []uint8, v uint8) {
	for i := range b {
		b[i] = v
	}
}
