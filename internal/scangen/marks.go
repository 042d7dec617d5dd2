package scangen

import (
	"image"
	"math"
	"math/rand/v2"

	"shinsei/templates"
)

// pt is a point in millimetres on the page.
type pt struct{ x, y float64 }

// stroke draws a pen line through pts (mm), widthMM wide, anti-aliased,
// darkening what is already there (ink on ink stays ink).
func stroke(img *image.Gray, pts []pt, widthMM float64, ink uint8) {
	if len(pts) == 0 {
		return
	}
	if len(pts) == 1 {
		pts = append(pts, pts[0])
	}
	half := px(widthMM) / 2
	for i := 0; i+1 < len(pts); i++ {
		ax, ay := px(pts[i].x), px(pts[i].y)
		bx, by := px(pts[i+1].x), px(pts[i+1].y)
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

// curve samples a Catmull-Rom spline through pts, so a hand's path is smooth.
func curve(pts []pt, steps int) []pt {
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
			out = append(out, pt{f(p0.x, p1.x, p2.x, p3.x), f(p0.y, p1.y, p2.y, p3.y)})
		}
	}
	return append(out, pts[len(pts)-1])
}

// Check mark styles people use.
const (
	markTick      = "tick"      // レ or ✓
	markCross     = "cross"     // ×
	markCircle    = "circle"    // ○
	markFill      = "fill"      // box blacked in
	markScribbled = "scribbled" // marked, then scribbled over: a person must look
)

// checkMark draws a mark of style in box b. stray lets the mark run over the
// border, as quick marks do.
func checkMark(img *image.Gray, b templates.Box, style string, stray bool, p pen, rng *rand.Rand) {
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
		return pt{b.X + b.W/2 + offX + (u-0.5)*b.W*over + j(0.3), b.Y + b.H/2 + offY + (v-0.5)*b.H*over + j(0.3)}
	}
	switch style {
	case markTick:
		stroke(img, curve([]pt{at(0.15, 0.5), at(0.42, 0.85), at(0.7, 0.4), at(0.95, 0.02)}, 6), w, p.ink)
	case markCross:
		stroke(img, []pt{at(0.12, 0.12), at(0.88, 0.88)}, w, p.ink)
		stroke(img, []pt{at(0.88, 0.1), at(0.12, 0.9)}, w, p.ink)
	case markCircle:
		var pts []pt
		// A ring through the box, not around it: circling the label
		// instead is a different habit the reader does not score as a mark.
		r := (0.26 + rng.Float64()*0.1) / over
		start := rng.Float64() * 2 * math.Pi
		for i := 0; i <= 28; i++ {
			a := start + float64(i)/26*2*math.Pi
			pts = append(pts, at(0.5+r*math.Cos(a), 0.5+r*math.Sin(a)))
		}
		stroke(img, pts, w, p.ink)
	case markFill:
		for y := 0.1; y < 0.92; y += 0.09 {
			stroke(img, []pt{at(0.08, y), at(0.92, y+0.05)}, w*1.6, p.ink)
		}
	case markScribbled:
		checkMark(img, b, markTick, stray, p, rng)
		var pts []pt
		for i := range 9 {
			pts = append(pts, at(0.05+0.9*float64(i%2), 0.08+float64(i)*0.1))
		}
		stroke(img, pts, w, p.ink)
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
				b.X + b.W*(0.08+0.7*float64(i)/float64(n-1)) + (rng.Float64()*2-1)*3,
				b.Y + b.H*(0.25+0.5*rng.Float64()),
			})
		}
		stroke(img, curve(pts, 10), 0.4+rng.Float64()*0.2, p.ink)
		if rng.IntN(2) == 0 { // a closing underline
			y := b.Y + b.H*(0.7+0.15*rng.Float64())
			stroke(img, []pt{{b.X + b.W*0.1, y}, {b.X + b.W*(0.6+0.3*rng.Float64()), y - 1}}, 0.4, p.ink)
		}
		return nil
	case sigSeal:
		if err := p.write(img, templates.Box{X: b.X, Y: b.Y, W: b.W * 0.72, H: b.H}, name, rng); err != nil {
			return err
		}
		// A vermilion seal scans as mid-grey.
		r := math.Min(b.H*0.32, 6)
		c := pt{b.X + b.W - r - 2, b.Y + b.H/2}
		var ring []pt
		for i := 0; i <= 40; i++ {
			a := float64(i) / 40 * 2 * math.Pi
			ring = append(ring, pt{c.x + r*math.Cos(a), c.y + r*math.Sin(a)})
		}
		seal := pen{font: p.font, ink: uint8(95 + rng.IntN(40)), wobble: 0.2}
		stroke(img, ring, 0.5, seal.ink)
		surname := []rune(name)
		return seal.centred(img, templates.Box{X: c.x - r*0.8, Y: c.y - r*0.8, W: r * 1.6, H: r * 1.6}, string(surname[0]), rng)
	default:
		bigger := p
		bigger.slant += 0.1
		return bigger.write(img, b, name, rng)
	}
}
