package decode

import (
	"image"
	"image/color"
)

// toGray reduces any image to 8-bit luma with origin (0,0), compositing
// transparency over white (what the paper under a scan looks like). The
// common scanner models have direct loops; the generic path through
// RGBA64At is about ten times slower but still allocation-free per pixel.
// A *image.Gray already in shape is returned as it is.
func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if g, ok := img.(*image.Gray); ok && b.Min == (image.Point{}) && g.Stride == w {
		return g
	}
	dst := image.NewGray(image.Rect(0, 0, w, h))
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			off := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(dst.Pix[y*w:(y+1)*w], m.Pix[off:off+w])
		}
	case *image.Gray16:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			row := dst.Pix[y*w : (y+1)*w]
			for x := range row {
				row[x] = src[2*x] // the high byte, as color.GrayModel does
			}
		}
	case *image.YCbCr:
		// Y is the luma toGray wants (JFIF uses the same weights), and it
		// is stored at full resolution whatever the chroma subsampling.
		for y := 0; y < h; y++ {
			off := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(dst.Pix[y*w:(y+1)*w], m.Y[off:off+w])
		}
	case *image.NYCbCrA:
		for y := 0; y < h; y++ {
			yo, ao := m.YOffset(b.Min.X, b.Min.Y+y), m.AOffset(b.Min.X, b.Min.Y+y)
			row := dst.Pix[y*w : (y+1)*w]
			for x := range row {
				row[x] = overWhite(m.Y[yo+x], m.A[ao+x])
			}
		}
	case *image.RGBA:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			row := dst.Pix[y*w : (y+1)*w]
			for x := range row {
				p := src[4*x : 4*x+4 : 4*x+4]
				// Premultiplied: the white showing through is simply added.
				row[x] = uint8(luma8(p[0], p[1], p[2]) + 255 - uint32(p[3]))
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			row := dst.Pix[y*w : (y+1)*w]
			for x := range row {
				p := src[4*x : 4*x+4 : 4*x+4]
				row[x] = overWhite(uint8(luma8(p[0], p[1], p[2])), p[3])
			}
		}
	case *image.CMYK:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			row := dst.Pix[y*w : (y+1)*w]
			for x := range row {
				p := src[4*x : 4*x+4 : 4*x+4]
				row[x] = cmykGray(p[0], p[1], p[2], p[3])
			}
		}
	case *image.Paletted:
		lut := paletteGray(m.Palette)
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			row := dst.Pix[y*w : (y+1)*w]
			for x := range row {
				row[x] = lut[src[x]]
			}
		}
	case image.RGBA64Image:
		for y := 0; y < h; y++ {
			row := dst.Pix[y*w : (y+1)*w]
			for x := range row {
				c := m.RGBA64At(b.Min.X+x, b.Min.Y+y)
				row[x] = gray16(uint32(c.R), uint32(c.G), uint32(c.B), uint32(c.A))
			}
		}
	default:
		for y := 0; y < h; y++ {
			row := dst.Pix[y*w : (y+1)*w]
			for x := range row {
				r, g, bb, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				row[x] = gray16(r, g, bb, a)
			}
		}
	}
	return dst
}

// luma8 uses color.GrayModel's weights (ITU-R BT.601), so a colour scan and
// the same scan converted by any Go code agree.
func luma8(r, g, b uint8) uint32 {
	return (19595*uint32(r) + 38470*uint32(g) + 7471*uint32(b) + 1<<15) >> 16
}

// gray16 converts a premultiplied 16-bit colour, composited over white.
func gray16(r, g, b, a uint32) uint8 {
	y := (19595*r+38470*g+7471*b+1<<15)>>16 + 0xffff - a
	return uint8(min(y, 0xffff) >> 8)
}

// overWhite composites a non-premultiplied gray over white.
func overWhite(v, a uint8) uint8 {
	return uint8((uint32(v)*uint32(a) + 255*(255-uint32(a)) + 127) / 255)
}

// cmykGray uses the naive conversion color.CMYK does; without the
// scanner's ICC profile nothing better is possible, and gray forms need
// nothing better.
func cmykGray(c, m, y, k uint8) uint8 {
	w := 255 - uint32(k)
	r := (255 - uint32(c)) * w / 255
	g := (255 - uint32(m)) * w / 255
	b := (255 - uint32(y)) * w / 255
	return uint8(luma8(uint8(r), uint8(g), uint8(b)))
}

// paletteGray maps palette indices to gray; indices past the end of the
// palette (which image/png rejects, but other decoders may not) are white.
func paletteGray(p color.Palette) *[256]uint8 {
	var lut [256]uint8
	for i := range lut {
		lut[i] = 0xff
	}
	for i, c := range p {
		if i >= len(lut) {
			break
		}
		r, g, b, a := c.RGBA()
		lut[i] = gray16(r, g, b, a)
	}
	return &lut
}

// orientation is one of the eight ways an image can be stored relative to
// how it is shown: dst(X,Y) = src(i,j) with (i,j) = (X,Y), or (Y,X) when
// transposed, then i and/or j counted from the far edge when flipped.
type orientation struct {
	transpose, flipI, flipJ bool
}

// exifOrientation maps the EXIF/TIFF Orientation tag (1-8); anything else
// is treated as 1, as viewers do.
func exifOrientation(tag int) orientation {
	switch tag {
	case 2:
		return orientation{flipI: true}
	case 3:
		return orientation{flipI: true, flipJ: true}
	case 4:
		return orientation{flipJ: true}
	case 5:
		return orientation{transpose: true}
	case 6:
		return orientation{transpose: true, flipJ: true}
	case 7:
		return orientation{transpose: true, flipI: true, flipJ: true}
	case 8:
		return orientation{transpose: true, flipI: true}
	}
	return orientation{}
}

// apply returns src turned by o; src itself when o is the identity.
func (o orientation) apply(src *image.Gray) *image.Gray {
	if o == (orientation{}) {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if o.transpose {
		dw, dh = h, w
	}
	dst := image.NewGray(image.Rect(0, 0, dw, dh))
	if !o.transpose {
		for y := 0; y < dh; y++ {
			j := y
			if o.flipJ {
				j = h - 1 - y
			}
			s := src.Pix[j*src.Stride : j*src.Stride+w]
			d := dst.Pix[y*dw : (y+1)*dw]
			if !o.flipI {
				copy(d, s)
				continue
			}
			for x := range d {
				d[x] = s[w-1-x]
			}
		}
		return dst
	}
	// Transposed: dst row y reads source column i; walk the source in
	// tiles so that both sides stay in cache.
	const tile = 64
	for y0 := 0; y0 < dh; y0 += tile {
		for x0 := 0; x0 < dw; x0 += tile {
			for y := y0; y < min(y0+tile, dh); y++ {
				i := y
				if o.flipI {
					i = w - 1 - y
				}
				d := dst.Pix[y*dw : (y+1)*dw]
				for x := x0; x < min(x0+tile, dw); x++ {
					j := x
					if o.flipJ {
						j = h - 1 - x
					}
					d[x] = src.Pix[j*src.Stride+i]
				}
			}
		}
	}
	return dst
}
