package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"shinsei/internal/evaluate"
	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
)

// shinsei-eval on the committed corpus's clean part: its JSON report
// (internal/evaluate's own test scores the whole committed corpus), then
// the table printed from a report.
func TestEvalCommand(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "corpus", "clean")
	js, errOut, code := evalRun(t, "--json", "-j", "2", "--today", "2026-11-02", dir)
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
	if _, errOut, code := evalRun(t, t.TempDir()); code != 1 || !strings.Contains(errOut, "truth.json") {
		t.Errorf("empty folder: exit %d, %q", code, errOut)
	}
	if _, _, code := evalRun(t); code != 2 {
		t.Errorf("no folder: exit %d, want 2", code)
	}
}

// A corpus written in named hands is scored hand by hand.
func TestEvalByHand(t *testing.T) {
	hands, err := scangen.HandsByUse("yoz-pen,klee")
	if err != nil {
		t.Fatal(err)
	}
	g, err := scangen.New(scangen.Options{Seed: 5, Mix: scanfx.Clean, Hands: hands})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	seen := map[string]bool{}
	for i := 0; len(seen) < 2 && i < 12; i++ {
		d, err := g.Document(i)
		if err != nil {
			t.Fatal(err)
		}
		h := d.Truth.Pages[0].Hand
		if seen[h] {
			continue
		}
		seen[h] = true
		truth, err := json.Marshal(d.Truth)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Join(dir, d.Name)
		if err := os.WriteFile(base, d.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(strings.TrimSuffix(base, filepath.Ext(base))+".truth.json", truth, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := evalRun(t, "-j", "2", "--today", "2026-11-02", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "by hand") {
		t.Fatalf("no table by hand:\n%s", out)
	}
	for h := range seen {
		if !regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(h) + `\s+1\s`).MatchString(out) {
			t.Errorf("hand %s has no row of 1 page:\n%s", h, out)
		}
	}
	if _, errOut, code := evalRun(t, "--today", "2.11.2026", dir); code != 2 || !strings.Contains(errOut, "YYYY-MM-DD") {
		t.Errorf("bad --today: exit %d, %q", code, errOut)
	}
}

// evalRun runs shinsei-eval as main would and returns what it printed and
// its exit code.
func evalRun(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, os.Getenv, &out, &errOut)
	switch {
	case err == nil:
	case errors.Is(err, errUsage):
		code = 2
		errOut.WriteString(err.Error())
	default:
		code = 1
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), code
}
