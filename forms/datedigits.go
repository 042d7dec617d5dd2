package forms

import (
	"slices"
	"strings"
	"time"
)

// DayByDigits is the one day a date that did not parse names by its
// digits as they were read, when only the characters between them were
// misread: a brush hand's 年 read 午, 千 or 笠, 令和 read 信和 or 令生. The
// text must be three runs of digits in a spelling's places (令和8年10月21日,
// 2026年11月1日, 2026/11/01, R8.10.21), with at most maxDigitsDateMisreads
// of its other characters differing from that spelling, one for one; a
// character lost or added, or one a reader takes for a digit (1 read l or
// 丿), and the date is not read by its digits. ok is false unless exactly
// one day exists and is plausible, over every era the digits fit when the
// era's name was itself misread: 信和8年10月 is 令和 for an application made
// this autumn, but 昌和42年8月16日 is 昭和 or 明治 for a birth date, and no
// misread character can say which.
//
// Unlike NearestDate, nothing here is a guess at a digit: the day is what
// the digits say, so a second reader that chooses the same day confirms a
// reading, not a proposal the window made.
func DayByDigits(s string, plausible func(time.Time) bool) (time.Time, bool) {
	segs, runs, ok := digitRuns(CompactText(s))
	if !ok {
		return time.Time{}, false
	}
	western := len(runs[0]) == 4
	// An era's name read as written (昭和, not an initial: S is one
	// stroke from 5, H from R) is not in doubt, as ParseDateSure has it.
	// Misread, it leaves every era the digits fit in doubt, however near
	// its name; only the day itself must be a few misread characters
	// away.
	eraRead := slices.ContainsFunc(Eras(), func(e Era) bool { return e.Name == segs[0] })
	days := map[time.Time]int{} // each plausible day, and its spelling's fewest misreads
	for _, sp := range digitsSpellings() {
		if (sp.era == "") != western || eraRead && sp.era != segs[0] ||
			misreads(segs, sp.segs, sp.era != "") > maxDigitsDateMisreads {
			continue
		}
		var t time.Time
		var err error
		switch {
		case sp.era == "":
			t, err = gregorianDate(atoi(runs[0]), runs[1], runs[2])
		case len(runs[0]) <= 2:
			t, err = warekiDate(sp.era, runs[0], runs[1], runs[2])
		default:
			continue
		}
		if err != nil || plausible != nil && !plausible(t) {
			continue
		}
		m := misreads(segs, sp.segs, false)
		if old, ok := days[t]; !ok || m < old {
			days[t] = m
		}
	}
	if len(days) != 1 {
		return time.Time{}, false
	}
	for t, m := range days {
		return t, m <= maxDigitsDateMisreads
	}
	return time.Time{}, false
}

// maxDigitsDateMisreads is the most characters between a date's digits
// that may be misread: an era's first character and its 年 (信和8午).
const maxDigitsDateMisreads = 2

// digitLike are characters a reader gives for a digit it could not read
// (1 as l, I, | or 丿; 0 as O, o or 〇; 7 as ク): where one stands, a digit
// may be missing, so the date is not read by its digits.
const digitLike = "lI|!丨丿〇OoＯロ口ク"

// digitRuns splits s into its three runs of ASCII digits and the four
// stretches around them (before, between, between, after).
func digitRuns(s string) (segs [4]string, runs [3]string, ok bool) {
	var cur strings.Builder
	n, inRun := 0, false
	flush := func() bool {
		if inRun {
			if n >= 3 {
				return false
			}
			runs[n] = cur.String()
			n++
		} else {
			if n > 3 {
				return false
			}
			segs[n] = cur.String()
		}
		cur.Reset()
		return true
	}
	for _, c := range s {
		if d := isDigit(c); d != inRun {
			if !flush() {
				return segs, runs, false
			}
			inRun = d
		}
		cur.WriteRune(c)
	}
	if !flush() || n != 3 || strings.ContainsAny(segs[0]+segs[1]+segs[2]+segs[3], digitLike) {
		return segs, runs, false
	}
	return segs, runs, true
}

// A digitsSpelling is what stands around the digits of a date in one
// spelling, and the era it is written in ("" for a Western year).
type digitsSpelling struct {
	era  string
	segs [4]string
}

// digitsSpellings are ParseDate's spellings, as digitRuns splits them.
func digitsSpellings() []digitsSpelling {
	var out []digitsSpelling
	for _, e := range Eras() {
		out = append(out,
			digitsSpelling{e.Name, [4]string{e.Name, "年", "月", "日"}},
			digitsSpelling{e.Name, [4]string{eraInitial(e.Name), ".", ".", ""}},
			digitsSpelling{e.Name, [4]string{eraInitial(e.Name), "/", "/", ""}})
	}
	return append(out,
		digitsSpelling{"", [4]string{"", "年", "月", "日"}},
		digitsSpelling{"", [4]string{"", "/", "/", ""}},
		digitsSpelling{"", [4]string{"", ".", ".", ""}},
		digitsSpelling{"", [4]string{"", "-", "-", ""}})
}

// misreads is how many characters of got differ from want, stretch by
// stretch, one for one; a stretch of another length cannot be one misread
// (a large number). A missing final 日 is no misread: ParseDate takes a
// date without it. With anyEra, the era's name is not counted, only its
// length.
func misreads(got, want [4]string, anyEra bool) int {
	n := 0
	for i := range got {
		g, w := []rune(got[i]), []rune(want[i])
		if i == 3 && len(g) == 0 {
			continue
		}
		if len(g) != len(w) {
			return 1 << 10
		}
		if i == 0 && anyEra {
			continue // the era's name, as long as one, but any
		}
		for j := range g {
			if g[j] != w[j] {
				n++
			}
		}
	}
	return n
}
