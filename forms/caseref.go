// Package forms is the domain of shinsei: records and field values, the
// rules of DOMAIN.md, 和暦 dates, kana normalisation, and proxy cases with
// their state machine. It does no I/O.
package forms

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// A CaseRef is the reference number of a proxy case, printed on the answer
// sheet (and in its QR code) so the returned sheet finds its case. It is
// eight random digits and a Damm check digit, written NNNN-NNNN-C: digits
// because Tesseract reads digits far more reliably than letters, and a
// check digit because a misread (or a clerk's typo) must be caught, not
// matched to someone else's case. Damm catches every single-digit error and
// every swap of adjacent digits.
type CaseRef string

// ErrBadCaseRef: not a case reference, or its check digit is wrong.
var ErrBadCaseRef = errors.New("not a valid case reference")

// dammTable is the quasigroup of order 10 from Damm's thesis (2004).
var dammTable = [10][10]byte{
	{0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
	{7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
	{4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
	{1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
	{6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
	{3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
	{5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
	{8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
	{9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
	{2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
}

func dammDigit(digits string) byte {
	var interim byte
	for i := 0; i < len(digits); i++ {
		interim = dammTable[interim][digits[i]-'0']
	}
	return interim
}

// NewCaseRef draws a fresh reference. Uniqueness is the caller's to ensure
// (the case store creates the case with put-if-absent and draws again on a
// clash).
func NewCaseRef(rng *rand.Rand) CaseRef {
	d := fmt.Sprintf("%08d", rng.IntN(100_000_000))
	return CaseRef(d[:4] + "-" + d[4:] + "-" + string('0'+dammDigit(d)))
}

// ParseCaseRef accepts a reference as a person or OCR might give it:
// full-width digits, spaces, any dash (ー, －, ‐), or none at all; it returns
// the canonical NNNN-NNNN-C form or ErrBadCaseRef.
func ParseCaseRef(s string) (CaseRef, error) {
	var b strings.Builder
	for _, r := range norm.NFKC.String(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-' || r == ' ' || r == 'ー' || r == '‐' || r == '−' || r == '―' || r == '—':
		default:
			return "", fmt.Errorf("%w: %q has a character that is not a digit or dash", ErrBadCaseRef, s)
		}
	}
	d := b.String()
	if len(d) != 9 {
		return "", fmt.Errorf("%w: %q has %d digits, want 9", ErrBadCaseRef, s, len(d))
	}
	if dammDigit(d) != 0 { // a valid number including its check digit reduces to 0
		return "", fmt.Errorf("%w: %q: check digit does not match", ErrBadCaseRef, s)
	}
	return CaseRef(d[:4] + "-" + d[4:8] + "-" + d[8:]), nil
}

func (c CaseRef) String() string { return string(c) }
