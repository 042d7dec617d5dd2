package marks

import (
	"image"
	"math/rand/v2"

	"shinsei/internal/scangen"
	"shinsei/templates"
)

// Synthetic marks for tests, drawn with internal/scangen's own pen and
// check marks (so the features measured here are those of the corpora) but
// placed by the test, so a table can ask for exactly the mark it wants.

// mmPt is a point in mm; the tests' literals stay short with unexported
// fields, converted at the call into scangen.
type mmPt struct{ x, y float64 }

func toMM(pts []mmPt) []templates.PointMM {
	out := make([]templates.PointMM, len(pts))
	for i, p := range pts {
		out[i] = templates.PointMM{X: p.x, Y: p.y}
	}
	return out
}

const testDPI = templates.CanvasDPI

func mmToPx(v float64) float64 { return templates.MMToPx(v, testDPI) }

func drawStroke(img *image.Gray, pts []mmPt, widthMM float64, ink uint8) {
	scangen.Stroke(img, toMM(pts), widthMM, ink)
}

func smooth(pts []mmPt, steps int) []mmPt {
	var out []mmPt
	for _, p := range scangen.Curve(toMM(pts), steps) {
		out = append(out, mmPt{p.X, p.Y})
	}
	return out
}

// Mark styles, as the generator names them, plus two of the tests' own.
const (
	styleTick      = scangen.MarkTick
	styleCross     = scangen.MarkCross
	styleCircle    = scangen.MarkCircle
	styleFill      = scangen.MarkFill
	styleScribbled = scangen.MarkScribbled
	styleDotBeside = "dot-beside" // a pen dot just right of the box
	styleDust      = "dust"       // specks inside an empty box
)

// drawMark draws a check mark of style in box b with a pen of the given
// ink; stray makes it a hurried mark, bigger than the box and off centre.
func drawMark(img *image.Gray, b templates.Box, style string, stray bool, ink uint8, rng *rand.Rand) {
	switch style {
	case styleDotBeside:
		drawStroke(img, []mmPt{{b.X + b.W + 1.2, b.Y + b.H*rng.Float64()}}, 0.5, ink)
	case styleDust:
		// The largest specks a scanner leaves (~0.85 mm), and a few small.
		for range 1 + rng.IntN(2) {
			c := mmPt{b.X + 1 + rng.Float64()*(b.W-2), b.Y + 1 + rng.Float64()*(b.H-2)}
			drawStroke(img, []mmPt{c}, 0.5+rng.Float64()*0.35, uint8(rng.IntN(70)))
		}
		for range 3 {
			c := mmPt{b.X + 1 + rng.Float64()*(b.W-2), b.Y + 1 + rng.Float64()*(b.H-2)}
			drawStroke(img, []mmPt{c}, 0.1+rng.Float64()*0.2, uint8(rng.IntN(70)))
		}
	default:
		scangen.CheckMark(img, b, style, stray, ink, rng)
	}
}

// checked is what a style means for a checkbox reader.
func checkedState(style string) State {
	switch style {
	case styleTick, styleCross, styleCircle, styleFill:
		return Checked
	case styleScribbled:
		return Ambiguous
	}
	return Unchecked
}
