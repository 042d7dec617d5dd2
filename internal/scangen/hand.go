package scangen

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"os"
	"unicode"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/math/fixed"

	"shinsei/templates"
)

// HandFonts are the handwriting-like faces the generator writes with, from
// Debian's fonts-klee (a pen or pencil hand) and fonts-kiloji (a rounder,
// quicker hand); scripts/setup.sh installs both. They are read from the
// system rather than shipped: 5–20 MB each, and only test corpora depend on
// them.
func HandFonts() []string {
	return []string{
		"/usr/share/fonts/truetype/klee/KleeOne-Regular.ttf",
		"/usr/share/fonts/truetype/klee/KleeOne-SemiBold.ttf",
		"/usr/share/fonts/truetype/kiloji/kiloji.ttf",
		"/usr/share/fonts/truetype/kiloji/kiloji_b.ttf",
	}
}

// hands writes like people do: glyph by glyph, each a little off in place,
// size and angle, along a baseline that drifts.
type hands struct {
	faces []face
	vary  bool // Options.Vary
}

// face is a hand with its font loaded.
type face struct {
	font *opentype.Font
	hand Hand
}

func loadHands(named []Hand) (*hands, error) {
	h := &hands{}
	for _, hd := range named {
		data, err := os.ReadFile(hd.Font)
		if err != nil {
			return nil, fmt.Errorf("handwriting font: %w (install the Debian font packages scripts/setup.sh lists)", err)
		}
		f, err := opentype.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("handwriting font %s: %w", hd.Font, err)
		}
		h.faces = append(h.faces, face{f, hd})
	}
	if len(h.faces) == 0 {
		return nil, fmt.Errorf("no handwriting fonts")
	}
	return h, nil
}

// pen is one person's way of writing on one form.
type pen struct {
	font *opentype.Font
	// others are the other loaded faces, for a character font draws
	// nothing for (Aoyagi Kouzan T has an empty 翔; a Chinese kai face
	// lacks Japanese shinjitai): a person writes every character of what
	// they write, so the page must hold it for its truth to be true. They
	// are faces of the same use whenever the generator was given hands by
	// use, so a held-out page never borrows a training face.
	others []*opentype.Font
	hand   Hand    // slant, weight, spacing and distortion of the writer's kind
	ink    uint8   // gray level of the ink
	slant  float64 // shear, tan of the angle
	wobble float64 // how irregular each glyph is, 0..1
	// boxes, when set, receives the box (mm) of every glyph drawn, so a
	// test can find a PIN's ink where the generator put it.
	boxes *[]templates.Box
}

func (h *hands) newPen(rng *rand.Rand, mix float64) pen {
	f := pick(rng, h.faces)
	hd := f.hand
	if h.vary {
		// From a careful thin hand to a heavy, bent, leaning one; the
		// ranges hold every calibration and held-out hand's settings
		// without copying any of them.
		hd.Slant += (rng.Float64()*2-1)*0.08 + 0.03
		hd.WeightMM += -0.14 + rng.Float64()*0.24
		hd.ElasticMM += rng.Float64() * 0.45
		hd.Spacing = 0.9 + rng.Float64()*0.25
	}
	var others []*opentype.Font
	for _, o := range h.faces {
		if o.font != f.font {
			others = append(others, o.font)
		}
	}
	return pen{
		font:   f.font,
		others: others,
		hand:   hd,
		ink:    uint8(10 + rng.IntN(50)),
		slant:  (rng.Float64()*2-1)*0.12 + f.hand.Slant,
		wobble: 0.4 + rng.Float64()*0.6*mix,
	}
}

// spacing is the hand's letter spacing factor.
func (p pen) spacing() float64 {
	if p.hand.Spacing == 0 {
		return 1
	}
	return p.hand.Spacing
}

const dpi = templates.CanvasDPI

func px(mm float64) float64 { return templates.MMToPx(mm, dpi) }

// write puts s into box b, starting a little in from the left, as large as a
// person would write in that box, shrinking until it fits.
func (p pen) write(img *image.Gray, b templates.Box, s string, rng *rand.Rand) error {
	if s == "" {
		return nil
	}
	size := b.H * (0.52 + rng.Float64()*0.18)
	left := 1.2 + rng.Float64()*3
	avail := b.W - left - 1.5
	spacing := 1.0 + rng.Float64()*0.12
	size, err := p.fit(s, size, spacing, avail)
	if err != nil {
		return err
	}
	baseline := b.Y + b.H/2 + size*0.36 + (rng.Float64()*2-1)*b.H*0.06
	return p.line(img, b.X+left, baseline, s, size, spacing, rng)
}

// fit is the first size, from size down by 7% at a time, at which s fits
// in avail millimetres (or, if none above 2 mm does, the first at or under
// 2 mm): a writer who runs short of room writes smaller.
func (p pen) fit(s string, size, spacing, avail float64) (float64, error) {
	for ; size > 2; size *= 0.93 {
		w, err := p.measure(s, size, spacing)
		if err != nil {
			return 0, err
		}
		if w <= avail {
			break
		}
	}
	return size, nil
}

// centred writes one character in the middle of a cell (PIN boxes).
func (p pen) centred(img *image.Gray, cell templates.Box, s string, rng *rand.Rand) error {
	size := cell.H * (0.55 + rng.Float64()*0.15)
	w, err := p.measure(s, size, 1)
	if err != nil {
		return err
	}
	x := cell.X + (cell.W-w)/2 + (rng.Float64()*2-1)*cell.W*0.08
	baseline := cell.Y + cell.H/2 + size*0.36 + (rng.Float64()*2-1)*cell.H*0.06
	return p.line(img, x, baseline, s, size, 1, rng)
}

func (p pen) face(sizeMM float64) (font.Face, error) {
	return faceOf(p.font, sizeMM)
}

func faceOf(f *opentype.Font, sizeMM float64) (font.Face, error) {
	return opentype.NewFace(f, &opentype.FaceOptions{Size: sizeMM / 25.4 * 72, DPI: dpi, Hinting: font.HintingNone})
}

// glyph is face's glyph for r at dot, or, when p.font draws nothing for a
// character that is not a space, the glyph of the first of p.others that
// draws it.
func (p pen) glyph(face font.Face, sizeMM float64, dot fixed.Point26_6, r rune) (dr image.Rectangle, mask image.Image, maskp image.Point, adv fixed.Int26_6, ok bool, err error) {
	dr, mask, maskp, adv, ok = face.Glyph(dot, r)
	if unicode.IsSpace(r) || draws(p.font, r) {
		return dr, mask, maskp, adv, ok, nil
	}
	for _, o := range p.others {
		if !draws(o, r) {
			continue
		}
		of, err := faceOf(o, sizeMM)
		if err != nil {
			return dr, mask, maskp, adv, ok, err
		}
		defer of.Close()
		dr, mask, maskp, adv, ok = of.Glyph(dot, r)
		return dr, mask, maskp, adv, ok, nil
	}
	return dr, mask, maskp, adv, ok, nil
}

// draws reports whether f has a glyph for r with any outline: a face can
// map a character to an empty glyph (Aoyagi Kouzan T's 翔), which draws a
// blank a pixel wide.
func draws(f *opentype.Font, r rune) bool {
	var buf sfnt.Buffer
	i, err := f.GlyphIndex(&buf, r)
	if err != nil || i == 0 {
		return false
	}
	segs, err := f.LoadGlyph(&buf, i, fixed.I(64), nil)
	return err == nil && len(segs) > 0
}

func (p pen) measure(s string, sizeMM, spacing float64) (float64, error) {
	face, err := p.face(sizeMM)
	if err != nil {
		return 0, err
	}
	defer face.Close()
	w := float64(font.MeasureString(face, s)) / 64 * spacing * p.spacing()
	return templates.PxToMM(w, dpi), nil
}

// line draws s glyph by glyph from (x, baseline) in mm.
func (p pen) line(img *image.Gray, x, baseline float64, s string, sizeMM, spacing float64, rng *rand.Rand) error {
	slope := (rng.Float64()*2 - 1) * 0.02 // baseline drift, mm per mm
	x0 := x
	src := image.NewUniform(color.Gray{p.ink})
	for _, r := range s {
		scale := 1 + (rng.Float64()*2-1)*0.07*p.wobble
		face, err := p.face(sizeMM * scale)
		if err != nil {
			return err
		}
		y := baseline + (x-x0)*slope + (rng.Float64()*2-1)*sizeMM*0.04*p.wobble
		dot := fixed.Point26_6{X: fixed.Int26_6(px(x) * 64), Y: fixed.Int26_6(px(y) * 64)}
		dr, mask, maskp, adv, ok, err := p.glyph(face, sizeMM*scale, dot, r)
		if err != nil {
			face.Close()
			return err
		}
		if ok && !dr.Empty() && (p.hand.ElasticMM != 0 || p.hand.WeightMM != 0) {
			var shaped *image.Alpha
			shaped, dr = shapeGlyph(mask, maskp, dr, px(p.hand.ElasticMM), px(p.hand.WeightMM), rng)
			mask, maskp = shaped, dr.Min
		}
		if ok && !dr.Empty() {
			// Rotate and shear the glyph about its centre.
			theta := (rng.Float64()*2 - 1) * 0.07 * p.wobble
			cx, cy := float64(dr.Min.X+dr.Max.X)/2, float64(dr.Min.Y+dr.Max.Y)/2
			sin, cos := math.Sin(theta), math.Cos(theta)
			sh := p.slant
			// dst = T(c) · R · Shear · T(-c) · src
			a, bb := cos, cos*sh-sin
			d, e := sin, sin*sh+cos
			// SrcMaskP is the mask point for src (0, 0); src space here is the
			// upright glyph in page pixels.
			m := f64.Aff3{a, bb, cx - a*cx - bb*cy, d, e, cy - d*cx - e*cy}
			xdraw.BiLinear.Transform(img, m, src, dr, xdraw.Over, &xdraw.Options{SrcMask: mask, SrcMaskP: maskp.Sub(dr.Min)})
			if p.boxes != nil {
				*p.boxes = append(*p.boxes, glyphBox(m, dr))
			}
		}
		face.Close()
		x += templates.PxToMM(float64(adv)/64, dpi) * spacing * p.spacing() * (1 + (rng.Float64()*2-1)*0.05*p.wobble)
	}
	return nil
}

// glyphBox is the box (mm) that holds glyph rectangle dr once m has moved
// it onto the page.
func glyphBox(m f64.Aff3, dr image.Rectangle) templates.Box {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range [][2]float64{{float64(dr.Min.X), float64(dr.Min.Y)}, {float64(dr.Max.X), float64(dr.Min.Y)}, {float64(dr.Min.X), float64(dr.Max.Y)}, {float64(dr.Max.X), float64(dr.Max.Y)}} {
		x, y := m[0]*c[0]+m[1]*c[1]+m[2], m[3]*c[0]+m[4]*c[1]+m[5]
		x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
	}
	k := px(1)
	return templates.Box{X: x0 / k, Y: y0 / k, W: (x1 - x0) / k, H: (y1 - y0) / k}
}
