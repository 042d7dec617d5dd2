package marks

import (
	"image"
	"math"
	"math/rand/v2"

	"shinsei/templates"
)

// Synthetic marks for tests, drawn the way internal/scangen draws them (the
// same pen model, so the features measured here are those of the corpora)
// but placed by the test, so a table can ask for exactly the mark it
// wants.

type mmPt struct{ x, y float64 }

const testDPI = templates.CanvasDPI

func mmToPx(v float64) float64 { return templates.MMToPx(v, testDPI) }

// drawStroke draws an anti-aliased pen line through pts (mm), darkening
// what is there.
func drawStroke(img *image.Gray, pts []mmPt, widthMM float64, ink uint8) {
	if len(pts) == 0 {
		return
	}
	if len(pts) == 1 {
		pts = append(pts, pts[0])
	}
	half := mmToPx(widthMM) / 2
	for i := 0; i+1 < len(pts); i++ {
		ax, ay := mmToPx(pts[i].x), mmToPx(pts[i].y)
		bx, by := mmToPx(pts[i+1].x), mmToPx(pts[i+1].y)
		r := image.Rect(int(math.Floor(min(ax, bx)-half-1)), int(math.Floor(min(ay, by)-half-1)),
			int(math.Ceil(max(ax, bx)+half+1)), int(math.Ceil(max(ay, by)+half+1))).Intersect(img.Rect)
		dx, dy := bx-ax, by-ay
		l2 := dx*dx + dy*dy
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				cx, cy := float64(x)+0.5, float64(y)+0.5
				t := 0.0
				if l2 > 0 {
					t = math.Max(0, math.Min(1, ((cx-ax)*dx+(cy-ay)*dy)/l2))
				}
				ddx, ddy := cx-(ax+t*dx), cy-(ay+t*dy)
				cover := math.Min(1, half+0.5-math.Sqrt(ddx*ddx+ddy*ddy))
				if cover <= 0 {
					continue
				}
				o := img.PixOffset(x, y)
				if v := uint8(float64(img.Pix[o])*(1-cover) + float64(ink)*cover); v < img.Pix[o] {
					img.Pix[o] = v
				}
			}
		}
	}
}

// smooth samples a Catmull-Rom spline through pts.
func smooth(pts []mmPt, steps int) []mmPt {
	if len(pts) < 3 {
		return pts
	}
	var out []mmPt
	at := func(i int) mmPt { return pts[max(0, min(len(pts)-1, i))] }
	for i := 0; i+1 < len(pts); i++ {
		p0, p1, p2, p3 := at(i-1), at(i), at(i+1), at(i+2)
		for s := range steps {
			t := float64(s) / float64(steps)
			t2, t3 := t*t, t*t*t
			f := func(a, b, c, d float64) float64 {
				return 0.5 * (2*b + (-a+c)*t + (2*a-5*b+4*c-d)*t2 + (-a+3*b-3*c+d)*t3)
			}
			out = append(out, mmPt{f(p0.x, p1.x, p2.x, p3.x), f(p0.y, p1.y, p2.y, p3.y)})
		}
	}
	return append(out, pts[len(pts)-1])
}

// Mark styles, as the generator names them, plus two of the tests' own.
const (
	styleTick      = "tick"
	styleCross     = "cross"
	styleCircle    = "circle"
	styleFill      = "fill"
	styleScribbled = "scribbled"
	styleDotBeside = "dot-beside" // a pen dot just right of the box
	styleDust      = "dust"       // specks inside an empty box
)

// drawMark draws a check mark of style in box b with a pen of the given
// ink; stray makes it a hurried mark, bigger than the box and off centre.
func drawMark(img *image.Gray, b templates.Box, style string, stray bool, ink uint8, rng *rand.Rand) {
	j := func(s float64) float64 { return (rng.Float64()*2 - 1) * s }
	w := 0.35 + rng.Float64()*0.25
	over, offX, offY := 1.0, 0.0, 0.0
	if stray {
		over = 1.2 + rng.Float64()*0.25
		offX, offY = j(0.2)*b.W, j(0.2)*b.H
	}
	at := func(u, v float64) mmPt {
		return mmPt{b.X + b.W/2 + offX + (u-0.5)*b.W*over + j(0.3), b.Y + b.H/2 + offY + (v-0.5)*b.H*over + j(0.3)}
	}
	switch style {
	case styleTick:
		drawStroke(img, smooth([]mmPt{at(0.15, 0.5), at(0.42, 0.85), at(0.7, 0.4), at(0.95, 0.02)}, 6), w, ink)
	case styleCross:
		drawStroke(img, []mmPt{at(0.12, 0.12), at(0.88, 0.88)}, w, ink)
		drawStroke(img, []mmPt{at(0.88, 0.1), at(0.12, 0.9)}, w, ink)
	case styleCircle:
		var pts []mmPt
		r := (0.26 + rng.Float64()*0.1) / over
		start := rng.Float64() * 2 * math.Pi
		for i := 0; i <= 28; i++ {
			a := start + float64(i)/26*2*math.Pi
			pts = append(pts, at(0.5+r*math.Cos(a), 0.5+r*math.Sin(a)))
		}
		drawStroke(img, pts, w, ink)
	case styleFill:
		for y := 0.1; y < 0.92; y += 0.09 {
			drawStroke(img, []mmPt{at(0.08, y), at(0.92, y+0.05)}, w*1.6, ink)
		}
	case styleScribbled:
		drawMark(img, b, styleTick, stray, ink, rng)
		var pts []mmPt
		for i := range 9 {
			pts = append(pts, at(0.05+0.9*float64(i%2), 0.08+float64(i)*0.1))
		}
		drawStroke(img, pts, w, ink)
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
