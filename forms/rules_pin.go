package forms

import "slices"

// checkPINs looks only at how many PIN cells are filled, never at what is
// in them (the reader does not keep the characters). Per field it reports
// at most one finding: a count no PIN can have first, then a disagreement
// with the certificates the matched case applied for.
func checkPINs(f fieldSet, certs []string) []Issue {
	pins := []struct {
		id, cert         string
		valid            func(int) bool
		rangeJa, rangeEn string
	}{
		{"pin_signature", CertSignature, func(n int) bool { return n == 0 || n >= 6 && n <= 16 },
			"英大文字・数字6〜16文字", "6-16 letters and digits"},
		{"pin_user", CertUser, func(n int) bool { return n == 0 || n == 4 },
			"数字4桁", "4 digits"},
	}
	var out []Issue
	bothEmpty := true
	for _, p := range pins {
		n, ok := f.count(p.id)
		if !ok {
			bothEmpty = false
			continue
		}
		if n != 0 {
			bothEmpty = false
		}
		ja, en := fieldLabel(p.id)
		switch {
		case !p.valid(n):
			out = append(out, newIssue(p.id, CodePINCellsMismatch,
				ja+"の記入マス数が合いません（"+p.rangeJa+"）",
				"the "+en+" has a number of filled cells no PIN can have ("+p.rangeEn+")"))
		case certs == nil:
		case n == 0 && slices.Contains(certs, p.cert):
			out = append(out, newIssue(p.id, CodePINCellsMismatch,
				"申請された電子証明書の"+ja+"が記入されていません",
				"the "+en+" boxes are empty, but that certificate was applied for"))
		case n > 0 && !slices.Contains(certs, p.cert):
			out = append(out, newIssue(p.id, CodePINCellsMismatch,
				"申請されていない電子証明書の"+ja+"欄に記入があります",
				"the "+en+" boxes are filled, but that certificate was not applied for"))
		}
	}
	if certs == nil && bothEmpty {
		out = append(out, newIssue("pin_signature", CodePINMissing,
			"暗証番号欄が記入されていません", "no PIN boxes are filled"))
	}
	return out
}
