package names

import (
	"iter"
	"strings"

	"shinsei/forms"
)

// NearestReading proposes the フリガナ of a known name when what was read
// as its フリガナ is near one of the name's readings: of every reading the
// lexicon gives the name's family and given names, the one fewest kana
// away (ゴトウセツコ for コテウセツコ, under 後藤節子). It answers only when
// one reading is nearest and at most share of its kana differ (Near: a
// third; 1: any); the proposal is for a person to confirm, never a
// reading.
func (l *Lexicon) NearestReading(name, kana string, share float64) (string, bool) {
	read := katakanaOf(kana)
	if read == "" {
		return "", false
	}
	best, second, found := len([]rune(read))+1, len([]rune(read))+1, ""
	for r := range l.readings(name) {
		switch d := forms.EditDistance(read, r); {
		case d < best:
			best, second, found = d, best, r
		case d < second:
			second = d
		}
	}
	if found == "" || best == 0 || best == second || !within(best, found, share) {
		return "", false
	}
	return found, true
}

// Near is the share of a reading's kana a フリガナ read may differ in and
// still be near it (NearestReading, ReadsNear).
const Near = 1.0 / 3

// within says d edits are at most share of reading's kana (a hair over,
// so that a third of 6 is 2).
func within(d int, reading string, share float64) bool {
	return float64(d) <= share*float64(len([]rune(reading)))+1e-9
}

// ReadsNear reports whether kana, a フリガナ read unsurely, is near a
// reading of name: at most Near of that reading's kana away. A misread フリガナ
// still says something of the name beside it: ムラカミニチト is two kana
// from 村上湊's ムラカミミナト, and three from 村上潜's ムラカミセン.
func (l *Lexicon) ReadsNear(name, kana string) bool {
	read := katakanaOf(kana)
	for r := range l.readings(name) {
		if within(forms.EditDistance(read, r), r, Near) {
			return true
		}
	}
	return false
}

// readings yields each reading the lexicon gives name: a reading of its
// family name followed by one of its given name, each once.
func (l *Lexicon) readings(name string) iter.Seq[string] {
	return func(yield func(string) bool) {
		seen := map[string]bool{}
		for _, s := range l.splits(name) {
			for _, fr := range s.family {
				for _, gr := range s.given {
					r := fr + gr
					if seen[r] {
						continue
					}
					seen[r] = true
					if !yield(r) {
						return
					}
				}
			}
		}
	}
}

// katakanaOf is a フリガナ as the lexicon writes readings: katakana, with
// no spaces or middle dots between family and given name.
func katakanaOf(kana string) string {
	k, _ := forms.NormalizeKatakana(kana)
	return strings.NewReplacer(" ", "", "・", "").Replace(k)
}
