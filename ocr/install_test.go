package ocr_test

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"testing"

	"github.com/otiai10/gosseract/v2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"shinsei/ocr"
)

// The setup script installs Tesseract 5 with the languages shinsei needs.
func TestInstall(t *testing.T) {
	if err := ocr.CheckInstall(); err != nil {
		t.Fatal(err)
	}
	if v := ocr.Version(); !strings.HasPrefix(v, "5.") {
		t.Errorf("Tesseract %q, want 5.x", v)
	}
}

// The linked library really reads: a line of digits drawn at 300 dpi comes
// back as those digits. This is the installation's test, not the reader's
// (that is in the OCR pool's tests).
func TestTesseractReadsDigits(t *testing.T) {
	const want = "0312345678"
	img := drawLine(t, want)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	c := gosseract.NewClient()
	defer c.Close()
	if err := c.SetLanguage("eng"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetWhitelist("0123456789"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetVariable("tessedit_pageseg_mode", "7"); err != nil { // one line
		t.Fatal(err)
	}
	if err := c.SetImageFromBytes(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	got, err := c.Text()
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(got) != want {
		t.Errorf("Tesseract read %q, want %q", got, want)
	}
}

func drawLine(t *testing.T, text string) *image.Gray {
	t.Helper()
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 14, DPI: 300, Hinting: font.HintingFull})
	if err != nil {
		t.Fatal(err)
	}
	defer face.Close()
	img := image.NewGray(image.Rect(0, 0, 900, 120))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: face, Dot: fixed.P(40, 85)}
	d.DrawString(text)
	return img
}
