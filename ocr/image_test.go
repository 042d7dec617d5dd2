package ocr

import (
	"image"
	"testing"
)

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
