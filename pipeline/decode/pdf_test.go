package decode_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/image/ccitt"

	"shinsei/internal/pdfout"
	"shinsei/pipeline/decode"
)

// formImage is a bilevel page fragment with what fax coding must get
// right: long white runs, boxes, thin lines, isolated dots, a row that is
// all black, and runs touching both edges.
func formImage(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 0xff
	}
	set := func(x, y int) {
		if x >= 0 && x < w && y >= 0 && y < h {
			g.Pix[y*w+x] = 0
		}
	}
	for x := 0; x < w; x++ {
		set(x, 0)     // top rule, edge to edge
		set(x, h/2)   // a full black row
		set(x, h/2+1) // twice: vertical mode all along
	}
	for y := 0; y < h; y++ {
		set(0, y)
		set(w-1, y)
		set(w/3, y) // a column rule
	}
	for bx := 5; bx+12 < w; bx += 37 { // checkboxes
		for i := 0; i < 12; i++ {
			set(bx+i, 5)
			set(bx+i, 16)
			set(bx, 5+i)
			set(bx+11, 5+i)
		}
	}
	for y := 20; y < h; y += 7 { // dots and dashes
		for x := (y * 13) % 17; x < w; x += 3 + y%11 {
			for d := 0; d <= y%4; d++ {
				set(x+d, y)
			}
		}
	}
	return g
}

func faxPDF(w, h int, data []byte, parms, extra string) []byte {
	return buildPDF(pdfPage{images: []pdfImage{{
		dict: fmt.Sprintf("/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /Columns %d /Rows %d %s >> %s", w, h, w, h, parms, extra),
		data: data,
	}}})
}

func negative(g *image.Gray) *image.Gray {
	n := image.NewGray(g.Rect)
	for i, v := range g.Pix {
		n.Pix[i] = 255 - v
	}
	return n
}

func TestFaxEncoderAgreesWithXImage(t *testing.T) {
	// The tests below trust encodeG4 and encodeG3; check them against the
	// decoder the package uses, on widths that need every make-up code.
	for _, w := range []int{1, 9, 153, 1728, 2600, 5300} {
		img := formImage(w, 40)
		for _, tc := range []struct {
			name  string
			data  []byte
			sf    ccitt.SubFormat
			align bool
		}{
			{"g4", encodeG4(img, false), ccitt.Group4, false},
			{"g4 aligned", encodeG4(img, true), ccitt.Group4, true},
			{"g3", encodeG3(img), ccitt.Group3, false},
		} {
			got := image.NewGray(img.Rect)
			if err := ccitt.DecodeIntoGray(got, bytes.NewReader(tc.data), ccitt.MSB, tc.sf, &ccitt.Options{Align: tc.align}); err != nil {
				t.Fatalf("width %d %s: %v", w, tc.name, err)
			}
			if d := sameGray(got, img, 0); d != "" {
				t.Fatalf("width %d %s: %s", w, tc.name, d)
			}
		}
	}
}

func TestPDFFax(t *testing.T) {
	const w, h = 301, 97
	img := formImage(w, h)
	g4 := encodeG4(img, false)
	for _, tc := range []struct {
		name         string
		data         []byte
		parms, extra string
		want         *image.Gray
	}{
		{"G4", g4, "/K -1", "", img},
		{"G4 BlackIs1", g4, "/K -1 /BlackIs1 true", "", negative(img)},
		{"G4 BlackIs1 with /Decode [1 0]", g4, "/K -1 /BlackIs1 true", "/Decode [1 0]", img},
		{"G4 EncodedByteAlign", encodeG4(img, true), "/K -1 /EncodedByteAlign true", "", img},
		{"G4 image mask", g4, "/K -1", "/ImageMask true", img},
		{"G3 one-dimensional", encodeG3(img), "/K 0 /EndOfLine true", "", img},
		{"G4 without its end-of-block", g4[:len(g4)-3], "/K -1", "", img},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeOne(t, "fax.pdf", faxPDF(w, h, tc.data, tc.parms, tc.extra))
			if d := sameGray(p.Image, tc.want, 0); d != "" {
				t.Error(d)
			}
			if p.Source != "pdf/ccitt" {
				t.Errorf("source %q", p.Source)
			}
		})
	}
	t.Run("Rows differs from Height", func(t *testing.T) {
		// The data holds 97 rows; an image 90 rows high shows the first 90,
		// one 100 rows high shows all 97 over white paper.
		for _, ht := range []int{90, 100} {
			data := buildPDF(pdfPage{images: []pdfImage{{
				dict: fmt.Sprintf("/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns %d /Rows %d /BlackIs1 true >>", w, ht, w, h),
				data: g4,
			}}})
			want := image.NewGray(image.Rect(0, 0, w, ht))
			for i := range want.Pix {
				want.Pix[i] = 0xff
			}
			copy(want.Pix, negative(img).Pix[:min(h, ht)*w])
			p := decodeOne(t, "rows.pdf", data)
			if d := sameGray(p.Image, want, 0); d != "" {
				t.Errorf("height %d: %s", ht, d)
			}
		}
	})
	t.Run("A4 at 300 dpi", func(t *testing.T) {
		big := formImage(2480, 3508)
		p := decodeOne(t, "fax-a4.pdf", faxPDF(2480, 3508, encodeG4(big, false), "/K -1", ""))
		if d := sameGray(p.Image, big, 0); d != "" {
			t.Error(d)
		}
	})
	t.Run("cut short", func(t *testing.T) {
		rs, err := decode.Decode(context.Background(), "fax.pdf", faxPDF(w, h, g4[:len(g4)/3], "/K -1", ""), decode.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		checkError(t, rs[0].Err, decode.ErrTruncated, "fax.pdf page 1: the page's fax-compressed (CCITT) image is cut short — scan the page again", "fax.pdf", 1)
	})
	t.Run("G3 without end-of-line codes", func(t *testing.T) {
		// Strip the EOLs the encoder writes: what /EndOfLine false allows.
		img := formImage(64, 4)
		bw := &bitWriter{}
		for _, cs := range changes(img) {
			start, black := 0, false
			for _, x := range append(cs, 64) {
				bw.run(black, x-start)
				start, black = x, !black
			}
		}
		// x/image/ccitt needs the markers; the renderer does not.
		p := decodeOne(t, "g3.pdf", faxPDF(64, 4, bw.bytes(), "/K 0", ""))
		if p.Source != "pdf/render" {
			t.Errorf("source %q, want pdf/render", p.Source)
		}
		if d := sameGray(p.Image, img, 0); d != "" {
			t.Error(d)
		}
	})
	t.Run("width disagrees with Columns", func(t *testing.T) {
		data := buildPDF(pdfPage{images: []pdfImage{{
			dict: fmt.Sprintf("/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns %d >>", w+8, h, w),
			data: g4,
		}}})
		rs, err := decode.Decode(context.Background(), "fax.pdf", data, decode.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if !errors.Is(rs[0].Err, decode.ErrCorrupt) {
			t.Errorf("err = %v, want ErrCorrupt", rs[0].Err)
		}
	})
}

// TestPDFWhichImage checks which image of a page is taken as the scan.
func TestPDFWhichImage(t *testing.T) {
	scan := noise(40, 30, 41)
	logo := noise(8, 8, 42)
	bigger := noise(60, 50, 43)
	t.Run("strips are stacked", func(t *testing.T) {
		// Bands of 10, 12 and 8 rows, drawn out of order, as some
		// multifunction printers write pages.
		top, mid, bot := scan.SubImage(image.Rect(0, 0, 40, 10)), scan.SubImage(image.Rect(0, 10, 40, 22)), scan.SubImage(image.Rect(0, 22, 40, 30))
		p := decodeOne(t, "strips.pdf", buildPDF(pdfPage{
			images: []pdfImage{
				withName(grayImage(copyGray(mid)), "S1"), withName(grayImage(copyGray(top)), "S0"), withName(grayImage(copyGray(bot)), "S2"),
			},
			content:  "q 40 0 0 12 0 8 cm /S1 Do Q q 40 0 0 10 0 20 cm /S0 Do Q q 40 0 0 8 0 0 cm /S2 Do Q",
			mediaBox: "0 0 40 30",
		}))
		if d := sameGray(p.Image, scan, 0); d != "" {
			t.Error(d)
		}
		if p.DPI != 72 {
			t.Errorf("DPI %v, want 72", p.DPI)
		}
	})
	t.Run("the scan, not the logo", func(t *testing.T) {
		p := decodeOne(t, "logo.pdf", buildPDF(pdfPage{
			images:   []pdfImage{withName(grayImage(logo), "Logo"), withName(grayImage(scan), "Scan")},
			content:  "q 40 0 0 30 0 0 cm /Scan Do Q q 4 0 0 4 2 2 cm /Logo Do Q",
			mediaBox: "0 0 40 30",
		}))
		if d := sameGray(p.Image, scan, 0); d != "" {
			t.Error(d)
		}
	})
	t.Run("what is drawn, not what is listed", func(t *testing.T) {
		// Some writers share one resource dictionary among all pages.
		p := decodeOne(t, "shared.pdf", buildPDF(pdfPage{
			images:   []pdfImage{withName(grayImage(scan), "P1"), withName(grayImage(bigger), "P2")},
			content:  "q 40 0 0 30 0 0 cm /P1 Do Q",
			mediaBox: "0 0 40 30",
		}))
		if d := sameGray(p.Image, scan, 0); d != "" {
			t.Error(d)
		}
	})
	t.Run("inside a form XObject", func(t *testing.T) {
		im := grayImage(scan)
		p := decodeOne(t, "form.pdf", buildPDF(pdfPage{
			objects: []pdfObject{
				{body: "/Type /XObject /Subtype /Image " + im.dict, stream: im.data},
				{body: "/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Matrix [1 0 0 1 0 0] /Resources << /XObject << /Scan @0 >> >>", stream: []byte("/Scan Do")},
			},
			resources: "<< /XObject << /Fm0 @1 >> >>",
			content:   "q 20 0 0 15 0 0 cm /Fm0 Do Q",
			mediaBox:  "0 0 20 15",
		}))
		if d := sameGray(p.Image, scan, 0); d != "" {
			t.Error(d)
		}
		if p.DPI != 144 {
			t.Errorf("DPI %v, want 144", p.DPI)
		}
	})
	t.Run("inline image data is skipped", func(t *testing.T) {
		// The inline image's bytes spell a Do of the bigger image and an
		// unbalanced parenthesis; neither may confuse the scanner.
		p := decodeOne(t, "inline.pdf", buildPDF(pdfPage{
			images:   []pdfImage{withName(grayImage(scan), "Scan"), withName(grayImage(bigger), "Other")},
			content:  "BI /W 4 /H 2 /BPC 8 /CS /G ID (x /Other Do\x00\xff EI q 40 0 0 30 0 0 cm /Scan Do Q",
			mediaBox: "0 0 40 30",
		}))
		if d := sameGray(p.Image, scan, 0); d != "" {
			t.Error(d)
		}
	})
	t.Run("nothing drawn: the largest listed", func(t *testing.T) {
		p := decodeOne(t, "undrawn.pdf", buildPDF(pdfPage{
			images:   []pdfImage{withName(grayImage(scan), "A"), withName(grayImage(bigger), "B")},
			content:  "% no drawing operators",
			mediaBox: "0 0 60 50",
		}))
		if d := sameGray(p.Image, bigger, 0); d != "" {
			t.Error(d)
		}
	})
}

func withName(im pdfImage, name string) pdfImage {
	im.name = name
	return im
}

func copyGray(m image.Image) *image.Gray {
	b := m.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			g.Set(x, y, m.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return g
}

// TestProjectPDFs decodes what internal/pdfout writes for each kind of page.
func TestProjectPDFs(t *testing.T) {
	gray := noise(60, 84, 51)
	bilevel := formImage(60, 84)
	jpg := encodeJPEG(t, gray, 90)
	var b bytes.Buffer
	mm := func(px int) float64 { return float64(px) / 200 * 25.4 }
	err := pdfout.Write(&b, []pdfout.Page{
		{JPEG: jpg, WidthMM: mm(60), HeightMM: mm(84)},
		{Image: gray, WidthMM: mm(60), HeightMM: mm(84)},
		{Image: bilevel, WidthMM: mm(60), HeightMM: mm(84)},
	})
	if err != nil {
		t.Fatal(err)
	}
	pages := decodeOK(t, "project.pdf", b.Bytes())
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3", len(pages))
	}
	jpegGray := decodeOne(t, "page.jpg", jpg) // the same JPEG, not in a PDF
	for i, want := range []struct {
		img    *image.Gray
		source string
	}{{jpegGray.Image, "pdf/jpeg"}, {gray, "pdf/flate"}, {bilevel, "pdf/flate"}} {
		p := pages[i]
		if p.Number != i+1 || p.Source != want.source || p.DPI != 200 {
			t.Errorf("page %d: number %d, source %q, DPI %v; want %d, %q, 200", i+1, p.Number, p.Source, p.DPI, i+1, want.source)
		}
		if d := sameGray(p.Image, want.img, 0); d != "" {
			t.Errorf("page %d: %s", i+1, d)
		}
	}
}

// TestPDFObjectStreams reads a PDF 1.5 file whose objects and cross-
// reference table are themselves compressed streams, as most current
// scanners and PDF tools write.
func TestPDFObjectStreams(t *testing.T) {
	g := noise(30, 20, 81)
	conf := &model.Configuration{
		Version:           model.VersionStr,
		Reader15:          true,
		ValidationMode:    model.ValidationRelaxed,
		Eol:               types.EolLF,
		WriteObjectStream: true,
		WriteXRefStream:   true,
		Offline:           true,
		Limits:            model.DefaultResourceLimits(),
	}
	var b bytes.Buffer
	if err := api.Optimize(bytes.NewReader(goodPDF(t, g, g)), &b, conf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte("/ObjStm")) {
		t.Fatal("pdfcpu wrote no object stream; the test tests nothing")
	}
	pages := decodeOK(t, "objstm.pdf", b.Bytes())
	if len(pages) != 2 {
		t.Fatalf("%d pages, want 2", len(pages))
	}
	for _, p := range pages {
		if d := sameGray(p.Image, g, 0); d != "" {
			t.Error(d)
		}
	}
}
