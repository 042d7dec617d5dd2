package scangen

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"shinsei/templates"
)

// Secret is a PIN or My Number the generator wrote on a page, and the box
// (mm on the template's page) of every glyph it drew for it. Privacy tests
// use it to check, independently of the code that redacts, that no stored
// image has ink where the glyphs were and no stored text holds Text.
type Secret struct {
	Kind  string `json:"kind"`  // SecretPIN or SecretMyNumber
	Where string `json:"where"` // one of the Place* values, or "text:" and a field id
	// Text is the secret's characters (synthetic), without the brackets
	// or spaces written around them.
	Text   string          `json:"text"`
	Glyphs []templates.Box `json:"glyphs"`
}

// Secret kinds.
const (
	SecretPIN      = "pin"
	SecretMyNumber = "mynumber"
)

// Places where a person writes a PIN again, besides its cells
// (AnswerOptions.PINAlso). PlaceCells is the cells themselves.
const (
	PlaceCells  = "cells"
	PlaceBeside = "beside" // "(6331)" after the boxes
	PlaceAbove  = "above"  // a correction above the boxes
	PlaceBelow  = "below"  // under the last row of boxes
	PlaceMargin = "margin" // beside 代理人氏名, outside every field
	PlaceText   = "text"   // in 代理人氏名 instead of the proxy's name
)

// pinPlaces are where (mm) each extra copy of a PIN is written on the
// answer sheet (revision 1's layout).
var pinPlaces = map[string]templates.Box{
	PlaceBeside: {X: 89, Y: 211.5, W: 44, H: 11},
	PlaceAbove:  {X: 50, Y: 188.5, W: 90, H: 7},
	PlaceBelow:  {X: 47, Y: 223.5, W: 60, H: 6},
	PlaceMargin: {X: 159, Y: 171, W: 35, H: 11},
}

// writeAgain writes pin at place on the answer sheet t and returns the
// secret it made.
func (w *writer) writeAgain(t *templates.Template, place, pin string) (Secret, error) {
	s := Secret{Kind: SecretPIN, Where: place, Text: pin}
	if place == PlaceText {
		if err := w.text(t, "proxy_name", pin); err != nil {
			return s, err
		}
		s.Where = "text:proxy_name"
		s.Glyphs = w.glyphs["proxy_name"]
		return s, nil
	}
	b, ok := pinPlaces[place]
	if !ok {
		return s, fmt.Errorf("no place %q to write a PIN again (want %s, %s, %s, %s or %s)", place, PlaceBeside, PlaceAbove, PlaceBelow, PlaceMargin, PlaceText)
	}
	written := pin
	if place == PlaceBeside {
		written = "(" + pin + ")"
	}
	err := w.recording(&s.Glyphs).write(w.img, b, written, w.rng)
	return s, err
}

// NewMyNumber makes a synthetic 12-digit My Number: 11 random digits and
// their check digit.
func NewMyNumber(rng *rand.Rand) string {
	d := make([]byte, 12)
	for i := range 11 {
		d[i] = byte('0' + rng.IntN(10))
	}
	sum := 0
	for n := 1; n <= 11; n++ {
		w := n + 1
		if n > 6 {
			w = n - 5
		}
		sum += int(d[11-n]-'0') * w
	}
	c := 0
	if r := sum % 11; r > 1 {
		c = 11 - r
	}
	d[11] = byte('0' + c)
	return string(d)
}

// spellMyNumber writes a My Number as people do: in one run, in groups of
// four split by spaces or hyphens, or in full-width digits.
func spellMyNumber(rng *rand.Rand, n string) string {
	switch rng.IntN(4) {
	case 0:
		return n[:4] + " " + n[4:8] + " " + n[8:]
	case 1:
		return n[:4] + "-" + n[4:8] + "-" + n[8:]
	case 2:
		var b strings.Builder
		for _, r := range n {
			b.WriteRune(r - '0' + '０')
		}
		return b.String()
	}
	return n
}

// MyNumberOptions say how an application carrying a My Number is scanned.
type MyNumberOptions struct {
	Seed   uint64
	Format string // as AnswerOptions.Format
}

// MyNumberPage makes an application form (jpki-application) filled in as
// Document fills one, except that the applicant wrote their My Number in
// the phone box: the mistake DOMAIN.md says happens. Its truth carries the
// number as a Secret.
func (g *Generator) MyNumberPage(o MyNumberOptions) (Doc, error) {
	rng := rand.New(rand.NewPCG(o.Seed, 0x3A7B+uint64(g.opts.Mix)))
	t, err := g.reg.Get("jpki-application", 0)
	if err != nil {
		return Doc{}, err
	}
	person := newPerson(rng, g.opts.Today, 20, 80)
	number := NewMyNumber(rng)
	person.Phone = spellMyNumber(rng, number)
	p, err := g.fill(t, person, rng)
	if err != nil {
		return Doc{}, fmt.Errorf("application with a My Number: %w", err)
	}
	p.truth.Secrets = append(p.truth.Secrets, Secret{Kind: SecretMyNumber, Where: "text:applicant_phone", Text: number, Glyphs: p.glyphs["applicant_phone"]})
	data, ext, err := g.scan(&p, g.opts.Mix, o.Format, rng)
	if err != nil {
		return Doc{}, fmt.Errorf("application with a My Number: %w", err)
	}
	name := fmt.Sprintf("mynumber-%d%s", o.Seed, ext)
	return Doc{Name: name, Data: data, Truth: Truth{File: name, Seed: o.Seed, Mix: g.opts.Mix.String(), Pages: []PageTruth{p.truth}}}, nil
}
