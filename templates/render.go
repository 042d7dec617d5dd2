package templates

import (
	_ "embed"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// The printed face is shipped with shinsei (fonts/README.md) so that a
// template renders to the same pixels on every machine: the blank render is
// subtracted from registered scans.
//
//go:embed fonts/ipaexg.ttf
var gothicTTF []byte

// Gray levels of printed matter. Labels sit on a light grey so a reader
// (and the drop-out stage) can tell printed cells from writing boxes.
const (
	inkLevel   = 0
	labelLevel = 232
	paperLevel = 255
	frameMM    = 0.25 // writing-box frame
	thinMM     = 0.18 // label cells and office boxes
)

// ErrPINFill: shinsei never writes PIN characters anywhere, a rendered form
// included.
var ErrPINFill = errors.New("PIN cells cannot be filled by shinsei: PINs are never written")

// Values fill a form. Field values are strings for text, date, signature
// (the name written) and case_ref fields, booleans for checkboxes. Slots are
// the per-case printed texts of an answer sheet (person_name, …).
type Values struct {
	Fields map[string]any
	Slots  map[string]string
}

// Renderer draws templates. It holds the parsed font and is safe for
// concurrent use.
type Renderer struct {
	font *opentype.Font
}

// NewRenderer parses the embedded font.
func NewRenderer() (*Renderer, error) {
	f, err := opentype.Parse(gothicTTF)
	if err != nil {
		return nil, fmt.Errorf("parsing the embedded font: %w", err)
	}
	return &Renderer{font: f}, nil
}

// PageSizePx is the pixel size of a page rendered at dpi.
func PageSizePx(dpi float64) (w, h int) {
	return int(math.Round(MMToPx(PageWidthMM, dpi))), int(math.Round(MMToPx(PageHeightMM, dpi)))
}

// canvas is one page being drawn, with millimetre coordinates.
type canvas struct {
	img *image.Gray
	dpi float64
	r   *Renderer
}

func (c *canvas) px(mm float64) int { return int(math.Round(MMToPx(mm, c.dpi))) }

func (c *canvas) rectPx(b Box) image.Rectangle {
	return image.Rect(c.px(b.X), c.px(b.Y), c.px(b.X+b.W), c.px(b.Y+b.H))
}

func (c *canvas) fill(b Box, level uint8) {
	draw.Draw(c.img, c.rectPx(b), image.NewUniform(color.Gray{level}), image.Point{}, draw.Src)
}

// frame draws the outline of b, the line lying inside the box so a frame
// never reaches outside what the template says the box is.
func (c *canvas) frame(b Box, lineMM float64) {
	r := c.rectPx(b)
	w := max(1, c.px(lineMM))
	black := image.NewUniform(color.Gray{inkLevel})
	for _, s := range []image.Rectangle{
		{r.Min, image.Pt(r.Max.X, r.Min.Y+w)},
		{image.Pt(r.Min.X, r.Max.Y-w), r.Max},
		{r.Min, image.Pt(r.Min.X+w, r.Max.Y)},
		{image.Pt(r.Max.X-w, r.Min.Y), r.Max},
	} {
		draw.Draw(c.img, s, black, image.Point{}, draw.Src)
	}
}

func (c *canvas) face(sizeMM float64) (font.Face, error) {
	return opentype.NewFace(c.r.font, &opentype.FaceOptions{
		Size: sizeMM / 25.4 * 72, DPI: c.dpi, Hinting: font.HintingNone,
	})
}

// text draws s from the top-left of b, wrapping at b's width; bold is
// simulated by a second pass a hair to the right (IPAex has no bold face).
func (c *canvas) text(b Box, s string, sizeMM float64, center, bold bool) error {
	face, err := c.face(sizeMM)
	if err != nil {
		return err
	}
	defer face.Close()
	maxW := fixed.I(c.px(b.W))
	lines := wrap(face, s, maxW)
	lineH := sizeMM * 1.35
	for i, line := range lines {
		x := fixed.I(c.px(b.X))
		if center {
			x += (maxW - font.MeasureString(face, line)) / 2
		}
		// The baseline sits at 88% of the em box below the line's top.
		y := fixed.I(c.px(b.Y + float64(i)*lineH + sizeMM*0.88))
		passes := []fixed.Int26_6{0}
		if bold {
			passes = append(passes, fixed.I(max(1, c.px(sizeMM*0.045))))
		}
		for _, dx := range passes {
			d := font.Drawer{Dst: c.img, Src: image.NewUniform(color.Gray{inkLevel}), Face: face, Dot: fixed.Point26_6{X: x + dx, Y: y}}
			d.DrawString(line)
		}
	}
	return nil
}

// wrap breaks s into lines no wider than maxW, between any two characters
// (Japanese has no spaces to break at).
func wrap(face font.Face, s string, maxW fixed.Int26_6) []string {
	var lines []string
	var cur []rune
	for _, r := range s {
		next := append(slices.Clone(cur), r)
		if len(cur) > 0 && font.MeasureString(face, string(next)) > maxW {
			lines = append(lines, string(cur))
			cur = []rune{r}
			continue
		}
		cur = next
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// fitText draws s inside b on one line, as large as fits up to maxMM.
func (c *canvas) fitText(b Box, s string, maxMM float64) error {
	size := maxMM
	for ; size > 1.5; size *= 0.92 {
		face, err := c.face(size)
		if err != nil {
			return err
		}
		w := font.MeasureString(face, s)
		face.Close()
		if w <= fixed.I(c.px(b.W)) {
			break
		}
	}
	return c.text(Box{b.X, b.Y + (b.H-size*1.1)/2, b.W, b.H}, s, size, false, false)
}

// Render draws template t at dpi, blank when v is the zero Values.
func (r *Renderer) Render(t *Template, v Values, dpi float64) (*image.Gray, error) {
	if dpi < 50 || dpi > 1200 {
		return nil, fmt.Errorf("render %s: %g dpi is outside 50–1200", t.Key(), dpi)
	}
	w, h := PageSizePx(dpi)
	c := &canvas{img: image.NewGray(image.Rect(0, 0, w, h)), dpi: dpi, r: r}
	c.fill(Box{0, 0, PageWidthMM, PageHeightMM}, paperLevel)

	for _, e := range t.Print {
		if err := c.element(e, v); err != nil {
			return nil, fmt.Errorf("render %s: %w", t.Key(), err)
		}
	}
	for _, f := range t.Fields {
		c.fieldFrame(f)
	}
	caseRef := ""
	if s, ok := v.Fields["case_ref"].(string); ok {
		caseRef = s
	}
	c.fiducials()
	if err := c.qr(QRPayload{Template: t.ID, Revision: t.Revision, CaseRef: caseRef}.String()); err != nil {
		return nil, fmt.Errorf("render %s: %w", t.Key(), err)
	}
	if err := c.values(t, v); err != nil {
		return nil, fmt.Errorf("render %s: %w", t.Key(), err)
	}
	return c.img, nil
}

func (c *canvas) element(e Element, v Values) error {
	switch e.Kind {
	case RectElement:
		if e.Gray {
			c.fill(e.Box, labelLevel)
		}
		if e.Fill {
			c.fill(e.Box, inkLevel)
		} else {
			c.frame(e.Box, thinMM)
		}
	case LineElement:
		c.fill(Box{e.Box.X, e.Box.Y, max(e.Box.W, thinMM), max(e.Box.H, thinMM)}, inkLevel)
	case TextElement:
		return c.text(e.Box, e.Text, e.SizeMM, e.Center, e.Bold)
	case SlotElement:
		if s := v.Slots[e.Text]; s != "" {
			return c.fitText(Box{e.Box.X, e.Box.Y - e.SizeMM*0.2, e.Box.W, e.SizeMM * 1.5}, s, e.SizeMM)
		}
	}
	return nil
}

func (c *canvas) fieldFrame(f Field) {
	c.frame(f.Box, frameMM)
	if f.Kind == PIN {
		// Cell dividers, centred on the cell boundaries.
		w := max(1, c.px(frameMM))
		for i := 1; i < f.Cells; i++ {
			cell := f.Box.Cell(i, f.Cells)
			x := c.px(cell.X) - w/2
			draw.Draw(c.img, image.Rect(x, c.px(f.Box.Y), x+w, c.px(f.Box.Y+f.Box.H)), image.NewUniform(color.Gray{inkLevel}), image.Point{}, draw.Src)
		}
	}
}

func (c *canvas) fiducials() {
	for corner, p := range FiducialCentres() {
		s := FiducialSizeMM / 2
		c.fill(Box{p.X - s, p.Y - s, FiducialSizeMM, FiducialSizeMM}, inkLevel)
		if Corner(corner) == TopLeft {
			hs := FiducialHoleMM / 2
			c.fill(Box{p.X - hs, p.Y - hs, FiducialHoleMM, FiducialHoleMM}, paperLevel)
		}
	}
}

// qr draws the payload with error correction Q (a quarter of the symbol may
// be lost to a blot) inside the QR box, quiet zone included.
func (c *canvas) qr(payload string) error {
	hints := map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_ERROR_CORRECTION: decoder.ErrorCorrectionLevel_Q,
		gozxing.EncodeHintType_MARGIN:           0,
	}
	bm, err := qrcode.NewQRCodeWriter().Encode(payload, gozxing.BarcodeFormat_QR_CODE, 1, 1, hints)
	if err != nil {
		return fmt.Errorf("QR code: %w", err)
	}
	n := bm.GetWidth()
	unit := QRSizeMM / float64(n+2*QRQuietModules)
	for y := range n {
		for x := range n {
			if bm.Get(x, y) {
				c.fill(Box{QRXMM + float64(x+QRQuietModules)*unit, QRYMM + float64(y+QRQuietModules)*unit, unit, unit}, inkLevel)
			}
		}
	}
	return nil
}

// values fills in what a person would write, in the printed face: enough
// for previews and tests. The scan generator (cmd/shinsei-gen) writes in
// handwriting-like faces instead.
func (c *canvas) values(t *Template, v Values) error {
	for id, val := range v.Fields {
		f, ok := t.Field(id)
		if !ok {
			return fmt.Errorf("fill: %s has no field %q", t.Key(), id)
		}
		inner := Box{f.Box.X + 1.5, f.Box.Y + 0.8, f.Box.W - 3, f.Box.H - 1.6}
		switch f.Kind {
		case PIN:
			return fmt.Errorf("fill %q: %w", id, ErrPINFill)
		case Checkbox:
			b, ok := val.(bool)
			if !ok {
				return fmt.Errorf("fill %q: a checkbox takes true or false, not %v", id, val)
			}
			if b {
				if err := c.text(Box{f.Box.X + 0.3, f.Box.Y - 0.6, f.Box.W, f.Box.H}, "レ", f.Box.H*1.05, false, true); err != nil {
					return err
				}
			}
		default:
			s, ok := val.(string)
			if !ok {
				return fmt.Errorf("fill %q: a %s field takes a string, not %v", id, f.Kind, val)
			}
			if s == "" {
				continue
			}
			if err := c.fitText(inner, s, min(inner.H*0.7, 7)); err != nil {
				return err
			}
		}
	}
	return nil
}
