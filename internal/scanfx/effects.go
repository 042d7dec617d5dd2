package scanfx

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// speckle drops dust on the page: mostly dark specks (dust, toner crumbs on
// the glass), some white ones (toner drop-out inside strokes). density is
// the expected number of specks per square centimetre.
func speckle(img *image.Gray, density, dpi float64, rng *rand.Rand) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	pxPerCM := dpi / 2.54
	area := float64(w) * float64(h) / float64(pxPerCM*pxPerCM)
	// floor(λ+U) has mean λ and, unlike a Poisson sampler, a cost and rng
	// consumption that do not depend on the draw.
	count := int(float64(density*area) + rng.Float64())
	for range count {
		cx := float64(rng.Float64() * float64(w))
		cy := float64(rng.Float64() * float64(h))
		u := rng.Float64()
		// 0.04–0.17 mm across most of the time, a few crumbs up to ~0.4 mm.
		r := 0.5 + float64(1.5*u*u)
		if rng.IntN(20) == 0 {
			r *= 2.5
		}
		r = float64(r*dpi) / 300
		level := uint8(white)
		if rng.IntN(4) != 0 {
			level = uint8(rng.IntN(70))
		}
		paintDisc(img, cx, cy, r, level)
	}
}

// paintDisc sets the pixels whose centres lie within r of (cx, cy), and
// always the pixel under the centre, so sub-pixel specks still show.
func paintDisc(img *image.Gray, cx, cy, r float64, level uint8) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if x, y := int(cx), int(cy); x >= 0 && y >= 0 && x < w && y < h {
		img.Pix[y*img.Stride+x] = level
	}
	r2 := float64(r * r)
	for y := max(0, int(math.Floor(cy-r))); y <= min(h-1, int(math.Ceil(cy+r))); y++ {
		dy := float64(y) + 0.5 - cy
		for x := max(0, int(math.Floor(cx-r))); x <= min(w-1, int(math.Ceil(cx+r))); x++ {
			dx := float64(x) + 0.5 - cx
			if float64(dx*dx)+float64(dy*dy) <= r2 {
				img.Pix[y*img.Stride+x] = level
			}
		}
	}
}

// toneOne is the fixed-point unit of the paper-darkening fields.
const toneOne = 4096

// tone greys the paper unevenly and lifts the ink: a base paper shade, a
// linear illumination gradient in a random direction, lamp fall-off along
// one edge of the scan axis, and a faint low-frequency ripple. All of it is
// separable into a column term and a row term, so the per-pixel work is two
// lookups and integer arithmetic.
func tone(img *image.Gray, strength float64, rng *rand.Rand) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	k := strength
	baseShade := float64(k * uniform(rng, 0.02, 0.08))
	grad := float64(k * uniform(rng, 0.03, 0.10))
	phi := uniform(rng, 0, 2*math.Pi)
	lamp := float64(k * uniform(rng, 0, 0.06))
	lampAtTop := rng.IntN(2) == 0
	ripple := float64(k * uniform(rng, 0, 0.02))
	freq := uniform(rng, 0.5, 2)
	phase := uniform(rng, 0, 2*math.Pi)
	ink := int(math.Round(float64(k * uniform(rng, 10, 40))))

	gx, gy := float64(grad*math.Cos(phi)), float64(grad*math.Sin(phi))
	col := make([]int, w)
	for x := range col {
		fx := (float64(x) + 0.5) / float64(w)
		col[x] = int(math.Round(float64(gx*fx) * toneOne))
	}
	row := make([]int, h)
	for y := range row {
		fy := (float64(y) + 0.5) / float64(h)
		edge := fy
		if !lampAtTop {
			edge = 1 - fy
		}
		d := float64(gy*fy) +
			float64(lamp*math.Exp(-edge/0.04)) +
			float64(ripple*math.Cos(float64(2*math.Pi*freq*fy)+phase))
		row[y] = int(math.Round(d * toneOne))
	}
	// Shift both fields so the brightest spot is exactly the base shade:
	// paper is never whiter than white.
	shift := func(f []int, extra int) {
		lo := f[0]
		for _, v := range f {
			lo = min(lo, v)
		}
		for i := range f {
			f[i] += extra - lo
		}
	}
	shift(col, int(math.Round(baseShade*toneOne)))
	shift(row, 0)

	// out = ink + (paper-ink)·v/255 with paper = 255·(1 - darkening),
	// quantised to whole grey levels as an 8-bit sensor would, so each
	// pixel is a table lookup instead of a division.
	var lut [256][256]uint8
	for paper := range 256 {
		for v := range 256 {
			lut[paper][v] = clamp8(ink + ((paper-ink)*v+white/2)/white)
		}
	}
	for y := range h {
		line := img.Pix[y*img.Stride : y*img.Stride+w]
		for x, v := range line {
			d := col[x] + row[y]
			paper := max(0, white-(white*d+toneOne/2)/toneOne)
			line[x] = lut[paper][v]
		}
	}
}

// kernelShift is the fixed-point precision of the blur kernel.
const kernelShift = 14

// blur is a separable gaussian in fixed point; edges replicate, which is
// what a lens sees at the margin of a white page. Stretches of pure white
// paper, most of a form, are copied rather than convolved: the unit-gain
// kernel would return white there anyway.
func blur(img *image.Gray, sigma float64) *image.Gray {
	radius := max(1, int(math.Ceil(3*sigma)))
	fw := make([]float64, 2*radius+1)
	total := 0.0
	for i := range fw {
		d := float64(i - radius)
		fw[i] = math.Exp(-float64(d*d) / float64(2*sigma*sigma))
		total += fw[i]
	}
	kern := make([]int, len(fw))
	sum := 0
	for i := range fw {
		kern[i] = int(math.Round(fw[i] / total * (1 << kernelShift)))
		sum += kern[i]
	}
	// Exact unit gain, so flat paper keeps its exact level.
	kern[radius] += 1<<kernelShift - sum

	w, h := img.Rect.Dx(), img.Rect.Dy()
	const half = 1 << (kernelShift - 1)
	tmp := image.NewGray(image.Rect(0, 0, w, h))
	for i := range tmp.Pix {
		tmp.Pix[i] = white
	}
	for y := range h {
		in := img.Pix[y*img.Stride : y*img.Stride+w]
		out := tmp.Pix[y*tmp.Stride : y*tmp.Stride+w]
		x := 0
		for x < w {
			// Skip to the first output whose window holds ink.
			ink := nextInk(in, max(0, x-radius))
			if ink == w {
				break
			}
			x = max(x, ink-radius)
			// Convolve until the window has been clear of ink for a while.
			last := ink
			for ; x < w && x <= last+radius; x++ {
				if x+radius < w && in[x+radius] != white {
					last = x + radius
				}
				acc := 0
				if x >= radius && x+radius < w {
					win := in[x-radius : x+radius+1]
					for k, c := range kern {
						acc += c * int(win[k])
					}
				} else {
					for k, c := range kern {
						acc += c * int(in[min(w-1, max(0, x+k-radius))])
					}
				}
				out[x] = uint8((acc + half) >> kernelShift)
			}
		}
	}

	dst := image.NewGray(image.Rect(0, 0, w, h))
	rows := make([][]uint8, len(kern))
	for y := range h {
		for k := range rows {
			sy := min(h-1, max(0, y+k-radius))
			rows[k] = tmp.Pix[sy*tmp.Stride : sy*tmp.Stride+w]
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+w]
		for x0 := 0; x0 < w; x0 += 8 {
			x1 := min(w, x0+8)
			if x1-x0 == 8 {
				// All rows of the window white across these 8 columns?
				all := ^uint64(0)
				for _, r := range rows {
					all &= binary.LittleEndian.Uint64(r[x0:x1])
				}
				if all == ^uint64(0) {
					binary.LittleEndian.PutUint64(out[x0:x1], all)
					continue
				}
			}
			var acc [8]int
			for k, c := range kern {
				for i, v := range rows[k][x0:x1] {
					acc[i] += c * int(v)
				}
			}
			for i := range x1 - x0 {
				out[x0+i] = uint8((acc[i] + half) >> kernelShift)
			}
		}
	}
	return dst
}

// nextInk returns the index of the first non-white byte in line at or
// after from, or len(line), scanning a word at a time.
func nextInk(line []uint8, from int) int {
	i := from
	for ; i+8 <= len(line); i += 8 {
		if binary.LittleEndian.Uint64(line[i:]) != ^uint64(0) {
			break
		}
	}
	for ; i < len(line); i++ {
		if line[i] != white {
			return i
		}
	}
	return len(line)
}

// noise adds approximately gaussian sensor noise. Each value is the sum of
// four uniform bytes (Irwin–Hall, n=4), drawn from a splitmix64 stream
// seeded by rng: one 64-bit draw serves two pixels and everything is
// integer, several times faster than NormFloat64 through rng's interface
// over millions of pixels, and still fully determined by rng. The tails
// stop at about ±3.5σ, which a sensor's clipping makes irrelevant.
func noise(img *image.Gray, sigma float64, rng *rand.Rand) {
	// Standard deviation of a sum of four independent uniform bytes.
	sd := math.Sqrt(4 * (256*256 - 1) / 12.0)
	var tab [4*255 + 1]int
	for s := range tab {
		tab[s] = int(math.Round(float64(float64(s-2*255)*sigma) / sd))
	}
	state := rng.Uint64()
	w, h := img.Rect.Dx(), img.Rect.Dy()
	var bits uint64
	odd := false
	for y := range h {
		line := img.Pix[y*img.Stride : y*img.Stride+w]
		for x, v := range line {
			if odd {
				bits >>= 32
			} else {
				state += 0x9e3779b97f4a7c15
				z := state
				z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
				z = (z ^ z>>27) * 0x94d049bb133111eb
				bits = z ^ z>>31
			}
			odd = !odd
			s := int(bits&0xff) + int(bits>>8&0xff) + int(bits>>16&0xff) + int(bits>>24&0xff)
			line[x] = clamp8(int(v) + tab[s])
		}
	}
}

// threshold makes the page bilevel like a fax-mode scanner. A fixed cut,
// not an adaptive one, because a blank page must stay white.
func threshold(img *image.Gray, cut uint8) {
	if cut == 0 {
		cut = 128
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := range h {
		line := img.Pix[y*img.Stride : y*img.Stride+w]
		for x, v := range line {
			if v < cut {
				line[x] = 0
			} else {
				line[x] = white
			}
		}
	}
}

// sharpen is the firmware's unsharp mask: the page plus amount times its
// difference from a one-pixel gaussian blur of itself.
func sharpen(img *image.Gray, amount float64) *image.Gray {
	soft := blur(img, 1)
	k := int(math.Round(amount * 256))
	out := image.NewGray(img.Rect)
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := range h {
		src := img.Pix[y*img.Stride : y*img.Stride+w]
		sm := soft.Pix[y*soft.Stride : y*soft.Stride+w]
		dst := out.Pix[y*out.Stride : y*out.Stride+w]
		for x, v := range src {
			d := int(v) - int(sm[x])
			dst[x] = clamp8(int(v) + (d*k+128)>>8)
		}
	}
	return out
}

// backgroundWhite is the grey level a copier's background removal takes
// for paper: everything at or above it is white, and the rest is
// stretched to fill the range below.
const backgroundWhite = 215

// dither makes the page bilevel as a copier's black-and-white mode does:
// background removal (paper, grey or not, becomes white), then
// Floyd–Steinberg error diffusion at cut, so grey ink becomes dots.
func dither(img *image.Gray, cut uint8) {
	if cut == 0 {
		cut = 128
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	// cur and next hold the error diffused into this row and the next,
	// in sixteenths.
	cur, next := make([]int, w+2), make([]int, w+2)
	for y := range h {
		line := img.Pix[y*img.Stride : y*img.Stride+w]
		for x, v := range line {
			level := min(white, int(v)*white/backgroundWhite)
			want := level + cur[x+1]/16
			got := 0
			if want >= int(cut) {
				got = white
			}
			line[x] = uint8(got)
			e := want - got
			cur[x+2] += 7 * e
			next[x] += 3 * e
			next[x+1] += 5 * e
			next[x+2] += e
		}
		cur, next = next, cur
		clear(next)
	}
}

// jpegRoundTrip gives the page the blocking and ringing of the scanner's
// JPEG encoder.
func jpegRoundTrip(img *image.Gray, quality int) (*image.Gray, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("encode quality %d: %w", quality, err)
	}
	dec, err := jpeg.Decode(&buf)
	if err != nil {
		return nil, fmt.Errorf("decode quality %d: %w", quality, err)
	}
	if g, ok := dec.(*image.Gray); ok {
		return g, nil
	}
	g := image.NewGray(dec.Bounds())
	draw.Draw(g, g.Rect, dec, g.Rect.Min, draw.Src)
	return g, nil
}

func clamp8(v int) uint8 {
	return uint8(min(white, max(0, v)))
}
