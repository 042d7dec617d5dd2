// Package scanfx damages a clean rendered page the way a document scanner
// does — orientation, skew, resolution, placement on the glass, optics,
// sensor noise, dust, uneven paper tone, fax thresholding and JPEG — and
// reports the exact affine transform from input to output pixels, so a
// synthetic scan's ground truth can say where every box ended up.
//
// Everything is deterministic: the same input, Params and rand seed give
// byte-identical output. Hot loops use integer arithmetic, and the few
// floating-point expressions that decide pixels are written so that the
// compiler cannot fuse them into FMA instructions, which would make arm64
// and amd64 disagree.
package scanfx

import (
	"errors"
	"fmt"
	"image"
	"math"
	"math/bits"
	"math/rand/v2"
)

// ErrNoRand is returned when Params ask for random damage but no rng is given.
var ErrNoRand = errors.New("scanfx: params need a random source, rng is nil")

// maxOutputPixels bounds the canvas so a typo in DPI cannot exhaust memory.
const maxOutputPixels = 200_000_000

// Geometry returns the transform Apply will use for a source of the given
// size, and the size of the output canvas.
//
// The page (rotated by Rotate90 quarter turns and SkewDeg, scaled to the
// output DPI) is centred on the smallest canvas that holds it, then moved
// by the shift; the canvas does not move with it.
func Geometry(src image.Point, p Params) (Affine, image.Point, error) {
	if err := p.Validate(); err != nil {
		return Affine{}, image.Point{}, err
	}
	if src.X <= 0 || src.Y <= 0 {
		return Affine{}, image.Point{}, fmt.Errorf("%w: empty source %v", ErrInvalidParams, src)
	}
	w, h := float64(src.X), float64(src.Y)
	dpi := p.outDPI()
	s := dpi / p.srcDPI()

	// Quarter turns are built from exact 0/±1 entries rather than
	// sin/cos(90°), which is not exactly 0, so an unskewed sideways page
	// maps pixel centres onto pixel centres and stays sharp.
	qa, qb, qd, qe := 1.0, 0.0, 0.0, 1.0
	for range p.Rotate90 {
		// Clockwise on screen (y down): right becomes down.
		qa, qb, qd, qe = -qd, -qe, qa, qb
	}
	sn, cs := math.Sincos(p.SkewDeg * math.Pi / 180)
	if p.SkewDeg == 0 {
		sn, cs = 0, 1
	}
	// Entries of Q are 0 or ±1, so these products are exact and fusion
	// cannot change them.
	la, lb := cs*qa-sn*qd, cs*qb-sn*qe
	ld, le := sn*qa+cs*qd, sn*qb+cs*qe

	bw := float64(w*math.Abs(la)) + float64(h*math.Abs(lb))
	bh := float64(w*math.Abs(ld)) + float64(h*math.Abs(le))
	// The tolerance keeps an unskewed page from gaining a column of white
	// to rounding noise in s*bw.
	ow := max(1, int(math.Ceil(float64(s*bw)-1e-6)))
	oh := max(1, int(math.Ceil(float64(s*bh)-1e-6)))
	if float64(ow)*float64(oh) > maxOutputPixels {
		return Affine{}, image.Point{}, fmt.Errorf("%w: output %dx%d too large", ErrInvalidParams, ow, oh)
	}

	t := Affine{A: s * la, B: s * lb, D: s * ld, E: s * le}
	// Page centre goes to canvas centre, then the shift moves it on the glass.
	cx, cy := t.Apply(w/2, h/2)
	t.C = float64(ow)/2 + p.ShiftXMM*dpi/25.4 - cx
	t.F = float64(oh)/2 + p.ShiftYMM*dpi/25.4 - cy
	return t, image.Pt(ow, oh), nil
}

// Apply scans src: it returns the damaged page and the transform from src
// pixel coordinates (relative to src.Bounds().Min, see Affine for the
// pixel-centre convention) to output pixel coordinates. The output's bounds
// start at (0, 0). src is not modified.
//
// rng may be nil when p asks for no Speckle, Tone or Noise.
func Apply(src *image.Gray, p Params, rng *rand.Rand) (*image.Gray, Affine, error) {
	if src == nil {
		return nil, Affine{}, fmt.Errorf("%w: nil source image", ErrInvalidParams)
	}
	t, size, err := Geometry(src.Bounds().Size(), p)
	if err != nil {
		return nil, Affine{}, err
	}
	if rng == nil && (p.Speckle > 0 || p.Tone > 0 || p.Noise > 0) {
		return nil, Affine{}, ErrNoRand
	}
	inv, err := t.Invert()
	if err != nil {
		// Validate bounds DPI away from 0, so this is a bug, not bad input.
		return nil, Affine{}, fmt.Errorf("scanfx: transform %+v: %w", t, err)
	}
	dpi := p.outDPI()
	dst := warp(src, inv, size, dpi/p.srcDPI())

	// Physical order: dust lies on the page, the lens blurs it with the
	// page, the sensor adds noise, and only then does firmware threshold
	// or compress. Tone (lamp and paper) is a smooth multiplicative field,
	// so it commutes with the blur to well under a grey level; applying it
	// after the blur lets the blur skip blank paper, which is most of a
	// form.
	if p.Speckle > 0 {
		speckle(dst, p.Speckle, dpi, rng)
	}
	if p.Blur > 0 {
		dst = blur(dst, p.Blur)
	}
	if p.Tone > 0 {
		tone(dst, p.Tone, rng)
	}
	if p.Noise > 0 {
		noise(dst, p.Noise, rng)
	}
	if p.Sharpen > 0 {
		dst = sharpen(dst, p.Sharpen)
	}
	switch {
	case p.Dither:
		dither(dst, p.Threshold)
	case p.Bilevel:
		threshold(dst, p.Threshold)
	}
	if p.JPEGQuality > 0 {
		dst, err = jpegRoundTrip(dst, p.JPEGQuality)
		if err != nil {
			return nil, Affine{}, fmt.Errorf("scanfx: jpeg artefacts: %w", err)
		}
	}
	return dst, t, nil
}

// Fixed-point source coordinates: 32 fractional bits keep the per-pixel
// stepping error far below 1/256 px over any canvas, and the top 8
// fractional bits are the bilinear weights.
const (
	fixShift = 32
	fixOne   = 1 << fixShift
	white    = 255
)

// warp resamples src through inv (output → source) onto a size canvas.
// Each output pixel averages n×n bilinear samples spread over its square,
// n = ceil(1/scale), which is a box prefilter of the right width when
// downsampling and plain bilinear when upsampling. Doing rotation, scaling
// and shift in one resampling keeps the page as sharp as one real optical
// path would, and makes the reported Affine exact by construction instead
// of a chain of library conventions.
func warp(src *image.Gray, inv Affine, size image.Point, scale float64) *image.Gray {
	dst := image.NewGray(image.Rect(0, 0, size.X, size.Y))
	n := max(1, int(math.Ceil(1/scale-1e-9)))
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	pix := src.Pix[src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y):]
	stride := src.Stride

	// at reads a source pixel, white beyond the page: the scanner lid.
	at := func(x, y int) int {
		if uint(x) >= uint(sw) || uint(y) >= uint(sh) {
			return white
		}
		return int(pix[y*stride+x])
	}
	// slow samples near and beyond the page edge; the fast path is inlined
	// in the loop below because a call per sample doubles the cost.
	slow := func(x0, y0, fx, fy int) int {
		if x0 < -1 || y0 < -1 || x0 >= sw || y0 >= sh {
			return white << 16
		}
		p00, p01 := at(x0, y0), at(x0+1, y0)
		p10, p11 := at(x0, y0+1), at(x0+1, y0+1)
		top := p00<<8 + (p01-p00)*fx
		bot := p10<<8 + (p11-p10)*fx
		return top<<8 + (bot-top)*fy
	}
	toFix := func(f float64) int64 { return int64(math.Round(f * fixOne)) }

	nn := n * n
	du, dv := toFix(inv.A), toFix(inv.D)
	// Divide by n² with a shift when n² is a power of two (n = 1, 2, 4:
	// every stock resolution), which is most of the cost of a pixel.
	div, divShift := nn<<16, -1
	if nn&(nn-1) == 0 {
		divShift = 16 + bits.TrailingZeros(uint(nn))
	}
	half := div / 2
	// Rounding to the nearest 1/256 px rather than truncating keeps the
	// weights unbiased, and lets a coordinate a hair below an integer land
	// exactly on that pixel.
	const round = 1 << (fixShift - 9)
	// Output is walked in tiles: a sideways page reads the source down its
	// columns, and a tile keeps those rows in cache.
	const tile = 64
	blank := newBlankMap(pix, stride, sw, sh)
	startU := make([]int64, tile*nn)
	startV := make([]int64, tile*nn)
	for ty := 0; ty < size.Y; ty += tile {
		th := min(tile, size.Y-ty)
		for jj := range th {
			for b := range n {
				y := float64(ty+jj) + (float64(b)+0.5)/float64(n)
				for a := range n {
					x := (float64(a) + 0.5) / float64(n)
					u, v := inv.Apply(x, y)
					// Bilinear weights are measured between pixel centres.
					startU[jj*nn+b*n+a] = toFix(u-0.5) + round
					startV[jj*nn+b*n+a] = toFix(v-0.5) + round
				}
			}
		}
		for tx := 0; tx < size.X; tx += tile {
			tw := min(tile, size.X-tx)
			if blank.tile(inv, tx, ty, tw, th) {
				for jj := range th {
					row := dst.Pix[(ty+jj)*dst.Stride+tx : (ty+jj)*dst.Stride+tx+tw]
					for i := range row {
						row[i] = white
					}
				}
				continue
			}
			for jj := range th {
				su, sv := startU[jj*nn:(jj+1)*nn], startV[jj*nn:(jj+1)*nn]
				row := dst.Pix[(ty+jj)*dst.Stride+tx : (ty+jj)*dst.Stride+tx+tw]
				for ii := range row {
					iu, iv := int64(tx+ii)*du, int64(tx+ii)*dv
					sum := 0
					for k := range nn {
						u8, v8 := (su[k]+iu)>>(fixShift-8), (sv[k]+iv)>>(fixShift-8)
						x0, y0 := int(u8>>8), int(v8>>8)
						fx, fy := int(u8&0xff), int(v8&0xff)
						if uint(x0) >= uint(sw-1) || uint(y0) >= uint(sh-1) {
							sum += slow(x0, y0, fx, fy)
							continue
						}
						o := y0*stride + x0
						r0 := pix[o : o+2 : o+2]
						r1 := pix[o+stride : o+stride+2 : o+stride+2]
						p00, p01, p10, p11 := int(r0[0]), int(r0[1]), int(r1[0]), int(r1[1])
						if p00&p01&p10&p11 == white {
							// Blank paper, most of any form.
							sum += white << 16
							continue
						}
						top := p00<<8 + (p01-p00)*fx
						bot := p10<<8 + (p11-p10)*fx
						sum += top<<8 + (bot-top)*fy
					}
					if divShift >= 0 {
						row[ii] = uint8((sum + half) >> divShift)
					} else {
						row[ii] = uint8((sum + half) / div)
					}
				}
			}
		}
	}
	return dst
}

// blankMap answers "is this source rectangle blank paper?" in constant time,
// so warp can fill an output tile that sees only white without sampling
// it: most of a form is margin and empty fields.
type blankMap struct {
	w, h   int   // source size in pixels
	bw, bh int   // size in blocks
	sum    []int // 2-D prefix sums of non-white blocks, (bw+1)×(bh+1)
}

const blankBlock = 16

func newBlankMap(pix []uint8, stride, w, h int) blankMap {
	m := blankMap{w: w, h: h, bw: (w + blankBlock - 1) / blankBlock, bh: (h + blankBlock - 1) / blankBlock}
	ink := make([]bool, m.bw*m.bh)
	for y := range h {
		line := pix[y*stride : y*stride+w]
		for x := nextInk(line, 0); x < w; x = nextInk(line, x+1) {
			ink[(y/blankBlock)*m.bw+x/blankBlock] = true
			// The rest of this block row is already known to hold ink.
			x = min(w, (x/blankBlock+1)*blankBlock) - 1
		}
	}
	m.sum = make([]int, (m.bw+1)*(m.bh+1))
	for by := range m.bh {
		for bx := range m.bw {
			v := 0
			if ink[by*m.bw+bx] {
				v = 1
			}
			m.sum[(by+1)*(m.bw+1)+bx+1] = v + m.sum[by*(m.bw+1)+bx+1] + m.sum[(by+1)*(m.bw+1)+bx] - m.sum[by*(m.bw+1)+bx]
		}
	}
	return m
}

// tile reports whether every sample of the output tile at (tx, ty) of size
// tw×th reads only white: its source footprint, widened by two pixels for
// the bilinear neighbours, either misses the page or covers only blank
// blocks.
func (m blankMap) tile(inv Affine, tx, ty, tw, th int) bool {
	x0, y0 := math.Inf(1), math.Inf(1)
	x1, y1 := math.Inf(-1), math.Inf(-1)
	for _, c := range [4][2]int{{tx, ty}, {tx + tw, ty}, {tx, ty + th}, {tx + tw, ty + th}} {
		u, v := inv.Apply(float64(c[0]), float64(c[1]))
		x0, y0, x1, y1 = min(x0, u), min(y0, v), max(x1, u), max(y1, v)
	}
	bx0 := max(0, int(math.Floor(x0-2))/blankBlock)
	by0 := max(0, int(math.Floor(y0-2))/blankBlock)
	bx1 := min(m.bw, int(math.Ceil(x1+2))/blankBlock+1)
	by1 := min(m.bh, int(math.Ceil(y1+2))/blankBlock+1)
	if bx0 >= bx1 || by0 >= by1 {
		return true
	}
	s := m.bw + 1
	return m.sum[by1*s+bx1]-m.sum[by0*s+bx1]-m.sum[by1*s+bx0]+m.sum[by0*s+bx0] == 0
}
