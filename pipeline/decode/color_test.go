package decode_test

import (
	"bytes"
	"compress/lzw"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"shinsei/pipeline/decode"
)

// wantGray is the reference conversion: composite over white, then
// color.GrayModel, pixel by pixel through the generic interfaces.
func wantGray(img image.Image) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			r, gg, bb, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			w := 0xffff - a
			g.SetGray(x, y, color.GrayModel.Convert(color.RGBA64{uint16(r + w), uint16(gg + w), uint16(bb + w), 0xffff}).(color.Gray))
		}
	}
	return g
}

// swatch is a set of colours every model is tested with: gray ramps,
// primaries, and the same again half and fully transparent.
func swatch() []color.NRGBA64 {
	var cs []color.NRGBA64
	for _, a := range []uint16{0xffff, 0x8000, 0x2000, 0} {
		for _, c := range [][3]uint16{
			{0, 0, 0}, {0xffff, 0xffff, 0xffff}, {0x4000, 0x4000, 0x4000}, {0xc0c0, 0xc0c0, 0xc0c0},
			{0xffff, 0, 0}, {0, 0xffff, 0}, {0, 0, 0xffff}, {0x1234, 0x89ab, 0xfedc},
		} {
			cs = append(cs, color.NRGBA64{c[0], c[1], c[2], a})
		}
	}
	return cs
}

type settable interface {
	image.Image
	Set(x, y int, c color.Color)
}

// fill paints the swatch into img (through its colour model), one colour
// per block of block×block pixels.
func fill(img settable, block int, opaque bool) {
	b := img.Bounds()
	cs := swatch()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := cs[((y-b.Min.Y)/block*(b.Dx()/block)+(x-b.Min.X)/block)%len(cs)]
			if opaque {
				c.A = 0xffff
			}
			img.Set(x, y, c)
		}
	}
}

// customImage has no fast path: it exercises the generic conversion.
type customImage struct{ *image.NRGBA }

func (c customImage) At(x, y int) color.Color { return c.NRGBA.At(x, y) }
func (c customImage) ColorModel() color.Model { return color.NRGBAModel }

func TestToGrayEveryModel(t *testing.T) {
	r := image.Rect(0, 0, 32, 16)
	palette := color.Palette{color.Black, color.White, color.Gray{0x40}, color.RGBA{0xff, 0, 0, 0xff}, color.NRGBA{0, 0, 0xff, 0x80}, color.Transparent}
	// YCbCr as a JPEG decoder makes it: converted from real (in-gamut)
	// colours, chroma shared by the pixels of a 4×4 block.
	ycc := func(ratio image.YCbCrSubsampleRatio) image.Image {
		src := image.NewRGBA(r)
		fill(src, 4, true)
		m := image.NewYCbCr(r, ratio)
		for y := 0; y < r.Dy(); y++ {
			for x := 0; x < r.Dx(); x++ {
				c := src.RGBAAt(x, y)
				yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
				m.Y[m.YOffset(x, y)], m.Cb[m.COffset(x, y)], m.Cr[m.COffset(x, y)] = yy, cb, cr
			}
		}
		return m
	}
	nycca := image.NewNYCbCrA(r, image.YCbCrSubsampleRatio444)
	for i := range nycca.Y {
		nycca.Y[i], nycca.Cb[i], nycca.Cr[i], nycca.A[i] = uint8(i), 128, 128, uint8(255-i)
	}
	cmyk := image.NewCMYK(r)
	for i := range cmyk.Pix {
		cmyk.Pix[i] = uint8(i * 37) // every ink combination, not just converted RGB
	}
	sub := image.NewNRGBA(image.Rect(-5, 3, 40, 30))
	fill(sub, 4, false)
	for _, tc := range []struct {
		name string
		img  image.Image
		tol  int
	}{
		{"Gray", image.NewGray(r), 0},
		{"Gray16", image.NewGray16(r), 0},
		{"Alpha", image.NewAlpha(r), 0},
		{"Alpha16", image.NewAlpha16(r), 0},
		{"Paletted", image.NewPaletted(r, palette), 0},
		{"RGBA", image.NewRGBA(r), 1},
		{"NRGBA", image.NewNRGBA(r), 1},
		{"RGBA64", image.NewRGBA64(r), 0},
		{"NRGBA64", image.NewNRGBA64(r), 0},
		{"CMYK", cmyk, 1},
		{"YCbCr 4:4:4", ycc(image.YCbCrSubsampleRatio444), 2},
		{"YCbCr 4:2:0", ycc(image.YCbCrSubsampleRatio420), 2},
		{"NYCbCrA", nycca, 1},
		{"custom type", customImage{image.NewNRGBA(r)}, 0},
		{"sub-image off the origin", sub.SubImage(image.Rect(-3, 5, 30, 29)), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if s, ok := tc.img.(settable); ok && tc.img != image.Image(cmyk) {
				fill(s, 4, false)
			}
			got := decode.ToGray(tc.img)
			if got.Rect.Min != (image.Point{}) || got.Stride != got.Rect.Dx() {
				t.Errorf("rect %v stride %d, want origin (0,0) and packed rows", got.Rect, got.Stride)
			}
			if d := sameGray(got, wantGray(tc.img), tc.tol); d != "" {
				t.Error(d)
			}
		})
	}
}

// TestColourFiles round-trips every colour model through the file formats
// that carry it.
func TestColourFiles(t *testing.T) {
	r := image.Rect(0, 0, 32, 24)
	models := map[string]func() image.Image{
		"gray":          func() image.Image { return image.NewGray(r) },
		"gray16":        func() image.Image { return image.NewGray16(r) },
		"paletted":      func() image.Image { return image.NewPaletted(r, palette16(false)) },
		"alpha palette": func() image.Image { return image.NewPaletted(r, palette16(true)) },
		"rgba":          func() image.Image { return image.NewRGBA(r) },
		"nrgba":         func() image.Image { return image.NewNRGBA(r) },
		"rgba64":        func() image.Image { return image.NewRGBA64(r) },
		"nrgba64":       func() image.Image { return image.NewNRGBA64(r) },
	}
	encoders := map[string]func(*bytes.Buffer, image.Image) error{
		"png": func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) },
		"tiff": func(b *bytes.Buffer, m image.Image) error {
			return tiff.Encode(b, m, &tiff.Options{Compression: tiff.Deflate})
		},
		"bmp": func(b *bytes.Buffer, m image.Image) error { return bmp.Encode(b, m) },
		"gif": func(b *bytes.Buffer, m image.Image) error { return gif.Encode(b, m, nil) },
	}
	for _, tc := range []struct{ format, model string }{
		{"png", "gray"}, {"png", "gray16"}, {"png", "paletted"}, {"png", "alpha palette"}, {"png", "rgba"}, {"png", "nrgba"}, {"png", "rgba64"}, {"png", "nrgba64"},
		{"tiff", "gray"}, {"tiff", "gray16"}, {"tiff", "paletted"}, {"tiff", "rgba"}, {"tiff", "nrgba"}, {"tiff", "rgba64"}, {"tiff", "nrgba64"},
		{"bmp", "gray"}, {"bmp", "rgba"}, {"bmp", "paletted"},
		{"gif", "paletted"},
	} {
		t.Run(tc.format+"/"+tc.model, func(t *testing.T) {
			img := models[tc.model]().(settable)
			fill(img, 4, tc.format == "bmp") // BMP has no alpha
			var b bytes.Buffer
			if err := encoders[tc.format](&b, img); err != nil {
				t.Fatal(err)
			}
			p := decodeOne(t, "colour."+tc.format, b.Bytes())
			if p.Source != tc.format {
				t.Errorf("source %q, want %q", p.Source, tc.format)
			}
			if d := sameGray(p.Image, wantGray(img), 1); d != "" {
				t.Error(d)
			}
		})
	}
	t.Run("jpeg/gray", func(t *testing.T) { jpegRoundTrip(t, image.NewGray(image.Rect(0, 0, 128, 96))) })
	t.Run("jpeg/ycbcr", func(t *testing.T) { jpegRoundTrip(t, image.NewRGBA(image.Rect(0, 0, 128, 96))) })
}

// palette16 is the swatch's opaque colours and eight grays, or with
// alpha, its half-transparent ones too (only PNG keeps palette alpha).
func palette16(alpha bool) color.Palette {
	var p color.Palette
	for _, c := range swatch()[:8] {
		p = append(p, c)
	}
	for i := range 8 {
		if alpha {
			p = append(p, swatch()[8+i])
		} else {
			p = append(p, color.Gray{uint8(i * 36)})
		}
	}
	return p
}

// jpegRoundTrip compares block centres: JPEG is lossy at the edges of the
// swatch's blocks, not in flat areas.
func jpegRoundTrip(t *testing.T, img settable) {
	fill(img, 16, true)
	p := decodeOne(t, "colour.jpg", encodeJPEG(t, img, 100))
	if p.Source != "jpeg" {
		t.Errorf("source %q", p.Source)
	}
	want := wantGray(img)
	for y := 8; y < 96; y += 16 {
		for x := 8; x < 128; x += 16 {
			if g, w := int(p.Image.GrayAt(x, y).Y), int(want.GrayAt(x, y).Y); g-w > 3 || w-g > 3 {
				t.Errorf("(%d,%d) = %d, want %d", x, y, g, w)
			}
		}
	}
}

// TestPDFColourSpaces decodes one 4×1 image per colour space, depth,
// filter and /Decode array scanners and PDF tools write.
func TestPDFColourSpaces(t *testing.T) {
	rgbSamples := []byte{255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255}
	rgbGray := []uint8{76, 150, 29, 255}
	const img4 = "/Width 4 /Height 1 "
	for _, tc := range []struct {
		name, dict string
		data       []byte
		want       []uint8
		source     string
	}{
		{"gray 8", "/ColorSpace /DeviceGray /BitsPerComponent 8", []byte{0, 64, 128, 255}, []uint8{0, 64, 128, 255}, "pdf/raw"},
		{"gray 1", "/ColorSpace /DeviceGray /BitsPerComponent 1", []byte{0b1010_0000}, []uint8{255, 0, 255, 0}, "pdf/raw"},
		{"gray 2", "/ColorSpace /DeviceGray /BitsPerComponent 2", []byte{0b00_01_10_11}, []uint8{0, 85, 170, 255}, "pdf/raw"},
		{"gray 4", "/ColorSpace /DeviceGray /BitsPerComponent 4", []byte{0x05, 0xaf}, []uint8{0, 85, 170, 255}, "pdf/raw"},
		{"gray 16", "/ColorSpace /DeviceGray /BitsPerComponent 16", []byte{0, 0, 0x40, 0x11, 0x80, 0, 0xff, 0xff}, []uint8{0, 64, 128, 255}, "pdf/raw"},
		{"gray inverted", "/ColorSpace /DeviceGray /BitsPerComponent 8 /Decode [1 0]", []byte{0, 64, 128, 255}, []uint8{255, 191, 127, 0}, "pdf/raw"},
		{"CalGray", "/ColorSpace [/CalGray << /WhitePoint [0.9505 1 1.089] >>] /BitsPerComponent 8", []byte{0, 64, 128, 255}, []uint8{0, 64, 128, 255}, "pdf/raw"},
		{"image mask", "/ImageMask true", []byte{0b1010_0000}, []uint8{255, 0, 255, 0}, "pdf/raw"},
		{"image mask inverted", "/ImageMask true /Decode [1 0]", []byte{0b1010_0000}, []uint8{0, 255, 0, 255}, "pdf/raw"},
		{"rgb 8", "/ColorSpace /DeviceRGB /BitsPerComponent 8", rgbSamples, rgbGray, "pdf/raw"},
		{"rgb 16", "/ColorSpace /DeviceRGB /BitsPerComponent 16", widen(rgbSamples), rgbGray, "pdf/raw"},
		{"rgb inverted", "/ColorSpace /DeviceRGB /BitsPerComponent 8 /Decode [1 0 1 0 1 0]", invert(rgbSamples), rgbGray, "pdf/raw"},
		{"CalRGB", "/ColorSpace [/CalRGB << /WhitePoint [0.9505 1 1.089] >>] /BitsPerComponent 8", rgbSamples, rgbGray, "pdf/raw"},
		{"ICCBased RGB", "/ColorSpace [/ICCBased @0] /BitsPerComponent 8", rgbSamples, rgbGray, "pdf/raw"},
		{"cmyk", "/ColorSpace /DeviceCMYK /BitsPerComponent 8", []byte{0, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0, 128}, []uint8{255, 0, 179, 127}, "pdf/raw"},
		{"indexed rgb", "/ColorSpace [/Indexed /DeviceRGB 3 <FF0000 00FF00 0000FF FFFFFF>] /BitsPerComponent 8", []byte{0, 1, 2, 3}, rgbGray, "pdf/raw"},
		{"indexed 2-bit", "/ColorSpace [/Indexed /DeviceRGB 3 <FF0000 00FF00 0000FF FFFFFF>] /BitsPerComponent 2", []byte{0b00_01_10_11}, rgbGray, "pdf/raw"},
		{"indexed gray, short table", "/ColorSpace [/Indexed /DeviceGray 3 <0040>] /BitsPerComponent 8", []byte{0, 1, 2, 3}, []uint8{0, 64, 255, 255}, "pdf/raw"},
		{"separation", "/ColorSpace [/Separation /Black /DeviceGray << /FunctionType 2 /Domain [0 1] /C0 [1] /C1 [0] /N 1 >>] /BitsPerComponent 8", []byte{0, 128, 255, 64}, []uint8{255, 127, 0, 191}, "pdf/raw"},
		{"flate", "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", zlibBytes([]byte{0, 64, 128, 255}), []uint8{0, 64, 128, 255}, "pdf/flate"},
		{"hex+flate", "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter [/ASCIIHexDecode /FlateDecode]", []byte(hex.EncodeToString(zlibBytes([]byte{0, 64, 128, 255})) + ">"), []uint8{0, 64, 128, 255}, "pdf/flate"},
		{"lzw", "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /LZWDecode /DecodeParms << /EarlyChange 0 >>", lzwBytes([]byte{0, 64, 128, 255}), []uint8{0, 64, 128, 255}, "pdf/lzw"},
		{"runlength", "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /RunLengthDecode", []byte{3, 0, 64, 128, 255, 128}, []uint8{0, 64, 128, 255}, "pdf/runlength"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := buildPDF(pdfPage{
				images:  []pdfImage{{dict: img4 + tc.dict, data: tc.data}},
				objects: []pdfObject{{body: "/N 3", stream: []byte("not a real ICC profile")}},
			})
			p := decodeOne(t, tc.name+".pdf", data)
			if d := sameGray(p.Image, grayFrom(tc.want), 1); d != "" {
				t.Error(d)
			}
			if p.Source != tc.source {
				t.Errorf("source %q, want %q", p.Source, tc.source)
			}
		})
	}
}

// TestPDFPredictors checks Flate with every PNG row filter and with the
// TIFF predictor, as scanners that "optimise" their PDFs write.
func TestPDFPredictors(t *testing.T) {
	const w, h = 7, 10
	rows := make([][]uint8, h)
	for y := range rows {
		rows[y] = make([]uint8, 3*w)
		for x := range rows[y] {
			rows[y][x] = uint8(x*29 + y*y*7)
		}
	}
	want := image.NewGray(image.Rect(0, 0, w, h))
	for y, row := range rows {
		for x := 0; x < w; x++ {
			want.Pix[y*w+x] = uint8((19595*uint32(row[3*x]) + 38470*uint32(row[3*x+1]) + 7471*uint32(row[3*x+2]) + 1<<15) >> 16)
		}
	}
	parms := fmt.Sprintf("/Colors 3 /BitsPerComponent 8 /Columns %d", w)
	dict := fmt.Sprintf("/Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode ", w, h)
	for _, tc := range []struct {
		name string
		pred string
		data []byte
	}{
		{"png predictors", "/DecodeParms << /Predictor 15 " + parms + " >>", pngPredict(rows, 3)},
		{"tiff predictor", "/DecodeParms << /Predictor 2 " + parms + " >>", tiffPredict(rows, 3)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeOne(t, "pred.pdf", buildPDF(pdfPage{images: []pdfImage{{dict: dict + tc.pred, data: zlibBytes(tc.data)}}}))
			if d := sameGray(p.Image, want, 0); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestPDFJPEGDecodeArray(t *testing.T) {
	g := grayFrom([]uint8{0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255})
	big := image.NewGray(image.Rect(0, 0, 64, 16))
	for y := 0; y < 16; y++ {
		for x := 0; x < 64; x++ {
			big.Pix[y*64+x] = g.Pix[x/4]
		}
	}
	im := jpegImage(t, big)
	im.dict += " /Decode [1 0]"
	p := decodeOne(t, "inverted-jpeg.pdf", buildPDF(pdfPage{images: []pdfImage{im}}))
	if v := p.Image.GrayAt(4, 8).Y; v < 250 {
		t.Errorf("black JPEG pixel under /Decode [1 0] = %d, want white", v)
	}
	if v := p.Image.GrayAt(60, 8).Y; v > 5 {
		t.Errorf("white JPEG pixel under /Decode [1 0] = %d, want black", v)
	}
	if p.Source != "pdf/jpeg" {
		t.Errorf("source %q", p.Source)
	}
}

func widen(b []byte) []byte {
	var out []byte
	for _, v := range b {
		out = append(out, v, v)
	}
	return out
}

func invert(b []byte) []byte {
	out := make([]byte, len(b))
	for i, v := range b {
		out[i] = 255 - v
	}
	return out
}

func lzwBytes(b []byte) []byte {
	var buf bytes.Buffer
	w := lzw.NewWriter(&buf, lzw.MSB, 8)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// pngPredict applies PNG row filters 0-4 in turn, as a PNG encoder would.
func pngPredict(rows [][]uint8, bpp int) []byte {
	var out []byte
	var prev []uint8
	for y, row := range rows {
		tag := byte(y % 5)
		out = append(out, tag)
		for i, v := range row {
			var a, b, c int
			if i >= bpp {
				a = int(row[i-bpp])
			}
			if prev != nil {
				b = int(prev[i])
				if i >= bpp {
					c = int(prev[i-bpp])
				}
			}
			var p int
			switch tag {
			case 1:
				p = a
			case 2:
				p = b
			case 3:
				p = (a + b) / 2
			case 4:
				pp := a + b - c
				pa, pb, pc := absInt(pp-a), absInt(pp-b), absInt(pp-c)
				switch {
				case pa <= pb && pa <= pc:
					p = a
				case pb <= pc:
					p = b
				default:
					p = c
				}
			}
			out = append(out, v-byte(p))
		}
		prev = row
	}
	return out
}

func tiffPredict(rows [][]uint8, colors int) []byte {
	var out []byte
	for _, row := range rows {
		for i, v := range row {
			if i >= colors {
				v -= row[i-colors]
			}
			out = append(out, v)
		}
	}
	return out
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
