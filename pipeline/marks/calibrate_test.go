//go:build eval

package marks

import (
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"shinsei/pipeline/register"
	"sort"
	"strings"
	"sync"
	"testing"

	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/templates"
)

// Calibration corpora: thresholds were chosen by looking at the features of
// these pages, never at the evaluation seeds (eval_test.go).
var calibration = []struct {
	mix  scanfx.Mix
	seed uint64
	docs int
}{
	{scanfx.Standard, 101, 400},
	{scanfx.Hard, 102, 150},
}

// TestCalibrateDump writes the features of every checkbox, signature and
// PIN cell of the calibration corpora to $MARKS_CAL_OUT (default
// /tmp/marks-cal) as CSV, one file per kind, with the truth beside them.
func TestCalibrateDump(t *testing.T) {
	out := os.Getenv("MARKS_CAL_OUT")
	if out == "" {
		out = "/tmp/marks-cal"
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	fs := newForms(t)
	var mu sync.Mutex
	rows := map[string][]string{}
	for _, c := range calibration {
		docs := genDocs(t, c.seed, c.mix, 0, c.docs, corpusCache())
		forEachPage(t, docs, func(p scannedPage) {
			f, ink, err := fs.inkOf(p)
			if err != nil {
				t.Log(err)
				return
			}
			var lines []string
			add := func(kind, line string) { lines = append(lines, kind+"\t"+line) }
			for _, fd := range f.Template.Fields {
				tr := p.truth.Fields[fd.ID]
				id := fmt.Sprintf("%s,%s,%d,%s", c.mix, p.doc, p.index, fd.ID)
				switch fd.Kind {
				case templates.Checkbox:
					ft := measureCheckbox(ink, fd)
					add("checkbox", fmt.Sprintf("%s,%v,%v,%s,%s", id, tr.Value, tr.Ambiguous, tr.Style, checkCSV(ft)))
				case templates.Signature:
					ft := measureSignature(ink, fd)
					add("signature", fmt.Sprintf("%s,%v,%s,%.3f,%.2f,%.3f", id, tr.Value, tr.Style, ft.inkMM2, ft.longestMM, ft.dustMM2))
				case templates.PIN:
					n := truthCount(tr.Value)
					for i, ft := range measurePIN(ink, fd) {
						add("pin", fmt.Sprintf("%s,%d,%v,%.3f,%.2f", id, i, i < n, ft.coreMM2, ft.longest))
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for _, l := range lines {
				k, v, _ := strings.Cut(l, "\t")
				rows[k] = append(rows[k], v)
			}
		})
	}
	head := map[string]string{
		"checkbox":  "mix,doc,page,field,value,ambiguous,style," + checkCSVHead,
		"signature": "mix,doc,page,field,value,style,ink,longest,dust",
		"pin":       "mix,doc,page,field,cell,filled,core,longest",
	}
	for k, rs := range rows {
		sort.Strings(rs)
		if err := os.WriteFile(filepath.Join(out, k+".csv"), []byte(head[k]+"\n"+strings.Join(rs, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d rows", k, len(rs))
	}
}

// corpusCache is where generated documents are kept between runs.
func corpusCache() string {
	if d := os.Getenv("MARKS_CORPUS_CACHE"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "shinsei-marks-corpus")
}

// forEachPage runs fn over every page of docs on two workers.
func forEachPage(t *testing.T, docs []scangen.Doc, fn func(scannedPage)) {
	next := make(chan scangen.Doc)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range next {
				ps, err := decodePages(d)
				if err != nil {
					t.Error(err)
					continue
				}
				for _, p := range ps {
					fn(p)
				}
			}
		}()
	}
	for _, d := range docs {
		next <- d
	}
	close(next)
	wg.Wait()
}

// TestCalibrateSynth dumps checkbox features of marks drawn by the tests'
// copy of the generator's pen (synth_test.go) on application forms scanned
// through scanfx: many more fills and scribbles than a corpus holds, to
// place the line between them. Seeds 300–399 (Standard) and 400–499
// (Hard), used for nothing else; 500–699 were held out to check the
// fitted scribble score.
func TestCalibrateSynth(t *testing.T) {
	out := os.Getenv("MARKS_CAL_OUT")
	if out == "" {
		out = "/tmp/marks-cal"
	}
	fs := newForms(t)
	form, err := fs.get("jpki-application", 0)
	if err != nil {
		t.Fatal(err)
	}
	blank, err := fs.renderer.Render(form.Template, templates.Values{}, testDPI)
	if err != nil {
		t.Fatal(err)
	}
	styles := []string{styleFill, styleFill, styleScribbled, styleScribbled, styleScribbled, styleTick, styleCross, styleCircle, "", styleDust}
	// MARKS_SYNTH_BASE=500 makes a second, held-out set.
	base, name := 300, "checkbox-synth.csv"
	if b := os.Getenv("MARKS_SYNTH_BASE"); b != "" {
		fmt.Sscan(b, &base)
		name = fmt.Sprintf("checkbox-synth-%d.csv", base)
	}
	var mu sync.Mutex
	var rows []string
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				mix, seed := scanfx.Standard, uint64(base+k)
				if k >= 100 {
					mix, seed = scanfx.Hard, uint64(base+k)
				}
				inkImg, truth, err := synthMarkPage(form, blank, mix, seed, styles)
				if err != nil {
					t.Error(err)
					continue
				}
				var lines []string
				for id, st := range truth {
					fd, _ := form.Template.Field(id)
					ft := measureCheckbox(inkImg, fd)
					lines = append(lines, fmt.Sprintf("%s,%d,%s,%s,%s", mix, seed, id, st, checkCSV(ft)))
				}
				mu.Lock()
				rows = append(rows, lines...)
				mu.Unlock()
			}
		}()
	}
	for k := range 200 {
		jobs <- k
	}
	close(jobs)
	wg.Wait()
	sort.Strings(rows)
	head := "mix,seed,field,style," + checkCSVHead + "\n"
	if err := os.WriteFile(filepath.Join(out, name), []byte(head+strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// synthMarkPage draws a mark of a random style from styles in every
// checkbox of form, scans the page through scanfx with mix's damage, and
// returns its ink with the style drawn in each box.
func synthMarkPage(form *Form, blank *image.Gray, mix scanfx.Mix, seed uint64, styles []string) (*image.Gray, map[string]string, error) {
	rng := rand.New(rand.NewPCG(seed, 77))
	img := image.NewGray(blank.Rect)
	copy(img.Pix, blank.Pix)
	ink := uint8(10 + rng.IntN(50))
	truth := map[string]string{}
	for _, fd := range form.Template.Fields {
		if fd.Kind != templates.Checkbox {
			continue
		}
		st := styles[rng.IntN(len(styles))]
		stray := st != "" && st != styleDust && rng.IntN(4) == 0
		drawMark(img, fd.Box, st, stray, ink, rng)
		truth[fd.ID] = st
		if stray {
			truth[fd.ID] += "+stray"
		}
	}
	scan, _, err := scanfx.Apply(img, scanfx.RandomParams(rng, mix), rng)
	if err != nil {
		return nil, nil, err
	}
	res, err := register.Find(scan, register.Options{})
	if err != nil {
		return nil, nil, err
	}
	return form.Ink(scan, res.Transform), truth, nil
}

const checkCSVHead = "fill,ink,longest,runsV,coreFill,coreRunsH,notchL,notchR,wedges,pScribble,ring,ringLongest"

func checkCSV(ft checkFeatures) string {
	return fmt.Sprintf("%.4f,%.3f,%.2f,%.2f,%.4f,%.2f,%d,%d,%d,%.5f,%.3f,%.2f", ft.fill, ft.inkMM2, ft.longest, ft.runsV,
		ft.coreFill, ft.coreRunsH, ft.notchL, ft.notchR, ft.wedges, ft.scribbleProbability(), ft.ringMM2, ft.ringLongest)
}
