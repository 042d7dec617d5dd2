package forms_test

import (
	"testing"
	"time"

	"shinsei/forms"
)

func TestDayByDigits(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	today := day(2026, 11, 2)
	within := func(lo time.Time) func(time.Time) bool {
		return func(d time.Time) bool { return !d.Before(lo) && !d.After(today) }
	}
	form, born := within(today.AddDate(0, 0, -90)), within(day(1900, 1, 1))
	for _, tc := range []struct {
		read      string
		plausible func(time.Time) bool
		want      time.Time // zero: no day by its digits
	}{
		// What the handwriting model read on the calibration hands (seeds
		// 101 and 102), with what was written.
		{"2026午11月1日", form, day(2026, 11, 1)},
		{"2026笠11 月 2日", form, day(2026, 11, 2)},
		{"信和8年10月21日", form, day(2026, 10, 21)},
		{"信和8午11月2日", form, day(2026, 11, 2) /* two characters misread */},
		{"みわ8年11月2日", form, day(2026, 11, 2) /* the era, both its characters: 8年 is 令和 alone this autumn */},
		{"2026年10月25晶", form, day(2026, 10, 25)},
		{"1968午1月19日", born, day(1968, 1, 19)},
		{"平成15重9月10日", born, day(2003, 9, 10) /* the era read as written: 大正15年 and 昭和15年 are not in doubt */},
		{"S42,8.16", born, time.Time{} /* an initial is a stroke from another era's: M42 or S42 */},
		{"R8,10.21", form, day(2026, 10, 21)},
		{"2026/11/0２", form, day(2026, 11, 2) /* a full-width digit is a digit */},
		// Three characters misread, or one that is not a one-for-one
		// change: not a reading.
		{"か和8生10月3O日", form, time.Time{}},
		{"入和8簡11月1日日", form, time.Time{}},
		{"令和8年1l月2日", form, time.Time{} /* l stands for a digit */},
		{"令和8年1丿2日", form, time.Time{} /* so may 丿, where 月 stood */},
		{"2026和 1 0月22日", form, day(2026, 10, 22) /* Tesseract's spaces are not the writer's */},
		{"2026和1 0月2 2日", form, day(2026, 10, 22)},
		{"2026和1-0月22日", form, time.Time{} /* four runs of digits */},
		{"3和42年8月16日", born, time.Time{} /* 3 is a digit where the era stands */},
		// Two eras fit the digits: no character says which.
		{"昌和42重8月16日", born, time.Time{} /* 昭和42年 or 明治42年 */},
		{"昌和22重9月25日", born, time.Time{} /* 昭和22年 (1947) or 明治22年 (1889) */},
		// The digits name no plausible day.
		{"1026午10月31日", form, time.Time{}},
		{"令和78后10月31日", form, time.Time{}},
		{"2026年18月31日", form, time.Time{}},
		{"令生8午10月32日", form, time.Time{}},
		{"鈴木花子", form, time.Time{}},
		{"", form, time.Time{}},
	} {
		got, ok := forms.DayByDigits(tc.read, tc.plausible)
		if ok != !tc.want.IsZero() || ok && !got.Equal(tc.want) {
			t.Errorf("DayByDigits(%q) = %s, %v; want %s", tc.read, got.Format(time.DateOnly), ok, tc.want.Format(time.DateOnly))
		}
	}
}
