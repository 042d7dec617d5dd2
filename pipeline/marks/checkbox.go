package marks

import (
	"image"
	"math"

	"shinsei/templates"
)

// State is what a checkbox says.
type State int

const (
	Unchecked State = iota
	Checked
	// Ambiguous: a person must decide. A box ticked and then scribbled
	// over, or a mark too small or odd to call either way.
	Ambiguous
)

func (s State) String() string {
	switch s {
	case Unchecked:
		return "unchecked"
	case Checked:
		return "checked"
	case Ambiguous:
		return "ambiguous"
	}
	return "State(?)"
}

// CheckResult is the reading of one checkbox.
type CheckResult struct {
	State State
	// Confidence in [0, 1] that State is what the box shows; for
	// Ambiguous, how sure the reader is that a person must decide.
	Confidence float64
	// Review is set when a person must look: always for Ambiguous, and
	// for a densely inked box that is most likely filled in but might be
	// a scribbled-out tick.
	Review bool
	// Ink is the share of the box's interior covered by ink, dust
	// discounted: the main measure, worth showing a reviewer.
	Ink float64
}

// checkFeatures are the measurements a checkbox decision rests on.
type checkFeatures struct {
	fill    float64 // share of the interior that is ink (dust discounted)
	inkMM2  float64 // the same as an area
	longest float64 // extent of the largest piece of ink in the interior, mm
	runsV   float64 // mean ink runs met going down an interior column
	// Ink in a ring just outside the box: a hurried tick can land mostly
	// beside the box, leaving only slivers inside.
	ringMM2, ringLongest float64
	// Interior ink in straight lines that run through the whole zone (a
	// pen line across the box, a line along its edge that goes on past
	// it, a fold's shadow): not counted in fill and inkMM2 above.
	crossMM2 float64
	// darkest is the interior ink's 5th-percentile grey: a pen's ink
	// scans under ~110 however faded, a finger's smudge stays lighter.
	darkest uint8

	// Measured only on densely inked boxes, to tell a filled box from a
	// scribbled-out one. The core is the ink thresholded halfway between
	// the box's darkest ink and paper, where a blurred scribble's gaps
	// still show.
	coreFill  float64
	coreRunsH float64 // mean core runs met going across a row
	// Light notches down the interior's left and right edges: a zig-zag's
	// strokes turn at the sides and leave wedges opening on both.
	notchL, notchR int
	// Gaps between strokes that widen steadily along their length, as a
	// zig-zag's do and parallel fill strokes' do not.
	wedges int
}

// Geometry of the reading, in mm. The printed frame (0.25 mm) and the
// drop-out margin whiten ~0.55 mm inside the box edge; the interior starts
// a little further in. The ring reaches 1.5 mm out, short of the label
// beside the box (dropped out anyway) and of the next box.
const (
	checkInsetMM = 0.65
	checkRingMM  = 1.5
)

// Checkbox thresholds, set on the calibration corpora (see
// calibrate_test.go): the faintest real tick leaves ~0.6 mm² of ink in the
// interior, an empty box none once dust is discounted, and everything in
// between goes to a person.
const (
	markMinMM2    = 0.5  // at least this much ink is a mark
	emptyMaxMM2   = 0.25 // at most this much is an empty box
	markLongestMM = 1.45 // a mark has a stroke at least this long
	// No empty box of the calibration corpora has any ink in its ring;
	// 1.0 mm² let a hurried tick with 0.9 there pass as an empty box on
	// the held-out scanner (TestHeldOutScanner).
	ringMarkMM2   = 0.5 // this much stroke ink just outside an empty box …
	ringLongestMM = 2.0 // … in strokes this long is a mark beside it
	denseFill     = 0.6 // fills and scribbles; circles stay below ~0.55
	mediumFill    = 0.4 // big circles and thin scribbles overlap here
	scribbleRunsV = 2.6 // medium boxes: a zig-zag crossed this often is a scribble
	doubtRunsV    = 2.3 // … and from here it might be
	// Dense boxes: a scribble probability of scribbleP makes the box
	// Ambiguous, of reviewP sends a filled box to review. No scribble of
	// the calibration marks (TestCalibrateSynth, seeds 300–499) scores
	// below reviewP; one scored just under the 0.0043 this once was, and
	// a blurred copier scan another (TestHeldOutScanner). About a fifth
	// of filled boxes go to a person for it.
	scribbleP       = 0.5
	reviewP         = 0.0015
	emptyConfidence = 0.99
	smudgeDarkest   = 115 // a densely inked box no darker than this is soft grey
)

func measureCheckbox(ink *image.Gray, f templates.Field) checkFeatures {
	b := f.Box
	z := newZone(ink, templates.Box{X: b.X - checkRingMM, Y: b.Y - checkRingMM, W: b.W + 2*checkRingMM, H: b.H + 2*checkRingMM})
	in := z.mmRect(inset(b, checkInsetMM))
	box := z.mmRect(b)
	var ft checkFeatures
	if in.Empty() {
		return ft
	}
	mm2 := 1 / (z.pxPerMM * z.pxPerMM)
	cross := crossingLines(ink, z, in, box)
	inkN := 0
	inside := make([]bool, len(z.comps))
	for y := range z.h {
		for x := range z.w {
			i := y*z.w + x
			if !z.real(i) {
				continue
			}
			p := image.Pt(x, y)
			switch {
			case p.In(in) && cross[z.lab[i]-1]:
				ft.crossMM2 += mm2
			case p.In(in):
				inkN++
				inside[z.lab[i]-1] = true
			case !p.In(box):
				ft.ringMM2 += mm2
				ft.ringLongest = max(ft.ringLongest, z.comps[z.lab[i]-1].extentMM(z.pxPerMM))
			}
		}
	}
	for i, c := range z.comps {
		if inside[i] {
			ft.longest = max(ft.longest, c.extentMM(z.pxPerMM))
		}
	}
	var hist [256]int
	for y := in.Min.Y; y < in.Max.Y; y++ {
		for x := in.Min.X; x < in.Max.X; x++ {
			if i := y*z.w + x; z.real(i) && !cross[z.lab[i]-1] {
				hist[ink.Pix[ink.PixOffset(z.r.Min.X+x, z.r.Min.Y+y)]]++
			}
		}
	}
	for v, c := 0, 0; v < 256; v++ {
		if c += hist[v]; inkN > 0 && c*20 >= inkN {
			ft.darkest = uint8(v)
			break
		}
	}
	ft.fill = float64(inkN) / float64(in.Dx()*in.Dy())
	ft.inkMM2 = float64(inkN) * mm2
	real := func(x, y int) bool { i := y*z.w + x; return z.real(i) && !cross[z.lab[i]-1] }
	ft.runsV = meanRuns(real, in, true)
	if ft.fill >= denseFill {
		core := coreInk(ink, z, in)
		n := 0
		for y := in.Min.Y; y < in.Max.Y; y++ {
			for x := in.Min.X; x < in.Max.X; x++ {
				if core(x, y) {
					n++
				}
			}
		}
		ft.coreFill = float64(n) / float64(in.Dx()*in.Dy())
		ft.coreRunsH = meanRuns(core, in, false)
		ft.wedges = wedgeGaps(core, in, z.pxPerMM)
		ft.notchL, ft.notchR = edgeNotches(ink, z, in)
	}
	return ft
}

// crossingLines marks the components of z's interior in that are thin
// straight lines or bands running through it from one side to the
// opposite one and going on, on that same line, past the box (see
// crosses): a pen slip across the box, a fold or a staple's shadow along
// its edge. A tick, cross or circle bends, and even a hurried one's
// straight arm ends within 2.5 mm of the box.
func crossingLines(img *image.Gray, z *zone, in, box image.Rectangle) []bool {
	out := make([]bool, len(z.comps))
	tol := int(0.35*z.pxPerMM + 0.5)
	for i, c := range z.comps {
		if z.dust[i] {
			continue
		}
		l := int32(i + 1)
		at := func(x, y int) bool { return x >= 0 && y >= 0 && x < z.w && y < z.h && z.lab[y*z.w+x] == l }
		across := c.minX <= in.Min.X+tol && c.maxX >= in.Max.X-1-tol
		down := c.minY <= in.Min.Y+tol && c.maxY >= in.Max.Y-1-tol
		if across {
			if a, b, ok := straightBand(at, c.minX, c.maxX, c.minY, c.maxY, false, z.pxPerMM); ok {
				out[i] = crosses(func(edge float64, dir int, from, to float64) float64 {
					return inkOnLine(img, z, a, b, edge, dir, false, from, to)
				}, float64(box.Min.X), float64(box.Max.X), false)
			}
		}
		if down && !out[i] {
			if a, b, ok := straightBand(at, c.minY, c.maxY, c.minX, c.maxX, true, z.pxPerMM); ok {
				out[i] = crosses(func(edge float64, dir int, from, to float64) float64 {
					return inkOnLine(img, z, a, b, edge, dir, true, from, to)
				}, float64(box.Min.Y), float64(box.Max.Y), true)
			}
		}
	}
	return out
}

// crosses says whether a line through the box goes on, unbroken and on
// the same line, from the frame to crossPastMM beyond it: further than
// any tick's arm reaches. The label printed right of a box is dropped out,
// and with it most of a line running through it, so on the right (or
// below, for a line down the box) it need only reach past the frame; on
// the other side it must run on.
func crosses(on func(edge float64, dir int, from, to float64) float64, lo, hi float64, down bool) bool {
	far := func(edge float64, dir int) bool { return on(edge, dir, crossNearMM, crossPastMM) >= crossInked }
	near := func(edge float64, dir int) bool { return on(edge, dir, crossNearMM, checkRingMM) > 0 }
	if down {
		return far(lo, -1) && far(hi, 1)
	}
	return far(lo, -1) && near(hi, 1)
}

// Crossing lines: at most crossThickMM thick (a fold's shadow, blurred; a
// filled box is thicker), inked over crossInked of their length from
// crossNearMM (past the frame's drop-out band) to crossPastMM beside the
// box.
const (
	crossThickMM = 2.6
	crossNearMM  = 0.9
	crossPastMM  = 3.0
	crossInked   = 0.85
)

// straightBand fits a component as one thin straight band along the axis
// from a0 to a1 (x when !down): every line across it meets one run of ink,
// the runs are at most crossThickMM long, and their centres lie on the
// line c = a + b·t within 0.25 mm (zone pixels).
func straightBand(at func(x, y int) bool, a0, a1, b0, b1 int, down bool, pxPerMM float64) (a, b float64, ok bool) {
	var n, sa, sc, saa, sac, scc, thick float64
	for t := a0; t <= a1; t++ {
		runs, sum, cnt, on := 0, 0, 0, false
		for u := b0; u <= b1; u++ {
			x, y := t, u
			if down {
				x, y = u, t
			}
			v := at(x, y)
			if v {
				sum += u
				cnt++
				if !on {
					runs++
				}
			}
			on = v
		}
		if runs > 1 {
			return 0, 0, false
		}
		if cnt == 0 {
			continue
		}
		ft, fc := float64(t), float64(sum)/float64(cnt)
		n++
		sa += ft
		sc += fc
		saa += ft * ft
		sac += ft * fc
		scc += fc * fc
		thick += float64(cnt)
	}
	if n < 3 || thick/n > crossThickMM*pxPerMM {
		return 0, 0, false
	}
	va, vc, cov := saa/n-sa*sa/n/n, scc/n-sc*sc/n/n, sac/n-sa*sc/n/n
	if va <= 0 {
		return 0, 0, false
	}
	b = cov / va
	a = sc/n - b*sa/n
	resid := vc - cov*cov/va
	return a, b, math.Sqrt(math.Max(0, resid)) < 0.25*pxPerMM
}

// inkOnLine is the share of the line c = a + b·t (zone pixels; t is x, or
// y when down), from from to to mm beyond the box edge at t = edge in
// direction dir, that has ink within half a millimetre of it.
func inkOnLine(img *image.Gray, z *zone, a, b, edge float64, dir int, down bool, from, to float64) float64 {
	k := z.pxPerMM
	n, inked := 0, 0
	for s := from; s <= to; s += 1 / k {
		t := edge + float64(dir)*s*k
		c := a + b*t
		n++
		for d := -0.5 * k; d <= 0.5*k; d++ {
			x, y := t, c+d
			if down {
				x, y = c+d, t
			}
			p := image.Pt(z.r.Min.X+int(math.Round(x)), z.r.Min.Y+int(math.Round(y)))
			if p.In(img.Rect) && img.Pix[img.PixOffset(p.X, p.Y)] < inkBelow {
				inked++
				break
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(inked) / float64(n)
}

// Checkbox reads a checkbox from the ink page (Form.Ink: registered,
// normalised, form dropped out).
//
// The decision rests on how much of the box's interior is inked, after
// specks of dust are discounted: nothing is empty; a tick, cross or small
// circle covers a tenth to a half; a filled box most of it. Marks that
// run over the border still leave their body inside, and a dot beside the
// box is outside the interior and dust-sized anyway; only strokes beside a
// box with an empty interior (a tick that missed) send it to review. A
// dense box is either filled in or ticked and then
// scribbled out, which a person must judge; the two are told apart by the
// scribble's zig-zag (light wedges opening alternately on both sides,
// steadily widening gaps) and the doubtful ones go to review.
func Checkbox(ink *image.Gray, f templates.Field) (r CheckResult) {
	ft := measureCheckbox(ink, f)
	r = CheckResult{Ink: ft.fill}
	if ft.crossMM2 >= emptyMaxMM2 && ft.inkMM2 <= emptyMaxMM2 {
		// Only a line crossing the box: nobody ticks a box with a line
		// that runs on past it. A person looks rather than read it either
		// way (it may hide a faint tick).
		r.State, r.Review, r.Confidence = Ambiguous, true, 0.6
		return r
	}
	defer func() {
		switch {
		case ft.crossMM2 >= emptyMaxMM2:
			r.Review = true // a mark under a crossing line: a person confirms
		case r.State == Checked && ft.fill >= mediumFill && ft.darkest >= smudgeDarkest:
			// A soft grey blob over the box: a smudge as likely as a
			// box filled in with a faded pen.
			r.Review, r.Confidence = true, min(r.Confidence, 0.6)
		}
	}()
	switch {
	case ft.inkMM2 <= emptyMaxMM2 && ft.ringMM2 >= ringMarkMM2 && ft.ringLongest >= ringLongestMM:
		// Strokes just outside an empty interior: a tick that landed
		// beside the box, or another box's mark running over. Only a
		// person can say which.
		r.State, r.Review, r.Confidence = Ambiguous, true, 0.6
	case ft.inkMM2 <= emptyMaxMM2:
		r.State = Unchecked
		r.Confidence = emptyConfidence - 0.4*ft.inkMM2/emptyMaxMM2
	case ft.inkMM2 < markMinMM2 || ft.longest < markLongestMM:
		// More than dust, less than any mark people make.
		r.State, r.Review, r.Confidence = Ambiguous, true, 0.5
	case ft.fill < mediumFill:
		r.State = Checked
		r.Confidence = 0.9 + 0.09*clamp01((ft.inkMM2-markMinMM2)/markMinMM2)
	case ft.fill < denseFill:
		switch {
		case ft.runsV >= scribbleRunsV:
			r.State, r.Review, r.Confidence = Ambiguous, true, 0.8
		case ft.runsV >= doubtRunsV:
			r.State, r.Review, r.Confidence = Checked, true, 0.6
		default:
			r.State, r.Confidence = Checked, 0.9
		}
	default:
		p := ft.scribbleProbability()
		switch {
		case p >= scribbleP:
			r.State, r.Review, r.Confidence = Ambiguous, true, p
		case p >= reviewP:
			r.State, r.Review, r.Confidence = Checked, true, 1-p
		default:
			r.State, r.Confidence = Checked, min(emptyConfidence, 1-p)
		}
	}
	return r
}

// scribbleProbability is a logistic model of "scribbled out" against
// "filled in" for a densely inked box, fitted on generated marks (seeds
// 300–499, checked on 500–699; calibrate_test.go). Notches on both edges
// and widening gaps speak for a zig-zag; a solid core against it. The
// fit saw three scribbles for every two filled boxes; on real forms filled
// boxes are about ten times as common (the generator's Standard mix), and
// the prior term moves the model there, so the probability is one a
// reviewer can take at face value.
func (ft checkFeatures) scribbleProbability() float64 {
	const prior = -2.7 // ln(1/10) − ln(3/2)
	s := prior - 3.3 - 4.4*ft.coreFill +
		1.9*float64(min(ft.notchL, ft.notchR)) +
		0.6*float64(ft.notchL+ft.notchR) +
		2.4*float64(ft.wedges) +
		0.6*ft.coreRunsH
	return 1 / (1 + math.Exp(-s))
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// meanRuns is the mean number of separate ink runs met along the columns
// (down) or rows (across) of r: one for a stroke crossing the line, many
// for a scribble's zig-zag, one long one for a filled box.
func meanRuns(isInk func(x, y int) bool, r image.Rectangle, down bool) float64 {
	total := 0
	outer, inner := r.Dx(), r.Dy()
	if !down {
		outer, inner = inner, outer
	}
	if outer == 0 {
		return 0
	}
	for a := range outer {
		on := false
		for c := range inner {
			x, y := r.Min.X+a, r.Min.Y+c
			if !down {
				x, y = r.Min.X+c, r.Min.Y+a
			}
			v := isInk(x, y)
			if v && !on {
				total++
			}
			on = v
		}
	}
	return float64(total) / float64(outer)
}

// Gap shape limits: a gap counts if it is at least wedgeMinMM long, and is
// a wedge if its height grows by wedgeSlope per unit of length (a zig-zag's
// neighbouring strokes diverge at ~0.2; parallel strokes, jittered, far
// less).
const (
	wedgeMinMM = 1.0
	wedgeSlope = 0.12
)

// wedgeGaps counts the white gaps of r that lie between ink above and
// below and widen steadily from one end to the other.
func wedgeGaps(isInk func(x, y int) bool, r image.Rectangle, pxPerMM float64) int {
	w, h := r.Dx(), r.Dy()
	// White runs bounded by ink above and below, per column, joined into
	// gaps where they touch in neighbouring columns.
	lab := make([]int32, w*h)
	var parent []int32
	find := func(a int32) int32 {
		for parent[a] != a {
			parent[a] = parent[parent[a]]
			a = parent[a]
		}
		return a
	}
	type run struct {
		x, t int
		id   int32
	}
	var runs []run
	for x := range w {
		for y := 0; y < h; {
			if isInk(r.Min.X+x, r.Min.Y+y) {
				y++
				continue
			}
			y0 := y
			for y < h && !isInk(r.Min.X+x, r.Min.Y+y) {
				y++
			}
			if y0 == 0 || y == h {
				continue // open above or below: paper, not a gap
			}
			id := int32(len(parent))
			parent = append(parent, id)
			for yy := y0; yy < y; yy++ {
				lab[yy*w+x] = id + 1
				if x > 0 {
					if l := lab[yy*w+x-1]; l != 0 {
						if a, b := find(l-1), find(id); a != b {
							parent[b] = a
						}
					}
				}
			}
			runs = append(runs, run{x, y - y0, id})
		}
	}
	// Least-squares slope of height against position, per gap.
	type acc struct {
		n, minX, maxX    int
		sx, st, sxx, sxt float64
	}
	groups := map[int32]*acc{}
	for _, rn := range runs {
		g := find(rn.id)
		a := groups[g]
		if a == nil {
			a = &acc{minX: rn.x, maxX: rn.x}
			groups[g] = a
		}
		x, t := float64(rn.x), float64(rn.t)
		a.n++
		a.minX, a.maxX = min(a.minX, rn.x), max(a.maxX, rn.x)
		a.sx += x
		a.st += t
		a.sxx += x * x
		a.sxt += x * t
	}
	wedges := 0
	for _, a := range groups {
		if float64(a.maxX-a.minX+1) < wedgeMinMM*pxPerMM {
			continue
		}
		n := float64(a.n)
		den := n*a.sxx - a.sx*a.sx
		if den <= 0 {
			continue
		}
		if slope := (n*a.sxt - a.sx*a.st) / den; math.Abs(slope) >= wedgeSlope {
			wedges++
		}
	}
	return wedges
}

// coreInk thresholds the interior r of zone z halfway between its
// darkest ink (5th percentile) and paper.
func coreInk(img *image.Gray, z *zone, r image.Rectangle) func(x, y int) bool {
	var hist [256]int
	for y := r.Min.Y; y < r.Max.Y; y++ {
		off := img.PixOffset(z.r.Min.X+r.Min.X, z.r.Min.Y+y)
		for _, v := range img.Pix[off : off+r.Dx()] {
			hist[v]++
		}
	}
	n := r.Dx() * r.Dy()
	dark, c := 0, 0
	for v := range hist {
		c += hist[v]
		if c*20 >= n {
			dark = v
			break
		}
	}
	cut := uint8(min(inkBelow, dark+(255-dark)/2))
	return func(x, y int) bool {
		return img.Pix[img.PixOffset(z.r.Min.X+x, z.r.Min.Y+y)] < cut
	}
}

// edgeNotches counts light notches down bands along the left and right
// edges of the interior r of zone z: peaks of the band's mean level that
// rise well above the ink on both sides.
func edgeNotches(img *image.Gray, z *zone, r image.Rectangle) (left, right int) {
	band := max(2, int(0.35*z.pxPerMM+0.5))
	h := r.Dy()
	if r.Dx() < 2*band || h < 3 {
		return 0, 0
	}
	profile := func(x0 int) []float64 {
		p := make([]float64, h)
		for y := range h {
			s := 0
			off := img.PixOffset(z.r.Min.X+x0, z.r.Min.Y+r.Min.Y+y)
			for _, v := range img.Pix[off : off+band] {
				s += int(v)
			}
			p[y] = float64(s) / float64(band)
		}
		// 3-tap smoothing against noise.
		q := make([]float64, h)
		for y := range h {
			q[y] = (p[max(0, y-1)] + p[y] + p[min(h-1, y+1)]) / 3
		}
		return q
	}
	minSep := int(0.3 * z.pxPerMM)
	peaks := func(p []float64) int {
		lo := 255.0
		for _, v := range p {
			lo = min(lo, v)
		}
		need := (255 - lo) * 0.25
		n, last := 0, -minSep
		for y := 1; y+1 < h; y++ {
			if p[y] < p[y-1] || p[y] < p[y+1] {
				continue
			}
			// Prominence: the peak must rise need above the lowest level
			// on each side before a higher point.
			ok := true
			for _, dir := range []int{-1, 1} {
				m := p[y]
				for k := y + dir; k >= 0 && k < h && p[k] <= p[y]; k += dir {
					m = min(m, p[k])
				}
				if p[y]-m < need {
					ok = false
				}
			}
			if ok && y-last >= minSep {
				n++
				last = y
			}
		}
		return n
	}
	return peaks(profile(r.Min.X)), peaks(profile(r.Max.X - band))
}
