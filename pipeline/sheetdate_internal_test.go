package pipeline

import "testing"

// An answer sheet's 作成日 is read from its printed dates slot, as
// Tesseract reads it there: a misread 受付日 before it does not matter.
func TestSheetPrinted(t *testing.T) {
	for _, c := range []struct {
		slot string // "": no slot read
		want string // "": none
	}{
		{"受付日令和8年10月17日作成日令和8年10月18日", "2026-10-18"},
		{"受付日偽和8年10月17日作成日令和8年10月18日", "2026-10-18"},
		{"受付日令和8年10月17日作成日2026年10月18日", "2026-10-18"},
		{"受付日令和8年10月17日作成日令和8年10月", ""},
		{"受付日令和8年10月17日作戌日令和8年10月18日", ""},
		{"", ""},
	} {
		slots := map[string]SlotReading{}
		if c.slot != "" {
			slots["dates"] = SlotReading{Value: c.slot}
		}
		day, ok := sheetPrinted(slots)
		got := ""
		if ok {
			got = day.Format("2006-01-02")
		}
		if got != c.want {
			t.Errorf("%q: %q, want %q", c.slot, got, c.want)
		}
	}
}
