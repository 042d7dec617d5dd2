package pipeline_test

import (
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shinsei/forms"
	"shinsei/internal/faxtiff"
	"shinsei/pipeline"
)

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

// readOne reads a one-page file through the engine.
func readOne(t *testing.T, e *pipeline.Engine, name string, data []byte) forms.Record {
	t.Helper()
	pages := e.Pages(context.Background(), name, data)
	if len(pages) != 1 {
		t.Fatalf("%s: %d pages, want 1", name, len(pages))
	}
	return e.Read(context.Background(), pages[0])
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
