package forms

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// The record JSON is a contract (docs/records.md); the golden file pins it.
func TestRecordJSON(t *testing.T) {
	sum := FileSHA256([]byte("scan bytes"))
	r := Record{
		DocumentID: DocumentID(sum, 2),
		Source:     Source{Name: "scan-0012.pdf", SHA256: sum, Page: 2},
		Template:   &TemplateRef{ID: "jpki-answer", Revision: 1, IdentifiedBy: IdentifiedByQR},
		Status:     NeedsReview,
		Quality:    Quality{SkewDeg: 1.25, Rotation: 180, DPI: 300},
		Fields: map[string]FieldValue{
			"answer_confirm":   {Value: true, Confidence: 0.99},
			"answer_date":      {Value: "2026-10-31", Confidence: 0.97},
			"person_signature": {Value: false, Confidence: 0.62, Review: true},
			"pin_user":         {Value: 4, Confidence: 0.99},
		},
		Issues: []Issue{{Field: "person_signature", Code: "signature_missing", Message: "本人署名がありません / the person did not sign"}},
		Case:   &CaseLink{ID: "4991-7264-0", Match: "qr", Status: "pending"},
	}
	got, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "record.golden.json")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./forms -update)", err)
	}
	if string(append(got, '\n')) != string(want) {
		t.Errorf("record JSON changed:\n%s\nwant\n%s", got, want)
	}
	if id := DocumentID(sum, 2); id != sum[:24]+"-p2" {
		t.Errorf("DocumentID = %s", id)
	}
}

func TestSure(t *testing.T) {
	in := map[string]FieldValue{
		"a": {Value: true, Confidence: 0.99},
		"b": {Value: "x", Confidence: 0.5, Review: true},
	}
	out := Sure(in)
	if out["a"].Value != true || out["b"].Value != nil || !out["b"].Review || in["b"].Value != "x" {
		t.Errorf("Sure(%v) = %v", in, out)
	}
}
