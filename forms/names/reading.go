package names

import (
	"iter"
	"math"
	"slices"
	"strings"

	"shinsei/forms"
)

// NearestReading proposes the フリガナ of a known name when what was read
// as its フリガナ is near one of the name's readings: of every reading the
// lexicon gives the name's family and given names, the one fewest kana
// away (ゴトウセツコ for コテウセツコ, under 後藤節子). It answers only when
// one reading is nearest and at most share of its kana differ (Near: a
// third; 1: any); the proposal is for a person to confirm, never a
// reading. Of nearest readings that differ in a long vowel spelt out or
// marked ー (サトウ, サトー: the lexicon gives both), the one spelt out is
// nearest: a フリガナ is written so (コンドウショカタ is コンドウショウタ, not
// コンドーショウタ, as near).
func (l *Lexicon) NearestReading(name, kana string, share float64) (string, bool) {
	read := katakanaOf(kana)
	if read == "" {
		return "", false
	}
	best := len([]rune(read)) + 1
	var nearest []string
	for r := range l.readings(name) {
		switch d := forms.EditDistance(read, r); {
		case d < best:
			best, nearest = d, []string{r}
		case d == best:
			nearest = append(nearest, r)
		}
	}
	if spelt := slices.DeleteFunc(slices.Clone(nearest), func(r string) bool { return strings.ContainsRune(r, 'ー') }); len(spelt) > 0 {
		nearest = spelt
	}
	if len(nearest) != 1 || best == 0 || !within(best, nearest[0], share) {
		return "", false
	}
	return nearest[0], true
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

// ReadsOther reports whether name is a known name and kana, a フリガナ read
// unsurely, is exactly the reading of some known name while two kana or
// more from every reading of name. A misread フリガナ seldom spells a name; one that does is evidence
// of the name written, and here it is not name: 山本千年 (ヤマモトチトシ)
// beside ヤマモトチヒロ, 山本千尋's, is as near by count (two of seven kana)
// as ムラカミニチト is to 村上湊, yet those two kana are the whole given name.
// One kana away is left to ReadsNear: a フリガナ misread by one kana spells
// another name often (カトウアア, 加藤ああ, under 加藤彩).
func (l *Lexicon) ReadsOther(name, kana string) bool {
	read := katakanaOf(kana)
	if read == "" || !l.Known(name) {
		return false
	}
	for r := range l.readings(name) {
		if forms.EditDistance(read, r) < 2 {
			return false
		}
	}
	others, _ := l.NamesRead(kana, 0)
	return len(others) > 0
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

// NamesRead are the names (family and given name joined, no space) of
// which some reading is fewest kana away from kana, a フリガナ read,
// and how many kana that is: ムラカミミナト gives 村上湊, 村上港… at 0;
// ゴブトウミナト gives 後藤湊, 五島湊… at 1. Nothing when the nearest
// reading is more than share of kana's kana away. A フリガナ read is
// written apart from its 氏名, so these are the names the kana say were
// written, whatever was read in the 氏名 box.
func (l *Lexicon) NamesRead(kana string, share float64) ([]string, int) {
	k := []rune(katakanaOf(kana))
	if len(k) < 2 {
		return nil, 0
	}
	// The distance of kana to a family reading followed by a given one is
	// the least, over where kana is cut in two, of the distances of its
	// halves to each: so only the readings nearest each half can be part
	// of a nearest whole.
	type cut struct{ family, given []string }
	var cuts []cut
	best := math.MaxInt
	buf := make([]int, 2*(len(k)+1))
	for i := 1; i < len(k); i++ {
		fd, fr := nearestOf(k[:i], l.readingsOf.family, buf)
		gd, gr := nearestOf(k[i:], l.readingsOf.given, buf)
		if fr == nil || gr == nil {
			continue
		}
		d := fd + gd
		if d < best {
			best, cuts = d, cuts[:0]
		}
		if d == best {
			cuts = append(cuts, cut{fr, gr})
		}
	}
	if best == math.MaxInt || float64(best) > share*float64(len(k))+1e-9 {
		return nil, 0
	}
	seen := map[string]bool{}
	var out []string
	for _, c := range cuts {
		for _, fr := range c.family {
			for _, gr := range c.given {
				// A given name may be written in kana, as its reading
				// (Check takes さくら for サクラ).
				given := append(slices.Clone(l.byReading.given[gr]), hiragana(gr))
				for _, f := range l.byReading.family[fr] {
					for _, g := range given {
						if n := f + g; !seen[n] {
							seen[n] = true
							out = append(out, n)
						}
					}
				}
			}
		}
	}
	slices.Sort(out)
	return out, best
}

// nearestOf are the readings fewest edits from s, and how many.
func nearestOf(s []rune, readings [][]rune, buf []int) (int, []string) {
	best := math.MaxInt
	var out []string
	for _, r := range readings {
		if diff := len(r) - len(s); diff > best || -diff > best {
			continue // the lengths alone are farther apart
		}
		d := forms.RuneDistance(r, s, buf)
		if d < best {
			best, out = d, out[:0]
		}
		if d == best {
			out = append(out, string(r))
		}
	}
	return best, out
}

// hiragana is katakana in hiragana (ー and what has no hiragana kept).
func hiragana(katakana string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'ァ' && r <= 'ヶ' {
			return r - 'ァ' + 'ぁ'
		}
		return r
	}, katakana)
}
