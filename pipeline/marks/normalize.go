package marks

import (
	"image"
	"math"
)

// Normalize evens out the paper in place: a local estimate of the paper
// level is mapped to 255 and everything darker is scaled with it, so ink is
// dark by the same measure on white, grey, unevenly lit and washed-out
// scans, and one set of reader thresholds fits them all.
//
// The paper level of a block is the mode of its histogram: paper is the
// one level most pixels share, while ink, anti-aliasing and noise spread
// out. A block covered by a fiducial or a filled box has no paper of its
// own, so each block takes the brightest estimate among its neighbours,
// and the estimates are interpolated between block centres so the
// correction has no seams.
func Normalize(page *image.Gray) {
	w, h := page.Rect.Dx(), page.Rect.Dy()
	if w == 0 || h == 0 {
		return
	}
	// ~2.7 mm blocks: small enough to follow lamp fall-off near an edge,
	// large enough that most blocks hold some bare paper.
	bs := max(8, int(math.Round(float64(w)/blocksAcross)))
	gw, gh := (w+bs-1)/bs, (h+bs-1)/bs
	modes := make([]uint8, gw*gh)
	var hist [64]int32
	for by := range gh {
		for bx := range gw {
			clear(hist[:])
			x0, y0 := bx*bs, by*bs
			x1, y1 := min(w, x0+bs), min(h, y0+bs)
			// Every other pixel of every fourth row is plenty for a mode.
			for y := y0; y < y1; y += 4 {
				off := page.PixOffset(page.Rect.Min.X, page.Rect.Min.Y+y)
				row := page.Pix[off : off+x1]
				for x := x0; x < x1; x += 2 {
					hist[row[x]>>2]++
				}
			}
			modes[by*gw+bx] = histMode(&hist)
		}
	}
	// Brightest of the 3×3 neighbourhood (a 6 mm fiducial spans at most
	// three blocks), then a light 3×3 mean so neighbouring blocks agree.
	bg := make([]int32, gw*gh)
	for by := range gh {
		for bx := range gw {
			m := uint8(0)
			for j := max(0, by-1); j <= min(gh-1, by+1); j++ {
				for i := max(0, bx-1); i <= min(gw-1, bx+1); i++ {
					m = max(m, modes[j*gw+i])
				}
			}
			bg[by*gw+bx] = int32(m)
		}
	}
	// Gain per block in 1/4096: paper → 255. A block darker than
	// minPaper is not paper at all (a black page, a photo); leaving it
	// alone beats amplifying noise into ink.
	gain := make([]int32, gw*gh)
	for i, b := range bg {
		gain[i] = int32(255 * gainOne / max(b, minPaper))
	}
	// Gains at block centres, interpolated bilinearly: along a row by
	// expand, down the page by stepping each column's gain from one block
	// row's centre to the next (one addition a pixel).
	top, bot := make([]int32, w), make([]int32, w)
	cur, step := make([]int32, w), make([]int32, w)
	half := bs / 2
	for j := -1; j < gh; j++ {
		y0, y1 := max(0, j*bs+half), min(h, (j+1)*bs+half)
		if j == gh-1 {
			y1 = h
		}
		if y0 >= y1 {
			continue
		}
		expand(top, gain[max(j, 0)*gw:max(j, 0)*gw+gw], bs)
		expand(bot, gain[min(j+1, gh-1)*gw:min(j+1, gh-1)*gw+gw], bs)
		for x := range cur {
			cur[x] = top[x] << 8
			step[x] = (bot[x] - top[x]) << 8 / int32(bs)
		}
		if j < 0 || j == gh-1 {
			clear(step) // flat beyond the outer block centres
		}
		for y := y0; y < y1; y++ {
			off := page.PixOffset(page.Rect.Min.X, page.Rect.Min.Y+y)
			row := page.Pix[off : off+w]
			cur, step := cur[:len(row)], step[:len(row)]
			for x, v := range row {
				n := (int32(v)*(cur[x]>>8) + gainOne/2) >> gainShift
				row[x] = uint8(min(n, 255))
				cur[x] += step[x]
			}
		}
	}
}

const (
	gainShift = 12
	gainOne   = 1 << gainShift
	// minPaper is the darkest level still taken for paper.
	minPaper = 120
	// blocksAcross is the number of paper blocks across a page (210 mm
	// in ~2.7 mm blocks).
	blocksAcross = 78
)

// expand fills line with values interpolated linearly between block
// centres (block i centred at (i+0.5)·bs), held flat beyond the outer ones.
// Steps are in 1/65536 so the loop needs no division.
func expand(line []int32, blocks []int32, bs int) {
	w := len(line)
	half := bs / 2
	for x := 0; x < min(half, w); x++ {
		line[x] = blocks[0]
	}
	for i := 0; i+1 < len(blocks); i++ {
		x0 := i*bs + half
		if x0 >= w {
			return
		}
		seg := line[x0:min(w, x0+bs)]
		acc := blocks[i] << 16
		step := (blocks[i+1] - blocks[i]) << 16 / int32(bs)
		for k := range seg {
			seg[k] = acc >> 16
			acc += step
		}
	}
	for x := max(0, (len(blocks)-1)*bs+half); x < w; x++ {
		line[x] = blocks[len(blocks)-1]
	}
}

// histMode returns the level at the peak of a 64-bin histogram (4 levels
// a bin), refined by the neighbouring bins' weights.
func histMode(h *[64]int32) uint8 {
	best, bi := int32(-1), 0
	for i := range h {
		// Ties go to the brighter bin: paper is the bright peak.
		if s := h[i]; s >= best {
			best, bi = s, i
		}
	}
	lo, hi := max(0, bi-1), min(63, bi+1)
	var sw, s int32
	for i := lo; i <= hi; i++ {
		sw += h[i] * int32(i*4+2)
		s += h[i]
	}
	if s == 0 {
		return 255
	}
	return uint8(min(255, (sw+s/2)/s))
}
