package paddle_test

import (
	"context"
	"errors"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"shinsei/ocr/paddle"
	"shinsei/ocr/paddle/paddletest"
)

func openPool(t *testing.T) *paddle.Recognizer { return paddletest.Pool(t) }

func load(t testing.TB, name string) *image.Gray {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Bounds(), img, img.Bounds().Min, draw.Src)
	return g
}

const dateChars = "0123456789/年月日令和平成昭和元 "

// Fields written by the generator in its calibration hands (konatu,
// komatuna), cut from the page: each model reads them with the charset mask.
func TestReadsWrittenDigits(t *testing.T) {
	p := openPool(t)
	for _, c := range []struct {
		file, allow string
		want        []string // per model, v4 and v3; the truth is v3's
	}{
		{"showa-date.png", dateChars, []string{"昭和39年12月17日", "昭和39年12月17日"}},
		// v4 reads the 1 as 7, less surely than it reads the rest.
		{"western-date.png", dateChars, []string{"7960年7月8日", "1960年7月8日"}},
		{"slash-date.png", dateChars, []string{"2026/10/29", "2026/10/29"}},
		// v4 reads a stray 7- after the number, at a confidence of 0.33.
		{"phone.png", "0123456789-", []string{"03-6275-49527-", "03-6275-4952"}},
	} {
		reads, err := p.Read(context.Background(), load(t, c.file), c.allow)
		if err != nil {
			t.Fatal(err)
		}
		if len(reads) != len(paddle.Models()) {
			t.Fatalf("%s: %d reads, want one per model", c.file, len(reads))
		}
		for i, r := range reads {
			if r.Model != paddle.Models()[i].Name {
				t.Errorf("%s: read %d is labelled %q", c.file, i, r.Model)
			}
			if strings.Trim(r.Text, c.allow) != "" {
				t.Errorf("%s: model %s read %q, outside the mask %q", c.file, r.Model, r.Text, c.allow)
			}
			if r.Confidence <= 0 || r.Confidence > 1 {
				t.Errorf("%s: model %s confidence %v", c.file, r.Model, r.Confidence)
			}
		}
		for i, r := range reads {
			if got := strings.ReplaceAll(r.Text, " ", ""); got != c.want[i] {
				t.Errorf("%s: model %s read %q, want %q", c.file, r.Model, got, c.want[i])
			}
		}
		if c.file == "phone.png" && reads[0].Confidence > 0.5 {
			t.Errorf("v4's misread of phone.png has confidence %v: a stray digit should be doubtful", reads[0].Confidence)
		}
	}
}

// A blank line reads as nothing, surely.
func TestBlankReadsEmpty(t *testing.T) {
	p := openPool(t)
	img := image.NewGray(image.Rect(0, 0, 300, 60))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	reads, err := p.Read(context.Background(), img, dateChars)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reads {
		if r.Text != "" {
			t.Errorf("model %s read %q on a blank line", r.Model, r.Text)
		}
	}
}

// Workers read at once with the one session of each model, and agree
// with a lone read.
func TestConcurrentReads(t *testing.T) {
	p := openPool(t)
	img := load(t, "slash-date.png")
	want, err := p.Read(context.Background(), img, dateChars)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got, err := p.Read(context.Background(), img, dateChars)
			if err != nil {
				t.Error(err)
				return
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("concurrent read %+v, alone %+v", got[i], want[i])
				}
			}
		})
	}
	wg.Wait()
}

func TestClosedAndCancelled(t *testing.T) {
	p := openPool(t)
	img := load(t, "phone.png")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Read(ctx, img, "0123456789-"); !errors.Is(err, context.Canceled) {
		t.Errorf("read with a cancelled context: %v", err)
	}
	p.Close()
	if _, err := p.Read(context.Background(), img, "0123456789-"); !errors.Is(err, paddle.ErrClosed) {
		t.Errorf("read after Close: %v, want ErrClosed", err)
	}
}

func TestDirNamesWhatIsMissing(t *testing.T) {
	empty := t.TempDir()
	_, err := paddle.Dir(func(k string) string {
		if k == "SHINSEI_ONNX_DIR" {
			return empty
		}
		return ""
	})
	if !errors.Is(err, paddle.ErrNotInstalled) || !strings.Contains(err.Error(), "scripts/setup.sh") || !strings.Contains(err.Error(), empty) {
		t.Errorf("Dir on an empty folder: %v", err)
	}
}

// BenchmarkRead: one date read by both models (what confirming a date
// costs); BenchmarkReadParallel: as many at once as GOMAXPROCS, on the
// shared sessions (its ns/op falls with the cores when runs do not wait
// for each other).
func BenchmarkRead(b *testing.B) { benchRead(b, false) }

func BenchmarkReadParallel(b *testing.B) { benchRead(b, true) }

func benchRead(b *testing.B, parallel bool) {
	p := paddletest.Pool(b)
	g := load(b, "slash-date.png")
	b.ResetTimer()
	if parallel {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := p.Read(context.Background(), g, dateChars); err != nil {
					b.Error(err)
					return
				}
			}
		})
		return
	}
	for b.Loop() {
		if _, err := p.Read(context.Background(), g, dateChars); err != nil {
			b.Fatal(err)
		}
	}
}

// Asked which of a few spellings a written date is, each model picks the
// one written, clearly; a list that lacks it still has a best, which fits
// the line far worse than the models' own reading.
func TestChoose(t *testing.T) {
	p := openPool(t)
	const allow = "0123456789/年月日令和平成昭和元"
	for _, c := range []struct {
		file       string
		candidates []string
		want       int // -1: what was written is not listed
	}{
		{"slash-date.png", []string{"2026/10/28", "2026/10/29", "2026/10/20", "2026/11/29"}, 1},
		{"showa-date.png", []string{"昭和39年12月11日", "昭和39年12月17日", "平成39年12月17日", "1964年12月17日"}, 1},
		{"showa-date.png", []string{"2026/10/28", "2026/10/29"}, -1},
	} {
		choices, err := p.Choose(context.Background(), load(t, c.file), allow, flat(c.candidates...))
		if err != nil {
			t.Fatal(err)
		}
		if len(choices) != len(paddle.Models()) {
			t.Fatalf("%s: %d choices, want one per model", c.file, len(choices))
		}
		for _, ch := range choices {
			switch {
			case c.want >= 0 && (ch.Key != c.candidates[c.want] || ch.Share < 0.9 || ch.Fit < -1):
				t.Errorf("%s, %s: picked %q (share %.3f, fit %.2f), want %q clearly", c.file, ch.Model, ch.Key, ch.Share, ch.Fit, c.candidates[c.want])
			case c.want < 0 && ch.Key != "" && ch.Fit > -10:
				t.Errorf("%s, %s: %q, not written, fits at %.2f", c.file, ch.Model, ch.Key, ch.Fit)
			}
		}
	}
	// A candidate of characters outside allow is not scored.
	choices, err := p.Choose(context.Background(), load(t, "slash-date.png"), "0123456789", flat("2026/10/29"))
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range choices {
		if ch.Key != "" {
			t.Errorf("%s scored a candidate holding a character it may not read", ch.Model)
		}
	}
}

// flat is a tree of spellings that share nothing, each its own value.
func flat(spellings ...string) paddle.Tree {
	return paddle.Tree{Kids: func() []paddle.Tree {
		var kids []paddle.Tree
		for _, s := range spellings {
			kids = append(kids, paddle.Tree{Part: s, Key: s})
		}
		return kids
	}}
}
