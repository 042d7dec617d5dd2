package deskew

import (
	"encoding/binary"
	"image"
	"math"
	"math/bits"
)

const (
	// minContrast is how much darker than the paper a pixel must be to be
	// ink at all. It is above the paper shading a Standard scan's lamp and
	// paper give (about 25 levels), so an unevenly lit blank page has no
	// ink, and below the contrast of the faintest print worth reading.
	minContrast = 48
	// targetCells is the side, in cells, of the fine grid for a square
	// page: enough rows to resolve 0.05° across a page, few enough that
	// a sweep stays cheap.
	targetCells = 1500
)

// histogram counts the grey levels of every other pixel of every other
// row: a quarter of the page is plenty for two percentiles and a mean.
// Paper makes long runs of one level, and a single table would have each
// increment wait for the last; four tables in turn do not.
func histogram(img *image.Gray) *[256]int {
	var part [4][256]int32
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		line := img.Pix[img.PixOffset(b.Min.X, y):][:b.Dx()]
		x := 0
		for ; x+8 <= len(line); x += 8 {
			part[0][line[x]]++
			part[1][line[x+2]]++
			part[2][line[x+4]]++
			part[3][line[x+6]]++
		}
		for ; x < len(line); x += 2 {
			part[0][line[x]]++
		}
	}
	var h [256]int
	for _, p := range part {
		for v, c := range p {
			h[v] += int(c)
		}
	}
	return &h
}

// percentile returns the grey level below which a share q of the counted
// pixels lie.
func percentile(h *[256]int, q float64) int {
	n := 0
	for _, c := range h {
		n += c
	}
	want := int(q * float64(n))
	acc := 0
	for v, c := range h {
		acc += c
		if acc > want {
			return v
		}
	}
	return 255
}

// inkCut returns the grey level below which a pixel is ink: halfway between
// the paper (the median, since a document is mostly paper) and the mean of
// what is clearly darker than it. Otsu's threshold is not used: on a sparse
// page with uneven lighting it splits the paper's shading rather than paper
// from ink, because the ink is too small a class to matter to it.
func inkCut(h *[256]int) (int, bool) {
	paper := percentile(h, 0.5)
	sum, n := 0, 0
	for v := range max(0, paper-minContrast) {
		sum += v * h[v]
		n += h[v]
	}
	if n == 0 {
		return 0, false
	}
	// When what is darker is only the tail of the paper's shading and
	// noise, the halfway point would be too near the paper: a lamp's
	// fall-off would turn to ink. Ink is minContrast darker than paper.
	return min((paper+sum/n+1)/2, paper-minContrast), true
}

// grid is the page reduced to ink counts per cell, stored strip by strip:
// a strip is a column of cells, and the sweep shifts whole strips.
type grid struct {
	strips, rows int
	cellH        float64   // cell height in page pixels
	xc           []float64 // strip centre x, from the page centre, in pixels
	dither       []float64 // each strip's fixed sub-row offset, see score
	cnt          []float32 // strip s, row r at s*rows+r
	lo, hi       []int     // each strip's rows holding ink: [lo, hi)
	ink          float64   // total ink pixels

	pad  int       // profile rows kept either side for the largest shear
	acc  []float32 // the sheared profile, reused by every score
	edge []float32 // differences of the strips' continuations, see score
}

// reduce counts the pixels darker than cut in cells of cw×ch pixels. Cells
// are taller than a text stroke only by a little, which keeps line edges
// sharp in the profile, and several times wider, since the shear moves a
// strip by only cw·tan(a) rows.
func reduce(img *image.Gray, cut int) *grid {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	ch := max(1, int(math.Round(math.Sqrt(float64(w)*float64(h))/targetCells)))
	cw := 8 * ((ch + 1) / 2) // whole 8-pixel words per cell
	// A partial last row would look like a step in the profile; the few
	// pixel rows it would hold are dropped instead.
	strips, rows := (w+cw-1)/cw, h/ch
	counts := make([]uint16, strips*rows) // row-major while reading the page
	less := newLessCut(cut)
	words, perCell := w/8, cw/8
	for y := range rows * ch {
		line := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):][:w]
		row := counts[(y/ch)*strips:][:strips]
		for i := range words {
			row[i/perCell] += uint16(bits.OnesCount64(lessThan(binary.LittleEndian.Uint64(line[8*i:]), less)))
		}
		for x := words * 8; x < w; x++ {
			if int(line[x]) < cut {
				row[x/cw]++
			}
		}
	}

	g := &grid{strips: strips, rows: rows, cellH: float64(ch)}
	g.xc = make([]float64, strips)
	g.cnt = make([]float32, strips*rows)
	g.lo, g.hi = make([]int, strips), make([]int, strips)
	for s := range strips {
		g.xc[s] = (float64(s)+0.5)*float64(cw) - float64(w)/2
		col := g.cnt[s*rows : (s+1)*rows]
		lo, hi := rows, 0
		for r := range rows {
			c := counts[r*strips+s]
			if c != 0 {
				lo, hi = min(lo, r), r+1
				col[r] = float32(c)
				g.ink += float64(c)
			}
		}
		g.lo[s], g.hi[s] = lo, hi
	}
	return g
}

// lessThan sets the top bit of each byte of w holding a value below the
// cut that lessCut encodes, and clears every other bit: eight pixels
// compared at once, which is most of the speed of reading a page.
func lessThan(w uint64, c lessCut) uint64 {
	const top, low7 = 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	clearTop := ^w & top
	lowBelow := ^(w&low7 + c.add) & top
	if c.high {
		return clearTop | lowBelow
	}
	return clearTop & lowBelow
}

// lessCut is a cut in 0..256 prepared for lessThan. A byte v is below a
// cut up to 128 when its top bit is clear and its low seven bits are below
// the cut; below a higher cut when its top bit is clear or its low bits
// are below cut-128. Adding 128-t to seven bits sets the top bit exactly
// when they are at least t, and cannot carry into the next byte.
type lessCut struct {
	add  uint64
	high bool
}

func newLessCut(cut int) lessCut {
	const ones = 0x0101010101010101
	if cut <= 128 {
		return lessCut{add: uint64(128-cut) * ones}
	}
	return lessCut{add: uint64(256-cut) * ones, high: true}
}

// halve merges 2×2 cells: the coarse grid the sweep runs on. An odd last
// row is dropped, as in reduce.
func (g *grid) halve() *grid {
	strips, rows := (g.strips+1)/2, g.rows/2
	h := &grid{strips: strips, rows: rows, cellH: 2 * g.cellH, ink: g.ink}
	h.xc = make([]float64, strips)
	h.cnt = make([]float32, strips*rows)
	h.lo, h.hi = make([]int, strips), make([]int, strips)
	for s := range strips {
		col := h.cnt[s*rows : (s+1)*rows]
		lo, hi := rows, 0
		n := 0
		for src := 2 * s; src < min(2*s+2, g.strips); src++ {
			h.xc[s] += g.xc[src]
			n++
			slo, shi := g.lo[src], min(g.hi[src], 2*rows)
			if slo >= shi {
				continue
			}
			for r, v := range g.cnt[src*g.rows+slo : src*g.rows+shi] {
				col[(slo+r)/2] += v
			}
			lo, hi = min(lo, slo/2), max(hi, (shi+1)/2)
		}
		h.xc[s] /= float64(n)
		h.lo[s], h.hi[s] = lo, hi
	}
	return h
}

// prepare sizes the profile for shears up to reach degrees.
func (g *grid) prepare(reach float64) {
	far := 0.0
	for _, x := range g.xc {
		far = max(far, math.Abs(x))
	}
	g.pad = int(math.Ceil(far*math.Tan(reach*math.Pi/180)/g.cellH)) + 2
	g.acc = make([]float32, g.rows+2*g.pad+3)
	g.edge = make([]float32, len(g.acc)+1)
	// Splitting a strip between two rows smooths it, the more so the
	// nearer the split is to even, and smoothing lowers the score. Without
	// a dither every strip splits alike at some angles (at 0° none
	// splits at all), and those angles win for being sharper, not for
	// being right: on a sparse page by half again. Offsets spread evenly
	// over half a row (the golden-ratio sequence) smooth as much on
	// average as any angle's splits do, since 2f(1-f) is symmetric about
	// a half; half a row rather than a whole one halves the slope the
	// offsets happen to have along a short line, which tilts it.
	g.dither = make([]float64, g.strips)
	for s := range g.dither {
		g.dither[s] = 0.5 * math.Mod(float64(s)*0.6180339887498949, 1)
	}
}

// score shears the ink by deg and returns the differential square sum of
// the horizontal profile. Each strip lands between two profile rows and is
// split between them by its fraction, so the score changes smoothly with
// the angle and a peak's centroid can be measured between steps.
//
// A strip with ink in its first or last row is continued beyond the page
// with that row's count. Otherwise the page's own top and bottom edges
// would be steps in the profile, straight only at 0°, and a page printed
// to its edges, a photograph or a dark scanner border would find 0°.
func (g *grid) score(deg float64) float64 {
	k := math.Tan(deg*math.Pi/180) / g.cellH
	clear(g.acc)
	clear(g.edge)
	for s := range g.strips {
		lo, hi := g.lo[s], g.hi[s]
		if lo >= hi {
			continue
		}
		// y' = y - x·tan(a): row r of strip s goes to row r + off.
		off := float64(g.pad) + g.dither[s] - g.xc[s]*k
		i0 := int(math.Floor(off))
		f := float32(off - float64(i0))
		dst := g.acc[i0+lo : i0+hi+1]
		src := g.cnt[s*g.rows+lo : s*g.rows+hi]
		var prev float32
		if lo == 0 {
			// Rows above the page continue the first: profile rows
			// [0, i0) get its count, and row i0 mixes it with itself.
			prev = src[0]
			g.edge[0] += prev
			g.edge[i0] -= prev
		}
		for r, v := range src {
			dst[r] += (1-f)*v + f*prev
			prev = v
		}
		if hi == g.rows {
			g.edge[i0+hi] += prev
		} else {
			dst[len(src)] += f * prev
		}
	}
	var sum float64
	var run float32
	last := float32(0)
	for i, v := range g.acc {
		run += g.edge[i]
		v += run
		if i > 0 {
			d := float64(v - last)
			sum += d * d
		}
		last = v
	}
	return sum
}

// peak is the stretch of angles around a maximum that score above a level.
type peak struct {
	lo, hi float64 // where the score crosses the level
	centre float64 // centroid of the score above the level
	best   float64 // highest score seen
}

func (p peak) width() float64 { return p.hi - p.lo }

// walk goes out from a0 (score s0) in steps of step until the score falls
// below level on either side, or reaches ±limit or reach degrees from a0,
// and returns the peak it crossed.
func (g *grid) walk(a0, s0, level, step, reach, limit float64) peak {
	p := peak{lo: a0, hi: a0, best: s0}
	sum, wsum := a0*(s0-level), s0-level
	for _, dir := range []float64{-1, 1} {
		prevA, prevS := a0, s0
		edge := a0
		for k := 1; float64(k)*step <= reach+1e-9; k++ {
			a := a0 + dir*float64(k)*step
			if math.Abs(a) > limit+1e-9 {
				break
			}
			s := g.score(a)
			p.best = max(p.best, s)
			if s < level {
				// Where the score crossed the level, by linear interpolation.
				edge = prevA + dir*step*(prevS-level)/(prevS-s)
				break
			}
			sum += a * (s - level)
			wsum += s - level
			prevA, prevS, edge = a, s, a
		}
		if dir < 0 {
			p.lo = edge
		} else {
			p.hi = edge
		}
	}
	p.centre = a0
	if wsum > 0 {
		p.centre = sum / wsum
	}
	return p
}
