package scanfx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"testing"

	"golang.org/x/image/tiff"
)

func TestEncode(t *testing.T) {
	src := formPage(6).SubImage(image.Rect(0, 0, 640, 480)).(*image.Gray)
	page, _, err := Apply(src, Params{SkewDeg: 1, DPI: 200, Noise: 3, JPEGQuality: 70}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		f       Format
		dpi     float64
		decode  func([]byte) (image.Image, error)
		maxDiff int
		density func(t *testing.T, b []byte) float64
	}{
		{"png", PNG, 200, func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }, 0, pngDensity},
		{"tiff", TIFF, 217.5, func(b []byte) (image.Image, error) { return tiff.Decode(bytes.NewReader(b)) }, 0, tiffDensity},
		// Re-encoding a page that went through JPEG at the same quality
		// is a second generation: close, not identical.
		{"jpeg", JPEG, 200, func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }, 12, jpegDensity},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Encode(&buf, page, tc.f, EncodeOptions{Quality: 70, DPI: tc.dpi}); err != nil {
				t.Fatal(err)
			}
			var again bytes.Buffer
			if err := Encode(&again, page, tc.f, EncodeOptions{Quality: 70, DPI: tc.dpi}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), again.Bytes()) {
				t.Error("encoding is not reproducible")
			}
			img, err := tc.decode(buf.Bytes())
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if img.Bounds() != page.Bounds() {
				t.Fatalf("bounds %v, want %v", img.Bounds(), page.Bounds())
			}
			worst := 0
			for y := range page.Rect.Dy() {
				for x := range page.Rect.Dx() {
					r, _, _, _ := img.At(x, y).RGBA()
					worst = max(worst, absInt(int(r>>8)-int(page.GrayAt(x, y).Y)))
				}
			}
			if worst > tc.maxDiff {
				t.Errorf("decoded pixels differ by up to %d, want ≤ %d", worst, tc.maxDiff)
			}
			if d := tc.density(t, buf.Bytes()); !near(d, tc.dpi, 0.01) {
				t.Errorf("recorded %v dpi, want %v", d, tc.dpi)
			}
		})
	}
}

func absInt(v int) int { return max(v, -v) }

func pngDensity(t *testing.T, b []byte) float64 {
	i := bytes.Index(b, []byte("pHYs"))
	if i < 0 {
		t.Fatal("no pHYs chunk")
	}
	if b[i+12] != 1 {
		t.Fatal("pHYs unit is not the metre")
	}
	return float64(binary.BigEndian.Uint32(b[i+4:])) * 0.0254
}

func jpegDensity(t *testing.T, b []byte) float64 {
	if !bytes.Equal(b[2:4], []byte{0xff, 0xe0}) || string(b[6:11]) != "JFIF\x00" || b[13] != 1 {
		t.Fatal("no JFIF segment in dots per inch after SOI")
	}
	return float64(binary.BigEndian.Uint16(b[14:]))
}

func tiffDensity(t *testing.T, b []byte) float64 {
	le := binary.LittleEndian
	ifd := int(le.Uint32(b[4:]))
	for i := range int(le.Uint16(b[ifd:])) {
		e := ifd + 2 + 12*i
		if le.Uint16(b[e:]) == 283 { // YResolution
			off := int(le.Uint32(b[e+8:]))
			return float64(le.Uint32(b[off:])) / float64(le.Uint32(b[off+4:]))
		}
	}
	t.Fatal("no YResolution")
	return 0
}

func TestEncodeErrors(t *testing.T) {
	img := whitePage(8, 8)
	tests := []struct {
		name string
		img  *image.Gray
		f    Format
		o    EncodeOptions
	}{
		{"nil image", nil, PNG, EncodeOptions{}},
		{"bad format", img, Format(9), EncodeOptions{}},
		{"bad quality", img, JPEG, EncodeOptions{Quality: 101}},
		{"negative dpi", img, TIFF, EncodeOptions{DPI: -1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := Encode(&bytes.Buffer{}, tc.img, tc.f, tc.o); !errors.Is(err, ErrInvalidParams) {
				t.Fatalf("error = %v, want ErrInvalidParams", err)
			}
		})
	}
}

func TestFileFormat(t *testing.T) {
	tests := []struct {
		p    Params
		f    Format
		q    int
		ext  string
		name string
	}{
		{Params{JPEGQuality: 55}, JPEG, 55, ".jpg", "jpeg"},
		{Params{Bilevel: true}, TIFF, 0, ".tif", "tiff"},
		{Params{}, PNG, 0, ".png", "png"},
	}
	for _, tc := range tests {
		f, q := tc.p.FileFormat()
		if f != tc.f || q != tc.q || f.Ext() != tc.ext || f.String() != tc.name {
			t.Errorf("%+v: FileFormat = %v, %d (%s)", tc.p, f, q, f.Ext())
		}
		if g, err := ParseFormat(tc.ext); err != nil || g != tc.f {
			t.Errorf("ParseFormat(%q) = %v, %v", tc.ext, g, err)
		}
	}
}
