package mfp

import (
	"fmt"
	"image"
)

// Layering is how an MRC page puts its sharp text layer over the
// background.
type Layering int

const (
	// ExplicitMask: a low-resolution foreground colour image with /Mask,
	// a full-resolution 1-bit mask (Canon, Ricoh and Sharp 高圧縮PDF).
	ExplicitMask Layering = iota
	// SoftMask: the foreground with /SMask, an 8-bit full-resolution
	// alpha (antialiased text layers).
	SoftMask
	// Stencil: a full-resolution 1-bit stencil mask painted in black over
	// the background.
	Stencil
)

func (l Layering) String() string {
	switch l {
	case ExplicitMask:
		return "mask"
	case SoftMask:
		return "smask"
	case Stencil:
		return "stencil"
	}
	return fmt.Sprintf("Layering(%d)", int(l))
}

// inkBelow separates text from paper, as an MFP's segmenter does.
const inkBelow = 160

// MRC saves page (at dpi) as a layered compact PDF: the background at half
// resolution as JPEG with the text lifted out (filled with paper), and the
// text as a full-resolution layer over it. The background is the largest
// image on the page and holds no text; a reader that decodes only the
// largest image sees a blank page.
func MRC(page *image.Gray, dpi float64, l Layering) ([]byte, error) {
	w, h := page.Rect.Dx(), page.Rect.Dy()
	px := rows(page)
	paper := paperTone(px)
	ink := func(x, y int) bool { return px[y*w+x] < inkBelow }

	// Background: half resolution, text replaced by paper.
	bw, bh := (w+1)/2, (h+1)/2
	bg := image.NewGray(image.Rect(0, 0, bw, bh))
	for y := range bh {
		for x := range bw {
			sum, n := 0, 0
			for dy := range 2 {
				for dx := range 2 {
					sx, sy := 2*x+dx, 2*y+dy
					if sx >= w || sy >= h {
						continue
					}
					v := int(px[sy*w+sx])
					if ink(sx, sy) {
						v = int(paper)
					}
					sum, n = sum+v, n+1
				}
			}
			bg.Pix[y*bw+x] = uint8(sum / n)
		}
	}
	bgJPEG, err := encodeJPEG(bg, 80)
	if err != nil {
		return nil, err
	}

	wPt, hPt := pagePoints(w, h, dpi)
	d := &pdfDoc{}
	bgNr := d.add(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", bw, bh), bgJPEG)
	content := fullPage("Bg", wPt, hPt)
	xobjs := map[string]int{"Bg": bgNr}

	switch l {
	case Stencil:
		// Painted where the sample is 0: ink is 0.
		m := bits(w, h, func(x, y int) bool { return !ink(x, y) })
		fg := d.add(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ImageMask true /BitsPerComponent 1 /Filter /FlateDecode", w, h), zlibBytes(m))
		content += "q 0 g " + fullPage("Fg", wPt, hPt)[2:]
		xobjs["Fg"] = fg
	case ExplicitMask, SoftMask:
		// The foreground's colour at quarter resolution: the mean of the
		// ink under each cell, as MFPs keep pen colour coarsely.
		fw, fh := (w+3)/4, (h+3)/4
		fgc := make([]byte, fw*fh)
		for y := range fh {
			for x := range fw {
				sum, n := 0, 0
				for sy := 4 * y; sy < min(4*y+4, h); sy++ {
					for sx := 4 * x; sx < min(4*x+4, w); sx++ {
						if ink(sx, sy) {
							sum, n = sum+int(px[sy*w+sx]), n+1
						}
					}
				}
				if n > 0 {
					fgc[y*fw+x] = uint8(sum / n)
				}
			}
		}
		var mask int
		if l == ExplicitMask {
			// An explicit mask paints the image where the sample is 0.
			m := bits(w, h, func(x, y int) bool { return !ink(x, y) })
			mask = d.add(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ImageMask true /BitsPerComponent 1 /Filter /FlateDecode", w, h), zlibBytes(m))
		} else {
			// Alpha that puts the page's own ink grey back over white
			// paper: paper·(1−a) + 0·a = v.
			a := make([]byte, w*h)
			for i, v := range px {
				if v < inkBelow {
					a[i] = 255 - uint8(int(v)*255/int(max(paper, 1)))
				}
			}
			mask = d.add(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", w, h), zlibBytes(a))
			for i := range fgc {
				fgc[i] = 0 // the alpha carries the grey
			}
		}
		key := "Mask"
		if l == SoftMask {
			key = "SMask"
		}
		fg := d.add(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /%s %d 0 R", fw, fh, key, mask), zlibBytes(fgc))
		content += fullPage("Fg", wPt, hPt)
		xobjs["Fg"] = fg
	}
	return d.page(wPt, hPt, content, xobjs), nil
}

// paperTone is the page's light background level: the 90th percentile.
func paperTone(px []byte) uint8 {
	var hist [256]int
	for _, v := range px {
		hist[v]++
	}
	want := len(px) * 9 / 10
	n := 0
	for v, c := range hist {
		if n += c; n >= want {
			return uint8(v)
		}
	}
	return 255
}
