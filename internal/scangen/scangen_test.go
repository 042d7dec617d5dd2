package scangen_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"testing"

	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/templates"
)

func gen(t testing.TB, seed uint64, mix scanfx.Mix) *scangen.Generator {
	t.Helper()
	g, err := scangen.New(scangen.Options{Seed: seed, Mix: mix})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Two runs with one seed give the same bytes, whatever else ran between.
func TestDeterministic(t *testing.T) {
	mixes, docs := []scanfx.Mix{scanfx.Clean, scanfx.Standard, scanfx.Hard}, []int{0, 3}
	if raceEnabled {
		// Generation is single-goroutine: the race detector finds nothing
		// here and makes each document ten times slower.
		mixes, docs = []scanfx.Mix{scanfx.Hard}, []int{3}
	}
	for _, mix := range mixes {
		a, b := gen(t, 42, mix), gen(t, 42, mix)
		for _, i := range docs {
			da, err := a.Document(i)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.Document(i + 1); err != nil { // b's state must not matter
				t.Fatal(err)
			}
			db, err := b.Document(i)
			if err != nil {
				t.Fatal(err)
			}
			ta, _ := json.Marshal(da.Truth)
			tb, _ := json.Marshal(db.Truth)
			if da.Name != db.Name || !bytes.Equal(da.Data, db.Data) || !bytes.Equal(ta, tb) {
				t.Errorf("%s document %d differs between two runs (%s, %s)", mix, i, da.Name, db.Name)
			}
		}
	}
	other, _ := gen(t, 43, scanfx.Standard).Document(0)
	same, _ := gen(t, 42, scanfx.Standard).Document(0)
	if bytes.Equal(other.Data, same.Data) {
		t.Error("seeds 42 and 43 made the same document")
	}
}

func decode(t *testing.T, d scangen.Doc) []*image.Gray {
	t.Helper()
	imgs, err := scangen.DecodeFile(d.Name, d.Data)
	if err != nil {
		t.Fatal(err)
	}
	return imgs
}

// docs is how many documents a corpus-wide test looks at.
func docs(n int) int {
	if raceEnabled {
		return max(2, n/3)
	}
	return n
}

// ink is the share of dark pixels in box b (mm) of a scan, located through
// the truth's transform; it looks at the box's inner part only, away from
// its printed frame.
func ink(img *image.Gray, g scangen.Geometry, b templates.Box) float64 {
	m := g.MMToPx
	at := func(x, y float64) (float64, float64) { return m[0]*x + m[1]*y + m[2], m[3]*x + m[4]*y + m[5] }
	const in = 0.9 // mm inside the frame
	dark, n := 0, 0
	step := 25.4 / g.DPI / 1.5
	for y := b.Y + in; y < b.Y+b.H-in; y += step {
		for x := b.X + in; x < b.X+b.W-in; x += step {
			px, py := at(x, y)
			ix, iy := int(math.Floor(px)), int(math.Floor(py))
			if !(image.Point{ix, iy}.In(img.Rect)) {
				continue
			}
			n++
			if img.GrayAt(ix, iy).Y < 100 {
				dark++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(dark) / float64(n)
}

// The ground truth says what was drawn: marked boxes hold ink and blank
// ones none, signatures are where the truth says, and the number of PIN
// cells with ink is the truth's count — checked on the decoded files,
// through the truth's geometry, for clean and standard scans.
func TestTruthAgreesWithPixels(t *testing.T) {
	reg := templates.Builtin()
	for _, mix := range []scanfx.Mix{scanfx.Clean, scanfx.Standard} {
		g := gen(t, 7, mix)
		for i := range docs(8) {
			d, err := g.Document(i)
			if err != nil {
				t.Fatal(err)
			}
			imgs := decode(t, d)
			if len(imgs) != len(d.Truth.Pages) {
				t.Fatalf("%s: %d images, %d truth pages", d.Name, len(imgs), len(d.Truth.Pages))
			}
			for pi, pt := range d.Truth.Pages {
				img, geo := imgs[pi], pt.Geometry
				if b := img.Bounds(); b.Dx() != geo.Width || b.Dy() != geo.Height {
					t.Errorf("%s page %d: image %dx%d, truth says %dx%d", d.Name, pi+1, b.Dx(), b.Dy(), geo.Width, geo.Height)
				}
				tp, err := reg.Get(pt.Template, pt.Revision)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range tp.Fields {
					ft, ok := pt.Fields[f.ID]
					if !ok {
						t.Errorf("%s: no truth for %s", d.Name, f.ID)
						continue
					}
					where := fmt.Sprintf("%s page %d %s (%s)", d.Name, pi+1, f.ID, mix)
					switch f.Kind {
					case templates.Checkbox, templates.Signature:
						on := ft.Value.(bool)
						r := ink(img, geo, f.Box)
						if on && r < 0.02 || !on && r > 0.004 {
							t.Errorf("%s: truth %v (%s) but ink %.3f", where, on, ft.Style, r)
						}
					case templates.PIN:
						filled := 0
						for c := range f.Cells {
							if ink(img, geo, f.Box.Cell(c, f.Cells)) > 0.01 {
								filled++
							}
						}
						if filled != ft.Value.(int) {
							t.Errorf("%s: truth %d cells, ink in %d", where, ft.Value, filled)
						}
					case templates.Text, templates.Date:
						written := ft.Value.(string) != ""
						if r := ink(img, geo, f.Box); written != (r > 0.005) {
							t.Errorf("%s: truth %q but ink %.3f", where, ft.Value, r)
						}
					}
				}
			}
		}
	}
}

// The QR code and fiducials stay where the geometry says: the marked corner
// is dark around its hole and white in it.
func TestTruthGeometryFindsFiducials(t *testing.T) {
	g := gen(t, 11, scanfx.Hard)
	for i := range docs(4) {
		d, err := g.Document(i)
		if err != nil {
			t.Fatal(err)
		}
		for pi, img := range decode(t, d) {
			geo := d.Truth.Pages[pi].Geometry
			c := templates.FiducialCentres()[templates.TopLeft]
			m := geo.MMToPx
			at := func(x, y float64) uint8 {
				px, py := m[0]*x+m[1]*y+m[2], m[3]*x+m[4]*y+m[5]
				return img.GrayAt(int(px), int(py)).Y
			}
			if v := at(c.X, c.Y); v < 150 {
				t.Errorf("%s page %d: hole of the marked fiducial is dark (%d)", d.Name, pi+1, v)
			}
			if v := at(c.X+2.2, c.Y+2.2); v > 110 {
				t.Errorf("%s page %d: body of the marked fiducial is light (%d)", d.Name, pi+1, v)
			}
		}
	}
}

func BenchmarkDocumentStandard(b *testing.B) {
	g := gen(b, 1, scanfx.Standard)
	i := 0
	for b.Loop() {
		if _, err := g.Document(i); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// The corpus committed under testdata/corpus is what the generator makes
// from the seeds its truth files name, byte for byte: tests that read it and
// corpora made with `make corpus` on another machine are the same data.
// (Run scripts/testdata-corpus.sh to remake it after changing the generator.)
func TestCommittedCorpusReproducible(t *testing.T) {
	truths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "corpus", "*", "*.truth.json"))
	if err != nil || len(truths) == 0 {
		t.Fatalf("no committed corpus found (%v)", err)
	}
	gens := map[string]*scangen.Generator{}
	for k, tf := range truths {
		if raceEnabled && k%3 != 0 {
			continue
		}
		data, err := os.ReadFile(tf)
		if err != nil {
			t.Fatal(err)
		}
		var truth scangen.Truth
		if err := json.Unmarshal(data, &truth); err != nil {
			t.Fatalf("%s: %v", tf, err)
		}
		key := fmt.Sprintf("%d/%s", truth.Seed, truth.Mix)
		g := gens[key]
		if g == nil {
			mix, err := scanfx.ParseMix(truth.Mix)
			if err != nil {
				t.Fatal(err)
			}
			g = gen(t, truth.Seed, mix)
			gens[key] = g
		}
		doc, err := g.Document(truth.Index)
		if err != nil {
			t.Fatal(err)
		}
		file, err := os.ReadFile(filepath.Join(filepath.Dir(tf), truth.File))
		if err != nil {
			t.Fatal(err)
		}
		if doc.Name != truth.File || !bytes.Equal(doc.Data, file) {
			t.Errorf("%s: regenerated %s (%d bytes) differs from the committed file (%d bytes)", tf, doc.Name, len(doc.Data), len(file))
		}
		again, _ := json.MarshalIndent(doc.Truth, "", "  ")
		if !bytes.Equal(append(again, '\n'), data) {
			t.Errorf("%s: regenerated truth differs", tf)
		}
	}
}
