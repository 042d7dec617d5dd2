package forms

import "testing"

func TestEditDistance(t *testing.T) {
	buf := make([]int, 64)
	for _, c := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"豊玉北", "豊玉北", 0}, {"豊玉北", "寺玉北", 1}, {"1丁目", "1丁目の2", 2}, {"", "abc", 3}, {"kitten", "sitting", 3},
		{"コテウセツコ", "ゴトウセツコ", 2},
	} {
		if d := EditDistance(c.a, c.b); d != c.d {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.a, c.b, d, c.d)
		}
		// One buffer for every pair, as a caller weighing many would.
		if d := RuneDistance([]rune(c.a), []rune(c.b), buf); d != c.d {
			t.Errorf("RuneDistance(%q, %q) = %d, want %d", c.a, c.b, d, c.d)
		}
	}
}
