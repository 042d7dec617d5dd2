package scangen

import (
	"image"
	"math"
	"math/rand/v2"

	"shinsei/templates"
)

// Stray marks: ink in a box that nobody wrote as an answer. A reader must
// not take any of them for a signature or a tick (issue 13, point 5).
const (
	StrayLine   = "line"   // one straight pen line, 20–30 mm, through the box
	StrayCurve  = "curve"  // one gently curved pen line, 20–30 mm, bowing 1.5–2.5 mm
	StrayEdge   = "edge"   // a thin straight line just inside the box's top edge, longer than the box (a fold, a staple's shadow)
	StrayFold   = "fold"   // the grey shadow of a fold across the whole page, through the box
	StrayDot    = "dot"    // a pen dot, 1.5–2.5 mm
	StraySmudge = "smudge" // a grey smear of a finger, a few mm across
)

// StrayKinds lists every stray mark.
var StrayKinds = []string{StrayLine, StrayCurve, StrayEdge, StrayFold, StrayDot, StraySmudge}

// StrayMark draws a stray mark of kind in or across box b, with pen ink
// of grey ink for the pen's marks (folds and smudges have their own grey).
func StrayMark(img *image.Gray, b templates.Box, kind string, ink uint8, rng *rand.Rand) {
	j := func(s float64) float64 { return (rng.Float64()*2 - 1) * s }
	cx, cy := b.X+b.W/2, b.Y+b.H/2
	switch kind {
	case StrayLine:
		// Slanting a little, centred on the box: a pen slipped across it.
		l := 20 + rng.Float64()*10
		a := j(0.25)
		dx, dy := l/2*math.Cos(a), l/2*math.Sin(a)
		Stroke(img, []pt{{X: cx - dx + j(1), Y: cy - dy + j(b.H*0.2)}, {X: cx + dx + j(1), Y: cy + dy + j(b.H*0.2)}}, 0.35+rng.Float64()*0.2, ink)
	case StrayCurve:
		l := 20 + rng.Float64()*10
		bow := (1.5 + rng.Float64()) * float64(1-2*rng.IntN(2))
		var pts []pt
		for i := 0; i <= 20; i++ {
			u := float64(i)/20 - 0.5
			pts = append(pts, pt{X: cx + u*l, Y: cy + bow*(1-4*u*u) - bow/2})
		}
		Stroke(img, pts, 0.35+rng.Float64()*0.2, ink)
	case StrayEdge:
		y := b.Y + 0.9 + rng.Float64()*0.6
		over := 3 + rng.Float64()*5
		Stroke(img, []pt{{X: b.X - over, Y: y + j(0.15)}, {X: b.X + b.W + over, Y: y + j(0.15)}}, 0.3+rng.Float64()*0.25, uint8(40+rng.IntN(90)))
	case StrayFold:
		y := b.Y + b.H*(0.3+rng.Float64()*0.4)
		Stroke(img, []pt{{X: 0, Y: y}, {X: templates.PageWidthMM, Y: y + j(0.8)}}, 1.0+rng.Float64(), uint8(110+rng.IntN(50)))
	case StrayDot:
		Stroke(img, []pt{{X: cx + j(b.W*0.3), Y: cy + j(b.H*0.2)}}, 1.5+rng.Float64(), ink)
	case StraySmudge:
		// A soft grey blob: concentric strokes, darker towards the middle.
		c := pt{X: cx + j(b.W*0.2), Y: cy + j(b.H*0.15)}
		rx, ry := min(b.W*0.4, 3+rng.Float64()*3), min(b.H*0.35, 1.5+rng.Float64()*1.5)
		grey := 110 + rng.IntN(40)
		for k := 4; k >= 1; k-- {
			s := float64(k) / 4
			var ring []pt
			for i := 0; i <= 24; i++ {
				a := float64(i) / 24 * 2 * math.Pi
				ring = append(ring, pt{X: c.X + rx*s*math.Cos(a), Y: c.Y + ry*s*math.Sin(a)})
			}
			Stroke(img, ring, 0.6+ry*s*0.8, uint8(grey+10*k))
		}
	}
}
