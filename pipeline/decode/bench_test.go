package decode_test

import (
	"bytes"
	"context"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"shinsei/internal/mfp"
	"shinsei/internal/pdfout"
	"shinsei/pipeline/decode"
)

// a4 is a synthetic A4 page at 300 dpi (2480×3508) that compresses like a
// scan: paper with sensor noise, and dark strokes where the form and the
// handwriting are.
func a4() *image.Gray {
	const w, h = 2480, 3508
	rng := rand.New(rand.NewPCG(300, 1))
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = uint8(236 + rng.IntN(12))
	}
	for range 4000 {
		x, y, n := rng.IntN(w-60), rng.IntN(h-4), 5+rng.IntN(55)
		for i := 0; i < n; i++ {
			g.Pix[(y+i%3)*w+x+i] = uint8(20 + rng.IntN(40))
		}
	}
	return g
}

func threshold(g *image.Gray) *image.Gray {
	b := image.NewGray(g.Rect)
	for i, v := range g.Pix {
		if v >= 128 {
			b.Pix[i] = 255
		}
	}
	return b
}

func benchDecode(b *testing.B, name string, data []byte) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rs, err := decode.Decode(context.Background(), name, data, decode.Limits{})
		if err != nil || len(rs) != 1 || rs[0].Err != nil {
			b.Fatalf("Decode: %v %v", err, rs)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}

func BenchmarkJPEG(b *testing.B) {
	benchDecode(b, "a4.jpg", encodeJPEG(b, a4(), 85))
}

func BenchmarkPNG(b *testing.B) {
	benchDecode(b, "a4.png", encodePNG(b, a4()))
}

func a4PDF(b *testing.B, p pdfout.Page) []byte {
	p.WidthMM, p.HeightMM = 210, 297
	var buf bytes.Buffer
	if err := pdfout.Write(&buf, []pdfout.Page{p}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkPDFJPEG(b *testing.B) {
	benchDecode(b, "a4-jpeg.pdf", a4PDF(b, pdfout.Page{JPEG: encodeJPEG(b, a4(), 85)}))
}

func BenchmarkPDFFlate(b *testing.B) {
	benchDecode(b, "a4-flate.pdf", a4PDF(b, pdfout.Page{Image: a4()}))
}

func BenchmarkPDFFlateBilevel(b *testing.B) {
	benchDecode(b, "a4-bilevel.pdf", a4PDF(b, pdfout.Page{Image: threshold(a4())}))
}

func g4PDF() []byte {
	return faxPDF(2480, 3508, encodeG4(threshold(a4()), false), "/K -1", "")
}

func BenchmarkPDFCCITT(b *testing.B) {
	benchDecode(b, "a4-g4.pdf", g4PDF())
}

// BenchmarkPDFCCITTViaPdfcpu is the same page through pdfcpu's image
// renderer (internal/pdfout.PageImages), which this package avoids.
func BenchmarkPDFCCITTViaPdfcpu(b *testing.B) {
	data := g4PDF()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := pdfout.PageImages(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}

// The renderer path (pdftocairo) against the native one, on the same
// synthetic A4 page at 300 dpi: pages/s is the figure to compare.

func benchPages(b *testing.B, name string, data []byte, source string) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rs, err := decode.Decode(context.Background(), name, data, decode.Limits{})
		if err != nil || len(rs) != 1 || rs[0].Err != nil || rs[0].Source != source {
			b.Fatalf("Decode: %v %+v", err, rs)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkPath/native-* decode the page's image in-process;
// BenchmarkPath/render-* draw the page with pdftocairo: JPEG 2000 (as a
// compact PDF stores it), an MRC page (half-resolution JPEG background,
// 1-bit text layer as explicit mask) and the same JPEG page forced through
// the renderer by a second, page-covering layer.
func BenchmarkPath(b *testing.B) {
	page := a4()
	jpegPDF := a4PDF(b, pdfout.Page{JPEG: encodeJPEG(b, page, 85)})
	b.Run("native-jpeg", func(b *testing.B) { benchPages(b, "a4-jpeg.pdf", jpegPDF, "pdf/jpeg") })
	b.Run("native-g4", func(b *testing.B) { benchPages(b, "a4-g4.pdf", g4PDF(), "pdf/ccitt") })
	jpx, err := mfp.JPX(context.Background(), page, 300, 40)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("render-jpx", func(b *testing.B) { benchPages(b, "a4-jpx.pdf", jpx, "pdf/render") })
	mrc, err := mfp.MRC(page, 300, mfp.ExplicitMask)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("render-mrc", func(b *testing.B) { benchPages(b, "a4-mrc.pdf", mrc, "pdf/render") })
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ocrmypdf", "jbig2.pdf"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("render-jbig2", func(b *testing.B) { benchPages(b, "jbig2.pdf", data, "pdf/render") })
}
