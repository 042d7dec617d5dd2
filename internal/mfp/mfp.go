// Package mfp saves a page image the ways office multifunction printers
// save scans, for tests: layered "compact" PDF (MRC, 高圧縮PDF) with a
// masked foreground, PDF with a JPEG 2000 image, and CMYK JPEG stored as
// Adobe YCCK. Each is a file shinsei must read as it reads the PNG of the
// same page.
package mfp

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/jpeg"
	"slices"
	"strings"
)

// pdfDoc is a one-page PDF under construction.
type pdfDoc struct {
	objs [][]byte
}

// add appends an object; a non-nil stream makes body a stream dictionary's
// entries. It returns the object's number.
func (d *pdfDoc) add(body string, stream []byte) int {
	var b bytes.Buffer
	if stream != nil {
		fmt.Fprintf(&b, "<< %s /Length %d >>\nstream\n", body, len(stream))
		b.Write(stream)
		b.WriteString("\nendstream")
	} else {
		b.WriteString(body)
	}
	d.objs = append(d.objs, b.Bytes())
	return len(d.objs)
}

// page finishes the document: one page of w×h points drawing content
// with the given XObjects (name → object number).
func (d *pdfDoc) page(wPt, hPt float64, content string, xobjs map[string]int) []byte {
	var names []string
	for n := range xobjs {
		names = append(names, n)
	}
	slices.Sort(names)
	var res strings.Builder
	for _, n := range names {
		fmt.Fprintf(&res, "/%s %d 0 R ", n, xobjs[n])
	}
	c := d.add("", []byte(content))
	pagesNr := len(d.objs) + 2
	pg := d.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.3f %.3f] /Resources << /XObject << %s>> >> /Contents %d 0 R >>",
		pagesNr, wPt, hPt, res.String(), c), nil)
	d.add(fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", pg), nil)
	root := d.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesNr), nil)

	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(d.objs))
	for i, o := range d.objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(d.objs)+1)
	for _, off := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(d.objs)+1, root, xref)
	return b.Bytes()
}

func pagePoints(w, h int, dpi float64) (float64, float64) {
	return float64(w) * 72 / dpi, float64(h) * 72 / dpi
}

// fullPage is the content stream that draws XObject name over the page.
func fullPage(name string, wPt, hPt float64) string {
	return fmt.Sprintf("q %.3f 0 0 %.3f 0 0 cm /%s Do Q\n", wPt, hPt, name)
}

func zlibBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// rows returns g's pixels without stride padding.
func rows(g *image.Gray) []byte {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := make([]byte, 0, w*h)
	for y := range h {
		off := g.PixOffset(g.Rect.Min.X, g.Rect.Min.Y+y)
		out = append(out, g.Pix[off:off+w]...)
	}
	return out
}

// bits packs a w×h bilevel map (true = 1) into rows of whole bytes.
func bits(w, h int, one func(x, y int) bool) []byte {
	stride := (w + 7) / 8
	out := make([]byte, stride*h)
	for y := range h {
		for x := range w {
			if one(x, y) {
				out[y*stride+x/8] |= 0x80 >> (x % 8)
			}
		}
	}
	return out
}

func encodeJPEG(img image.Image, quality int) ([]byte, error) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
