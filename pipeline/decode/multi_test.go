package decode_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"testing"

	"golang.org/x/image/bmp"

	"shinsei/forms"
	"shinsei/pipeline/decode"
	"shinsei/templates"
)

// renderForm renders a blank form at a low resolution: a real page with
// marks and print, small enough to encode quickly.
func renderForm(t *testing.T, id string) *image.Gray {
	t.Helper()
	r, err := templates.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	tp, err := templates.Builtin().Get(id, 0)
	if err != nil {
		t.Fatal(err)
	}
	g, err := r.Render(tp, templates.Values{}, 60)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

var grays = func() color.Palette {
	p := make(color.Palette, 256)
	for i := range p {
		p[i] = color.Gray{Y: uint8(i)}
	}
	return p
}()

// paletted turns a gray image into a GIF frame placed at at.
func paletted(g *image.Gray, at image.Point) *image.Paletted {
	r := g.Rect.Sub(g.Rect.Min).Add(at)
	p := image.NewPaletted(r, grays)
	for y := 0; y < g.Rect.Dy(); y++ {
		copy(p.Pix[y*p.Stride:], g.Pix[y*g.Stride:y*g.Stride+g.Rect.Dx()])
	}
	return p
}

func encodeGIF(t *testing.T, w, h int, frames ...*image.Paletted) []byte {
	t.Helper()
	var b bytes.Buffer
	a := &gif.GIF{Image: frames, Delay: make([]int, len(frames)), Config: image.Config{ColorModel: grays, Width: w, Height: h}}
	if err := gif.EncodeAll(&b, a); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// twoFormGIF is the file of issue 14: an application in frame 1 and an
// answer sheet (where PINs are written) in frame 2, which a viewer and
// image.Decode never show.
func twoFormGIF(t *testing.T) (data []byte, app, answer *image.Gray) {
	app, answer = renderForm(t, forms.TemplateApplication), renderForm(t, forms.TemplateAnswer)
	w, h := max(app.Rect.Dx(), answer.Rect.Dx()), max(app.Rect.Dy(), answer.Rect.Dy())
	return encodeGIF(t, w, h, paletted(app, image.Point{}), paletted(answer, image.Point{})), app, answer
}

// Every frame of a GIF is read as a page, each drawn alone on a white
// logical screen, so a second frame cannot pass unread.
func TestGIFFramesArePages(t *testing.T) {
	data, app, answer := twoFormGIF(t)
	pages := decodeOK(t, "scan.gif", data)
	if len(pages) != 2 {
		t.Fatalf("%d pages, want 2: frame 2 (the answer sheet) must be read too", len(pages))
	}
	for i, want := range []*image.Gray{app, answer} {
		if pages[i].Number != i+1 || pages[i].Source != "gif" {
			t.Errorf("page %d: number %d, source %q", i+1, pages[i].Number, pages[i].Source)
		}
		if d := sameGray(pages[i].Image, want, 0); d != "" {
			t.Errorf("page %d: %s", i+1, d)
		}
	}

	// A frame smaller than the screen (as animation tools write them) is
	// placed where it belongs, over white.
	small := noise(7, 5, 3)
	data = encodeGIF(t, 20, 10, paletted(noise(20, 10, 2), image.Point{}), paletted(small, image.Pt(9, 4)))
	pages = decodeOK(t, "anim.gif", data)
	if len(pages) != 2 {
		t.Fatalf("%d pages, want 2", len(pages))
	}
	want := image.NewGray(image.Rect(0, 0, 20, 10))
	for i := range want.Pix {
		want.Pix[i] = 0xff
	}
	for y := 0; y < 5; y++ {
		copy(want.Pix[want.PixOffset(9, 4+y):], small.Pix[y*small.Stride:y*small.Stride+7])
	}
	if d := sameGray(pages[1].Image, want, 0); d != "" {
		t.Errorf("partial frame: %s", d)
	}
}

func TestGIFLimits(t *testing.T) {
	f := paletted(noise(4, 4, 1), image.Point{})
	_, err := decode.Decode(context.Background(), "anim.gif", encodeGIF(t, 4, 4, f, f, f, f), decode.Limits{MaxPages: 3})
	checkError(t, err, decode.ErrTooLarge, "anim.gif: the file has more than 3 pages — split the file into smaller files", "anim.gif", 0)

	// Cut inside frame 2: frame 1 is a page, and the break is said.
	data, _, _ := twoFormGIF(t)
	rs, err := decode.Decode(context.Background(), "cut.gif", data[:len(data)-200], decode.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Err != nil || rs[1].Err == nil {
		t.Fatalf("got %d results, want page 1 and a failed page 2", len(rs))
	}
	checkError(t, rs[1].Err, decode.ErrTruncated, "cut.gif page 2: the GIF image is cut short (the file is incomplete) — copy the file from the scanner again, or scan the form again", "cut.gif", 2)
}

// pngChunk appends one PNG chunk with its CRC.
func pngChunk(b []byte, typ string, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	c := append([]byte(typ), data...)
	b = append(b, c...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(c))
}

// apng turns a still PNG into an APNG of two frames: the default image,
// then a second frame carried in fdAT chunks, which image/png ignores.
func apng(t *testing.T, first, second *image.Gray) []byte {
	still, hidden := encodePNG(t, first), encodePNG(t, second)
	idat := func(p []byte) []byte { // the zlib stream of a PNG's one IDAT
		for off := 8; off+12 <= len(p); {
			n := int(binary.BigEndian.Uint32(p[off:]))
			if string(p[off+4:off+8]) == "IDAT" {
				return p[off+8 : off+8+n]
			}
			off += 12 + n
		}
		t.Fatal("no IDAT")
		return nil
	}
	ihdrEnd := 8 + 12 + 13
	out := append([]byte{}, still[:ihdrEnd]...)
	out = pngChunk(out, "acTL", []byte{0, 0, 0, 2, 0, 0, 0, 0})
	fctl := func(seq uint32, g *image.Gray) []byte {
		b := binary.BigEndian.AppendUint32(nil, seq)
		b = binary.BigEndian.AppendUint32(b, uint32(g.Rect.Dx()))
		b = binary.BigEndian.AppendUint32(b, uint32(g.Rect.Dy()))
		return append(b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 100, 0, 0)
	}
	out = pngChunk(out, "fcTL", fctl(0, first))
	out = pngChunk(out, "IDAT", idat(still))
	out = pngChunk(out, "fcTL", fctl(1, second))
	out = pngChunk(out, "fdAT", append(binary.BigEndian.AppendUint32(nil, 2), idat(hidden)...))
	return pngChunk(out, "IEND", nil)
}

// A PNG or JPEG that holds a second picture image.Decode would not show
// (APNG frames; pictures after a JPEG's end, as MPO and HDR photos carry
// them) is refused: reading only the first would pass it as one page.
func TestHiddenImagesRefused(t *testing.T) {
	app, answer := renderForm(t, forms.TemplateApplication), renderForm(t, forms.TemplateAnswer)
	for _, c := range []struct {
		name, msg string
		data      []byte
	}{
		{"scan.png", "scan.png page 1: the PNG file is animated (APNG) and holds 2 images, of which only the first could be read — save each page as its own PNG, or scan the pages to one PDF or TIFF, and send it again",
			apng(t, app, answer)},
		{"scan.jpg", "scan.jpg page 1: the JPEG file holds more than one image (a multi-picture, HDR or joined file), of which only the first could be read — save it again as an ordinary JPEG (HDR off), or scan the paper form, and send it again",
			append(encodeJPEG(t, app, 90), encodeJPEG(t, answer, 90)...)},
	} {
		t.Run(c.name, func(t *testing.T) {
			rs, err := decode.Decode(context.Background(), c.name, c.data, decode.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 {
				t.Fatalf("%d results, want 1", len(rs))
			}
			checkError(t, rs[0].Err, decode.ErrUnsupportedCodec, c.msg, c.name, 1)
			if decode.SingleImage(c.data) {
				t.Error("SingleImage = true for a file with a hidden picture")
			}
		})
	}
}

// SingleImage is what decides whether a scanned file may be kept as an
// original: true only for a file that holds the one image read and
// nothing after it.
func TestSingleImage(t *testing.T) {
	img := noise(16, 12, 5)
	pngData, jpgData := encodePNG(t, img), encodeJPEG(t, img, 90)
	var bmpBuf bytes.Buffer
	if err := bmp.Encode(&bmpBuf, img); err != nil {
		t.Fatal(err)
	}
	frame := paletted(img, image.Point{})
	twoFrames, _, _ := twoFormGIF(t)
	// An APP1 segment carrying a small JPEG, as an EXIF thumbnail does.
	thumb := encodeJPEG(t, noise(4, 4, 6), 90)
	seg := binary.BigEndian.AppendUint16([]byte{0xff, 0xe1}, uint16(2+6+len(thumb)))
	withThumb := append(append(append([]byte{0xff, 0xd8}, seg...), "Exif\x00\x00"...), thumb...)
	withThumb = append(withThumb, jpgData[2:]...)
	for _, c := range []struct {
		name string
		data []byte
		want bool
	}{
		{"png", pngData, true},
		{"png with bytes after IEND", append(append([]byte{}, pngData...), "more"...), false},
		{"apng", apng(t, img, img), false},
		{"jpeg", jpgData, true},
		{"jpeg with a thumbnail", withThumb, false},
		{"jpeg with a picture after its end", append(append([]byte{}, jpgData...), jpgData...), false},
		{"gif of one frame", encodeGIF(t, 16, 12, frame), true},
		{"gif of two frames", twoFrames, false},
		{"gif with bytes after the trailer", append(encodeGIF(t, 16, 12, frame), "x"...), false},
		{"bmp", bmpBuf.Bytes(), true},
		{"bmp longer than its header says", append(append([]byte{}, bmpBuf.Bytes()...), 0, 0, 0, 0), false},
		{"tiff", writeTIFF([]tiffPage{{img: img}}), false},
		{"pdf", buildPDF(pdfPage{images: []pdfImage{grayImage(img)}}), false},
		{"text that starts BM", []byte("BMW service invoice, not a bitmap at all"), false},
		{"empty", nil, false},
	} {
		if got := decode.SingleImage(c.data); got != c.want {
			t.Errorf("%s: SingleImage = %v, want %v", c.name, got, c.want)
		}
	}
	// Each true case above decodes to exactly one page.
	for _, d := range [][]byte{pngData, jpgData, encodeGIF(t, 16, 12, frame), bmpBuf.Bytes()} {
		if n := len(decodeOK(t, "one", d)); n != 1 {
			t.Errorf("a single image decoded to %d pages", n)
		}
	}
}
