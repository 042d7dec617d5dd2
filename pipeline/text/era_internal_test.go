package text

import (
	"testing"
	"time"

	"shinsei/templates"
)

// A date written with an era initial is passed as sure only when no other
// era gives a plausible day (issue 13, point 8): H5 on a birth date could
// be S5 or R5, while R8 on an application date cannot be H8 or S8.
func TestJudgeEraInitial(t *testing.T) {
	today := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	app := templates.Field{ID: "application_date", Kind: templates.Date}
	birth := templates.Field{ID: "applicant_birth_date", Kind: templates.Date}
	for _, c := range []struct {
		f      templates.Field
		raw    string
		value  string
		review bool
		why    string
	}{
		{birth, "H5.1.1", "1993-01-01", true, WhyEra},
		{birth, "R5.1.1", "2023-01-01", true, WhyEra},
		{birth, "S60.4.12", "1985-04-12", false, ""},
		{birth, "平成5年1月1日", "1993-01-01", false, ""},
		{birth, "1993/1/1", "1993-01-01", false, ""},
		{app, "R8.11.20", "2026-11-20", false, ""},
		{app, "令和8年11月20日", "2026-11-20", false, ""},
		{app, "H8.11.20", "2026-11-20", true, WhyDateNear}, // outside the window: R8 proposed
	} {
		rd := judge(c.f, line(c.raw, 0.97), asOf{today: today})
		if rd.Value != c.value || rd.Review != c.review || rd.Why != c.why {
			t.Errorf("%s %q: %v review %v why %q; want %v review %v why %q", c.f.ID, c.raw, rd.Value, rd.Review, rd.Why, c.value, c.review, c.why)
		}
		if rd.Review && rd.Confidence > 0.5 {
			t.Errorf("%s %q: sent for review with confidence %.2f", c.f.ID, c.raw, rd.Confidence)
		}
	}
}
