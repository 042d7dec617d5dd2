package ocr_test

import (
	"image"
	"image/draw"
	"strconv"
	"testing"

	"github.com/otiai10/gosseract/v2"
)

// pgm encodes img as binary PGM (P5), the way zones reached Tesseract before
// SetImageFromGray: Leptonica's reader of it is the reference.
func pgm(img *image.Gray) []byte {
	b := img.Bounds()
	out := []byte("P5\n" + strconv.Itoa(b.Dx()) + " " + strconv.Itoa(b.Dy()) + "\n255\n")
	for y := b.Min.Y; y < b.Max.Y; y++ {
		i := img.PixOffset(b.Min.X, y)
		out = append(out, img.Pix[i:i+b.Dx()]...)
	}
	return out
}

// A zone handed to Tesseract as grey rows is the image its PGM was: the same
// hOCR, word for word and box for box, for a zone cut out of a larger page
// (its own origin and a stride wider than it) and for a whole image.
func TestGrayHandoffReadsAsPGM(t *testing.T) {
	line := render(t, "東京都港区芝公園1丁目2番3号", 5)
	page := image.NewGray(image.Rect(0, 0, line.Bounds().Dx()+173, line.Bounds().Dy()+91))
	for i := range page.Pix {
		page.Pix[i] = byte(i * 7) // not white: a wrong stride or origin reads it
	}
	at := image.Rect(61, 29, 61+line.Bounds().Dx(), 29+line.Bounds().Dy())
	draw.Draw(page, at, line, image.Point{}, draw.Src)
	hocr := func(t *testing.T, img *image.Gray, set func(*gosseract.Client) error) string {
		t.Helper()
		c := gosseract.NewClient()
		defer c.Close()
		if err := c.SetLanguage("jpn"); err != nil {
			t.Fatal(err)
		}
		c.SetVariable("user_defined_dpi", "300")
		c.SetVariable("hocr_char_boxes", "1")
		c.SetVariable("tessedit_pageseg_mode", "7")
		if err := set(c); err != nil {
			t.Fatal(err)
		}
		out, err := c.HOCRText()
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		img  *image.Gray
	}{
		{"zone of a page", page.SubImage(at).(*image.Gray)},
		{"whole image", line},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.img.Bounds()
			want := hocr(t, tc.img, func(c *gosseract.Client) error { return c.SetImageFromBytes(pgm(tc.img)) })
			got := hocr(t, tc.img, func(c *gosseract.Client) error {
				return c.SetImageFromGray(tc.img.Pix[tc.img.PixOffset(b.Min.X, b.Min.Y):], b.Dx(), b.Dy(), tc.img.Stride)
			})
			if got != want {
				t.Errorf("grey rows read as\n%s\nPGM as\n%s", got, want)
			}
			if len(want) < 500 {
				t.Errorf("the reference read little: %q", want)
			}
		})
	}
}

// Rows that do not fit the bytes given are refused, not read past.
func TestGrayHandoffRefusesShortRows(t *testing.T) {
	c := gosseract.NewClient()
	defer c.Close()
	for _, tc := range []struct {
		name            string
		n, w, h, stride int
	}{
		{"too few bytes", 99, 10, 10, 10},
		{"stride under width", 100, 10, 10, 9},
		{"no width", 100, 0, 10, 10},
	} {
		if err := c.SetImageFromGray(make([]byte, tc.n), tc.w, tc.h, tc.stride); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	if err := c.SetImageFromGray(make([]byte, 95), 5, 10, 10); err != nil {
		t.Errorf("the last row needs only its width: %v", err)
	}
}
