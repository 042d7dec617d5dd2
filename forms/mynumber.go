package forms

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// CodeMyNumberMasked is the issue raised when a value held a number that
// is, or may be, a My Number (個人番号): the value was masked, its ink
// blacked out in the stored image, and the scanned file not kept.
const CodeMyNumberMasked = "mynumber_masked"

// MyNumberLen is the number of digits of a My Number.
const MyNumberLen = 12

// MyNumberValid reports whether d is 12 ASCII digits whose last is the
// check digit of the first 11 (the public algorithm: weights 2–7 then 2–6
// from the right, 11 minus the sum mod 11, 0 when that remainder is 0 or 1).
func MyNumberValid(d string) bool {
	if len(d) != MyNumberLen {
		return false
	}
	sum := 0
	for n := 1; n <= 11; n++ {
		c := d[11-n]
		if c < '0' || c > '9' {
			return false
		}
		w := n + 1
		if n > 6 {
			w = n - 5
		}
		sum += int(c-'0') * w
	}
	if d[11] < '0' || d[11] > '9' {
		return false
	}
	check := 0
	if r := sum % 11; r > 1 {
		check = 11 - r
	}
	return int(d[11]-'0') == check
}

// MyNumberRun says what FindMyNumber found.
type MyNumberRun int

const (
	// NoMyNumber: no run of 12 or more digits.
	NoMyNumber MyNumberRun = iota
	// MaybeMyNumber: a run of 12 or more digits in which no 12 in a row
	// pass the check digit. No value on these forms has that many digits
	// (a phone number has 10 or 11), so it is most likely a My Number with
	// a digit misread or miswritten, and it is masked all the same.
	MaybeMyNumber
	// MyNumber: 12 digits in a row that pass the check digit.
	MyNumber
)

// FindMyNumber looks for a My Number in s as a person writes one:
// half- or full-width digits, in one run or in groups separated by spaces,
// hyphens or dots ("1234 5678 9018", "１２３４－５６７８－９０１８"). Digits
// count as one run while at most one separator (and spaces around it)
// stands between them.
func FindMyNumber(s string) MyNumberRun {
	found := NoMyNumber
	var run []byte
	gap := 0 // separators since the last digit
	flush := func() {
		if len(run) >= MyNumberLen {
			found = max(found, MaybeMyNumber)
			for i := 0; i+MyNumberLen <= len(run); i++ {
				if MyNumberValid(string(run[i : i+MyNumberLen])) {
					found = MyNumber
				}
			}
		}
		run, gap = run[:0], 0
	}
	for _, r := range norm.NFKC.String(s) {
		switch {
		case r >= '0' && r <= '9':
			run = append(run, byte(r))
			gap = 0
		case len(run) > 0 && (unicode.IsSpace(r) || isDashLike(r) || r == '.' || r == '・'):
			if !unicode.IsSpace(r) {
				gap++
			}
			if gap > 1 {
				flush()
			}
		default:
			flush()
		}
	}
	flush()
	return found
}
