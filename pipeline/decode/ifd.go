package decode

import (
	"encoding/binary"
	"errors"
	"math"
)

// A TIFF image file directory, reduced to what this package needs. The
// same structure holds a JPEG's EXIF data, so one reader serves both.
// golang.org/x/image/tiff reads only the first directory and exposes no
// resolution or orientation, hence this.
type ifd struct {
	width, height uint32
	compression   uint32
	photometric   uint32
	t4Options     uint32 // Group 3 options: bit 0 set for two-dimensional coding
	orientation   uint32
	subfileType   uint32
	xres, yres    float64
	resUnit       uint32
	next          uint32 // offset of the next directory, 0 at the end
}

// TIFF tags.
const (
	tagNewSubfileType = 254
	tagImageWidth     = 256
	tagImageLength    = 257
	tagCompression    = 259
	tagPhotometric    = 262
	tagOrientation    = 274
	tagT4Options      = 292
	tagXResolution    = 282
	tagYResolution    = 283
	tagResolutionUnit = 296
)

var (
	errIFDOutside = errors.New("directory lies outside the file")
	errIFDShort   = errors.New("directory runs past the end of the file")
)

// tiffHeader parses the 8-byte classic TIFF header.
func tiffHeader(b []byte) (binary.ByteOrder, uint32, bool) {
	if len(b) < 8 {
		return nil, 0, false
	}
	var bo binary.ByteOrder
	switch string(b[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return nil, 0, false
	}
	return bo, bo.Uint32(b[4:8]), true
}

// readIFD reads the directory at off. Values that point outside b are
// left at zero rather than failing: a bad resolution should not cost the
// page when the image itself is intact (x/image/tiff will judge that).
func readIFD(b []byte, bo binary.ByteOrder, off uint32) (ifd, error) {
	d := ifd{resUnit: 2}
	if off < 8 || uint64(off)+2 > uint64(len(b)) {
		return d, errIFDOutside
	}
	n := int(bo.Uint16(b[off:]))
	start := int(off) + 2
	if start+12*n+4 > len(b) {
		return d, errIFDShort
	}
	for i := 0; i < n; i++ {
		e := b[start+12*i : start+12*i+12]
		tag, typ, count := bo.Uint16(e), bo.Uint16(e[2:]), bo.Uint32(e[4:])
		if count == 0 {
			continue
		}
		switch tag {
		case tagNewSubfileType:
			d.subfileType = ifdInt(e, typ, bo)
		case tagImageWidth:
			d.width = ifdInt(e, typ, bo)
		case tagImageLength:
			d.height = ifdInt(e, typ, bo)
		case tagCompression:
			d.compression = ifdInt(e, typ, bo)
		case tagPhotometric:
			d.photometric = ifdInt(e, typ, bo)
		case tagOrientation:
			d.orientation = ifdInt(e, typ, bo)
		case tagT4Options:
			d.t4Options = ifdInt(e, typ, bo)
		case tagXResolution:
			d.xres = ifdRational(b, e, typ, bo)
		case tagYResolution:
			d.yres = ifdRational(b, e, typ, bo)
		case tagResolutionUnit:
			d.resUnit = ifdInt(e, typ, bo)
		}
	}
	d.next = bo.Uint32(b[start+12*n:])
	return d, nil
}

// ifdInt reads the first value of a BYTE, SHORT or LONG entry, which
// always fits in the entry itself.
func ifdInt(e []byte, typ uint16, bo binary.ByteOrder) uint32 {
	switch typ {
	case 1: // BYTE
		return uint32(e[8])
	case 3: // SHORT
		return uint32(bo.Uint16(e[8:]))
	case 4: // LONG
		return bo.Uint32(e[8:])
	}
	return 0
}

func ifdRational(b, e []byte, typ uint16, bo binary.ByteOrder) float64 {
	if typ != 5 { // RATIONAL
		return float64(ifdInt(e, typ, bo))
	}
	off := bo.Uint32(e[8:])
	if uint64(off)+8 > uint64(len(b)) {
		return 0
	}
	num, den := bo.Uint32(b[off:]), bo.Uint32(b[off+4:])
	if den == 0 {
		return 0
	}
	return float64(num) / float64(den)
}

// dpi converts the directory's horizontal resolution to dots per inch.
func (d ifd) dpi() float64 {
	switch d.resUnit {
	case 2: // inch
		return roundDPI(d.xres)
	case 3: // centimetre
		return roundDPI(d.xres * 2.54)
	}
	return 0 // "no absolute unit": only the aspect ratio is known
}

// roundDPI hides the noise of formats that store pixels per metre
// (300 dpi is 11811 px/m, which reads back as 299.9994).
func roundDPI(v float64) float64 {
	if !(v > 0) || math.IsInf(v, 0) || v > 1e6 {
		return 0
	}
	return math.Round(v*100) / 100
}
