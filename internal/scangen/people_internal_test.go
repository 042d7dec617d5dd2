package scangen

import (
	"math/rand/v2"
	"testing"

	"shinsei/forms"
	"shinsei/forms/address"
	"shinsei/forms/names"
)

// Generated people are ones the lexicon and the address master know, as
// real applicants mostly are: a generated name or address that shinsei's
// evidence could not confirm would make every evaluation flag it.
func TestPeopleAreKnown(t *testing.T) {
	m, err := address.Load()
	if err != nil {
		t.Fatal(err)
	}
	lex, err := names.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, pl := range places {
		for _, town := range pl.towns {
			if a := pl.pref + pl.city + town + "1丁目2番3号"; m.Check(a) != address.Known {
				t.Errorf("%s is %v to the address master", a, m.Check(a))
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		p := newPerson(rng, DefaultToday(), 15, 90)
		if v := m.Check(p.Address); v != address.Known {
			t.Errorf("address %q: %v", p.Address, v)
		}
		if v := lex.Check(p.Name, p.Kana); v != names.Agrees {
			t.Errorf("name %q (%q): %v", p.Name, p.Kana, v)
		}
	}
}

// Every phone number the generator writes is one that exists: one that
// forms refuses would send its page to a person whatever was read.
func TestPhonesHaveAShape(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		if p := phone(rng); !phoneOK(p) {
			t.Fatalf("phone %q has no shape forms.NormalizePhone accepts", p)
		}
	}
}

func phoneOK(p string) bool {
	_, ok := forms.NormalizePhone(p)
	return ok
}
