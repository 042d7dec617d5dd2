package names

import (
	"slices"
	"strings"

	"shinsei/forms"
)

// wildcard stands for any one character in the keys of a wildcard index.
const wildcard = '\x00'

// wildcardIndex maps each name of m, with each of its characters in turn
// replaced by the wildcard, to the names that give that key.
func wildcardIndex(m map[string][]string) map[string][]string {
	idx := map[string][]string{}
	for name := range m {
		rs := []rune(name)
		for i := range rs {
			k := withWildcard(rs, i)
			idx[k] = append(idx[k], name)
		}
	}
	for _, ns := range idx {
		slices.Sort(ns) // map order must not reach a suggestion
	}
	return idx
}

func withWildcard(rs []rune, i int) string {
	c := slices.Clone(rs)
	c[i] = wildcard
	return string(c)
}

// part is a family or given name a read one may stand for, and what it
// took to get there.
type part struct {
	name       string
	edits      int // 0: as read; 1: one character substituted or a doubled one dropped
	confusable int // 1 when the substitution swaps characters the reader confuses
}

// near are the names of m (indexed in idx) at most one edit from s: s
// itself when known, the names one substituted character away, and s with
// a doubled character written once (花花子 → 花子).
func near(m, idx map[string][]string, s string) []part {
	var out []part
	if len(m[s]) > 0 {
		out = append(out, part{name: s})
	}
	rs := []rune(s)
	for i, r := range rs {
		for _, n := range idx[withWildcard(rs, i)] {
			if n == s {
				continue
			}
			c := 0
			if slices.Contains(swaps(r), []rune(n)[i]) {
				c = 1
			}
			out = append(out, part{name: n, edits: 1, confusable: c})
		}
	}
	for i := 0; i+1 < len(rs); i++ {
		if rs[i] != rs[i+1] {
			continue
		}
		if n := string(rs[:i]) + string(rs[i+1:]); len(m[n]) > 0 && !slices.ContainsFunc(out, func(p part) bool { return p.name == n }) {
			out = append(out, part{name: n, edits: 1})
		}
	}
	return out
}

// candidate is a known name a misread one may stand for.
type candidate struct {
	name          string
	edits         int
	confusable    int
	family, given []string // readings
}

// Suggest proposes the known name a misread one most likely stands for: a
// known family name and a known given name, each as read or one character
// away from it (one substituted, or a doubled one written once). It
// answers only when one candidate stands out, and never for a name that is
// known already:
//   - when the candidates whose readings make kana (the フリガナ read, sure
//     or not; "" when there is none) are several, the one with the fewest
//     changes that are not characters the reader confuses (太/大, 子/千…)
//     and then the fewest changes, if it alone is best;
//   - when none fits kana, the only candidate one character from what was
//     read, or, of several, the only one whose changed character is one
//     the reader confuses (翔大 → 翔太).
//
// A suggestion is a guess that two independent lists make likely, not a
// reading: a person must compare it with the form.
func (l *Lexicon) Suggest(name, kana string) (string, bool) {
	rs := []rune(forms.CompactText(name))
	if len(rs) < 2 || l.Known(name) {
		return "", false
	}
	k := katakanaOf(kana)
	// Candidates one edit from what was read, and, when there is a
	// フリガナ, those up to two edits away whose readings make it. The
	// parts are filtered by the フリガナ before they are paired: a
	// two-character name has hundreds of neighbours.
	var one, fit []candidate
	for i := 1; i < len(rs); i++ {
		fs := near(l.family, l.familyNear, string(rs[:i]))
		if len(fs) == 0 {
			continue
		}
		gs := near(l.given, l.givenNear, string(rs[i:]))
		if slices.ContainsFunc(rs[i:], isHiragana) {
			// A given name written in kana (さくら read きくら).
			gs = append(gs, near(l.kanaGiven, l.kanaGivenNear, string(rs[i:]))...)
			slices.SortStableFunc(gs, func(a, b part) int { return a.edits - b.edits })
		}
		// near puts the part as read first, when it is known.
		if len(gs) > 0 && gs[0].edits == 0 {
			for _, f := range fs {
				if f.edits == 1 {
					one = append(one, l.candidate(f, gs[0]))
				}
			}
		}
		if fs[0].edits == 0 {
			for _, g := range gs {
				if g.edits == 1 {
					one = append(one, l.candidate(fs[0], g))
				}
			}
		}
		if k == "" {
			continue
		}
		fs = slices.DeleteFunc(fs, func(p part) bool {
			return !slices.ContainsFunc(l.family[p.name], func(r string) bool { return strings.HasPrefix(k, r) })
		})
		gs = slices.DeleteFunc(gs, func(p part) bool {
			return !slices.ContainsFunc(l.givenRead(p.name), func(r string) bool { return strings.HasSuffix(k, r) })
		})
		for _, f := range fs {
			for _, g := range gs {
				if c := l.candidate(f, g); c.edits > 0 && readsAs(c.family, c.given, k) {
					fit = append(fit, c)
				}
			}
		}
	}
	if len(fit) > 0 {
		return best(fit)
	}
	if n := uniqueNames(one); len(n) == 1 {
		return n[0], true
	}
	if len(one) > 0 {
		if n, ok := best(one); ok && one[0].confusable > 0 {
			return n, true
		}
	}
	return "", false
}

func (l *Lexicon) candidate(f, g part) candidate {
	return candidate{name: f.name + g.name, edits: f.edits + g.edits, confusable: f.confusable + g.confusable, family: l.family[f.name], given: l.givenRead(g.name)}
}

// givenRead are the readings of a given name, in kanji or in kana.
func (l *Lexicon) givenRead(name string) []string {
	if rs := l.given[name]; len(rs) > 0 {
		return rs
	}
	return l.kanaGiven[name]
}

func isHiragana(r rune) bool { return r >= 'ぁ' && r <= 'ゖ' }

// readsAs: some reading of the family name and some of the given name make
// k.
func readsAs(family, given []string, k string) bool {
	for _, fr := range family {
		rest, ok := strings.CutPrefix(k, fr)
		if ok && slices.Contains(given, rest) {
			return true
		}
	}
	return false
}

// best is the candidate with the fewest changes the reader's confusions do
// not explain and then the fewest changes, if no other ties with it:
// 岡町太郎 is 岡田太郎 (one unexplained change) before 岡田太朗 (the same
// one, and 郎 swapped for 朗 besides).
func best(cs []candidate) (string, bool) {
	unexplained := func(c candidate) int { return c.edits - c.confusable }
	slices.SortFunc(cs, func(a, b candidate) int {
		if d := unexplained(a) - unexplained(b); d != 0 {
			return d
		}
		return a.edits - b.edits
	})
	top := cs[0]
	for _, c := range cs[1:] {
		if c.name != top.name && unexplained(c) == unexplained(top) && c.edits == top.edits {
			return "", false
		}
	}
	return top.name, true
}

func uniqueNames(cs []candidate) []string {
	var out []string
	for _, c := range cs {
		if !slices.Contains(out, c.name) {
			out = append(out, c.name)
		}
	}
	return out
}
