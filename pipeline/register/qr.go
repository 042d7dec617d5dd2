package register

import (
	"errors"
	"fmt"
	"image"
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"

	"shinsei/templates"
)

// ErrNoQR: no QR code could be read, neither where the form puts it nor
// anywhere else on the page. A QR code that was read but is not a shinsei
// one gives templates.ErrNotShinseiQR instead.
var ErrNoQR = errors.New("no readable QR code found")

// qrMarginMM widens the crop around the QR box: the transform is good to a
// fraction of a millimetre, so this is slack for a badly fitted page while
// staying clear of the top-right mark 4 mm above the box.
const qrMarginMM = 3.5

// DecodeQR reads the form's QR code. It crops the QR box through r's
// transform, turns it upright and decodes that; if the crop gives nothing
// (or r is the zero Result because Find failed) it searches the whole page.
func DecodeQR(img *image.Gray, r Result) (templates.QRPayload, error) {
	if _, ok := r.Transform.Invert(); ok {
		crop := uprightQR(img, r.Transform)
		text, err := decodeQR(crop, false)
		if err != nil {
			// The hybrid binarizer can lose a code on very flat, low-contrast
			// crops where one global threshold still works.
			text, err = decodeQR(crop, true)
		}
		if err != nil {
			// gozxing's detector can fail on a clean symbol whose data
			// happens to fool its search for the finder and alignment
			// patterns (an answer sheet in CI: no module misread, yet no
			// read at most scales). The marks already place every module,
			// so read them where the form printed them.
			text, err = gridQR(img, r.Transform)
		}
		if err == nil {
			return parsePayload(text)
		}
	}
	text, err := decodeQR(grayView(img), false)
	if err != nil {
		return templates.QRPayload{}, fmt.Errorf("%w: the code at the top right may be smudged, torn or too faint; rescan at 200 dpi or more: %v",
			ErrNoQR, err)
	}
	return parsePayload(text)
}

func parsePayload(text string) (templates.QRPayload, error) {
	p, err := templates.ParseQRPayload(text)
	if err != nil {
		return templates.QRPayload{}, fmt.Errorf("the page's QR code was read but this is not a shinsei form (or is another document's code): %w", err)
	}
	return p, nil
}

// uprightQR resamples the QR box (with margin) onto an upright grid at about
// the scan's own resolution, undoing rotation and skew in one step so the
// decoder sees a straight symbol.
func uprightQR(img *image.Gray, t Affine) raster {
	ppm := math.Sqrt(math.Abs(t.det()))
	// Below ~6 px/mm modules get too few pixels; above ~16 we only spend time.
	ppm = math.Min(math.Max(ppm, 6), 16)
	x0 := templates.QRXMM - qrMarginMM
	y0 := templates.QRYMM - qrMarginMM
	size := templates.QRSizeMM + 2*qrMarginMM
	n := int(math.Ceil(size * ppm))
	out := raster{w: n, h: n, pix: make([]uint8, n*n)}
	b := img.Bounds()
	for v := 0; v < n; v++ {
		my := y0 + (float64(v)+0.5)/ppm
		for u := 0; u < n; u++ {
			mx := x0 + (float64(u)+0.5)/ppm
			px := t[0]*mx + t[1]*my + t[2]
			py := t[3]*mx + t[4]*my + t[5]
			out.pix[v*n+u] = bilinear(img, b, px, py)
		}
	}
	return out
}

// gridQR reads the QR box's modules where the renderer put them (the
// quiet zone inside the box, then n modules a side), trying each symbol
// size a shinsei payload can take, and hands the bits to gozxing's decoder
// without its detector. The code's own error correction rejects a wrong
// size or a misplaced grid.
func gridQR(img *image.Gray, t Affine) (string, error) {
	b := img.Bounds()
	err := errors.New("no symbol size fits")
	for n := 21; n <= 41; n += 4 { // versions 1 to 6
		const q = templates.QRQuietModules
		unit := templates.QRSizeMM / float64(n+2*q)
		vals := make([]float64, n*n)
		for y := range n {
			for x := range n {
				// The module's centre and four points a fifth of a module
				// around it, so a speck or a ragged edge does not decide.
				cx := templates.QRXMM + (float64(x+q)+0.5)*unit
				cy := templates.QRYMM + (float64(y+q)+0.5)*unit
				d := unit / 5
				var sum float64
				for _, o := range [5][2]float64{{0, 0}, {-d, 0}, {d, 0}, {0, -d}, {0, d}} {
					mx, my := cx+o[0], cy+o[1]
					sum += float64(bilinear(img, b, t[0]*mx+t[1]*my+t[2], t[3]*mx+t[4]*my+t[5]))
				}
				vals[y*n+x] = sum / 5
			}
		}
		sorted := slices.Clone(vals)
		slices.Sort(sorted)
		// Halfway between dark and light ink: a symbol is about half dark,
		// so the 5th and 95th percentiles are print and paper.
		cut := (sorted[len(sorted)/20] + sorted[len(sorted)*19/20]) / 2
		bits, e := gozxing.NewSquareBitMatrix(n)
		if e != nil {
			return "", e
		}
		for i, v := range vals {
			if v < cut {
				bits.Set(i%n, i/n)
			}
		}
		res, e := decodeBits(bits)
		if e == nil {
			return res, nil
		}
		err = e
	}
	return "", err
}

// decodeBits runs gozxing's decoder on sampled modules; like decodeQR it
// turns a panic into a failed read.
func decodeBits(bits *gozxing.BitMatrix) (text string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("QR decoder failed: %v", p)
		}
	}()
	res, err := decoder.NewDecoder().Decode(bits, nil)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// bilinear samples img at (x, y), pixel centres on integers; outside the
// image it is white paper.
func bilinear(img *image.Gray, b image.Rectangle, x, y float64) uint8 {
	fx, fy := math.Floor(x), math.Floor(y)
	ix, iy := int(fx), int(fy)
	if ix < b.Min.X || iy < b.Min.Y || ix+1 >= b.Max.X || iy+1 >= b.Max.Y {
		if ix >= b.Min.X && iy >= b.Min.Y && ix < b.Max.X && iy < b.Max.Y {
			return img.Pix[img.PixOffset(ix, iy)]
		}
		return 255
	}
	tx, ty := x-fx, y-fy
	o := img.PixOffset(ix, iy)
	p00, p10 := float64(img.Pix[o]), float64(img.Pix[o+1])
	p01, p11 := float64(img.Pix[o+img.Stride]), float64(img.Pix[o+img.Stride+1])
	v := (p00*(1-tx)+p10*tx)*(1-ty) + (p01*(1-tx)+p11*tx)*ty
	return uint8(v + 0.5)
}

// grayView presents the page to the decoder without a colour round trip;
// only a sub-image with padding between rows needs copying.
func grayView(img *image.Gray) raster {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if img.Stride == w {
		o := img.PixOffset(b.Min.X, b.Min.Y)
		return raster{w: w, h: h, pix: img.Pix[o : o+w*h]}
	}
	out := raster{w: w, h: h, pix: make([]uint8, w*h)}
	for y := 0; y < h; y++ {
		o := img.PixOffset(b.Min.X, b.Min.Y+y)
		copy(out.pix[y*w:(y+1)*w], img.Pix[o:o+w])
	}
	return out
}

// decodeQR runs gozxing's QR reader on r. gozxing is a port of ZXing and has
// panicked on malformed input before; a scan must never take down a worker,
// so a panic is turned into a failed read.
func decodeQR(r raster, global bool) (text string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("QR decoder failed: %v", p)
		}
	}()
	src := &grayLuminance{LuminanceSourceBase: gozxing.LuminanceSourceBase{Width: r.w, Height: r.h}, r: r}
	var bin gozxing.Binarizer
	if global {
		bin = gozxing.NewGlobalHistgramBinarizer(src)
	} else {
		bin = gozxing.NewHybridBinarizer(src)
	}
	bmp, err := gozxing.NewBinaryBitmap(bin)
	if err != nil {
		return "", err
	}
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// grayLuminance is a gozxing.LuminanceSource over 8-bit gray. gozxing's own
// image adapter goes through image.Image.At for every pixel, which on a
// whole page costs more than the decode.
type grayLuminance struct {
	gozxing.LuminanceSourceBase
	r raster
}

func (g *grayLuminance) GetRow(y int, row []byte) ([]byte, error) {
	if y < 0 || y >= g.r.h {
		return nil, fmt.Errorf("row %d outside image of height %d", y, g.r.h)
	}
	if len(row) < g.r.w {
		row = make([]byte, g.r.w)
	}
	copy(row, g.r.pix[y*g.r.w:(y+1)*g.r.w])
	return row, nil
}

func (g *grayLuminance) GetMatrix() []byte { return g.r.pix }

func (g *grayLuminance) Invert() gozxing.LuminanceSource {
	return gozxing.LuminanceSourceInvert(g)
}

func (g *grayLuminance) String() string { return gozxing.LuminanceSourceString(g) }
