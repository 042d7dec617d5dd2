package text

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"shinsei/forms"
	"shinsei/templates"
)

// plausibleJapanese checks that a kanji-charset value has the shape of its
// field. Fields are told apart by their id's suffix (_name, _address,
// _relationship), the convention every template follows. These checks
// exist because Tesseract is often sure of a wrong character: a wrong
// value caught here goes to a person instead of into the record.
func plausibleJapanese(f templates.Field, v string) bool {
	compact := strings.ReplaceAll(v, " ", "")
	n := utf8.RuneCountInString(compact)
	if n == 0 {
		return false
	}
	switch {
	case strings.HasSuffix(f.ID, "_name"), strings.HasSuffix(f.ID, "_relationship"):
		// A name is kanji and kana only: a digit, a Latin letter or a
		// punctuation mark in it is a misread stroke.
		if n > 16 {
			return false
		}
		for _, r := range compact {
			if !isJapaneseLetter(r) || r == 'ー' {
				return false
			}
		}
		return true
	case strings.HasSuffix(f.ID, "_address"):
		return plausibleAddress(compact)
	}
	return true
}

// kanjiCharsetHolds reports whether v is made of characters a field of
// the kanji charset can hold: a name or relationship only Japanese letters
// (kanji, kana, 々, ー) and ・; an address no Latin letter (it holds
// digits: 6丁目12番1号); any other such field no Latin letter or digit.
// This is the charset, not the shape: a name of kanji that is no name is
// plausibleJapanese's to judge, and keeps its value for the reviewer.
func kanjiCharsetHolds(f templates.Field, v string) bool {
	name := strings.HasSuffix(f.ID, "_name") || strings.HasSuffix(f.ID, "_relationship")
	address := strings.HasSuffix(f.ID, "_address")
	for _, r := range v {
		latin := r < utf8.RuneSelf && unicode.IsLetter(r)
		digit := r >= '0' && r <= '9'
		switch {
		case name && !isJapaneseLetter(r) && r != '・',
			latin,
			digit && !address:
			return false
		}
	}
	return true
}

// hasAlnumRun reports whether s holds n or more ASCII letters and digits
// in a row: as many as the shortest PIN (four digits).
func hasAlnumRun(s string, n int) bool {
	run := 0
	for _, r := range s {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			run++
			if run >= n {
				return true
			}
			continue
		}
		run = 0
	}
	return false
}

// phoneLike reports whether p (as NormalizePhone gives it) is written as
// a phone number is, right or wrong: three groups of 2–5 digits, 9–11
// digits in all.
func phoneLike(p string) bool {
	groups := strings.Split(p, "-")
	if len(groups) != 3 {
		return false
	}
	n := 0
	for _, g := range groups {
		if len(g) < 2 || len(g) > 5 || strings.Trim(g, "0123456789") != "" {
			return false
		}
		n += len(g)
	}
	return n >= 9 && n <= 11
}

// prefectures are the 47 都道府県, which an address that starts with one
// must name exactly.
var prefectures = forms.Prefectures()

var (
	// A block number is 〇丁目; anything else before 目 after a digit is
	// a misread 丁 (工目, 了目, 5目).
	chomeLike = regexp.MustCompile(`[0-9]+[^0-9丁]?目`)
	chome     = regexp.MustCompile(`[0-9]+丁目`)
	// The house number: 〇番〇号, 〇番地〇, 〇番〇, or 〇-〇(-〇).
	houseNumber = regexp.MustCompile(`[0-9]+(番地?[0-9]+号?|番地|番|-[0-9]+(-[0-9]+)?)`)
	longNumber  = regexp.MustCompile(`[0-9]{4,}`)
	lostNumber  = regexp.MustCompile(`[0-9]番号`)
)

// prefectureBase is a prefecture's name without its last character (京都府
// → 京都, 北海道 → 北海).
func prefectureBase(p string) string {
	_, n := utf8.DecodeLastRuneInString(p)
	return p[:len(p)-n]
}

func plausibleAddress(a string) bool {
	if utf8.RuneCountInString(a) < 6 {
		return false
	}
	for _, r := range a {
		if !isJapaneseLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("-()", r) {
			return false
		}
	}
	// A prefecture's last character where one would be (within its first
	// four characters) means the address starts with one: it must be real.
	if i := strings.IndexAny(a, "都道府県"); i >= 0 && utf8.RuneCountInString(a[:i]) <= 3 {
		ok := false
		for _, p := range prefectures {
			if strings.HasPrefix(a, p) || strings.HasPrefix(a, prefectureBase(p)+"市") {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	// A prefecture's name without its 都道府県 (千葉上…) is a misread one,
	// unless it is the city of the same name (京都市, 千葉市).
	for _, p := range prefectures {
		base := prefectureBase(p)
		if strings.HasPrefix(a, base) && !strings.HasPrefix(a, p) && !strings.HasPrefix(a, base+"市") {
			return false
		}
	}
	if !strings.ContainsAny(a, "市区町村郡") || !houseNumber.MatchString(a) {
		return false
	}
	// Four digits or more are a 番地 (1234番地, 1234-5) or nothing an
	// address holds: a run standing alone may be a PIN written after it.
	for _, loc := range longNumber.FindAllStringIndex(a, -1) {
		rest := a[loc[1]:]
		if loc[1]-loc[0] > 5 || !(strings.HasPrefix(rest, "番") || strings.HasPrefix(rest, "丁目") || strings.HasPrefix(rest, "号") || strings.HasPrefix(rest, "-")) {
			return false
		}
	}
	for _, m := range chomeLike.FindAllString(a, -1) {
		if !chome.MatchString(m) {
			return false
		}
	}
	// 番 then 号 with no number between (8番号 for 8番2号): a number was
	// lost, as the model drops a faint or thin digit.
	if lostNumber.MatchString(a) {
		return false
	}
	return true
}

// isJapaneseLetter is a kanji, a kana, or 々 (the repetition mark in 佐々木).
func isJapaneseLetter(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || r == '々' || r == 'ー'
}

// plausibleKana checks what katakana can spell: a small ャュョ only after
// an イ-row kana (キャ, シュ) or フ/ヴ/テ/デ; a small ァィゥェォ only after a
// kana that takes one (ファ, ティ, ウィ, シェ, ヴォ…); a small ッ before a
// consonant, not at the end or before ー or a vowel; ー and small kana
// never first. Tesseract's commonest katakana misreads (コ→ユ, ツ→ッ)
// break these rules.
func plausibleKana(s string) bool {
	rs := []rune(strings.ReplaceAll(s, " ", ""))
	if len(rs) == 0 {
		return false
	}
	const (
		iRow      = "キギシジチヂニヒビピミリ"
		yoOK      = iRow + "フヴテデ"
		smallVOK  = "ウクグスズツテデトドフヴシジチ" + iRow
		vowels    = "アイウエオンー"
		smallYo   = "ャュョ"
		smallV    = "ァィゥェォ"
		smallKana = smallYo + smallV + "ッヮ"
	)
	for i, r := range rs {
		prev := rune(0)
		if i > 0 {
			prev = rs[i-1]
		}
		switch {
		case strings.ContainsRune(smallKana, r) && i == 0, r == 'ー' && i == 0:
			return false
		case strings.ContainsRune(smallYo, r):
			if !strings.ContainsRune(yoOK, prev) {
				return false
			}
		case strings.ContainsRune(smallV, r):
			if !strings.ContainsRune(smallVOK, prev) {
				return false
			}
		case r == 'ッ':
			if i == len(rs)-1 || strings.ContainsRune(vowels+smallKana, rs[i+1]) {
				return false
			}
		case r == 'ー':
			if strings.ContainsRune(smallKana+"ンー", prev) && prev != 'ャ' && prev != 'ュ' && prev != 'ョ' && prev != 'ァ' && prev != 'ィ' && prev != 'ゥ' && prev != 'ェ' && prev != 'ォ' {
				return false
			}
		}
	}
	return true
}
