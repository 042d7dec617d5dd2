package text

import (
	"testing"
	"time"

	"shinsei/templates"
)

// A form's own date is sure only inside the window before the scan; a
// birth date anywhere from 1900 to today.
func TestPlausibleDate(t *testing.T) {
	today := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	app := templates.Field{ID: "application_date", Kind: templates.Date}
	birth := templates.Field{ID: "applicant_birth_date", Kind: templates.Date}
	for _, c := range []struct {
		f    templates.Field
		d    time.Time
		want bool
	}{
		{app, day(2026, 12, 3), true},
		{app, day(2026, 11, 26), true},
		{app, today.AddDate(0, 0, -DateWindowDays), true},
		{app, day(2026, 9, 3), false}, // 91 days back
		// 令和8年11月26日 with 11 read as 1: ten months back, a real date.
		{app, day(2026, 1, 26), false},
		{app, day(2026, 12, 4), false},
		{birth, day(1900, 1, 1), true},
		{birth, day(1985, 4, 12), true},
		{birth, day(1899, 12, 31), false},
		{birth, day(2026, 12, 4), false},
	} {
		if got := plausibleDate(c.f, c.d, today); got != c.want {
			t.Errorf("plausibleDate(%s, %s) = %v, want %v", c.f.ID, c.d.Format(time.DateOnly), got, c.want)
		}
	}
}
