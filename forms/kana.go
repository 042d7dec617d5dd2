package forms

// NormalizeKatakana normalises a フリガナ field: NormalizeText, hiragana
// written as katakana (people often write furigana in hiragana though the
// form asks for katakana; both name the same reading), and a dash-like
// rune after a kana made the long vowel ー. The bool reports whether the
// result is a plausible katakana reading: non-empty, and only katakana
// ァ–ヶ, ー, ・ and spaces.
func NormalizeKatakana(s string) (string, bool) {
	rs := []rune(NormalizeText(s))
	for i, r := range rs {
		switch {
		case r >= 'ぁ' && r <= 'ゖ':
			rs[i] = r + ('ァ' - 'ぁ')
		case r == 'ゝ', r == 'ゞ': // iteration marks have katakana twins too
			rs[i] = r + ('ヽ' - 'ゝ')
		case isDashLike(r) && i > 0 && isKanaForLongVowel(rs[i-1]):
			// rs[i-1] is already converted, so "カーー" chains.
			rs[i] = 'ー'
		}
	}
	ok := len(rs) > 0
	for _, r := range rs {
		if !(r >= 'ァ' && r <= 'ヶ') && r != 'ー' && r != '・' && r != ' ' {
			ok = false
			break
		}
	}
	return string(rs), ok
}

// isKanaForLongVowel: the runes after which a dash can only be ー.
func isKanaForLongVowel(r rune) bool {
	return (r >= 'ァ' && r <= 'ヺ') || r == 'ー'
}
