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
	answer := templates.Field{ID: "answer_date", Kind: templates.Date}
	printed := asOf{today: today, earliest: day(2026, 11, 20)} // the sheet's 作成日
	for _, c := range []struct {
		f    templates.Field
		d    time.Time
		want bool
		at   *asOf // nil: today alone
	}{
		{app, day(2026, 12, 3), true, nil},
		{app, day(2026, 11, 26), true, nil},
		{app, today.AddDate(0, 0, -DateWindowDays), true, nil},
		{app, day(2026, 9, 3), false, nil}, // 91 days back
		// 令和8年11月26日 with 11 read as 1: ten months back, a real date.
		{app, day(2026, 1, 26), false, nil},
		{app, day(2026, 12, 4), false, nil},
		{birth, day(1900, 1, 1), true, nil},
		{birth, day(1985, 4, 12), true, nil},
		{birth, day(1899, 12, 31), false, nil},
		{birth, day(2026, 12, 4), false, nil},
		// An answer dated before its sheet was printed: 25日 read 15日.
		{answer, day(2026, 11, 15), false, &printed},
		{answer, day(2026, 11, 20), true, &printed},
		{answer, day(2026, 11, 25), true, &printed},
		{answer, day(2026, 11, 15), true, nil},
		// Its printed day does not bound a birth date, nor one out of
		// the window (a misread 作成日).
		{birth, day(1985, 4, 12), true, &printed},
		{answer, day(2026, 12, 1), true, &asOf{today: today, earliest: day(2026, 12, 5)}},
		{answer, day(2026, 9, 5), true, &asOf{today: today, earliest: day(2025, 1, 1)}},
	} {
		at := asOf{today: today}
		if c.at != nil {
			at = *c.at
		}
		if got := plausibleDate(c.f, c.d, at); got != c.want {
			t.Errorf("plausibleDate(%s, %s) = %v, want %v", c.f.ID, c.d.Format(time.DateOnly), got, c.want)
		}
	}
}

// A reading that is no date gets the one plausible day nearest to it as a
// proposal, always for a person; a reading near two days, or near none in
// the window, gets none.
func TestJudgeDateNear(t *testing.T) {
	today := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	app := templates.Field{ID: "application_date", Kind: templates.Date}
	birth := templates.Field{ID: "applicant_birth_date", Kind: templates.Date}
	for _, c := range []struct {
		f     templates.Field
		raw   string
		value any
		why   string
	}{
		{app, "令和8年16月31日", "2026-10-31", WhyDateNear},
		{app, "2926/19/22", "2026-10-22", WhyDateNear},
		{birth, "1994/98/18", "1994-08-18", WhyDateNear},
		{birth, "1989/171/15", "1989-11-15", WhyDateNear}, // 1989-11-16 is a confusable digit further
		{app, "2025年5月33日", nil, WhyDate},
		{app, "令和8年10月31日", "2026-10-31", ""},
		// Real days the form cannot bear: a future year, a month before
		// the window. Near a plausible day, that day is proposed; far
		// from every one, the day stays as read.
		{app, "2086年11月1日", "2026-11-01", WhyDateNear},
		{app, "令和68年11月2日", "2026-11-02", WhyDateNear},
		{birth, "2992年1月12日", "2992-01-12", WhyShape}, // 2002 or 1992
		{app, "2086年10月31日", "2026-10-31", WhyDateNear},
		{app, "2025年5月3日", "2025-05-03", WhyShape},
		// A day of the year before the window (an old form) stays as
		// read, and one near it is proposed no more: 2月28日 is one
		// confusable digit from 8月28日, 1月31日 a lost 0 from 10月31日.
		{app, "2026年2月28日", "2026-02-28", WhyShape},
		{app, "令和8年1月18日", "2026-01-18", WhyShape},
		{app, "2626年1月31日", "2626-01-31", WhyShape}, // 2026年1月31日 or 10月31日
		{app, "令和8年1月2日", "2026-01-02", WhyShape},
		{app, "令和8年1月18目", nil, WhyDate}, // 10月18日, or 1月18日 of an old form
	} {
		rd := judge(c.f, line(c.raw, 0.99), asOf{today: today})
		if rd.Value != c.value || rd.Why != c.why || rd.Review != (c.why != "") {
			t.Errorf("%s %q: %v review %v why %q; want %v why %q", c.f.ID, c.raw, rd.Value, rd.Review, rd.Why, c.value, c.why)
		}
		if rd.Review && rd.Confidence > 0.3 {
			t.Errorf("%s %q: proposed with confidence %.2f", c.f.ID, c.raw, rd.Confidence)
		}
	}
}

// A reading that is no date only for the characters between its digits
// (a brush's 年 read 午) is read by its digits, when they name one
// plausible day: unsure, with that day, for the second reader to confirm
// (confirmDay). A digit-like character among them, or an era the digits
// leave open, and it is a proposal as before.
func TestJudgeDateByDigits(t *testing.T) {
	today := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	app := templates.Field{ID: "application_date", Kind: templates.Date}
	birth := templates.Field{ID: "applicant_birth_date", Kind: templates.Date}
	for _, c := range []struct {
		f     templates.Field
		raw   string
		value any
		why   string
	}{
		{app, "2026午10月31日", "2026-10-31", WhyUnsure},
		{app, "信和8午10月31日", "2026-10-31", WhyUnsure},
		{birth, "昭和53午4月13日", "1978-04-13", WhyUnsure},
		{app, "2026年10丿月2日", "2026-10-02", WhyDateNear},  // 丿 may stand for a digit: not read by its digits, only proposed
		{app, "令和8年1丿2日", nil, WhyDate},                  // as near to 1月2日 of an old form as to 10月2日
		{birth, "昌和42重8月16日", "1967-08-16", WhyDateNear}, // 昭和 or 明治 by the digits: NearestDate's proposal
	} {
		rd := judge(c.f, line(c.raw, 0.99), asOf{today: today})
		if rd.Value != c.value || rd.Why != c.why || !rd.Review {
			t.Errorf("%s %q: %v review %v why %q; want %v why %q, for review", c.f.ID, c.raw, rd.Value, rd.Review, rd.Why, c.value, c.why)
		}
		if rd.Confidence > 0.5 {
			t.Errorf("%s %q: unsure with confidence %.2f", c.f.ID, c.raw, rd.Confidence)
		}
	}
}
