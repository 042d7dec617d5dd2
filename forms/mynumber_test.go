package forms

import "testing"

func TestMyNumberValid(t *testing.T) {
	for _, c := range []struct {
		d    string
		want bool
	}{
		// Σ = 212 for 12345678901, 212 mod 11 = 3, check 11-3 = 8.
		{"123456789018", true},
		{"123456789012", false},
		// 00000000000: Σ = 0, remainder ≤ 1, check 0.
		{"000000000000", true},
		{"000000000001", false},
		// 10000000000 (first 11): the 1 is n=11, weight 6; 6 mod 11 = 6, check 5.
		{"100000000005", true},
		// 00000000010: n=2, weight 3 → check 8; 00000100000: n=6, weight 7 → 4.
		{"000000000108", true},
		{"000001000004", true},
		// 00001000000: n=7, weight 2 → check 9.
		{"000010000009", true},
		// 00000000006: n=1, weight 2, Σ = 12, remainder 1 → check 0.
		{"000000000060", true},
		{"12345678901", false},
		{"1234567890181", false},
		{"12345678901a", false},
		{"１２３４５６７８９０１８", false}, // full-width is FindMyNumber's job
	} {
		if got := MyNumberValid(c.d); got != c.want {
			t.Errorf("MyNumberValid(%q) = %v, want %v", c.d, got, c.want)
		}
	}
}

func TestFindMyNumber(t *testing.T) {
	for _, c := range []struct {
		s    string
		want MyNumberRun
	}{
		{"123456789018", MyNumber},
		{"１２３４５６７８９０１８", MyNumber},
		{"1234 5678 9018", MyNumber},
		{"1234-5678-9018", MyNumber},
		{"１２３４－５６７８－９０１８", MyNumber},
		{"1234　5678　9018", MyNumber},
		{"1234 - 5678 - 9018", MyNumber},
		{"1234.5678.9018", MyNumber},
		{"番号123456789018です", MyNumber},
		{"0123456789018", MyNumber}, // inside a longer run
		{"123456789012", MaybeMyNumber},
		{"1234567890123", MaybeMyNumber},
		{"03-1234-5678", NoMyNumber},
		{"090-1234-5678", NoMyNumber},
		{"12345678901", NoMyNumber},
		{"2026年12月3日", NoMyNumber},
		{"1234--5678--9018", NoMyNumber}, // two separators: three numbers
		{"1234年5678月9018", NoMyNumber},
		{"", NoMyNumber},
		{"山田花子", NoMyNumber},
	} {
		if got := FindMyNumber(c.s); got != c.want {
			t.Errorf("FindMyNumber(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}
