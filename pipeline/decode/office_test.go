package decode_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shinsei/internal/mfp"
	"shinsei/pipeline/decode"
)

// The files of issue 15, points 2, 3, 4 and 7: what office multifunction
// printers write, and what the renderer path (pdftocairo) is for.

// formPage is a committed scan of our own application form (300 dpi).
func formPage(t testing.TB) *image.Gray {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "corpus", "clean", "0000-application.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	g, ok := img.(*image.Gray)
	if !ok {
		t.Fatalf("form page is %T, want *image.Gray", img)
	}
	return g
}

// inkAgreement compares got with want as ink on paper: recall is the share
// of want's ink pixels (< 128) that are ink in got, precision the share of
// got's ink that is ink in want; meanAbs is the mean absolute difference.
// A blank page has recall 0, a negative a mean difference near 200.
func inkAgreement(got, want *image.Gray) (recall, precision, meanAbs float64) {
	var inkW, inkG, both, sum int
	w, h := want.Rect.Dx(), want.Rect.Dy()
	for y := range h {
		for x := range w {
			g, v := got.GrayAt(got.Rect.Min.X+x, got.Rect.Min.Y+y).Y, want.GrayAt(want.Rect.Min.X+x, want.Rect.Min.Y+y).Y
			if v < 128 {
				inkW++
			}
			if g < 128 {
				inkG++
				if v < 128 {
					both++
				}
			}
			sum += max(int(g)-int(v), int(v)-int(g))
		}
	}
	return float64(both) / float64(max(inkW, 1)), float64(both) / float64(max(inkG, 1)), float64(sum) / float64(w*h)
}

// TestOfficeSavedForm: our form saved the ways office machines save it
// decodes to the page the PNG holds. Before the renderer path, the MRC
// files decoded as their blank background and JPEG 2000 was refused;
// before the CMYK fix, the YCCK PDF decoded as a negative.
func TestOfficeSavedForm(t *testing.T) {
	page := formPage(t)
	w, h := page.Rect.Dx(), page.Rect.Dy()
	ctx := context.Background()
	type file struct {
		name   string
		data   []byte
		source string
		// Minimum ink recall and precision, maximum mean difference.
		recall, precision, meanAbs float64
	}
	var files []file
	// MRC: the text layer is binarised at grey 160, so the grey edges of
	// strokes (128–159) become ink-coloured; precision is about 0.92, not
	// 1, and the half-resolution JPEG background adds a little noise.
	for _, l := range []mfp.Layering{mfp.ExplicitMask, mfp.SoftMask, mfp.Stencil} {
		data, err := mfp.MRC(page, 300, l)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, file{"mrc-" + l.String() + ".pdf", data, "pdf/render", 0.98, 0.90, 4})
	}
	// JPEG 2000 from Debian's opj_compress: lossless must be exact; at a
	// 40:1 ratio, what a compact PDF uses, close.
	for _, ratio := range []int{0, 40} {
		data, err := mfp.JPX(ctx, page, 300, ratio)
		if err != nil {
			t.Fatal(err)
		}
		f := file{fmt.Sprintf("jpx-%d.pdf", ratio), data, "pdf/render", 1, 1, 0}
		if ratio > 0 {
			f.recall, f.precision, f.meanAbs = 0.97, 0.97, 3
		}
		files = append(files, f)
	}
	// YCCK at quality 90: JPEG error only.
	for _, st := range []mfp.CMYKStorage{mfp.InkAsIs, mfp.AdobeInverted} {
		j, err := mfp.YCCK(page, st, 90)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, file{fmt.Sprintf("ycck-%d.pdf", st), mfp.CMYKPDF(j, w, h, 300, st), "pdf/jpeg", 0.99, 0.99, 1})
		if st == mfp.AdobeInverted { // the stand-alone file convention
			files = append(files, file{"ycck.jpg", j, "jpeg", 0.99, 0.99, 1})
		}
	}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			p := decodeOne(t, f.name, f.data)
			if p.Source != f.source {
				t.Errorf("source %q, want %q", p.Source, f.source)
			}
			if p.Image.Rect.Dx() != w || p.Image.Rect.Dy() != h {
				t.Fatalf("size %v, want %dx%d", p.Image.Rect, w, h)
			}
			if f.source != "jpeg" && p.DPI != 300 {
				t.Errorf("DPI %v, want 300", p.DPI)
			}
			r, pr, m := inkAgreement(p.Image, page)
			t.Logf("ink recall %.4f, precision %.4f, mean difference %.2f", r, pr, m)
			if r < f.recall || pr < f.precision || m > f.meanAbs {
				t.Errorf("ink recall %.4f (want ≥ %.2f), precision %.4f (≥ %.2f), mean difference %.2f (≤ %.2f)", r, f.recall, pr, f.precision, m, f.meanAbs)
			}
		})
	}
}

// popplerImage is Poppler's own decoding of a page's one image (pdfimages),
// without any drawing.
func popplerImage(t *testing.T, pdf string) *image.Gray {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("pdfimages", "-png", "-f", "1", "-l", "1", pdf, filepath.Join(dir, "im")).CombinedOutput(); err != nil {
		t.Fatalf("pdfimages: %v: %s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "im-000.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return decode.ToGray(img)
}

// splashRendering is Poppler's other renderer, pdftoppm (Splash), at dpi.
func splashRendering(t *testing.T, pdf string, dpi float64) *image.Gray {
	t.Helper()
	out, err := exec.Command("pdftoppm", "-f", "1", "-l", "1", "-r", fmt.Sprint(dpi), "-gray", "-png", "-singlefile", pdf).Output()
	if err != nil {
		t.Fatalf("pdftoppm: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	return decode.ToGray(img)
}

// blockDiff compares two renderings of a page cell by cell (cells of n×n
// pixels, over the area both cover): the largest and the mean difference
// of the cells' mean grey.
func blockDiff(a, b *image.Gray, n int) (maxd, mean float64) {
	w, h := min(a.Rect.Dx(), b.Rect.Dx())/n, min(a.Rect.Dy(), b.Rect.Dy())/n
	var sum float64
	for cy := range h {
		for cx := range w {
			var sa, sb int
			for y := cy * n; y < cy*n+n; y++ {
				for x := cx * n; x < cx*n+n; x++ {
					sa += int(a.GrayAt(x, y).Y)
					sb += int(b.GrayAt(x, y).Y)
				}
			}
			d := float64(max(sa-sb, sb-sa)) / float64(n*n)
			maxd, sum = max(maxd, d), sum+d
		}
	}
	return maxd, sum / float64(w*h)
}

// TestOCRmyPDFFiles reads real PDFs from OCRmyPDF's test suite
// (testdata/ocrmypdf) and compares them with Poppler.
//
// Where the page is one image drawn at its own resolution (the JBIG2 and
// JPEG 2000 files) the page must equal Poppler's decoding of that image
// (pdfimages) pixel for pixel; for jbig2_baddevicen.pdf, whose DeviceN
// colour space maps ink to a dark grey that pdfimages does not apply, the
// ink must be where Poppler's decoding has it, pixel for pixel. Layered pages (masks.pdf: JPEG under an explicit mask
// and a stencil; cmyk.pdf: six CMYK layers clipped by text) are compared
// with pdftoppm, Poppler's Splash renderer, in 4×4 cells: Splash draws
// every image one pixel larger than its box and smooths the edges, which
// moves ink by up to a pixel; averaging over 4×4 cells absorbs that, so a
// cell may differ by a few grey levels, while streaks, a negative or a
// missing layer change whole cells by a hundred or more, and the mean
// over the page stays under a grey level.
func TestOCRmyPDFFiles(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "ocrmypdf")
	for _, c := range []struct {
		file    string
		compare string // "exact", "ink" or "cells"
		w, h    int
		dpi     float64
	}{
		{"jbig2.pdf", "exact", 2550, 3300, 300},
		{"jbig2_baddevicen.pdf", "ink", 2550, 3300, 300},
		{"lichtenstein.pdf", "exact", 512, 512, 96},
		{"masks.pdf", "cells", 2464, 3485, 298.02},
		{"cmyk.pdf", "cells", 900, 900, 300},
	} {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			p := decodeOne(t, c.file, data)
			if p.Source != "pdf/render" || p.DPI != c.dpi || p.Image.Rect.Dx() != c.w || p.Image.Rect.Dy() != c.h {
				t.Errorf("source %s, %v at %v dpi; want pdf/render, %dx%d at %v dpi", p.Source, p.Image.Rect, p.DPI, c.w, c.h, c.dpi)
			}
			switch c.compare {
			case "exact":
				if d := sameGray(p.Image, popplerImage(t, path), 0); d != "" {
					t.Errorf("differs from Poppler's decoding of the image: %s", d)
				}
			case "ink":
				if d := sameGray(threshold(p.Image), threshold(popplerImage(t, path)), 0); d != "" {
					t.Errorf("ink differs from Poppler's decoding of the image: %s", d)
				}
			default:
				maxd, mean := blockDiff(p.Image, splashRendering(t, path, c.dpi), 4)
				t.Logf("4×4 cells against pdftoppm: largest difference %.1f, mean %.2f", maxd, mean)
				if maxd > 64 || mean > 1 {
					t.Errorf("4×4 cells against pdftoppm: largest difference %.1f (want ≤ 64), mean %.2f (want ≤ 1)", maxd, mean)
				}
			}
		})
	}
}

// TestCMYKJPEGInPDF: the Photoshop YCCK image of cmyk.pdf, alone on a page
// as Photoshop stored it (no /Decode), decodes natively to what Poppler
// draws of it: white paper, not a black negative.
func TestCMYKJPEGInPDF(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join("..", "..", "testdata", "ocrmypdf", "cmyk.pdf")
	if out, err := exec.Command("pdfimages", "-j", "-f", "1", "-l", "1", src, filepath.Join(dir, "im")).CombinedOutput(); err != nil {
		t.Fatalf("pdfimages: %v: %s", err, out)
	}
	jpg, err := os.ReadFile(filepath.Join(dir, "im-000.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "layer.pdf")
	pdf := mfp.CMYKPDF(jpg, 900, 900, 300, mfp.InkAsIs)
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	p := decodeOne(t, "layer.pdf", pdf)
	if p.Source != "pdf/jpeg" {
		t.Errorf("source %q, want the native pdf/jpeg", p.Source)
	}
	// Poppler converts CMYK to grey with its own weights; a 4×4 cell may
	// differ by a few levels, a negative by 255.
	maxd, mean := blockDiff(p.Image, splashRendering(t, path, 300), 4)
	t.Logf("against pdftoppm: largest cell difference %.1f, mean %.2f", maxd, mean)
	if maxd > 40 || mean > 2 {
		t.Errorf("against pdftoppm: largest cell difference %.1f (want ≤ 40), mean %.2f (want ≤ 2)", maxd, mean)
	}
}

// TestPageCountIsCounted: a page tree whose /Count says a million over
// three pages (point 7), at the root and inside a subtree, is read as the
// three pages it holds, in order.
func TestPageCountIsCounted(t *testing.T) {
	imgs := []*image.Gray{noise(8, 8, 71), noise(8, 8, 72), noise(8, 8, 73)}
	for _, tree := range []string{"root", "subtree"} {
		t.Run(tree, func(t *testing.T) {
			data := lyingTree(imgs, tree == "subtree")
			pages := decodeOK(t, "count.pdf", data)
			if len(pages) != 3 {
				t.Fatalf("%d pages, want 3", len(pages))
			}
			for i, p := range pages {
				if d := sameGray(p.Image, imgs[i], 0); d != "" {
					t.Errorf("page %d: %s", i+1, d)
				}
			}
		})
	}
	// The limit still holds for pages that are there.
	_, err := decode.Decode(context.Background(), "count.pdf", lyingTree(imgs, false), decode.Limits{MaxPages: 2})
	checkError(t, err, decode.ErrTooLarge, "count.pdf: the file has 3 pages, more than the limit of 2 — split the file into smaller files", "count.pdf", 0)
}

// lyingTree writes one 8-bit page per image under a page tree that claims
// /Count 1000000; with subtree, the first two pages sit in an
// intermediate node that claims a million too.
func lyingTree(imgs []*image.Gray, subtree bool) []byte {
	w := &pdfWriter{}
	catalog := w.reserve()
	root := w.reserve()
	mid := 0
	if subtree {
		mid = w.reserve()
	}
	var pages []string
	for _, g := range imgs {
		im := grayImage(g)
		n := w.add("/Type /XObject /Subtype /Image "+im.dict, im.data)
		c := w.add("", []byte("q 8 0 0 8 0 0 cm /Im0 Do Q"))
		parent := root
		if subtree && len(pages) < 2 {
			parent = mid
		}
		pg := w.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 8 8] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>", parent, n, c), nil)
		pages = append(pages, fmt.Sprintf("%d 0 R", pg))
	}
	kids := strings.Join(pages, " ")
	if subtree {
		w.set(mid, fmt.Sprintf("<< /Type /Pages /Parent %d 0 R /Kids [%s] /Count 1000000 >>", root, strings.Join(pages[:2], " ")))
		kids = fmt.Sprintf("%d 0 R %s", mid, pages[2])
	}
	w.set(root, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count 1000000 >>", kids))
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", root))
	return w.bytes(catalog, "")
}

// TestRendererLimits: the renderer path keeps the protections of the
// native one, and says plainly when it cannot run.
func TestRendererLimits(t *testing.T) {
	jbig2, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ocrmypdf", "jbig2.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	first := func(t *testing.T, name string, data []byte, lim decode.Limits) error {
		t.Helper()
		rs, err := decode.Decode(context.Background(), name, data, lim)
		if err != nil {
			t.Fatal(err)
		}
		return rs[0].Err
	}
	t.Run("bomb refused before drawing", func(t *testing.T) {
		data := buildPDF(pdfPage{
			images:   []pdfImage{{dict: "/Width 100000 /Height 100000 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /JBIG2Decode", data: []byte("\x00\x00\x00\x00")}},
			mediaBox: "0 0 595 842",
		})
		checkError(t, first(t, "bomb.pdf", data, decode.Limits{}), decode.ErrTooLarge,
			"bomb.pdf page 1: the image is 100000×100000 pixels (10000 megapixels), more than the 60-megapixel limit: at 300 dpi that is a sheet of 8467×8467 mm, far larger than the A4 form — scan the form on its own, A4 at 300 dpi", "bomb.pdf", 1)
	})
	t.Run("resolution capped by the pixel limit", func(t *testing.T) {
		// Two layers drawn one inch square on an A4 page: 1000 dpi by
		// the images, 600 at most, and at 10 megapixels for the page
		// about 318.
		data := buildPDF(pdfPage{
			images:   []pdfImage{withName(grayImage(noise(1000, 1000, 81)), "A"), withName(grayImage(noise(10, 10, 82)), "B")},
			content:  "q 72 0 0 72 100 600 cm /A Do Q q 72 0 0 72 100 600 cm /B Do Q",
			mediaBox: "0 0 595 842",
		})
		rs, err := decode.Decode(context.Background(), "layers.pdf", data, decode.Limits{MaxPixels: 10_000_000})
		if err != nil || rs[0].Err != nil {
			t.Fatalf("%v %v", err, rs[0].Err)
		}
		p := rs[0]
		if px := p.Image.Rect.Dx() * p.Image.Rect.Dy(); px > 10_000_000 || p.DPI < 300 || p.DPI > 320 || p.Source != "pdf/render" {
			t.Errorf("%s: %v (%d pixels) at %v dpi, want under 10 megapixels at about 318 dpi", p.Source, p.Image.Rect, px, p.DPI)
		}
	})
	t.Run("time limit", func(t *testing.T) {
		checkError(t, first(t, "jbig2.pdf", jbig2, decode.Limits{RenderTimeout: time.Millisecond}), decode.ErrTooLarge,
			"jbig2.pdf page 1: the page took more than 1ms to draw — scan the page again", "jbig2.pdf", 1)
	})
	t.Run("renderer not installed", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		checkError(t, first(t, "jbig2.pdf", jbig2, decode.Limits{}), decode.ErrUnsupportedCodec,
			`jbig2.pdf page 1: this page (JBIG2, JPEG 2000 or a layered "compact" PDF) needs the PDF renderer pdftocairo, which is not installed on this computer — ask IT to install poppler-utils (scripts/setup.sh does), then scan the file again`, "jbig2.pdf", 1)
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := decode.Decode(ctx, "jbig2.pdf", jbig2, decode.Limits{}); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
}
