package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shinsei/pipeline/decode"
)

// TestVariant: every copy is a new file (no two alike, none the original)
// holding the same pages, and differs from the original in a few pixels
// only (lossless formats), or by about a grey level on average (JPEG,
// which is encoded again).
func TestVariant(t *testing.T) {
	for _, tc := range []struct {
		file     string
		lossless bool
	}{
		{"standard/0015-answer.png", true},
		{"standard/0025-revocation.jpg", false},
		{"standard/0026-application.tif", true},
		{"standard/0059-application.pdf", true},  // a bilevel Flate page
		{"standard/0077-application.pdf", false}, // a JPEG page
		{"hard/0017-application+answer.pdf", false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			orig, err := os.ReadFile(filepath.Join("..", "..", "testdata", "corpus", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(tc.file)
			want := decodeAll(t, name, orig)
			seen := map[string]bool{string(orig): true}
			for n := range uint64(3) {
				b, pages, err := Variant(name, orig, n)
				if err != nil {
					t.Fatal(err)
				}
				if seen[string(b)] {
					t.Fatalf("copy %d is the same file as the original or an earlier copy", n)
				}
				seen[string(b)] = true
				if pages != len(want) {
					t.Errorf("copy %d: %d pages reported, want %d", n, pages, len(want))
				}
				got := decodeAll(t, name, b)
				if len(got) != len(want) {
					t.Fatalf("copy %d decodes to %d pages, want %d", n, len(got), len(want))
				}
				for i := range got {
					g, w := got[i].Image, want[i].Image
					if g.Rect != w.Rect {
						t.Fatalf("copy %d page %d: %v, want %v", n, i+1, g.Rect, w.Rect)
					}
					if d := got[i].DPI - want[i].DPI; d > 0.5 || d < -0.5 {
						t.Errorf("copy %d page %d: %v dpi, want %v", n, i+1, got[i].DPI, want[i].DPI)
					}
					changed, sum := 0, 0
					for j := range g.Pix {
						d := int(g.Pix[j]) - int(w.Pix[j])
						if d < 0 {
							d = -d
						}
						if d != 0 {
							changed++
						}
						sum += d
					}
					mean := float64(sum) / float64(len(g.Pix))
					switch {
					case tc.lossless && (changed == 0 || changed > changedPixels):
						t.Errorf("copy %d page %d: %d pixels changed, want 1 to %d", n, i+1, changed, changedPixels)
					case !tc.lossless && mean > 1.5:
						t.Errorf("copy %d page %d: mean difference %.2f grey levels, want at most 1.5", n, i+1, mean)
					}
				}
			}
		})
	}
}

func decodeAll(t *testing.T, name string, data []byte) []decode.Page {
	t.Helper()
	rs, err := decode.Decode(context.Background(), name, data, decode.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var out []decode.Page
	for _, r := range rs {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		out = append(out, r.Page)
	}
	return out
}

// TestRun writes copies until they hold the pages asked for, numbered on
// from -first, and says how many files and pages it wrote.
func TestRun(t *testing.T) {
	base := t.TempDir()
	for _, f := range []string{"standard/0026-application.tif", "standard/0059-application.pdf"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "corpus", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(base, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Truth files and anything else that is not a scan are ignored.
	if err := os.WriteFile(filepath.Join(base, "0026-application.truth.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "copies")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-base", base, "-out", out, "-first", "10", "-pages", "3", "-j", "1"}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	if got := strings.TrimSpace(stdout.String()); got != "3 3" {
		t.Errorf("printed %q, want \"3 3\"", got)
	}
	ents, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	want := "000010-0026-application.tif 000011-0059-application.pdf 000012-0026-application.tif"
	if strings.Join(names, " ") != want {
		t.Errorf("wrote %q, want %q", names, want)
	}
	if err := run(context.Background(), []string{"-base", t.TempDir(), "-out", out, "-pages", "1"}, &stdout, &stderr); err == nil {
		t.Error("a base folder without scans was accepted")
	}
}
