package pdfout_test

import (
	"bytes"
	"compress/zlib"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"shinsei/internal/pdfout"
)

const (
	a4W, a4H = 210.0, 297.0
	a5W, a5H = 148.0, 210.0
)

// pdfcpuConf is built by hand because model.NewDefaultConfiguration reads
// and writes a config directory under $HOME. pdfcpu's api functions mutate
// the configuration, so every call gets a fresh one.
func pdfcpuConf() *model.Configuration {
	return &model.Configuration{
		Reader15:       true,
		ValidationMode: model.ValidationStrict,
		Eol:            types.EolLF,
		Offline:        true,
		Limits:         model.DefaultResourceLimits(),
	}
}

// pxFor returns the pixel size of a page of mm at dpi.
func pxFor(mm float64, dpi int) int {
	return int(math.Round(mm / 25.4 * float64(dpi)))
}

// scanPage draws something like a scanned form: white paper with light
// noise, boxes, and rows of dark, anti-aliased "glyphs".
func scanPage(w, h int, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := image.NewGray(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = 255
		if rng.IntN(16) == 0 {
			m.Pix[i] = uint8(240 + rng.IntN(16))
		}
	}
	fill := func(r image.Rectangle, v uint8) {
		r = r.Intersect(m.Rect)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				m.Pix[y*m.Stride+x] = v
			}
		}
	}
	line := max(1, w/800)
	for i := 0; i < 12; i++ {
		x0, y0 := rng.IntN(w*3/4), rng.IntN(h*7/8)
		x1, y1 := x0+w/8+rng.IntN(w/4), y0+h/40+rng.IntN(h/10)
		fill(image.Rect(x0, y0, x1, y0+line), 0)
		fill(image.Rect(x0, y1, x1, y1+line), 0)
		fill(image.Rect(x0, y0, x0+line, y1), 0)
		fill(image.Rect(x1, y0, x1+line, y1+line), 0)
	}
	glyph := max(4, h/120)
	for y := h / 20; y+glyph < h*19/20; y += glyph * 2 {
		if rng.IntN(3) == 0 {
			continue
		}
		for x := w / 12; x+glyph < w*11/12; x += glyph + glyph/3 {
			if rng.IntN(6) == 0 {
				continue
			}
			fill(image.Rect(x, y, x+glyph, y+glyph), uint8(rng.IntN(90)))
			fill(image.Rect(x-1, y, x, y+glyph), 160) // anti-aliased edge
		}
	}
	return m
}

// threshold turns a gray page into a bilevel one.
func threshold(g *image.Gray) *image.Gray {
	b := image.NewGray(g.Rect)
	for i, v := range g.Pix {
		if v >= 128 {
			b.Pix[i] = 255
		}
	}
	return b
}

func paletted(g *image.Gray, pal color.Palette, whiteIdx uint8) *image.Paletted {
	p := image.NewPaletted(g.Rect, pal)
	for i, v := range g.Pix {
		if v >= 128 {
			p.Pix[i] = whiteIdx
		} else {
			p.Pix[i] = 1 - whiteIdx
		}
	}
	return p
}

func jpegBytes(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeFile writes pages to a file in a fresh temp dir and returns its bytes.
func writeFile(t *testing.T, pages []pdfout.Page) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := pdfout.Write(f, pages); err != nil {
		f.Close()
		t.Fatalf("Write: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, b
}

func validate(t *testing.T, pdf []byte) {
	t.Helper()
	if err := api.Validate(bytes.NewReader(pdf), pdfcpuConf()); err != nil {
		t.Fatalf("api.Validate: %v", err)
	}
}

func readBack(t *testing.T, path string) []pdfout.PageImage {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pis, err := pdfout.PageImages(f)
	if err != nil {
		t.Fatalf("PageImages: %v", err)
	}
	return pis
}

// samePixels compares two images colour by colour (as NRGBA, so that an
// *image.Paletted and the *image.Gray read back from it compare equal).
func samePixels(t *testing.T, want, got image.Image) {
	t.Helper()
	wb, gb := want.Bounds(), got.Bounds()
	if wb.Size() != gb.Size() {
		t.Fatalf("size: got %v, want %v", gb.Size(), wb.Size())
	}
	if wg, ok := want.(*image.Gray); ok {
		if gg, ok := got.(*image.Gray); ok {
			if bytes.Equal(wg.Pix, gg.Pix) && wg.Stride == gg.Stride {
				return
			}
		}
	}
	for y := 0; y < wb.Dy(); y++ {
		for x := 0; x < wb.Dx(); x++ {
			w := color.NRGBAModel.Convert(want.At(wb.Min.X+x, wb.Min.Y+y))
			g := color.NRGBAModel.Convert(got.At(gb.Min.X+x, gb.Min.Y+y))
			if w != g {
				t.Fatalf("pixel (%d,%d): got %v, want %v", x, y, g, w)
			}
		}
	}
}

func approx(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestRoundTrip(t *testing.T) {
	gray := scanPage(pxFor(a4W, 100), pxFor(a4H, 100), 1)
	bilevel := threshold(gray)

	// A sub-image, so Write must honour Bounds and Stride.
	big := scanPage(900, 1200, 2)
	sub := big.SubImage(image.Rect(50, 70, 50+pxFor(a5W, 100), 70+pxFor(a5H, 100))).(*image.Gray)

	rgb := image.NewRGBA(image.Rect(0, 0, 300, 400))
	for i := range rgb.Pix {
		rgb.Pix[i] = uint8(i * 7)
		if i%4 == 3 {
			rgb.Pix[i] = 255
		}
	}

	tests := []struct {
		name       string
		img        image.Image
		wMM, hMM   float64
		wantGray   bool // read back as *image.Gray
		wantFilter string
	}{
		{"gray", gray, a4W, a4H, true, "FlateDecode"},
		{"gray sub-image", sub, a5W, a5H, true, "FlateDecode"},
		{"bilevel gray", bilevel, a4W, a4H, true, "FlateDecode"},
		{"bilevel paletted black first", paletted(gray, color.Palette{color.Black, color.White}, 1), a4W, a4H, true, "FlateDecode"},
		{"bilevel paletted white first", paletted(gray, color.Palette{color.White, color.Black}, 0), a4W, a4H, true, "FlateDecode"},
		{"two-colour paletted", paletted(gray, color.Palette{color.RGBA{0, 0, 128, 255}, color.RGBA{255, 255, 230, 255}}, 1), a4W, a4H, false, "FlateDecode"},
		{"rgb", rgb, 75, 100, false, "FlateDecode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path, pdf := writeFile(t, []pdfout.Page{{Image: tc.img, WidthMM: tc.wMM, HeightMM: tc.hMM}})
			validate(t, pdf)
			pis := readBack(t, path)
			if len(pis) != 1 {
				t.Fatalf("got %d pages, want 1", len(pis))
			}
			pi := pis[0]
			if _, isGray := pi.Image.(*image.Gray); isGray != tc.wantGray {
				t.Errorf("read back a %T, want gray=%v", pi.Image, tc.wantGray)
			}
			if pi.Filter != tc.wantFilter {
				t.Errorf("filter %q, want %q", pi.Filter, tc.wantFilter)
			}
			if !approx(pi.WidthMM, tc.wMM, 1e-3) || !approx(pi.HeightMM, tc.hMM, 1e-3) {
				t.Errorf("page size %.4fx%.4f mm, want %gx%g", pi.WidthMM, pi.HeightMM, tc.wMM, tc.hMM)
			}
			samePixels(t, tc.img, pi.Image)
		})
	}
}

// imageInfo lists the page images through pdfcpu itself, independently
// of this package's reader.
func imageInfo(t *testing.T, pdf []byte) []model.Image {
	t.Helper()
	pages, err := api.Images(bytes.NewReader(pdf), nil, pdfcpuConf())
	if err != nil {
		t.Fatalf("api.Images: %v", err)
	}
	var out []model.Image
	for _, m := range pages {
		if len(m) != 1 {
			t.Fatalf("page has %d images, want 1", len(m))
		}
		for _, img := range m {
			out = append(out, img)
		}
	}
	return out
}

func TestBilevelIsOneBitAndSmall(t *testing.T) {
	w, h := pxFor(a4W, 300), pxFor(a4H, 300)
	bilevel := threshold(scanPage(w, h, 3))
	// The same pixels with one gray dot can no longer be stored as 1 bit.
	almost := image.NewGray(bilevel.Rect)
	copy(almost.Pix, bilevel.Pix)
	almost.Pix[0] = 254

	_, one := writeFile(t, []pdfout.Page{{Image: bilevel, WidthMM: a4W, HeightMM: a4H}})
	_, eight := writeFile(t, []pdfout.Page{{Image: almost, WidthMM: a4W, HeightMM: a4H}})

	if got := imageInfo(t, one)[0]; got.Bpc != 1 || got.Cs != "DeviceGray" {
		t.Errorf("bilevel stored as %d-bit %s, want 1-bit DeviceGray", got.Bpc, got.Cs)
	}
	if got := imageInfo(t, eight)[0]; got.Bpc != 8 {
		t.Errorf("gray stored as %d-bit, want 8", got.Bpc)
	}
	t.Logf("A4 300 dpi: bilevel %d bytes, same content as 8-bit gray %d bytes", len(one), len(eight))
	if len(one)*3 > len(eight) {
		t.Errorf("bilevel file is %d bytes, not much smaller than gray %d", len(one), len(eight))
	}
}

func TestJPEGPassThrough(t *testing.T) {
	gray := scanPage(pxFor(a4W, 150), pxFor(a4H, 150), 4)
	ycc := image.NewYCbCr(image.Rect(0, 0, 320, 240), image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = uint8(i)
	}

	tests := []struct {
		name     string
		jpg      []byte
		wantCS   string
		wantGray bool
	}{
		{"gray", jpegBytes(t, gray), "DeviceGray", true},
		{"colour", jpegBytes(t, ycc), "DeviceRGB", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path, pdf := writeFile(t, []pdfout.Page{{JPEG: tc.jpg, WidthMM: a4W, HeightMM: a4H}})
			validate(t, pdf)

			raw, err := api.ExtractImagesRaw(bytes.NewReader(pdf), nil, pdfcpuConf())
			if err != nil {
				t.Fatalf("ExtractImagesRaw: %v", err)
			}
			if len(raw) != 1 || len(raw[0]) != 1 {
				t.Fatalf("got %v images, want one page with one image", raw)
			}
			for _, img := range raw[0] {
				got := new(bytes.Buffer)
				if _, err := got.ReadFrom(img); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), tc.jpg) {
					t.Errorf("embedded stream differs from the input JPEG (%d vs %d bytes)", got.Len(), len(tc.jpg))
				}
			}
			info := imageInfo(t, pdf)[0]
			if info.Filter != "DCTDecode" || info.Cs != tc.wantCS {
				t.Errorf("stored with filter %q colour space %q, want DCTDecode %s", info.Filter, info.Cs, tc.wantCS)
			}

			pi := readBack(t, path)[0]
			if pi.Filter != "DCTDecode" {
				t.Errorf("PageImages filter %q, want DCTDecode", pi.Filter)
			}
			want, err := jpeg.Decode(bytes.NewReader(tc.jpg))
			if err != nil {
				t.Fatal(err)
			}
			if _, isGray := pi.Image.(*image.Gray); isGray != tc.wantGray {
				t.Errorf("read back a %T, want gray=%v", pi.Image, tc.wantGray)
			}
			samePixels(t, want, pi.Image)
		})
	}
}

func TestMultiPage(t *testing.T) {
	gray := scanPage(pxFor(a4W, 100), pxFor(a4H, 100), 5)
	bilevel := threshold(scanPage(pxFor(a5H, 100), pxFor(a5W, 100), 6)) // A5 landscape
	photo := scanPage(pxFor(a4W, 100), pxFor(a4H, 100), 7)
	jpg := jpegBytes(t, photo)

	pages := []pdfout.Page{
		{Image: gray, WidthMM: a4W, HeightMM: a4H},
		{Image: bilevel, WidthMM: a5H, HeightMM: a5W},
		{JPEG: jpg, WidthMM: a4W, HeightMM: a4H},
	}
	path, pdf := writeFile(t, pages)
	validate(t, pdf)

	info := imageInfo(t, pdf)
	wantBpc := []int{8, 1, 8}
	for i, img := range info {
		if img.Bpc != wantBpc[i] {
			t.Errorf("page %d: %d-bit, want %d", i+1, img.Bpc, wantBpc[i])
		}
	}

	pis := readBack(t, path)
	if len(pis) != 3 {
		t.Fatalf("got %d pages, want 3", len(pis))
	}
	wantFilter := []string{"FlateDecode", "FlateDecode", "DCTDecode"}
	for i, pi := range pis {
		if pi.Filter != wantFilter[i] {
			t.Errorf("page %d: filter %q, want %q", i+1, pi.Filter, wantFilter[i])
		}
		if !approx(pi.WidthMM, pages[i].WidthMM, 1e-3) || !approx(pi.HeightMM, pages[i].HeightMM, 1e-3) {
			t.Errorf("page %d: %.3fx%.3f mm, want %gx%g", i+1, pi.WidthMM, pi.HeightMM, pages[i].WidthMM, pages[i].HeightMM)
		}
		if _, ok := pi.Image.(*image.Gray); !ok {
			t.Errorf("page %d: read back a %T, want *image.Gray", i+1, pi.Image)
		}
	}
	samePixels(t, gray, pis[0].Image)
	samePixels(t, bilevel, pis[1].Image)
}

func TestPageSizeInPoints(t *testing.T) {
	// A4 is 595.276 x 841.890 pt whatever the image resolution.
	for _, dpi := range []int{300, 150} {
		t.Run(strconv.Itoa(dpi)+"dpi", func(t *testing.T) {
			w, h := pxFor(a4W, dpi), pxFor(a4H, dpi)
			_, pdf := writeFile(t, []pdfout.Page{{Image: threshold(scanPage(w, h, 8)), WidthMM: a4W, HeightMM: a4H}})

			dims, err := api.PageDims(bytes.NewReader(pdf), pdfcpuConf())
			if err != nil {
				t.Fatalf("api.PageDims: %v", err)
			}
			if len(dims) != 1 {
				t.Fatalf("got %d pages", len(dims))
			}
			if !approx(dims[0].Width, 595.276, 1e-3) || !approx(dims[0].Height, 841.890, 1e-3) {
				t.Errorf("MediaBox %vx%v pt, want 595.276x841.890", dims[0].Width, dims[0].Height)
			}
			// The image fills the page, so it prints at its own resolution.
			info := imageInfo(t, pdf)[0]
			if gotDPI := float64(info.Width) / (dims[0].Width / 72); !approx(gotDPI, float64(dpi), 0.1) {
				t.Errorf("image prints at %.2f dpi, want %d", gotDPI, dpi)
			}
			var content []byte
			err = api.ExtractContent(bytes.NewReader(pdf), nil, func(r io.Reader, _ int) error {
				var err error
				content, err = io.ReadAll(r)
				return err
			}, pdfcpuConf())
			if err != nil {
				t.Fatalf("api.ExtractContent: %v", err)
			}
			if want := "q 595.2756 0 0 841.8898 0 0 cm /Im0 Do Q"; !strings.Contains(string(content), want) {
				t.Errorf("content stream %q does not draw the image over the whole page (%q)", content, want)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	pages := []pdfout.Page{
		{Image: scanPage(400, 566, 9), WidthMM: a4W, HeightMM: a4H},
		{JPEG: jpegBytes(t, scanPage(200, 283, 10)), WidthMM: a4W, HeightMM: a4H},
	}
	_, first := writeFile(t, pages)
	// pdfcpu's dates have one-second resolution.
	time.Sleep(1100 * time.Millisecond)
	_, second := writeFile(t, pages)

	if !bytes.Equal(first, second) {
		t.Fatalf("two writes of the same pages differ (%d vs %d bytes)", len(first), len(second))
	}
	validate(t, second)
	if !bytes.Contains(second, []byte("/CreationDate(D:20000101000000+00'00')")) {
		t.Errorf("CreationDate not fixed")
	}

	// The ID is derived from the content, so another document gets another.
	_, other := writeFile(t, pages[:1])
	id := func(pdf []byte) string {
		i := bytes.Index(pdf, []byte("/ID"))
		if i < 0 {
			t.Fatal("no /ID")
		}
		return string(pdf[i : i+72])
	}
	if id(first) == id(other) {
		t.Errorf("different documents share the ID %s", id(first))
	}
}

func TestWriteErrors(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 10, 10))
	tests := []struct {
		name  string
		pages []pdfout.Page
		want  string
	}{
		{"no pages", nil, "no pages"},
		{"neither", []pdfout.Page{{Image: img, WidthMM: 1, HeightMM: 1}, {WidthMM: 1, HeightMM: 1}}, "page 2: neither"},
		{"both", []pdfout.Page{{Image: img, JPEG: []byte{0xff}, WidthMM: 1, HeightMM: 1}}, "page 1: both"},
		{"no size", []pdfout.Page{{Image: img}}, "page 1: invalid page size"},
		{"NaN size", []pdfout.Page{{Image: img, WidthMM: math.NaN(), HeightMM: 1}}, "page 1: invalid page size"},
		{"bad JPEG", []pdfout.Page{{Image: img, WidthMM: 1, HeightMM: 1}, {JPEG: []byte("not a jpeg"), WidthMM: 1, HeightMM: 1}}, "page 2: JPEG header"},
		{"empty image", []pdfout.Page{{Image: image.NewGray(image.Rectangle{}), WidthMM: 1, HeightMM: 1}}, "page 1: image is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := pdfout.Write(&buf, tc.pages)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes despite the error", buf.Len())
			}
		})
	}
	if err := pdfout.Write(&bytes.Buffer{}, nil); !errors.Is(err, pdfout.ErrNoPages) {
		t.Errorf("got %v, want ErrNoPages", err)
	}
}

func TestPageImagesErrors(t *testing.T) {
	t.Run("not a PDF", func(t *testing.T) {
		_, err := pdfout.PageImages(strings.NewReader("hello"))
		if err == nil || errors.Unwrap(err) == nil {
			t.Fatalf("got %v, want a wrapped pdfcpu error", err)
		}
	})
	t.Run("page without image", func(t *testing.T) {
		_, pdf := writeFile(t, []pdfout.Page{{Image: image.NewGray(image.Rect(0, 0, 8, 8)), WidthMM: 10, HeightMM: 10}})
		var withBlank bytes.Buffer
		if err := api.InsertPages(bytes.NewReader(pdf), &withBlank, []string{"1"}, false, nil, pdfcpuConf()); err != nil {
			t.Fatalf("api.InsertPages: %v", err)
		}
		_, err := pdfout.PageImages(bytes.NewReader(withBlank.Bytes()))
		if !errors.Is(err, pdfout.ErrNoImage) || !strings.Contains(err.Error(), "page 2: ") {
			t.Fatalf("got %v, want ErrNoImage naming page 2", err)
		}
	})
}

func TestPageImagesCorruptStream(t *testing.T) {
	_, pdf := writeFile(t, []pdfout.Page{
		{Image: scanPage(100, 140, 11), WidthMM: 10, HeightMM: 14},
		{Image: scanPage(120, 170, 12), WidthMM: 12, HeightMM: 17},
	})
	// Garble the middle of the last image stream (page 2's); the byte
	// count stays, so only decoding the pixels can notice.
	i := bytes.LastIndex(pdf, []byte("/Subtype/Image"))
	j := i + bytes.Index(pdf[i:], []byte("stream\n")) + len("stream\n")
	for k := j + 20; k < j+60; k++ {
		pdf[k] ^= 0x55
	}
	_, err := pdfout.PageImages(bytes.NewReader(pdf))
	if err == nil || !strings.Contains(err.Error(), "page 2: ") {
		t.Fatalf("got %v, want an error naming page 2", err)
	}
	if !filter.IsCorruptFlateInput(err) && !errors.Is(err, zlib.ErrChecksum) {
		t.Errorf("error %v does not wrap the Flate decoder's error", err)
	}
}

// Write and PageImages are called from a pool of workers.
func TestConcurrent(t *testing.T) {
	pages := []pdfout.Page{{Image: scanPage(300, 424, 13), WidthMM: a4W, HeightMM: a4H}}
	_, want := writeFile(t, pages)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			var buf bytes.Buffer
			if err := pdfout.Write(&buf, pages); err != nil {
				errs <- err
				return
			}
			if !bytes.Equal(buf.Bytes(), want) {
				errs <- errors.New("concurrent write differs")
				return
			}
			if _, err := pdfout.PageImages(bytes.NewReader(buf.Bytes())); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func BenchmarkWriteA4Gray300(b *testing.B) {
	page := scanPage(2480, 3508, 42)
	pages := []pdfout.Page{{Image: page, WidthMM: a4W, HeightMM: a4H}}
	var size int
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := pdfout.Write(&buf, pages); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/pdf")
}

func BenchmarkWriteA4Bilevel300(b *testing.B) {
	pages := []pdfout.Page{{Image: threshold(scanPage(2480, 3508, 42)), WidthMM: a4W, HeightMM: a4H}}
	var size int
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := pdfout.Write(&buf, pages); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/pdf")
}

func BenchmarkPageImagesA4Gray300(b *testing.B) {
	var pdf bytes.Buffer
	if err := pdfout.Write(&pdf, []pdfout.Page{{Image: scanPage(2480, 3508, 42), WidthMM: a4W, HeightMM: a4H}}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pdfout.PageImages(bytes.NewReader(pdf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}
