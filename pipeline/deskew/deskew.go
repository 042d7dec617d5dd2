// Package deskew measures and removes the small rotation a scanner gives a
// page that has no registration marks to register by: letters, copies of ID
// cards, other offices' forms, and shinsei's own forms when their marks are
// cut off.
//
// The method is Leptonica's projection-profile search. The page is
// binarised and reduced to a grid of ink counts; for each candidate angle
// the ink is sheared (y' = y - x·tan a) and the horizontal projection
// profile is scored by its differential square sum, the sum of squared
// differences of adjacent rows. Text lines and ruled lines give the profile
// sharp edges only when the shear has made them horizontal, so the score
// peaks at the skew. Unlike Leptonica's confidence test, which expects the
// x-height peaks of Latin text, the score and the confidence below rely
// only on the edges between lines and gaps, which Japanese lines of square
// glyphs have as clearly as Latin ones.
//
// # Sign convention
//
// An angle is the clockwise rotation of the page content as seen on screen
// (y pointing down), in degrees: a positive angle means text lines run
// downhill to the right. This is the convention of scanfx.Params.SkewDeg,
// so a synthetic scan made with SkewDeg a estimates as a, and
// Straighten(img, a) turns the content back counter-clockwise by a.
package deskew

import (
	"image"
	"math"
	"slices"
)

// Result is the skew of one page.
type Result struct {
	// Angle is the clockwise rotation of the content in degrees (see the
	// package comment), within ±Options.MaxAngle; 0 when Found is false.
	Angle float64
	// Confidence in [0, 1] is how clearly one angle wins:
	//
	//	(1 - median/best) · min(1, 1.5° / width)
	//
	// best and median are the highest and the median profile score of the
	// coarse sweep over ±MaxAngle, and width is the width of the score's
	// peak at half height (halfway from median to best). The first factor
	// says there is a peak (0.9: the winning angle scores ten times a
	// typical one), the second that it is narrow enough to point at one
	// angle: a few short lines give a plateau a few degrees wide whose
	// centre is only good to about 0.2°. Trust the angle from
	// TrustConfidence up.
	Confidence float64
	// Found is false when the page has too little ink to judge (blank, a
	// few specks; Confidence 0) or its profile is flat (a photograph,
	// noise, text whose glyphs line up in no row; Confidence is then the
	// first factor alone, below 0.2). A page skewed further than MaxAngle
	// is Found with Angle at the nearer limit and Confidence 0.
	Found bool
}

// Options tunes Estimate. The zero value is fine.
type Options struct {
	// MaxAngle is the largest skew looked for, in degrees either way;
	// 0 means 7, which covers sheet-fed scanners. Values above 15 are
	// treated as 15: by then the page wants a rotation detector, and the
	// grid's strips are too wide for the sheared lines to stay sharp.
	// Confidence assumes the sweep reaches well past the peak, so it
	// reads low when MaxAngle is under about 2°.
	MaxAngle float64
}

// TrustConfidence is the Confidence from which an angle can be applied
// without a human look. In the tests every page of text, Latin, forms and
// three short lines scores above 0.6 with scanner damage and is within
// 0.1°; a letter head of three lines of under 14 glyphs, whose errors reach
// 0.2°, scores under 0.45; noise, photographs and blank pages stay below
// 0.3 or are not Found.
const TrustConfidence = 0.5

const (
	defaultMaxAngle = 7.0
	maxMaxAngle     = 15.0

	// coarseStep is the sweep's step in degrees: under the width of the
	// score peak of a page-wide line on the coarse grid, so the sweep
	// cannot step over it.
	coarseStep = 0.5
	// walkStep is the step of the walk that measures the peak on the
	// coarse grid; the fine grid's walk takes a twelfth of the peak's
	// width, but no less than minWalkStep, where the score of a
	// grid two pixels per row stops changing.
	walkStep    = 0.1
	minWalkStep = 0.02
	// maxWalk bounds the coarse walk either side of the peak: a peak that
	// wide is no answer anyway, and a flat page would otherwise walk the
	// whole sweep. The fine walk goes no further than the coarse peak is
	// wide.
	maxWalk = 3.0
	// sharpWidth is the half-height width up to which a peak counts as
	// one clear angle; wider peaks scale Confidence down in proportion.
	sharpWidth = 1.5

	// minConfidence separates "flat profile" from "some structure": a
	// texture's best angle beats its median by chance by up to about
	// 1.2×, which is 0.17.
	minConfidence = 0.2
	// minInkFraction is the least ink, as a share of the page, worth
	// judging: three short lines of 12 pt text are about 0.2%, the dust
	// on a blank Standard scan under 0.01% and on a Hard one up to about
	// 0.05%, where the flat profile has to tell.
	minInkFraction = 0.0005
	// minSide is the smallest page side, in pixels, worth looking at.
	minSide = 64
)

// Estimate measures the skew of img. It reads img once at full resolution
// and then works on counts of ink in cells several times wider than tall,
// sized to the page (8×2 pixels for A4 at 300 dpi), so its cost beyond
// that first pass barely depends on the scan's resolution.
func Estimate(img *image.Gray, opts Options) Result {
	maxA := opts.MaxAngle
	if !(maxA > 0) {
		maxA = defaultMaxAngle
	}
	maxA = min(maxA, maxMaxAngle)
	b := img.Bounds()
	if b.Dx() < minSide || b.Dy() < minSide {
		return Result{}
	}
	cut, ok := inkCut(histogram(img))
	if !ok {
		return Result{}
	}
	fine := reduce(img, cut)
	if fine.ink < minInkFraction*float64(b.Dx()*b.Dy()) {
		return Result{}
	}
	coarse := fine.halve()

	// One step beyond ±maxA is scored as well: a peak there means the
	// page is skewed further than asked for.
	n := int(math.Ceil(maxA/coarseStep - 1e-9))
	reach := float64(n+1) * coarseStep
	fine.prepare(reach)
	coarse.prepare(reach)
	angles := make([]float64, 0, 2*n+3)
	scores := make([]float64, 0, 2*n+3)
	for i := -n - 1; i <= n+1; i++ {
		a := max(-maxA, min(maxA, float64(i)*coarseStep))
		if i < -n || i > n {
			a = float64(i) * coarseStep
		}
		angles = append(angles, a)
		scores = append(scores, coarse.score(a))
	}
	// The median is of the sweep proper, without the two probes beyond.
	med := median(scores[1 : len(scores)-1])
	ib := argmax(scores)
	if height := confidence(med, scores[ib]); height < minConfidence {
		return Result{Confidence: height}
	}
	if ib == 0 || ib == len(scores)-1 {
		return Result{Angle: math.Copysign(maxA, angles[ib]), Found: true}
	}

	// The coarse grid, whose median is known, measures the peak at half
	// height; the fine grid, sharper but noisier, places it, at the same
	// fraction of its own peak. The centroid of the score above that
	// level rather than the maximum: on a short line's wide peak the
	// maximum is only the highest of several ripples.
	level := (scores[ib] + med) / 2
	pk := coarse.walk(angles[ib], scores[ib], level, walkStep, maxWalk, maxA)
	sf := fine.score(pk.centre)
	step := max(minWalkStep, min(walkStep, pk.width()/12))
	span := max(pk.width(), 4*step)
	a := fine.walk(pk.centre, sf, sf*level/pk.best, step, span, maxA).centre

	conf := confidence(med, pk.best) * min(1, sharpWidth/pk.width())
	return Result{Angle: a, Confidence: conf, Found: true}
}

// confidence is how far the best score stands above the typical one.
func confidence(median, best float64) float64 {
	if !(best > 0) {
		return 0
	}
	return max(0, 1-median/best)
}

func argmax(v []float64) int {
	ib := 0
	for i, x := range v {
		if x > v[ib] {
			ib = i
		}
	}
	return ib
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
