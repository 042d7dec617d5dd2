package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/faxtiff"
	"shinsei/internal/mfp"
	"shinsei/internal/scangen"
	"shinsei/ocr"
	"shinsei/ocr/paddle/paddletest"
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
	e, err := pipeline.New(templates.Builtin(), pipeline.Config{Text: text.NewReader(pool).WithSecond(paddletest.Pool(t)).WithToday(clock), Today: clock})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// corpusPage is a committed 300-dpi scan of a filled-in application.
func corpusPage(t *testing.T) *image.Gray {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "corpus", "clean", "0000-application.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	g, ok := img.(*image.Gray)
	if !ok {
		t.Fatalf("corpus page is %T, want *image.Gray", img)
	}
	return g
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

// spareDigitChecks returns got without the text_digits_unconfirmed
// reviews that sent a field read exactly as in want to a person, and the
// fields they were on. That check reads the field again with a second
// recogniser (jpn, a print model, on handwriting) and is sensitive to a
// few grey levels of a lossy copy: our form as JPEG 2000 at 40:1 sends
// its address to a person, at 30:1 and 50:1 it does not. A right value
// sent to a person is caution, not a misreading; a value read otherwise,
// or any other issue, is still a difference.
func spareDigitChecks(got, want forms.Record) (forms.Record, []string) {
	var spared []string
	fields := maps.Clone(got.Fields)
	var issues []forms.Issue
	for _, is := range got.Issues {
		g, w := got.Fields[is.Field], want.Fields[is.Field]
		if is.Code == text.WhyDigits && g.Review && !w.Review && fmt.Sprint(g.Value) == fmt.Sprint(w.Value) {
			g.Review = false
			fields[is.Field] = g
			spared = append(spared, is.Field)
			continue
		}
		issues = append(issues, is)
	}
	if spared == nil {
		return got, nil
	}
	got.Fields, got.Issues = fields, issues
	if got.Status == forms.NeedsReview && want.Status == forms.Accepted && len(issues) == 0 {
		got.Status = forms.Accepted
	}
	return got, spared
}

// sameReading compares what two records say about their page, leaving out
// what names the file (its name, hash and document id).
func sameReading(t *testing.T, got, want forms.Record) {
	t.Helper()
	strip := func(r forms.Record) string {
		name := r.Source.Name
		r.Source, r.DocumentID = forms.Source{}, ""
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(string(b), name, "FILE")
	}
	if g, w := strip(got), strip(want); g != w {
		t.Errorf("record differs from the PNG's:\n got %s\nwant %s", g, w)
	}
}

// TestOfficeSavedFormReadsAsPNG: our application form, saved the ways
// office multifunction printers save scans (issue 15: a layered compact
// PDF whose text is a masked foreground, point 2; JPEG 2000 made with
// Debian's opj_compress, point 3; a CMYK JPEG stored as Adobe YCCK, point
// 4), reads the same record as the PNG of the same page, but that a value
// read the same may be sent to a person by the digit check (see
// spareDigitChecks). Before the renderer path the MRC pages were
// page_blank and JPEG 2000 was refused; before the CMYK fix the YCCK page
// was a negative.
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
			cmp, spared := spareDigitChecks(got, want)
			if spared != nil {
				t.Logf("read as in the PNG, but the second recogniser did not confirm the digits of %v", spared)
			}
			for _, d := range recordDiff(cmp, want) {
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

// Our form saved as a bilevel TIFF every way office scanners and fax
// software save one reads the same record as the PNG of the same page
// (issue 15, point 1: Group 3 and Group 4 pages saved "black is zero" were
// read as negatives and rejected as blank).
func TestFaxTIFFReadsLikePNG(t *testing.T) {
	page := faxtiff.Bilevel(corpusPage(t))
	e := engine(t)
	want := readOne(t, e, "page.png", encode(t, page))
	if want.Template == nil || want.Status == forms.Rejected {
		t.Fatalf("the PNG itself: status %s, issues %s", want.Status, issueText(want))
	}
	dir := t.TempDir()
	for _, v := range faxtiff.Variants() {
		t.Run(v.String(), func(t *testing.T) {
			tif, err := faxtiff.Write(context.Background(), dir, page, 300, v)
			if err != nil {
				t.Fatal(err)
			}
			sameReading(t, readOne(t, e, v.String()+".tif", tif), want)
		})
	}
}

// A real 300-dpi fax-compressed printout of a letter is not one of our
// forms: it is kept for a person to classify, not rejected as a form cut
// off (issue 15, point 6: the bold "O" of its heading passed for the
// holed registration mark).
func TestEpsonLetterIsUnknownForm(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "ocrmypdf", "epson.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	rec := readOne(t, engine(t), "epson.pdf", data)
	if rec.Status != forms.NeedsReview || !hasIssue(rec, pipeline.CodeUnknownForm) || hasIssue(rec, pipeline.CodeCutOff) {
		t.Errorf("status %s, issues %s; want needs_review with %s", rec.Status, issueText(rec), pipeline.CodeUnknownForm)
	}
}

// A page that came out mostly dark is page_dark, with advice about the lid
// and negatives, not page_blank's "place it face down" (issue 15, point
// 5: the paper was taken as the brightest tenth of the page, which on a
// negative is the writing, leaving nothing darker to count as ink).
func TestDarkPage(t *testing.T) {
	form := corpusPage(t)
	negative := image.NewGray(form.Rect)
	for i, v := range form.Pix {
		negative.Pix[i] = 255 - v
	}
	lidOpen := image.NewGray(image.Rect(0, 0, 2480, 3508))
	for i := range lidOpen.Pix {
		lidOpen.Pix[i] = uint8(18 + i%7) // the lid's dark grey, with sensor noise
	}
	// A slip of paper in the middle of the glass, the lid open: dark all
	// round, most of the image.
	slip := image.NewGray(lidOpen.Rect)
	copy(slip.Pix, lidOpen.Pix)
	for y := 1200; y < 2300; y++ {
		for x := 700; x < 1780; x++ {
			slip.Pix[slip.PixOffset(x, y)] = 240
		}
	}
	e := engine(t)
	for _, c := range []struct {
		name string
		img  *image.Gray
		code string
	}{
		{"negative of our form", negative, pipeline.CodeDark},
		{"lid open, nothing on the glass", lidOpen, pipeline.CodeDark},
		{"a slip with the lid open", slip, pipeline.CodeDark},
		{"white page", white(2480, 3508), pipeline.CodeBlank},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := readOne(t, e, "dark.png", encode(t, c.img))
			if rec.Status != forms.Rejected || len(rec.Issues) != 1 || rec.Issues[0].Code != c.code {
				t.Fatalf("status %s, issues %+v; want rejected with %s", rec.Status, rec.Issues, c.code)
			}
			msg := rec.Issues[0].Message
			if c.code != pipeline.CodeDark {
				return
			}
			for _, want := range []string{"dark.png page 1: ", "黒く", "ふたを閉じて", " / the page came out mostly dark — ", "lid", "negative"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if strings.Contains(msg, "face down") || strings.Contains(msg, "blank") {
				t.Errorf("message %q gives the blank page's advice", msg)
			}
		})
	}
}
