package scanfx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"strings"

	"golang.org/x/image/tiff"
)

// Format is a file format a scanner writes.
type Format int

const (
	PNG Format = iota
	JPEG
	TIFF
)

func (f Format) String() string {
	switch f {
	case PNG:
		return "png"
	case JPEG:
		return "jpeg"
	case TIFF:
		return "tiff"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Ext is the usual file name extension, with the dot.
func (f Format) Ext() string {
	switch f {
	case JPEG:
		return ".jpg"
	case TIFF:
		return ".tif"
	}
	return ".png"
}

// ParseFormat accepts png, jpeg/jpg and tiff/tif, case-insensitively.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimPrefix(s, ".")) {
	case "png":
		return PNG, nil
	case "jpeg", "jpg":
		return JPEG, nil
	case "tiff", "tif":
		return TIFF, nil
	}
	return 0, fmt.Errorf("%w: unknown image format %q", ErrInvalidParams, s)
}

// FileFormat is the format a real scanner would have written a page scanned
// with p in: JPEG at the scan's quality when it has JPEG artefacts, TIFF for
// fax-like bilevel pages, PNG otherwise. The int is the JPEG quality.
func (p Params) FileFormat() (Format, int) {
	switch {
	case p.JPEGQuality > 0:
		return JPEG, p.JPEGQuality
	case p.Bilevel:
		return TIFF, 0
	}
	return PNG, 0
}

// EncodeOptions tune Encode.
type EncodeOptions struct {
	// Quality is the JPEG quality, 1..100; 0 means 90. Use the page's
	// Params.JPEGQuality: re-encoding at the quality Apply simulated changes
	// only a few pixels by a grey level or two, where another quality would
	// add a second, different generation of artefacts.
	Quality int
	// DPI, when positive, is recorded in the file (JFIF density, PNG pHYs,
	// TIFF resolution) so decoders see the scan's true resolution.
	DPI float64
}

// Encode writes img to w in format f. The bytes depend only on the
// arguments, so generated corpora are reproducible.
func Encode(w io.Writer, img *image.Gray, f Format, o EncodeOptions) error {
	if img == nil {
		return fmt.Errorf("%w: nil image", ErrInvalidParams)
	}
	if o.DPI < 0 || o.DPI > 65535 || math.IsNaN(o.DPI) {
		return fmt.Errorf("%w: DPI %v", ErrInvalidParams, o.DPI)
	}
	var buf bytes.Buffer
	var err error
	switch f {
	case PNG:
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		if err = enc.Encode(&buf, img); err == nil && o.DPI > 0 {
			err = pngSetDPI(&buf, o.DPI)
		}
	case JPEG:
		q := o.Quality
		if q == 0 {
			q = 90
		}
		if q < 1 || q > 100 {
			return fmt.Errorf("%w: JPEG quality %d", ErrInvalidParams, q)
		}
		if err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err == nil && o.DPI > 0 {
			err = jpegSetDPI(&buf, o.DPI)
		}
	case TIFF:
		if err = tiff.Encode(&buf, img, &tiff.Options{Compression: tiff.Deflate}); err == nil && o.DPI > 0 {
			err = tiffSetDPI(buf.Bytes(), o.DPI)
		}
	default:
		return fmt.Errorf("%w: unknown format %v", ErrInvalidParams, f)
	}
	if err != nil {
		return fmt.Errorf("scanfx: encode %v: %w", f, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("scanfx: write %v: %w", f, err)
	}
	return nil
}

// errLayout means an encoder's output did not look the way the metadata
// patch expects; it would mean the standard library changed.
var errLayout = errors.New("unexpected encoder output layout")

// pngSetDPI inserts a pHYs chunk right after IHDR, which image/png never
// writes.
func pngSetDPI(buf *bytes.Buffer, dpi float64) error {
	b := buf.Bytes()
	// 8-byte signature, then IHDR: length, type, 13 data bytes, CRC.
	const ihdrEnd = 8 + 4 + 4 + 13 + 4
	if len(b) < ihdrEnd || string(b[12:16]) != "IHDR" {
		return fmt.Errorf("png pHYs: %w", errLayout)
	}
	ppm := uint32(math.Round(dpi / 0.0254))
	chunk := make([]byte, 0, 4+4+9+4)
	chunk = binary.BigEndian.AppendUint32(chunk, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = append(chunk, 1) // unit: metre
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := make([]byte, 0, len(b)+len(chunk))
	out = append(append(append(out, b[:ihdrEnd]...), chunk...), b[ihdrEnd:]...)
	buf.Reset()
	buf.Write(out)
	return nil
}

// jpegSetDPI inserts a JFIF APP0 segment after SOI; image/jpeg writes none,
// and without it readers assume 72 dpi.
func jpegSetDPI(buf *bytes.Buffer, dpi float64) error {
	b := buf.Bytes()
	if len(b) < 2 || b[0] != 0xff || b[1] != 0xd8 {
		return fmt.Errorf("jpeg JFIF: %w", errLayout)
	}
	d := uint16(math.Round(dpi))
	app0 := []byte{0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 2, 1}
	app0 = binary.BigEndian.AppendUint16(app0, d)
	app0 = binary.BigEndian.AppendUint16(app0, d)
	app0 = append(app0, 0, 0) // no thumbnail
	out := make([]byte, 0, len(b)+len(app0))
	out = append(append(append(out, b[:2]...), app0...), b[2:]...)
	buf.Reset()
	buf.Write(out)
	return nil
}

// tiffSetDPI overwrites the placeholder 72 dpi that x/image/tiff always
// writes in XResolution and YResolution.
func tiffSetDPI(b []byte, dpi float64) error {
	if len(b) < 8 || string(b[:4]) != "II*\x00" {
		return fmt.Errorf("tiff resolution: %w", errLayout)
	}
	le := binary.LittleEndian
	ifd := int(le.Uint32(b[4:]))
	if ifd+2 > len(b) {
		return fmt.Errorf("tiff resolution: %w", errLayout)
	}
	num, den := uint32(math.Round(dpi*1000)), uint32(1000)
	if dpi == math.Trunc(dpi) {
		num, den = uint32(dpi), 1
	}
	const tagXRes, tagYRes, typeRational = 282, 283, 5
	found := 0
	entries := int(le.Uint16(b[ifd:]))
	for i := range entries {
		e := ifd + 2 + 12*i
		if e+12 > len(b) {
			break
		}
		tag, typ := le.Uint16(b[e:]), le.Uint16(b[e+2:])
		if (tag != tagXRes && tag != tagYRes) || typ != typeRational {
			continue
		}
		off := int(le.Uint32(b[e+8:]))
		if off+8 > len(b) {
			return fmt.Errorf("tiff resolution: %w", errLayout)
		}
		le.PutUint32(b[off:], num)
		le.PutUint32(b[off+4:], den)
		found++
	}
	if found != 2 {
		return fmt.Errorf("tiff resolution: %w", errLayout)
	}
	return nil
}
