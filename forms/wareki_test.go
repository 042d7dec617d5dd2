package forms

import (
	"testing"
	"time"
)

func TestFormatWareki(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{d(1985, 4, 12), "昭和60年4月12日"},
		{d(2019, 5, 1), "令和元年5月1日"},
		{d(2019, 4, 30), "平成31年4月30日"},
		{d(1989, 1, 7), "昭和64年1月7日"},
		{d(1989, 1, 8), "平成元年1月8日"},
		{d(1926, 12, 25), "昭和元年12月25日"},
		{d(1926, 12, 24), "大正15年12月24日"},
		{d(1912, 7, 30), "大正元年7月30日"},
		{d(2026, 11, 26), "令和8年11月26日"},
	} {
		got, err := FormatWareki(c.t)
		if err != nil || got != c.want {
			t.Errorf("FormatWareki(%s) = %q, %v; want %q", c.t.Format("2006-01-02"), got, err, c.want)
		}
	}
	if _, err := FormatWareki(d(1800, 1, 1)); err == nil {
		t.Error("1800 has no era, but got one")
	}
}
