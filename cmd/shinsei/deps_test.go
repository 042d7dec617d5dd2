package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The shipped binary links no generator, evaluation or training code: those
// are development tools (cmd/shinsei-gen, cmd/shinsei-eval, make train), and
// a city's server has no business carrying them.
func TestShippedBinaryLinksNoDevTools(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "shinsei/cmd/shinsei").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 {
		t.Fatalf("go list found %d packages: %q", len(deps), deps)
	}
	for _, d := range deps {
		for _, dev := range []string{"shinsei/internal/scangen", "shinsei/internal/scanfx", "shinsei/internal/evaluate", "shinsei/internal/trainlines", "shinsei/internal/tessmodel"} {
			if d == dev {
				t.Errorf("shinsei links %s", d)
			}
		}
	}
}
