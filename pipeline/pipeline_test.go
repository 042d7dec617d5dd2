package pipeline_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
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

// blotQR covers a rendered page's QR code (x0 ≤ … < x1 as a share of its
// width) with a spill: the marks still place the page, the code is gone.
func blotQR(img *image.Gray, dpi float64, from, to float64) *image.Gray {
	out := image.NewGray(img.Rect)
	copy(out.Pix, img.Pix)
	k := dpi / 25.4
	x0 := int((templates.QRXMM - 1 + from*(templates.QRSizeMM+2)) * k)
	x1 := int((templates.QRXMM - 1 + to*(templates.QRSizeMM+2)) * k)
	for y := int((templates.QRYMM - 1) * k); y < int((templates.QRYMM+templates.QRSizeMM+1)*k); y++ {
		for x := x0; x < x1; x++ {
			out.Pix[out.PixOffset(x, y)] = 255
		}
	}
	return out
}

// A page whose QR code cannot be read says so even when its layout tells
// the form, and the record says how the form was identified; when two
// revisions of the form look alike, no revision is assumed (issue 13,
// point 6).
func TestFormCodeUnreadable(t *testing.T) {
	filled := render(t, "jpki-revocation", templates.Values{Fields: map[string]any{"cert_user": true, "request_revoke": true}}, 300)
	scan := func(img *image.Gray) []byte {
		s, _, err := scanfx.Apply(img, scanfx.Params{SkewDeg: 1.2, DPI: 300, Blur: 0.5, Noise: 3}, rand.New(rand.NewPCG(13, 6)))
		if err != nil {
			t.Fatal(err)
		}
		return encode(t, s)
	}
	// The builtin forms, and the same with a second revision of the
	// revocation form printed alike (a city's reprint with new wording
	// in the notes, say).
	twoRevs := templates.Builtin()
	rev1, err := twoRevs.Get("jpki-revocation", 1)
	if err != nil {
		t.Fatal(err)
	}
	rev2 := *rev1
	rev2.Revision = 2
	if err := twoRevs.Register(&rev2); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		reg      *templates.Registry
		img      *image.Gray
		template *forms.TemplateRef
		formCode bool
		status   forms.Status
		msg      string
	}{
		{"QR read", templates.Builtin(), filled, &forms.TemplateRef{ID: "jpki-revocation", Revision: 1, IdentifiedBy: forms.IdentifiedByQR}, false, forms.NeedsReview, ""},
		{"QR torn off", templates.Builtin(), blotQR(filled, 300, 0, 1), &forms.TemplateRef{ID: "jpki-revocation", Revision: 1, IdentifiedBy: forms.IdentifiedByLayout}, true, forms.NeedsReview, "its layout identifies it as jpki-revocation revision 1"},
		{"QR half blotted", templates.Builtin(), blotQR(filled, 300, 0.45, 1), &forms.TemplateRef{ID: "jpki-revocation", Revision: 1, IdentifiedBy: forms.IdentifiedByLayout}, true, forms.NeedsReview, "confirm the form"},
		{"two revisions alike", twoRevs, blotQR(filled, 300, 0, 1), nil, true, forms.NeedsReview, "fits revisions 1, 2 of jpki-revocation alike"},
		{"two revisions, QR read", twoRevs, filled, &forms.TemplateRef{ID: "jpki-revocation", Revision: 1, IdentifiedBy: forms.IdentifiedByQR}, false, forms.NeedsReview, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, err := pipeline.New(c.reg, pipeline.Config{})
			if err != nil {
				t.Fatal(err)
			}
			pages := e.Pages(context.Background(), "p.png", scan(c.img))
			d := e.ReadDetailed(context.Background(), pages[0])
			rec := d.Record
			switch {
			case (rec.Template == nil) != (c.template == nil):
				t.Errorf("template %+v, want %+v", rec.Template, c.template)
			case rec.Template != nil && *rec.Template != *c.template:
				t.Errorf("template %+v, want %+v", *rec.Template, *c.template)
			}
			if hasIssue(rec, pipeline.CodeFormCode) != c.formCode || rec.Status != c.status {
				t.Errorf("status %s, issues %s; want %s, form_code_unreadable %v", rec.Status, issueText(rec), c.status, c.formCode)
			}
			if c.msg != "" && !strings.Contains(issueText(rec), c.msg) {
				t.Errorf("issues %q do not say %q", issueText(rec), c.msg)
			}
			if d.IdentifiedByLayout != (rec.Template != nil && rec.Template.IdentifiedBy == forms.IdentifiedByLayout) {
				t.Errorf("Detail.IdentifiedByLayout %v disagrees with the record's %+v", d.IdentifiedByLayout, rec.Template)
			}
		})
	}
}

// place draws src onto dst scaled by k (area average), its top-left
// corner at (x0, y0).
func place(dst, src *image.Gray, k float64, x0, y0 int) {
	w, h := int(float64(src.Rect.Dx())*k), int(float64(src.Rect.Dy())*k)
	for y := range h {
		for x := range w {
			sx0, sy0 := int(float64(x)/k), int(float64(y)/k)
			sx1, sy1 := max(sx0+1, int(float64(x+1)/k)), max(sy0+1, int(float64(y+1)/k))
			sum, n := 0, 0
			for sy := sy0; sy < min(sy1, src.Rect.Dy()); sy++ {
				for sx := sx0; sx < min(sx1, src.Rect.Dx()); sx++ {
					sum += int(src.Pix[sy*src.Stride+sx])
					n++
				}
			}
			if n > 0 {
				dst.Pix[dst.PixOffset(x0+x, y0+y)] = uint8(sum / n)
			}
		}
	}
}

// Two forms on one scan are rejected, whichever way they lie: side by
// side (each reduced to 70% on a landscape page), one above the other
// (each at half size on a portrait page), or two full sheets side by side
// on an A3 glass), or a second sheet whose marks are covered but whose QR
// code shows; one form alone is read (issue 13, point 7).
func TestSeveralFormsOnePage(t *testing.T) {
	app := render(t, "jpki-application", templates.Values{Fields: map[string]any{"cert_user": true, "action_new": true}}, 300)
	ans := render(t, "jpki-answer", templates.Values{}, 300)
	w, h := app.Rect.Dx(), app.Rect.Dy()
	sideBySide := white(h, w) // A4 landscape
	place(sideBySide, app, 0.7, 60, (w-int(0.7*float64(h)))/2)
	place(sideBySide, ans, 0.7, h/2+40, (w-int(0.7*float64(h)))/2)
	stacked := white(w, h)
	place(stacked, app, 0.5, w/4, 0)
	place(stacked, ans, 0.5, w/4, h/2)
	a3 := white(2*w+100, h+80)
	place(a3, app, 1, 30, 40)
	place(a3, app, 1, w+70, 40)
	// The second sheet's marks covered (folded under, taped over): only
	// its QR code says it is there.
	covered := white(2*w+100, h+80)
	place(covered, app, 1, 30, 40)
	place(covered, ans, 1, w+70, 40)
	for _, c := range templates.FiducialCentres() {
		k := 300 / 25.4
		cx, cy := w+70+int(c.X*k), 40+int(c.Y*k)
		for y := cy - int(5*k); y < cy+int(5*k); y++ {
			for x := cx - int(5*k); x < cx+int(5*k); x++ {
				covered.Pix[covered.PixOffset(x, y)] = 255
			}
		}
	}
	rng := rand.New(rand.NewPCG(7, 7))
	scan := func(img *image.Gray) []byte {
		s, _, err := scanfx.Apply(img, scanfx.Params{SkewDeg: 0.8, DPI: 300, Blur: 0.4, Noise: 3}, rng)
		if err != nil {
			t.Fatal(err)
		}
		return encode(t, s)
	}
	e := engine(t)
	for _, c := range []struct {
		name  string
		img   *image.Gray
		forms int
		why   string
	}{
		{"side by side, reduced", sideBySide, 2, "sets of registration marks"},
		{"one above the other, reduced", stacked, 2, "sets of registration marks"},
		{"two sheets on an A3 glass", a3, 2, "sets of registration marks"},
		{"a second sheet with its marks covered", covered, 2, "a second form's QR code"},
		{"one form", app, 1, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := e.Read(context.Background(), e.Pages(context.Background(), "two.png", scan(c.img))[0])
			several := hasIssue(rec, pipeline.CodeSeveralForms)
			if c.forms > 1 && (!several || rec.Status != forms.Rejected) {
				t.Errorf("status %s, issues %s; want rejected with %s", rec.Status, issueText(rec), pipeline.CodeSeveralForms)
			}
			if c.forms > 1 && (!strings.Contains(issueText(rec), "scan each form on its own") || !strings.Contains(issueText(rec), c.why)) {
				t.Errorf("message %q does not say what to do", issueText(rec))
			}
			if c.forms == 1 && (several || rec.Template == nil) {
				t.Errorf("one form: status %s, template %+v, issues %s", rec.Status, rec.Template, issueText(rec))
			}
		})
	}
}
