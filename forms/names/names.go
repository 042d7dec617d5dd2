// Package names is evidence about a person's name that does not come from
// the recognizer: a lexicon of Japanese family and given names with their
// readings (names.tsv, derived from the IPA dictionary by
// cmd/shinsei-lexicon). A read 氏名 and a read フリガナ that make a known
// family name and a known given name with matching readings support each
// other; a known name whose フリガナ is none of its readings, or kanji that
// make no known name, mean one of them was misread — or the person has a
// rare name — and a person must look.
package names

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"shinsei/forms"
)

//go:embed names.tsv
var embedded []byte

//go:embed names-recent.tsv
var recent []byte

//go:embed variants.tsv
var variantPairs []byte

// Lexicon maps family and given names to their readings in katakana.
type Lexicon struct {
	family, given map[string][]string
	// givenReadings holds every reading of a given name: a given name
	// written in kana must be one of them, or さくぐら, a misread さくら,
	// would be a name.
	givenReadings map[string]bool
	// familyNear and givenNear index every name under each of its forms
	// with one character replaced by a wildcard, so the names one
	// substitution away from a misread one are a few map lookups, not a
	// scan of the lexicon (Suggest).
	familyNear, givenNear map[string][]string
	// kanaGiven holds each given name's reading written in hiragana, as a
	// name may be (さくら), under that reading; kanaGivenNear indexes it
	// as givenNear does given.
	kanaGiven, kanaGivenNear map[string][]string
	// variants are the kanji each kanji is another form of (冨 of 富):
	// the model reads one as the other, and a name with either is often
	// known with the same reading.
	variants map[rune][]rune
	// byReading holds the family and given names under each of their
	// readings, and readingsOf every reading of each, sorted: NamesRead
	// goes from a フリガナ to the names it is.
	byReading  struct{ family, given map[string][]string }
	readingsOf struct{ family, given [][]rune }
}

// Load parses the lexicon bundled with shinsei: the IPA dictionary's names
// and the recent given names it lacks (names-recent.tsv).
func Load() (*Lexicon, error) {
	l, err := Parse(append(append(append([]byte(nil), embedded...), '\n'), recent...))
	if err != nil {
		return nil, err
	}
	if l.variants, err = parseVariants(variantPairs); err != nil {
		return nil, err
	}
	return l, nil
}

// parseVariants reads variants.tsv: "#" comments, then two kanji a line.
func parseVariants(data []byte) (map[rune][]rune, error) {
	out := map[rune][]rune{}
	for i, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		a, b, ok := strings.Cut(line, "\t")
		ra, rb := []rune(a), []rune(b)
		if !ok || len(ra) != 1 || len(rb) != 1 {
			return nil, fmt.Errorf("names: variants line %d: want two kanji separated by a tab", i+1)
		}
		out[ra[0]] = append(out[ra[0]], rb[0])
		out[rb[0]] = append(out[rb[0]], ra[0])
	}
	return out, nil
}

// Parse reads a lexicon in names.tsv's format: "#" comments, then lines of
// kind (s or g), name and comma-separated readings, tab-separated.
func Parse(data []byte) (*Lexicon, error) {
	l := &Lexicon{family: map[string][]string{}, given: map[string][]string{}, givenReadings: map[string]bool{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
			return nil, fmt.Errorf("names: line %d: want kind, name and readings separated by tabs", n)
		}
		m := l.given
		switch parts[0] {
		case "s":
			m = l.family
		case "g":
		default:
			return nil, fmt.Errorf("names: line %d: kind %q is neither s nor g", n, parts[0])
		}
		for _, rd := range strings.Split(parts[2], ",") {
			if parts[0] == "g" {
				l.givenReadings[rd] = true
			}
			if !slices.Contains(m[parts[1]], rd) {
				m[parts[1]] = append(m[parts[1]], rd)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("names: %w", err)
	}
	l.kanaGiven = map[string][]string{}
	for rd := range l.givenReadings {
		l.kanaGiven[hiragana(rd)] = []string{rd}
	}
	l.familyNear, l.givenNear = wildcardIndex(l.family), wildcardIndex(l.given)
	l.kanaGivenNear = wildcardIndex(l.kanaGiven)
	l.byReading.family, l.readingsOf.family = invert(l.family)
	l.byReading.given, l.readingsOf.given = invert(l.given)
	return l, nil
}

// invert maps each reading of m's names to the names, and lists the
// readings, sorted.
func invert(m map[string][]string) (map[string][]string, [][]rune) {
	by := map[string][]string{}
	for name, rs := range m {
		for _, r := range rs {
			by[r] = append(by[r], name)
		}
	}
	keys := sortedKeys(by)
	readings := make([][]rune, len(keys))
	for i, r := range keys {
		slices.Sort(by[r])
		readings[i] = []rune(r)
	}
	return by, readings
}

// Verdict is what the lexicon says of a name and its reading.
type Verdict int

const (
	// Unknown: the name splits into no known family and given name, so
	// the lexicon can neither confirm nor refute it.
	Unknown Verdict = iota
	// Agrees: a known family name and a known given name whose readings
	// make exactly the フリガナ.
	Agrees
	// Disagrees: the name splits into known names, but no reading of them
	// is the フリガナ.
	Disagrees
)

func (v Verdict) String() string {
	switch v {
	case Agrees:
		return "agrees"
	case Disagrees:
		return "disagrees"
	}
	return "unknown"
}

// Check judges a name (kanji, kana or both, spacing ignored) against its
// フリガナ (katakana or hiragana, spacing and the middle dot ignored).
func (l *Lexicon) Check(name, kana string) Verdict {
	k := katakanaOf(kana)
	known := false
	for _, s := range l.splits(name) {
		known = true
		for _, fr := range s.family {
			if !strings.HasPrefix(k, fr) {
				continue
			}
			for _, gr := range s.given {
				if len(fr)+len(gr) == len(k) && strings.HasSuffix(k, gr) {
					return Agrees
				}
			}
		}
	}
	if known {
		return Disagrees
	}
	return Unknown
}

// Known reports whether a name splits into a known family name and a known
// given name.
func (l *Lexicon) Known(name string) bool { return len(l.splits(name)) > 0 }

type split struct{ family, given []string }

// splits are the ways name divides into a family name and a given name
// that the lexicon knows, with their readings. A given name written in
// kana (さくら) is its own reading, when it is the reading of a known given
// name.
func (l *Lexicon) splits(name string) []split {
	rs := []rune(forms.CompactText(name))
	var out []split
	for i := 1; i < len(rs); i++ {
		fr := l.family[string(rs[:i])]
		if len(fr) == 0 {
			continue
		}
		g := string(rs[i:])
		gr := l.given[g]
		if len(gr) == 0 {
			if k, ok := forms.NormalizeKatakana(g); ok && kanaOnly(g) && l.givenReadings[k] {
				gr = []string{k}
			}
		}
		if len(gr) > 0 {
			out = append(out, split{fr, gr})
		}
	}
	return out
}

func kanaOnly(s string) bool {
	for _, r := range s {
		if !(r >= 'ぁ' && r <= 'ゖ') && !(r >= 'ァ' && r <= 'ヺ') && r != 'ー' {
			return false
		}
	}
	return s != ""
}

// confusablePairs are characters the handwriting model takes for one
// another, two by two: those the issue names, those most often confused
// on the calibration hands (太 for 大, シ for ジ, 子 for 千…), and 郎 for
// 朗 and 朗 for 明, which the model does on six faces at some size, print
// among them, though the calibration hands' few 郎 were read right.
const confusablePairs = "太大未末夕タ力カ口ロ二ニ工エ一ー子千士土己巳郎朗朗明" + "シジシンソンツショヨャヤュユ"

// measuredNamePairs are the substitutions jpn_hand made five times or more
// in 5,849 names drawn from this lexicon and written in the calibration
// hands (internal/evaluate's TestNameConfusions, seed 11, 2,000 a hand),
// most frequent first, but those above; then the three that let a name
// through on other names in the same hands (seed 12: 礒/磯, ヶ/ケ, 智/知),
// and 冶/治: a held-out run let 鍛冶 through as 鍛治 (both カジ), and 鍛冶
// written in the calibration hands under 74 given names was read 鍛治 52
// times, 3 of them sure and let through without this pair, none with it
// (鍛治 was read 鍛冶 25 times of 74, none sure).
// Most make no rival name; those that do (冨/富, 惠/恵, 峯/峰, 照/昭…) are
// what let a wrong name through.
const measuredNamePairs = "礒磯ヶケ智知冶治" + "郎施郎評美夫冨富谷な高知助町喜圭加吉郎誕也世二一今令倉食子チ恵喜照昭田由美失吉寺忠中泰奉美大之そ倉訪浩洗田販由山郎放丘立俊検博持喜寺峯峰惠恵文丈田出田箇白日義表芳孝野時乃用倉含光区刈川助国喜千喜等嘉秀堂党夫大子季富滞尚沿屋請巳日恵吉杉棚桧栓永氷波流浦清石万綱細美圧芳却蔵意裕答谷公重宣野印鐘鏡雄奴雅稚鳥島"

// swaps are the characters r is most often misread for: what a suggestion
// prefers to undo.
func swaps(r rune) []rune { return pairedWith(r, confusablePairs) }

// rivals are every character r may have been misread for: what makes a
// name not sure. Variant forms are among them: on the calibration hands
// the model read 冨 as 富 and 惠 as 恵, sure, in names that fit their
// フリガナ either way.
func (l *Lexicon) rivals(r rune) []rune {
	return append(pairedWith(r, confusablePairs+measuredNamePairs), l.variants[r]...)
}

func pairedWith(r rune, pairs string) []rune {
	var out []rune
	ps := []rune(pairs)
	for i := 0; i+1 < len(ps); i += 2 {
		switch r {
		case ps[i]:
			out = append(out, ps[i+1])
		case ps[i+1]:
			out = append(out, ps[i])
		}
	}
	return out
}

// Rival reports whether a name that fits (Check agrees with kana, or, when
// kana is "", the name is Known) would fit as well with one character
// swapped for one the reader confuses it with (翔太 and 翔大 both read
// ショウタ; 中島 read ナカシマ or ナカジマ). Then the lexicon cannot tell
// which was written, and the name is not sure.
func (l *Lexicon) Rival(name, kana string) bool {
	for _, v := range l.KanjiRivals(name) {
		if kana == "" || l.Check(v, kana) == Agrees {
			return true
		}
	}
	return l.KanaRival(name, kana)
}

// KanjiRivals are the known names that one kanji of name, swapped for
// one the reader confuses it with or for another form of it, makes
// (山田太朗 for 山田太郎): what Rival weighs on the kanji's side.
func (l *Lexicon) KanjiRivals(name string) []string {
	var out []string
	nrs := []rune(forms.CompactText(name))
	for i, r := range nrs {
		for _, alt := range l.rivals(r) {
			if v := string(nrs[:i]) + string(alt) + string(nrs[i+1:]); l.Known(v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// KanaRival is Rival's other half: whether name would fit kana as well
// with one of kana's characters swapped for one the reader confuses it
// with (中島: ナカシマ, ナカジマ). Evidence on the kanji settles nothing
// here. False when kana is "".
func (l *Lexicon) KanaRival(name, kana string) bool {
	return l.fitsSwapped(name, kana, l.rivals)
}

// fitsSwapped reports whether name fits kana with one of kana's
// characters swapped for one of alts of it (false when kana is "").
func (l *Lexicon) fitsSwapped(name, kana string, alts func(rune) []rune) bool {
	krs := []rune(katakanaOf(kana))
	for i, r := range krs {
		for _, alt := range alts(r) {
			if l.Check(name, string(krs[:i])+string(alt)+string(krs[i+1:])) == Agrees {
				return true
			}
		}
	}
	return false
}

// VoicingRival reports whether name would fit kana as well with one of
// kana's voicing marks lost or added (前田 reads マエダ and マエタ; 山崎
// ヤマザキ and ヤマサキ): the two small strokes of ダ and the circle of パ
// are what a thin pen, a binarised scan or a copier's dots lose, and the
// model adds them too (on the calibration hands' フリガナ, 23 lost and 8
// added). Then the lexicon cannot say which was written. False when kana
// is "".
func (l *Lexicon) VoicingRival(name, kana string) bool {
	return l.fitsSwapped(name, kana, func(r rune) []rune { return pairedWith(r, voicingPairs) })
}

// voicingPairs are katakana two by two that differ by a voicing mark or
// a semi-voicing circle.
const voicingPairs = "カガキギクグケゲコゴサザシジスズセゼソゾタダチヂツヅテデトドハバヒビフブヘベホボハパヒピフプヘペホポバパビピブプベペボポウヴ"

// Family and Given are the lexicon's family and given names, sorted.
func (l *Lexicon) Family() []string { return sortedKeys(l.family) }

// Given: see Family.
func (l *Lexicon) Given() []string { return sortedKeys(l.given) }

func sortedKeys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Variants are the kanji r is another form of (富 for 冨), from
// variants.tsv.
func (l *Lexicon) Variants(r rune) []rune { return l.variants[r] }
