package forms

import (
	"testing"
	"time"
)

func TestAgeOn(t *testing.T) {
	for _, c := range []struct {
		name      string
		birth, on time.Time
		want      int
	}{
		{"day of birth", day(2011, 4, 1), day(2011, 4, 1), 0},
		{"two days before 15th birthday", day(2011, 4, 1), day(2026, 3, 30), 14},
		{"day before 15th birthday: reached 15", day(2011, 4, 1), day(2026, 3, 31), 15},
		{"15th birthday", day(2011, 4, 1), day(2026, 4, 1), 15},
		{"mid-year", day(1985, 4, 12), day(2026, 1, 1), 40},
		{"year-end birthday, day before", day(2000, 1, 1), day(2014, 12, 31), 15},
		{"year-end birthday, two days before", day(2000, 1, 1), day(2014, 12, 30), 14},
		{"29 Feb, common year, 27 Feb", day(2012, 2, 29), day(2027, 2, 27), 14},
		{"29 Feb, common year, 28 Feb: reached 15", day(2012, 2, 29), day(2027, 2, 28), 15},
		{"29 Feb, common year, 1 Mar", day(2012, 2, 29), day(2027, 3, 1), 15},
		{"29 Feb, leap year, 27 Feb", day(2012, 2, 29), day(2028, 2, 27), 15},
		{"29 Feb, leap year, 28 Feb: reached 16", day(2012, 2, 29), day(2028, 2, 28), 16},
		{"28 Feb birthday, leap year, 27 Feb", day(2012, 2, 28), day(2028, 2, 27), 16},
		{"1 Mar birthday, leap year, 29 Feb", day(2012, 3, 1), day(2028, 2, 29), 16},
		{"1 Mar birthday, leap year, 28 Feb", day(2012, 3, 1), day(2028, 2, 28), 15},
		{"time of day and zone ignored", day(2011, 4, 1), time.Date(2026, 3, 31, 23, 59, 0, 0, time.FixedZone("JST", 9*3600)), 15},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := AgeOn(c.birth, c.on); got != c.want {
				t.Errorf("AgeOn(%s, %s) = %d, want %d", c.birth.Format(time.DateOnly), c.on.Format(time.DateOnly), got, c.want)
			}
		})
	}
}
