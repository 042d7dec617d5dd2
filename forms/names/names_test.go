package names_test

import (
	"testing"

	"shinsei/forms/names"
)

func TestCheck(t *testing.T) {
	l, err := names.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, kana string
		want       names.Verdict
	}{
		{"鈴木翔太", "スズキショウタ", names.Agrees},
		{"鈴木 翔太", "スズキ ショウタ", names.Agrees},
		{"鈴木翔太", "すずき しょうた", names.Agrees}, // furigana in hiragana
		{"鈴木翔太", "スズキショータ", names.Agrees},  // as pronounced
		{"佐藤さくら", "サトウサクラ", names.Agrees},  // a given name in kana
		{"山田太郎", "ヤマダ・タロウ", names.Agrees},  // middle dot
		{"木村陽菜", "キムラヒナ", names.Agrees},
		// Misreadings the independent hold-out found passed as sure.
		{"木村陽菜", "キムラレナ", names.Disagrees},    // kana misread
		{"鈴木翔太", "スズキショウダイ", names.Disagrees}, // a reading of another name
		{"加藤大郎", "カトウタロウ", names.Unknown},     // 大郎 is no given name
		{"高橋拓志", "タカハシタクヤ", names.Unknown},    // 拓志 is in no list
		{"高橋拓海", "タカハシタクヤ", names.Disagrees},  // 拓海 is known, but not タクヤ
		{"鈴木翔大", "スズキショウタ", names.Unknown},    // 翔大 is not in the lexicon
		{"6331", "スズキ", names.Unknown},
		{"", "", names.Unknown},
	} {
		if got := l.Check(c.name, c.kana); got != c.want {
			t.Errorf("Check(%q, %q) = %v, want %v", c.name, c.kana, got, c.want)
		}
	}
}

func TestKnown(t *testing.T) {
	l, err := names.Load()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"山田花子": true, "長谷川 直樹": true, "佐藤さくら": true, "林さくぐら": false, "林 さくら": true, "加藤大郎": false, "山田": false, "東京都": false} {
		if got := l.Known(name); got != want {
			t.Errorf("Known(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, data := range []string{"x\t山田\tヤマダ\n", "s\t山田\n", "s\t\tヤマダ\n"} {
		if _, err := names.Parse([]byte(data)); err == nil {
			t.Errorf("Parse(%q) succeeded", data)
		}
	}
	l, err := names.Parse([]byte("# c\ns\t山田\tヤマダ\ng\t花子\tハナコ\n"))
	if err != nil || l.Check("山田花子", "ヤマダハナコ") != names.Agrees {
		t.Errorf("Parse of a two-line lexicon: %v", err)
	}
}
