package decode_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"strings"
	"testing"

	"shinsei/pipeline/decode"
)

// decodeOK decodes data and fails the test unless every page decoded.
func decodeOK(t testing.TB, name string, data []byte) []decode.Page {
	t.Helper()
	rs, err := decode.Decode(context.Background(), name, data, decode.Limits{})
	if err != nil {
		t.Fatalf("Decode(%s): %v", name, err)
	}
	var pages []decode.Page
	for _, r := range rs {
		if r.Err != nil {
			t.Fatalf("Decode(%s) page %d: %v (cause: %v)", name, r.Number, r.Err, cause(r.Err))
		}
		pages = append(pages, r.Page)
	}
	return pages
}

// decodeOne decodes a single-page file and returns its only page.
func decodeOne(t testing.TB, name string, data []byte) decode.Page {
	t.Helper()
	pages := decodeOK(t, name, data)
	if len(pages) != 1 {
		t.Fatalf("Decode(%s): %d pages, want 1", name, len(pages))
	}
	return pages[0]
}

func cause(err error) error {
	var e *decode.Error
	if errors.As(err, &e) {
		return e.Cause
	}
	return nil
}

// grayFrom builds a w×h gray image from rows of values.
func grayFrom(rows ...[]uint8) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, len(rows[0]), len(rows)))
	for y, r := range rows {
		copy(g.Pix[y*g.Stride:], r)
	}
	return g
}

// sameGray reports the first pixel where got and want differ by more than
// tol, or "" if none does.
func sameGray(got, want *image.Gray, tol int) string {
	w, h := want.Rect.Dx(), want.Rect.Dy()
	if got.Rect.Dx() != w || got.Rect.Dy() != h {
		return fmt.Sprintf("size %dx%d, want %dx%d", got.Rect.Dx(), got.Rect.Dy(), w, h)
	}
	for y := 0; y < h; y++ {
		g := got.Pix[got.PixOffset(got.Rect.Min.X, got.Rect.Min.Y+y):][:w]
		r := want.Pix[want.PixOffset(want.Rect.Min.X, want.Rect.Min.Y+y):][:w]
		if bytes.Equal(g, r) {
			continue
		}
		for x := range r {
			if d := int(g[x]) - int(r[x]); d > tol || -d > tol {
				return fmt.Sprintf("pixel (%d,%d) = %d, want %d", x, y, g[x], r[x])
			}
		}
	}
	return ""
}

func zlibBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// A minimal PDF writer, so that tests control every byte: the filters,
// parameters and content streams that real scanners write and that the
// project's own writer (internal/pdfout) never would.

type pdfImage struct {
	name string // resource name; "Im0" if empty
	dict string // entries after /Subtype /Image, e.g. "/Width 2 /Height 1 …"
	data []byte // the stream as stored
}

type pdfPage struct {
	images []pdfImage
	// content is the page's content stream; empty means "draw images[0]
	// over the whole MediaBox".
	content string
	// mediaBox defaults to the first image's size at 72 dpi ("0 0 w h").
	mediaBox  string
	extra     string // more page dictionary entries, e.g. "/Rotate 90"
	resources string // replaces the generated /Resources entry if set
	// objects are written before the images; "@i" in an image dictionary,
	// in resources or in a later object becomes a reference to objects[i].
	objects []pdfObject
}

type pdfObject struct {
	body   string // a dictionary's entries if stream is set, else the whole object
	stream []byte
}

type pdfWriter struct {
	objs [][]byte
}

func (w *pdfWriter) add(body string, stream []byte) int {
	var b bytes.Buffer
	if stream != nil {
		fmt.Fprintf(&b, "<< %s /Length %d >>\nstream\n", body, len(stream))
		b.Write(stream)
		b.WriteString("\nendstream")
	} else {
		b.WriteString(body)
	}
	w.objs = append(w.objs, b.Bytes())
	return len(w.objs)
}

// reserve allocates an object number to be filled in later.
func (w *pdfWriter) reserve() int {
	w.objs = append(w.objs, nil)
	return len(w.objs)
}

func (w *pdfWriter) set(n int, body string) { w.objs[n-1] = []byte(body) }

func (w *pdfWriter) bytes(root int, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(w.objs))
	for i, o := range w.objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(w.objs)+1)
	for _, off := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(w.objs)+1, root, trailer, xref)
	return b.Bytes()
}

// buildPDF writes pages as a PDF.
func buildPDF(pages ...pdfPage) []byte {
	w := &pdfWriter{}
	catalog := w.reserve()
	tree := w.reserve()
	var kids []string
	for _, p := range pages {
		// "@i" refers to objects[i]; an object may refer to earlier ones.
		var refs []string
		at := strings.NewReplacer()
		for i, o := range p.objects {
			n := w.add(at.Replace(o.body), o.stream)
			refs = append(refs, fmt.Sprintf("@%d", i), fmt.Sprintf("%d 0 R", n))
			at = strings.NewReplacer(refs...)
		}
		var xobjs []string
		for i, im := range p.images {
			name := im.name
			if name == "" {
				name = fmt.Sprintf("Im%d", i)
			}
			n := w.add(at.Replace("/Type /XObject /Subtype /Image "+im.dict), im.data)
			xobjs = append(xobjs, fmt.Sprintf("/%s %d 0 R", name, n))
		}
		mb := p.mediaBox
		if mb == "" && len(p.images) > 0 {
			var wd, ht int
			fmt.Sscanf(dictValue(p.images[0].dict, "/Width"), "%d", &wd)
			fmt.Sscanf(dictValue(p.images[0].dict, "/Height"), "%d", &ht)
			mb = fmt.Sprintf("0 0 %d %d", wd, ht)
		}
		if mb == "" {
			mb = "0 0 595 842"
		}
		content := p.content
		if content == "" && len(p.images) > 0 {
			f := strings.Fields(mb)
			name := p.images[0].name
			if name == "" {
				name = "Im0"
			}
			content = fmt.Sprintf("q %s 0 0 %s %s %s cm /%s Do Q", f[2], f[3], f[0], f[1], name)
		}
		c := w.add("", []byte(content))
		res := at.Replace(p.resources)
		if res == "" {
			res = "<< /XObject << " + strings.Join(xobjs, " ") + " >> >>"
		}
		pg := w.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [%s] /Resources %s /Contents %d 0 R %s >>", tree, mb, res, c, p.extra), nil)
		kids = append(kids, fmt.Sprintf("%d 0 R", pg))
	}
	w.set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids)))
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	return w.bytes(catalog, "")
}

// dictValue returns the token after key in a dictionary body.
func dictValue(dict, key string) string {
	f := strings.Fields(dict)
	for i := 0; i+1 < len(f); i++ {
		if f[i] == key {
			return f[i+1]
		}
	}
	return ""
}

// grayImage is an 8-bit DeviceGray Flate image of g.
func grayImage(g *image.Gray) pdfImage {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	raw := make([]byte, 0, w*h)
	for y := 0; y < h; y++ {
		raw = append(raw, g.Pix[y*g.Stride:y*g.Stride+w]...)
	}
	return pdfImage{
		dict: fmt.Sprintf("/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", w, h),
		data: zlibBytes(raw),
	}
}

// jpegImage is a DCT image of g.
func jpegImage(t testing.TB, g image.Image) pdfImage {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, g, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	cs := "/DeviceGray"
	if _, ok := g.(*image.Gray); !ok {
		cs = "/DeviceRGB"
	}
	return pdfImage{
		dict: fmt.Sprintf("/Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 /Filter /DCTDecode", g.Bounds().Dx(), g.Bounds().Dy(), cs),
		data: b.Bytes(),
	}
}

// pngWithHeader returns a PNG that claims w×h 8-bit gray pixels but holds
// only a few bytes of image data: a decompression bomb's header.
func pngWithHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		c := append([]byte(typ), data...)
		b.Write(c)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(c))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0) // 8-bit gray, deflate, no filter, no interlace
	chunk("IHDR", ihdr)
	chunk("IDAT", zlibBytes(make([]byte, 1024)))
	chunk("IEND", nil)
	return b.Bytes()
}

// tiffWithHeader is a TIFF whose one page claims w×h pixels at dpi: the
// pixel check must refuse it from the header alone.
func tiffWithHeader(w, h, dpi uint32) []byte {
	b := writeTIFF([]tiffPage{{img: noise(8, 8, 1), dpi: dpi}})
	le := binary.LittleEndian
	ifd := int(le.Uint32(b[4:]))
	for i := range int(le.Uint16(b[ifd:])) {
		e := b[ifd+2+12*i:]
		switch le.Uint16(e) {
		case 256:
			le.PutUint32(e[8:], w)
		case 257:
			le.PutUint32(e[8:], h)
		}
	}
	return b
}

// withEXIF inserts an APP1 EXIF segment holding an Orientation tag (and,
// if dpi > 0, a resolution) right after a JPEG's SOI marker.
func withEXIF(jpg []byte, orientation uint16, dpi uint32) []byte {
	le := binary.LittleEndian
	t := []byte("II*\x00")
	t = le.AppendUint32(t, 8)
	n := uint16(1)
	if dpi > 0 {
		n = 4
	}
	t = le.AppendUint16(t, n)
	entry := func(tag, typ uint16, count, value uint32) {
		t = le.AppendUint16(t, tag)
		t = le.AppendUint16(t, typ)
		t = le.AppendUint32(t, count)
		t = le.AppendUint32(t, value)
	}
	ratOff := uint32(8 + 2 + 12*int(n) + 4)
	entry(274, 3, 1, uint32(orientation))
	if dpi > 0 {
		entry(282, 5, 1, ratOff)
		entry(283, 5, 1, ratOff+8)
		entry(296, 3, 1, 2)
	}
	t = le.AppendUint32(t, 0) // no next directory
	if dpi > 0 {
		for range 2 {
			t = le.AppendUint32(t, dpi)
			t = le.AppendUint32(t, 1)
		}
	}
	seg := append([]byte("Exif\x00\x00"), t...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, 0xff, 0xe1, byte((len(seg)+2)>>8), byte(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// tiffPage is one directory for writeTIFF: 8-bit gray (or 1-bit
// WhiteIsZero when bilevel) stored uncompressed, or data already
// compressed with the given TIFF compression code.
type tiffPage struct {
	img         *image.Gray
	bilevel     bool
	compression uint16 // 1 (none) if zero
	data        []byte // pre-compressed strip, for compression != 1
	orientation uint16
	dpi         uint32
	thumbnail   bool // NewSubfileType 1: a reduced-resolution copy
}

// writeTIFF writes a multi-page little-endian TIFF.
func writeTIFF(pages []tiffPage) []byte {
	le := binary.LittleEndian
	var b []byte
	b = append(b, "II*\x00\x00\x00\x00\x00"...)
	nextPtr := 4 // where the previous directory's "next" offset goes
	for _, p := range pages {
		w, h := p.img.Rect.Dx(), p.img.Rect.Dy()
		data := p.data
		comp := p.compression
		if comp == 0 {
			comp = 1
		}
		photometric, bps := uint32(1), uint32(8)
		if p.bilevel || comp == 3 || comp == 4 {
			photometric, bps = 0, 1
		}
		if data == nil {
			if bps == 8 {
				for y := 0; y < h; y++ {
					data = append(data, p.img.Pix[y*p.img.Stride:y*p.img.Stride+w]...)
				}
			} else {
				stride := (w + 7) / 8
				data = make([]byte, stride*h)
				for y := 0; y < h; y++ {
					for x := 0; x < w; x++ {
						if p.img.Pix[y*p.img.Stride+x] < 128 { // black is 1 in WhiteIsZero
							data[y*stride+x/8] |= 0x80 >> (x % 8)
						}
					}
				}
			}
		}
		for len(b)%2 != 0 {
			b = append(b, 0)
		}
		dataOff := len(b)
		b = append(b, data...)
		for len(b)%2 != 0 {
			b = append(b, 0)
		}
		resOff := len(b)
		dpi := p.dpi
		if dpi == 0 {
			dpi = 72
		}
		b = le.AppendUint32(b, dpi)
		b = le.AppendUint32(b, 1)
		ifdOff := len(b)
		le.PutUint32(b[nextPtr:], uint32(ifdOff))
		type ent struct {
			tag, typ uint16
			val      uint32
		}
		subfile := uint32(0)
		if p.thumbnail {
			subfile = 1
		}
		ents := []ent{
			{254, 4, subfile},
			{256, 4, uint32(w)},
			{257, 4, uint32(h)},
			{258, 3, bps},
			{259, 3, uint32(comp)},
			{262, 3, photometric},
			{273, 4, uint32(dataOff)},
		}
		if p.orientation != 0 {
			ents = append(ents, ent{274, 3, uint32(p.orientation)})
		}
		ents = append(ents,
			ent{277, 3, 1},
			ent{278, 4, uint32(h)},
			ent{279, 4, uint32(len(data))},
			ent{282, 5, uint32(resOff)},
			ent{283, 5, uint32(resOff)},
			ent{296, 3, 2},
		)
		b = le.AppendUint16(b, uint16(len(ents)))
		for _, e := range ents {
			b = le.AppendUint16(b, e.tag)
			b = le.AppendUint16(b, e.typ)
			b = le.AppendUint32(b, 1)
			if e.typ == 3 {
				b = le.AppendUint16(b, uint16(e.val))
				b = le.AppendUint16(b, 0)
			} else {
				b = le.AppendUint32(b, e.val)
			}
		}
		nextPtr = len(b)
		b = le.AppendUint32(b, 0)
	}
	return b
}
