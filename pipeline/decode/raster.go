package decode

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"strings"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// rasterCodec is one single-image format: its header reader, its decoder,
// and where it keeps resolution and orientation.
type rasterCodec struct {
	name   string
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
	meta   func([]byte) (dpi float64, o orientation)
}

func rasterCodecFor(f format) rasterCodec {
	switch f {
	case fmtPNG:
		return rasterCodec{"png", png.DecodeConfig, png.Decode, pngMeta}
	case fmtJPEG:
		return rasterCodec{"jpeg", jpeg.DecodeConfig, jpeg.Decode, jpegMeta}
	case fmtGIF:
		// The first frame; walkGIF reads the others (multi.go).
		return rasterCodec{"gif", gif.DecodeConfig, gif.Decode, noMeta}
	default:
		return rasterCodec{"bmp", bmp.DecodeConfig, bmp.Decode, bmpMeta}
	}
}

func noMeta([]byte) (float64, orientation) { return 0, orientation{} }

// decodeRaster decodes a single-image file, checking its size from the
// header before any pixel is allocated.
func decodeRaster(data []byte, f format, lim Limits) (Page, error) {
	c := rasterCodecFor(f)
	cfg, err := c.config(bytes.NewReader(data))
	if err != nil {
		return Page{}, imageProblem(c.name, err, data)
	}
	dpi, o := c.meta(data)
	if err := checkPixelsAt(cfg.Width, cfg.Height, dpi, lim); err != nil {
		return Page{}, err
	}
	img, err := c.decode(bytes.NewReader(data))
	if err != nil {
		return Page{}, imageProblem(c.name, err, data)
	}
	g := o.apply(toGray(img))
	return Page{Image: g, DPI: dpi, Source: c.name}, nil
}

// imageProblem words a codec's error for the clerk. Codecs report a
// file cut short in different ways (image/jpeg says "short Huffman data",
// image/png "not enough pixel data"), so a missing end marker is taken as
// the better explanation of any failure.
func imageProblem(codec string, err error, data []byte) error {
	what := strings.ToUpper(codec)
	var (
		pngU  png.UnsupportedError
		jpegU jpeg.UnsupportedError
		tiffU tiff.UnsupportedError
	)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), !hasEndMarker(codec, data):
		return newProblem(ErrTruncated, err, fmt.Sprintf("%s画像が途中で切れています（ファイルが不完全です） / the %s image is cut short (the file is incomplete)", what, what), adviceResend)
	case errors.As(err, &pngU), errors.As(err, &jpegU), errors.As(err, &tiffU), errors.Is(err, bmp.ErrUnsupported):
		return newProblem(ErrUnsupportedCodec, err, fmt.Sprintf("%s画像が読み取れない形式で保存されています / the %s image uses a feature that cannot be read", what, what), adviceUnsupported)
	}
	return newProblem(ErrCorrupt, err, fmt.Sprintf("%s画像が壊れていて読み取れません / the %s image is damaged and cannot be read", what, what), adviceRescan)
}

// hasEndMarker reports whether data ends the way a complete file of the
// format does; true when the format has no such marker.
func hasEndMarker(codec string, data []byte) bool {
	tail := data[max(0, len(data)-64):]
	switch codec {
	case "jpeg":
		return bytes.Contains(tail, []byte{0xff, 0xd9})
	case "png":
		return bytes.Contains(tail, []byte("IEND"))
	case "gif":
		return bytes.Contains(tail, []byte{0x3b})
	}
	return true
}

// pngMeta reads the pHYs chunk, which must come before the image data.
func pngMeta(b []byte) (float64, orientation) {
	for off := 8; off+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		typ := string(b[off+4 : off+8])
		if n < 0 || off+12+n > len(b) || typ == "IDAT" || typ == "IEND" {
			break
		}
		if typ == "pHYs" && n == 9 && b[off+16] == 1 { // unit: metre
			ppm := binary.BigEndian.Uint32(b[off+8:])
			return roundDPI(float64(ppm) * 0.0254), orientation{}
		}
		off += 12 + n
	}
	return 0, orientation{}
}

// jpegMeta reads JFIF density and the EXIF orientation and resolution from
// the segments before the first scan. JFIF wins for resolution because
// scanners write it; EXIF is where cameras (and phones) put theirs.
func jpegMeta(b []byte) (float64, orientation) {
	var (
		jfif, exif float64
		o          orientation
	)
	for off := 2; off+4 <= len(b); {
		if b[off] != 0xff {
			break
		}
		marker := b[off+1]
		if marker == 0xff { // fill byte
			off++
			continue
		}
		if marker == 0xd8 || marker == 0x01 || marker >= 0xd0 && marker <= 0xd7 {
			off += 2 // no length
			continue
		}
		if marker == 0xda || marker == 0xd9 { // start of scan, end of image
			break
		}
		n := int(binary.BigEndian.Uint16(b[off+2:]))
		if n < 2 || off+2+n > len(b) {
			break
		}
		seg := b[off+4 : off+2+n]
		switch {
		case marker == 0xe0 && len(seg) >= 12 && string(seg[:5]) == "JFIF\x00":
			x := float64(binary.BigEndian.Uint16(seg[8:]))
			switch seg[7] {
			case 1:
				jfif = x
			case 2:
				jfif = x * 2.54
			}
		case marker == 0xe1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00":
			t := seg[6:]
			if bo, first, ok := tiffHeader(t); ok {
				if d, err := readIFD(t, bo, first); err == nil {
					o = exifOrientation(int(d.orientation))
					exif = d.dpi()
				}
			}
		}
		off += 2 + n
	}
	if jfif > 0 {
		return roundDPI(jfif), o
	}
	return exif, o
}

// bmpMeta reads the horizontal resolution (pixels per metre) of a BMP
// with a BITMAPINFOHEADER or later.
func bmpMeta(b []byte) (float64, orientation) {
	if len(b) < 42 || binary.LittleEndian.Uint32(b[14:]) < 40 {
		return 0, orientation{}
	}
	ppm := int32(binary.LittleEndian.Uint32(b[38:]))
	if ppm <= 0 {
		return 0, orientation{}
	}
	return roundDPI(float64(ppm) * 0.0254), orientation{}
}
