package scangen

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	"golang.org/x/text/width"

	"shinsei/internal/scanfx"
	"shinsei/templates"
)

// Scenarios are the ways people fill in forms that the corpus mix does not
// show, each one a trap for a reader that trusts what it sees in a box:
//
//	faint       a text field in faint ink (a worn or erasable pen, grey 170–210)
//	faint-proxy the proxy's name in faint ink: a field no rule requires, so
//	            a reader that sees no ink there passes the form as in-person
//	faint-dithered
//	            the same, scanned by the copier (scanfx.Copier) in black and
//	            white: the faint strokes survive only as scattered dots
//	pencil      a text field in pencil (grey 110–150)
//	overrun     an address whose last characters (the room number) stand past
//	            the right edge of its box
//	correction  a wrong value struck through with two lines (二重線), the right
//	            one written above the box
//	nospace     a name written without the space between family and given name
//	fullwidth   a phone number spelled with full-width digits and dashes
//	stray-line  one pen line across an empty box
//	fold-shadow the grey shadow of a fold across an empty box
//	stale-date  an application dated four months to a year before the scan,
//	            which no clerk may accept: its day is outside every window a
//	            reader may choose a day from, so a reader that "corrects" a
//	            date into the window hides it
//	small-digit the application's date with the last digit of its day
//	            written small (squeezed in before 日), every other page
//	            scanned by the copier in black and white, where it is left
//	            as a few dots that every reader may read as another digit
//
// The truth of the field the scenario is about is what the person meant:
// a reader must read it, or say that a person must look; never pass
// something else as sure.
var Scenarios = []string{"faint", "faint-proxy", "faint-dithered", "pencil", "overrun", "correction", "nospace", "fullwidth", "stray-line", "fold-shadow", "stale-date", "small-digit"}

// ScenarioField is the field each scenario is about.
var ScenarioField = map[string]string{
	"faint": "applicant_address", "faint-proxy": "proxy_name", "faint-dithered": "proxy_name", "pencil": "applicant_address", "overrun": "applicant_address",
	"correction": "applicant_phone", "nospace": "applicant_name", "fullwidth": "applicant_phone",
	"stray-line": "proxy_name", "fold-shadow": "proxy_address", "stale-date": "application_date",
	"small-digit": "application_date",
}

// Scenario makes an application filled in by one person without a proxy,
// with scenario name acted out in its field (ScenarioField), scanned with
// the generator's mix and saved as PNG. i varies the person, hand and
// damage.
func (g *Generator) Scenario(name string, i int) (Doc, error) {
	target, ok := ScenarioField[name]
	if !ok {
		return Doc{}, fmt.Errorf("scangen: no scenario %q (have %s)", name, strings.Join(Scenarios, ", "))
	}
	h := fnv.New64a()
	h.Write([]byte(name))
	rng := rand.New(rand.NewPCG(g.opts.Seed^h.Sum64(), uint64(i)))
	t, err := g.reg.Get("jpki-application", 0)
	if err != nil {
		return Doc{}, err
	}
	img, err := g.renderer.Render(t, templates.Values{Fields: map[string]any{}, Slots: map[string]string{}}, templates.CanvasDPI)
	if err != nil {
		return Doc{}, err
	}
	person := newPerson(rng, g.opts.Today, 20, 80)
	w := &writer{img: img, rng: rng, pen: g.hands.newPen(rng, messiness(g.opts.Mix)), hands: g.hands, mix: g.opts.Mix, fields: map[string]FieldTruth{}}
	w.check(t, "cert_signature", true)
	w.check(t, "cert_user", true)
	w.check(t, "action_new", true)
	w.check(t, "action_renew", false)
	for _, f := range []struct{ id, s string }{
		{"applicant_kana", person.Kana}, {"applicant_name", person.Name}, {"applicant_address", person.Address}, {"applicant_phone", person.Phone},
		{"proxy_name", ""}, {"proxy_address", ""},
	} {
		if f.id == target && f.s == "" && (name == "faint-proxy" || name == "faint-dithered") {
			f.s = newPerson(rng, g.opts.Today, 20, 80).Name
		}
		if f.id == target {
			if err := w.scenario(t, name, f.id, f.s); err != nil {
				return Doc{}, err
			}
			continue
		}
		if err := w.text(t, f.id, f.s); err != nil {
			return Doc{}, err
		}
	}
	if err := w.date(t, "applicant_birth_date", person.Birth); err != nil {
		return Doc{}, err
	}
	w.check(t, "applicant_sex_male", person.Male)
	w.check(t, "applicant_sex_female", !person.Male)
	applied := g.opts.Today.AddDate(0, 0, -rng.IntN(3))
	if name == "stale-date" {
		applied = g.opts.Today.AddDate(0, 0, -120-rng.IntN(246))
	}
	write := w.date
	if name == "small-digit" {
		write = w.smallDigit
	}
	if err := write(t, "application_date", applied); err != nil {
		return Doc{}, err
	}
	if err := w.signature(t, "applicant_signature", person.Name, true); err != nil {
		return Doc{}, err
	}
	w.blanks(t)

	mix := g.opts.Mix
	dithered := name == "faint-dithered" || name == "small-digit" && i%2 == 1
	if dithered {
		mix = scanfx.Copier
	}
	params := scanfx.RandomParams(rng, mix)
	params.Rotate90 = 0
	if dithered {
		params.Bilevel, params.Dither, params.Sharpen, params.JPEGQuality = true, true, 0, 0
	} else {
		// Grey, not fax-mode: a fixed cut would turn faint ink into
		// nothing (a loss no reader could see; shinsei's advice is to
		// scan in grey).
		params.Bilevel, params.Dither = false, false
	}
	scan, aff, err := scanfx.Apply(img, params, rng)
	if err != nil {
		return Doc{}, err
	}
	var buf bytes.Buffer
	if err := scanfx.Encode(&buf, scan, scanfx.PNG, scanfx.EncodeOptions{DPI: params.DPI}); err != nil {
		return Doc{}, err
	}
	file := fmt.Sprintf("scenario-%s-%03d.png", name, i)
	pt := PageTruth{Page: 1, Template: t.ID, Revision: t.Revision, Fields: w.fields, Geometry: geometry(params, aff, scan, scanfx.PNG, 0), Hand: g.handName(w.pen)}
	return Doc{Name: file, Data: buf.Bytes(), Truth: Truth{File: file, Seed: g.opts.Seed, Mix: mix.String(), Index: i, Pages: []PageTruth{pt}}}, nil
}

// scenario writes value s into field id the way scenario name has it.
func (w *writer) scenario(t *templates.Template, name, id, s string) error {
	b := w.box(t, id)
	p := w.pen
	switch name {
	case "faint", "faint-proxy", "faint-dithered":
		w.fields[id] = FieldTruth{Value: s, Style: name}
		p.ink = uint8(170 + w.rng.IntN(41))
		return p.write(w.img, b, s, w.rng)
	case "pencil":
		w.fields[id] = FieldTruth{Value: s, Style: name}
		p.ink = uint8(110 + w.rng.IntN(41))
		return p.write(w.img, b, s, w.rng)
	case "overrun":
		// The room number the person added at the end, past the box.
		room := fmt.Sprintf("%d0%d", 1+w.rng.IntN(5), 1+w.rng.IntN(9))
		full := s + room
		w.fields[id] = FieldTruth{Value: full, Style: name}
		size := b.H * 0.6
		head, err := p.measure(s, size, 1)
		if err != nil {
			return err
		}
		left := b.X + b.W - head - 0.5 // the address fills the box; the room is beyond it
		return p.line(w.img, max(b.X+1, left), b.Y+b.H/2+size*0.36, full, size, 1, w.rng)
	case "correction":
		wrong := s
		for wrong == s {
			wrong = s[:len(s)-4] + fmt.Sprintf("%04d", w.rng.IntN(10000))
		}
		w.fields[id] = FieldTruth{Value: s, Written: wrong, Style: name}
		if err := p.write(w.img, b, wrong, w.rng); err != nil {
			return err
		}
		// 二重線: two strokes through the middle of the wrong value.
		y := b.Y + b.H*0.5
		for _, dy := range []float64{-0.6, 0.6} {
			j := (w.rng.Float64()*2 - 1) * 0.3
			Stroke(w.img, []pt{{X: b.X + 1, Y: y + dy + j}, {X: b.X + b.W*0.8, Y: y + dy - j}}, 0.35, p.ink)
		}
		above := templates.Box{X: b.X + b.W*0.2, Y: b.Y - b.H*0.7, W: b.W * 0.75, H: b.H * 0.7}
		return p.write(w.img, above, s, w.rng)
	case "nospace":
		v := strings.ReplaceAll(s, " ", "")
		w.fields[id] = FieldTruth{Value: v, Style: name}
		return p.write(w.img, b, v, w.rng)
	case "fullwidth":
		w.fields[id] = FieldTruth{Value: s, Written: width.Widen.String(s), Style: name}
		return p.write(w.img, b, width.Widen.String(s), w.rng)
	case "stray-line":
		w.fields[id] = FieldTruth{Value: "", Style: name}
		x0 := b.X + 2 + w.rng.Float64()*b.W*0.3
		y0 := b.Y + b.H*(0.3+w.rng.Float64()*0.4)
		l := 20 + w.rng.Float64()*10
		Stroke(w.img, []pt{{X: x0, Y: y0}, {X: x0 + l, Y: y0 + (w.rng.Float64()*2-1)*1.5}}, 0.4, p.ink)
		return nil
	case "fold-shadow":
		w.fields[id] = FieldTruth{Value: "", Style: name}
		y := b.Y + b.H*(0.25+w.rng.Float64()*0.5)
		grey := uint8(150 + w.rng.IntN(40))
		Stroke(w.img, []pt{{X: 0, Y: y}, {X: templates.PageWidthMM, Y: y + (w.rng.Float64()*2-1)*0.8}}, 1.2+w.rng.Float64(), grey)
		return nil
	}
	return fmt.Errorf("scangen: scenario %q has no writer", name)
}

// smallDigit writes date d into field id as w.date does, but with the last
// digit of the day (the last digit of every spelling) at about half the
// height of the others, as a writer who ran out of room before 日 squeezes
// it in.
func (w *writer) smallDigit(t *templates.Template, id string, d time.Time) error {
	s, _ := SpellDate(w.rng, d)
	w.fields[id] = FieldTruth{Value: d.Format("2006-01-02"), Written: s, Style: "small-digit"}
	i := strings.LastIndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
	head, digit, tail := s[:i], s[i:i+1], s[i+1:]
	b := w.box(t, id)
	p := w.pen
	size := b.H * (0.52 + w.rng.Float64()*0.18)
	x := b.X + 1.2 + w.rng.Float64()*3
	size, err := p.fit(s, size, 1, b.X+b.W-1.5-x)
	if err != nil {
		return err
	}
	small := size * (0.45 + w.rng.Float64()*0.15)
	// The same pen writes the small digit: its strokes are as wide as the
	// others', not thinned with the glyph (a face's stroke is about a
	// fourteenth of its size; the weight thickens each side).
	thick := p
	thick.hand.WeightMM += (size - small) / 14 / 2
	baseline := b.Y + b.H/2 + size*0.36
	for _, part := range []struct {
		s    string
		size float64
		pen  pen
	}{{head, size, p}, {digit, small, thick}, {tail, size, p}} {
		if err := part.pen.line(w.img, x, baseline, part.s, part.size, 1, w.rng); err != nil {
			return err
		}
		adv, err := part.pen.measure(part.s, part.size, 1)
		if err != nil {
			return err
		}
		x += adv
	}
	return nil
}
