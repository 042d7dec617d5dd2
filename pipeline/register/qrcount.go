package register

import (
	"image"
	"math"

	"shinsei/templates"
)

// otherQRDPI is the resolution a page is searched at for a second QR
// code: a form's modules are ~0.7 mm, four pixels at 150 dpi.
const otherQRDPI = 150.0

// OtherQR reports whether the page holds a shinsei QR code besides the
// one in the QR box of the form r places: a second form on the scan whose
// marks were not all found (folded under, overlapping the first). The
// form's own box is whitened and the rest of the page searched once,
// at otherQRDPI.
func OtherQR(img *image.Gray, r Result) bool {
	if _, ok := r.Transform.Invert(); !ok || r.DPI <= 0 {
		return false
	}
	f := max(1, int(math.Round(r.DPI/otherQRDPI)))
	small := downsample(img, f)
	// The form's own QR box, with the usual margin, mapped into the
	// downsampled page.
	m := qrMarginMM
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range []templates.PointMM{
		{X: templates.QRXMM - m, Y: templates.QRYMM - m}, {X: templates.QRXMM + templates.QRSizeMM + m, Y: templates.QRYMM - m},
		{X: templates.QRXMM - m, Y: templates.QRYMM + templates.QRSizeMM + m}, {X: templates.QRXMM + templates.QRSizeMM + m, Y: templates.QRYMM + templates.QRSizeMM + m},
	} {
		q := r.Transform.Apply(p)
		x, y := (q.X-float64(img.Rect.Min.X))/float64(f), (q.Y-float64(img.Rect.Min.Y))/float64(f)
		x0, y0, x1, y1 = math.Min(x0, x), math.Min(y0, y), math.Max(x1, x), math.Max(y1, y)
	}
	box := image.Rect(int(x0), int(y0), int(math.Ceil(x1)), int(math.Ceil(y1))).Intersect(image.Rect(0, 0, small.w, small.h))
	for y := box.Min.Y; y < box.Max.Y; y++ {
		row := small.pix[y*small.w : (y+1)*small.w]
		for x := box.Min.X; x < box.Max.X; x++ {
			row[x] = 255
		}
	}
	text, err := decodeQR(small, false)
	if err != nil {
		return false
	}
	_, err = parsePayload(text)
	return err == nil
}
