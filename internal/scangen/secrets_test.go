package scangen_test

import (
	"math/rand/v2"
	"testing"

	"shinsei/forms"
	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/templates"
)

func TestNewMyNumber(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 200 {
		if n := scangen.NewMyNumber(rng); !forms.MyNumberValid(n) {
			t.Fatalf("NewMyNumber made %d digits that fail the check digit", len(n))
		}
	}
}

// The glyph boxes of every secret are where the generator says it wrote
// it: one box a character, each in its cell or in the place named.
func TestAnswerSecrets(t *testing.T) {
	g := gen(t, 0, scanfx.Clean)
	tp, err := templates.Builtin().Get("jpki-answer", 0)
	if err != nil {
		t.Fatal(err)
	}
	all := []string{scangen.PlaceBeside, scangen.PlaceAbove, scangen.PlaceBelow, scangen.PlaceMargin, scangen.PlaceText}
	c := answerCase(forms.CertSignature, forms.CertUser)
	d, err := g.Answer(c, scangen.AnswerOptions{Seed: 3, PINAlso: all})
	if err != nil {
		t.Fatal(err)
	}
	secrets := d.Truth.Pages[0].Secrets
	where := map[string]scangen.Secret{}
	cells := 0
	for _, s := range secrets {
		if s.Kind != scangen.SecretPIN || s.Text == "" {
			t.Errorf("secret %+v", s.Where)
		}
		if s.Where == scangen.PlaceCells {
			cells++
			continue
		}
		where[s.Where] = s
	}
	if cells != 2 || len(where) != len(all) {
		t.Fatalf("%d PINs in cells and %d elsewhere, want 2 and %d", cells, len(where), len(all))
	}
	user, _ := tp.Field("pin_user")
	for _, s := range secrets {
		n := len([]rune(s.Text))
		if s.Where == scangen.PlaceBeside {
			n += 2 // the brackets
		}
		if len(s.Glyphs) != n {
			t.Errorf("%s: %d glyph boxes for %d characters", s.Where, len(s.Glyphs), n)
		}
		area := map[string]templates.Box{
			scangen.PlaceBeside: {X: user.Box.X + user.Box.W, Y: user.Box.Y - 2, W: 60, H: user.Box.H + 4},
			scangen.PlaceAbove:  {X: 45, Y: 186, W: 100, H: 11},
			scangen.PlaceBelow:  {X: 45, Y: 222, W: 65, H: 9},
			scangen.PlaceMargin: {X: 157, Y: 169, W: 40, H: 15},
		}
		if f, ok := tp.Field("proxy_name"); ok {
			area["text:proxy_name"] = templates.Box{X: f.Box.X - 1, Y: f.Box.Y - 2, W: f.Box.W + 2, H: f.Box.H + 4}
		}
		for i, b := range s.Glyphs {
			if b.W <= 0.5 || b.H <= 0.5 || b.W > 12 || b.H > 12 {
				t.Errorf("%s glyph %d: implausible box %+v", s.Where, i, b)
			}
			want, ok := area[s.Where]
			if s.Where == scangen.PlaceCells {
				continue
			}
			if !ok || !want.Contains(b) {
				t.Errorf("%s glyph %d at %+v, outside %+v", s.Where, i, b, want)
			}
		}
	}
}
