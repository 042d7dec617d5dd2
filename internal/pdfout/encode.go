package pdfout

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// jpegStream embeds an encoded JPEG unchanged. Only the header is parsed,
// for the dimensions and colour space the image dictionary must declare.
func jpegStream(b []byte) (*types.StreamDict, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("JPEG header: %w", err)
	}
	d := imageDict(cfg.Width, cfg.Height, 8)
	switch cfg.ColorModel {
	case color.GrayModel:
		d["ColorSpace"] = types.Name(model.DeviceGrayCS)
	case color.YCbCrModel:
		d["ColorSpace"] = types.Name(model.DeviceRGBCS)
	case color.CMYKModel:
		d["ColorSpace"] = types.Name(model.DeviceCMYKCS)
		// CMYK JPEGs in the wild come from Adobe software, which stores
		// the samples inverted; the Decode array undoes that.
		d["Decode"] = types.NewIntegerArray(1, 0, 1, 0, 1, 0, 1, 0)
	default:
		return nil, fmt.Errorf("JPEG: unsupported colour model %T", cfg.ColorModel)
	}
	d["Filter"] = types.Name(filter.DCT)
	return encodedStream(d, b, filter.DCT, nil), nil
}

// imageStream stores img losslessly, in the smallest of 1-bit gray, 8-bit
// gray or 8-bit RGB that holds it.
func imageStream(img image.Image) (*types.StreamDict, error) {
	switch m := img.(type) {
	case *image.Gray:
		if isBilevel(m) {
			return bilevelStream(m)
		}
		return grayStream(m)
	case *image.Paletted:
		if len(m.Palette) <= 2 {
			return palettedBilevelStream(m)
		}
	}
	return genericStream(img)
}

func imageDict(w, h, bpc int) types.Dict {
	return types.Dict{
		"Type":             types.Name("XObject"),
		"Subtype":          types.Name("Image"),
		"Width":            types.Integer(w),
		"Height":           types.Integer(h),
		"BitsPerComponent": types.Integer(bpc),
	}
}

// isBilevel reports whether m holds only black and white. Such a page
// (a thresholded scan, a rendered form) is stored with one bit per pixel:
// an eighth of the raw size, and Flate compresses it further.
func isBilevel(m *image.Gray) bool {
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		off := m.PixOffset(b.Min.X, y)
		for _, v := range m.Pix[off : off+b.Dx()] {
			if v != 0 && v != 0xff {
				return false
			}
		}
	}
	return true
}

func grayStream(m *image.Gray) (*types.StreamDict, error) {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	var raw []byte
	if m.Stride == w {
		// Rows are contiguous: compress in place instead of copying 8.7 MB
		// for an A4 page at 300 dpi.
		off := m.PixOffset(b.Min.X, b.Min.Y)
		raw = m.Pix[off : off+w*h]
	} else {
		raw = make([]byte, w*h)
		for y := 0; y < h; y++ {
			off := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(raw[y*w:(y+1)*w], m.Pix[off:off+w])
		}
	}
	d := imageDict(w, h, 8)
	d["ColorSpace"] = types.Name(model.DeviceGrayCS)
	return flateStream(d, raw, fastFlate)
}

// bilevelStream packs m into 1-bit DeviceGray, where a set bit is white.
func bilevelStream(m *image.Gray) (*types.StreamDict, error) {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	var white [256]bool
	white[0xff] = true
	stride := (w + 7) / 8
	raw := make([]byte, stride*h)
	for y := 0; y < h; y++ {
		off := m.PixOffset(b.Min.X, b.Min.Y+y)
		packBits(raw[y*stride:(y+1)*stride], m.Pix[off:off+w], &white)
	}
	d := imageDict(w, h, 1)
	d["ColorSpace"] = types.Name(model.DeviceGrayCS)
	return flateStream(d, raw, smallFlate)
}

// palettedBilevelStream stores a 2-colour image with one bit per pixel:
// as DeviceGray when the palette is black and white, so it reads back as
// gray, else as a 1-bit Indexed image to keep the colours exact.
func palettedBilevelStream(m *image.Paletted) (*types.StreamDict, error) {
	if len(m.Palette) == 0 {
		return nil, errors.New("paletted image without palette")
	}
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	n := uint8(len(m.Palette))

	d := imageDict(w, h, 1)
	// One bit per pixel, set for palette index 1 (Indexed) or for white
	// (DeviceGray).
	set, gray := blackWhiteBits(m.Palette)
	if gray {
		d["ColorSpace"] = types.Name(model.DeviceGrayCS)
	} else {
		lookup := make([]byte, 0, 3*len(m.Palette))
		for _, c := range m.Palette {
			nc := color.NRGBAModel.Convert(c).(color.NRGBA)
			lookup = append(lookup, nc.R, nc.G, nc.B)
		}
		d["ColorSpace"] = types.Array{
			types.Name(model.IndexedCS),
			types.Name(model.DeviceRGBCS),
			types.Integer(len(m.Palette) - 1),
			types.NewHexLiteral(lookup),
		}
		set = [256]bool{1: true}
	}

	stride := (w + 7) / 8
	raw := make([]byte, stride*h)
	for y := 0; y < h; y++ {
		off := m.PixOffset(b.Min.X, b.Min.Y+y)
		row := m.Pix[off : off+w]
		for x, i := range row {
			if i >= n {
				return nil, fmt.Errorf("palette index %d at (%d,%d) outside palette of %d", i, b.Min.X+x, b.Min.Y+y, n)
			}
		}
		packBits(raw[y*stride:(y+1)*stride], row, &set)
	}
	return flateStream(d, raw, smallFlate)
}

// blackWhiteBits maps palette indices to 1-bit DeviceGray samples, which
// is possible when every palette entry is opaque black or opaque white.
func blackWhiteBits(p color.Palette) (white [256]bool, ok bool) {
	for i, c := range p {
		r, g, b, a := c.RGBA()
		switch {
		case a != 0xffff:
			return white, false
		case r == 0 && g == 0 && b == 0:
		case r == 0xffff && g == 0xffff && b == 0xffff:
			white[i] = true
		default:
			return white, false
		}
	}
	return white, true
}

// packBits packs one row, most significant bit first, setting a pixel's
// bit when white[value] is true. A table rather than a callback: this runs
// for every pixel of every bilevel page.
func packBits(dst []byte, src []uint8, white *[256]bool) {
	full := len(src) / 8
	for i := 0; i < full; i++ {
		p := src[i*8 : i*8+8]
		var b byte
		for j, v := range p {
			if white[v] {
				b |= 0x80 >> j
			}
		}
		dst[i] = b
	}
	if rest := src[full*8:]; len(rest) > 0 {
		var b byte
		for j, v := range rest {
			if white[v] {
				b |= 0x80 >> j
			}
		}
		dst[full] = b
	}
}

// genericStream handles everything without a fast path, going through
// RGBA once. Alpha is composited over white, as paper would show it.
func genericStream(img image.Image) (*types.StreamDict, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(rgba, rgba.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Over)

	if gray, ok := rgbaAsGray(rgba); ok {
		return imageStream(gray)
	}
	raw := make([]byte, 0, 3*w*h)
	for i := 0; i < len(rgba.Pix); i += 4 {
		raw = append(raw, rgba.Pix[i], rgba.Pix[i+1], rgba.Pix[i+2])
	}
	d := imageDict(w, h, 8)
	d["ColorSpace"] = types.Name(model.DeviceRGBCS)
	return flateStream(d, raw, fastFlate)
}

func rgbaAsGray(m *image.RGBA) (*image.Gray, bool) {
	g := image.NewGray(m.Bounds())
	for i, j := 0, 0; i < len(m.Pix); i, j = i+4, j+1 {
		r, gg, b := m.Pix[i], m.Pix[i+1], m.Pix[i+2]
		if r != gg || r != b {
			return nil, false
		}
		g.Pix[j] = r
	}
	return g, true
}

// Compression levels. Go's level 6 takes 5-10 times as long as level 1 on
// an 8-bit page with scanner noise (0.35-1.8 s for A4 at 300 dpi, against
// 0.05-0.15 s) to save 10-20 %, so 8-bit data gets level 1. 1-bit data is
// an eighth of the size and compresses well, so it gets the default.
const (
	fastFlate  = zlib.BestSpeed
	smallFlate = zlib.DefaultCompression
)

// flateStream compresses raw with the standard library's zlib rather than
// through pdfcpu's filter, which offers no choice of level; the result is
// the same /FlateDecode.
func flateStream(d types.Dict, raw []byte, level int) (*types.StreamDict, error) {
	var buf bytes.Buffer
	buf.Grow(len(raw) / 8)
	zw, err := zlib.NewWriterLevel(&buf, level)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	d["Filter"] = types.Name(filter.Flate)
	return encodedStream(d, buf.Bytes(), filter.Flate, nil), nil
}

// encodedStream wraps already-encoded bytes. With Content nil pdfcpu
// treats the stream as not decoded and writes Raw as it is.
func encodedStream(d types.Dict, enc []byte, filterName string, parms types.Dict) *types.StreamDict {
	n := int64(len(enc))
	d["Length"] = types.Integer(n)
	return &types.StreamDict{
		Dict:           d,
		StreamLength:   &n,
		FilterPipeline: []types.PDFFilter{{Name: filterName, DecodeParms: parms}},
		Raw:            enc,
	}
}
