package register

import (
	"fmt"
	"image"
	"math"
	"sort"

	"shinsei/templates"
)

// detector holds one page's working state between the candidate search
// and the full-resolution refinement.
type detector struct {
	img   *image.Gray
	bg    *background
	f     int
	runs  []run
	blobs []blob
	cands []cand
}

// Mark sizes accepted once the page scale is known. A filled 5 mm check box
// measures ~5.0 mm and must stay out; blur, JPEG and fax thresholding move a
// real mark's apparent side by a few tenths of a millimetre at most.
const (
	minMarkMM = 5.45
	maxMarkMM = 7.0
)

// Geometric tolerances, relative to the mark spacing. Scanners distort far
// less than this; a filled check box near a corner is further off than it.
const (
	diagTol   = 0.02  // diagonals: equal length and common midpoint
	aspectTol = 0.03  // 277/190
	cosTol    = 0.035 // right angle at a corner, ~2°
)

// Hole test: the mean of the central square against the mark's body, in
// units of the paper-to-ink contrast.
const (
	holedScore    = 0.5  // at least this: the mark has its hole
	solidScoreMax = 0.3  // the other marks must be at most this
	nearCornerMM  = 60.0 // partial pages: marks must be this close to two image edges
)

func (d *detector) solve(guess float64) (Result, error) {
	if q, ok := bestQuad(d.cands); ok {
		res, err := d.finish(q)
		if err == nil {
			res.OtherForms = otherForms(d.cands, q)
			if res.OtherForms == 0 && marksOutside(d.cands, res, q) >= 2 {
				// Part of another form's marks (one may be lost to a
				// fold, a staple or the image's edge).
				res.OtherForms = 1
			}
		}
		return res, err
	}
	return d.partial(guess)
}

// marksOutside counts candidates the size of this form's marks that lie
// outside its page: nothing of a form is printed there, so they are
// another form's marks.
func marksOutside(cs []cand, res Result, q quad) int {
	inv, ok := res.Transform.Invert()
	if !ok {
		return 0
	}
	used := map[int]bool{}
	for _, i := range q.idx {
		used[i] = true
	}
	n := 0
	for i, c := range cs {
		if used[i] {
			continue
		}
		if m := c.side / q.scale; m < minMarkMM || m > maxMarkMM {
			continue
		}
		p := inv.Apply(templates.PointMM{X: c.x, Y: c.y})
		const out = templates.FiducialSizeMM
		if p.X < -out || p.Y < -out || p.X > templates.PageWidthMM+out || p.Y > templates.PageHeightMM+out {
			n++
		}
	}
	return n
}

// otherForms counts further complete sets of marks beside the quad q
// found first, at a scale within a factor two of it: a second form on
// the same scan (two sheets side by side on the glass, or two pages
// printed reduced on one). Each set found is taken out before the next
// is looked for.
func otherForms(cs []cand, q quad) int {
	used := map[int]bool{}
	for _, i := range q.idx {
		used[i] = true
	}
	n := 0
	for {
		var rest []cand
		for i, c := range cs {
			if !used[i] {
				rest = append(rest, c)
			}
		}
		o, ok := bestQuad(rest)
		if !ok || o.scale < q.scale/2 || o.scale > q.scale*2 {
			return n
		}
		n++
		for _, ri := range o.idx {
			for i := range cs {
				if !used[i] && cs[i] == rest[ri] {
					used[i] = true
					break
				}
			}
		}
	}
}

type quad struct {
	idx   [4]int // candidates in cyclic order around the rectangle
	scale float64
	score float64
}

func dist(a, b *cand) float64 { return math.Hypot(a.x-b.x, a.y-b.y) }

// bestQuad looks for four candidates whose diagonals are equal and bisect
// each other (a rectangle) with the 277:190 aspect, at a scale that makes
// every blob 6 mm wide. Pairing diagonals first prunes the search to the
// few pairs at the right distance for their own blob sizes.
func bestQuad(cs []cand) (quad, bool) {
	type diag struct {
		i, j   int
		l      float64
		mx, my float64
	}
	var ds []diag
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			l := dist(&cs[i], &cs[j])
			k := (cs[i].side + cs[j].side) / 2 / templates.FiducialSizeMM
			if r := l / (diagMM * k); r < 0.7 || r > 1.4 {
				continue
			}
			ds = append(ds, diag{i, j, l, (cs[i].x + cs[j].x) / 2, (cs[i].y + cs[j].y) / 2})
		}
	}
	best := quad{score: math.Inf(1)}
	for p := range ds {
		for q := p + 1; q < len(ds); q++ {
			a, b := ds[p], ds[q]
			if a.i == b.i || a.i == b.j || a.j == b.i || a.j == b.j {
				continue
			}
			l := (a.l + b.l) / 2
			dl := math.Abs(a.l-b.l) / l
			dm := math.Hypot(a.mx-b.mx, a.my-b.my) / l
			if dl > diagTol || dm > diagTol {
				continue
			}
			o := [4]int{a.i, b.i, a.j, b.j}
			s0 := dist(&cs[o[0]], &cs[o[1]]) + dist(&cs[o[2]], &cs[o[3]])
			s1 := dist(&cs[o[1]], &cs[o[2]]) + dist(&cs[o[3]], &cs[o[0]])
			short, long := math.Min(s0, s1), math.Max(s0, s1)
			ar := (long/short)/(longMM/shortMM) - 1
			if math.Abs(ar) > aspectTol {
				continue
			}
			k := l / diagMM
			score := dl*dl + dm*dm + ar*ar
			ok := true
			for _, c := range o {
				m := cs[c].side / k
				if m < minMarkMM || m > maxMarkMM {
					ok = false
					break
				}
				e := (m - templates.FiducialSizeMM) / templates.FiducialSizeMM
				score += 0.1*e*e + 1e-4*cs[c].penalty
			}
			if ok && score < best.score {
				best = quad{idx: o, scale: k, score: score}
			}
		}
	}
	return best, !math.IsInf(best.score, 1)
}

// finish refines the four marks, identifies the holed one and fits the
// transform.
func (d *detector) finish(q quad) (Result, error) {
	var pts [4]Point
	var hs [4]float64
	for i, c := range q.idx {
		pts[i] = d.refine(&d.cands[c])
		hs[i] = d.holeScore(pts[i], q.scale)
	}
	order := []int{0, 1, 2, 3}
	sort.Slice(order, func(a, b int) bool { return hs[order[a]] > hs[order[b]] })
	t := order[0]
	if hs[t] < holedScore || hs[order[1]] > solidScoreMax {
		n := 0
		for _, h := range hs {
			if h >= holedScore {
				n++
			}
		}
		why := "none of them has the white centre of the top-left mark"
		if n > 1 {
			why = fmt.Sprintf("%d of them look like the top-left mark", n)
		} else if n == 1 {
			why = "a second mark has a pale centre too"
		}
		return Result{}, fmt.Errorf("%w: four marks found but %s; check the marks are not smudged, written on or whited out, then rescan (or set the orientation by hand)",
			ErrAmbiguousMark, why)
	}
	n1, n3, opp := (t+1)%4, (t+3)%4, (t+2)%4
	tr, bl := n1, n3
	if math.Hypot(pts[n1].X-pts[t].X, pts[n1].Y-pts[t].Y) > math.Hypot(pts[n3].X-pts[t].X, pts[n3].Y-pts[t].Y) {
		tr, bl = n3, n1
	}
	fid := [4]Point{
		templates.TopLeft:     pts[t],
		templates.TopRight:    pts[tr],
		templates.BottomLeft:  pts[bl],
		templates.BottomRight: pts[opp],
	}
	return finalize(fid, nil)
}

// finalize fits the transform to four identified marks and reads the
// page's orientation off it.
func finalize(fid [4]Point, touched []templates.Corner) (Result, error) {
	// With y pointing down, TL→TR turned towards TL→BL is clockwise on any
	// real scan; the other way round the image is mirrored (scanned through
	// the back, or flipped by scanner software) and nothing downstream
	// would read it.
	ux, uy := fid[1].X-fid[0].X, fid[1].Y-fid[0].Y
	vx, vy := fid[2].X-fid[0].X, fid[2].Y-fid[0].Y
	if ux*vy-uy*vx < 0 {
		return Result{}, fmt.Errorf("%w: the marks are in mirror-image order; the image is flipped — turn off mirroring in the scanner software and rescan",
			ErrAmbiguousMark)
	}
	src := templates.FiducialCentres()
	tf, rms := fitAffine(src[:], fid[:])
	angle := math.Atan2(tf[3], tf[0]) * 180 / math.Pi
	quarter := math.Round(angle / 90)
	rot := (int(quarter)*90%360 + 360) % 360
	return Result{
		Fiducials:  fid,
		Rotation:   rot,
		SkewDeg:    angle - quarter*90,
		DPI:        math.Sqrt(math.Abs(tf.det())) * 25.4,
		Transform:  tf,
		ResidualMM: rms,
		Touched:    touched,
	}, nil
}

// quarterTurn is the page's rotation in the image (clockwise, 0, 90, 180
// or 270, as Result.Rotation) from two marks whose corners are known: the
// angle between the template's vector from a to b and the image's.
func quarterTurn(a templates.Corner, pa Point, b templates.Corner, pb Point) int {
	c := templates.FiducialCentres()
	tmpl := math.Atan2(c[b].Y-c[a].Y, c[b].X-c[a].X)
	img := math.Atan2(pb.Y-pa.Y, pb.X-pa.X)
	q := int(math.Round((img-tmpl)*180/math.Pi/90)) * 90
	return (q%360 + 360) % 360
}

// fitAffine is the least-squares affine map from template points to image
// points (exact for three), and its RMS residual in millimetres.
func fitAffine(src []templates.PointMM, dst []Point) (Affine, float64) {
	var n [3][3]float64
	var bx, by [3]float64
	for i, p := range src {
		row := [3]float64{p.X, p.Y, 1}
		for r := 0; r < 3; r++ {
			for c := 0; c < 3; c++ {
				n[r][c] += row[r] * row[c]
			}
			bx[r] += row[r] * dst[i].X
			by[r] += row[r] * dst[i].Y
		}
	}
	ax, ay := solve3(n, bx), solve3(n, by)
	tf := Affine{ax[0], ax[1], ax[2], ay[0], ay[1], ay[2]}
	var ss float64
	for i, p := range src {
		q := tf.Apply(p)
		ss += (q.X-dst[i].X)*(q.X-dst[i].X) + (q.Y-dst[i].Y)*(q.Y-dst[i].Y)
	}
	pxPerMM := math.Sqrt(math.Abs(tf.det()))
	return tf, math.Sqrt(ss/float64(len(src))) / pxPerMM
}

// solve3 solves a 3×3 system by Cramer's rule; the template rectangle
// makes it well conditioned.
func solve3(m [3][3]float64, b [3]float64) [3]float64 {
	det := func(m [3][3]float64) float64 {
		return m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) -
			m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
			m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	}
	d := det(m)
	var x [3]float64
	for c := 0; c < 3; c++ {
		mc := m
		for r := 0; r < 3; r++ {
			mc[r][c] = b[r]
		}
		x[c] = det(mc) / d
	}
	return x
}

// refine measures a mark's centre at full resolution: an ink-weighted
// centroid with soft edges for sub-pixel precision, restricted to the
// blob's own (slightly grown) footprint so nearby ink cannot pull it.
func (d *detector) refine(c *cand) Point {
	b := &d.blobs[c.blob]
	f := d.f
	mx0, my0 := int(b.minX)-1, int(b.minY)-1
	mw, mh := int(b.maxX-b.minX)+3, int(b.maxY-b.minY)+3
	mask := make([]bool, mw*mh)
	first := sort.Search(len(d.runs), func(i int) bool { return d.runs[i].y >= b.minY })
	for i := first; i < len(d.runs) && d.runs[i].y <= b.maxY; i++ {
		ru := d.runs[i]
		if ru.root != b.root {
			continue
		}
		yy := int(ru.y) - my0
		for dy := -1; dy <= 1; dy++ {
			row := mask[(yy+dy)*mw : (yy+dy+1)*mw]
			for x := int(ru.x0) - 1 - mx0; x <= int(ru.x1)+1-mx0; x++ {
				row[x] = true
			}
		}
	}
	bounds := d.img.Bounds()
	x0, y0 := mx0*f, my0*f
	x1, y1 := min(bounds.Dx(), (mx0+mw)*f), min(bounds.Dy(), (my0+mh)*f)

	var hist [256]int
	total := 0
	for y := y0; y < y1; y++ {
		mrow := mask[(y/f-my0)*mw:]
		off := d.img.PixOffset(bounds.Min.X, bounds.Min.Y+y)
		for x := x0; x < x1; x++ {
			if mrow[x/f-mx0] {
				hist[d.img.Pix[off+x]]++
				total++
			}
		}
	}
	// The darkest 5% is the ink level of this mark, robust to noise.
	black, cum := 0, 0
	for ; black < 255; black++ {
		cum += hist[black]
		if cum*20 >= total {
			break
		}
	}
	white := d.bg.at((float64(c.x)-float64(bounds.Min.X)+0.5)/float64(f)-0.5,
		(float64(c.y)-float64(bounds.Min.Y)+0.5)/float64(f)-0.5)
	if white-float64(black) < inkContrast {
		return Point{c.x, c.y}
	}
	lo := float64(black) + 0.25*(white-float64(black))
	hi := float64(black) + 0.75*(white-float64(black))
	var sw, sx, sy float64
	for y := y0; y < y1; y++ {
		mrow := mask[(y/f-my0)*mw:]
		off := d.img.PixOffset(bounds.Min.X, bounds.Min.Y+y)
		var rw, rx float64
		for x := x0; x < x1; x++ {
			if !mrow[x/f-mx0] {
				continue
			}
			v := float64(d.img.Pix[off+x])
			w := (hi - v) / (hi - lo)
			if w <= 0 {
				continue
			}
			if w > 1 {
				w = 1
			}
			rw += w
			rx += w * float64(x)
		}
		sw += rw
		sx += rx
		sy += rw * float64(y)
	}
	if sw == 0 {
		return Point{c.x, c.y}
	}
	return Point{sx/sw + float64(bounds.Min.X), sy/sw + float64(bounds.Min.Y)}
}

// holeScore says how white the middle of a mark is: ~1 for the holed
// top-left mark, ~0 for a solid one. It compares an axis-aligned inner
// square with an axis-aligned band of the body, both chosen so that they
// stay inside the hole and the body at any skew up to ~10°.
func (d *detector) holeScore(p Point, pxPerMM float64) float64 {
	const (
		inner   = templates.FiducialHoleMM/2 - 0.5  // 0.8 mm
		bandIn  = templates.FiducialHoleMM/2 + 0.65 // 1.95 mm
		bandOut = templates.FiducialSizeMM/2 - 0.55 // 2.45 mm
	)
	b := d.img.Bounds()
	r := bandOut * pxPerMM
	x0, x1 := max(b.Min.X, int(math.Ceil(p.X-r))), min(b.Max.X-1, int(math.Floor(p.X+r)))
	y0, y1 := max(b.Min.Y, int(math.Ceil(p.Y-r))), min(b.Max.Y-1, int(math.Floor(p.Y+r)))
	ri, rbi := inner*pxPerMM, bandIn*pxPerMM
	var cs, cn, bs, bn float64
	for y := y0; y <= y1; y++ {
		dy := math.Abs(float64(y) - p.Y)
		off := d.img.PixOffset(0, y)
		for x := x0; x <= x1; x++ {
			dd := math.Max(dy, math.Abs(float64(x)-p.X))
			v := float64(d.img.Pix[off+x])
			switch {
			case dd <= ri:
				cs += v
				cn++
			case dd >= rbi && dd <= r:
				bs += v
				bn++
			}
		}
	}
	if cn == 0 || bn == 0 {
		return 0
	}
	white := d.bg.at((p.X-float64(b.Min.X)+0.5)/float64(d.f)-0.5, (p.Y-float64(b.Min.Y)+0.5)/float64(d.f)-0.5)
	body := bs / bn
	if white-body < inkContrast {
		return 0
	}
	return (cs/cn - body) / (white - body)
}

// partial handles a page on which no clean set of four marks was found. A
// mark fused with other ink (a pen stroke, a staple, a smudge) is located
// from the other three; otherwise it explains what is missing, naming the
// corners when the marks that are there tell which.
func (d *detector) partial(guess float64) (Result, error) {
	cs := d.cands
	if v, s, l, k, ok := bestTriple(cs); ok {
		var hs [3]float64
		var at [3]Point
		for i, c := range [3]int{v, s, l} {
			at[i] = d.refine(&cs[c])
			hs[i] = d.holeScore(at[i], k)
		}
		// Which corners v (the right angle), s (across the short side) and
		// l (across the long side) are follows from where the hole is.
		var corners [3]templates.Corner
		missing := templates.TopLeft
		switch best := argmax3(hs); {
		case hs[best] < holedScore:
			corners = [3]templates.Corner{templates.BottomRight, templates.BottomLeft, templates.TopRight}
		case best == 0:
			corners = [3]templates.Corner{templates.TopLeft, templates.TopRight, templates.BottomLeft}
			missing = templates.BottomRight
		case best == 1:
			corners = [3]templates.Corner{templates.TopRight, templates.TopLeft, templates.BottomRight}
			missing = templates.BottomLeft
		default:
			corners = [3]templates.Corner{templates.BottomLeft, templates.BottomRight, templates.TopLeft}
			missing = templates.TopRight
		}
		var fid [4]Point
		for i, c := range corners {
			fid[c] = at[i]
		}
		if p, ok := d.recoverMark(fid, corners, missing); ok {
			fid[missing] = p
			return finalize(fid, []templates.Corner{missing})
		}
		rot := quarterTurn(corners[0], at[0], corners[1], at[1])
		return Result{}, &MissingError{Found: 3, Missing: []templates.Corner{missing}, Rotation: rot, RotationKnown: true}
	}
	if a, b, which, k, ok := d.bestPair(cs); ok {
		ha := d.holeScore(d.refine(&cs[a]), k)
		hb := d.holeScore(d.refine(&cs[b]), k)
		var found [2]templates.Corner
		holed := math.Max(ha, hb) >= holedScore
		switch {
		case holed:
			// One is the marked corner; the spacing names the other.
			found = [2]templates.Corner{templates.TopLeft, [3]templates.Corner{templates.TopRight, templates.BottomLeft, templates.BottomRight}[which]}
		default:
			found = [3][2]templates.Corner{
				{templates.BottomLeft, templates.BottomRight},
				{templates.TopRight, templates.BottomRight},
				{templates.TopRight, templates.BottomLeft},
			}[which]
		}
		var missing []templates.Corner
		for c := templates.TopLeft; c <= templates.BottomRight; c++ {
			if c != found[0] && c != found[1] {
				missing = append(missing, c)
			}
		}
		me := &MissingError{Found: 2, Missing: missing}
		if holed {
			// found[0] is the marked corner: whichever of the pair has the hole.
			pa, pb := d.refine(&cs[a]), d.refine(&cs[b])
			if hb > ha {
				pa, pb = pb, pa
			}
			me.Rotation, me.RotationKnown = quarterTurn(found[0], pa, found[1], pb), true
		}
		return Result{}, me
	}
	// A lone solid square is too common on other paper (a filled box, a
	// logo) to call a form; a lone holed mark is not.
	if _, ok := d.bestSingle(cs, guess); ok {
		return Result{}, &MissingError{Found: 1, Missing: []templates.Corner{templates.TopRight, templates.BottomLeft, templates.BottomRight}}
	}
	return Result{}, fmt.Errorf("%w: the page is blank, is not a shinsei form, or was scanned too faint; check the page and rescan it",
		ErrNoFiducials)
}

func argmax3(v [3]float64) int {
	i := 0
	for j := 1; j < 3; j++ {
		if v[j] > v[i] {
			i = j
		}
	}
	return i
}

// bestTriple finds three marks forming the right-angled corner of the
// 190×277 mm rectangle: v at the right angle, s across the short side
// from it, l across the long side.
func bestTriple(cs []cand) (v, s, l int, k float64, ok bool) {
	best := math.Inf(1)
	for iv := range cs {
		for ia := range cs {
			if ia == iv {
				continue
			}
			for ib := ia + 1; ib < len(cs); ib++ {
				if ib == iv {
					continue
				}
				da, db := dist(&cs[iv], &cs[ia]), dist(&cs[iv], &cs[ib])
				is, il, ds, dl := ia, ib, da, db
				if da > db {
					is, il, ds, dl = ib, ia, db, da
				}
				ar := (dl/ds)/(longMM/shortMM) - 1
				if math.Abs(ar) > aspectTol {
					continue
				}
				cos := ((cs[ia].x-cs[iv].x)*(cs[ib].x-cs[iv].x) + (cs[ia].y-cs[iv].y)*(cs[ib].y-cs[iv].y)) / (da * db)
				if math.Abs(cos) > cosTol {
					continue
				}
				kk := (ds/shortMM + dl/longMM) / 2
				score := ar*ar + cos*cos
				fits := true
				for _, c := range [3]int{iv, ia, ib} {
					m := cs[c].side / kk
					if m < minMarkMM || m > maxMarkMM {
						fits = false
						break
					}
					e := (m - templates.FiducialSizeMM) / templates.FiducialSizeMM
					score += 0.1 * e * e
				}
				if fits && score < best {
					best, v, s, l, k, ok = score, iv, is, il, kk, true
				}
			}
		}
	}
	return v, s, l, k, ok
}

// nearCorner: a mark sits 10 mm in from two page edges; skew and shifts on
// the glass can move it a good deal further from the image's edges, but
// never to the middle of the page.
func (d *detector) nearCorner(c *cand, pxPerMM float64) bool {
	b := d.img.Bounds()
	lim := nearCornerMM * pxPerMM
	dx := math.Min(c.x-float64(b.Min.X), float64(b.Max.X)-c.x)
	dy := math.Min(c.y-float64(b.Min.Y), float64(b.Max.Y)-c.y)
	return dx <= lim && dy <= lim
}

// bestPair finds two marks near image corners whose spacing, measured in
// their own size, is one of the rectangle's short side (which=0), long side
// (1) or diagonal (2). Without the other marks the scale comes from the
// blobs themselves, so the tolerance is wide; the three spacings are far
// enough apart for that.
func (d *detector) bestPair(cs []cand) (a, b, which int, k float64, ok bool) {
	best := math.Inf(1)
	spans := [3]float64{shortMM, longMM, diagMM}
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			kk := (cs[i].side + cs[j].side) / 2 / templates.FiducialSizeMM
			if !d.nearCorner(&cs[i], kk) || !d.nearCorner(&cs[j], kk) {
				continue
			}
			l := dist(&cs[i], &cs[j])
			for w, span := range spans {
				e := math.Abs(math.Log(l / (span * kk)))
				if e > 0.15 {
					continue
				}
				score := e + 0.01*(cs[i].penalty+cs[j].penalty)
				if score < best {
					best, a, b, which, k, ok = score, i, j, w, l/span, true
				}
			}
		}
	}
	return a, b, which, k, ok
}

// bestSingle accepts one lone mark only if it is holed, near an image
// corner and at the size a mark would have at the guessed resolution.
func (d *detector) bestSingle(cs []cand, guess float64) (int, bool) {
	k := guess / 25.4
	for i := range cs { // sorted by shape penalty
		m := cs[i].side / k
		if m < 0.75*templates.FiducialSizeMM || m > 1.35*templates.FiducialSizeMM || !d.nearCorner(&cs[i], k) {
			continue
		}
		p, own := d.refine(&cs[i]), cs[i].side/templates.FiducialSizeMM
		if d.holeScore(p, own) >= holedScore && d.standsAlone(p, own) {
			return i, true
		}
	}
	return 0, false
}

// standsAlone reports whether the mark at p has clear paper around it, as
// a printed mark has: the form keeps print well away from its marks, while
// a letter that looks like a holed mark (a bold "O" in a heading) has its
// neighbours close by. The ring looked at starts beyond where a mark
// skewed by up to 10° reaches; pxPerMM is the mark's own scale.
func (d *detector) standsAlone(p Point, pxPerMM float64) bool {
	const (
		half    = templates.FiducialSizeMM / 2
		ringIn  = 1.2*half + 0.5
		ringOut = ringIn + 1.5
		// Dust and noise, not print: a neighbouring letter covers far more.
		maxInk = 0.03
	)
	b := d.img.Bounds()
	white := d.bg.at((p.X-float64(b.Min.X)+0.5)/float64(d.f)-0.5, (p.Y-float64(b.Min.Y)+0.5)/float64(d.f)-0.5)
	thr := math.Min(white*inkRatio, white-inkContrast)
	rIn, rOut := ringIn*pxPerMM, ringOut*pxPerMM
	x0, x1 := max(b.Min.X, int(math.Ceil(p.X-rOut))), min(b.Max.X-1, int(math.Floor(p.X+rOut)))
	y0, y1 := max(b.Min.Y, int(math.Ceil(p.Y-rOut))), min(b.Max.Y-1, int(math.Floor(p.Y+rOut)))
	var ink, n int
	for y := y0; y <= y1; y++ {
		dy := math.Abs(float64(y) - p.Y)
		off := d.img.PixOffset(0, y)
		for x := x0; x <= x1; x++ {
			if math.Max(dy, math.Abs(float64(x)-p.X)) < rIn {
				continue
			}
			n++
			if float64(d.img.Pix[off+x]) < thr {
				ink++
			}
		}
	}
	return n > 0 && float64(ink) <= maxInk*float64(n)
}

// recoverMark looks for the missing corner's mark where the other three put
// it. It has to be there in full — a solid 6 mm square of ink (with its
// hole, for the top-left) and mostly paper around it — but may have other
// ink touching it, which is why the blob search did not take it.
func (d *detector) recoverMark(fid [4]Point, have [3]templates.Corner, missing templates.Corner) (Point, bool) {
	all := templates.FiducialCentres()
	src := make([]templates.PointMM, 3)
	dst := make([]Point, 3)
	for i, c := range have {
		src[i], dst[i] = all[c], fid[c]
	}
	tf, _ := fitAffine(src, dst)
	inv, ok := tf.Invert()
	if !ok {
		return Point{}, false
	}
	centre := all[missing]
	p := tf.Apply(centre)
	pxPerMM := math.Sqrt(math.Abs(tf.det()))
	const (
		half    = templates.FiducialSizeMM / 2
		core    = half - 0.6
		holeIn  = templates.FiducialHoleMM/2 - 0.5
		holeOut = templates.FiducialHoleMM/2 + 0.6
		ringIn  = half + 0.6
		ringOut = half + 1.2
		reach   = half + 0.3 // centroid window: the mark plus blur
	)
	holed := missing == templates.TopLeft
	b := d.img.Bounds()
	r := ringOut * pxPerMM * math.Sqrt2
	x0, x1 := int(math.Floor(p.X-r)), int(math.Ceil(p.X+r))
	y0, y1 := int(math.Floor(p.Y-r)), int(math.Ceil(p.Y+r))
	if x0 < b.Min.X || y0 < b.Min.Y || x1 >= b.Max.X || y1 >= b.Max.Y {
		return Point{}, false // cut by the image edge: its centre would be biased
	}
	// Mark-local millimetres of a pixel.
	local := func(x, y int) (float64, float64) {
		q := inv.Apply(templates.PointMM{X: float64(x), Y: float64(y)})
		return q.X - centre.X, q.Y - centre.Y
	}
	var hist [256]int
	n := 0
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			u, v := local(x, y)
			dd := math.Max(math.Abs(u), math.Abs(v))
			if dd <= core && (!holed || dd >= holeOut) {
				hist[d.img.Pix[d.img.PixOffset(x, y)]]++
				n++
			}
		}
	}
	if n == 0 {
		return Point{}, false
	}
	black, cum := 0, 0
	for ; black < 255; black++ {
		if cum += hist[black]; cum*2 >= n {
			break
		}
	}
	white := d.bg.at((p.X-float64(b.Min.X)+0.5)/float64(d.f)-0.5, (p.Y-float64(b.Min.Y)+0.5)/float64(d.f)-0.5)
	if white-float64(black) < inkContrast {
		return Point{}, false
	}
	thr := (white + float64(black)) / 2
	var coreInk, coreN, holeLight, holeN, ringLight, ringN float64
	lo, hi := float64(black)+0.25*(white-float64(black)), float64(black)+0.75*(white-float64(black))
	var sw, sx, sy float64
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			u, v := local(x, y)
			dd := math.Max(math.Abs(u), math.Abs(v))
			val := float64(d.img.Pix[d.img.PixOffset(x, y)])
			switch {
			case holed && dd <= holeIn:
				holeN++
				if val >= thr {
					holeLight++
				}
			case dd <= core && (!holed || dd >= holeOut):
				coreN++
				if val < thr {
					coreInk++
				}
			case dd >= ringIn && dd <= ringOut:
				ringN++
				if val >= thr {
					ringLight++
				}
			}
			if dd <= reach {
				w := math.Min(1, (hi-val)/(hi-lo))
				if w > 0 {
					sw += w
					sx += w * float64(x)
					sy += w * float64(y)
				}
			}
		}
	}
	if coreN == 0 || coreInk < 0.9*coreN || ringLight < 0.6*ringN || (holed && holeLight < 0.5*holeN) || sw == 0 {
		return Point{}, false
	}
	return Point{sx / sw, sy / sw}, true
}
