package names_test

import (
	"slices"
	"testing"

	"shinsei/forms/names"
)

func TestNearestReading(t *testing.T) {
	l, err := names.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, kana, want string }{
		// Read on the calibration hands: the kanji right, the kana not.
		{"後藤節子", "コテウセツコ", "ゴトウセツコ"},
		{"遠藤節子", "エンドウセツンコ", "エンドウセツコ"},
		{"清水太郎", "シミスタロウ", "シミズタロウ"},
		{"小川一郎", "オガワィチロウ", "オガワイチロウ"},
		// A long vowel spelt out is nearer than its ー, as near by count.
		{"近藤翔太", "コンドウショカタ", "コンドウショウタ"},
		{"佐藤健太", "サトサケンタ", "サトウケンタ"},
		// Two readings as near that differ otherwise: nothing.
		{"中島千尋", "ナカチマチヒロ", ""}, // ナカシマ, ナカジマ
		// Already one of its readings: nothing to propose.
		{"後藤節子", "ゴトウセツコ", ""},
		// Too far from every reading, no reading read, or no known name.
		{"後藤節子", "ヤマダハナコ", ""},
		{"後藤節子", "", ""},
		{"後藤节子", "ゴトウセツコ", ""},
	} {
		got, ok := l.NearestReading(c.name, c.kana, names.Near)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("NearestReading(%q, %q) = %q, %v; want %q", c.name, c.kana, got, ok, c.want)
		}
	}
	// However far, when asked: three of six kana misread.
	if got, ok := l.NearestReading("伊藤修", "ルトウチキサム", names.Near); ok {
		t.Errorf("within a third: %q proposed", got)
	}
	if got, ok := l.NearestReading("伊藤修", "ルトウチキサム", 1); !ok || got != "イトウオサム" {
		t.Errorf("however far: %q, %v; want イトウオサム", got, ok)
	}
}

// TestReadsNear holds ReadsNear and ReadsOther on the same pairs: a
// フリガナ read unsurely beside a 氏名 read surely.
func TestReadsNear(t *testing.T) {
	l, err := names.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, kana  string
		near, other bool
	}{
		// Read on the calibration hands: the kanji right, the kana not.
		{"村上湊", "ムラカミニチト", true, false},   // 2 of 7 kana from ムラカミミナト
		{"後藤節子", "ゴトウセンコ", true, false},   // 1 of 6
		{"後藤節子", "ゴトウセツコ", true, false},   // one of its readings
		{"長谷川直子", "ハルセガナオコ", true, false}, // 2 of 7
		// Calibration pages (seed 111): the kana misread into another
		// name's reading one kana away (加藤ああ), or two kana away into
		// none.
		{"加藤彩", "カトウアア", true, false},
		{"山下浩二", "ヤマシタコウシ", true, false},
		{"石川誠", "オシカワマコト", true, false},
		{"山本花子", "ヤマモトパナ", true, false},
		{"石川美咲", "イシカワニジサキ", true, false},
		// Held-out pages (seed 311): the kanji misread, the kana right,
		// near by count but spelling the name written (山本千尋, 斎藤愛).
		{"山本千年", "ヤマモトチヒロ", true, true},
		{"高藤愛", "サイトウアイ", true, true},
		// Too far: 木村愛 read as キムトラアオ is 2 of 5 kana from キムラアイ.
		{"木村愛", "キムトラアオ", false, false},
		{"後藤節子", "ヤマダハナコ", false, true},
		{"後藤节子", "ゴトウセツコ", false, false}, // no known name
		{"山本千年", "", false, false},
	} {
		if got := l.ReadsNear(c.name, c.kana); got != c.near {
			t.Errorf("ReadsNear(%q, %q) = %v, want %v", c.name, c.kana, got, c.near)
		}
		if got := l.ReadsOther(c.name, c.kana); got != c.other {
			t.Errorf("ReadsOther(%q, %q) = %v, want %v", c.name, c.kana, got, c.other)
		}
	}
}

func TestNamesRead(t *testing.T) {
	l, err := names.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		kana string
		has  []string // among the names given
		not  []string // names not given
		d    int
		none bool
	}{
		// Read right: every name of that reading, and nothing else.
		{kana: "ナカジマ アオイ", has: []string{"中島葵", "中嶋葵"}, not: []string{"中島愛", "平島秦"}},
		{kana: "ハシモトミナト", has: []string{"橋本湊"}, not: []string{"橋本清"}},
		{kana: "おがわ さくら", has: []string{"小川さくら", "小川桜"}, not: []string{"小川誠"}},
		// Misread on the calibration hands: one kana away from the reading.
		{kana: "ゴブトウミナト", has: []string{"後藤湊"}, d: 1},
		{kana: "ササモミナト", has: []string{"佐々木湊"}, d: 1},
		// Too far from every name: 3 of 7 kana, more than a third.
		{kana: "ゴンダユイダダ", none: true},
		{kana: "ア", none: true},
		{kana: "", none: true},
	} {
		got, d := l.NamesRead(c.kana, names.Near)
		if c.none {
			if len(got) > 0 {
				t.Errorf("NamesRead(%q) = %d names at %d (%v…); want none", c.kana, len(got), d, got[:min(5, len(got))])
			}
			continue
		}
		if d != c.d {
			t.Errorf("NamesRead(%q): %d kana away, want %d", c.kana, d, c.d)
		}
		for _, n := range c.has {
			if !slices.Contains(got, n) {
				t.Errorf("NamesRead(%q) lacks %s (%d names)", c.kana, n, len(got))
			}
		}
		for _, n := range c.not {
			if slices.Contains(got, n) {
				t.Errorf("NamesRead(%q) holds %s", c.kana, n)
			}
		}
	}
}

func BenchmarkNamesRead(b *testing.B) {
	l, err := names.Load()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		l.NamesRead("サナサルトウイチロウ", names.Near)
	}
}
