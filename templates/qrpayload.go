package templates

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// QRPayload is what a form's QR code says: which template and revision the
// page is, and on answer sheets the case it answers. It is ASCII, short (a
// small QR symbol with high error correction survives blots and fax-grade
// scans) and starts with a magic word so a stray QR code on an attached
// document is not taken for a form's.
type QRPayload struct {
	Template string
	Revision int
	CaseRef  string // empty on forms that answer no case
}

const qrMagic = "SHINSEI1"

// ErrNotShinseiQR: the QR code decoded but is not one shinsei printed.
var ErrNotShinseiQR = errors.New("QR code is not a shinsei form code")

// String encodes the payload as SHINSEI1|template|revision|caseref.
func (p QRPayload) String() string {
	return strings.Join([]string{qrMagic, p.Template, strconv.Itoa(p.Revision), p.CaseRef}, "|")
}

// ParseQRPayload is the inverse of String.
func ParseQRPayload(s string) (QRPayload, error) {
	parts := strings.Split(s, "|")
	if len(parts) != 4 || parts[0] != qrMagic {
		return QRPayload{}, fmt.Errorf("%w: %.40q", ErrNotShinseiQR, s)
	}
	rev, err := strconv.Atoi(parts[2])
	if err != nil || rev < 1 || parts[1] == "" {
		return QRPayload{}, fmt.Errorf("%w: bad template or revision in %.40q", ErrNotShinseiQR, s)
	}
	return QRPayload{Template: parts[1], Revision: rev, CaseRef: parts[3]}, nil
}
