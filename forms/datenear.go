package forms

import (
	"fmt"
	"time"
)

// NearestDate proposes the day, between lo and hi, that a date which did
// not parse was most likely written as. A misread 0 (10月 read 16月, 2026
// read 2926) or a lost or added digit makes a date that does not exist,
// and the day meant is usually the one day in the window whose spelling is
// a confusable digit or a misread character away. It compares s with
// every day of the window written in each spelling ParseDate accepts, by
// an edit distance where a digit read as one it is often taken for costs
// less than any other change, and answers only when one day is clearly
// nearest: ok is false when none is near enough or two days are about as
// near. cost is the proposal's distance from s, for a caller that wants
// less doubt (a day that parsed but is implausible). What it proposes is a
// guess for a person to confirm against the form, never a reading.
func NearestDate(s string, lo, hi time.Time) (day time.Time, cost float64, ok bool) {
	return NearestDateBesides(s, lo, hi, time.Time{}, time.Time{})
}

// NearestDateBesides is NearestDate where the days from rivalLo to rivalHi
// (none when rivalLo is zero) compete with the window's but are never
// proposed: when one of them is as near to s as the window's nearest, or
// nearly, ok is false. A form's own date read 令和8年1月18日 is a lost 0
// from 10月18日, in the window, and no change at all from the same day of
// an old form.
func NearestDateBesides(s string, lo, hi, rivalLo, rivalHi time.Time) (day time.Time, cost float64, ok bool) {
	read := []rune(CompactText(s))
	lo, hi = dayOf(lo), dayOf(hi)
	if len(read) == 0 || hi.Before(lo) || hi.Year()-lo.Year() > maxNearestYears {
		return time.Time{}, 0, false
	}
	costs := map[time.Time]float64{}
	walk := func(lo, hi time.Time) {
		n := nearest{read: read, lo: lo, hi: hi, costs: costs}
		for y := lo.Year(); y <= hi.Year(); y++ {
			n.year(y)
		}
	}
	walk(lo, hi)
	if !rivalLo.IsZero() && !rivalHi.Before(rivalLo) && rivalHi.Year()-rivalLo.Year() <= maxNearestYears {
		walk(dayOf(rivalLo), dayOf(rivalHi))
	}
	best, second := maxDateCost+minDateMargin, maxDateCost+minDateMargin
	for d, c := range costs {
		switch {
		case c < best || c == best && d.Before(day):
			best, second, day = c, best, d
		case c < second:
			second = c
		}
	}
	if best > maxDateCost+costSlack || second-best < minDateMargin-costSlack || day.Before(lo) || day.After(hi) {
		return time.Time{}, 0, false
	}
	return day, best, true
}

// nearest walks the days of a window spelling by spelling, part by part
// (year, month, day), carrying the edit distance's last row from a part to
// the next: the days of a month share its year's and month's rows, and a
// year or month already too far from what was read is not walked further.
type nearest struct {
	read   []rune
	lo, hi time.Time
	costs  map[time.Time]float64 // the nearest spelling's cost of each day near enough
}

// limit is the most a day may cost and still matter: a proposal's most,
// plus the margin it must beat others by.
const limit = maxDateCost + minDateMargin

func (n *nearest) year(y int) {
	first := n.row(nil, nil)
	for _, e := range Eras() {
		ey := y - e.Start.Year() + 1
		if ey < 1 || dayOf(time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)).Before(e.Start) {
			continue
		}
		year := fmt.Sprint(ey)
		if ey == 1 {
			year = "元"
		}
		n.months(y, e, n.row(first, []rune(e.Name+year+"年")), "%d月", "%d日")
		n.months(y, e, n.row(first, []rune(fmt.Sprintf("%s%d.", eraInitial(e.Name), ey))), "%d.", "%d")
	}
	n.months(y, Era{}, n.row(first, []rune(fmt.Sprintf("%d年", y))), "%d月", "%d日")
	slash := n.row(first, []rune(fmt.Sprintf("%d/", y)))
	n.months(y, Era{}, slash, "%02d/", "%02d")
	n.months(y, Era{}, slash, "%d/", "%d")
}

// months walks the months and days of year y after a year part whose row
// is yr; e is the era the year was written in (zero for a Western year),
// so days outside it are not its.
func (n *nearest) months(y int, e Era, yr []float64, month, day string) {
	if yr == nil {
		return
	}
	for m := time.January; m <= time.December; m++ {
		mr := n.row(yr, []rune(fmt.Sprintf(month, int(m))))
		if mr == nil {
			continue
		}
		for d := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC); d.Month() == m; d = d.AddDate(0, 0, 1) {
			if d.Before(n.lo) || d.After(n.hi) {
				continue
			}
			if e.Name != "" {
				if era, _, err := ToWareki(d); err != nil || era.Name != e.Name {
					continue
				}
			}
			dr := n.row(mr, []rune(fmt.Sprintf(day, d.Day())))
			if dr == nil {
				continue
			}
			c := dr[len(n.read)]
			if old, ok := n.costs[d]; c <= limit && (!ok || c < old) {
				n.costs[d] = c
			}
		}
	}
}

// row extends the edit distance from the spelling so far (whose last row
// is prev; nil prev is the empty spelling) by part, and returns the new
// last row, or nil once every cell exceeds limit: no spelling that starts
// so can come near.
func (n *nearest) row(prev []float64, part []rune) []float64 {
	if prev == nil {
		prev = make([]float64, len(n.read)+1)
		for i := 1; i <= len(n.read); i++ {
			prev[i] = prev[i-1] + otherCost // a character read that was never written
		}
		if part == nil {
			return prev
		}
	}
	for _, w := range part {
		row := make([]float64, len(n.read)+1)
		row[0] = prev[0] + dropCost(w)
		lowest := row[0]
		for i := 1; i <= len(n.read); i++ {
			row[i] = min(
				prev[i-1]+substituteCost(n.read[i-1], w),
				prev[i]+dropCost(w), // w was written, nothing read for it
				row[i-1]+otherCost,  // read[i-1] was never written
			)
			lowest = min(lowest, row[i])
		}
		if lowest > limit {
			return nil
		}
		prev = row
	}
	return prev
}

// The weights of NearestDate's distance and its two limits. A confusable
// digit (0 read 6, 8 or 9; 1 and 7; 2 and 8; 5 and 6) costs least; a
// misread character of the spelling (日 read 臼, 和 read 犯) a half; a lost
// 0 a half; anything else one. A proposal may cost two confusable digits
// and a misread character, and must beat every other day by a clear
// margin.
const (
	confusableDigitCost = 0.4
	characterCost       = 0.5
	lostZeroCost        = 0.5
	otherCost           = 1.0
	maxDateCost         = 1.5
	minDateMargin       = 0.4
	// maxNearestYears bounds the window: from 1900 to today, a birth date.
	maxNearestYears = 130
	// costSlack absorbs floating-point sums: 1.4 − 1.0 is 0.3999…, and a
	// day one confusable digit behind is meant to be beaten by the margin.
	costSlack = 1e-9
)

func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func dropCost(w rune) float64 {
	if w == '0' {
		return lostZeroCost
	}
	return otherCost
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func substituteCost(r, w rune) float64 {
	switch {
	case r == w:
		return 0
	case isDigit(r) && isDigit(w):
		if confusableDigits(min(r, w), max(r, w)) {
			return confusableDigitCost
		}
		return otherCost
	case !isDigit(r) && !isDigit(w):
		return characterCost
	}
	return otherCost
}

// confusableDigits says whether a < b are a pair the handwriting model
// took for each other most on hands it was not trained on (the
// calibration hands).
func confusableDigits(a, b rune) bool {
	switch [2]rune{a, b} {
	case [2]rune{'0', '6'}, [2]rune{'0', '8'}, [2]rune{'0', '9'}, [2]rune{'5', '6'}, [2]rune{'2', '8'}, [2]rune{'1', '7'}:
		return true
	}
	return false
}

// eraInitial is the romanised initial an era is written with (R8.10.3).
func eraInitial(name string) string {
	for _, e := range []struct{ name, initial string }{{"明治", "M"}, {"大正", "T"}, {"昭和", "S"}, {"平成", "H"}, {"令和", "R"}} {
		if e.name == name {
			return e.initial
		}
	}
	return ""
}
