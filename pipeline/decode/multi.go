package decode

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/gif"
)

// Formats that look like one picture can hold several: a GIF has frames,
// a PNG can carry APNG frames that image/png never shows, and a JPEG can
// have more pictures appended after its end (MPO, "Ultra HDR" gain maps,
// or plain concatenation). A viewer, and image.Decode, show only the
// first. A hidden second image (an answer sheet with its PINs behind an
// application) would then be neither read nor redacted, and a file kept
// as an original would keep it. So every image a file holds is either
// read as a page (GIF frames, like TIFF pages) or the file is refused,
// and SingleImage says true only for a file that holds exactly the one
// image decoded and nothing after it.

// gifFrame is one image of a GIF: its graphic control extension (which
// carries the transparent index) and its image descriptor block, from the
// 0x2C separator to the end of its data sub-blocks.
type gifFrame struct {
	gce        []byte
	start, end int
}

// gifLayout is a GIF's block structure, read without decoding pixels.
type gifLayout struct {
	head   int // end of header, screen descriptor and global colour table
	frames []gifFrame
	end    int // just after the trailer; 0 when there is none
}

// readGIFLayout walks a GIF's blocks. It returns the frames found before
// any damage, and a problem when the structure breaks off or is invalid.
func readGIFLayout(b []byte) (gifLayout, error) {
	var g gifLayout
	short := newProblem(ErrTruncated, nil, "GIF画像が途中で切れています（ファイルが不完全です） / the GIF image is cut short (the file is incomplete)", adviceResend)
	if len(b) < 13 {
		return g, short
	}
	off := 13
	if b[10]&0x80 != 0 {
		off += 3 << (1 + int(b[10]&7))
	}
	if off > len(b) {
		return g, short
	}
	g.head = off
	// subBlocks returns the offset after a chain of data sub-blocks.
	subBlocks := func(i int) (int, bool) {
		for i < len(b) {
			n := int(b[i])
			i++
			if n == 0 {
				return i, true
			}
			i += n
		}
		return i, false
	}
	var gce []byte
	for {
		if off >= len(b) {
			return g, short
		}
		switch b[off] {
		case 0x21: // extension: label, then sub-blocks
			if off+2 > len(b) {
				return g, short
			}
			next, ok := subBlocks(off + 2)
			if !ok {
				return g, short
			}
			if b[off+1] == 0xf9 {
				gce = b[off:next]
			}
			off = next
		case 0x2c: // image descriptor, local colour table, LZW data
			i := off + 10
			if i > len(b) {
				return g, short
			}
			if b[off+9]&0x80 != 0 {
				i += 3 << (1 + int(b[off+9]&7))
			}
			i++ // LZW minimum code size
			if i > len(b) {
				return g, short
			}
			next, ok := subBlocks(i)
			if !ok {
				return g, short
			}
			g.frames = append(g.frames, gifFrame{gce: gce, start: off, end: next})
			gce, off = nil, next
		case 0x3b:
			g.end = off + 1
			return g, nil
		default:
			return g, newProblem(ErrCorrupt, nil, "GIF画像が壊れていて読み取れません / the GIF image is damaged and cannot be read", adviceRescan)
		}
	}
}

// walkGIF reads every frame of a GIF as a page, as walkTIFF reads every
// directory: a GIF of several frames is several pictures, and each is
// looked at. A frame is drawn alone, at its place on the logical screen,
// over white: what the frame itself holds, not what an animation shows
// after it (which may cover it).
func (d *walker) walkGIF() error {
	g, layoutErr := readGIFLayout(d.data)
	if len(g.frames) == 0 {
		// Nothing to split: the codec words what is wrong.
		p, err := safely(func() (Page, error) { return decodeRaster(d.data, fmtGIF, d.lim) })
		return d.emit(1, p, err)
	}
	if len(g.frames) > d.lim.MaxPages {
		return toError(d.name, 0, newProblem(ErrTooLarge, nil, fmt.Sprintf("ページ数が上限の%dを超えています / the file has more than %d pages", d.lim.MaxPages, d.lim.MaxPages), adviceSplitPages))
	}
	for i, fr := range g.frames {
		if err := d.next(); err != nil {
			return err
		}
		p, err := safely(func() (Page, error) { return decodeGIFFrame(d.data, g.head, fr, d.lim) })
		if err := d.emit(i+1, p, err); err != nil {
			return err
		}
	}
	if layoutErr != nil {
		return d.emit(len(g.frames)+1, Page{}, layoutErr)
	}
	return nil
}

// decodeGIFFrame decodes one frame by handing image/gif a GIF of that one
// frame: the same header and colour table, the frame's own control block
// and image block, and a trailer.
func decodeGIFFrame(b []byte, head int, fr gifFrame, lim Limits) (Page, error) {
	one := make([]byte, 0, head+len(fr.gce)+fr.end-fr.start+1)
	one = append(one, b[:head]...)
	one = append(one, fr.gce...)
	one = append(one, b[fr.start:fr.end]...)
	one = append(one, 0x3b)
	cfg, err := gif.DecodeConfig(bytes.NewReader(one))
	if err != nil {
		return Page{}, imageProblem("gif", err, one)
	}
	if err := checkPixels(cfg.Width, cfg.Height, lim); err != nil {
		return Page{}, err
	}
	img, err := gif.Decode(bytes.NewReader(one))
	if err != nil {
		return Page{}, imageProblem("gif", err, one)
	}
	frame := toGray(img)
	r := img.Bounds()
	if r == image.Rect(0, 0, cfg.Width, cfg.Height) {
		return Page{Image: frame, Source: "gif"}, nil
	}
	page := image.NewGray(image.Rect(0, 0, cfg.Width, cfg.Height))
	for i := range page.Pix {
		page.Pix[i] = 0xff
	}
	for y := 0; y < r.Dy(); y++ {
		copy(page.Pix[page.PixOffset(r.Min.X, r.Min.Y+y):], frame.Pix[y*frame.Stride:y*frame.Stride+r.Dx()])
	}
	return Page{Image: page, Source: "gif"}, nil
}

// pngLayout is what a PNG holds besides its image: APNG animation and
// where its IEND chunk ends (0 when there is none).
type pngLayout struct {
	frames int // acTL's frame count; 0 for a still PNG
	fdAT   int // frame data chunks beyond the default image
	end    int
}

func readPNGLayout(b []byte) pngLayout {
	var l pngLayout
	for off := 8; off+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		if n < 0 || n > len(b)-off-12 {
			break
		}
		switch string(b[off+4 : off+8]) {
		case "acTL":
			if n >= 4 {
				l.frames = int(binary.BigEndian.Uint32(b[off+8:]) & 0x7fffffff)
			}
		case "fdAT":
			l.fdAT++
		case "IEND":
			l.end = off + 12 + n
			return l
		}
		off += 12 + n
	}
	return l
}

// jpegEnd returns the offset just after the end-of-image marker of the
// JPEG that starts b, or 0 when it cannot be found. Entropy-coded data is
// skipped marker by marker: there a 0xFF is followed by 0x00 (stuffing),
// a restart marker or fill bytes, never by another marker's code.
func jpegEnd(b []byte) int {
	off := 2
	for off+2 <= len(b) {
		if b[off] != 0xff {
			return 0
		}
		m := b[off+1]
		switch {
		case m == 0xff:
			off++
			continue
		case m == 0xd9:
			return off + 2
		case m == 0x01 || m >= 0xd0 && m <= 0xd8:
			off += 2
			continue
		}
		if off+4 > len(b) {
			return 0
		}
		off += 2 + int(binary.BigEndian.Uint16(b[off+2:]))
		if m != 0xda {
			continue
		}
		// Scan data runs to the next marker that is not a restart.
		for off+1 < len(b) {
			if b[off] == 0xff {
				if c := b[off+1]; c != 0 && c != 0xff && (c < 0xd0 || c > 0xd7) {
					break
				}
			}
			off++
		}
	}
	return 0
}

var jpegSOI = []byte{0xff, 0xd8, 0xff}

// refuseHidden refuses a PNG or JPEG that holds images image.Decode would
// not show: they cannot be read, and reading only the first would pass the
// file as one page.
func refuseHidden(b []byte, f format) error {
	switch f {
	case fmtPNG:
		if l := readPNGLayout(b); l.frames > 1 || l.fdAT > 0 {
			return newProblem(ErrUnsupportedCodec, nil,
				fmt.Sprintf("アニメーションPNG（%d枚の画像）は読み取れません / the PNG file is animated (APNG) and holds %d images, of which only the first could be read", max(l.frames, 2), max(l.frames, 2)),
				"1ページずつPNGで保存するか、PDFかTIFFにスキャンし直して、もう一度送ってください / save each page as its own PNG, or scan the pages to one PDF or TIFF, and send it again")
		}
	case fmtJPEG:
		if end := jpegEnd(b); end > 0 && bytes.Contains(b[end:], jpegSOI) {
			return newProblem(ErrUnsupportedCodec, nil,
				"複数の画像が入ったJPEG（MPO・HDR写真など）は読み取れません / the JPEG file holds more than one image (a multi-picture, HDR or joined file), of which only the first could be read",
				"普通のJPEG（HDRなし）で保存し直すか、紙の様式をスキャンし直して、もう一度送ってください / save it again as an ordinary JPEG (HDR off), or scan the paper form, and send it again")
		}
	}
	return nil
}

// oneImage reports whether a PNG, JPEG, GIF or BMP file holds exactly one
// image and ends where that image ends. Anything else (an embedded
// thumbnail, appended data, a second frame) may be a picture nobody read.
func oneImage(b []byte, f format) bool {
	switch f {
	case fmtPNG:
		l := readPNGLayout(b)
		return l.frames <= 1 && l.fdAT == 0 && l.end == len(b)
	case fmtJPEG:
		end := jpegEnd(b)
		// One start-of-image marker: an EXIF thumbnail is a second JPEG.
		return end == len(b) && bytes.Count(b, jpegSOI) == 1
	case fmtGIF:
		g, err := readGIFLayout(b)
		return err == nil && len(g.frames) == 1 && g.end == len(b)
	case fmtBMP:
		return len(b) >= 6 && int64(binary.LittleEndian.Uint32(b[2:])) == int64(len(b))
	}
	return false
}
