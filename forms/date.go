package forms

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DateStyle says how a date was written, so a reviewer (or a re-print)
// can keep the applicant's own convention.
type DateStyle string

const (
	DateWareki  DateStyle = "wareki"  // 昭和60年4月12日, S60.4.12, H1/1/8
	DateSeireki DateStyle = "seireki" // 1985年4月12日
	DateSlash   DateStyle = "slash"   // 1985/4/12, 1985-04-12, 1985.4.12
)

var (
	// ErrDateFormat: the text is not a date in any accepted spelling.
	ErrDateFormat = errors.New("not a date")
	// ErrDateInvalid: shaped like a date, but no such day exists (2月30日,
	// month 13, era year 0, a day outside its era, or before 1873).
	ErrDateInvalid = errors.New("no such date")
)

// The patterns run on CompactText output: NFKC (full-width digits, ㍻),
// no spaces, and dashes between digits already made '-'. Compiled once and
// never written, so safe to share.
var (
	reWarekiKanji = regexp.MustCompile(`^(明治|大正|昭和|平成|令和|[MTSHRmtshr])\.?(元|\d{1,3})年(\d{1,2})月(\d{1,2})日?$`)
	reWarekiSep   = regexp.MustCompile(`^(明治|大正|昭和|平成|令和|[MTSHRmtshr])\.?(元|\d{1,3})([./-])(\d{1,2})([./-])(\d{1,2})$`)
	reSeireki     = regexp.MustCompile(`^(?:西暦)?(\d{4})年(\d{1,2})月(\d{1,2})日?$`)
	reSlash       = regexp.MustCompile(`^(\d{4})([./-])(\d{1,2})([./-])(\d{1,2})$`)
)

// ParseDate reads a date as people write them on these forms: 和暦 with
// the era spelled out or as its initial (昭和60年4月12日, S60.4.12, H1/1/8,
// 令和元年5月1日), 西暦 (1985年4月12日), or numeric (1985/4/12, 1985-04-12,
// 1985.4.12); full-width digits and spaces anywhere are fine. The result is
// midnight UTC, the record's calendar-date convention.
//
// Dates before 1873-01-01 are refused (ErrDateInvalid) in every style:
// Japan adopted the Gregorian calendar then (明治5年12月3日 became 明治6年1月1日),
// so an earlier 和暦 date names a lunisolar day this function cannot
// convert, and no living applicant was born before it.
func ParseDate(s string) (time.Time, DateStyle, error) {
	t, sty, _, err := parseDate(s)
	return t, sty, err
}

// warekiParts is a 和暦 date as written: era (name or initial), era year
// (digits or 元), month and day.
type warekiParts struct{ era, year, month, day string }

// parseDate is ParseDate, also returning the 和暦 parts when the date was
// written in 和暦 (zero otherwise).
func parseDate(s string) (time.Time, DateStyle, warekiParts, error) {
	c := CompactText(s)
	var (
		t   time.Time
		sty DateStyle
		wp  warekiParts
		err error
	)
	if m := reWarekiKanji.FindStringSubmatch(c); m != nil {
		sty, wp = DateWareki, warekiParts{m[1], m[2], m[3], m[4]}
		t, err = warekiDate(wp.era, wp.year, wp.month, wp.day)
	} else if m := reWarekiSep.FindStringSubmatch(c); m != nil && m[3] == m[5] {
		sty, wp = DateWareki, warekiParts{m[1], m[2], m[4], m[6]}
		t, err = warekiDate(wp.era, wp.year, wp.month, wp.day)
	} else if m := reSeireki.FindStringSubmatch(c); m != nil {
		sty = DateSeireki
		t, err = gregorianDate(atoi(m[1]), m[2], m[3])
	} else if m := reSlash.FindStringSubmatch(c); m != nil && m[2] == m[4] {
		sty = DateSlash
		t, err = gregorianDate(atoi(m[1]), m[3], m[5])
	} else {
		return time.Time{}, "", warekiParts{}, fmt.Errorf("%w: %q", ErrDateFormat, s)
	}
	if err != nil {
		return time.Time{}, "", warekiParts{}, fmt.Errorf("%q: %w", s, err)
	}
	return t, sty, wp, nil
}

// DateReading is a date as ParseDateSure judged it.
type DateReading struct {
	Date  time.Time
	Style DateStyle
	// Sure is false when the text could name another day as well: an era
	// initial (S, H, R, T, M) whose era year and day exist in another era
	// too, and the plausible window did not single the written one out.
	Sure bool
	// Others are the days the same digits name under the other eras, when
	// the era was written as an initial (none otherwise).
	Others []time.Time
}

// ParseDateSure is ParseDate for a value that will be passed on as sure.
// An era written as one Latin letter is one stroke from another era (S and
// 5, H and R misread, or a writer's slip), and S, H and R all have years
// 1 to 31, so H5.1.1 could as well be R5.1.1 or S5.1.1, decades apart.
// Such a date is sure only when the written era is the only one where the
// day exists (S60: 平成 ended in its year 31, 令和 has not reached 60), or
// the only one that plausible accepts (an application date within the
// last year, a birth date in a living person's span). plausible may be nil
// (no window). Eras spelled out (昭和, ㍼) and Western years are not in doubt.
func ParseDateSure(s string, plausible func(time.Time) bool) (DateReading, error) {
	t, sty, wp, err := parseDate(s)
	if err != nil {
		return DateReading{}, err
	}
	rd := DateReading{Date: t, Style: sty, Sure: true}
	if len([]rune(wp.era)) != 1 {
		return rd, nil
	}
	eras := Eras()
	written := eraIndex(eras, wp.era)
	for i, e := range eras {
		if i == written {
			continue
		}
		if o, err := warekiDate(e.Name, wp.year, wp.month, wp.day); err == nil {
			rd.Others = append(rd.Others, o)
		}
	}
	if len(rd.Others) == 0 {
		return rd, nil
	}
	ok := func(d time.Time) bool { return plausible == nil || plausible(d) }
	if !ok(t) {
		rd.Sure = false // outside the window: whichever era was meant, a person must look
		return rd, nil
	}
	for _, o := range rd.Others {
		if ok(o) {
			rd.Sure = false
			break
		}
	}
	return rd, nil
}

// warekiDate converts era, era year (digits or 元), month and day, and
// checks the day lies within the era: 平成31年5月1日 does not exist (令和
// began that day) and neither does 令和元年4月30日.
func warekiDate(era, year, month, day string) (time.Time, error) {
	eras := Eras()
	i := eraIndex(eras, era)
	if i < 0 {
		return time.Time{}, fmt.Errorf("%w: unknown era %q", ErrDateFormat, era)
	}
	n := 1
	if year != "元" {
		n = atoi(year)
	}
	if n == 0 {
		return time.Time{}, fmt.Errorf("%w: era year 0 (the first year is 元年)", ErrDateInvalid)
	}
	t, err := gregorianDate(eras[i].Start.Year()+n-1, month, day)
	if err != nil {
		return time.Time{}, err
	}
	if t.Before(eras[i].Start) {
		return time.Time{}, fmt.Errorf("%w: %s began on %s", ErrDateInvalid, eras[i].Name, eras[i].Start.Format(time.DateOnly))
	}
	if i+1 < len(eras) && !t.Before(eras[i+1].Start) {
		last := eras[i+1].Start.AddDate(0, 0, -1)
		return time.Time{}, fmt.Errorf("%w: %s ended on %s", ErrDateInvalid, eras[i].Name, last.Format(time.DateOnly))
	}
	return t, nil
}

// gregorianDate builds the date, refusing days that do not exist (time.Date
// would quietly roll 2月30日 over into March) and days before 1873.
func gregorianDate(year int, month, day string) (time.Time, error) {
	m, d := atoi(month), atoi(day)
	if m < 1 || m > 12 {
		return time.Time{}, fmt.Errorf("%w: month %d", ErrDateInvalid, m)
	}
	t := time.Date(year, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if d < 1 || t.Day() != d {
		return time.Time{}, fmt.Errorf("%w: %d has no day %d/%d", ErrDateInvalid, year, m, d)
	}
	if first := gregorianAdoption(); t.Before(first) {
		return time.Time{}, fmt.Errorf("%w: before %s, when Japan adopted the Gregorian calendar", ErrDateInvalid, first.Format(time.DateOnly))
	}
	return t, nil
}

// gregorianAdoption is 明治6年1月1日 (1873-01-01).
func gregorianAdoption() time.Time { return time.Date(1873, 1, 1, 0, 0, 0, 0, time.UTC) }

// eraIndex finds an era in Eras() by name or by its romanised initial
// (M T S H R, either case); the patterns only let those through. It looks
// the name up rather than hard-coding positions so that a new era added to
// Eras() cannot shift the others.
func eraIndex(eras []Era, era string) int {
	name := map[string]string{"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}[strings.ToUpper(era)]
	if name == "" {
		name = era
	}
	for i, e := range eras {
		if e.Name == name {
			return i
		}
	}
	return -1
}

// atoi is for strings the patterns already matched as 1–4 ASCII digits.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
