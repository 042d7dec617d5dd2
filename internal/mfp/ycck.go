package mfp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"math"
)

// CMYKStorage is how a CMYK JPEG's samples relate to ink.
type CMYKStorage int

const (
	// InkAsIs stores the ink amounts (0 = no ink), as PDF defines a
	// DeviceCMYK JPEG and as Photoshop writes one into a PDF.
	InkAsIs CMYKStorage = iota
	// AdobeInverted stores 255 − ink, as Adobe software writes stand-alone
	// CMYK JPEG files; in a PDF such an image needs /Decode [1 0 1 0 1 0 1 0].
	AdobeInverted
)

// YCCK encodes page as a four-component JPEG with the Adobe marker's
// transform 2 (YCCK): cyan, magenta and yellow travel as YCbCr, black as
// it is. The page's grey is split evenly into rich black: with
// c = m = y and k chosen so that (255−c)(255−k)/255 is the grey, the
// usual CMYK-to-grey conversion gives the page back.
//
// Go's encoder writes no four-component JPEG, so the file is spliced from
// two that it writes at the same quality (hence the same tables): a colour
// JPEG of the inverted CMY as RGB (libjpeg's YCCK transform is exactly
// that) and a grey JPEG of K, which becomes the second, non-interleaved
// scan of a baseline JPEG with component sampling [2×2 1×1 1×1 2×2].
func YCCK(page *image.Gray, storage CMYKStorage, quality int) ([]byte, error) {
	b := page.Rect
	w, h := b.Dx(), b.Dy()
	cmy := image.NewRGBA(image.Rect(0, 0, w, h))
	k := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			g := float64(page.Pix[page.PixOffset(b.Min.X+x, b.Min.Y+y)])
			white := math.Sqrt(g * 255) // 255 − ink, for each of c and k
			inkC := uint8(math.Round(255 - white))
			inkK := inkC
			// libjpeg returns C = 255 − R, and passes K through.
			var r, kk uint8
			if storage == AdobeInverted {
				r, kk = inkC, 255-inkK
			} else {
				r, kk = 255-inkC, inkK
			}
			i := cmy.PixOffset(x, y)
			cmy.Pix[i], cmy.Pix[i+1], cmy.Pix[i+2], cmy.Pix[i+3] = r, r, r, 255
			k.Pix[y*w+x] = kk
		}
	}
	colour, err := encodeJPEG(cmy, quality)
	if err != nil {
		return nil, err
	}
	black, err := encodeJPEG(k, quality)
	if err != nil {
		return nil, err
	}
	cs, err := segments(colour)
	if err != nil {
		return nil, fmt.Errorf("colour JPEG: %w", err)
	}
	ks, err := segments(black)
	if err != nil {
		return nil, fmt.Errorf("black JPEG: %w", err)
	}
	if !bytes.Equal(cs.dqt[5:5+64], ks.dqt[5:5+64]) {
		return nil, errors.New("the two JPEGs' luminance tables differ")
	}

	var out bytes.Buffer
	out.Write([]byte{0xff, 0xd8})
	// APP14 "Adobe": version 100, no flags, transform 2 (YCCK).
	out.Write([]byte{0xff, 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 2})
	out.Write(cs.dqt)
	sof := []byte{0xff, 0xc0, 0, 20, 8}
	sof = binary.BigEndian.AppendUint16(sof, uint16(h))
	sof = binary.BigEndian.AppendUint16(sof, uint16(w))
	sof = append(sof, 4, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 4, 0x22, 0)
	out.Write(sof)
	out.Write(cs.dht)
	out.Write(cs.sos)
	out.Write(cs.data)
	// Component 4 alone, with the luminance tables (DC 0, AC 0).
	out.Write([]byte{0xff, 0xda, 0, 8, 1, 4, 0x00, 0, 63, 0})
	out.Write(ks.data)
	out.Write([]byte{0xff, 0xd9})
	return out.Bytes(), nil
}

// jpegParts are the pieces of a baseline JPEG from image/jpeg.
type jpegParts struct {
	dqt, dht, sos []byte // whole segments, marker included
	data          []byte // entropy-coded data of the one scan
}

func segments(j []byte) (jpegParts, error) {
	var p jpegParts
	if len(j) < 4 || j[0] != 0xff || j[1] != 0xd8 {
		return p, errors.New("no SOI")
	}
	for off := 2; off+4 <= len(j); {
		if j[off] != 0xff {
			return p, fmt.Errorf("no marker at %d", off)
		}
		m := j[off+1]
		n := int(binary.BigEndian.Uint16(j[off+2:]))
		if off+2+n > len(j) {
			return p, errors.New("segment past the end")
		}
		seg := j[off : off+2+n]
		switch m {
		case 0xdb:
			p.dqt = seg
		case 0xc4:
			p.dht = seg
		case 0xda:
			p.sos = seg
			rest := j[off+2+n:]
			if len(rest) < 2 || rest[len(rest)-2] != 0xff || rest[len(rest)-1] != 0xd9 {
				return p, errors.New("no EOI after the scan")
			}
			p.data = rest[:len(rest)-2]
			if p.dqt == nil || p.dht == nil {
				return p, errors.New("tables missing")
			}
			return p, nil
		}
		off += 2 + n
	}
	return p, errors.New("no scan")
}

// CMYKPDF puts a CMYK JPEG (from YCCK) on a page of its size at dpi,
// declared /DeviceCMYK, with the /Decode array its storage needs.
func CMYKPDF(jpegData []byte, w, h int, dpi float64, storage CMYKStorage) []byte {
	wPt, hPt := pagePoints(w, h, dpi)
	dec := ""
	if storage == AdobeInverted {
		dec = " /Decode [1 0 1 0 1 0 1 0]"
	}
	d := &pdfDoc{}
	im := d.add(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceCMYK /BitsPerComponent 8 /Filter /DCTDecode%s", w, h, dec), jpegData)
	return d.page(wPt, hPt, fullPage("Im0", wPt, hPt), map[string]int{"Im0": im})
}
