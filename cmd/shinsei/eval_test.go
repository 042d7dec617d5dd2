package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/evaluate"
)

// shinsei eval on the committed corpus's clean part: its JSON report
// (internal/evaluate's own test scores the whole committed corpus), then
// the table printed from a report.
func TestEvalCommand(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "corpus", "clean")
	js, errOut, code := shinsei(t, nil, "eval", "--json", "-j", "2", dir)
	var rep evaluate.Report
	if err := json.Unmarshal([]byte(js), &rep); err != nil || code != 0 {
		t.Fatalf("eval --json: exit %d, %v: %q %s", code, err, js, errOut)
	}
	if rep.Files != 3 || rep.Pages != 3 || rep.TemplateRight != 3 || rep.RotationRight != 3 || rep.Kinds["checkbox"].Fields == 0 || rep.Kinds["name"].Fields == 0 {
		t.Errorf("eval --json: %+v", rep)
	}
	var b bytes.Buffer
	if err := printReport(&b, &rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3 files, 3 pages", "form right 100.00%, orientation right 100.00%", "checkbox", "signature", "pin", "name", "kana", "address", "phone", "date", "all text", "silently wrong"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
	if _, errOut, code := shinsei(t, nil, "eval", t.TempDir()); code != 1 || !strings.Contains(errOut, "truth.json") {
		t.Errorf("empty folder: exit %d, %q", code, errOut)
	}
	if _, _, code := shinsei(t, nil, "eval"); code != 2 {
		t.Errorf("no folder: exit %d, want 2", code)
	}
}

// The table puts a rejected page's reason in full and a page needing
// review as field: code pairs.
func TestScanTableWhy(t *testing.T) {
	rej := forms.Record{Status: forms.Rejected, Source: forms.Source{Name: "a.png", Page: 1},
		Issues: []forms.Issue{{Code: "page_blank", Message: "a.png page 1: 白紙です / the page is blank"}}}
	rev := forms.Record{Status: forms.NeedsReview, Source: forms.Source{Name: "b.pdf", Page: 2},
		Template: &forms.TemplateRef{ID: "jpki-answer", Revision: 1},
		Issues:   []forms.Issue{{Field: "answer_date", Code: "date_invalid", Message: "…"}, {Code: "pin_missing", Message: "…"}}}
	var b bytes.Buffer
	p := newScanPrinter(&b, false, []string{"a.png", "b.pdf"})
	for _, r := range []forms.Record{rej, rev} {
		if err := p.print(r); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "FILE") {
		t.Fatalf("table:\n%s", b.String())
	}
	if !strings.Contains(lines[1], "rejected") || !strings.HasSuffix(lines[1], "the page is blank") {
		t.Errorf("rejected line: %q", lines[1])
	}
	if !strings.Contains(lines[2], "jpki-answer") || !strings.HasSuffix(lines[2], "answer_date: date_invalid, pin_missing") {
		t.Errorf("review line: %q", lines[2])
	}
}

// On a terminal the bar is drawn, cleared before each table line and at
// the end; elsewhere (a pipe, a file) nothing is written.
func TestProgress(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, 2)
	if p.on {
		t.Fatal("a buffer is not a terminal")
	}
	p.file()
	_ = p.page(func() error { return nil })
	p.done()
	if b.Len() != 0 {
		t.Errorf("wrote %q to a non-terminal", b.String())
	}
	p = &progress{w: &b, on: true, files: 2, started: time.Now()}
	p.file()
	var order []string
	_ = p.page(func() error { order = append(order, b.String()); return nil })
	p.done()
	s := b.String()
	if !strings.Contains(s, "file 1/2, 0 pages read") || !strings.Contains(s, "file 1/2, 1 pages read") {
		t.Errorf("bar: %q", s)
	}
	if !strings.HasSuffix(order[0], "\r") || !strings.HasSuffix(s, "\r") {
		t.Errorf("bar not cleared before a line (%q) or at the end (%q)", order[0], s)
	}
}
