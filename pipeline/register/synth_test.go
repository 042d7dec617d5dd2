package register

// Synthetic scans: a form drawn at 300 dpi from millimetre geometry, then put
// through what a scanner does to it. There is no renderer yet, and even once
// there is, tests need exact ground truth for every distortion, which only a
// generator like this gives.

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"shinsei/templates"
)

const (
	baseDPI   = 300.0
	basePPM   = baseDPI / 25.4
	paperGray = 242.0
	inkGray   = 22.0
)

type pageSpec struct {
	payload   string // QR text; empty for no QR code
	noHole    bool   // all four marks solid: orientation cannot be told
	noMarks   bool   // a page that is not a shinsei form
	cutMM     float64
	seed      uint64
	noClutter bool
}

// canvas is the 300 dpi page being drawn, 0 = black, 255 = white.
type canvas struct {
	w, h int
	pix  []float32
}

func newCanvas(wmm, hmm float64) *canvas {
	w, h := int(math.Round(wmm*basePPM)), int(math.Round(hmm*basePPM))
	c := &canvas{w: w, h: h, pix: make([]float32, w*h)}
	for i := range c.pix {
		c.pix[i] = paperGray
	}
	return c
}

// rect paints an axis-aligned rectangle in mm with exact area coverage at
// its edges, so mark centres are known to sub-pixel precision.
//
//go:norace
func (c *canvas) rect(x0, y0, x1, y1, gray float64) {
	px0, px1 := x0*basePPM, x1*basePPM
	py0, py1 := y0*basePPM, y1*basePPM
	ix0, ix1 := max(0, int(math.Floor(px0))), min(c.w, int(math.Ceil(px1)))
	iy0, iy1 := max(0, int(math.Floor(py0))), min(c.h, int(math.Ceil(py1)))
	for y := iy0; y < iy1; y++ {
		cy := math.Min(float64(y+1), py1) - math.Max(float64(y), py0)
		for x := ix0; x < ix1; x++ {
			cx := math.Min(float64(x+1), px1) - math.Max(float64(x), px0)
			a := float32(cx * cy)
			p := &c.pix[y*c.w+x]
			*p = *p*(1-a) + float32(gray)*a
		}
	}
}

func (c *canvas) ink(x0, y0, x1, y1 float64) { c.rect(x0, y0, x1, y1, inkGray) }

func (c *canvas) outline(x0, y0, x1, y1, t float64) {
	c.ink(x0, y0, x1, y0+t)
	c.ink(x0, y1-t, x1, y1)
	c.ink(x0, y0, x0+t, y1)
	c.ink(x1-t, y0, x1, y1)
}

// drawPage draws a form: marks, QR, form lines, boxes, a heading bar,
// text-like clutter, handwriting-like scribbles, outlined check boxes and
// one check box filled solid near a corner.
func drawPage(t testing.TB, s pageSpec) *canvas {
	t.Helper()
	c := newCanvas(templates.PageWidthMM, templates.PageHeightMM)
	rng := rand.New(rand.NewPCG(s.seed, 7))
	if !s.noMarks {
		half := templates.FiducialSizeMM / 2
		for i, p := range templates.FiducialCentres() {
			c.ink(p.X-half, p.Y-half, p.X+half, p.Y+half)
			if i == int(templates.TopLeft) && !s.noHole {
				hh := templates.FiducialHoleMM / 2
				c.rect(p.X-hh, p.Y-hh, p.X+hh, p.Y+hh, paperGray)
			}
		}
	}
	if s.payload != "" {
		drawQR(t, c, s.payload)
	}
	if !s.noClutter {
		drawClutter(c, rng)
	}
	if s.cutMM > 0 {
		// Paper cut off: the scanner sees its lid there, added later.
		y0 := int((templates.PageHeightMM - s.cutMM) * basePPM)
		c.pix = c.pix[:y0*c.w]
		c.h = y0
	}
	return c
}

func drawQR(t testing.TB, c *canvas, payload string) {
	t.Helper()
	hints := map[gozxing.EncodeHintType]interface{}{
		gozxing.EncodeHintType_ERROR_CORRECTION: "H",
		gozxing.EncodeHintType_MARGIN:           4,
	}
	bm, err := qrcode.NewQRCodeWriter().Encode(payload, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		t.Fatalf("encode QR: %v", err)
	}
	n := bm.GetWidth()
	m := templates.QRSizeMM / float64(n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; {
			if !bm.Get(x, y) {
				x++
				continue
			}
			x0 := x
			for x < n && bm.Get(x, y) {
				x++
			}
			c.ink(templates.QRXMM+float64(x0)*m, templates.QRYMM+float64(y)*m,
				templates.QRXMM+float64(x)*m, templates.QRYMM+float64(y+1)*m)
		}
	}
}

func drawClutter(c *canvas, rng *rand.Rand) {
	// Heading bar and title "text".
	c.ink(28, 20, 110, 27)
	textLine(c, rng, 28, 31, 30)
	// Form grid.
	for y := 50.0; y <= 245; y += 13 {
		c.ink(20, y, 190, y+0.3)
		textLine(c, rng, 23, y+4, 10)
		scribble(c, rng, 75, y+3, 100, y+10)
	}
	for _, x := range []float64{20, 70, 190} {
		c.ink(x, 50, x+0.3, 245.3)
	}
	// Outlined check boxes, one row across the page and some near corners.
	for i := 0; i < 12; i++ {
		x := 25 + float64(i)*13
		c.outline(x, 252, x+5, 257, 0.3)
		textLine(c, rng, x+6.5, 252.5, 1)
	}
	for _, p := range [][2]float64{{20, 19}, {178, 48}, {20, 268}, {178, 270}} {
		c.outline(p[0], p[1], p[0]+5, p[1]+5, 0.3)
	}
	// A check box a person filled in solid, near the bottom-left mark.
	c.ink(22, 276, 27, 281)
	// A dense stamp-like square block of characters, the kind of ink that
	// looks most like a mark at low resolution.
	for i := 0; i < 4; i++ {
		textLine(c, rng, 140, 262+float64(i)*4, 4)
	}
	// Footer text.
	textLine(c, rng, 40, 285, 25)
}

// textLine draws n character-like glyphs of random strokes in 3.5 mm cells.
func textLine(c *canvas, rng *rand.Rand, x, y float64, n int) {
	for i := 0; i < n; i++ {
		cx := x + float64(i)*4
		strokes := 3 + rng.IntN(6)
		for k := 0; k < strokes; k++ {
			l := 1 + rng.Float64()*2.5
			if rng.IntN(2) == 0 {
				sx, sy := cx+rng.Float64()*(3.5-l), y+rng.Float64()*3.2
				c.ink(sx, sy, sx+l, sy+0.35)
			} else {
				sx, sy := cx+rng.Float64()*3.2, y+rng.Float64()*(3.5-l)
				c.ink(sx, sy, sx+0.35, sy+l)
			}
		}
	}
}

// scribble is handwriting-ish: a pen random-walking inside a box.
func scribble(c *canvas, rng *rand.Rand, x0, y0, x1, y1 float64) {
	x, y := x0+2, (y0+y1)/2
	dx, dy := 0.3, 0.0
	for i := 0; i < 400 && x < x1; i++ {
		c.ink(x, y, x+0.5, y+0.5)
		dy += (rng.Float64() - 0.5) * 0.25
		dy = math.Max(-0.4, math.Min(0.4, dy))
		if y+dy < y0 || y+dy > y1-0.5 {
			dy = -dy
		}
		x += dx * rng.Float64()
		y += dy
	}
}

type scanSpec struct {
	dpi      float64
	quarter  int     // page turned clockwise by quarter×90°
	skew     float64 // further clockwise degrees
	shiftMM  [2]float64
	blur     float64 // gaussian sigma, output px
	noise    float64 // gaussian sigma, grey levels
	jpeg     int     // re-encode at this quality; 0 = no
	bilevel  bool
	uneven   bool
	darkLid  bool
	noiseAll bool // replace everything with uniform noise
	mirror   bool // flipped left to right, as some scanner software can
}

// scan is a synthetic scan with the exact transform that made it.
type scan struct {
	img *image.Gray
	// m maps template mm to output pixel positions (pixel centres on
	// integers), the truth Find should recover.
	m Affine
}

// scanPage warps the 300 dpi page onto the scanner's grid (rotation, skew,
// scale, shift), then degrades it.
func scanPage(t testing.TB, c *canvas, s scanSpec) scan {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(s.dpi)*31+uint64(s.quarter), uint64(s.skew*100)+11))
	k := s.dpi / 25.4
	phi := (float64(s.quarter)*90 + s.skew) * math.Pi / 180
	cs, sn := math.Cos(phi), math.Sin(phi)
	wmm, hmm := float64(c.w)/basePPM, float64(c.h)/basePPM
	// Bounding box of the turned page, in output px, origin at page (0,0).
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range [][2]float64{{0, 0}, {wmm, 0}, {0, hmm}, {wmm, hmm}} {
		x := k * (cs*p[0] - sn*p[1])
		y := k * (sn*p[0] + cs*p[1])
		minX, maxX = math.Min(minX, x), math.Max(maxX, x)
		minY, maxY = math.Min(minY, y), math.Max(maxY, y)
	}
	margin := 4 * k
	w := int(math.Ceil(maxX - minX + 2*margin))
	h := int(math.Ceil(maxY - minY + 2*margin))
	tx := margin - minX + s.shiftMM[0]*k
	ty := margin - minY + s.shiftMM[1]*k
	// Continuous coordinates: output pixel u covers [u, u+1).
	m := Affine{k * cs, -k * sn, tx - 0.5, k * sn, k * cs, ty - 0.5}
	inv, _ := Affine{k * cs, -k * sn, tx, k * sn, k * cs, ty}.Invert()

	lid := float32(252)
	if s.darkLid {
		lid = 30
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	ss := 1
	if k < basePPM*0.9 {
		ss = 2 // supersample when shrinking, as a scanner's optics would
	}
	out := c.warp(w, h, inv, ss, lid)
	degrade(out, img, rng, s)
	if s.mirror {
		for y := 0; y < h; y++ {
			slices.Reverse(img.Pix[y*img.Stride : y*img.Stride+w])
		}
		m = Affine{-m[0], -m[1], float64(w-1) - m[2], m[3], m[4], m[5]}
	}
	if s.jpeg > 0 {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: s.jpeg}); err != nil {
			t.Fatal(err)
		}
		dec, err := jpeg.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		g, ok := dec.(*image.Gray)
		if !ok {
			t.Fatalf("JPEG decoded to %T", dec)
		}
		img = g
	}
	return scan{img: img, m: m}
}

// degrade applies uneven toning, blur, noise and bilevel thresholding, and
// writes the result into img (//go:norace: see warp).
//
//go:norace
func degrade(out []float32, img *image.Gray, rng *rand.Rand, s scanSpec) {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if s.uneven {
		// Toner and lamp fall-off: a quarter darker in one corner, with a
		// grey cast.
		for v := 0; v < h; v++ {
			for u := 0; u < w; u++ {
				g := 1 - 0.25*(float64(u)/float64(w)+float64(v)/float64(h))/2
				out[v*w+u] = out[v*w+u]*float32(g) + 10
			}
		}
	}
	if s.blur > 0 {
		gaussBlur(out, w, h, s.blur)
	}
	if s.noise > 0 {
		for i := range out {
			out[i] += float32(rng.NormFloat64() * s.noise)
		}
	}
	if s.noiseAll {
		for i := range out {
			out[i] = float32(rng.IntN(256))
		}
	}
	for i, v := range out {
		if s.bilevel {
			if v < 128 {
				v = 0
			} else {
				v = 255
			}
		}
		img.Pix[i] = uint8(min(255, max(0, v+0.5)))
	}
}

// warp resamples the page onto the output grid; inv maps output pixel
// positions to page millimetres.
//
// The generator runs on one goroutine per page and the race detector has
// nothing to find in it, but instrumenting its billions of pixel accesses
// made `go test -race` take minutes; //go:norace keeps the package under
// test fully instrumented.
//
//go:norace
func (c *canvas) warp(w, h int, inv Affine, ss int, lid float32) []float32 {
	out := make([]float32, w*h)
	// Base-page pixel position of an output position is linear in (u, v):
	// step along rows instead of mapping every sample. Tiles keep a turned
	// page's reads within cache.
	ax, bx := inv[0]*basePPM, inv[1]*basePPM
	ay, by := inv[3]*basePPM, inv[4]*basePPM
	const tile = 64
	for sy := 0; sy < ss; sy++ {
		for sx := 0; sx < ss; sx++ {
			du, dv := (float64(sx)+0.5)/float64(ss), (float64(sy)+0.5)/float64(ss)
			for t0 := 0; t0 < h; t0 += tile {
				for u0 := 0; u0 < w; u0 += tile {
					for v := t0; v < min(h, t0+tile); v++ {
						ou, ov := float64(u0)+du, float64(v)+dv
						px := ax*ou + bx*ov + inv[2]*basePPM - 0.5
						py := ay*ou + by*ov + inv[5]*basePPM - 0.5
						row := out[v*w+u0 : v*w+min(w, u0+tile)]
						for u := range row {
							row[u] += c.sample(px, py, lid)
							px += ax
							py += ay
						}
					}
				}
			}
		}
	}
	if ss > 1 {
		for i := range out {
			out[i] /= float32(ss * ss)
		}
	}
	return out
}

// sample reads the page at a 300 dpi pixel position (centres on integers).
//
//go:norace
func (c *canvas) sample(x, y float64, outside float32) float32 {
	if x >= 0 && y >= 0 {
		ix, iy := int(x), int(y)
		if ix+1 < c.w && iy+1 < c.h {
			ax, ay := float32(x-float64(ix)), float32(y-float64(iy))
			o := iy*c.w + ix
			top := c.pix[o] + (c.pix[o+1]-c.pix[o])*ax
			bot := c.pix[o+c.w] + (c.pix[o+c.w+1]-c.pix[o+c.w])*ax
			return top + (bot-top)*ay
		}
	}
	fx, fy := math.Floor(x), math.Floor(y)
	ix, iy := int(fx), int(fy)
	at := func(x, y int) float32 {
		if x < 0 || y < 0 || x >= c.w || y >= c.h {
			return outside
		}
		return c.pix[y*c.w+x]
	}
	ax, ay := float32(x-fx), float32(y-fy)
	top := at(ix, iy)*(1-ax) + at(ix+1, iy)*ax
	bot := at(ix, iy+1)*(1-ax) + at(ix+1, iy+1)*ax
	return top*(1-ay) + bot*ay
}

//go:norace
func gaussBlur(p []float32, w, h int, sigma float64) {
	r := int(math.Ceil(3 * sigma))
	k := make([]float32, 2*r+1)
	var sum float32
	for i := range k {
		d := float64(i - r)
		k[i] = float32(math.Exp(-d * d / (2 * sigma * sigma)))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float32, len(p))
	clampi := func(v, n int) int { return max(0, min(n-1, v)) }
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var a float32
			for i, kv := range k {
				a += kv * p[y*w+clampi(x+i-r, w)]
			}
			tmp[y*w+x] = a
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var a float32
			for i, kv := range k {
				a += kv * tmp[clampi(y+i-r, h)*w+x]
			}
			p[y*w+x] = a
		}
	}
}
