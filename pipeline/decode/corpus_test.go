package decode_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shinsei/internal/scangen"
)

// TestCorpus decodes every committed scan and checks it against its truth
// file: page count, size, container and resolution, and the pixels against
// scangen's own reader, which decodes the files the simple way.
func TestCorpus(t *testing.T) {
	truths, err := filepath.Glob("../../testdata/corpus/*/*.truth.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(truths) == 0 {
		t.Fatal("no corpus files found")
	}
	for _, tf := range truths {
		var truth scangen.Truth
		b, err := os.ReadFile(tf)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &truth); err != nil {
			t.Fatalf("%s: %v", tf, err)
		}
		path := filepath.Join(filepath.Dir(tf), truth.File)
		t.Run(strings.TrimPrefix(path, "../../testdata/corpus/"), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			pages := decodeOK(t, truth.File, data)
			if len(pages) != len(truth.Pages) {
				t.Fatalf("%d pages, want %d", len(pages), len(truth.Pages))
			}
			ref, err := scangen.DecodeFile(truth.File, data)
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range pages {
				g := truth.Pages[i].Geometry
				if p.Number != i+1 {
					t.Errorf("page %d numbered %d", i+1, p.Number)
				}
				if p.Image.Rect.Dx() != g.Width || p.Image.Rect.Dy() != g.Height {
					t.Errorf("page %d: %dx%d, want %dx%d", i+1, p.Image.Rect.Dx(), p.Image.Rect.Dy(), g.Width, g.Height)
				}
				if p.Source != g.Format {
					t.Errorf("page %d: source %q, want %q", i+1, p.Source, g.Format)
				}
				// JFIF stores whole dots per inch.
				if math.Abs(p.DPI-g.DPI) > 0.51 {
					t.Errorf("page %d: %v dpi, want %v", i+1, p.DPI, g.DPI)
				}
				if d := sameGray(p.Image, ref[i], 0); d != "" {
					t.Errorf("page %d: %s", i+1, d)
				}
			}
		})
	}
}
