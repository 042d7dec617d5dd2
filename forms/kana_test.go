package forms

import "testing"

func TestNormalizeKatakana(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
		ok             bool
	}{
		{"katakana", "サトウ ハナコ", "サトウ ハナコ", true},
		{"hiragana", "さとう はなこ", "サトウ ハナコ", true},
		{"mixed", "さとウ", "サトウ", true},
		{"half-width", "ｻﾄｳ ﾊﾅｺ", "サトウ ハナコ", true},
		{"ideographic space", "サトウ\u3000ハナコ", "サトウ ハナコ", true},
		{"small kana and ヴ ヶ", "ヴァッヶ", "ヴァッヶ", true},
		{"hiragana ゔ and small ゖ", "ゔぁゖ", "ヴァヶ", true},
		{"long vowel kept", "コーヒー", "コーヒー", true},
		{"full-width hyphen after kana", "コ－ヒ－", "コーヒー", true},
		{"em dash after kana", "コ—ヒ—", "コーヒー", true},
		{"hyphen after kana", "コ‐ヒ‐", "コーヒー", true},
		{"half-width long vowel", "ｺｰﾋｰ", "コーヒー", true},
		{"minus after kana", "コ−ヒ−", "コーヒー", true},
		{"dash after hiragana", "こ－ひ－", "コーヒー", true},
		{"chained dashes", "カ−−", "カーー", true},
		{"middle dot", "ジョン・スミス", "ジョン・スミス", true},
		{"half-width middle dot", "ｼﾞｮﾝ･ｽﾐｽ", "ジョン・スミス", true},
		{"leading dash not after kana", "－カ", "-カ", false},
		{"kanji", "佐藤", "佐藤", false},
		{"latin", "Sato", "Sato", false},
		{"digits", "サトウ1", "サトウ1", false},
		{"empty", "", "", false},
		{"only spaces", " \u3000", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := NormalizeKatakana(c.in)
			if got != c.want || ok != c.ok {
				t.Errorf("NormalizeKatakana(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
			}
		})
	}
}
