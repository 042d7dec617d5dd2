package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"shinsei/forms"
)

// A path that cannot be read — missing, a folder — gets a record like any
// bad page (file_unreadable, a message naming it in Japanese then English),
// the rest of the batch is read, and the exit says "needs review" (3), not
// "shinsei failed" (1).
func TestScanUnopenableFiles(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "申請書-なし.pdf")
	good := filepath.Join("..", "..", "testdata", "corpus", "clean", "0000-application.png")
	out, errOut, code := shinsei(t, nil, "--log-level", "error", "scan", "--json", missing, dir, good)
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
	if len(recs) != 3 {
		t.Fatalf("%d records, want one per input:\n%s", len(recs), out)
	}
	for i, c := range []struct{ name, ja string }{{missing, "ファイルがありません"}, {dir, "フォルダです"}} {
		r := recs[i]
		if r.Source.Name != c.name || r.Status != forms.Rejected || len(r.Issues) != 1 || r.Issues[0].Code != "file_unreadable" {
			t.Errorf("%s: record %+v", c.name, r)
			continue
		}
		msg := r.Issues[0].Message
		if !strings.HasPrefix(msg, c.name+": "+c.ja+" / ") || strings.Contains(msg, "no such file or directory") {
			t.Errorf("%s: message %q, want the name, then Japanese, then English advice (no system error text)", c.name, msg)
		}
	}
	if recs[2].Source.Name != good || recs[2].Template == nil {
		t.Errorf("the readable file after them was not read: %+v", recs[2])
	}
	if strings.Contains(errOut, "could not be read") {
		t.Errorf("the batch failed as a whole: %q", errOut)
	}
}
