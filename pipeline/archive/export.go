package archive

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"shinsei/forms"
)

// CSVColumns are the columns WriteCSV writes, in order.
func CSVColumns() []string {
	return []string{"document_id", "form", "revision", "status", "case_id", "source_name", "source_page",
		"applicant_name", "applicant_kana", "applicant_birth_date", "proxy_name", "issues"}
}

// WriteCSV writes records as CSV the way Japanese offices open it: UTF-8
// with a byte order mark (without it Excel reads the file as Shift_JIS
// and the names come out garbled), CRLF line ends, a header row. Cells
// that a spreadsheet would run as a formula are prefixed with '. It only
// formats: whoever read the records recorded the read (Search).
func WriteCSV(w io.Writer, recs []forms.Record) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(CSVColumns()); err != nil {
		return err
	}
	for _, r := range recs {
		form, rev := UnknownForm, ""
		if r.Template != nil {
			form, rev = r.Template.ID, strconv.Itoa(r.Template.Revision)
		}
		caseID := ""
		if r.Case != nil {
			caseID = r.Case.ID
		}
		var codes []string
		for _, is := range r.Issues {
			codes = append(codes, is.Code)
		}
		row := []string{r.DocumentID, form, rev, string(r.Status), caseID, r.Source.Name, strconv.Itoa(r.Source.Page),
			cell(r, "applicant_name"), cell(r, "applicant_kana"), cell(r, "applicant_birth_date"), cell(r, "proxy_name"),
			strings.Join(codes, " ")}
		for i := range row {
			row[i] = noFormula(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func cell(r forms.Record, field string) string {
	switch v := r.Fields[field].Value.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// noFormula keeps a spreadsheet from running a cell as a formula.
func noFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteJSONL writes one record per line (JSON Lines), as scan --json does.
func WriteJSONL(w io.Writer, recs []forms.Record) error {
	enc := json.NewEncoder(w)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}
