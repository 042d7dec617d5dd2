package scangen

import (
	"bytes"
	"fmt"
	"image"
	"math/rand/v2"
	"slices"
	"time"

	"shinsei/forms"
	"shinsei/internal/pdfout"
	"shinsei/internal/scanfx"
	"shinsei/templates"
)

// Case is what the city printed on the answer sheet it mailed for a proxy
// case. Kana and Birth are not on the sheet; they are here so a caller can
// open the same case in its store.
type Case struct {
	Ref                 string // NNNN-NNNN-C
	Name, Kana, Address string
	Birth               time.Time
	Certs               []string // forms.CertSignature, forms.CertUser
	ProxyName           string
}

// AnswerOptions say how the person filled the sheet in and how it was
// scanned.
type AnswerOptions struct {
	Mix  scanfx.Mix // damage; the zero value is Clean
	Seed uint64
	// Format is "" for what the mix's scanner would write, or one of png,
	// jpg, tif, pdf.
	Format string
	// BlotQR: the QR code is inked over so no reader decodes it.
	BlotQR bool
	// BlotRef: the printed case reference (the case_ref box) is inked over.
	BlotRef   bool
	Unsigned  bool // the person did not sign
	NoConfirm bool // answer_confirm left unmarked
	// AnswerDate is written in answer_date; zero means Today minus 0–3 days.
	AnswerDate time.Time
	// Today is zero for DefaultToday().
	Today time.Time
	// Slots are the printed 照会内容; nil makes them from the Case the way
	// `shinsei cases sheet` does.
	Slots map[string]string
	// PINAlso lists the places (Place*) where the person writes a PIN
	// again besides its cells: the user PIN when one is applied for, else
	// the signature PIN. Every PIN written is a Secret of the page.
	PINAlso []string
}

// Answer makes the answer sheet (jpki-answer) returned for case c: printed
// with c's reference and slots, filled in by hand, blotted as o says, then
// scanned. Only c and o decide it (the generator's own seed, mix and day do
// not enter), so a test can make the sheet for a case it opened.
func (g *Generator) Answer(c Case, o AnswerOptions) (Doc, error) {
	ref, err := forms.ParseCaseRef(c.Ref)
	if err != nil || string(ref) != c.Ref {
		// A case always carries its canonical reference; anything else is a
		// mistake in the test, not a sheet the city could have printed.
		return Doc{}, fmt.Errorf("answer sheet: case reference %q must be written NNNN-NNNN-C: %w", c.Ref, forms.ErrBadCaseRef)
	}
	for _, s := range c.Certs {
		if s != forms.CertSignature && s != forms.CertUser {
			return Doc{}, fmt.Errorf("answer sheet for %s: unknown certificate %q (want %s or %s)", c.Ref, s, forms.CertSignature, forms.CertUser)
		}
	}
	if o.Format != "" && o.Format != "pdf" {
		if _, err := scanfx.ParseFormat(o.Format); err != nil {
			return Doc{}, fmt.Errorf("answer sheet for %s: %w", c.Ref, err)
		}
	}
	// The hand and the scanner are drawn from the seed alone, not the
	// case: a test that opens a case (whose reference is random) and asks
	// for its sheet with a given seed gets the same writing and damage
	// every time.
	rng := rand.New(rand.NewPCG(o.Seed, 0xA45E+uint64(o.Mix)))

	p, err := g.answerPage(c, o, rng)
	if err != nil {
		return Doc{}, fmt.Errorf("answer sheet for %s: %w", c.Ref, err)
	}
	data, ext, err := g.scan(&p, o.Mix, o.Format, rng)
	if err != nil {
		return Doc{}, fmt.Errorf("answer sheet for %s: %w", c.Ref, err)
	}
	name := "answer-" + c.Ref + ext
	truth := Truth{File: name, Seed: o.Seed, Mix: o.Mix.String(), Pages: []PageTruth{p.truth}}
	return Doc{Name: name, Data: data, Truth: truth}, nil
}

// scan damages one filled page as mix says and encodes it as format asks
// ("" for what the mix's scanner would write, or png, jpg, tif, pdf),
// setting the page's truth (page 1, geometry). It returns the file and its
// extension.
func (g *Generator) scan(p *page, mix scanfx.Mix, format string, rng *rand.Rand) ([]byte, string, error) {
	// forced is the image format asked for, when one was.
	forced, force := scanfx.PNG, format != "" && format != "pdf"
	if force {
		var err error
		if forced, err = scanfx.ParseFormat(format); err != nil {
			return nil, "", err
		}
	}
	params := scanfx.RandomParams(rng, mix)
	switch {
	case force && forced == scanfx.JPEG && params.JPEGQuality == 0:
		params.Bilevel, params.JPEGQuality = false, 85
	case force && forced != scanfx.JPEG:
		params.JPEGQuality = 0 // a lossless file carries no JPEG artefacts
	}
	img, aff, err := scanfx.Apply(p.img, params, rng)
	if err != nil {
		return nil, "", err
	}
	f, q := params.FileFormat()
	if force {
		f = forced // a bilevel page may still be asked for as PNG
	}
	p.truth.Page = 1
	p.truth.Geometry = geometry(params, aff, img, f, q)
	asPDF := format == "pdf" || format == "" && mix != scanfx.Clean && rng.IntN(4) == 0

	var buf bytes.Buffer
	ext := f.Ext()
	if asPDF {
		pg, kind, err := pdfPage(img, f, q, p.truth.Geometry.DPI)
		if err != nil {
			return nil, "", err
		}
		if err := pdfout.Write(&buf, []pdfout.Page{pg}); err != nil {
			return nil, "", err
		}
		p.truth.Geometry.Format, ext = kind, ".pdf"
	} else if err := scanfx.Encode(&buf, img, f, scanfx.EncodeOptions{Quality: q, DPI: p.truth.Geometry.DPI}); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), ext, nil
}

// pdfPage wraps one scanned page for a PDF as Document does: JPEG pages keep
// their JPEG stream, others are stored losslessly.
func pdfPage(img *image.Gray, f scanfx.Format, q int, dpi float64) (pdfout.Page, string, error) {
	b := img.Bounds()
	pg := pdfout.Page{WidthMM: templates.PxToMM(float64(b.Dx()), dpi), HeightMM: templates.PxToMM(float64(b.Dy()), dpi)}
	if f != scanfx.JPEG {
		pg.Image = img
		return pg, "pdf/flate", nil
	}
	var jb bytes.Buffer
	if err := scanfx.Encode(&jb, img, f, scanfx.EncodeOptions{Quality: q, DPI: dpi}); err != nil {
		return pdfout.Page{}, "", err
	}
	pg.JPEG = jb.Bytes()
	return pg, "pdf/jpeg", nil
}

// answerPage is the filled, blotted sheet before the scanner sees it.
func (g *Generator) answerPage(c Case, o AnswerOptions, rng *rand.Rand) (page, error) {
	t, err := g.reg.Get("jpki-answer", 0)
	if err != nil {
		return page{}, err
	}
	today := o.Today
	if today.IsZero() {
		today = DefaultToday()
	}
	answered := o.AnswerDate
	if answered.IsZero() {
		answered = today.AddDate(0, 0, -rng.IntN(4))
	}
	slots := o.Slots
	if slots == nil {
		if slots, err = caseSlots(c, answered.AddDate(0, 0, -5-rng.IntN(10))); err != nil {
			return page{}, err
		}
	}
	img, err := g.renderer.Render(t, templates.Values{Fields: map[string]any{"case_ref": c.Ref}, Slots: slots}, templates.CanvasDPI)
	if err != nil {
		return page{}, err
	}
	w := &writer{img: img, rng: rng, pen: g.hands.newPen(rng, messiness(o.Mix)), hands: g.hands, mix: o.Mix,
		fields: map[string]FieldTruth{"case_ref": {Value: c.Ref}}}
	w.check(t, "answer_confirm", !o.NoConfirm)
	if err := w.date(t, "answer_date", answered); err != nil {
		return page{}, err
	}
	if err := w.signature(t, "person_signature", c.Name, !o.Unsigned); err != nil {
		return page{}, err
	}
	if !slices.Contains(o.PINAlso, PlaceText) {
		// (With PlaceText the PIN goes there instead, below.)
		if err := w.text(t, "proxy_name", c.ProxyName); err != nil {
			return page{}, err
		}
	}
	// The person follows the sheet: each PIN applied for, in full, and
	// nothing in the other box.
	var secrets []Secret
	again := ""
	for _, p := range []struct{ id, cert string }{{"pin_signature", forms.CertSignature}, {"pin_user", forms.CertUser}} {
		f, _ := t.Field(p.id)
		pin := ""
		if slices.Contains(c.Certs, p.cert) {
			pin = newPIN(rng, p.cert == forms.CertSignature)
		}
		if err := w.pinCells(f, pin); err != nil {
			return page{}, err
		}
		if pin != "" {
			secrets = append(secrets, Secret{Kind: SecretPIN, Where: PlaceCells, Text: pin, Glyphs: w.glyphs[p.id]})
			again = pin // the user PIN when there is one: it comes last
		}
	}
	for _, place := range o.PINAlso {
		if again == "" {
			break
		}
		s, err := w.writeAgain(t, place, again)
		if err != nil {
			return page{}, err
		}
		secrets = append(secrets, s)
	}

	truth := PageTruth{Template: t.ID, Revision: t.Revision, CaseRef: c.Ref, Fields: w.fields, Secrets: secrets, Hand: g.handName(w.pen)}
	if o.BlotQR {
		blot(img, templates.Box{X: templates.QRXMM, Y: templates.QRYMM, W: templates.QRSizeMM, H: templates.QRSizeMM}, rng)
		truth.Blotted = append(truth.Blotted, "qr")
	}
	if o.BlotRef {
		blot(img, w.box(t, "case_ref"), rng)
		truth.Blotted = append(truth.Blotted, "case_ref")
	}
	return page{t: t, img: img, truth: truth}, nil
}

// caseSlots are the 照会内容 `shinsei cases sheet` prints for a case opened
// on the day opened, with the default month to reply.
func caseSlots(c Case, opened time.Time) (map[string]string, error) {
	fc := forms.Case{Deadline: forms.ReplyDeadline(opened, 30*24*time.Hour)}
	o, err := forms.FormatWareki(opened)
	if err != nil {
		return nil, err
	}
	due, err := forms.FormatWareki(fc.LastReplyDay())
	if err != nil {
		return nil, err
	}
	return map[string]string{
		"person_name":    c.Name,
		"person_address": c.Address,
		"certs":          forms.CertsJapanese(c.Certs) + "　新規発行",
		"dates":          "受付日 " + o + "　回答期限 " + due,
	}, nil
}

// blot inks box b over the way a person cancels something with a black
// marker: dense strokes back and forth, then up and down, until no paper
// shows. The ink is as black as the print: any lighter and the printed
// modules and digits show through it to a reader, as they do through a
// ballpoint's scribble. The strokes stay inside b, so a blotted QR code
// does not reach the registration mark above it.
func blot(img *image.Gray, b templates.Box, rng *rand.Rand) {
	const ink = 0
	w := 1.6 + rng.Float64()*0.6
	step := w * 0.6 // between the parallel strokes of one zigzag, under a stroke's width
	lo, hi := pt{X: b.X + w/2, Y: b.Y + w/2}, pt{X: b.X + b.W - w/2, Y: b.Y + b.H - w/2}
	at := func(x, y float64) pt {
		j := func() float64 { return (rng.Float64()*2 - 1) * 0.3 }
		return pt{X: min(hi.X, max(lo.X, x+j())), Y: min(hi.Y, max(lo.Y, y+j()))}
	}
	var across, down []pt
	for i := 0; lo.Y+float64(i)*step/2 < hi.Y+step/2; i++ {
		x := lo.X
		if i%2 == 1 {
			x = hi.X
		}
		across = append(across, at(x, lo.Y+float64(i)*step/2))
	}
	for i := 0; lo.X+float64(i)*step/2 < hi.X+step/2; i++ {
		y := lo.Y
		if i%2 == 1 {
			y = hi.Y
		}
		down = append(down, at(lo.X+float64(i)*step/2, y))
	}
	Stroke(img, across, w, ink)
	Stroke(img, down, w, ink)
}
