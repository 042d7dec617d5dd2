package forms

import (
	"fmt"
	"time"
)

// Era is a Japanese era (元号) with the day it began.
type Era struct {
	Name  string // 令和
	Start time.Time
}

// Eras from 明治 (as used for dates from 1873, when Japan adopted the
// Gregorian calendar) to 令和, oldest first.
func Eras() []Era {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	return []Era{
		{"明治", d(1868, 10, 23)},
		{"大正", d(1912, 7, 30)},
		{"昭和", d(1926, 12, 25)},
		{"平成", d(1989, 1, 8)},
		{"令和", d(2019, 5, 1)},
	}
}

// ToWareki returns the era and era year of a date (year 1 is 元年).
func ToWareki(t time.Time) (Era, int, error) {
	eras := Eras()
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	for i := len(eras) - 1; i >= 0; i-- {
		if !t.Before(eras[i].Start) {
			return eras[i], t.Year() - eras[i].Start.Year() + 1, nil
		}
	}
	return Era{}, 0, fmt.Errorf("%s is before the 明治 era", t.Format("2006-01-02"))
}

// FormatWareki writes a date as 昭和60年4月12日 (元年 for year 1).
func FormatWareki(t time.Time) (string, error) {
	era, y, err := ToWareki(t)
	if err != nil {
		return "", err
	}
	year := fmt.Sprint(y)
	if y == 1 {
		year = "元"
	}
	return fmt.Sprintf("%s%s年%d月%d日", era.Name, year, int(t.Month()), t.Day()), nil
}
