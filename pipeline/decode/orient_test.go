package decode_test

import (
	"fmt"
	"image"
	"testing"
)

// blocks is a 3×2 grid of flat 16×16 blocks with distinct grays, so that
// every turn and flip is told apart even through JPEG.
func blocks() *image.Gray {
	vals := [2][3]uint8{{0, 50, 100}, {150, 200, 250}}
	g := image.NewGray(image.Rect(0, 0, 48, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 48; x++ {
			g.Pix[y*48+x] = vals[y/16][x/16]
		}
	}
	return g
}

// turned returns src as a viewer shows it under EXIF orientation o,
// written out case by case from the EXIF specification's pictures.
func turned(src *image.Gray, o int) *image.Gray {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	at := func(x, y int) uint8 { return src.Pix[y*src.Stride+x] }
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewGray(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var v uint8
			switch o {
			case 1:
				v = at(x, y)
			case 2: // mirrored left-right
				v = at(w-1-x, y)
			case 3: // upside down
				v = at(w-1-x, h-1-y)
			case 4: // mirrored top-bottom
				v = at(x, h-1-y)
			case 5: // transposed
				v = at(y, x)
			case 6: // stored turned 90° anticlockwise: turn clockwise
				v = at(y, h-1-x)
			case 7: // transversed
				v = at(w-1-y, h-1-x)
			case 8: // stored turned clockwise: turn anticlockwise
				v = at(w-1-y, x)
			}
			dst.Pix[y*dw+x] = v
		}
	}
	return dst
}

// blockCentres compares the centres of the 16×16 blocks only, where JPEG
// is exact to a level or two.
func blockCentres(got, want *image.Gray) string {
	if got.Rect.Dx() != want.Rect.Dx() || got.Rect.Dy() != want.Rect.Dy() {
		return fmt.Sprintf("size %v, want %v", got.Rect.Size(), want.Rect.Size())
	}
	for y := 8; y < want.Rect.Dy(); y += 16 {
		for x := 8; x < want.Rect.Dx(); x += 16 {
			g, w := int(got.GrayAt(x, y).Y), int(want.GrayAt(x, y).Y)
			if g-w > 4 || w-g > 4 {
				return fmt.Sprintf("block at (%d,%d) = %d, want %d", x, y, g, w)
			}
		}
	}
	return ""
}

func TestEXIFOrientation(t *testing.T) {
	src := blocks()
	plain := encodeJPEG(t, src, 100)
	for o := 1; o <= 8; o++ {
		t.Run(fmt.Sprint(o), func(t *testing.T) {
			p := decodeOne(t, "photo.jpg", withEXIF(plain, uint16(o), 0))
			if d := blockCentres(p.Image, turned(src, o)); d != "" {
				t.Error(d)
			}
		})
	}
	t.Run("6 turns a portrait photo of a landscape form", func(t *testing.T) {
		p := decodeOne(t, "photo.jpg", withEXIF(plain, 6, 0))
		// Stored 48×32; shown 32×48 with the stored top row on the right.
		if p.Image.Rect.Dx() != 32 || p.Image.Rect.Dy() != 48 {
			t.Fatalf("size %v, want 32×48", p.Image.Rect.Size())
		}
		if v := p.Image.GrayAt(28, 4).Y; v > 4 {
			t.Errorf("top right = %d, want the stored top-left block (0)", v)
		}
		if v := p.Image.GrayAt(4, 44).Y; v < 246 {
			t.Errorf("bottom left = %d, want the stored bottom-right block (250)", v)
		}
	})
	t.Run("3 turns it upside down", func(t *testing.T) {
		p := decodeOne(t, "photo.jpg", withEXIF(plain, 3, 0))
		if v := p.Image.GrayAt(4, 4).Y; v < 246 {
			t.Errorf("top left = %d, want the stored bottom-right block (250)", v)
		}
	})
	t.Run("resolution from EXIF", func(t *testing.T) {
		if p := decodeOne(t, "photo.jpg", withEXIF(plain, 1, 400)); p.DPI != 400 {
			t.Errorf("DPI %v, want 400", p.DPI)
		}
		if p := decodeOne(t, "photo.jpg", plain); p.DPI != 0 {
			t.Errorf("DPI %v without metadata, want 0", p.DPI)
		}
	})
}

func TestTIFFOrientation(t *testing.T) {
	src := blocks()
	p := decodeOne(t, "turned.tif", writeTIFF([]tiffPage{{img: src, orientation: 8}}))
	if d := sameGray(p.Image, turned(src, 8), 0); d != "" {
		t.Error(d)
	}
}

func TestPDFRotation(t *testing.T) {
	src := blocks()
	im := grayImage(src)
	for _, tc := range []struct {
		name    string
		content string
		extra   string
		want    *image.Gray
		dpi     float64
	}{
		{"upright", "q 48 0 0 32 0 0 cm /Im0 Do Q", "", src, 72},
		{"/Rotate 90", "q 48 0 0 32 0 0 cm /Im0 Do Q", "/Rotate 90", turned(src, 6), 72},
		{"/Rotate 180", "q 48 0 0 32 0 0 cm /Im0 Do Q", "/Rotate 180", turned(src, 3), 72},
		{"/Rotate -90", "q 48 0 0 32 0 0 cm /Im0 Do Q", "/Rotate -90", turned(src, 8), 72},
		{"drawn upside down", "q -48 0 0 -32 48 32 cm /Im0 Do Q", "", turned(src, 3), 72},
		{"drawn flipped", "q 48 0 0 -32 0 32 cm /Im0 Do Q", "", turned(src, 4), 72},
		{"drawn turned anticlockwise", "q 0 48 -32 0 32 0 cm /Im0 Do Q", "", turned(src, 8), 72},
		{"drawn turned, page turned back", "q 0 48 -32 0 32 0 cm /Im0 Do Q", "/Rotate 90", src, 72},
		{"drawn at half size", "q 24 0 0 16 0 0 cm /Im0 Do Q", "", src, 144},
		{"scaled in two steps", "q 0.5 0 0 0.5 0 0 cm q 48 0 0 32 0 0 cm /Im0 Do Q Q", "", src, 144},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeOne(t, "rot.pdf", buildPDF(pdfPage{images: []pdfImage{im}, content: tc.content, extra: tc.extra, mediaBox: "0 0 48 48"}))
			if d := sameGray(p.Image, tc.want, 0); d != "" {
				t.Error(d)
			}
			if p.DPI != tc.dpi {
				t.Errorf("DPI %v, want %v", p.DPI, tc.dpi)
			}
		})
	}
}
