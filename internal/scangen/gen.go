// Package scangen makes synthetic scans of filled JPKI forms with ground
// truth: it fills forms the way people do (handwriting-like faces, glyphs
// jittered, dates in 和暦 and 西暦, every common check mark, signatures and
// seals, PIN cells fully, partly or not filled), then damages them like a
// scanner (internal/scanfx) and writes PNG, JPEG, TIFF or PDF files.
//
// Everything is drawn from a seed: document i of a corpus depends only on
// (seed, mix, i), so corpora are reproducible byte for byte and documents
// can be made in parallel.
package scangen

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"shinsei/forms"
	"shinsei/internal/pdfout"
	"shinsei/internal/scanfx"
	"shinsei/templates"
)

// Options configure a generator.
type Options struct {
	Seed uint64
	Mix  scanfx.Mix
	// Today is the day the forms are filled in; dates on them lie around
	// it. Fixed by default so a seed means the same corpus next year.
	Today time.Time
	// FontPaths are the handwriting faces; default HandFonts().
	FontPaths []string
	// Hands, when set, are the hands people write in (hands.go), instead
	// of FontPaths; each page's truth then names its hand.
	Hands []Hand
	// Vary gives every pen a slant, stroke weight, elastic bend and letter
	// spacing of its own around its hand's: training lines are written so,
	// that a model learns handwriting rather than a few faces. Evaluation
	// corpora keep each hand as it is named.
	Vary bool
}

// DefaultToday is the fill date when Options.Today is zero.
func DefaultToday() time.Time { return time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC) }

// Generator makes documents. It is safe for concurrent use.
type Generator struct {
	opts     Options
	reg      *templates.Registry
	renderer *templates.Renderer
	hands    *hands
}

// New loads the templates and fonts.
func New(opts Options) (*Generator, error) {
	if opts.Today.IsZero() {
		opts.Today = DefaultToday()
	}
	if opts.FontPaths == nil {
		opts.FontPaths = HandFonts()
	}
	r, err := templates.NewRenderer()
	if err != nil {
		return nil, err
	}
	named := make([]Hand, len(opts.Hands))
	copy(named, opts.Hands)
	if len(named) == 0 {
		for _, p := range opts.FontPaths {
			named = append(named, Hand{Name: p, Font: p})
		}
	}
	h, err := loadHands(named)
	if err != nil {
		return nil, err
	}
	h.vary = opts.Vary
	return &Generator{opts: opts, reg: templates.Builtin(), renderer: r, hands: h}, nil
}

// Truth is the ground truth of one generated file, written beside it.
type Truth struct {
	File  string      `json:"file"`
	Seed  uint64      `json:"seed"`
	Mix   string      `json:"mix"`
	Index int         `json:"index"`
	Pages []PageTruth `json:"pages"`
}

// PageTruth is what one page really says and how it was scanned.
type PageTruth struct {
	Page     int                   `json:"page"` // 1-based
	Template string                `json:"template"`
	Revision int                   `json:"revision"`
	CaseRef  string                `json:"case_ref,omitempty"`
	Geometry Geometry              `json:"geometry"`
	Fields   map[string]FieldTruth `json:"fields"`
	// Blotted names what was inked over before the scan ("qr", or a
	// field ID such as "case_ref"): printed, but no longer readable.
	Blotted []string `json:"blotted,omitempty"`
	// Secrets are the PINs and My Numbers written on the page, wherever
	// they were written, with the box of every glyph (secrets.go).
	Secrets []Secret `json:"secrets,omitempty"`
	// Hand is the hand the page was written in, when the corpus was made
	// with named hands (Options.Hands).
	Hand string `json:"hand,omitempty"`
}

// handName is the name of p's hand when the generator writes in named
// hands, else "".
func (g *Generator) handName(p pen) string {
	if len(g.opts.Hands) == 0 {
		return ""
	}
	return p.hand.Name
}

// Geometry says where the template ended up in the image.
type Geometry struct {
	// Rotation is the quarter turn applied to the page (0, 90, 180, 270,
	// clockwise as seen on screen); SkewDeg the extra small rotation.
	Rotation int     `json:"rotation"`
	SkewDeg  float64 `json:"skew_deg"`
	DPI      float64 `json:"dpi"`
	// MMToPx maps template millimetres (x, y) to image pixels:
	// (A*x + B*y + C, D*x + E*y + F), pixel centres at half-integers.
	MMToPx  [6]float64 `json:"mm_to_px"`
	Width   int        `json:"width_px"`
	Height  int        `json:"height_px"`
	Bilevel bool       `json:"bilevel,omitempty"`
	JPEG    int        `json:"jpeg_quality,omitempty"`
	Format  string     `json:"format"`
}

// FieldTruth is the true content of one field. Value is a string for text
// and case_ref fields, an ISO date for date fields, a bool for checkboxes
// and signatures, and the number of filled cells for PIN fields.
type FieldTruth struct {
	Value any `json:"value"`
	// Written is what the hand wrote, where it differs from Value (a date
	// as spelled, the characters in PIN cells — synthetic PINs, for the
	// privacy tests that check none of them is ever stored).
	Written string `json:"written,omitempty"`
	// Style is the check mark or signature style.
	Style string `json:"style,omitempty"`
	// Ambiguous marks a box a person must judge (ticked, then scribbled
	// over): no reader should be sure of it.
	Ambiguous bool `json:"ambiguous,omitempty"`
}

// Doc is one generated file.
type Doc struct {
	Name  string
	Data  []byte
	Truth Truth
}

// page is one filled page before damage.
type page struct {
	t     *templates.Template
	img   *image.Gray
	truth PageTruth
	// glyphs: where each text field's and PIN field's glyphs were drawn.
	glyphs map[string][]templates.Box
}

// Document makes document i of the corpus.
func (g *Generator) Document(i int) (Doc, error) {
	rng := rand.New(rand.NewPCG(g.opts.Seed, uint64(i)*0x9E3779B97F4A7C15+uint64(g.opts.Mix)))
	var kinds []string
	switch n := rng.IntN(100); {
	case n < 40:
		kinds = []string{"jpki-application"}
	case n < 75:
		kinds = []string{"jpki-answer"}
	default:
		kinds = []string{"jpki-revocation"}
	}
	multi := g.opts.Mix != scanfx.Clean && rng.IntN(10) == 0
	if multi {
		// A proxy's second visit: the application and the returned sheet
		// scanned together, sometimes with a revocation notice.
		kinds = []string{"jpki-application", "jpki-answer"}
		if rng.IntN(3) == 0 {
			kinds = append(kinds, "jpki-revocation")
		}
	}
	person := newPerson(rng, g.opts.Today, 15, 90)
	if rng.IntN(20) == 0 {
		person = newPerson(rng, g.opts.Today, 5, 14)
	}
	var pages []page
	for _, k := range kinds {
		t, err := g.reg.Get(k, 0)
		if err != nil {
			return Doc{}, err
		}
		p, err := g.fill(t, person, rng)
		if err != nil {
			return Doc{}, fmt.Errorf("document %d, %s: %w", i, k, err)
		}
		pages = append(pages, p)
	}

	// Damage every page, then pick the container.
	type scanned struct {
		img    *image.Gray
		params scanfx.Params
	}
	var scans []scanned
	for pi := range pages {
		params := scanfx.RandomParams(rng, g.opts.Mix)
		img, aff, err := scanfx.Apply(pages[pi].img, params, rng)
		if err != nil {
			return Doc{}, fmt.Errorf("document %d page %d: %w", i, pi+1, err)
		}
		f, q := params.FileFormat()
		pages[pi].truth.Page = pi + 1
		pages[pi].truth.Geometry = geometry(params, aff, img, f, q)
		scans = append(scans, scanned{img, params})
	}
	asPDF := multi || (g.opts.Mix != scanfx.Clean && rng.IntN(4) == 0)

	var buf bytes.Buffer
	ext := ""
	if asPDF {
		var pp []pdfout.Page
		for pi, s := range scans {
			dpi := pages[pi].truth.Geometry.DPI
			b := s.img.Bounds()
			pg := pdfout.Page{WidthMM: templates.PxToMM(float64(b.Dx()), dpi), HeightMM: templates.PxToMM(float64(b.Dy()), dpi)}
			if f, q := s.params.FileFormat(); f == scanfx.JPEG {
				var jb bytes.Buffer
				if err := scanfx.Encode(&jb, s.img, f, scanfx.EncodeOptions{Quality: q, DPI: dpi}); err != nil {
					return Doc{}, err
				}
				pg.JPEG = jb.Bytes()
				pages[pi].truth.Geometry.Format = "pdf/jpeg"
			} else {
				pg.Image = s.img
				pages[pi].truth.Geometry.Format = "pdf/flate"
			}
			pp = append(pp, pg)
		}
		if err := pdfout.Write(&buf, pp); err != nil {
			return Doc{}, fmt.Errorf("document %d: %w", i, err)
		}
		ext = ".pdf"
	} else {
		f, q := scans[0].params.FileFormat()
		if err := scanfx.Encode(&buf, scans[0].img, f, scanfx.EncodeOptions{Quality: q, DPI: pages[0].truth.Geometry.DPI}); err != nil {
			return Doc{}, err
		}
		ext = f.Ext()
	}
	name := fmt.Sprintf("%04d-%s%s", i, strings.Join(kindsShort(kinds), "+"), ext)
	truth := Truth{File: name, Seed: g.opts.Seed, Mix: g.opts.Mix.String(), Index: i}
	for _, p := range pages {
		truth.Pages = append(truth.Pages, p.truth)
	}
	return Doc{Name: name, Data: buf.Bytes(), Truth: truth}, nil
}

func kindsShort(kinds []string) []string {
	var s []string
	for _, k := range kinds {
		s = append(s, strings.TrimPrefix(k, "jpki-"))
	}
	return s
}

func geometry(p scanfx.Params, aff scanfx.Affine, img *image.Gray, f scanfx.Format, q int) Geometry {
	// aff maps canvas pixels (300 dpi) to image pixels; fold in mm → canvas.
	k := templates.MMToPx(1, templates.CanvasDPI)
	dpi := p.DPI
	if dpi == 0 {
		dpi = templates.CanvasDPI
	}
	// The canvas pixel (x, y) covers [x, x+1); its centre is x+0.5. A point
	// at m mm lies at canvas coordinate m*k in the continuous frame.
	round := func(v float64) float64 { return math.Round(v*1e6) / 1e6 }
	b := img.Bounds()
	return Geometry{
		Rotation: ((p.Rotate90 % 4) + 4) % 4 * 90,
		SkewDeg:  round(p.SkewDeg),
		DPI:      dpi,
		MMToPx:   [6]float64{round(aff.A * k), round(aff.B * k), round(aff.C), round(aff.D * k), round(aff.E * k), round(aff.F)},
		Width:    b.Dx(),
		Height:   b.Dy(),
		Bilevel:  p.Bilevel,
		JPEG:     q,
		Format:   f.String(),
	}
}

// fill renders t for person and writes on it like a person would.
func (g *Generator) fill(t *templates.Template, person Person, rng *rand.Rand) (page, error) {
	w := &writer{rng: rng, pen: g.hands.newPen(rng, messiness(g.opts.Mix)), hands: g.hands, mix: g.opts.Mix, fields: map[string]FieldTruth{}}
	values := templates.Values{Fields: map[string]any{}, Slots: map[string]string{}}
	var plan func() error
	today := g.opts.Today
	certSig, certUser := true, true
	switch n := rng.IntN(10); {
	case n < 2:
		certSig = false
	case n < 3:
		certUser = false
	}
	if person.Birth.AddDate(15, 0, 0).After(today) && rng.IntN(4) != 0 {
		certSig = false // most parents know a child gets no signature certificate
	}

	switch t.ID {
	case "jpki-application":
		plan = func() error {
			w.check(t, "cert_signature", certSig)
			w.check(t, "cert_user", certUser)
			renew := rng.IntN(2) == 0
			w.check(t, "action_new", !renew)
			w.check(t, "action_renew", renew)
			if err := w.applicant(t, person); err != nil {
				return err
			}
			if err := w.date(t, "application_date", today.AddDate(0, 0, -rng.IntN(3))); err != nil {
				return err
			}
			if err := w.signature(t, "applicant_signature", person.Name, rng.IntN(33) != 0); err != nil {
				return err
			}
			proxy := rng.IntN(10) < 4
			var pr Person
			if proxy {
				pr = newPerson(rng, today, 20, 80)
			}
			if err := w.text(t, "proxy_kana", pr.Kana); err != nil {
				return err
			}
			if err := w.text(t, "proxy_name", pr.Name); err != nil {
				return err
			}
			if err := w.text(t, "proxy_address", pr.Address); err != nil {
				return err
			}
			if err := w.text(t, "proxy_phone", pr.Phone); err != nil {
				return err
			}
			rel := ""
			if proxy {
				rel = pick(rng, relationships)
			}
			if err := w.text(t, "proxy_relationship", rel); err != nil {
				return err
			}
			ids := []string{"proxy_id_mynumber", "proxy_id_license", "proxy_id_passport", "proxy_id_driving_history", "proxy_id_residence_card", "proxy_id_special_permanent"}
			chosen := ""
			if proxy {
				chosen = ids[min(rng.IntN(8), len(ids)-1)] // 運転免許証 … the first ones are common
			}
			for _, id := range ids {
				w.check(t, id, id == chosen)
			}
			return w.signature(t, "proxy_signature", pr.Name, proxy)
		}
	case "jpki-answer":
		ref := forms.NewCaseRef(rng)
		values.Fields["case_ref"] = ref.String()
		w.fields["case_ref"] = FieldTruth{Value: ref.String()}
		printed := today.AddDate(0, 0, -7-rng.IntN(10))
		wa, _ := forms.FormatWareki(printed.AddDate(0, 0, -1))
		wb, _ := forms.FormatWareki(printed)
		var certs []string
		if certSig {
			certs = append(certs, "署名用電子証明書")
		}
		if certUser {
			certs = append(certs, "利用者証明用電子証明書")
		}
		values.Slots = map[string]string{
			"person_name": person.Name + "　様", "person_address": person.Address,
			"certs": strings.Join(certs, "・") + "　" + pick(rng, []string{"新規発行", "更新"}),
			"dates": "受付日 " + wa + "　作成日 " + wb,
		}
		plan = func() error {
			w.check(t, "answer_confirm", rng.IntN(20) != 0)
			if err := w.date(t, "answer_date", printed.AddDate(0, 0, 1+rng.IntN(5))); err != nil {
				return err
			}
			if err := w.signature(t, "person_signature", person.Name, rng.IntN(20) != 0); err != nil {
				return err
			}
			proxy := newPerson(rng, today, 20, 80)
			if err := w.text(t, "proxy_name", proxy.Name); err != nil {
				return err
			}
			if err := w.pin(t, "pin_signature", certSig); err != nil {
				return err
			}
			return w.pin(t, "pin_user", certUser)
		}
	case "jpki-revocation":
		plan = func() error {
			w.check(t, "cert_signature", certSig)
			w.check(t, "cert_user", certUser)
			compromise := rng.IntN(10) < 3
			w.check(t, "request_revoke", !compromise)
			w.check(t, "request_compromise", compromise)
			reasons := map[string]bool{}
			if compromise {
				reasons[pick(rng, []string{"reason_leak", "reason_theft", "reason_loss", "reason_damage"})] = true
				if rng.IntN(4) == 0 {
					reasons[pick(rng, []string{"reason_leak", "reason_theft", "reason_loss", "reason_damage"})] = true
				}
			}
			for _, id := range []string{"reason_leak", "reason_theft", "reason_loss", "reason_damage"} {
				w.check(t, id, reasons[id])
			}
			if err := w.applicant(t, person); err != nil {
				return err
			}
			if err := w.date(t, "application_date", today.AddDate(0, 0, -rng.IntN(3))); err != nil {
				return err
			}
			return w.signature(t, "applicant_signature", person.Name, rng.IntN(33) != 0)
		}
	default:
		return page{}, fmt.Errorf("no fill plan for template %s", t.ID)
	}

	img, err := g.renderer.Render(t, values, templates.CanvasDPI)
	if err != nil {
		return page{}, err
	}
	w.img = img
	if err := plan(); err != nil {
		return page{}, err
	}
	w.blanks(t)
	truth := PageTruth{Template: t.ID, Revision: t.Revision, Fields: w.fields, Hand: g.handName(w.pen)}
	if ref, ok := values.Fields["case_ref"].(string); ok {
		truth.CaseRef = ref
	}
	return page{t: t, img: img, truth: truth, glyphs: w.glyphs}, nil
}
