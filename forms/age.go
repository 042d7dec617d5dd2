package forms

import "time"

// AgeOn is a person's age on a calendar date as Japanese law counts it
// (年齢計算ニ関スル法律 with 民法143条): age is counted from the day of birth,
// so a year of age is complete at the end of the day before the birthday.
// On that day the person has reached the new age: someone born 2011-04-01
// is 15 on 2026-03-31 (which is why April-1 children start school a year
// early). That is the ordinary western age of the next day.
//
// A 2月29日 birthday falls on 3月1日 in common years, so the person born
// 2012-02-29 turns 15 on 2027-03-01 in the western sense, and has reached
// 15 on 2027-02-28 by the law's count — which also matches 民法143条's
// proviso (a period whose anniversary day does not exist ends on the last
// day of the month).
//
// Only the calendar dates of birth and on matter, each read in its own
// location.
func AgeOn(birth, on time.Time) int {
	next := time.Date(on.Year(), on.Month(), on.Day()+1, 0, 0, 0, 0, time.UTC)
	age := next.Year() - birth.Year()
	if next.Month() < birth.Month() || next.Month() == birth.Month() && next.Day() < birth.Day() {
		age--
	}
	return age
}
