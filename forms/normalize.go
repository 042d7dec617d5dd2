package forms

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizeText puts text as read from a form into one canonical spelling,
// so that what the reader produced and what a clerk typed compare equal:
//
//   - NFKC: full-width digits and letters become half-width, half-width
//     katakana become full-width (ｶﾀｶﾅ → カタカナ, ０３ → 03), and era
//     ligatures are spelled out (㍻ → 平成);
//   - every run of whitespace (ASCII, tabs, U+3000 ideographic space, …)
//     becomes one ASCII space, and the ends are trimmed;
//   - a run of dash-like runes between two digits becomes ASCII '-'
//     ("1ー2ー3" → "1-2-3"), because between digits it can only be a
//     hyphen, whereas after kana ー is the long vowel and must stay.
//
// It is idempotent.
func NormalizeText(s string) string {
	rs := foldSpaces([]rune(norm.NFKC.String(s)))
	for i := 0; i < len(rs); {
		if !isDashLike(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && isDashLike(rs[j]) {
			j++
		}
		if i > 0 && isASCIIDigit(rs[i-1]) && j < len(rs) && isASCIIDigit(rs[j]) {
			for k := i; k < j; k++ {
				rs[k] = '-'
			}
		}
		i = j
	}
	return string(rs)
}

// CompactText is NormalizeText with every space removed: for comparing
// names and addresses, where spacing carries no meaning ("佐藤 花子" and
// "佐藤花子" are the same person).
func CompactText(s string) string {
	return strings.ReplaceAll(NormalizeText(s), " ", "")
}

// foldSpaces turns each run of whitespace into one ' ' and trims the ends.
func foldSpaces(rs []rune) []rune {
	out := rs[:0] // rewriting in place is safe: out never overtakes rs
	pending := false
	for _, r := range rs {
		if unicode.IsSpace(r) {
			pending = len(out) > 0
			continue
		}
		if pending {
			out = append(out, ' ')
			pending = false
		}
		out = append(out, r)
	}
	return out
}

// isDashLike reports whether r is one of the many runes that hand-writing,
// OCR and input methods produce where a hyphen or long vowel was meant.
// 一 (kanji one) is deliberately absent: it is a real character in
// addresses and names, and guessing it away would corrupt them.
func isDashLike(r rune) bool {
	switch r {
	case '-', // hyphen-minus (and what NFKC makes of － and ﹣)
		'\u02D7', // ˗ modifier letter minus
		'\u2010', // ‐ hyphen
		'\u2011', // ‑ non-breaking hyphen
		'\u2012', // ‒ figure dash
		'\u2013', // – en dash
		'\u2014', // — em dash
		'\u2015', // ― horizontal bar
		'\u2043', // ⁃ hyphen bullet
		'\u2212', // − minus sign
		'\u2500', // ─ box drawing, a common OCR answer for a long stroke
		'\u2501', // ━
		'\u30FC', // ー katakana long vowel (and what NFKC makes of ｰ)
		'\uFE63', // ﹣ small hyphen-minus
		'\uFF0D', // － full-width hyphen-minus
		'\uFF70': // ｰ half-width long vowel
		return true
	}
	return false
}

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }
