package forms

import (
	"errors"
	"math/rand/v2"
	"testing"
)

func TestCaseRefRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	seen := map[CaseRef]bool{}
	for range 1000 {
		ref := NewCaseRef(rng)
		got, err := ParseCaseRef(string(ref))
		if err != nil || got != ref {
			t.Fatalf("ParseCaseRef(%q) = %q, %v", ref, got, err)
		}
		seen[ref] = true
	}
	if len(seen) < 995 {
		t.Errorf("only %d distinct references in 1000 draws", len(seen))
	}
}

func TestParseCaseRefSpellings(t *testing.T) {
	ref := NewCaseRef(rand.New(rand.NewPCG(7, 7)))
	d := string(ref[:4]) + string(ref[5:9]) + string(ref[10:])
	full := ""
	for _, r := range d {
		full += string(r - '0' + '０')
	}
	for _, s := range []string{d, " " + d[:4] + " " + d[4:8] + " " + d[8:] + " ", d[:4] + "ー" + d[4:8] + "－" + d[8:], full} {
		got, err := ParseCaseRef(s)
		if err != nil || got != ref {
			t.Errorf("ParseCaseRef(%q) = %q, %v; want %q", s, got, err, ref)
		}
	}
}

// Every single-digit error and every adjacent swap is caught: a misread
// reference must never land on another case.
func TestCaseRefCatchesErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		ref := NewCaseRef(rng)
		d := []byte(string(ref[:4]) + string(ref[5:9]) + string(ref[10:]))
		for i := range d {
			for c := byte('0'); c <= '9'; c++ {
				if c == d[i] {
					continue
				}
				m := append([]byte(nil), d...)
				m[i] = c
				if _, err := ParseCaseRef(string(m)); !errors.Is(err, ErrBadCaseRef) {
					t.Fatalf("%s with digit %d changed to %c was accepted", ref, i, c)
				}
			}
			if i+1 < len(d) && d[i] != d[i+1] {
				m := append([]byte(nil), d...)
				m[i], m[i+1] = m[i+1], m[i]
				if _, err := ParseCaseRef(string(m)); !errors.Is(err, ErrBadCaseRef) {
					t.Fatalf("%s with digits %d,%d swapped was accepted", ref, i, i+1)
				}
			}
		}
	}
}

func TestParseCaseRefRejects(t *testing.T) {
	for _, s := range []string{"", "1234-5678", "1234-5678-90", "12a4-5678-9", "1234_5678_9"} {
		if _, err := ParseCaseRef(s); !errors.Is(err, ErrBadCaseRef) {
			t.Errorf("ParseCaseRef(%q): err = %v, want ErrBadCaseRef", s, err)
		}
	}
}
