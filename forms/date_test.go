package forms

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in    string
		want  time.Time
		style DateStyle
	}{
		// spellings
		{"昭和60年4月12日", day(1985, 4, 12), DateWareki},
		{"昭和６０年４月１２日", day(1985, 4, 12), DateWareki},
		{"昭和 60 年 4 月 12 日", day(1985, 4, 12), DateWareki},
		{" 昭\u3000和６０年\t４月 １２日 ", day(1985, 4, 12), DateWareki},
		{"昭和60年04月12日", day(1985, 4, 12), DateWareki},
		{"昭和60年4月12", day(1985, 4, 12), DateWareki},
		{"㍼60年4月12日", day(1985, 4, 12), DateWareki},
		{"S60.4.12", day(1985, 4, 12), DateWareki},
		{"s60.4.12", day(1985, 4, 12), DateWareki},
		{"S.60.4.12", day(1985, 4, 12), DateWareki},
		{"Ｓ６０．４．１２", day(1985, 4, 12), DateWareki},
		{"S60年4月12日", day(1985, 4, 12), DateWareki},
		{"昭和60/4/12", day(1985, 4, 12), DateWareki},
		{"S60-4-12", day(1985, 4, 12), DateWareki},
		{"S60ー4ー12", day(1985, 4, 12), DateWareki},
		{"H1/1/8", day(1989, 1, 8), DateWareki},
		{"h1/1/8", day(1989, 1, 8), DateWareki},
		{"H元.1.8", day(1989, 1, 8), DateWareki},
		{"R7.4.1", day(2025, 4, 1), DateWareki},
		{"令和７年４月１日", day(2025, 4, 1), DateWareki},
		{"㋿7年4月1日", day(2025, 4, 1), DateWareki},
		{"M45.7.29", day(1912, 7, 29), DateWareki},
		{"T15.12.24", day(1926, 12, 24), DateWareki},
		{"1985年4月12日", day(1985, 4, 12), DateSeireki},
		{"１９８５年４月１２日", day(1985, 4, 12), DateSeireki},
		{"1985 年 4 月 12 日", day(1985, 4, 12), DateSeireki},
		{"西暦1985年4月12日", day(1985, 4, 12), DateSeireki},
		{"1985/4/12", day(1985, 4, 12), DateSlash},
		{"1985/04/12", day(1985, 4, 12), DateSlash},
		{"1985-04-12", day(1985, 4, 12), DateSlash},
		{"1985.4.12", day(1985, 4, 12), DateSlash},
		{"１９８５／４／１２", day(1985, 4, 12), DateSlash},
		{"1985ー4ー12", day(1985, 4, 12), DateSlash},
		{"1873/1/1", day(1873, 1, 1), DateSlash},
		// 元年 in each era (明治元年 was 1868, before the Gregorian
		// calendar: refused in TestParseDateErrors; 明治6年 is its first day)
		{"大正元年7月30日", day(1912, 7, 30), DateWareki},
		{"昭和元年12月25日", day(1926, 12, 25), DateWareki},
		{"平成元年1月8日", day(1989, 1, 8), DateWareki},
		{"令和元年5月1日", day(2019, 5, 1), DateWareki},
		{"明治6年1月1日", day(1873, 1, 1), DateWareki},
		// era boundaries, the valid sides
		{"明治45年7月29日", day(1912, 7, 29), DateWareki},
		{"大正15年12月24日", day(1926, 12, 24), DateWareki},
		{"昭和64年1月7日", day(1989, 1, 7), DateWareki},
		{"平成31年4月30日", day(2019, 4, 30), DateWareki},
		// leap days
		{"2024年2月29日", day(2024, 2, 29), DateSeireki},
		{"令和6年2月29日", day(2024, 2, 29), DateWareki},
		{"2000/2/29", day(2000, 2, 29), DateSlash},
		{"平成12年2月29日", day(2000, 2, 29), DateWareki},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, style, err := ParseDate(c.in)
			if err != nil || !got.Equal(c.want) || style != c.style {
				t.Fatalf("ParseDate(%q) = %s, %q, %v; want %s, %q", c.in, got.Format(time.DateOnly), style, err, c.want.Format(time.DateOnly), c.style)
			}
			if got.Location() != time.UTC || got.Hour() != 0 || got.Minute() != 0 {
				t.Errorf("ParseDate(%q) = %v, want midnight UTC", c.in, got)
			}
		})
	}
}

func TestParseDateErrors(t *testing.T) {
	for _, c := range []struct {
		in   string
		want error
	}{
		// era boundaries, the invalid sides
		{"明治45年7月30日", ErrDateInvalid},
		{"大正元年7月29日", ErrDateInvalid},
		{"大正15年12月25日", ErrDateInvalid},
		{"昭和元年12月24日", ErrDateInvalid},
		{"昭和64年1月8日", ErrDateInvalid},
		{"平成元年1月7日", ErrDateInvalid},
		{"平成31年5月1日", ErrDateInvalid},
		{"H31.5.1", ErrDateInvalid},
		{"令和元年4月30日", ErrDateInvalid},
		{"平成100年1月1日", ErrDateInvalid},
		// before the Gregorian calendar
		{"明治5年12月2日", ErrDateInvalid},
		{"明治元年12月31日", ErrDateInvalid},
		{"1872年12月31日", ErrDateInvalid},
		{"1850/1/1", ErrDateInvalid},
		{"0000-01-01", ErrDateInvalid},
		// no such day
		{"2023年2月29日", ErrDateInvalid},
		{"令和5年2月29日", ErrDateInvalid},
		{"1900/2/29", ErrDateInvalid},
		{"2024年2月30日", ErrDateInvalid},
		{"昭和60年13月1日", ErrDateInvalid},
		{"1985/0/12", ErrDateInvalid},
		{"1985/4/0", ErrDateInvalid},
		{"1985/4/31", ErrDateInvalid},
		{"昭和0年4月12日", ErrDateInvalid},
		{"S0.4.12", ErrDateInvalid},
		// not a date
		{"", ErrDateFormat},
		{"   ", ErrDateFormat},
		{"昭和", ErrDateFormat},
		{"hello", ErrDateFormat},
		{"佐藤花子", ErrDateFormat},
		{"60年4月12日", ErrDateFormat},
		{"85/4/12", ErrDateFormat},
		{"1985/4-12", ErrDateFormat},
		{"S60.4/12", ErrDateFormat},
		{"X60.4.12", ErrDateFormat},
		{"寛永3年1月1日", ErrDateFormat},
		{"1985年4月", ErrDateFormat},
		{"19850412", ErrDateFormat},
		{"昭和六十年四月十二日", ErrDateFormat},
		{"1985/4/12/1", ErrDateFormat},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, style, err := ParseDate(c.in)
			if !errors.Is(err, c.want) {
				t.Fatalf("ParseDate(%q) = %s, %q, %v; want %v", c.in, got.Format(time.DateOnly), style, err, c.want)
			}
			if !strings.Contains(err.Error(), c.in) {
				t.Errorf("error %q does not name the input", err)
			}
			if !got.IsZero() || style != "" {
				t.Errorf("ParseDate(%q) returned %v, %q alongside an error", c.in, got, style)
			}
		})
	}
}

// Every day FormatWareki writes, ParseDate reads back to the same day.
func TestParseDateRoundTrip(t *testing.T) {
	for d := day(1900, 1, 1); !d.After(day(2030, 12, 31)); d = d.AddDate(0, 0, 1) {
		s, err := FormatWareki(d)
		if err != nil {
			t.Fatalf("FormatWareki(%s): %v", d.Format(time.DateOnly), err)
		}
		got, style, err := ParseDate(s)
		if err != nil || !got.Equal(d) || style != DateWareki {
			t.Fatalf("ParseDate(FormatWareki(%s) = %q) = %s, %q, %v", d.Format(time.DateOnly), s, got.Format(time.DateOnly), style, err)
		}
		iso := d.Format(time.DateOnly)
		if got, _, err := ParseDate(iso); err != nil || !got.Equal(d) {
			t.Fatalf("ParseDate(%q) = %s, %v", iso, got.Format(time.DateOnly), err)
		}
	}
}

// An era initial is one letter from another era: a date written with one
// is sure only when the year, or the plausible window, rules the other
// eras out (issue 13, point 8).
func TestParseDateSureEraInitials(t *testing.T) {
	today := day(2026, 12, 3)
	// The windows the reader uses: a birth date from 1900 to today, any
	// other date within the last year.
	birth := func(d time.Time) bool { return d.Year() >= 1900 && !d.After(today) }
	recent := func(d time.Time) bool { return !d.After(today) && !d.Before(today.AddDate(-1, 0, 0)) }
	for _, c := range []struct {
		name   string
		in     string
		window func(time.Time) bool
		want   time.Time
		sure   bool
		others int
	}{
		{"S60: only 令和 has a year 60 too, and it is ahead", "S60.4.12", birth, day(1985, 4, 12), true, 1},
		{"H5 birth: S5, T5 and R5 are birth dates too", "H5.1.1", birth, day(1993, 1, 1), false, 3},
		{"R5 birth: H5 and S5 are birth dates too", "R5.1.1", birth, day(2023, 1, 1), false, 3},
		{"S5 birth: H5, R5 are birth dates too", "S5.1.1", birth, day(1930, 1, 1), false, 3},
		{"H30 birth: S30 is one too, M30 before 1900, R30 ahead", "H30.6.1", birth, day(2018, 6, 1), false, 3},
		{"S62 birth: R62 is ahead", "s62/3/3", birth, day(1987, 3, 3), true, 1},
		{"H1/1/8: January 8th of year 1 exists in no other era", "H1/1/8", birth, day(1989, 1, 8), true, 0},
		{"application R8: H8 and S8 are decades ago", "R8.11.20", recent, day(2026, 11, 20), true, 4},
		{"application H8: the window holds only R8", "H8.11.20", recent, day(1996, 11, 20), false, 4},
		{"application R7.12.10: within the year, the others not", "R7.12.10", recent, day(2025, 12, 10), true, 4},
		{"no window: R8 could be any era", "R8.11.20", nil, day(2026, 11, 20), false, 4},
		{"era spelled out is not in doubt", "平成5年1月1日", birth, day(1993, 1, 1), true, 0},
		{"era symbol is not in doubt", "㍻5年1月1日", birth, day(1993, 1, 1), true, 0},
		{"西暦 is not in doubt", "1993/1/1", birth, day(1993, 1, 1), true, 0},
		{"S60 outside the window, R60 too: a person looks", "S60.4.12", recent, day(1985, 4, 12), false, 1},
		{"H30 application outside the window, S30 too", "H30.6.1", recent, day(2018, 6, 1), false, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			rd, err := ParseDateSure(c.in, c.window)
			if err != nil {
				t.Fatal(err)
			}
			if !rd.Date.Equal(c.want) || rd.Sure != c.sure || len(rd.Others) != c.others {
				t.Errorf("%q: %s sure %v, %d others %v; want %s sure %v, %d others",
					c.in, rd.Date.Format(time.DateOnly), rd.Sure, len(rd.Others), rd.Others, c.want.Format(time.DateOnly), c.sure, c.others)
			}
			if rd.Style != DateWareki && rd.Style != DateSlash {
				t.Errorf("%q: style %q", c.in, rd.Style)
			}
		})
	}
	// What ParseDate refuses, ParseDateSure refuses the same way.
	for _, in := range []string{"H31.5.1", "R0.1.1", "S60.2.30", "not a date"} {
		if _, err := ParseDateSure(in, birth); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}
