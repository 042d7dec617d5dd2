package archive_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"iter"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/store"
	"shinsei/store/local"
	"shinsei/store/storetest"
	"shinsei/templates"
)

// backends runs fn against a local store in a temporary folder and against
// the test MinIO server: the archive must behave the same on both.
func backends(t *testing.T, fn func(t *testing.T, s store.Store)) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) { fn(t, b.Store) })
}

func localStore(t *testing.T) store.Store {
	t.Helper()
	s, err := local.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func tmpl(t testing.TB, id string) *templates.Template {
	t.Helper()
	tp, err := templates.Builtin().Get(id, 0)
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

// clock is a test clock that moves on by step each time it is read, so
// audit entries get distinct, ordered times.
type clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func newClock(start time.Time, step time.Duration) *clock { return &clock{t: start, step: step} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.t
	c.t = c.t.Add(c.step)
	return now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

var jst = time.FixedZone("JST", 9*3600)

// white returns a blank page at dpi.
func white(dpi float64) *image.Gray {
	w, h := templates.PageSizePx(dpi)
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	return img
}

// pxRect is a box in pixels on an image of the template's page, rounded
// inwards by inset pixels.
func pxRect(img *image.Gray, b templates.Box, inset int) image.Rectangle {
	sx := float64(img.Bounds().Dx()) / templates.PageWidthMM
	sy := float64(img.Bounds().Dy()) / templates.PageHeightMM
	return image.Rect(
		int(math.Round(b.X*sx))+inset, int(math.Round(b.Y*sy))+inset,
		int(math.Round((b.X+b.W)*sx))-inset, int(math.Round((b.Y+b.H)*sy))-inset,
	).Add(img.Bounds().Min)
}

// writePIN draws a stroke figure in every PIN cell of t: dark ink on white
// paper, as a person writing digits would leave it, so a redaction that
// only darkened the box would still show the shapes.
func writePIN(img *image.Gray, t *templates.Template) {
	for _, f := range t.Fields {
		if f.Kind != templates.PIN {
			continue
		}
		ink := color.Gray{Y: 30}
		for i := range f.Cells {
			r := pxRect(img, f.Box.Cell(i, f.Cells), 0)
			cx, cy := (r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2
			for d := -r.Dy() / 3; d <= r.Dy()/3; d++ {
				for w := -2; w <= 2; w++ {
					img.SetGray(cx+w+d/3, cy+d, ink)
					img.SetGray(cx+d/2, cy-r.Dy()/4+w, ink)
				}
			}
		}
	}
}

// maxIn returns the brightest pixel value inside r.
func maxIn(img *image.Gray, r image.Rectangle) uint8 {
	var m uint8
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			m = max(m, img.GrayAt(x, y).Y)
		}
	}
	return m
}

// fixture is one page to archive, made from a fake scanned file.
type fixture struct {
	file []byte
	page archive.Page
}

type pageSpec struct {
	name     string // file name
	template string // "" for an unknown form
	status   forms.Status
	caseID   string
	station  string
	original bool
	dpi      float64
	content  string // the scanned file's bytes; made up from name if ""
}

func makePage(t testing.TB, sp pageSpec) fixture {
	t.Helper()
	file := []byte("%PDF-1.7 fake scan of " + sp.name + "\n")
	if sp.content != "" {
		file = []byte(sp.content)
	}
	sum := forms.FileSHA256(file)
	rec := forms.Record{
		DocumentID: forms.DocumentID(sum, 1),
		Source:     forms.Source{Name: sp.name, SHA256: sum, Page: 1},
		Status:     sp.status,
		Quality:    forms.Quality{DPI: 300},
		Fields:     map[string]forms.FieldValue{},
		Issues:     []forms.Issue{},
	}
	dpi := sp.dpi
	if dpi == 0 {
		dpi = 100 // small pages keep the tests quick; Redact scales to any size
	}
	p := archive.Page{Record: rec, Image: white(dpi), OriginalName: sp.name, Station: sp.station}
	if sp.template != "" {
		tp := tmpl(t, sp.template)
		p.Template = tp
		p.Record.Template = &forms.TemplateRef{ID: tp.ID, Revision: tp.Revision}
		for _, f := range tp.Fields {
			if f.Kind == templates.PIN {
				p.Record.Fields[f.ID] = forms.FieldValue{Value: f.Cells, Confidence: 0.99}
			}
		}
		writePIN(p.Image, tp)
	} else {
		p.Record.Issues = append(p.Record.Issues, forms.Issue{Code: "unknown_form", Message: "not a shinsei form"})
	}
	if sp.caseID != "" {
		p.Record.Case = &forms.CaseLink{ID: sp.caseID, Match: "qr", Status: "pending"}
	}
	if sp.original {
		p.Original = file
	}
	return fixture{file: file, page: p}
}

// objects returns every key in the store with its content.
func objects(t testing.TB, s store.Store) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	out := map[string][]byte{}
	for info, err := range s.List(ctx, "") {
		if err != nil {
			t.Fatal(err)
		}
		rc, err := s.Get(ctx, info.Key)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[info.Key] = data
	}
	return out
}

func keysUnder(m map[string][]byte, prefix string) []string {
	var ks []string
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	return ks
}

func ids(recs []forms.Record) []string {
	out := []string{}
	for _, r := range recs {
		out = append(out, r.DocumentID)
	}
	return out
}

// spy is a store that logs every operation and can be made to fail Puts,
// to check what the archive does in which order and how it survives a
// crash between two writes.
type spy struct {
	store.Store
	mu sync.Mutex
	// ops are "put KEY", "get KEY", "stat KEY", "list PREFIX".
	ops []string
	// failAfter, if >= 0, is how many more Puts succeed before they fail.
	failAfter int
}

var errCrash = errors.New("simulated crash")

func newSpy(s store.Store) *spy { return &spy{Store: s, failAfter: -1} }

func (s *spy) log(op string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ops = append(s.ops, op)
}

func (s *spy) Ops() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ops)
}

func (s *spy) Put(ctx context.Context, key string, r io.Reader, size int64) (store.Info, error) {
	s.mu.Lock()
	if s.failAfter == 0 {
		s.mu.Unlock()
		return store.Info{}, fmt.Errorf("put %s: %w", key, errCrash)
	}
	if s.failAfter > 0 {
		s.failAfter--
	}
	s.mu.Unlock()
	s.log("put " + key)
	return s.Store.Put(ctx, key, r, size)
}

func (s *spy) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	s.log("get " + key)
	return s.Store.Get(ctx, key)
}

func (s *spy) Stat(ctx context.Context, key string) (store.Info, error) {
	s.log("stat " + key)
	return s.Store.Stat(ctx, key)
}

func (s *spy) List(ctx context.Context, prefix string) iter.Seq2[store.Info, error] {
	s.log("list " + prefix)
	return s.Store.List(ctx, prefix)
}

func contains(haystack []byte, needle string) bool { return bytes.Contains(haystack, []byte(needle)) }
