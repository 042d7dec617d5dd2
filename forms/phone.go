package forms

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizePhone normalises a telephone number as written (full-width
// digits, any dash, spaces) to ASCII digits and '-', and reports whether it
// has the shape of a Japanese number:
//
//   - 070/080/090 (mobile) and 050 (IP phone): 11 digits, 090-1234-5678;
//   - 0120 toll-free: 10 digits; 0800 toll-free: 11 digits;
//   - otherwise a fixed line: 10 digits, 0 + area code + local number,
//     written 0A-BBBB-CCCC with 1–4 digits after the 0 in the first group
//     and the 4-digit subscriber number last. 00 (international) and 0X0
//     (non-geographic services) are not fixed-line prefixes, so a 10-digit
//     number starting with them is refused.
//
// Hyphens are optional; when present there are exactly three non-empty
// groups. The normalised string is returned even when the shape is wrong,
// so a reviewer sees what was read.
func NormalizePhone(s string) (string, bool) {
	var b strings.Builder
	for _, r := range norm.NFKC.String(s) {
		switch {
		case unicode.IsSpace(r):
		case isDashLike(r):
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	p := b.String()
	return p, phoneShape(p)
}

func phoneShape(p string) bool {
	if p == "" || strings.Trim(p, "0123456789-") != "" {
		return false
	}
	groups := strings.Split(p, "-")
	if len(groups) != 1 && len(groups) != 3 {
		return false
	}
	for _, g := range groups {
		if g == "" {
			return false
		}
	}
	d := strings.Join(groups, "")
	hyphenated := len(groups) == 3
	first, last := groups[0], groups[len(groups)-1]
	switch {
	case d[0] != '0':
		return false
	case strings.HasPrefix(d, "0120"):
		return len(d) == 10 && (!hyphenated || first == "0120")
	case strings.HasPrefix(d, "0800"):
		return len(d) == 11 && (!hyphenated || first == "0800")
	case hasAnyPrefix(d, "070", "080", "090", "050"):
		return len(d) == 11 && (!hyphenated || len(first) == 3 && len(last) == 4)
	default:
		if len(d) != 10 || d[1] == '0' || d[2] == '0' {
			return false
		}
		return !hyphenated || len(first) >= 2 && len(first) <= 5 && len(last) == 4
	}
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// NearestPhone proposes the number a phone number of the wrong shape was
// most likely written as, when its first digit is what went wrong: every
// Japanese number begins with 0, and a handwritten 0 is the digit most
// often lost or read as 6, 8 or 9 (93-3808-9821 for 03-3808-9821,
// 90-1179-0136 for 090-1179-0136). It answers only when exactly one of the
// two repairs (that digit read as 0, or a 0 put before it) makes a number
// of the right shape. Only a number written in its three groups is
// repaired: a run of digits alone may be a password written in the wrong
// box, and must never be made into a value. The proposal is for a person
// to confirm.
func NearestPhone(p string) (string, bool) {
	if p == "" || phoneShape(p) || strings.Trim(p, "0123456789-") != "" || strings.Count(p, "-") != 2 {
		return "", false
	}
	var found []string
	if strings.ContainsRune("689", rune(p[0])) {
		if c := "0" + p[1:]; phoneShape(c) {
			found = append(found, c)
		}
	}
	if p[0] != '0' && p[0] != '-' {
		if c := "0" + p; phoneShape(c) {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}
