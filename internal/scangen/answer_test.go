package scangen_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/pipeline/register"
	"shinsei/templates"
)

func answerCase(certs ...string) scangen.Case {
	return scangen.Case{
		Ref:  forms.NewCaseRef(rand.New(rand.NewPCG(5, 6))).String(),
		Name: "山田 花子", Kana: "ヤマダ ハナコ", Address: "東京都練馬区豊玉北6丁目12番1号",
		Birth: time.Date(1948, 3, 9, 0, 0, 0, 0, time.UTC), Certs: certs, ProxyName: "山田 太郎",
	}
}

func answer(t *testing.T, c scangen.Case, o scangen.AnswerOptions) (scangen.Doc, *register.Result, *templates.QRPayload, error) {
	t.Helper()
	d, err := gen(t, 0, scanfx.Clean).Answer(c, o)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, d)[0]
	res, err := register.Find(img, register.Options{DPIHint: d.Truth.Pages[0].Geometry.DPI})
	if err != nil {
		t.Fatalf("%s (%s, seed %d): registration: %v", d.Name, o.Mix, o.Seed, err)
	}
	qr, err := register.DecodeQR(img, res)
	if err != nil {
		return d, &res, nil, err
	}
	return d, &res, &qr, nil
}

// A returned sheet names its case: the QR code gives the answer template
// and exactly the reference, and the truth's geometry is where the finder
// puts the case_ref box.
func TestAnswerNamesItsCase(t *testing.T) {
	c := answerCase(forms.CertSignature, forms.CertUser)
	tp, err := templates.Builtin().Get("jpki-answer", 0)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := tp.Field("case_ref")
	box := ref.Box
	for _, o := range []scangen.AnswerOptions{{Seed: 1}, {Seed: 2, Format: "pdf"}, {Seed: 3, Mix: scanfx.Standard}} {
		d, res, qr, err := answer(t, c, o)
		if err != nil {
			t.Fatalf("%s: QR: %v", d.Name, err)
		}
		pt := d.Truth.Pages[0]
		if qr.Template != "jpki-answer" || qr.CaseRef != c.Ref || pt.CaseRef != c.Ref || pt.Fields["case_ref"].Value != c.Ref {
			t.Errorf("%s: QR %+v, truth case %q, want jpki-answer and %s", d.Name, *qr, pt.CaseRef, c.Ref)
		}
		if want := "answer-" + c.Ref + "."; !strings.HasPrefix(d.Name, want) {
			t.Errorf("named %s, want %s…", d.Name, want)
		}
		m := pt.Geometry.MMToPx
		for _, p := range []templates.PointMM{{X: box.X, Y: box.Y}, {X: box.X + box.W, Y: box.Y}, {X: box.X, Y: box.Y + box.H}, {X: box.X + box.W, Y: box.Y + box.H}} {
			got := res.Transform.Apply(p)
			// The truth puts pixel centres at half-integers, register at integers.
			wx, wy := m[0]*p.X+m[1]*p.Y+m[2]-0.5, m[3]*p.X+m[4]*p.Y+m[5]-0.5
			if dmm := templates.PxToMM(math.Hypot(got.X-wx, got.Y-wy), pt.Geometry.DPI); dmm > 0.5 {
				t.Errorf("%s: case_ref corner %v off by %.2f mm", d.Name, p, dmm)
			}
		}
	}
}

// A QR code inked over reads as no code at all, yet the page still
// registers: the blot stays clear of the registration mark above it.
func TestAnswerBlotQR(t *testing.T) {
	c := answerCase(forms.CertUser)
	for _, mix := range []scanfx.Mix{scanfx.Clean, scanfx.Standard} {
		for seed := range uint64(docs(4)) {
			d, _, qr, err := answer(t, c, scangen.AnswerOptions{Mix: mix, Seed: seed, BlotQR: true})
			if err == nil {
				t.Errorf("%s (%s, seed %d): blotted QR code read as %+v", d.Name, mix, seed, *qr)
			}
			if b := d.Truth.Pages[0].Blotted; !slices.Equal(b, []string{"qr"}) {
				t.Errorf("%s: truth says blotted %v, want [qr]", d.Name, b)
			}
		}
	}
}

// The person writes the PIN of each certificate applied for, in full, and
// nothing in the other box; the truth keeps the synthetic PINs and the
// pixels agree with it.
func TestAnswerPINs(t *testing.T) {
	g := gen(t, 0, scanfx.Clean)
	for _, certs := range [][]string{{forms.CertUser}, {forms.CertSignature}, {forms.CertSignature, forms.CertUser}} {
		d, err := g.Answer(answerCase(certs...), scangen.AnswerOptions{Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		pt := d.Truth.Pages[0]
		sig, user := pt.Fields["pin_signature"], pt.Fields["pin_user"]
		wantSig, wantUser := slices.Contains(certs, forms.CertSignature), slices.Contains(certs, forms.CertUser)
		if wantUser != regexp.MustCompile(`^[0-9]{4}$`).MatchString(user.Written) || user.Value != len(user.Written) || !wantUser && user.Value != 0 {
			t.Errorf("%v: pin_user truth: %v cells, %d characters written", certs, user.Value, len(user.Written))
		}
		if wantSig != regexp.MustCompile(`^[0-9A-Z]{6,16}$`).MatchString(sig.Written) || sig.Value != len(sig.Written) || !wantSig && sig.Value != 0 {
			t.Errorf("%v: pin_signature truth: %v cells, %d characters written", certs, sig.Value, len(sig.Written))
		}
		tp, _ := templates.Builtin().Get(pt.Template, pt.Revision)
		img := decode(t, d)[0]
		for _, f := range tp.Fields {
			if f.Kind != templates.PIN {
				continue
			}
			filled := 0
			for c := range f.Cells {
				if ink(img, pt.Geometry, f.Box.Cell(c, f.Cells)) > 0.01 {
					filled++
				}
			}
			if filled != pt.Fields[f.ID].Value {
				t.Errorf("%v: %s truth %v cells, ink in %d", certs, f.ID, pt.Fields[f.ID].Value, filled)
			}
		}
	}
}

// One case and one set of options make the same file, in every format;
// the options the person follows show in the truth.
func TestAnswerDeterministic(t *testing.T) {
	c := answerCase(forms.CertSignature)
	a, b := gen(t, 0, scanfx.Clean), gen(t, 99, scanfx.Hard) // the generator's own seed and mix do not enter
	formats := []string{"png", "jpg", "tif", "pdf"}
	if raceEnabled {
		formats = formats[3:] // the formats are not what the race detector is for
	}
	for _, format := range formats {
		o := scangen.AnswerOptions{Mix: scanfx.Standard, Seed: 4, Format: format, Unsigned: true, NoConfirm: true, BlotRef: true}
		da, err := a.Answer(c, o)
		if err != nil {
			t.Fatal(err)
		}
		db, err := b.Answer(c, o)
		if err != nil {
			t.Fatal(err)
		}
		ta, _ := json.Marshal(da.Truth)
		tb, _ := json.Marshal(db.Truth)
		if da.Name != db.Name || !bytes.Equal(da.Data, db.Data) || !bytes.Equal(ta, tb) {
			t.Errorf("%s: two runs differ (%s, %s)", format, da.Name, db.Name)
		}
		if !strings.HasSuffix(da.Name, "."+format) {
			t.Errorf("asked for %s, got %s", format, da.Name)
		}
		decode(t, da)
		pt := da.Truth.Pages[0]
		if pt.Fields["person_signature"].Value != false || pt.Fields["answer_confirm"].Value != false || !slices.Equal(pt.Blotted, []string{"case_ref"}) {
			t.Errorf("%s: truth signature %v, confirm %v, blotted %v", da.Name, pt.Fields["person_signature"].Value, pt.Fields["answer_confirm"].Value, pt.Blotted)
		}
	}
	x, errx := a.Answer(c, scangen.AnswerOptions{Seed: 4})
	y, erry := a.Answer(c, scangen.AnswerOptions{Seed: 5})
	if errx != nil || erry != nil || bytes.Equal(x.Data, y.Data) {
		t.Errorf("seeds 4 and 5 made the same answer sheet (%v, %v)", errx, erry)
	}
}

func TestAnswerRejectsBadCase(t *testing.T) {
	g := gen(t, 0, scanfx.Clean)
	bad := answerCase(forms.CertUser)
	bad.Ref = bad.Ref[:len(bad.Ref)-1] + string('0'+(bad.Ref[len(bad.Ref)-1]-'0'+1)%10)
	if _, err := g.Answer(bad, scangen.AnswerOptions{}); !errors.Is(err, forms.ErrBadCaseRef) {
		t.Errorf("wrong check digit: %v, want ErrBadCaseRef", err)
	}
	if _, err := g.Answer(answerCase("both"), scangen.AnswerOptions{}); err == nil {
		t.Error("unknown certificate accepted")
	}
	if _, err := g.Answer(answerCase(forms.CertUser), scangen.AnswerOptions{Format: "gif"}); err == nil {
		t.Error("unknown format accepted")
	}
}
