package pipeline_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/mfp"
	"shinsei/internal/scangen"
	"shinsei/ocr"
	"shinsei/pipeline"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// textEngine reads text too, as shinsei scan does, with the generator's
// day as today (the corpus page's dates are judged against it).
func textEngine(t *testing.T) *pipeline.Engine {
	t.Helper()
	pool, err := ocr.NewPool(ocr.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	today := scangen.DefaultToday()
	clock := func() time.Time { return today }
	e, err := pipeline.New(templates.Builtin(), pipeline.Config{Text: text.NewReader(pool).WithToday(clock), Today: clock})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// readOne reads a one-page file through the whole pipeline.
func readOne(t *testing.T, e *pipeline.Engine, name string, data []byte) forms.Record {
	t.Helper()
	pages := e.Pages(context.Background(), name, data)
	if len(pages) != 1 {
		t.Fatalf("%s: %d pages, want 1", name, len(pages))
	}
	return e.Read(context.Background(), pages[0])
}

// recordDiff lists how got differs from want in what a clerk acts on:
// the form, the status, every field's value and whether it needs a
// person, and the issue codes with their fields.
func recordDiff(got, want forms.Record) []string {
	var d []string
	ref := func(r forms.Record) string {
		if r.Template == nil {
			return "no form"
		}
		return fmt.Sprintf("%s rev %d", r.Template.ID, r.Template.Revision)
	}
	if ref(got) != ref(want) {
		d = append(d, fmt.Sprintf("form %s, want %s", ref(got), ref(want)))
	}
	if got.Status != want.Status {
		d = append(d, fmt.Sprintf("status %s, want %s", got.Status, want.Status))
	}
	for id, w := range want.Fields {
		g, ok := got.Fields[id]
		if !ok || fmt.Sprint(g.Value) != fmt.Sprint(w.Value) || g.Review != w.Review {
			d = append(d, fmt.Sprintf("field %s = %v (review %v), want %v (review %v)", id, g.Value, g.Review, w.Value, w.Review))
		}
	}
	for id := range got.Fields {
		if _, ok := want.Fields[id]; !ok {
			d = append(d, "extra field "+id)
		}
	}
	codes := func(r forms.Record) []string {
		var c []string
		for _, is := range r.Issues {
			c = append(c, is.Field+":"+is.Code)
		}
		slices.Sort(c)
		return c
	}
	if g, w := codes(got), codes(want); !slices.Equal(g, w) {
		d = append(d, fmt.Sprintf("issues %v, want %v", g, w))
	}
	return d
}

// TestOfficeSavedFormReadsAsPNG: our application form, saved the ways
// office multifunction printers save scans (issue 15: a layered compact
// PDF whose text is a masked foreground, point 2; JPEG 2000 made with
// Debian's opj_compress, point 3; a CMYK JPEG stored as Adobe YCCK, point
// 4), reads the same record as the PNG of the same page. Before the
// renderer path the MRC pages were page_blank and JPEG 2000 was refused;
// before the CMYK fix the YCCK page was a negative.
func TestOfficeSavedFormReadsAsPNG(t *testing.T) {
	e := textEngine(t)
	pngData, err := os.ReadFile(filepath.Join("..", "testdata", "corpus", "clean", "0000-application.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatal(err)
	}
	page, ok := img.(*image.Gray)
	if !ok {
		t.Fatalf("form page is %T", img)
	}
	want := readOne(t, e, "form.png", pngData)
	if want.Template == nil || want.Template.ID != "jpki-application" {
		t.Fatalf("the PNG itself reads as %+v", want.Template)
	}
	t.Logf("PNG: %s, issues: %s", want.Status, issueText(want))
	read := 0
	for _, f := range want.Fields {
		if s, ok := f.Value.(string); ok && s != "" {
			read++
		}
	}
	if read < 5 {
		t.Fatalf("the PNG's text was not read (%d text values): %+v", read, want.Fields)
	}

	mrc, err := mfp.MRC(page, 300, mfp.ExplicitMask)
	if err != nil {
		t.Fatal(err)
	}
	smask, err := mfp.MRC(page, 300, mfp.SoftMask)
	if err != nil {
		t.Fatal(err)
	}
	jpx, err := mfp.JPX(context.Background(), page, 300, 40)
	if err != nil {
		t.Fatal(err)
	}
	ycck, err := mfp.YCCK(page, mfp.InkAsIs, 90)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"form-mrc-mask.pdf", mrc},
		{"form-mrc-smask.pdf", smask},
		{"form-jpx.pdf", jpx},
		{"form-ycck.pdf", mfp.CMYKPDF(ycck, page.Rect.Dx(), page.Rect.Dy(), 300, mfp.InkAsIs)},
	} {
		t.Run(f.name, func(t *testing.T) {
			got := readOne(t, e, f.name, f.data)
			t.Logf("%s, name %v, birth date %v", got.Status, got.Fields["applicant_name"].Value, got.Fields["applicant_birth_date"].Value)
			for _, d := range recordDiff(got, want) {
				t.Error(d)
			}
			if t.Failed() {
				t.Logf("issues: %s", issueText(got))
			}
		})
	}
}

// TestDeclaredPageCountNotTrusted: a PDF whose page tree says /Count
// 1000000 over three real pages (issue 15, point 7) gives three pages,
// not a rejection of the whole file as too long.
func TestDeclaredPageCountNotTrusted(t *testing.T) {
	e := engine(t)
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offs []int
	obj := func(s string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 1000000 >>")
	for range 3 {
		obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)

	pages := e.Pages(context.Background(), "count.pdf", b.Bytes())
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3", len(pages))
	}
	for i, p := range pages {
		rec := e.Read(context.Background(), p)
		// Empty pages: each is its own record, rejected for having no
		// scan, and none says the file is too long.
		if rec.Source.Page != i+1 || rec.Status != forms.Rejected || !hasIssue(rec, pipeline.CodeUnreadable) {
			t.Errorf("page %d: %+v", i+1, rec)
		}
		if msg := issueText(rec); bytes.Contains([]byte(msg), []byte("pages, more than the limit")) {
			t.Errorf("page %d: %s", i+1, msg)
		}
	}
}
