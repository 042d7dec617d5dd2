package trainlines

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"shinsei/forms"
	"shinsei/internal/scangen"
	"shinsei/templates"
)

// maxRunes caps a line's ground truth. Longer text would still be written
// (the pen shrinks it to fit its box), but at a size no form shows.
const maxRunes = 24

// ReadWords reads a word list, one word a line (dawg2wordlist's output).
// It does not filter: NewWords does.
func ReadWords(r io.Reader) ([]string, error) {
	var words []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		words = append(words, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("word list: %w", err)
	}
	return words, nil
}

// words is a word list sorted into what the text builders need.
type words struct {
	prefectures []string
	kanji       []string // all kanji, 1–3 runes: name parts, place names
	kanjiTwo    []string // all kanji, 1–2 runes: address parts, so addresses fit
	kata        []string // all katakana, 2–5 runes: readings, building names
	letters     []string // any mix of kanji and kana: free text
}

// newWords keeps the words made only of kanji, hiragana and katakana (the
// jpn word list also holds Latin words, numbers and URLs), once each, in
// the order given, so the same list gives the same text.
func newWords(list []string) (*words, error) {
	w := &words{prefectures: forms.Prefectures()}
	seen := map[string]bool{}
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] || !allRunes(s, isLetter) || strings.HasPrefix(s, "ー") {
			continue
		}
		seen[s] = true
		n := utf8.RuneCountInString(s)
		w.letters = append(w.letters, s)
		switch {
		case allRunes(s, isKanji) && n <= 3:
			w.kanji = append(w.kanji, s)
			if n <= 2 {
				w.kanjiTwo = append(w.kanjiTwo, s)
			}
		case allRunes(s, isKatakana) && n >= 2 && n <= 5:
			w.kata = append(w.kata, s)
		}
	}
	if len(w.kanjiTwo) == 0 || len(w.kata) == 0 {
		return nil, fmt.Errorf("word list: want kanji words of 1–2 characters and katakana words of 2–5; found %d and %d among %d words", len(w.kanjiTwo), len(w.kata), len(w.letters))
	}
	return w, nil
}

func allRunes(s string, ok func(rune) bool) bool {
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}

func isKanji(r rune) bool { return unicode.Is(unicode.Han, r) }

// isKatakana accepts what the reader's katakana whitelist does
// (pipeline/text): the full-width letters and the long-vowel mark, not
// half-width forms or iteration marks.
func isKatakana(r rune) bool {
	return unicode.Is(unicode.Katakana, r) && r >= 'ァ' && r <= 'ヶ' || r == 'ー'
}

func isHiragana(r rune) bool { return unicode.Is(unicode.Hiragana, r) && r >= 'ぁ' && r <= 'ゖ' }

func isLetter(r rune) bool { return isKanji(r) || isKatakana(r) || isHiragana(r) }

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// text is what a person might write in field f, at most maxRunes long.
func (w *words) text(f templates.Field, rng *rand.Rand) string {
	var s string
	for range 20 {
		s = w.draw(f, rng)
		if utf8.RuneCountInString(s) <= maxRunes {
			return s
		}
	}
	// Twenty long draws in a row: only a word list of long words does this.
	r := []rune(s)[:maxRunes]
	return strings.TrimRight(string(r), " ")
}

func (w *words) draw(f templates.Field, rng *rand.Rand) string {
	switch {
	case f.Kind == templates.Date:
		s, _ := scangen.SpellDate(rng, randomDate(rng))
		return s
	case f.Charset == templates.Digits:
		return phone(rng)
	case f.Charset == templates.Katakana:
		return w.kana(rng)
	case strings.HasSuffix(f.ID, "_name"):
		return w.name(rng)
	case strings.Contains(f.ID, "address"):
		return w.address(rng)
	default:
		return w.free(rng)
	}
}

// name is a surname and a given name in kanji, the given name now and then
// in hiragana, as many are.
func (w *words) name(rng *rand.Rand) string {
	given := pick(rng, w.kanji)
	if rng.IntN(6) == 0 {
		given = ""
		for range 2 + rng.IntN(2) {
			given += pick(rng, hiragana)
		}
	}
	return pick(rng, w.kanji) + " " + given
}

// kana is a name's reading: two katakana words, taken from the list or
// made of morae, so that readings of names no word list holds are learnt.
func (w *words) kana(rng *rand.Rand) string {
	part := func() string {
		if rng.IntN(2) == 0 {
			return pick(rng, w.kata)
		}
		return morae(rng, 2+rng.IntN(3))
	}
	return part() + " " + part()
}

// morae strings n katakana morae together, with ン and ー after a mora and
// ッ only between two.
func morae(rng *rand.Rand, n int) string {
	var b strings.Builder
	plain := false // the last mora written ends in a vowel: ッ may follow
	for range n {
		m := pick(rng, kataMorae)
		first, _ := utf8.DecodeRuneInString(m)
		if plain && !strings.ContainsRune(noGeminate, first) && rng.IntN(8) == 0 {
			b.WriteString("ッ")
		}
		b.WriteString(m)
		plain = false
		switch rng.IntN(10) {
		case 0:
			b.WriteString("ン")
		case 1:
			b.WriteString("ー")
		default:
			plain = true
		}
	}
	return b.String()
}

// noGeminate are the morae ッ does not come before.
const noGeminate = "アイウエオナニヌネノマミムメモヤユヨラリルレロワ"

// address is shaped like a Japanese address: prefecture, city (and ward),
// town, 丁目・番・号 or its dashed short form, and sometimes a building and
// room.
func (w *words) address(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString(pick(rng, w.prefectures))
	for range 1 + rng.IntN(2) {
		b.WriteString(pick(rng, w.kanjiTwo))
	}
	b.WriteString(pick(rng, []string{"市", "区", "町", "村"}))
	if rng.IntN(4) == 0 {
		b.WriteString(pick(rng, w.kanjiTwo) + "区")
	}
	b.WriteString(pick(rng, w.kanjiTwo))
	if rng.IntN(3) == 0 {
		b.WriteString("町")
	}
	n := func() int { return 1 + rng.IntN(40) }
	if rng.IntN(3) == 0 {
		fmt.Fprintf(&b, "%d-%d-%d", n(), n(), n())
	} else {
		fmt.Fprintf(&b, "%d丁目%d番%d号", n(), n(), n())
	}
	if rng.IntN(4) == 0 {
		fmt.Fprintf(&b, " %s%d号室", pick(rng, w.kata), (1+rng.IntN(9))*100+1+rng.IntN(12))
	}
	return b.String()
}

// phone is a telephone number of one of the shapes people write: a mobile
// or IP number (090-1234-5678), a fixed line with an area code of one to
// four digits after the 0 (03-1234-5678, 0276-12-3456), now and then
// without hyphens. Its digits are random: the model learns digits, not
// numbers.
func phone(rng *rand.Rand) string {
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		return b.String()
	}
	nonzero := func() string { return string(rune('1' + rng.IntN(9))) }
	var groups []string
	switch rng.IntN(3) {
	case 0:
		groups = []string{pick(rng, []string{"090", "080", "070", "050"}), digits(4), digits(4)}
	default:
		area := 1 + rng.IntN(4) // digits after the 0
		first := "0" + nonzero() + digits(area-1)
		if area > 1 {
			first = "0" + nonzero() + nonzero() + digits(area-2)
		}
		groups = []string{first, digits(5 - area), digits(4)}
	}
	sep := "-"
	if rng.IntN(6) == 0 {
		sep = ""
	}
	if p := strings.Join(groups, sep); phoneShaped(p) {
		return p
	}
	return phone(rng) // 0120-…, a toll-free prefix in another grouping
}

func phoneShaped(s string) bool {
	_, ok := forms.NormalizePhone(s)
	return ok
}

// free is other text (a relationship, a note): one to three words.
func (w *words) free(rng *rand.Rand) string {
	var b strings.Builder
	for range 1 + rng.IntN(3) {
		b.WriteString(pick(rng, w.letters))
	}
	return b.String()
}

// randomDate is a day from 1925 to 2030: birth dates and application dates.
func randomDate(rng *rand.Rand) time.Time {
	from := time.Date(1925, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC)
	return from.AddDate(0, 0, rng.IntN(int(to.Sub(from).Hours()/24)+1))
}

// hiragana are the letters a hiragana given name is made of (さくら, みゆき).
var hiragana = strings.Split("あいうえおかきくけこがぎぐげごさしすせそじずたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ", "")

// kataMorae are katakana morae, plain and contracted (キャ, シュ).
var kataMorae = append(
	strings.Split("アイウエオカキクケコガギグゲゴサシスセソザジズゼゾタチツテトダデドナニヌネノハヒフヘホバビブベボパピプペポマミムメモヤユヨラリルレロワ", ""),
	"キャ", "キュ", "キョ", "シャ", "シュ", "ショ", "チャ", "チュ", "チョ", "ニャ", "ニュ", "ニョ",
	"ヒャ", "ヒュ", "ヒョ", "ミャ", "ミュ", "ミョ", "リャ", "リュ", "リョ", "ギャ", "ギュ", "ギョ",
	"ジャ", "ジュ", "ジョ", "ビャ", "ビュ", "ビョ", "ピャ", "ピュ", "ピョ",
)
