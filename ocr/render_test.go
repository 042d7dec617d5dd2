package ocr_test

import (
	"image"
	"image/color"
	"image/draw"
	"math/rand/v2"
	"os"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

const dpi = 300

// px converts millimetres to pixels at the test resolution.
func px(mm float64) int { return int(mm / 25.4 * dpi) }

// render draws text in IPAex Gothic (the face shinsei prints forms with),
// black on white at 300 dpi, characters mm millimetres tall, with 3 mm of
// white around them, as a form field looks once cut out.
func render(tb testing.TB, text string, mm float64) *image.Gray {
	tb.Helper()
	data, err := os.ReadFile("../templates/fonts/ipaexg.ttf")
	if err != nil {
		tb.Fatal(err)
	}
	f, err := opentype.Parse(data)
	if err != nil {
		tb.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: mm / 25.4 * 72, DPI: dpi, Hinting: font.HintingNone})
	if err != nil {
		tb.Fatal(err)
	}
	defer face.Close()
	pad := px(3)
	m := face.Metrics()
	w := font.MeasureString(face, text).Ceil()
	img := image.NewGray(image.Rect(0, 0, w+2*pad, (m.Ascent+m.Descent).Ceil()+2*pad))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.Black, Face: face, Dot: fixed.P(pad, pad+m.Ascent.Ceil())}
	d.DrawString(text)
	return img
}

// stack puts images one above the other, left-aligned, on white.
func stack(imgs ...*image.Gray) *image.Gray {
	var w, h int
	for _, m := range imgs {
		w, h = max(w, m.Bounds().Dx()), h+m.Bounds().Dy()
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	y := 0
	for _, m := range imgs {
		draw.Draw(out, m.Bounds().Sub(m.Bounds().Min).Add(image.Pt(0, y)), m, m.Bounds().Min, draw.Src)
		y += m.Bounds().Dy()
	}
	return out
}

// garble flips a fraction of the pixels, deterministically: a bad scan.
func garble(img *image.Gray, fraction float64) *image.Gray {
	out := image.NewGray(img.Bounds())
	copy(out.Pix, img.Pix)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range out.Pix {
		if r.Float64() < fraction {
			out.Pix[i] = 255 - out.Pix[i]
		}
	}
	return out
}

// uniform is an image of one grey level.
func uniform(w, h int, level uint8) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.Gray{level}), image.Point{}, draw.Src)
	return img
}
