package forms

import "testing"

func TestNormalizeText(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"empty", "", ""},
		{"only spaces", " \t\u3000 ", ""},
		{"full-width digits", "０１２３４５６７８９", "0123456789"},
		{"full-width letters", "ＡＢＣａｂｃ", "ABCabc"},
		{"half-width katakana", "ｶﾀｶﾅ", "カタカナ"},
		{"half-width voiced kana compose", "ｶﾞｯｺｳ", "ガッコウ"},
		{"half-width long vowel", "ｺｰﾋｰ", "コーヒー"},
		{"era ligature", "㍻元年", "平成元年"},
		{"ideographic space folded", "佐藤\u3000花子", "佐藤 花子"},
		{"runs and tabs folded, ends trimmed", " \t佐藤 \u3000\t 花子\n", "佐藤 花子"},
		{"long vowel after kana kept", "コーヒー", "コーヒー"},
		{"em dash after kana kept", "コ—ヒ", "コ—ヒ"},
		{"long vowel between digits", "1ー2ー3", "1-2-3"},
		{"full-width dash between full-width digits", "０３－１２３４－５６７８", "03-1234-5678"},
		{"minus, en dash, hyphen between digits", "1−2–3‐4", "1-2-3-4"},
		{"em dash, bar, half-width ｰ between digits", "1—2―3ｰ4", "1-2-3-4"},
		{"run of dashes between digits", "1ーー2", "1--2"},
		{"dash at end kept", "3ー", "3ー"},
		{"dash between digit and kanji kept", "3ー丁目", "3ー丁目"},
		{"dash across a space kept", "3 ー 4", "3 ー 4"},
		{"kanji one not a dash", "1一2", "1一2"},
		{"address", "東京都千代田区１丁目２ー３", "東京都千代田区1丁目2-3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := NormalizeText(c.in)
			if got != c.want {
				t.Errorf("NormalizeText(%q) = %q, want %q", c.in, got, c.want)
			}
			if again := NormalizeText(got); again != got {
				t.Errorf("not idempotent: %q → %q", got, again)
			}
		})
	}
}

func TestCompactText(t *testing.T) {
	for _, c := range []struct{ a, b string }{
		{"佐藤 花子", "佐藤花子"},
		{"佐藤\u3000花子", " 佐藤花子 "},
		{"ｻﾄｳ ﾊﾅｺ", "サトウハナコ"},
		{"東京都 千代田区 １ー２ー３", "東京都千代田区1-2-3"},
	} {
		if CompactText(c.a) != CompactText(c.b) {
			t.Errorf("CompactText(%q) = %q, CompactText(%q) = %q; want equal", c.a, CompactText(c.a), c.b, CompactText(c.b))
		}
	}
	for _, c := range []struct{ a, b string }{
		{"佐藤花子", "佐藤華子"},
		{"1-2-3", "1-2-4"},
	} {
		if CompactText(c.a) == CompactText(c.b) {
			t.Errorf("CompactText(%q) == CompactText(%q)", c.a, c.b)
		}
	}
}
