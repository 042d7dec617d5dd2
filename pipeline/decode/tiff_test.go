package decode_test

import (
	"context"
	"encoding/binary"
	"image"
	"os"
	"path/filepath"
	"testing"

	"shinsei/internal/faxtiff"
	"shinsei/pipeline/decode"
)

func TestMultiPageTIFF(t *testing.T) {
	p1, p2, p3 := noise(20, 30, 61), formImage(64, 40), noise(33, 17, 63)
	data := writeTIFF([]tiffPage{
		{img: p1, dpi: 300},
		{img: noise(5, 7, 99), thumbnail: true}, // a preview, not a page
		{img: p2, bilevel: true, dpi: 200},
		{img: p3, dpi: 600},
	})
	pages := decodeOK(t, "batch.tif", data)
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3 (the thumbnail is not a page)", len(pages))
	}
	for i, want := range []struct {
		img *image.Gray
		dpi float64
	}{{p1, 300}, {p2, 200}, {p3, 600}} {
		p := pages[i]
		if p.Number != i+1 || p.Source != "tiff" || p.DPI != want.dpi {
			t.Errorf("page %d: number %d, source %q, DPI %v", i+1, p.Number, p.Source, p.DPI)
		}
		if d := sameGray(p.Image, want.img, 0); d != "" {
			t.Errorf("page %d: %s", i+1, d)
		}
	}
}

func TestFaxTIFF(t *testing.T) {
	img := formImage(200, 60)
	for _, tc := range []struct {
		name string
		comp uint16
		data []byte
	}{
		{"G4", 4, encodeG4(img, false)},
		{"G3", 3, encodeG3(img)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeOne(t, "fax.tif", writeTIFF([]tiffPage{{img: img, compression: tc.comp, data: tc.data}}))
			if d := sameGray(p.Image, img, 0); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestTIFFBrokenChain(t *testing.T) {
	p1 := noise(10, 10, 71)
	data := writeTIFF([]tiffPage{{img: p1}, {img: noise(10, 10, 72)}})
	// Point page 1's "next directory" past the end of the file, as a copy
	// cut short after the first page would.
	le := binary.LittleEndian
	first := le.Uint32(data[4:])
	n := le.Uint16(data[first:])
	le.PutUint32(data[int(first)+2+12*int(n):], uint32(len(data)+100))
	rs, err := decode.Decode(context.Background(), "cut.tif", data, decode.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Err != nil {
		t.Fatalf("results %+v, want page 1 and a failed page 2", rs)
	}
	if d := sameGray(rs[0].Image, p1, 0); d != "" {
		t.Error(d)
	}
	checkError(t, rs[1].Err, decode.ErrTruncated,
		"cut.tif page 2: the TIFF file is cut short (a page is missing its data) — copy the file from the scanner again, or scan the form again", "cut.tif", 2)
}

func TestTIFFTooManyPages(t *testing.T) {
	var pages []tiffPage
	for range 4 {
		pages = append(pages, tiffPage{img: noise(4, 4, 1)})
	}
	_, err := decode.Decode(context.Background(), "thick.tif", writeTIFF(pages), decode.Limits{MaxPages: 3})
	checkError(t, err, decode.ErrTooLarge, "thick.tif: the file has more than 3 pages — split the file into smaller files", "thick.tif", 0)
}

// Our form saved as a bilevel TIFF every way office scanners save one —
// uncompressed, Group 3 and Group 4, "white is zero" and "black is zero"
// — by libtiff's own tools, reads as the same page (issue 15, point 1:
// fax-compressed pages saved black-is-zero came out as negatives).
func TestFaxTIFFPhotometric(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "corpus", "clean", "0000-application.png"))
	if err != nil {
		t.Fatal(err)
	}
	page := faxtiff.Bilevel(decodeOne(t, "0000-application.png", data).Image)
	dir := t.TempDir()
	for _, v := range faxtiff.Variants() {
		t.Run(v.String(), func(t *testing.T) {
			tif, err := faxtiff.Write(context.Background(), dir, page, 300, v)
			if err != nil {
				t.Fatal(err)
			}
			p := decodeOne(t, v.String()+".tif", tif)
			if p.DPI != 300 {
				t.Errorf("DPI %v, want 300", p.DPI)
			}
			if d := sameGray(p.Image, page, 0); d != "" {
				t.Error(d)
			}
		})
	}
}
