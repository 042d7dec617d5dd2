// Package trainlines makes line images with ground truth for fine-tuning
// Tesseract's jpn model on the handwriting the scan generator draws
// (internal/scangen). Each line is a handwritten field of a real template,
// lightly blurred and noised like a scan, then prepared and shown exactly as
// the text reader shows it to Tesseract (pipeline/text), so the model learns
// from what it will be asked to read.
//
// The text comes from a general word list (Tesseract's own jpn dictionary)
// shaped into names, readings, addresses and dates, never from the
// generator's lists of people and places: the evaluation corpora are drawn
// from those, and a model trained on them would be judged on what it had
// memorised.
//
// Sample i depends only on (seed, i), so a set is reproducible byte for byte
// and samples are made in parallel.
package trainlines

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"shinsei/internal/scangen"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// Maker makes training lines. It is safe for concurrent use.
type Maker struct {
	gen    *scangen.Generator
	words  *words
	fields []field
	seed   uint64
}

// field is a handwritten field Tesseract's jpn model reads.
type field struct {
	key string // template key, "jpki-application@1"
	f   templates.Field
}

// New returns a maker writing with g's hands and text built from wordList
// (see ReadWords; words not made of kanji and kana are dropped).
func New(g *scangen.Generator, wordList []string, seed uint64) (*Maker, error) {
	w, err := newWords(wordList)
	if err != nil {
		return nil, err
	}
	m := &Maker{gen: g, words: w, seed: seed}
	for _, t := range templates.Builtin().List() {
		for _, f := range t.Fields {
			if jpnHandwriting(f) {
				m.fields = append(m.fields, field{key: t.Key(), f: f})
			}
		}
	}
	if len(m.fields) == 0 {
		return nil, errors.New("trainlines: no template has a handwritten field read with jpn")
	}
	return m, nil
}

// jpnHandwriting reports whether a person writes f by hand and the text
// reader reads it with the handwriting model: text and date fields, and
// phone numbers (Digits), which eng reads and the handwriting model checks
// (pipeline/text's checkSpec); not alphanumerics. Printed per-case text
// (an answer sheet's name and address) is no field at all.
func jpnHandwriting(f templates.Field) bool {
	return (f.Kind == templates.Text || f.Kind == templates.Date) && f.Charset != templates.Alnum
}

// Sample is one training line.
type Sample struct {
	Field string // template key and field id, "jpki-application@1/applicant_name"
	Text  string // the ground truth: one line, no trailing space
	Image *image.Gray
}

// NewCanvas returns a page canvas for Sample. Sample writes only around
// the field it picks and whitens that area first, so one canvas serves a
// worker for all its samples; a full page keeps text.Prepare's millimetres
// right, as it measures them from the canvas width.
func NewCanvas() *image.Gray {
	w, h := templates.PageSizePx(templates.CanvasDPI)
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	return img
}

// attempts bounds the redraws of a sample whose writing text.Prepare
// finds no ink in; it has never been seen to need one.
const attempts = 4

// Sample makes sample i on canvas (from NewCanvas). ok is false when, in
// every attempt, text.Prepare found no writing.
func (m *Maker) Sample(i int, canvas *image.Gray) (s Sample, ok bool, err error) {
	rng := rand.New(rand.NewPCG(m.seed, uint64(i)*0x9E3779B97F4A7C15+0x7472_6169_6e6c))
	for range attempts {
		fd := pick(rng, m.fields)
		gt := m.words.text(fd.f, rng)
		for range attempts * 4 {
			if m.gen.CanWrite(gt) {
				break
			}
			gt = m.words.text(fd.f, rng) // a word no hand can write
		}
		if !m.gen.CanWrite(gt) {
			continue
		}
		area := around(canvas, fd.f.Box, 4)
		whiten(canvas, area)
		if err := m.gen.WriteText(canvas, fd.f.Box, gt, rng); err != nil {
			return Sample{}, false, fmt.Errorf("sample %d, %s: %w", i, fd.f.ID, err)
		}
		scan(canvas, area, rng)
		p := text.Prepare(canvas, fd.f.Box)
		if p.Ink == 0 {
			continue
		}
		v := pick(rng, text.Views(fd.f, p.Image))
		return Sample{Field: fd.key + "/" + fd.f.ID, Text: gt, Image: v.Image}, true, nil
	}
	return Sample{}, false, nil
}

// around is box b grown by marginMM on every side, in canvas pixels: room
// for the pen's slant and wobble.
func around(canvas *image.Gray, b templates.Box, marginMM float64) image.Rectangle {
	px := func(mm float64) int { return int(math.Round(templates.MMToPx(mm, templates.CanvasDPI))) }
	return image.Rect(px(b.X-marginMM), px(b.Y-marginMM), px(b.X+b.W+marginMM), px(b.Y+b.H+marginMM)).Intersect(canvas.Rect)
}

func whiten(img *image.Gray, r image.Rectangle) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[img.PixOffset(r.Min.X, y):img.PixOffset(r.Max.X, y)]
		for x := range row {
			row[x] = 255
		}
	}
}

// scan damages area r of img lightly, as a sheet-fed scanner does: a
// Gaussian blur of 0.4–1 px and grey noise of 2–12 levels. Only r is read,
// so a sample does not depend on what an earlier one left elsewhere.
func scan(img *image.Gray, r image.Rectangle, rng *rand.Rand) {
	sigma := 0.4 + rng.Float64()*0.6
	noise := 2 + rng.Float64()*10
	const radius = 2
	var k [2*radius + 1]float64
	sum := 0.0
	for j := range k {
		d := float64(j - radius)
		k[j] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[j]
	}
	for j := range k {
		k[j] /= sum
	}
	w, h := r.Dx(), r.Dy()
	at := func(x, y int) float64 { return float64(img.Pix[img.PixOffset(r.Min.X+x, r.Min.Y+y)]) }
	tmp := make([]float64, w*h)
	for y := range h {
		for x := range w {
			v := 0.0
			for j, kj := range k {
				v += kj * at(min(max(x+j-radius, 0), w-1), y)
			}
			tmp[y*w+x] = v
		}
	}
	for y := range h {
		row := img.Pix[img.PixOffset(r.Min.X, r.Min.Y+y):]
		for x := range w {
			v := 0.0
			for j, kj := range k {
				v += kj * tmp[min(max(y+j-radius, 0), h-1)*w+x]
			}
			v += rng.NormFloat64() * noise
			row[x] = uint8(min(max(math.Round(v), 0), 255))
		}
	}
}

// BoxFile is a Tesseract LSTM line box file for a line image of w×h pixels
// reading gt: every character boxed as the whole line, then a tab ending
// the line, as tesstrain's generate_line_box.py writes it.
func BoxFile(gt string, w, h int) []byte {
	var b bytes.Buffer
	for _, r := range gt {
		fmt.Fprintf(&b, "%c 0 0 %d %d 0\n", r, w, h)
	}
	fmt.Fprintf(&b, "\t %d %d %d %d 0\n", w, h, w+1, h+1)
	return b.Bytes()
}

// Summary is what Write made.
type Summary struct {
	Written int
	Skipped int            // samples Prepare found no writing in
	Fields  map[string]int // lines written per field ("jpki-application@1/applicant_name")
}

// Write makes samples 1…n into dir, creating it: NNNNNN.png, NNNNNN.gt.txt
// and NNNNNN.box each, workers at a time.
func (m *Maker) Write(ctx context.Context, dir string, n, workers int) (Summary, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("trainlines: %w", err)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for i := 1; i <= n; i++ {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var mu sync.Mutex
	sum := Summary{Fields: map[string]int{}}
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			canvas := NewCanvas()
			for i := range jobs {
				s, ok, err := m.Sample(i, canvas)
				if err == nil && ok {
					err = writeSample(dir, i, s)
				}
				if err != nil {
					cancel(err)
					return
				}
				mu.Lock()
				if ok {
					sum.Written++
					sum.Fields[s.Field]++
				} else {
					sum.Skipped++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return sum, err
	}
	return sum, nil
}

func writeSample(dir string, i int, s Sample) error {
	var img bytes.Buffer
	if err := png.Encode(&img, s.Image); err != nil {
		return fmt.Errorf("sample %d: %w", i, err)
	}
	base := filepath.Join(dir, fmt.Sprintf("%06d", i))
	w, h := s.Image.Rect.Dx(), s.Image.Rect.Dy()
	gt := strings.TrimRight(s.Text, " ")
	for _, f := range []struct {
		ext  string
		data []byte
	}{
		{".png", img.Bytes()},
		{".gt.txt", []byte(gt + "\n")},
		{".box", BoxFile(gt, w, h)},
	} {
		if err := os.WriteFile(base+f.ext, f.data, 0o644); err != nil {
			return fmt.Errorf("sample %d: %w", i, err)
		}
	}
	return nil
}
