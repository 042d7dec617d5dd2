package names_test

import (
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

func TestReadsNear(t *testing.T) {
	l, err := names.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, kana string
		want       bool
	}{
		// Read on the calibration hands: the kanji right, the kana not.
		{"村上湊", "ムラカミニチト", true},   // 2 of 7 kana from ムラカミミナト
		{"後藤節子", "ゴトウセンコ", true},   // 1 of 6
		{"後藤節子", "ゴトウセツコ", true},   // one of its readings
		{"長谷川直子", "ハルセガナオコ", true}, // 2 of 7
		// Too far: 木村愛 read as キムトラアオ is 2 of 5 kana from キムラアイ.
		{"木村愛", "キムトラアオ", false},
		{"後藤節子", "ヤマダハナコ", false},
		{"後藤节子", "ゴトウセツコ", false}, // no known name
	} {
		if got := l.ReadsNear(c.name, c.kana); got != c.want {
			t.Errorf("ReadsNear(%q, %q) = %v, want %v", c.name, c.kana, got, c.want)
		}
	}
}
