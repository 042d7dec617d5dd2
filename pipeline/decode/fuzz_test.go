package decode_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/image/tiff"

	"shinsei/pipeline/decode"
)

// The fuzz targets feed Walk whatever the fuzzer makes of real scans and of
// small broken files, and check what the package promises, not only that
// it does not panic:
//
//   - Walk returns, and soon: a scan must not hang a station;
//   - it allocates in proportion to what it decodes: a small file that
//     claims a huge image (or a huge stream) costs little;
//   - every error, of the file or of a page, is an *Error naming the file
//     (and the page) that wraps exactly one of the Err* kinds, with a
//     message a clerk can read;
//   - every page it returns has an image of sane size, within the limits,
//     and pages are numbered 1, 2, 3… in order.
//
// The four targets differ only in their seeds. make test runs each for a
// bounded time (scripts/test.sh); a crash the fuzzer finds is written to
// testdata/fuzz/FuzzX/ and, committed, is checked by every go test run.
// By hand:
//
//	go test -run '^$' -fuzz '^FuzzPDF$' -fuzztime 60s -fuzzminimizetime 0 -parallel 1 ./pipeline/decode/
//
// -fuzzminimizetime 0 because minimising every new input derived from a
// real scan (a megabyte, decoded in a fraction of a second) otherwise
// takes nearly all the time: 62 executions in a minute against 88,000.
// A crash found that way is written as it was found; fuzzing again with
// minimisation on (-fuzzminimizetime 30s) writes a smaller one.

// fuzzLimits are the limits of a station, tightened where that keeps the
// fuzzer fast without hiding anything: 40 megapixels holds A4 at 600 dpi
// (34.8 MP), and 20 pages are enough to reach every page-level path.
// RenderTimeout is short: a damaged JBIG2 stream can keep Poppler busy
// until it is stopped, and what is checked is that it is stopped.
var fuzzLimits = decode.Limits{MaxPixels: 40_000_000, MaxPages: 20, MaxFileBytes: 32 << 20, RenderTimeout: 5 * time.Second}

// Time allowed for one input. The largest seed (a 1.3 MB two-page PDF at
// 300 dpi) decodes in well under a second; the race detector, which runs
// the seeds in make test, is several times slower.
const (
	fuzzTimeout     = 10 * time.Second
	fuzzTimeoutRace = 60 * time.Second
)

// fuzzing reports whether this is a -fuzz run rather than the seeds being
// run as tests (under the race detector in make test).
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

func FuzzPNG(f *testing.F) {
	for _, s := range pngSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(checkWalk)
}

func FuzzJPEG(f *testing.F) {
	for _, s := range jpegSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(checkWalk)
}

func FuzzTIFF(f *testing.F) {
	for _, s := range tiffSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(checkWalk)
}

func FuzzPDF(f *testing.F) {
	for _, s := range pdfSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(checkWalk)
}

// walkOutcome is what one Walk call did.
type walkOutcome struct {
	results []decode.Result
	err     error
	alloc   uint64 // bytes allocated during the call
	elapsed time.Duration
}

// checkWalk decodes data with Walk and checks every property above.
func checkWalk(t *testing.T, data []byte) {
	const name = "スキャン-0001.pdf" // a Japanese name, as stations write them
	limit := fuzzTimeout
	if !fuzzing() {
		limit = fuzzTimeoutRace
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()

	done := make(chan walkOutcome, 1)
	go func() {
		var o walkOutcome
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		o.err = decode.Walk(ctx, name, data, fuzzLimits, func(r decode.Result) error {
			o.results = append(o.results, r)
			return nil
		})
		o.elapsed = time.Since(start)
		runtime.ReadMemStats(&after)
		o.alloc = after.TotalAlloc - before.TotalAlloc
		done <- o
	}()
	var o walkOutcome
	select {
	case o = <-done:
	case <-time.After(limit + 5*time.Second):
		t.Fatalf("Walk did not return within %v on a %d-byte input", limit+5*time.Second, len(data))
	}
	if ctx.Err() != nil {
		t.Fatalf("Walk took %v on a %d-byte input, more than the %v allowed (err: %v)", o.elapsed, len(data), limit, o.err)
	}

	if o.err != nil {
		checkDecodeError(t, o.err, name, 0)
	} else if len(o.results) == 0 {
		t.Fatal("Walk returned no error and no page: a file must give a page or say why not")
	}

	ok := 0
	var budget uint64 = 64<<20 + 32*uint64(len(data))
	for i, r := range o.results {
		if r.Number != i+1 {
			t.Errorf("result %d is numbered %d", i+1, r.Number)
		}
		if r.Err != nil {
			checkDecodeError(t, r.Err, name, r.Number)
			if r.Image != nil {
				t.Errorf("page %d failed (%v) but has an image", r.Number, r.Err)
			}
			// A page that fails after its pixels were allocated (cut short)
			// may cost a full page.
			budget += 12 * uint64(fuzzLimits.MaxPixels)
			continue
		}
		ok++
		checkPage(t, r.Page)
		if r.Image != nil {
			budget += 12*uint64(r.Image.Rect.Dx())*uint64(r.Image.Rect.Dy()) + 16<<20
		}
	}
	// A TIFF whose page list breaks off after the last page allowed may
	// report that break as one more (failed) page.
	if ok > fuzzLimits.MaxPages || len(o.results) > fuzzLimits.MaxPages+1 {
		t.Errorf("%d results (%d decoded), limit %d pages", len(o.results), ok, fuzzLimits.MaxPages)
	}
	if o.alloc > budget {
		t.Errorf("Walk allocated %d MB for a %d-byte input giving %d pages (%d decoded); at most %d MB expected",
			o.alloc>>20, len(data), len(o.results), ok, budget>>20)
	}
}

// decodeKinds are the kinds every error wraps exactly one of.
var decodeKinds = []error{
	decode.ErrEmpty, decode.ErrTruncated, decode.ErrUnknownFormat, decode.ErrEncrypted,
	decode.ErrNoImage, decode.ErrUnsupportedCodec, decode.ErrTooLarge, decode.ErrCorrupt,
}

func checkDecodeError(t *testing.T, err error, file string, page int) {
	t.Helper()
	var e *decode.Error
	if !errors.As(err, &e) {
		t.Errorf("page %d: error %T %q is not a *decode.Error", page, err, err)
		return
	}
	if err != error(e) {
		t.Errorf("page %d: error %T wraps the *decode.Error instead of being one", page, err)
	}
	var kinds []string
	for _, k := range decodeKinds {
		if errors.Is(err, k) {
			kinds = append(kinds, k.Error())
		}
	}
	if len(kinds) != 1 {
		t.Errorf("page %d: %q wraps %d kinds %q, want exactly one", page, err, len(kinds), kinds)
	}
	if !errors.Is(err, e.Kind) {
		t.Errorf("page %d: Kind %v is not what the error wraps", page, e.Kind)
	}
	if e.File != file || e.Page != page {
		t.Errorf("error names %q page %d, want %q page %d", e.File, e.Page, file, page)
	}
	if strings.TrimSpace(e.Problem) == "" || strings.TrimSpace(e.Advice) == "" {
		t.Errorf("page %d: %q has no problem or no advice", page, err)
	}
	if msg := e.Error(); !utf8.ValidString(msg) {
		t.Errorf("page %d: message is not valid UTF-8: %q", page, msg)
	}
}

func checkPage(t *testing.T, p decode.Page) {
	t.Helper()
	g := p.Image
	if g == nil {
		t.Errorf("page %d: no error and no image", p.Number)
		return
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	switch {
	case g.Rect.Min != (image.Point{}):
		t.Errorf("page %d: image origin %v, want (0,0)", p.Number, g.Rect.Min)
	case w <= 0 || h <= 0:
		t.Errorf("page %d: image is %d×%d", p.Number, w, h)
	case int64(w)*int64(h) > fuzzLimits.MaxPixels:
		t.Errorf("page %d: image is %d×%d, over the %d-pixel limit", p.Number, w, h, fuzzLimits.MaxPixels)
	case g.Stride < w || len(g.Pix) < (h-1)*g.Stride+w:
		t.Errorf("page %d: %d×%d image with stride %d has only %d bytes", p.Number, w, h, g.Stride, len(g.Pix))
	}
	if math.IsNaN(p.DPI) || math.IsInf(p.DPI, 0) || p.DPI < 0 {
		t.Errorf("page %d: resolution %v dpi", p.Number, p.DPI)
	}
	if p.Source == "" {
		t.Errorf("page %d: no source", p.Number)
	}
}

// --- seeds ---------------------------------------------------------------

// repoFiles reads the committed scans matching the patterns, relative to
// the repository's testdata.
func repoFiles(tb testing.TB, patterns ...string) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, p := range patterns {
		paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", p))
		if err != nil {
			tb.Fatal(err)
		}
		for _, path := range paths {
			b, err := os.ReadFile(path)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		tb.Fatalf("no files match %q under testdata", patterns)
	}
	return out
}

// smallest returns the shortest of files, the cheapest to mutate.
func smallest(files [][]byte) []byte {
	s := files[0]
	for _, f := range files[1:] {
		if len(f) < len(s) {
			s = f
		}
	}
	return s
}

// damaged returns the ways a file arrives broken: cut short at several
// points, its magic number spoiled, a run of its bytes zeroed (a bad
// sector), and its second half repeated (a transfer restarted).
func damaged(b []byte) [][]byte {
	var out [][]byte
	for _, n := range []int{16, 100, 1024, len(b) / 3, len(b) / 2, len(b) - 1} {
		if n > 0 && n < len(b) {
			out = append(out, bytes.Clone(b[:n]))
		}
	}
	bad := bytes.Clone(b)
	bad[1] ^= 0x20
	out = append(out, bad)
	if len(b) > 4096 {
		hole := bytes.Clone(b)
		clear(hole[len(b)/2 : len(b)/2+2048])
		out = append(out, hole)
		out = append(out, append(bytes.Clone(b), b[len(b)/2:]...))
	}
	return out
}

func pngSeeds(tb testing.TB) [][]byte {
	real := repoFiles(tb, "corpus/*/*.png")
	small := noise(64, 48, 21)
	rgba := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for i := range rgba.Pix {
		rgba.Pix[i] = uint8(i * 37)
	}
	g16 := image.NewGray16(image.Rect(0, 0, 33, 17))
	for i := range g16.Pix {
		g16.Pix[i] = uint8(i * 11)
	}
	pal := image.NewPaletted(image.Rect(0, 0, 31, 9), color.Palette{color.Black, color.White})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i % 3 % 2)
	}
	trans := image.NewPaletted(image.Rect(0, 0, 16, 16), color.Palette{color.NRGBA{0, 0, 0, 0}, color.NRGBA{200, 10, 10, 128}, color.White})
	for i := range trans.Pix {
		trans.Pix[i] = uint8(i % 3)
	}
	smallPNG := encodePNG(tb, small)
	// A pHYs chunk of 11811 dots per metre (300 dpi), then absurd ones.
	phys := func(ppm uint32, unit byte) []byte {
		d := binary.BigEndian.AppendUint32(nil, ppm)
		d = binary.BigEndian.AppendUint32(d, ppm)
		ihdrEnd := 8 + 12 + 13
		out := pngChunk(bytes.Clone(smallPNG[:ihdrEnd]), "pHYs", append(d, unit))
		return append(out, smallPNG[ihdrEnd:]...)
	}
	// An acTL chunk: an APNG, refused.
	ihdrEnd := 8 + 12 + 13
	actl := pngChunk(bytes.Clone(smallPNG[:ihdrEnd]), "acTL", []byte{0, 0, 0, 2, 0, 0, 0, 0})
	actl = append(actl, smallPNG[ihdrEnd:]...)

	seeds := [][]byte{
		smallPNG,
		encodePNG(tb, rgba),
		encodePNG(tb, g16),
		encodePNG(tb, pal),
		encodePNG(tb, trans),
		phys(11811, 1), phys(0, 1), phys(0xffffffff, 1), phys(11811, 0),
		actl,
		pngWithHeader(100000, 100000), // a bomb
		pngWithHeader(7000, 5000),     // within the limit, data missing
		pngWithHeader(0, 10),
		pngWithHeader(1<<31, 1),
	}
	seeds = append(seeds, real...)
	seeds = append(seeds, damaged(smallPNG)...)
	return append(seeds, damaged(smallest(real))...)
}

func jpegSeeds(tb testing.TB) [][]byte {
	real := repoFiles(tb, "corpus/*/*.jpg")
	// The JPEGs inside the real PDFs: OCRmyPDF's CMYK (Adobe YCCK) and
	// palette tests, and the generator's scans.
	for _, pdf := range repoFiles(tb, "ocrmypdf/*.pdf", "corpus/*/*.pdf") {
		real = append(real, embeddedJPEGs(pdf)...)
	}
	gray := encodeJPEG(tb, noise(64, 48, 22), 90)
	rgba := image.NewRGBA(image.Rect(0, 0, 50, 34))
	for i := range rgba.Pix {
		rgba.Pix[i] = uint8(i * 13)
	}
	colour := encodeJPEG(tb, rgba, 75)
	seeds := [][]byte{
		gray, colour,
		withEXIF(gray, 6, 300),
		withEXIF(gray, 9, 0), // no such orientation
		withEXIF(gray, 0, 0xffffffff),
		sofSize(gray, 65535, 65535), // a bomb
		sofSize(gray, 8000, 5000),   // within the limit, data missing
		sofSize(gray, 0, 48),
		append(bytes.Clone(gray), colour...), // another picture after the end
	}
	seeds = append(seeds, real...)
	seeds = append(seeds, damaged(gray)...)
	return append(seeds, damaged(smallest(real))...)
}

// embeddedJPEGs cuts the DCT streams out of a PDF: from a JPEG's start
// marker to the stream's end.
func embeddedJPEGs(pdf []byte) [][]byte {
	var out [][]byte
	for rest := pdf; ; {
		i := bytes.Index(rest, []byte("\xff\xd8\xff"))
		if i < 0 {
			return out
		}
		rest = rest[i:]
		end := bytes.Index(rest, []byte("endstream"))
		if end < 0 {
			return out
		}
		out = append(out, bytes.Clone(bytes.TrimRight(rest[:end], "\r\n")))
		rest = rest[end:]
	}
}

// sofSize rewrites the size in a JPEG's frame header.
func sofSize(jpg []byte, w, h uint16) []byte {
	out := bytes.Clone(jpg)
	for i := 2; i+9 < len(out); {
		if out[i] != 0xff {
			return out
		}
		m := out[i+1]
		n := int(binary.BigEndian.Uint16(out[i+2:]))
		if m >= 0xc0 && m <= 0xc2 {
			binary.BigEndian.PutUint16(out[i+5:], h)
			binary.BigEndian.PutUint16(out[i+7:], w)
			return out
		}
		i += 2 + n
	}
	return out
}

func tiffSeeds(tb testing.TB) [][]byte {
	real := repoFiles(tb, "corpus/*/*.tif")
	page := noise(40, 24, 23)
	bw := image.NewGray(image.Rect(0, 0, 64, 20))
	for i := range bw.Pix {
		if (i/7+i/64)%3 == 0 {
			bw.Pix[i] = 255
		}
	}
	plain := writeTIFF([]tiffPage{{img: page, dpi: 300}})
	multi := writeTIFF([]tiffPage{
		{img: page, dpi: 200},
		{img: noise(10, 6, 24), thumbnail: true},
		{img: bw, bilevel: true, orientation: 8},
		{img: bw, compression: 4, data: encodeG4(bw, false)},
		{img: bw, compression: 3, data: encodeG3(bw)},
	})
	xtiff := func(img image.Image, opt *tiff.Options) []byte {
		var b bytes.Buffer
		if err := tiff.Encode(&b, img, opt); err != nil {
			tb.Fatal(err)
		}
		return b.Bytes()
	}
	rgba := image.NewRGBA(image.Rect(0, 0, 30, 20))
	for i := range rgba.Pix {
		rgba.Pix[i] = uint8(i * 7)
	}
	// The first directory of writeTIFF's output follows the pixels and
	// the resolution: find it from the header.
	ifd := int(binary.LittleEndian.Uint32(plain[4:]))
	loop := bytes.Clone(plain) // the page list points back at itself
	n := int(binary.LittleEndian.Uint16(loop[ifd:]))
	binary.LittleEndian.PutUint32(loop[ifd+2+12*n:], uint32(ifd))
	huge := bytes.Clone(plain) // width and height of a bomb
	tagValue := func(b []byte, tag uint16, v uint32) {
		for e := ifd + 2; e < ifd+2+12*n; e += 12 {
			if binary.LittleEndian.Uint16(b[e:]) == tag {
				binary.LittleEndian.PutUint32(b[e+8:], v)
			}
		}
	}
	tagValue(huge, 256, 100000)
	tagValue(huge, 257, 100000)
	farStrip := bytes.Clone(plain) // pixels beyond the end of the file
	tagValue(farStrip, 273, 0x7fffffff)
	bigTIFF := append([]byte("II+\x00\x08\x00\x00\x00"), make([]byte, 32)...)
	bigTIFF[16] = 1

	seeds := [][]byte{
		plain, multi, loop, huge, farStrip, bigTIFF,
		xtiff(rgba, &tiff.Options{Compression: tiff.Deflate}),
		xtiff(image.NewGray16(image.Rect(0, 0, 9, 7)), &tiff.Options{Compression: tiff.Deflate}),
		xtiff(page, &tiff.Options{Compression: tiff.Uncompressed}),
		[]byte("MM\x00*\x00\x00\x00\x08\x00\x01\x01\x00\x00\x04\x00\x00\x00\x01\xff\xff\xff\xff\x00\x00\x00\x00"),
	}
	seeds = append(seeds, real...)
	seeds = append(seeds, damaged(multi)...)
	return append(seeds, damaged(smallest(real))...)
}

func pdfSeeds(tb testing.TB) [][]byte {
	real := repoFiles(tb, "corpus/*/*.pdf", "ocrmypdf/*.pdf")
	one := goodPDF(tb, noise(40, 30, 25))
	three := goodPDF(tb, noise(8, 8, 26), noise(12, 8, 27), noise(8, 12, 28))
	bw := image.NewGray(image.Rect(0, 0, 64, 20))
	for i := range bw.Pix {
		if (i/5+i/64)%2 == 0 {
			bw.Pix[i] = 255
		}
	}
	img := func(dict string, data []byte) []byte {
		return buildPDF(pdfPage{images: []pdfImage{{dict: dict, data: data}}})
	}
	g4 := img("/Width 64 /Height 20 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 64 /Rows 20 /BlackIs1 false >>", encodeG4(bw, false))
	strips := buildPDF(pdfPage{
		images: []pdfImage{
			{name: "A", dict: "/Width 8 /Height 4 /ColorSpace /DeviceGray /BitsPerComponent 8", data: make([]byte, 32)},
			{name: "B", dict: "/Width 8 /Height 4 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", data: zlibBytes(bytes.Repeat([]byte{200}, 32))},
		},
		mediaBox: "0 0 8 8",
		content:  "q 8 0 0 4 0 4 cm /A Do Q q 8 0 0 4 0 0 cm /B Do Q",
	})
	masked := buildPDF(pdfPage{
		images: []pdfImage{{dict: "/Width 16 /Height 16 /ColorSpace /DeviceRGB /BitsPerComponent 8 /SMask @0", data: bytes.Repeat([]byte{10, 200, 30}, 256)}},
		objects: []pdfObject{
			{body: "/Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceGray /BitsPerComponent 8", stream: bytes.Repeat([]byte{0, 255}, 128)},
		},
	})
	rotated := buildPDF(pdfPage{images: []pdfImage{grayImage(noise(30, 20, 29))}, extra: "/Rotate 90"})
	nested := buildPDF(pdfPage{
		images:   []pdfImage{grayImage(noise(10, 10, 30))},
		mediaBox: "0 0 0 0",
		content:  strings.Repeat("q 2 0 0 2 0 0 cm ", 200) + "/Im0 Do" + strings.Repeat(" Q", 200),
	})
	// A Flate stream that inflates far past what its image needs.
	flateBomb := img("/Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", zlibBytes(make([]byte, 4<<20)))
	seeds := [][]byte{
		one, three, g4, strips, masked, rotated, nested, flateBomb,
		bytes.Replace(three, []byte("/Count 3"), []byte("/Count 1000000"), 1),
		bytes.Replace(one, []byte("/Count 1"), []byte("/Count 0"), 1),
		encryptPDF(tb, one, "secret"),
		img("/Width 100000 /Height 100000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", zlibBytes(make([]byte, 4096))),
		img("/Width 64 /Height 32 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /JBIG2Decode", []byte("\x00\x00\x00\x00\x30\x00\x01\x00\x00\x00\x13not really jbig2")),
		img("/Width 64 /Height 32 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /JPXDecode", []byte("\x00\x00\x00\x0cjP  \r\n\x87\nnot really jpeg 2000")),
		img("/Width 4 /Height 1 /ColorSpace [/Indexed /DeviceRGB 3 <FF0000 00FF00 0000FF FFFFFF>] /BitsPerComponent 2", []byte{0b00_01_10_11}),
		img("/Width 4 /Height 1 /ColorSpace /DeviceCMYK /BitsPerComponent 8 /Decode [1 0 1 0 1 0 1 0]", make([]byte, 16)),
		img("/Width 7 /Height 3 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 3 /Columns 7 >>", zlibBytes(make([]byte, 3*22))),
		[]byte("%PDF-1.7\n%%EOF\n"),
		[]byte("junk before the header\n%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
	}
	seeds = append(seeds, real...)
	seeds = append(seeds, damaged(one)...)
	return append(seeds, damaged(smallest(real))...)
}

// TestFuzzFindings pins what the fuzzers found, with the message the clerk
// now gets; the inputs themselves are under testdata/fuzz/.
func TestFuzzFindings(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		kind error
		page int
		msg  string
	}{
		// FuzzTIFF: a header whose first page is at offset 0 gave no page
		// and no error, so the file got no record.
		{"no-pages.tif", []byte("II*\x00\x00\x00\x00\x00"), decode.ErrNoImage, 0,
			"no-pages.tif: the TIFF file has no pages — scan the paper form instead"},
		{"thumbnail-only.tif", writeTIFF([]tiffPage{{img: noise(8, 8, 31), thumbnail: true}}), decode.ErrNoImage, 0,
			"thumbnail-only.tif: the TIFF file has no pages — scan the paper form instead"},
		// FuzzPDF: an unknown colour space's name was quoted into the
		// message whatever its bytes, which need not even be UTF-8. Such a
		// page now goes to the renderer, which finds it broken; the name
		// guard itself is TestUnsupportedColorName's.
		{"colour.pdf", buildPDF(pdfPage{images: []pdfImage{{dict: "/Width 4 /Height 1 /ColorSpace /De\x80\xffGray /BitsPerComponent 8", data: make([]byte, 4)}}}), decode.ErrCorrupt, 1,
			"colour.pdf page 1: the page image is damaged and cannot be read — scan the page again"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := decode.Decode(context.Background(), tc.name, tc.data, decode.Limits{})
			if tc.page > 0 {
				if err != nil || len(rs) < tc.page {
					t.Fatalf("Decode: %d results, %v; want a result for page %d", len(rs), err, tc.page)
				}
				err = rs[tc.page-1].Err
			}
			checkError(t, err, tc.kind, tc.msg, tc.name, tc.page)
		})
	}
}

// TestFuzzSeedsReachEveryFormat guards the seeds: each target must start
// from files that decode and from files that fail, or the fuzzer spends
// its time on one side of the decoder only.
func TestFuzzSeedsReachEveryFormat(t *testing.T) {
	for _, tc := range []struct {
		name  string
		seeds func(testing.TB) [][]byte
	}{
		{"png", pngSeeds}, {"jpeg", jpegSeeds}, {"tiff", tiffSeeds}, {"pdf", pdfSeeds},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seeds := tc.seeds(t)
			decoded, failed := 0, 0
			for _, s := range seeds {
				if len(s) > 64<<10 { // keep this test quick: the small seeds suffice
					continue
				}
				rs, err := decode.Decode(context.Background(), "seed", s, fuzzLimits)
				for _, r := range rs {
					if r.Err == nil {
						decoded++
					} else {
						failed++
					}
				}
				if err != nil {
					failed++
				}
			}
			t.Logf("%d seeds: %d pages decoded, %d failures", len(seeds), decoded, failed)
			if decoded < 3 || failed < 3 {
				t.Errorf("%d seeds give %d decoded pages and %d failures; want at least 3 of each", len(seeds), decoded, failed)
			}
		})
	}
}
