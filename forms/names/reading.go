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
// one reading is nearest and it is at most a third of its kana away; the
// proposal is for a person to confirm, never a reading.
func (l *Lexicon) NearestReading(name, kana string) (string, bool) {
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
	if found == "" || best == 0 || best == second || 3*best > len([]rune(found)) {
		return "", false
	}
	return found, true
}

// ReadsNear reports whether kana, a フリガナ read unsurely, is near a
// reading of name: at most a third of that reading's kana away, the
// distance within which NearestReading proposes one. A misread フリガナ
// still says something of the name beside it: ムラカミニチト is two kana
// from 村上湊's ムラカミミナト, and three from 村上潜's ムラカミセン.
func (l *Lexicon) ReadsNear(name, kana string) bool {
	read := katakanaOf(kana)
	for r := range l.readings(name) {
		if 3*forms.EditDistance(read, r) <= len([]rune(r)) {
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
