package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"shinsei/forms"
)

// Every key the pages and handlers use has both languages: a missing one
// would show its key to a person.
func TestMessagesComplete(t *testing.T) {
	used := map[string]bool{}
	inTemplate := regexp.MustCompile(`\bt \$?\.Lang "([^"]+)"`)
	tpls, err := fs.Glob(assets, "assets/templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range tpls {
		b, _ := fs.ReadFile(assets, n)
		for _, m := range inTemplate.FindAllSubmatch(b, -1) {
			used[string(m[1])] = true
		}
	}
	// The message keys handlers pass to render, and t's literal keys.
	inGo := regexp.MustCompile(`(?:render\(.*, "([a-z][a-z._]*)"\)$|\bt\((?:lang|langEN|langOf\(r\)), "([a-z][a-z._]*)"\))`)
	goFiles, _ := filepath.Glob("*.go")
	for _, n := range goFiles {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range regexp.MustCompile(`\n`).Split(string(b), -1) {
			for _, m := range inGo.FindAllStringSubmatch(line, -1) {
				for _, k := range m[1:] {
					if k != "" {
						used[k] = true
					}
				}
			}
		}
	}
	for _, s := range []forms.Status{forms.Accepted, forms.NeedsReview, forms.Rejected} {
		used["status."+string(s)] = true
	}
	for _, s := range forms.CaseStatuses() {
		used["case.status."+string(s)] = true
	}
	used["case.moved.completed"], used["case.moved.cancelled"] = true, true
	used["export.csv"], used["export.jsonl"] = true, true
	if len(used) < 40 {
		t.Fatalf("found only %d keys in use: the patterns no longer match the code", len(used))
	}
	for k := range used {
		m, ok := messages[k]
		if !ok || m[0] == "" || m[1] == "" {
			t.Errorf("message %q: %q", k, m)
		}
	}
}
