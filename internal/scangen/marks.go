package scangen

import (
	"image"
	"math"
	"math/rand/v2"

	"shinsei/templates"
)

// pt is a point in millimetres on the page.
type pt = templates.PointMM

// Stroke draws a pen line through pts (mm), widthMM wide, anti-aliased,
// darkening what is already there (ink on ink stays ink).
func Stroke(img *image.Gray, pts []pt, widthMM float64, ink uint8) {
	if len(pts) == 0 {
		return
	}
	if len(pts) == 1 {
		pts = append(pts, pts[0])
	}
	half := px(widthMM) / 2
	for i := 0; i+1 < len(pts); i++ {
		ax, ay := px(pts[i].X), px(pts[i].Y)
		bx, by := px(pts[i+1].X), px(pts[i+1].Y)
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
				cover := half + 0.5 - math.Sqrt(ddx*ddx+ddy*ddy)
				if cover <= 0 {
					continue
				}
				cover = math.Min(1, cover)
				i := img.PixOffset(x, y)
				v := float64(img.Pix[i])*(1-cover) + float64(ink)*cover
				if uint8(v) < img.Pix[i] {
					img.Pix[i] = uint8(v)
				}
			}
		}
	}
}

// Curve samples a Catmull-Rom spline through pts, so a hand's path is smooth.
func Curve(pts []pt, steps int) []pt {
	if len(pts) < 3 {
		return pts
	}
	var out []pt
	at := func(i int) pt { return pts[max(0, min(len(pts)-1, i))] }
	for i := 0; i+1 < len(pts); i++ {
		p0, p1, p2, p3 := at(i-1), at(i), at(i+1), at(i+2)
		for s := range steps {
			t := float64(s) / float64(steps)
			t2, t3 := t*t, t*t*t
			f := func(a, b, c, d float64) float64 {
				return 0.5 * (2*b + (-a+c)*t + (2*a-5*b+4*c-d)*t2 + (-a+3*b-3*c+d)*t3)
			}
			out = append(out, pt{X: f(p0.X, p1.X, p2.X, p3.X), Y: f(p0.Y, p1.Y, p2.Y, p3.Y)})
		}
	}
	return append(out, pts[len(pts)-1])
}

// Check mark styles people use.
const (
	MarkTick      = "tick"      // レ or ✓
	MarkCross     = "cross"     // ×
	MarkCircle    = "circle"    // ○
	MarkFill      = "fill"      // box blacked in
	MarkScribbled = "scribbled" // marked, then scribbled over: a person must look
)

// CheckMark draws a mark of style (MarkTick, …) in box b with ink of the
// given grey. stray lets the mark run over the border, as quick marks do.
// Exported so the mark reader's tests draw exactly the generator's marks.
func CheckMark(img *image.Gray, b templates.Box, style string, stray bool, ink uint8, rng *rand.Rand) {
	j := func(s float64) float64 { return (rng.Float64()*2 - 1) * s }
	w := 0.35 + rng.Float64()*0.25
	over, offX, offY := 1.0, 0.0, 0.0
	if stray {
		// A hurried mark: bigger than the box and off centre, so it runs
		// over the border, but its body still lies in the box.
		over = 1.2 + rng.Float64()*0.25
		offX, offY = j(0.2)*b.W, j(0.2)*b.H
	}
	at := func(u, v float64) pt { // box-relative, centred, scaled by over
		return pt{X: b.X + b.W/2 + offX + (u-0.5)*b.W*over + j(0.3), Y: b.Y + b.H/2 + offY + (v-0.5)*b.H*over + j(0.3)}
	}
	switch style {
	case MarkTick:
		Stroke(img, Curve([]pt{at(0.15, 0.5), at(0.42, 0.85), at(0.7, 0.4), at(0.95, 0.02)}, 6), w, ink)
	case MarkCross:
		Stroke(img, []pt{at(0.12, 0.12), at(0.88, 0.88)}, w, ink)
		Stroke(img, []pt{at(0.88, 0.1), at(0.12, 0.9)}, w, ink)
	case MarkCircle:
		var pts []pt
		// A ring through the box, not around it: circling the label
		// instead is a different habit the reader does not score as a mark.
		r := (0.26 + rng.Float64()*0.1) / over
		start := rng.Float64() * 2 * math.Pi
		for i := 0; i <= 28; i++ {
			a := start + float64(i)/26*2*math.Pi
			pts = append(pts, at(0.5+r*math.Cos(a), 0.5+r*math.Sin(a)))
		}
		Stroke(img, pts, w, ink)
	case MarkFill:
		for y := 0.1; y < 0.92; y += 0.09 {
			Stroke(img, []pt{at(0.08, y), at(0.92, y+0.05)}, w*1.6, ink)
		}
	case MarkScribbled:
		CheckMark(img, b, MarkTick, stray, ink, rng)
		var pts []pt
		for i := range 9 {
			pts = append(pts, at(0.05+0.9*float64(i%2), 0.08+float64(i)*0.1))
		}
		Stroke(img, pts, w, ink)
	}
}

// Signature styles.
const (
	sigName   = "name"     // the name, written larger and faster
	sigScrawl = "scribble" // an illegible flourish
	sigSeal   = "seal"     // 記名押印: name plus a round seal
)

func signature(img *image.Gray, b templates.Box, name, style string, p pen, rng *rand.Rand) error {
	switch style {
	case sigScrawl:
		n := 5 + rng.IntN(6)
		var pts []pt
		for i := range n {
			pts = append(pts, pt{
				X: b.X + b.W*(0.08+0.7*float64(i)/float64(n-1)) + (rng.Float64()*2-1)*3,
				Y: b.Y + b.H*(0.25+0.5*rng.Float64()),
			})
		}
		Stroke(img, Curve(pts, 10), 0.4+rng.Float64()*0.2, p.ink)
		if rng.IntN(2) == 0 { // a closing underline
			y := b.Y + b.H*(0.7+0.15*rng.Float64())
			Stroke(img, []pt{{X: b.X + b.W*0.1, Y: y}, {X: b.X + b.W*(0.6+0.3*rng.Float64()), Y: y - 1}}, 0.4, p.ink)
		}
		return nil
	case sigSeal:
		if err := p.write(img, templates.Box{X: b.X, Y: b.Y, W: b.W * 0.72, H: b.H}, name, rng); err != nil {
			return err
		}
		// A vermilion seal scans as mid-grey.
		r := math.Min(b.H*0.32, 6)
		c := pt{X: b.X + b.W - r - 2, Y: b.Y + b.H/2}
		var ring []pt
		for i := 0; i <= 40; i++ {
			a := float64(i) / 40 * 2 * math.Pi
			ring = append(ring, pt{X: c.X + r*math.Cos(a), Y: c.Y + r*math.Sin(a)})
		}
		seal := pen{font: p.font, ink: uint8(95 + rng.IntN(40)), wobble: 0.2}
		Stroke(img, ring, 0.5, seal.ink)
		surname := []rune(name)
		return seal.centred(img, templates.Box{X: c.X - r*0.8, Y: c.Y - r*0.8, W: r * 1.6, H: r * 1.6}, string(surname[0]), rng)
	default:
		bigger := p
		bigger.slant += 0.1
		return bigger.write(img, b, name, rng)
	}
}
