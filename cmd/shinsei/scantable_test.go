package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"shinsei/forms"
)

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

// Japanese file names take two columns a character: the table pads by
// display width, so the PAGE column lines up under every name.
func TestScanTableJapaneseNames(t *testing.T) {
	names := []string{"申請書-山田.png", "a.png", "ＡＢＣ.tif"}
	var b bytes.Buffer
	p := newScanPrinter(&b, false, names)
	for _, n := range names {
		if err := p.print(forms.Record{Status: forms.Accepted, Source: forms.Source{Name: n, Page: 1}}); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("table:\n%s", b.String())
	}
	col := -1
	for _, l := range lines {
		i := strings.Index(l, "  ")
		for i < len(l) && l[i] == ' ' {
			i++
		}
		for i < len(l) && l[i] != ' ' {
			i++
		}
		// The column where the right-aligned PAGE field ends, counted in
		// display width.
		c := displayWidth(l[:i])
		if col >= 0 && c != col {
			t.Errorf("PAGE column ends at %d, want %d:\n%s", c, col, b.String())
		}
		col = c
	}
}
