package names_test

import (
	"slices"
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

func TestRival(t *testing.T) {
	l, err := names.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, kana string
		want       bool
	}{
		{"太田花子", "オオタハナコ", true},   // 大田 is read オオタ too
		{"鈴木翔太", "スズキショウタ", false}, // 翔大 is no name the lexicon knows
		{"中島健", "ナカジマケン", true},    // ナカシマ fits 中島 as well
		{"山田花子", "ヤマダハナコ", false},  // no confusable character changes what fits
		{"山田花子", "", false},
		{"加藤大郎", "", true},      // 加藤太郎 is a name
		{"鍛治花子", "カジハナコ", true}, // 鍛冶 is カジ too, and 冶 is read 治
		// jpn_hand reads a printed or written 郎 as 朗, and 朗 as 明, on
		// many faces (IPAex Gothic, Konatu, Komatuna, Motoya Maruberi,
		// Kiloji, Seto), and 太郎 and 太朗 are both タロウ.
		{"山田太朗", "ヤマダタロウ", true},
		{"山田太郎", "ヤマダタロウ", true},
		{"加藤太郎", "", true},
		{"佐藤明", "サトウアキラ", true}, // 朗 is アキラ too
		{"鈴木一朗", "", true},
		// Measured on the calibration hands (TestNameConfusions): 冨 read
		// 富 and 惠 read 恵, where both make a name of the same reading.
		{"富山盛安", "トミヤマモリヤス", true},
		{"永原喜恵子", "ナガハラキエコ", true},
		{"沢田花子", "サワダハナコ", true}, // 澤 is a form of 沢 (variants.tsv)
		{"城ケ崎治志", "ジョウガサキハルシ", true},
	} {
		if got := l.Rival(c.name, c.kana); got != c.want {
			t.Errorf("Rival(%q, %q) = %v, want %v", c.name, c.kana, got, c.want)
		}
	}
}

// Rival's two halves: the names a kanji swap makes, and the フリガナ a
// kana swap makes that the name fits as well.
func TestRivalHalves(t *testing.T) {
	l, err := names.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := l.KanjiRivals("山田太郎"); !slices.Contains(got, "山田太朗") {
		t.Errorf("KanjiRivals(山田太郎) = %v, want 山田太朗 among them", got)
	}
	if got := l.KanjiRivals("中島健"); !slices.Contains(got, "中嶋健") {
		t.Errorf("KanjiRivals(中島健) = %v, want 中嶋健 (another form of 島) among them", got)
	}
	if got := l.KanjiRivals("鈴木翔太"); len(got) != 0 {
		t.Errorf("KanjiRivals(鈴木翔太) = %v, want none (翔大 is no name)", got)
	}
	if !l.KanaRival("中島健", "ナカジマケン") {
		t.Error("KanaRival(中島健, ナカジマケン) = false, want true (ナカシマケン)")
	}
	if l.KanaRival("山田太郎", "ヤマダタロウ") || l.KanaRival("中島健", "") {
		t.Error("KanaRival true where no kana swap fits")
	}
}

func TestSuggest(t *testing.T) {
	l, err := names.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, kana string
		want       string // "": no suggestion
	}{
		// Misreadings of unseen hands (issue 12).
		{"山口直予", "ヤマグチナオコ", "山口直子"}, // the フリガナ fits one name one character away
		{"佐藤得菜", "サトウヒナ", "佐藤陽菜"},
		{"後藤花千", "ゴウハナコ", "後藤花子"}, // the フリガナ misread too: 千 and 子 are confused
		{"中島翔大", "", "中島翔太"},      // no フリガナ: 大 and 太 are confused
		{"加藤大郎", "カトウタロウ", "加藤太郎"},
		{"佐藤花花子", "サトウハナコ", "佐藤花子"}, // a doubled character
		{"岡町太郎", "オカダタロウ", "岡田太郎"},
		// A given name written in kana is its reading.
		{"小川きくら", "オガワサクラ", "小川さくら"},
		{"小川さく号", "オガワサクラ", "小川さくら"},
		{"小川さくさくら", "オガワサクラ", ""}, // more than one character from it
		// Ties: several names fit as well, and nothing says which.
		{"青木直千", "アオキナオキ", ""}, // 直樹, 直紀, 直輝…
		{"山林亮", "ヤマモトリョウ", ""}, // 山本, 山元
		{"清水意子", "", ""},       // 恵子, 幸子, 直子…
		{"山口直予", "", ""},
		{"小川きくら", "", ""}, // さくら, きくこ, ちくら…
		// Known names are never changed, whatever the フリガナ.
		{"山田花子", "ヤマダハナコ", ""},
		{"山田花子", "ヤマダタロウ", ""},
		{"高橋拓志", "タカハシタクヤ", ""}, // two characters from 拓也
		{"6331", "", ""},
		{"", "", ""},
	} {
		got, ok := l.Suggest(c.name, c.kana)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Suggest(%q, %q) = %q, %v; want %q", c.name, c.kana, got, ok, c.want)
		}
		if ok && !l.Known(got) {
			t.Errorf("Suggest(%q, %q) = %q, which is no known name", c.name, c.kana, got)
		}
	}
}

// Suggest runs once for every name sent to a person: the wildcard index
// keeps it to a few map lookups per way of splitting the name.
func BenchmarkSuggest(b *testing.B) {
	l, err := names.Load()
	if err != nil {
		b.Fatal(err)
	}
	reads := [][2]string{{"青木直千", "アオキナオキ"}, {"中島翔大", ""}, {"山口直予", "ヤマグチナオコ"}, {"長谷川直千", "ハセガワナオキ"}}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r := reads[i%len(reads)]
		l.Suggest(r[0], r[1])
	}
}

func TestVoicingRival(t *testing.T) {
	l, err := names.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, kana string
		want       bool
	}{
		{"前田拓也", "マエタタクヤ", true}, // マエダ, with the mark lost
		{"前田拓也", "マエダタクヤ", true}, // マエタ, with a mark added
		{"山崎亮", "ヤマザキリョウ", true}, // ヤマサキ
		{"鈴木翔太", "スズキショウタ", false},
		{"佐藤花子", "サトウハナコ", false},
		{"前田拓也", "", false},
	} {
		if got := l.VoicingRival(c.name, c.kana); got != c.want {
			t.Errorf("VoicingRival(%s, %s) = %v, want %v", c.name, c.kana, got, c.want)
		}
	}
}
