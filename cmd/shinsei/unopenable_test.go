package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"shinsei/forms"
)

// A path that cannot be read — missing, a folder — gets a record like any
// bad page (file_unreadable, a message naming it in Japanese then English,
// problem and advice in each, as for a file that cannot be decoded: issue
// 15, point 9),
// the rest of the batch is read, and the exit says "needs review" (3), not
// "shinsei failed" (1).
func TestScanUnopenableFiles(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "申請書-なし.pdf")
	good := filepath.Join("..", "..", "testdata", "corpus", "clean", "0000-application.png")
	// Two files that open but do not decode: their messages come from
	// pipeline/decode, and read the same way.
	empty := filepath.Join(dir, "empty.pdf")
	text := filepath.Join(dir, "notes.tif")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(text, []byte("please bring your card\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := shinsei(t, nil, "--log-level", "error", "scan", "--json", missing, dir, empty, text, good)
	if code != exitReview {
		t.Fatalf("exit %d, want %d (review); stderr %q", code, exitReview, errOut)
	}
	var recs []forms.Record
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r forms.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %q", err, line)
		}
		recs = append(recs, r)
	}
	if len(recs) != 5 {
		t.Fatalf("%d records, want one per input:\n%s", len(recs), out)
	}
	for i, c := range []struct{ name, ja string }{
		{missing, "ファイルがありません。"},
		{dir, "ファイルではなくフォルダーです。"},
		{empty, "ファイルが空です"},
		{text, "テキストのようです"},
	} {
		r := recs[i]
		if r.Source.Name != c.name || r.Status != forms.Rejected || len(r.Issues) != 1 || r.Issues[0].Code != "file_unreadable" {
			t.Errorf("%s: record %+v", c.name, r)
			continue
		}
		msg := r.Issues[0].Message
		if !strings.HasPrefix(msg, c.name+": ") || !strings.Contains(msg, c.ja) || strings.Contains(msg, "no such file or directory") {
			t.Errorf("%s: message %q, want the name, then %q (no system error text)", c.name, msg, c.ja)
		}
		checkBilingual(t, strings.TrimPrefix(msg, c.name+": "))
	}
	if recs[4].Source.Name != good || recs[4].Template == nil {
		t.Errorf("the readable file after them was not read: %+v", recs[4])
	}
	if strings.Contains(errOut, "could not be read") {
		t.Errorf("the batch failed as a whole: %q", errOut)
	}
}

// checkBilingual holds a message (after its file name) to the shape of
// every file_unreadable message: "問題。助言 / problem — advice", Japanese
// left of " / " and none right of it.
func checkBilingual(t *testing.T, msg string) {
	t.Helper()
	ja, en, ok := strings.Cut(msg, " / ")
	japanese := func(s string) bool {
		return strings.ContainsFunc(s, func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) })
	}
	switch {
	case !ok:
		t.Errorf("message %q is not Japanese / English", msg)
	case !japanese(ja) || !strings.Contains(ja, "。"):
		t.Errorf("message %q: %q is not a Japanese problem and advice", msg, ja)
	case japanese(en) || !strings.Contains(en, " — "):
		t.Errorf("message %q: %q is not an English problem — advice", msg, en)
	}
}
