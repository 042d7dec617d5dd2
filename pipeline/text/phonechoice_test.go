package text

import (
	"context"
	"testing"
	"time"

	"shinsei/ocr"
	"shinsei/ocr/paddle"
	"shinsei/ocr/paddle/paddletest"
	"shinsei/templates"
)

// The tree holds every number of a person's shapes in its three groups,
// and nothing else: no run of digits alone, no toll-free number, no fixed
// line whose area code has a 0 after its first digit.
func TestPhoneTree(t *testing.T) {
	tree := NewPhoneChooser(paddle.Knows(), paddle.Alike()).tree()
	for _, c := range []struct {
		spelling string
		in       bool
	}{
		{"090-1234-5678", true},
		{"050-1234-5678", true},
		{"03-3617-9700", true},
		{"089-516-9981", true},
		{"0467-12-3456", true},
		{"01267-1-2345", true},
		{"09012345678", false},  // digits alone
		{"0312345678", false},   // digits alone
		{"0120-123-456", false}, // toll-free
		{"080-0123-4567", false},
		{"03-0123-4567", false},
		{"040-123-4567", false},
		{"060-1234-5678", false},
		{"090-1234-567", false},
		{"03-1234-56789", false},
		{"1234-5678-9012", false}, // a My Number in groups
	} {
		if got := keyOf(tree, c.spelling); (got != "") != c.in || c.in && got != c.spelling {
			t.Errorf("%s: key %q, want in the tree: %v", c.spelling, got, c.in)
		}
	}
}

func TestChoosePhone(t *testing.T) {
	phone := field("applicant_phone", templates.Text, templates.Digits, false)
	reads := func(s string, conf float64) []ocr.Result {
		return []ocr.Result{line(s, conf), line(s, conf), line(s, conf)}
	}
	both := func(spelling string, share, fit float64) []choice {
		c := choice{Choice: paddle.Choice{Share: share, Fit: fit}, spelling: spelling}
		return []choice{c, c}
	}
	const right = "03-3617-9700"
	// apart: the first model chooses right, the second another number.
	apart := func(first, second float64) []choice {
		return []choice{{Choice: paddle.Choice{Share: first}, spelling: right}, {Choice: paddle.Choice{Share: second}, spelling: "03-3611-9700"}}
	}
	for _, c := range []struct {
		name   string
		reads  []ocr.Result
		choose []choice
		value  any
		review bool
		why    string
	}{
		{"a hyphen lost, both choose a number", reads("03-36179700", 0.9), both(right, 0.9, -1), right, true, WhySecond},
		{"unsure value, both choose another number", reads("03-3611-9700", 0.5), both(right, 0.9, -1), right, true, WhySecond},
		{"a proposal, both choose another number", reads("83-3611-9700", 0.9), both(right, 0.9, -1), right, true, WhySecond},
		{"unsure value, both choose it", reads(right, 0.5), both(right, 0.99, 0), right, true, WhyUnsure},
		{"sure value: not asked", reads("03-3611-9700", 0.99), both(right, 0.9, -1), "03-3611-9700", false, ""},
		{"unsure value, a choice not clear", reads("03-3611-9700", 0.5), both(right, 0.6, 0), "03-3611-9700", true, WhyUnsure},
		{"unsure value, a choice fitting badly", reads("03-3611-9700", 0.5), both(right, 0.9, -4), "03-3611-9700", true, WhyUnsure},
		{"no number read, a choice less clear", reads("03-36179700", 0.9), both(right, 0.4, -5), right, true, WhySecond},
		{"a proposal, a choice less clear", reads("83-3611-9700", 0.9), both(right, 0.4, -5), right, true, WhySecond},
		{"no number read, a choice not clear", reads("03-36179700", 0.9), both(right, 0.2, 0), nil, true, WhyShape},
		{"no number read, a choice fitting badly", reads("03-36179700", 0.9), both(right, 0.9, -7), nil, true, WhyShape},
		{"the models differ", reads("03-36179700", 0.9), apart(0.75, 0.9), nil, true, WhyShape},
		{"no number read, the first model alone very clear", reads("03-36179700", 0.9), apart(0.85, 0.9), right, true, WhySecond},
		{"a proposal, the first model alone very clear", reads("83-3611-9700", 0.9), apart(0.85, 0.9), right, true, WhySecond},
		{"unsure value, the first model alone very clear", reads("03-3611-9700", 0.5), apart(0.95, 0.9), "03-3611-9700", true, WhyUnsure},
		{"no number read, the first model alone fitting badly", reads("03-36179700", 0.9), []choice{{Choice: paddle.Choice{Share: 0.95, Fit: -7}, spelling: right}}, nil, true, WhyShape},
		{"one model, not very clear", reads("03-36179700", 0.9), both(right, 0.75, 0)[:1], nil, true, WhyShape},
		{"digits alone are no number of the tree", reads("03-36179700", 0.9), both("0336179700", 0.9, 0), nil, true, WhyShape},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := second("03-36", "03-36") // the models' free reads: no number
			s.choose = c.choose
			rd, err := NewReader(&seqOCR{res: c.reads}).WithToday(func() time.Time { return today }).WithSecond(s).Read(context.Background(), page(phone.Box), phone)
			if err != nil {
				t.Fatal(err)
			}
			checkChosen(t, rd, c.value, c.review, c.why)
		})
	}
}

// The real models, asked which phone number a printed line holds, pick
// the one written among all numbers of its shape; a My Number written in
// the box is no number of the tree, and none is chosen for it.
func TestChoosePhoneModels(t *testing.T) {
	face := konatu(t)
	c := NewPhoneChooser(paddle.Knows(), paddle.Alike())
	p := paddletest.Pool(t)
	for _, w := range []struct{ written, want string }{
		{"090-1234-5678", "090-1234-5678"},
		{"03-3617-9700", "03-3617-9700"},
		{"089-516-9981", "089-516-9981"},
		{"０８９－５１６－９９８１", "089-516-9981"},
		{"1234 5678 9012", ""},
		{"4821", ""}, // a PIN written in the box
	} {
		cs := choosePrinted(t, p, face, w.written, c.allow, c.tree())
		if len(cs) != 2 {
			t.Errorf("%s: %d models chose", w.written, len(cs))
		}
		got, ok := bothChose(cs, minPhoneShare, minPhoneFit)
		if !ok {
			got = ""
		}
		// A box read as no number is proposed any number both choose
		// alike (choosePhone); a My Number there must still get none.
		if guess, ok := bothChose(cs, minPhoneGuessShare, minPhoneGuessFit); ok && guess != w.want {
			t.Errorf("%s: both chose %q at the guessing thresholds, want %q", w.written, guess, w.want)
		}
		if first, ok := firstChose(cs, minPhoneAloneShare, minPhoneGuessFit); ok && first != w.want {
			t.Errorf("%s: the first model alone chose %q, want %q", w.written, first, w.want)
		}
		if got != w.want {
			for _, ch := range cs {
				t.Logf("%s, %s: chose %q (share %.3f, fit %.2f)", w.written, ch.Model, ch.Key, ch.Share, ch.Fit)
			}
			t.Errorf("%s: both chose %q, want %q", w.written, got, w.want)
		}
	}
}

// BenchmarkChoosePhone is both models choosing a printed phone number
// among every number of a person's shapes.
//
//	go test -run XXX -bench ChoosePhone -cpu 1 ./pipeline/text/
func BenchmarkChoosePhone(b *testing.B) {
	c := NewPhoneChooser(paddle.Knows(), paddle.Alike())
	p := paddletest.Pool(b)
	img := printedLine(konatu(b), "089-516-9981")
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Choose(context.Background(), img, c.allow, c.tree()); err != nil {
			b.Fatal(err)
		}
	}
}
