package marks

import (
	"image"
	"math"

	"shinsei/templates"
)

// SignatureResult says whether a signature zone was signed.
type SignatureResult struct {
	Present bool
	// Confidence in [0, 1] that Present is right.
	Confidence float64
	// Review is set when a person must look.
	Review bool
	// InkMM2 is the area of ink in the zone, dust discounted.
	InkMM2 float64
}

// sigFeatures are the measurements a signature decision rests on.
type sigFeatures struct {
	inkMM2    float64 // ink area of non-dust components
	longestMM float64 // extent of the largest component
	dustMM2   float64 // ink discounted as dust
	// Writing is what is left once straight lines (a pen slip, a fold or
	// a staple's shadow along the edge) and blobs (dots, smudges, a thick
	// grey shadow) are set aside: the ink that has the shape of script.
	scriptMM2   float64
	scriptComps int     // script components of at least sigPieceMM
	scriptSpanX float64 // horizontal extent of the script ink, mm
	scriptSpanY float64 // vertical extent of the script ink, mm
	// scriptTurns counts the up-and-down turns of the largest script
	// piece's path along the box: a scrawl wiggles, a slipped pen's
	// curve does not.
	scriptTurns int
	lineMM2     float64 // ink in straight lines
	blobMM2     float64 // ink in blobs
}

// compShape is a component's shape: its stroke width (from area and
// boundary), and how far its pixels stray from the straight line that
// fits them best (the spread across that line, less what the stroke's own
// width accounts for).
type compShape struct {
	widthMM, lengthMM, bendMM float64
	fill                      float64 // area over bounding-box area
}

// shapes measures every component of z.
func shapes(z *zone) []compShape {
	type acc struct {
		n, edge               int
		sx, sy, sxx, syy, sxy float64
	}
	a := make([]acc, len(z.comps))
	for y := range z.h {
		for x := range z.w {
			l := z.lab[y*z.w+x]
			if l <= 0 {
				continue
			}
			c := &a[l-1]
			fx, fy := float64(x), float64(y)
			c.n++
			c.sx += fx
			c.sy += fy
			c.sxx += fx * fx
			c.syy += fy * fy
			c.sxy += fx * fy
			if x == 0 || y == 0 || x == z.w-1 || y == z.h-1 ||
				z.lab[y*z.w+x-1] != l || z.lab[y*z.w+x+1] != l || z.lab[(y-1)*z.w+x] != l || z.lab[(y+1)*z.w+x] != l {
				c.edge++
			}
		}
	}
	out := make([]compShape, len(a))
	for i, c := range a {
		if c.n == 0 {
			continue
		}
		n := float64(c.n)
		mx, my := c.sx/n, c.sy/n
		vxx, vyy, vxy := c.sxx/n-mx*mx, c.syy/n-my*my, c.sxy/n-mx*my
		// Eigenvalues of the covariance: spread along and across the
		// component's main axis.
		tr, det := vxx+vyy, vxx*vyy-vxy*vxy
		disc := math.Sqrt(math.Max(0, tr*tr/4-det))
		major, minor := tr/2+disc, math.Max(0, tr/2-disc)
		// A stroke of width w and length L has area ≈ wL and ≈ 2L of
		// boundary pixels.
		w := 2 * n / float64(max(1, c.edge))
		px := z.pxPerMM
		cp := z.comps[i]
		out[i] = compShape{
			fill:     n / float64((cp.maxX-cp.minX+1)*(cp.maxY-cp.minY+1)),
			widthMM:  w / px,
			lengthMM: math.Sqrt(12*major) / px,
			bendMM:   math.Sqrt(math.Max(0, minor-w*w/12)) / px,
		}
	}
	return out
}

// Shape limits, mm. A hand's straight line wavers well under sigLineBendMM
// from its fit; any written character, a scrawl's loops and a seal's ring
// bend further. A pen stroke is under ~0.9 mm wide even blurred by a
// scan; a dot, a smudge or a fold's shadow is wider.
const (
	sigLineBendMM = 0.45
	sigLineMinMM  = 4.0
	sigBlobMM     = 0.9
	sigBlobFill   = 0.5 // a blob fills its bounding box; blurred writing far less
	sigPieceMM    = 2.0
)

const sigInsetMM = 0.7

func measureSignature(ink *image.Gray, f templates.Field) sigFeatures {
	z := newZone(ink, inset(f.Box, sigInsetMM))
	sh := shapes(z)
	var ft sigFeatures
	mm2 := 1 / (z.pxPerMM * z.pxPerMM)
	minX, maxX, minY, maxY := z.w, -1, z.h, -1
	biggest := -1
	for i, c := range z.comps {
		if z.dust[i] {
			ft.dustMM2 += float64(c.area) * mm2
			continue
		}
		a := float64(c.area) * mm2
		ft.inkMM2 += a
		ft.longestMM = max(ft.longestMM, c.extentMM(z.pxPerMM))
		s := sh[i]
		switch {
		case s.widthMM >= sigBlobMM && s.fill >= sigBlobFill || s.widthMM >= 2*sigBlobMM:
			ft.blobMM2 += a
		case s.lengthMM >= sigLineMinMM && s.bendMM < sigLineBendMM:
			ft.lineMM2 += a
		default:
			ft.scriptMM2 += a
			if c.extentMM(z.pxPerMM) >= sigPieceMM {
				ft.scriptComps++
			}
			minX, maxX = min(minX, c.minX), max(maxX, c.maxX)
			minY, maxY = min(minY, c.minY), max(maxY, c.maxY)
			if biggest < 0 || c.area > z.comps[biggest].area {
				biggest = i
			}
		}
	}
	if maxX >= 0 {
		ft.scriptSpanX = float64(maxX-minX+1) / z.pxPerMM
		ft.scriptSpanY = float64(maxY-minY+1) / z.pxPerMM
		ft.scriptTurns = turns(z, biggest)
	}
	return ft
}

// sigTurnMM is how far a path must go back up or down to count as a turn.
const sigTurnMM = 0.5

// turns counts the reversals, up against down, of the centre of component
// i's ink column by column along the zone.
func turns(z *zone, i int) int {
	c := z.comps[i]
	l := int32(i + 1)
	need := sigTurnMM * z.pxPerMM
	n, dir := 0, 0
	var ext, lo, hi float64 // the extreme since the last turn; the range before the first move
	started := false
	for x := c.minX; x <= c.maxX; x++ {
		sum, cnt := 0, 0
		for y := c.minY; y <= c.maxY; y++ {
			if z.lab[y*z.w+x] == l {
				sum += y
				cnt++
			}
		}
		if cnt == 0 {
			continue
		}
		v := float64(sum) / float64(cnt)
		switch {
		case !started:
			started, lo, hi = true, v, v
		case dir == 0:
			lo, hi = min(lo, v), max(hi, v)
			if v-lo >= need {
				dir, ext = 1, v
			} else if hi-v >= need {
				dir, ext = -1, v
			}
		case dir > 0 && v > ext, dir < 0 && v < ext:
			ext = v
		case math.Abs(v-ext) >= need:
			n++
			dir, ext = -dir, v
		}
	}
	return n
}

// Signature thresholds, set on the calibration corpora: an unsigned zone
// holds no ink once dust is discounted; the smallest signature (a quick
// scrawl) leaves ~20 mm² of script over 35 mm or more of the box, a name
// several pieces. A signature must be script: ink in straight lines and
// blobs does not count towards it, and what is neither nothing nor
// script goes to a person, never passed as signed.
const (
	sigAbsentMM2  = 2.0
	sigPresentMM2 = 8.0
	sigStrokeMM   = 3.0
	sigSpanXMM    = 8.0 // script spread along the box at least this far …
	sigSpanYMM    = 4.0 // … and, if in one piece, this far up and down …
	sigTurns      = 3   // … or turning up and down this often (a flat scrawl)
)

// Signature says whether a signature zone holds a signature, from the ink
// page (Form.Ink). A signature is writing: script spread along the box,
// in several pieces (a name) or one that goes well up and down or turns
// back and forth (a scrawl; a seal's ring). A straight pen line, a line along the box's edge (a fold,
// a staple's shadow), a fold's shadow across the page, a dot or a smudge
// is ink but not writing: the zone goes to a person, read as unsigned.
// Dust is discounted. Whether the signature is the right person's is not
// this package's question.
func Signature(ink *image.Gray, f templates.Field) SignatureResult {
	ft := measureSignature(ink, f)
	r := SignatureResult{InkMM2: ft.inkMM2}
	switch {
	case ft.inkMM2 < sigAbsentMM2 && ft.longestMM < sigStrokeMM:
		r.Confidence = 0.99 - 0.3*ft.inkMM2/sigAbsentMM2
	case ft.scriptMM2 >= sigPresentMM2 && ft.scriptSpanX >= sigSpanXMM && (ft.scriptComps >= 2 || ft.scriptSpanY >= sigSpanYMM || ft.scriptTurns >= sigTurns):
		r.Present = true
		r.Confidence = 0.9 + 0.09*clamp01((ft.scriptMM2-sigPresentMM2)/sigPresentMM2)
	case ft.scriptMM2 >= sigPresentMM2 && (ft.scriptComps >= 2 || ft.scriptTurns >= 2 || ft.scriptSpanY >= sigSpanYMM):
		// Script, but cramped or flat: a tiny signature, a word begun.
		// A person decides; it is more likely writing than not. (One
		// smooth piece that turns back at most once is a pen's slip: below.)
		r.Present, r.Review, r.Confidence = true, true, 0.5
	default:
		// Ink that is not writing (a line, a shadow, a dot, a smudge) or
		// a few strokes abandoned: never passed as signed.
		r.Review = true
		r.Confidence = 0.6
	}
	return r
}
