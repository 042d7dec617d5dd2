package forms_test

import (
	"testing"
	"time"

	"shinsei/forms"
)

func TestNearestDate(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	today := day(2026, 11, 2)
	window := today.AddDate(0, 0, -90)
	born := day(1900, 1, 1)
	for _, tc := range []struct {
		read   string
		lo, hi time.Time
		want   time.Time // zero: nothing proposed
	}{
		// What the handwriting model read on the calibration hands, with
		// what was written.
		{"2026年18月19日", window, today, day(2026, 10, 19)},
		{"令和8年16月31日", window, today, day(2026, 10, 31)},
		{"2926/19/22", window, today, day(2026, 10, 22)},
		{"2026/11/62", window, today, day(2026, 11, 2)},
		{"信和8年12月1臼", window, today, time.Time{} /* 11月1日 or 10月1日: two changes that are not confusable digits */},
		{"20286年 10 月 31 日", window, today, day(2026, 10, 31)},
		{"令和8年19月29日", window, today, day(2026, 10, 29)},
		{"1994/98/18", born, today, day(1994, 8, 18)},
		{"1987年72月12日", born, today, day(1987, 12, 12) /* 1 and 7 are confusable, 0 and 7 not */},
		{"1989/171/15", born, today, day(1989, 11, 15) /* one 1 too many; 1989-11-16 (5 for 6) is a confusable digit further */},
		// A margin of exactly one confusable digit is clear (1.4 − 1.0 is
		// 0.3999… in floating point): 令和8年10月20日 is 9 read for 0.
		{"信和8重10月29日", window, today, day(2026, 10, 29)},
		{"3和42年8月16日", born, today, day(1967, 8, 16) /* 昭和42年; 明治42年 is a misread character further */},
		// Nothing near enough, or nothing like a date.
		{"鈴木花子", window, today, time.Time{}},
		{"", window, today, time.Time{}},
		{"2025年5月33日", window, today, time.Time{} /* months outside the window */},
	} {
		got, _, ok := forms.NearestDate(tc.read, tc.lo, tc.hi)
		if ok != !tc.want.IsZero() || ok && !got.Equal(tc.want) {
			t.Errorf("NearestDate(%q) = %s, %v; want %s", tc.read, got.Format(time.DateOnly), ok, tc.want.Format(time.DateOnly))
		}
	}
}

// The days of an old form compete with the window's and are never
// proposed: a date as near to one of them gets no proposal.
func TestNearestDateBesides(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	today := day(2026, 11, 2)
	window := today.AddDate(0, 0, -90)
	before := window.AddDate(-1, 0, 0)
	last := window.AddDate(0, 0, -1)
	for _, tc := range []struct {
		read string
		want time.Time // zero: nothing proposed
	}{
		{"2026年18月19日", day(2026, 10, 19)}, // as NearestDate: no old day is as near
		{"2926/19/22", day(2026, 10, 22)},  // nor here
		{"2026年2月28日", time.Time{}},        // itself, an old form's day; 8月28日 is a confusable digit off
		{"令和8年1月18目", time.Time{}},         // 1月18日 one change off, 10月18日 two
		{"令和8年1丿2日", time.Time{}},          // 10月2日, or 1月2日 with a stray stroke
		{"2025年5月33日", time.Time{}},        // 5月3日 of an old form, or nothing
		{"信和8年11月1日", day(2026, 11, 1)},    // the old form's 2025年11月1日 is further
	} {
		got, _, ok := forms.NearestDateBesides(tc.read, window, today, before, last)
		if ok != !tc.want.IsZero() || ok && !got.Equal(tc.want) {
			t.Errorf("NearestDateBesides(%q) = %s, %v; want %s", tc.read, got.Format(time.DateOnly), ok, tc.want.Format(time.DateOnly))
		}
	}
}

func BenchmarkNearestDateBirth(b *testing.B) {
	today := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	born := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		forms.NearestDate("1989/171/15", born, today)
	}
}
