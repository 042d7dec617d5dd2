package pipeline_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shinsei/forms"
	"shinsei/internal/scanfx"
	"shinsei/pipeline"
	"shinsei/templates"
)

func engine(t *testing.T) *pipeline.Engine {
	t.Helper()
	e, err := pipeline.New(templates.Builtin(), pipeline.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func encode(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func render(t *testing.T, id string, v templates.Values, dpi float64) *image.Gray {
	t.Helper()
	r, err := templates.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	tp, err := templates.Builtin().Get(id, 0)
	if err != nil {
		t.Fatal(err)
	}
	img, err := r.Render(tp, v, dpi)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func white(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	return img
}

func rotate180(src *image.Gray) *image.Gray {
	b := src.Bounds()
	dst := image.NewGray(b)
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			dst.Pix[dst.PixOffset(b.Dx()-1-x, b.Dy()-1-y)] = src.Pix[src.PixOffset(x, y)]
		}
	}
	return dst
}

// Every kind of page gets a record that says what happened and what to do.
func TestRead(t *testing.T) {
	e := engine(t)
	filled := render(t, "jpki-revocation", templates.Values{Fields: map[string]any{"cert_user": true, "request_revoke": true}}, 300)
	cut := image.NewGray(image.Rect(0, 0, 2480, 3508-472)) // bottom 40 mm lost
	copy(cut.Pix, filled.Pix[:len(cut.Pix)])
	unknown := white(2480, 3508)
	for y := 400; y < 3000; y += 60 { // lines of "text", no registration marks
		for x := 300; x < 2100; x++ {
			if (x/25)%3 != 0 {
				for dy := range 20 {
					unknown.Pix[unknown.PixOffset(x, y+dy)] = 20
				}
			}
		}
	}
	for _, c := range []struct {
		name     string
		img      *image.Gray
		status   forms.Status
		code     string
		template string
		msg      string
	}{
		{"upright", filled, forms.NeedsReview, pipeline.CodeTextNotRead, "jpki-revocation", ""},
		{"upside down", rotate180(filled), forms.NeedsReview, pipeline.CodeTextNotRead, "jpki-revocation", ""},
		{"blank", white(2480, 3508), forms.Rejected, pipeline.CodeBlank, "", "blank"},
		{"not a form", unknown, forms.NeedsReview, pipeline.CodeUnknownForm, "", "not a shinsei form"},
		{"cut off", cut, forms.Rejected, pipeline.CodeCutOff, "", "the page is cut off at the bottom — rescan it with the whole page"},
		{"upside down and cut off", rotate180(cut), forms.Rejected, pipeline.CodeCutOff, "", "用紙が上下逆さまで、下端が切れています（登録マーク 2/4） / the page is upside down and cut off at the bottom — rescan it the right way up"},
		{"too coarse", render(t, "jpki-answer", templates.Values{}, 100), forms.Rejected, pipeline.CodeLowResolution, "", "100 dpi"},
	} {
		pages := e.Pages(context.Background(), c.name+".png", encode(t, c.img))
		if len(pages) != 1 {
			t.Fatalf("%s: %d pages", c.name, len(pages))
		}
		rec := e.Read(context.Background(), pages[0])
		if rec.Status != c.status || !hasIssue(rec, c.code) {
			t.Errorf("%s: status %s, issues %+v; want %s with %s", c.name, rec.Status, rec.Issues, c.status, c.code)
		}
		if (rec.Template == nil) != (c.template == "") || rec.Template != nil && rec.Template.ID != c.template {
			t.Errorf("%s: template %+v, want %q", c.name, rec.Template, c.template)
		}
		t.Logf("%s: %s", c.name, issueText(rec))
		if c.msg != "" && !strings.Contains(issueText(rec), c.msg) {
			t.Errorf("%s: issues %q do not mention %q", c.name, issueText(rec), c.msg)
		}
		if !strings.Contains(issueText(rec), c.name+".png") && rec.Status == forms.Rejected {
			t.Errorf("%s: rejection does not name the file: %q", c.name, issueText(rec))
		}
		if rec.DocumentID == "" || rec.Source.SHA256 == "" || rec.Source.Page != 1 {
			t.Errorf("%s: source %+v id %q", c.name, rec.Source, rec.DocumentID)
		}
	}
	rec := e.Read(context.Background(), e.Pages(context.Background(), "f.png", encode(t, rotate180(filled)))[0])
	if rec.Quality.Rotation != 180 {
		t.Errorf("upside-down page: rotation %d", rec.Quality.Rotation)
	}
	for id, want := range map[string]bool{"cert_user": true, "cert_signature": false, "request_revoke": true, "request_compromise": false} {
		if got := rec.Fields[id]; got.Value != want || got.Review {
			t.Errorf("%s = %+v, want %v", id, got, want)
		}
	}
}

// A file that cannot be decoded still gets a record, naming the file.
func TestUnreadableFile(t *testing.T) {
	e := engine(t)
	pages := e.Pages(context.Background(), "notes.pdf", []byte("just some text\n"))
	if len(pages) != 1 {
		t.Fatalf("%d pages", len(pages))
	}
	rec := e.Read(context.Background(), pages[0])
	if rec.Status != forms.Rejected || !hasIssue(rec, pipeline.CodeUnreadable) || !strings.Contains(issueText(rec), "notes.pdf") {
		t.Errorf("record %+v", rec)
	}
}

func hasIssue(r forms.Record, code string) bool {
	for _, is := range r.Issues {
		if is.Code == code {
			return true
		}
	}
	return false
}

func issueText(r forms.Record) string {
	var s []string
	for _, is := range r.Issues {
		s = append(s, is.Message)
	}
	return strings.Join(s, " | ")
}

// BenchmarkPage is the issue's budget: decode + register + marks for one
// page, on the committed standard-mix scans (JPEG, TIFF, PNG and PDF at
// 200–300 dpi); ≤ 250 ms of CPU a page is the target.
func BenchmarkPage(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "corpus", "standard", "*"))
	var names []string
	var datas [][]byte
	for _, f := range files {
		if strings.HasSuffix(f, ".json") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		names, datas = append(names, f), append(datas, data)
	}
	e, err := pipeline.New(templates.Builtin(), pipeline.Config{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	pages := 0
	for i := 0; b.Loop(); i++ {
		k := i % len(datas)
		for _, p := range e.Pages(ctx, names[k], datas[k]) {
			if rec := e.Read(ctx, p); rec.Template == nil {
				b.Fatalf("%s: %+v", names[k], rec.Issues)
			}
			pages++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(pages), "ms/page")
}

// A page that is not a shinsei form is still straightened by its lines of
// text, and its skew is reported.
func TestUnknownFormDeskewed(t *testing.T) {
	e := engine(t)
	page := white(2480, 3508)
	for y := 400; y < 3000; y += 90 { // lines of "text", no registration marks
		for x := 300; x < 2100; x++ {
			if (x/40)%4 != 0 {
				for dy := range 30 {
					page.Pix[page.PixOffset(x, y+dy)] = 20
				}
			}
		}
	}
	skewed, _, err := scanfx.Apply(page, scanfx.Params{SkewDeg: 2.5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := e.ReadDetailed(context.Background(), e.Pages(context.Background(), "letter.png", encode(t, skewed))[0])
	if !hasIssue(d.Record, pipeline.CodeUnknownForm) || d.Status != forms.NeedsReview {
		t.Fatalf("status %s, issues %+v", d.Status, d.Issues)
	}
	if math.Abs(d.Quality.SkewDeg-2.5) > 0.15 || d.Straightened == nil {
		t.Errorf("skew %.2f° (want 2.5), straightened %v", d.Quality.SkewDeg, d.Straightened != nil)
	}
}
