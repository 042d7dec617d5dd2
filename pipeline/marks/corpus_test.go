package marks

import (
	"encoding/json"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/pipeline/register"
	"shinsei/templates"
)

// genDocs makes documents [from, from+n) of a generated corpus with two
// workers (generation is most of a corpus test's time). With a cache
// directory, documents are kept there and reused by later runs.
func genDocs(t testing.TB, seed uint64, mix scanfx.Mix, from, n int, cache string) []scangen.Doc {
	t.Helper()
	g, err := scangen.New(scangen.Options{Seed: seed, Mix: mix})
	if err != nil {
		t.Fatal(err)
	}
	dir := ""
	if cache != "" {
		dir = filepath.Join(cache, fmt.Sprintf("%s-seed%d", mix, seed))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	docs := make([]scangen.Doc, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				docs[k], errs[k] = cachedDoc(g, dir, from+k)
			}
		}()
	}
	for k := range n {
		next <- k
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return docs
}

func cachedDoc(g *scangen.Generator, dir string, i int) (scangen.Doc, error) {
	if dir == "" {
		return g.Document(i)
	}
	meta := filepath.Join(dir, fmt.Sprintf("%05d.json", i))
	data := filepath.Join(dir, fmt.Sprintf("%05d.bin", i))
	if m, err := os.ReadFile(meta); err == nil {
		var d scangen.Doc
		if err := json.Unmarshal(m, &d.Truth); err == nil {
			if b, err := os.ReadFile(data); err == nil {
				d.Name, d.Data = d.Truth.File, b
				return d, nil
			}
		}
	}
	d, err := g.Document(i)
	if err != nil {
		return d, err
	}
	m, err := json.Marshal(d.Truth)
	if err != nil {
		return d, err
	}
	// Data first, then the truth that marks the entry complete.
	if err := os.WriteFile(data, d.Data, 0o644); err != nil {
		return d, err
	}
	return d, os.WriteFile(meta, m, 0o644)
}

// loadCommitted reads the committed corpus (testdata/corpus/<mix>).
func loadCommitted(t testing.TB, mix string) []scangen.Doc {
	t.Helper()
	truths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "corpus", mix, "*.truth.json"))
	if err != nil || len(truths) == 0 {
		t.Fatalf("no committed %s corpus (%v)", mix, err)
	}
	var docs []scangen.Doc
	for _, tf := range truths {
		b, err := os.ReadFile(tf)
		if err != nil {
			t.Fatal(err)
		}
		var d scangen.Doc
		if err := json.Unmarshal(b, &d.Truth); err != nil {
			t.Fatal(err)
		}
		d.Name = d.Truth.File
		if d.Data, err = os.ReadFile(filepath.Join(filepath.Dir(tf), d.Name)); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	return docs
}

// forms keeps one Form and one blank render per template.
type forms struct {
	reg      *templates.Registry
	renderer *templates.Renderer
	mu       sync.Mutex
	byKey    map[string]*Form
	blanks   map[string]*image.Gray
}

// shared is one forms for the whole test binary: rendering and masking the
// three forms takes seconds under the race detector.
var shared = sync.OnceValues(func() (*forms, error) {
	r, err := templates.NewRenderer()
	if err != nil {
		return nil, err
	}
	return &forms{reg: templates.Builtin(), renderer: r, byKey: map[string]*Form{}, blanks: map[string]*image.Gray{}}, nil
})

func newForms(t testing.TB) *forms {
	t.Helper()
	fs, err := shared()
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func (fs *forms) get(id string, rev int) (*Form, error) {
	f, _, err := fs.getWithBlank(id, rev)
	return f, err
}

// getWithBlank returns the Form of template id at revision rev (0: the
// latest) and its blank render at the canvas resolution. The blank is
// shared: callers must not change it.
func (fs *forms) getWithBlank(id string, rev int) (*Form, *image.Gray, error) {
	tp, err := fs.reg.Get(id, rev)
	if err != nil {
		return nil, nil, err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	key := tp.Key()
	if f, ok := fs.byKey[key]; ok {
		return f, fs.blanks[key], nil
	}
	blank, err := fs.renderer.Render(tp, templates.Values{}, templates.CanvasDPI)
	if err != nil {
		return nil, nil, err
	}
	f := formFromBlank(tp, templates.CanvasDPI, blank)
	fs.byKey[key], fs.blanks[key] = f, blank
	return f, blank, nil
}

// scannedPage is one page of a generated document with its truth.
type scannedPage struct {
	doc   string
	index int
	img   *image.Gray
	truth scangen.PageTruth
}

func pagesOf(t testing.TB, d scangen.Doc) []scannedPage {
	t.Helper()
	ps, err := decodePages(d)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// decodePages is pagesOf for goroutines, which must not call t.Fatal.
func decodePages(d scangen.Doc) ([]scannedPage, error) {
	imgs, err := scangen.DecodeFile(d.Name, d.Data)
	if err != nil {
		return nil, err
	}
	if len(imgs) != len(d.Truth.Pages) {
		return nil, fmt.Errorf("%s: %d pages decoded, truth has %d", d.Name, len(imgs), len(d.Truth.Pages))
	}
	var ps []scannedPage
	for i, img := range imgs {
		ps = append(ps, scannedPage{doc: d.Name, index: i, img: img, truth: d.Truth.Pages[i]})
	}
	return ps, nil
}

// inkOf registers a page the way the pipeline does (the file's DPI as a
// hint) and returns its ink on the canvas with the form to read it by.
func (fs *forms) inkOf(p scannedPage) (*Form, *image.Gray, error) {
	res, err := register.Find(p.img, register.Options{DPIHint: p.truth.Geometry.DPI})
	if err != nil {
		return nil, nil, fmt.Errorf("%s page %d: %w", p.doc, p.index+1, err)
	}
	f, err := fs.get(p.truth.Template, p.truth.Revision)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Ink(p.img, res.Transform), nil
}

// truthCount reads a PIN field's truth (a count of filled cells), which is
// an int fresh from the generator and a float64 back from JSON.
func truthCount(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	}
	return -1
}

// truthBool reads a checkbox or signature truth.
func truthBool(v any) bool {
	b, _ := v.(bool)
	return b
}
