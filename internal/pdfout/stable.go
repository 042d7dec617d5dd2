package pdfout

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// pdfcpu stamps every file it writes with time.Now(): CreationDate and
// ModDate in the Info dictionary, and a file /ID hashed from the time. It
// offers no way to supply either, so stabilize overwrites them in the
// finished file, in place and byte for byte the same length, which keeps
// every offset in the xref table valid:
//
//   - both dates become fixedDate;
//   - both halves of /ID become a hash of everything before the trailer,
//     so the ID still tells different documents apart.
//
// It relies on the classic xref table and plain-text trailer that newConfig
// asks for, and on the exact date format of pdfcpu's types.DateString. If a
// pdfcpu upgrade changes any of that, stabilize fails rather than let a
// time-dependent file through.

// fixedDate has the length of every string types.DateString produces
// ("D:YYYYMMDDHHmmSS+HH'mm'"), whatever the local time zone.
const fixedDate = "D:20000101000000+00'00'"

var (
	startXRefRe = regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`)
	infoRefRe   = regexp.MustCompile(`/Info (\d+) 0 R`)
	idRe        = regexp.MustCompile(`/ID ?\[ ?<([0-9A-Fa-f]{32})> ?<([0-9A-Fa-f]{32})> ?\]`)
	dateRe      = regexp.MustCompile(`/(CreationDate|ModDate) ?\((D:\d{14}[+-]\d{2}'\d{2}')\)`)
)

func stabilize(pdf []byte) error {
	m := startXRefRe.FindSubmatch(pdf)
	if m == nil {
		return errors.New("no startxref at end of file")
	}
	xrefOff, err := strconv.Atoi(string(m[1]))
	if err != nil || xrefOff < 0 || xrefOff >= len(pdf) {
		return fmt.Errorf("bad startxref offset %q", m[1])
	}
	if !bytes.HasPrefix(pdf[xrefOff:], []byte("xref\n")) {
		return errors.New("startxref does not point at a classic xref table (object streams in use?)")
	}
	trailerOff := bytes.Index(pdf[xrefOff:], []byte("\ntrailer\n"))
	if trailerOff < 0 {
		return errors.New("no trailer after xref table")
	}
	trailerOff += xrefOff + 1
	trailer := pdf[trailerOff:]

	im := infoRefRe.FindSubmatch(trailer)
	if im == nil {
		return errors.New("trailer has no /Info")
	}
	infoNr, err := strconv.Atoi(string(im[1]))
	if err != nil {
		return fmt.Errorf("bad /Info reference %q", im[1])
	}
	infoOff, err := xrefOffset(pdf[xrefOff:trailerOff], infoNr)
	if err != nil {
		return err
	}
	if err := fixDates(pdf, infoOff, infoNr); err != nil {
		return err
	}

	idm := idRe.FindSubmatchIndex(trailer)
	if idm == nil {
		return errors.New("trailer has no 32-digit /ID pair")
	}
	sum := sha256.Sum256(pdf[:trailerOff])
	id := []byte(hex.EncodeToString(sum[:16]))
	copy(trailer[idm[2]:idm[3]], bytes.ToUpper(id))
	copy(trailer[idm[4]:idm[5]], bytes.ToUpper(id))
	return nil
}

// xrefOffset finds object nr's offset in a classic xref table.
func xrefOffset(xref []byte, nr int) (int, error) {
	rest := bytes.TrimPrefix(xref, []byte("xref\n"))
	for len(rest) > 0 {
		eol := bytes.IndexByte(rest, '\n')
		if eol < 0 {
			break
		}
		var start, count int
		if _, err := fmt.Sscanf(string(rest[:eol]), "%d %d", &start, &count); err != nil {
			return 0, fmt.Errorf("xref subsection header %q: %w", rest[:eol], err)
		}
		rest = rest[eol+1:]
		const entryLen = 20 // fixed by the PDF spec
		if count < 0 || count*entryLen > len(rest) {
			return 0, fmt.Errorf("xref subsection %d %d overruns the table", start, count)
		}
		if nr >= start && nr < start+count {
			e := rest[(nr-start)*entryLen:][:entryLen]
			if e[17] != 'n' {
				return 0, fmt.Errorf("object %d is not in use in the xref table", nr)
			}
			off, err := strconv.Atoi(string(e[:10]))
			if err != nil {
				return 0, fmt.Errorf("xref entry for object %d: %w", nr, err)
			}
			return off, nil
		}
		rest = rest[count*entryLen:]
	}
	return 0, fmt.Errorf("object %d not in xref table", nr)
}

func fixDates(pdf []byte, off, nr int) error {
	if off < 0 || off >= len(pdf) {
		return fmt.Errorf("info object %d: offset %d outside the file", nr, off)
	}
	obj := pdf[off:]
	if !bytes.HasPrefix(obj, []byte(strconv.Itoa(nr)+" 0 obj")) {
		return fmt.Errorf("info object %d not found at offset %d", nr, off)
	}
	end := bytes.Index(obj, []byte("endobj"))
	if end < 0 {
		return fmt.Errorf("info object %d has no endobj", nr)
	}
	obj = obj[:end]

	seen := map[string]int{}
	for _, m := range dateRe.FindAllSubmatchIndex(obj, -1) {
		seen[string(obj[m[2]:m[3]])]++
		if m[5]-m[4] != len(fixedDate) {
			return fmt.Errorf("info date %q has an unexpected length", obj[m[4]:m[5]])
		}
		copy(obj[m[4]:m[5]], fixedDate)
	}
	if seen["CreationDate"] != 1 || seen["ModDate"] != 1 {
		return fmt.Errorf("info object %d: expected one CreationDate and one ModDate in pdfcpu's format, found %v", nr, seen)
	}
	return nil
}
