package templates_test

import (
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shinsei/templates"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func renderer(t testing.TB) *templates.Renderer {
	t.Helper()
	r, err := templates.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRenderSize(t *testing.T) {
	r := renderer(t)
	tp, _ := templates.Builtin().Get("jpki-application", 1)
	for _, c := range []struct {
		dpi  float64
		w, h int
	}{{300, 2480, 3508}, {150, 1240, 1754}, {600, 4961, 7016}} {
		img, err := r.Render(tp, templates.Values{}, c.dpi)
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
			t.Errorf("%g dpi: %dx%d, want %dx%d", c.dpi, b.Dx(), b.Dy(), c.w, c.h)
		}
	}
	if _, err := r.Render(tp, templates.Values{}, 10); err == nil {
		t.Error("10 dpi accepted")
	}
}

// inkRatio is the share of pixels darker than mid-grey inside b (in mm).
func inkRatio(img *image.Gray, b templates.Box, dpi float64) float64 {
	px := func(mm float64) int { return int(math.Round(templates.MMToPx(mm, dpi))) }
	ink, n := 0, 0
	for y := px(b.Y); y < px(b.Y+b.H); y++ {
		for x := px(b.X); x < px(b.X+b.W); x++ {
			n++
			if img.GrayAt(x, y).Y < 128 {
				ink++
			}
		}
	}
	return float64(ink) / float64(n)
}

func inset(b templates.Box, mm float64) templates.Box {
	return templates.Box{X: b.X + mm, Y: b.Y + mm, W: b.W - 2*mm, H: b.H - 2*mm}
}

// The printed page is where the template says: solid fiducials with the
// marked corner's hole, framed writing boxes, and nothing printed inside them.
func TestRenderGeometry(t *testing.T) {
	r := renderer(t)
	const dpi = 300
	for _, tp := range templates.Builtin().List() {
		img, err := r.Render(tp, templates.Values{}, dpi)
		if err != nil {
			t.Fatal(err)
		}
		for corner, c := range templates.FiducialCentres() {
			s := templates.FiducialSizeMM/2 - 0.3
			ring := templates.Box{X: c.X - s, Y: c.Y - s, W: 2 * s, H: 0.5}
			if got := inkRatio(img, ring, dpi); got < 0.99 {
				t.Errorf("%s fiducial %d top edge ink %.2f", tp.ID, corner, got)
			}
			hole := templates.Box{X: c.X - 0.8, Y: c.Y - 0.8, W: 1.6, H: 1.6}
			got := inkRatio(img, hole, dpi)
			if templates.Corner(corner) == templates.TopLeft && got > 0.01 {
				t.Errorf("%s top-left fiducial has no hole (ink %.2f)", tp.ID, got)
			}
			if templates.Corner(corner) != templates.TopLeft && got < 0.99 {
				t.Errorf("%s fiducial %d is not solid (ink %.2f)", tp.ID, corner, got)
			}
			// White all round the mark, so it stands alone.
			around := templates.Box{X: c.X + templates.FiducialSizeMM/2 + 0.3, Y: c.Y - 3, W: 1.5, H: 6}
			if got := inkRatio(img, around, dpi); got > 0 {
				t.Errorf("%s fiducial %d has ink beside it", tp.ID, corner)
			}
		}
		for _, f := range tp.Fields {
			cells := []templates.Box{f.Box}
			if f.Cells > 0 {
				cells = cells[:0]
				for i := range f.Cells {
					cells = append(cells, f.Box.Cell(i, f.Cells))
				}
			}
			for i, c := range cells {
				if got := inkRatio(img, inset(c, 0.5), dpi); got > 0.001 {
					t.Errorf("%s.%s cell %d: blank box has ink %.3f inside", tp.ID, f.ID, i, got)
				}
			}
			top := templates.Box{X: f.Box.X + 0.5, Y: f.Box.Y, W: f.Box.W - 1, H: 0.2}
			if got := inkRatio(img, top, dpi); got < 0.99 {
				t.Errorf("%s.%s: frame top edge ink %.2f", tp.ID, f.ID, got)
			}
		}
	}
}

// Rendering is deterministic: the golden hashes of every template at 300
// and 150 dpi hold on every machine (the font is embedded), and the 100 dpi
// previews in docs/ are what they show. Run with -update after changing a
// layout on purpose.
func TestRenderGolden(t *testing.T) {
	r := renderer(t)
	var lines []string
	for _, tp := range templates.Builtin().List() {
		for _, dpi := range []float64{300, 150} {
			img, err := r.Render(tp, templates.Values{}, dpi)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := r.Render(tp, templates.Values{}, dpi)
			h, h2 := sha256.Sum256(img.Pix), sha256.Sum256(again.Pix)
			if h != h2 {
				t.Errorf("%s at %g dpi: two renders differ", tp.Key(), dpi)
			}
			lines = append(lines, fmt.Sprintf("%s %g %x", tp.Key(), dpi, h))
		}
		if *update {
			img, err := r.Render(tp, templates.Values{}, 100)
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Create(filepath.Join("..", "docs", "previews", tp.ID+".png"))
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(f, img); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
	}
	got := strings.Join(lines, "\n") + "\n"
	golden := filepath.Join("testdata", "render.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./templates -update)", err)
	}
	if got != string(want) {
		t.Errorf("renders differ from %s:\ngot\n%s\nwant\n%s", golden, got, want)
	}
}

func TestRenderFill(t *testing.T) {
	r := renderer(t)
	const dpi = 200
	reg := templates.Builtin()
	app, _ := reg.Get("jpki-application", 1)
	img, err := r.Render(app, templates.Values{Fields: map[string]any{
		"cert_signature": true, "cert_user": false, "applicant_name": "山田 太郎", "applicant_birth_date": "昭和60年4月12日",
	}}, dpi)
	if err != nil {
		t.Fatal(err)
	}
	for id, marked := range map[string]bool{"cert_signature": true, "cert_user": false, "applicant_name": true, "applicant_birth_date": true, "applicant_address": false} {
		f, _ := app.Field(id)
		got := inkRatio(img, inset(f.Box, 0.6), dpi)
		if marked && got < 0.02 || !marked && got > 0 {
			t.Errorf("%s: ink %.3f inside, want marked=%v", id, got, marked)
		}
	}

	ans, _ := reg.Get("jpki-answer", 1)
	_, err = r.Render(ans, templates.Values{Fields: map[string]any{"pin_user": "1234"}}, dpi)
	if !errors.Is(err, templates.ErrPINFill) {
		t.Errorf("filling a PIN: err = %v, want ErrPINFill", err)
	}
	if strings.Contains(fmt.Sprint(err), "1234") {
		t.Errorf("the error repeats the PIN: %v", err)
	}
	for _, bad := range []map[string]any{{"no_such_field": "x"}, {"cert_user": "yes"}, {"applicant_name": true}} {
		if _, err := r.Render(app, templates.Values{Fields: bad}, dpi); err == nil {
			t.Errorf("fill %v accepted", bad)
		}
	}
	// Slots print the per-case text of an answer sheet.
	img, err = r.Render(ans, templates.Values{Slots: map[string]string{"person_name": "山田 花子"}}, dpi)
	if err != nil {
		t.Fatal(err)
	}
	if got := inkRatio(img, templates.Box{X: 50, Y: 60, W: 100, H: 8}, dpi); got < 0.01 {
		t.Errorf("person_name slot printed no ink (%.3f)", got)
	}
}

func BenchmarkRender300(b *testing.B) {
	r := renderer(b)
	tp, _ := templates.Builtin().Get("jpki-application", 1)
	for b.Loop() {
		if _, err := r.Render(tp, templates.Values{}, 300); err != nil {
			b.Fatal(err)
		}
	}
}
