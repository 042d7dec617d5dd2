package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shinsei/forms"
	"shinsei/internal/scangen"
)

func corpusTruths(t *testing.T, mix string) []scangen.Truth {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "corpus", mix, "*.truth.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no committed %s corpus", mix)
	}
	var truths []scangen.Truth
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var tr scangen.Truth
		if err := json.Unmarshal(data, &tr); err != nil {
			t.Fatal(err)
		}
		truths = append(truths, tr)
	}
	return truths
}

// scan --json prints one record per page, in file and page order, naming
// the form the QR code says, with the marks the generator drew.
func TestScanJSONCorpus(t *testing.T) {
	var args []string
	var want []scangen.PageTruth
	var names []string
	for _, mix := range []string{"clean", "standard"} {
		for _, tr := range corpusTruths(t, mix) {
			path := filepath.Join("..", "..", "testdata", "corpus", mix, tr.File)
			args = append(args, path)
			for _, p := range tr.Pages {
				want = append(want, p)
				names = append(names, path)
			}
		}
	}
	out, errOut, code := shinsei(t, nil, append([]string{"scan", "--json", "-j", "2"}, args...)...)
	if code != 3 { // text fields are not read yet, so no page is accepted
		t.Errorf("exit %d, want 3; stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d records for %d pages", len(lines), len(want))
	}
	for i, line := range lines {
		var rec forms.Record
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		w := want[i]
		if rec.Source.Name != names[i] || rec.Source.Page != w.Page {
			t.Errorf("record %d is %s page %d, want %s page %d", i, rec.Source.Name, rec.Source.Page, names[i], w.Page)
		}
		if rec.Template == nil || rec.Template.ID != w.Template {
			t.Errorf("%s page %d: template %+v, want %s (issues %v)", rec.Source.Name, rec.Source.Page, rec.Template, w.Template, rec.Issues)
			continue
		}
		if rec.Quality.Rotation != w.Geometry.Rotation {
			t.Errorf("%s: rotation %d, want %d", rec.Source.Name, rec.Quality.Rotation, w.Geometry.Rotation)
		}
		for id, ft := range w.Fields {
			got, ok := rec.Fields[id]
			switch v := ft.Value.(type) {
			case bool:
				if !ok {
					t.Errorf("%s: no field %s", rec.Source.Name, id)
				} else if !got.Review && !ft.Ambiguous && got.Value != v {
					t.Errorf("%s: %s = %v (confidence %.2f), truth %v", rec.Source.Name, id, got.Value, got.Confidence, v)
				}
			case float64: // PIN cell counts
				if ok && !got.Review && got.Value != v {
					t.Errorf("%s: %s = %v cells, truth %v", rec.Source.Name, id, got.Value, v)
				}
			}
		}
		if strings.Contains(line, `"written"`) {
			t.Errorf("%s: a record carries a \"written\" key: what was written in PIN cells must never leave the reader", rec.Source.Name)
		}
	}
}

func TestScanBadInput(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pdf")
	os.WriteFile(empty, nil, 0o644)
	text := filepath.Join(dir, "notes.pdf")
	os.WriteFile(text, []byte("this is a text file, not a scan\n"), 0o644)
	good := filepath.Join("..", "..", "testdata", "corpus", "clean", "0000-application.png")

	out, errOut, code := shinsei(t, nil, "scan", empty, text, good)
	if code != 3 {
		t.Errorf("exit %d, want 3: %s", code, errOut)
	}
	for _, want := range []string{"empty.pdf", "notes.pdf", "rejected", "0000-application.png", "jpki-application"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// A missing file is one more rejected row, not a failed batch
	// (issue 15, point 8; TestScanUnopenableFiles has the details).
	out, errOut, code = shinsei(t, nil, "scan", filepath.Join(dir, "missing.png"), good)
	if code != 3 || !strings.Contains(out, "missing.png") || !strings.Contains(out, "ファイルがありません") {
		t.Errorf("missing file: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
