package register

import (
	"encoding/binary"
	"image"
	"math"
	"sort"

	"shinsei/templates"
)

// raster is a bare 8-bit image; the working copy is small and private, so a
// plain slice keeps the inner loops free of image.Image indirection.
type raster struct {
	w, h int
	pix  []uint8
}

// downsample box-averages f×f blocks. Averaging (rather than picking every
// f-th pixel) is what makes the search resolution independent: thin strokes
// and scanner noise fade to grey while solid 6 mm marks stay black.
func downsample(img *image.Gray, f int) raster {
	b := img.Bounds()
	w, h := b.Dx()/f, b.Dy()/f
	out := raster{w: w, h: h, pix: make([]uint8, w*h)}
	if f == 2 || f == 4 {
		downsampleSWAR(img, f, out)
		return out
	}
	// Other factors: sum each column over the f rows first (a tight loop
	// over whole rows), then f columns at a time, once per output row.
	cols := make([]uint32, w*f)
	area := uint32(f * f)
	for oy := 0; oy < h; oy++ {
		clear(cols)
		for dy := 0; dy < f; dy++ {
			off := img.PixOffset(b.Min.X, b.Min.Y+oy*f+dy)
			row := img.Pix[off : off+len(cols)]
			cs := cols[:len(row)]
			for x, v := range row {
				cs[x] += uint32(v)
			}
		}
		dst := out.pix[oy*w : (oy+1)*w]
		for ox := range dst {
			var s uint32
			for _, v := range cols[ox*f : ox*f+f] {
				s += v
			}
			dst[ox] = uint8((s + area/2) / area)
		}
	}
	return out
}

// downsampleSWAR is downsample for the common 150 and 300 dpi cases. Reading
// the page is most of Find's time, so it adds eight pixels at a time in
// 16-bit lanes of a uint64 (a 4×4 block sums to at most 4080, no overflow).
func downsampleSWAR(img *image.Gray, f int, out raster) {
	const lo8 = 0x00FF00FF00FF00FF
	const lo16 = 0x0000FFFF0000FFFF
	b := img.Bounds()
	w := out.w
	perWord := 8 / f // outputs per 8 input bytes
	words := w / perWord
	acc := make([]uint64, words)
	area := uint32(f * f)
	for oy := 0; oy < out.h; oy++ {
		clear(acc)
		for dy := 0; dy < f; dy++ {
			off := img.PixOffset(b.Min.X, b.Min.Y+oy*f+dy)
			row := img.Pix[off : off+8*words]
			for i := range acc {
				v := binary.LittleEndian.Uint64(row[8*i:])
				acc[i] += v&lo8 + (v>>8)&lo8
			}
		}
		dst := out.pix[oy*w : (oy+1)*w]
		for i, a := range acc {
			if f == 2 {
				d := dst[4*i : 4*i+4 : 4*i+4]
				d[0] = uint8((uint32(a)&0xFFFF + area/2) / area)
				d[1] = uint8((uint32(a>>16)&0xFFFF + area/2) / area)
				d[2] = uint8((uint32(a>>32)&0xFFFF + area/2) / area)
				d[3] = uint8((uint32(a>>48)&0xFFFF + area/2) / area)
				continue
			}
			q := a&lo16 + (a>>16)&lo16
			dst[2*i] = uint8((uint32(q) + area/2) / area)
			dst[2*i+1] = uint8((uint32(q>>32) + area/2) / area)
		}
		// The few outputs past the last whole word.
		for ox := words * perWord; ox < w; ox++ {
			var s uint32
			for dy := 0; dy < f; dy++ {
				off := img.PixOffset(b.Min.X+ox*f, b.Min.Y+oy*f+dy)
				for _, v := range img.Pix[off : off+f] {
					s += uint32(v)
				}
			}
			dst[ox] = uint8((s + area/2) / area)
		}
	}
}

// background is the paper level across the page, so that toner fading,
// yellowed paper and scanner vignetting do not move the ink threshold.
type background struct {
	bs     int // block size, working px
	bw, bh int
	white  []float32
}

// newBackground takes a high percentile per ~8 mm block: a 6 mm mark can
// never fill a whole block, so even the block under a mark sees paper. The
// 3×3 maximum then covers blocks crowded with ink (the QR code, headings).
func newBackground(r raster, wdpi float64) *background {
	bs := max(6, int(math.Round(8/25.4*wdpi)))
	bw, bh := (r.w+bs-1)/bs, (r.h+bs-1)/bs
	raw := make([]float32, bw*bh)
	var hist [256]int32
	for by := 0; by < bh; by++ {
		y0, y1 := by*bs, min((by+1)*bs, r.h)
		for bx := 0; bx < bw; bx++ {
			x0, x1 := bx*bs, min((bx+1)*bs, r.w)
			clear(hist[:])
			for y := y0; y < y1; y++ {
				for _, v := range r.pix[y*r.w+x0 : y*r.w+x1] {
					hist[v]++
				}
			}
			n := int32((y1 - y0) * (x1 - x0))
			target := n - n/10
			var cum int32
			v := 0
			for ; v < 255; v++ {
				cum += hist[v]
				if cum >= target {
					break
				}
			}
			raw[by*bw+bx] = float32(v)
		}
	}
	white := make([]float32, bw*bh)
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			m := float32(0)
			for yy := max(0, by-1); yy <= min(bh-1, by+1); yy++ {
				for xx := max(0, bx-1); xx <= min(bw-1, bx+1); xx++ {
					m = max(m, raw[yy*bw+xx])
				}
			}
			white[by*bw+bx] = m
		}
	}
	return &background{bs: bs, bw: bw, bh: bh, white: white}
}

// at interpolates the paper level at working-pixel position (x, y).
func (g *background) at(x, y float64) float64 {
	fx := (x+0.5)/float64(g.bs) - 0.5
	fy := (y+0.5)/float64(g.bs) - 0.5
	x0, tx := splitClamp(fx, g.bw)
	y0, ty := splitClamp(fy, g.bh)
	x1, y1 := min(x0+1, g.bw-1), min(y0+1, g.bh-1)
	top := float64(g.white[y0*g.bw+x0])*(1-tx) + float64(g.white[y0*g.bw+x1])*tx
	bot := float64(g.white[y1*g.bw+x0])*(1-tx) + float64(g.white[y1*g.bw+x1])*tx
	return top*(1-ty) + bot*ty
}

func splitClamp(f float64, n int) (int, float64) {
	if f <= 0 {
		return 0, 0
	}
	i := int(f)
	if i >= n-1 {
		return n - 1, 0
	}
	return i, f - float64(i)
}

// Ink is darker than inkRatio of the local paper level and at least
// inkContrast grey levels below it; the second condition keeps a dark
// scanner lid or a black page border from turning into "ink".
const (
	inkRatio    = 0.6
	inkContrast = 30
)

// thresholder turns the background into per-pixel ink thresholds one row
// at a time; the column interpolation weights are the same on every row, so
// they are worked out once.
type thresholder struct {
	g      *background
	x0     []int32
	tx     []float32
	column []float32
}

func newThresholder(g *background, w int) *thresholder {
	t := &thresholder{g: g, x0: make([]int32, w), tx: make([]float32, w), column: make([]float32, g.bw+1)}
	for x := range w {
		i, f := splitClamp((float64(x)+0.5)/float64(g.bs)-0.5, g.bw)
		t.x0[x], t.tx[x] = int32(i), float32(f)
	}
	return t
}

// row prepares working row y and returns a level at or below which every
// threshold on the row lies: pixels brighter than that (nearly all paper)
// are skipped without interpolating.
func (t *thresholder) row(y int) int16 {
	g := t.g
	y0, ty := splitClamp((float64(y)+0.5)/float64(g.bs)-0.5, g.bh)
	y1 := min(y0+1, g.bh-1)
	var top float32
	for bx := 0; bx < g.bw; bx++ {
		v := g.white[y0*g.bw+bx]*float32(1-ty) + g.white[y1*g.bw+bx]*float32(ty)
		t.column[bx] = v
		top = max(top, v)
	}
	// splitClamp never gives weight to the column past the last, so it
	// may repeat the last and spare the inner loop a bounds check.
	t.column[g.bw] = t.column[g.bw-1]
	return int16(min(top*inkRatio, top-inkContrast)) + 1
}

// at is the ink threshold at column x of the prepared row.
func (t *thresholder) at(x int) int16 {
	i, f := t.x0[x], t.tx[x]
	wv := t.column[i] + (t.column[i+1]-t.column[i])*f
	return int16(min(wv*inkRatio, wv-inkContrast))
}

// run is a horizontal stretch of ink on one working row; components are
// unions of runs, which keeps labelling linear and allocation small.
type run struct {
	y, x0, x1 int32
	root      int32
}

// blob is a connected component of ink with the moments needed to judge
// its shape without revisiting its pixels.
type blob struct {
	root                   int32
	n                      float64
	sx, sy, sxx, syy, sxy  float64
	minX, minY, maxX, maxY int32
}

func find(runs []run, i int32) int32 {
	for runs[i].root != i {
		runs[i].root = runs[runs[i].root].root
		i = runs[i].root
	}
	return i
}

// inkMask thresholds the working image against the background: one byte
// per pixel, 1 for ink, rows padded to whole words for openMask.
func inkMask(r raster, bg *background) (mask []uint8, stride int) {
	stride = (r.w + 8) &^ 7 // at least one zero byte of padding per row
	mask = make([]uint8, stride*r.h)
	th := newThresholder(bg, r.w)
	for y := 0; y < r.h; y++ {
		ceil := th.row(y)
		row := r.pix[y*r.w : (y+1)*r.w]
		m := mask[y*stride : y*stride+r.w]
		for x, v := range row {
			if v := int16(v); v < ceil && v < th.at(x) {
				m[x] = 1
			}
		}
	}
	return mask, stride
}

// openMask removes ink narrower than three working pixels (about 1 mm):
// a form line or pen stroke touching a mark would otherwise fuse with it
// and spoil its shape. Marks, and the 1.7 mm ring of the holed one, survive
// a 3×3 opening. Eight pixels are handled per step: bytes are 0 or 1, so
// shifting a little-endian word by 8 bits moves every pixel one column.
func openMask(mask []uint8, stride, h int) {
	tmp := make([]uint8, len(mask))
	horiz := func(dst, src []uint8, erode bool) {
		for y := 0; y < h; y++ {
			row := src[y*stride : (y+1)*stride]
			out := dst[y*stride : (y+1)*stride]
			var prv uint64
			for i := 0; i < stride; i += 8 {
				v := binary.LittleEndian.Uint64(row[i:])
				var nxt uint64
				if i+8 < stride {
					nxt = binary.LittleEndian.Uint64(row[i+8:])
				}
				left := v<<8 | prv>>56  // pixel x-1 at x
				right := v>>8 | nxt<<56 // pixel x+1 at x
				if erode {
					binary.LittleEndian.PutUint64(out[i:], v&left&right)
				} else {
					binary.LittleEndian.PutUint64(out[i:], v|left|right)
				}
				prv = v
			}
		}
	}
	vert := func(dst, src []uint8, erode bool) {
		for y := 0; y < h; y++ {
			out := dst[y*stride : (y+1)*stride]
			for i := 0; i < stride; i += 8 {
				c := binary.LittleEndian.Uint64(src[y*stride+i:])
				var u, d uint64
				if y > 0 {
					u = binary.LittleEndian.Uint64(src[(y-1)*stride+i:])
				}
				if y+1 < h {
					d = binary.LittleEndian.Uint64(src[(y+1)*stride+i:])
				}
				if erode {
					binary.LittleEndian.PutUint64(out[i:], u&c&d)
				} else {
					binary.LittleEndian.PutUint64(out[i:], u|c|d)
				}
			}
		}
	}
	horiz(tmp, mask, true)
	vert(mask, tmp, true)
	horiz(tmp, mask, false)
	vert(mask, tmp, false)
}

// label returns the 8-connected ink components of the working image.
func label(r raster, bg *background) ([]blob, []run) {
	mask, stride := inkMask(r, bg)
	openMask(mask, stride, r.h)
	runs := make([]run, 0, 8192)
	prevStart, prevEnd := 0, 0
	for y := 0; y < r.h; y++ {
		row := mask[y*stride : y*stride+r.w]
		curStart := len(runs)
		j := prevStart
		for x := 0; x < r.w; {
			// Most of a page is paper: skip it a word at a time.
			if x&7 == 0 && x+8 <= r.w && binary.LittleEndian.Uint64(row[x:]) == 0 {
				x += 8
				continue
			}
			if row[x] == 0 {
				x++
				continue
			}
			x0 := x
			for x < r.w && row[x] != 0 {
				x++
			}
			x1 := x - 1
			idx := int32(len(runs))
			runs = append(runs, run{y: int32(y), x0: int32(x0), x1: int32(x1), root: idx})
			for j < prevEnd && int(runs[j].x1)+1 < x0 {
				j++
			}
			for k := j; k < prevEnd && int(runs[k].x0) <= x1+1; k++ {
				ra, rb := find(runs, int32(k)), find(runs, idx)
				if ra != rb {
					lo, hi := min(ra, rb), max(ra, rb)
					runs[hi].root = lo
				}
			}
		}
		prevStart, prevEnd = curStart, len(runs)
	}

	blobIdx := make([]int32, len(runs))
	var blobs []blob
	for i := range runs {
		rt := find(runs, int32(i))
		runs[i].root = rt
		var bi int32
		if rt == int32(i) {
			bi = int32(len(blobs))
			blobs = append(blobs, blob{root: rt, minX: runs[i].x0, minY: runs[i].y, maxX: runs[i].x1, maxY: runs[i].y})
		} else {
			bi = blobIdx[rt]
		}
		blobIdx[i] = bi
		b := &blobs[bi]
		ru := runs[i]
		x0, x1, y := float64(ru.x0), float64(ru.x1), float64(ru.y)
		n := x1 - x0 + 1
		sx := n * (x0 + x1) / 2
		b.n += n
		b.sx += sx
		b.sy += y * n
		b.sxx += sumSq(x1) - sumSq(x0-1)
		b.syy += y * y * n
		b.sxy += y * sx
		b.minX = min(b.minX, ru.x0)
		b.maxX = max(b.maxX, ru.x1)
		b.maxY = max(b.maxY, ru.y)
	}
	return blobs, runs
}

// sumSq is Σ k² for k = 0..m.
func sumSq(m float64) float64 { return m * (m + 1) * (2*m + 1) / 6 }

// cand is a blob that looks like a fiducial on its own; whether it is one
// is settled by its geometry with the others.
type cand struct {
	blob    int
	x, y    float64 // centroid, full-resolution image coordinates
	side    float64 // equivalent square side, full-resolution px
	penalty float64 // shape misfit, lower is better
}

// holedFill is area/(6·trace) for the marked fiducial.
const holedFill = (templates.FiducialSizeMM*templates.FiducialSizeMM - templates.FiducialHoleMM*templates.FiducialHoleMM) /
	(templates.FiducialSizeMM*templates.FiducialSizeMM + templates.FiducialHoleMM*templates.FiducialHoleMM)

// maxCands bounds the combinatorial search; a form has far fewer solid
// square blobs than this, a page of dense handwriting might not.
const maxCands = 48

// candidates keeps blobs whose size and shape could be a 6 mm square, solid
// or with the centred hole, at any skew.
func candidates(blobs []blob, r raster, f int, origin image.Point, expSide float64) []cand {
	ff := float64(f)
	// Down to 0.45 of the expected side: two forms scanned one above
	// the other make the page look twice as tall as A4, and their marks
	// half the size, and must still be found to be told apart.
	lo, hi := 0.45*expSide/ff, 1.8*expSide/ff
	var out []cand
	for i := range blobs {
		b := &blobs[i]
		bw, bh := float64(b.maxX-b.minX+1), float64(b.maxY-b.minY+1)
		// Quick rejects on the bounding box before any moment arithmetic.
		if bw < lo*0.9 || bh < lo*0.9 || bw > hi*1.6 || bh > hi*1.6 {
			continue
		}
		// A mark cut by the image edge has a biased centre: report it missing.
		if b.minX == 0 || b.minY == 0 || int(b.maxX) == r.w-1 || int(b.maxY) == r.h-1 {
			continue
		}
		cx, cy := b.sx/b.n, b.sy/b.n
		// Pixels are unit squares, each adding 1/12 to the variance.
		vxx := b.sxx/b.n - cx*cx + 1.0/12
		vyy := b.syy/b.n - cy*cy + 1.0/12
		vxy := b.sxy/b.n - cx*cy
		tr := vxx + vyy
		disc := math.Sqrt(math.Max(0, tr*tr/4-(vxx*vyy-vxy*vxy)))
		l1, l2 := tr/2+disc, tr/2-disc
		if l1 <= 0 {
			continue
		}
		// For a square of side s with a centred square hole of side h:
		// area = s²−h² and 6·trace = s²+h², so their mean is s² whether or
		// not the hole is there, and area/(6·trace) tells the two apart.
		mom := 6 * tr
		side := math.Sqrt((b.n + mom) / 2)
		fill := b.n / mom
		iso := l2 / l1
		aspect := bw / bh
		boxFill := b.n / (bw * bh)
		if side < lo || side > hi || side < 5 {
			continue
		}
		if iso < 0.7 || fill < 0.5 || fill > 1.25 || aspect < 0.75 || aspect > 1/0.75 || boxFill < 0.5 {
			continue
		}
		pen := (1 - iso) + math.Min(math.Abs(fill-1), math.Abs(fill-holedFill))
		out = append(out, cand{
			blob:    i,
			x:       (cx+0.5)*ff - 0.5 + float64(origin.X),
			y:       (cy+0.5)*ff - 0.5 + float64(origin.Y),
			side:    side * ff,
			penalty: pen,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].penalty < out[j].penalty })
	if len(out) > maxCands {
		out = out[:maxCands]
	}
	return out
}
