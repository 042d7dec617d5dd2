package address

import (
	"slices"

	"shinsei/forms"
)

// Suggest proposes the address of Japan Post's list that a misread one
// most likely is: its prefecture, municipality and town within one edit
// each of what was read (one character substituted, missing or added), at
// most two edits in all, and whatever follows the town — the block number,
// the building and room — as read. A prefecture read too wrongly for that
// is taken from the municipality when no other prefecture has one of that
// name. Of the addresses found, those at the fewest edits count: Suggest
// answers only when exactly one is nearest, and never for an address the
// list knows.
//
// A suggestion is a guess the list makes likely, not a reading: a person
// must compare it with the form.
func (m *Master) Suggest(addr string) (string, bool) {
	a := forms.CompactText(addr)
	if a == "" || m.Check(a) == Known {
		return "", false
	}
	rs := []rune(a)
	// found holds the addresses at the fewest edits yet seen.
	var found []string
	least := 3
	add := func(s string, cost int) {
		switch {
		case cost < least:
			least, found = cost, []string{s}
		case cost == least && !slices.Contains(found, s):
			found = append(found, s)
		}
	}
	written := false // a prefecture of the list starts the address
	for _, pref := range m.prefs {
		pr := []rune(pref)
		if len(rs) <= len(pr) {
			continue
		}
		d := hamming(rs[:len(pr)], pr)
		written = written || d == 0
		for _, cn := range m.cityNames[pref] {
			city := cn.s
			for _, c := range cityAt(rs[len(pr):], cn.rs) {
				cost := c.cost
				switch {
				case d <= 1:
					cost += d
				case d <= len(pr)-2 && cost == 0 && len(m.cities[city]) == 1:
					// The municipality says which prefecture this is,
					// and two of its characters were read right.
					cost++
				default:
					continue
				}
				for _, t := range m.townsAt(pref, city, c.rest, 2-cost) {
					add(pref+city+t.s, cost+t.cost)
				}
			}
		}
	}
	// No prefecture written: people leave it out for their own city.
	bare := m.allCities
	if written {
		bare = nil
	}
	for _, cn := range bare {
		for _, c := range cityAt(rs, cn.rs) {
			for _, pref := range m.cities[cn.s] {
				for _, t := range m.townsAt(pref, cn.s, c.rest, 2-c.cost) {
					add(cn.s+t.s, c.cost+t.cost)
				}
			}
		}
	}
	if len(found) != 1 || found[0] == a {
		return "", false
	}
	return found[0], true
}

// cityAt are the ways s starts with city, or with a form of it one edit
// away: the edits, and what follows.
func cityAt(s, cr []rune) []at {
	if len(s) >= 2 && len(cr) >= 2 && s[0] != cr[0] && s[1] != cr[1] && s[0] != cr[1] && s[1] != cr[0] {
		return nil // one edit leaves one of its first two characters in place
	}
	var out []at
	for n := len(cr) - 1; n <= len(cr)+1; n++ {
		if n < 1 || n > len(s) {
			continue
		}
		if d := within1(s[:n], cr); d >= 0 {
			out = append(out, at{d, s[n:]})
		}
	}
	return out
}

type at struct {
	cost int
	rest []rune
}

// townsAt are what s becomes when it starts with one of the municipality's
// towns, or a form of one at most budget edits (and one) away, followed by
// a block number or nothing: the town as listed and the rest as read.
// Japan Post omits 大字 and 字, which people still write: they are kept.
func (m *Master) townsAt(pref, city string, s []rune, budget int) []tail {
	if budget < 0 {
		return nil
	}
	towns := m.towns[pref][city]
	var out []tail
	for _, pre := range []string{"", "大字", "字"} {
		after, ok := cutRunes(s, pre)
		if !ok {
			continue
		}
		if len(towns) == 0 && blockNumber(string(after)) {
			out = append(out, tail{pre + string(after), 0})
		}
		for _, t := range towns {
			tr := []rune(t)
			for n := len(tr) - 1; n <= len(tr)+1; n++ {
				if n < 1 || n > len(after) || !blockNumber(string(after[n:])) {
					continue
				}
				if d := within1(after[:n], tr); d >= 0 && d <= budget {
					out = append(out, tail{pre + t + string(after[n:]), d})
				}
			}
		}
	}
	return out
}

// tail is what follows a municipality, and the edits it took.
type tail struct {
	s    string
	cost int
}

func cutRunes(s []rune, prefix string) ([]rune, bool) {
	p := []rune(prefix)
	if len(p) > len(s) || string(s[:len(p)]) != prefix {
		return nil, false
	}
	return s[len(p):], true
}

// hamming counts the positions where a and b, of one length, differ.
func hamming(a, b []rune) int {
	d := 0
	for i := range a {
		if a[i] != b[i] {
			d++
		}
	}
	return d
}

// within1 is the edit distance between a and b when it is at most one
// (0: equal; 1: one character substituted, added or missing), or -1.
func within1(a, b []rune) int {
	switch len(a) - len(b) {
	case 0:
		if d := hamming(a, b); d <= 1 {
			return d
		}
	case 1:
		if dropsToEqual(a, b) {
			return 1
		}
	case -1:
		if dropsToEqual(b, a) {
			return 1
		}
	}
	return -1
}

// dropsToEqual: long, one character longer than short, is short with one
// character added.
func dropsToEqual(long, short []rune) bool {
	i := 0
	for i < len(short) && long[i] == short[i] {
		i++
	}
	return slices.Equal(long[i+1:], short[i:])
}
