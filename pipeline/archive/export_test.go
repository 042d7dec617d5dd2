package archive_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"shinsei/forms"
	"shinsei/pipeline/archive"
)

func TestWriteCSV(t *testing.T) {
	recs := []forms.Record{
		{
			DocumentID: "abc-p1", Source: forms.Source{Name: "scan,1.pdf", Page: 1},
			Template: &forms.TemplateRef{ID: "jpki-application", Revision: 1}, Status: forms.NeedsReview,
			Fields: map[string]forms.FieldValue{
				"applicant_name": {Value: "山田 太郎"}, "applicant_kana": {Value: "ヤマダ タロウ"},
				"applicant_birth_date": {Value: "1985-04-12"}, "proxy_name": {Value: "=HYPERLINK(\"x\")"},
			},
			Issues: []forms.Issue{{Code: "a"}, {Code: "b"}},
			Case:   &forms.CaseLink{ID: "4991-7264-0"},
		},
		{DocumentID: "def-p2", Source: forms.Source{Name: "x.png", Page: 2}, Status: forms.Rejected},
	}
	var buf bytes.Buffer
	if err := archive.WriteCSV(&buf, recs); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\ufeffdocument_id,form,") || !strings.Contains(out, "\r\n") {
		t.Fatalf("want a BOM, the header and CRLF:\n%q", out)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		archive.CSVColumns(),
		{"abc-p1", "jpki-application", "1", "needs_review", "4991-7264-0", "scan,1.pdf", "1", "山田 太郎", "ヤマダ タロウ", "1985-04-12", "'=HYPERLINK(\"x\")", "a b"},
		{"def-p2", "unknown", "", "rejected", "", "x.png", "2", "", "", "", "", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %q", rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
}
