package ocr

import (
	"bytes"
	"image"
	"testing"
)

func TestPGMOfSubImage(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 4, 3))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	for _, tc := range []struct {
		name string
		img  *image.Gray
		want []byte
	}{
		{"whole", img, append([]byte("P5\n4 3\n255\n"), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)},
		{"sub-image", img.SubImage(image.Rect(1, 1, 3, 3)).(*image.Gray), append([]byte("P5\n2 2\n255\n"), 5, 6, 9, 10)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := pgm(tc.img); !bytes.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBlank(t *testing.T) {
	grey := func(levels ...byte) *image.Gray {
		img := image.NewGray(image.Rect(0, 0, len(levels), 1))
		copy(img.Pix, levels)
		return img
	}
	for _, tc := range []struct {
		name string
		img  *image.Gray
		want bool
	}{
		{"empty", image.NewGray(image.Rectangle{}), true},
		{"white", grey(255, 255, 255), true},
		{"paper noise", grey(250, 230, 245), true},
		{"faint ink", grey(250, 200, 245), false},
		{"black ink", grey(255, 0, 255), false},
	} {
		if got := blank(tc.img); got != tc.want {
			t.Errorf("%s: blank %v, want %v", tc.name, got, tc.want)
		}
	}
}
