package ocr

import "image"

// minContrast is the least spread between the darkest and lightest pixel for
// a zone to be worth reading. On a zone without ink Tesseract invents text
// (single-line mode reads a white 300×100 zone as "SO") and dumps statistics
// to stderr, so such zones are not sent. The threshold is low on purpose:
// skipping faint ink would lose a filled field silently, while a speck on a
// blank zone costs only a low-confidence result.
const minContrast = 32

// blank reports whether img has no pixels or too little contrast to hold ink.
func blank(img *image.Gray) bool {
	b := img.Bounds()
	if b.Empty() {
		return true
	}
	lo, hi := byte(255), byte(0)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		i := img.PixOffset(b.Min.X, y)
		for _, v := range img.Pix[i : i+b.Dx()] {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	return int(hi)-int(lo) < minContrast
}
