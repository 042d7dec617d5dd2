package decode

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/image/tiff"
)

// walkTIFF decodes every page of a TIFF. golang.org/x/image/tiff reads only
// the first directory, but every offset in a TIFF is absolute, so page n
// is the same bytes with the header's first-directory offset pointing at
// directory n: ifdView presents exactly that, without copying the file.
//
// Reduced-resolution directories (thumbnails, NewSubfileType bit 0) are
// not pages and are skipped. A directory chain that breaks off after some
// pages yields those pages and then one failed page for the break, so the
// clerk learns the file was cut short instead of silently losing pages.
func (d *walker) walkTIFF() error {
	bo, first, ok := tiffHeader(d.data)
	if !ok {
		return toError(d.name, 0, newProblem(ErrTruncated, nil, "the TIFF file is cut short (it ends inside its header)", adviceResend))
	}
	offs, chainErr := tiffPages(d.data, bo, first, d.lim.MaxPages)
	if len(offs) == 0 && chainErr != nil {
		return toError(d.name, 0, chainErr)
	}
	if len(offs) == 0 {
		// A first-directory offset of 0, or only reduced-resolution
		// previews: without this the file would pass with no page and no
		// error, and get no record (found by FuzzTIFF).
		return toError(d.name, 0, newProblem(ErrNoImage, nil, "the TIFF file has no pages", adviceNoImage))
	}
	for i, off := range offs {
		if err := d.next(); err != nil {
			return err
		}
		p, err := safely(func() (Page, error) { return decodeTIFFPage(d.data, bo, off, d.lim) })
		if err := d.emit(i+1, p, err); err != nil {
			return err
		}
	}
	if chainErr != nil {
		return d.emit(len(offs)+1, Page{}, chainErr)
	}
	return nil
}

// tiffPages follows the directory chain, returning the offsets of the
// full-resolution pages, and why the chain stopped early, if it did.
func tiffPages(b []byte, bo binary.ByteOrder, first uint32, maxPages int) ([]uint32, error) {
	var offs []uint32
	seen := map[uint32]bool{}
	for off := first; off != 0; {
		if seen[off] {
			break // a loop: some writers link the last directory back to the first
		}
		seen[off] = true
		// Thumbnails do not count as pages, but a chain of a million of
		// them is not a scan either.
		if len(seen) > 4*maxPages+16 {
			return nil, newProblem(ErrCorrupt, nil, "the TIFF file is damaged (its page list does not end)", adviceRescanForm)
		}
		dir, err := readIFD(b, bo, off)
		if err != nil {
			if uint64(off) >= uint64(len(b)) || errors.Is(err, errIFDShort) {
				return offs, newProblem(ErrTruncated, err, "the TIFF file is cut short (a page is missing its data)", adviceResend)
			}
			return offs, newProblem(ErrCorrupt, err, "the TIFF file is damaged (its page list cannot be read)", adviceRescanForm)
		}
		if dir.subfileType&1 == 0 {
			offs = append(offs, off)
			if len(offs) > maxPages {
				return nil, newProblem(ErrTooLarge, nil, fmt.Sprintf("the file has more than %d pages", maxPages), adviceSplitPages)
			}
		}
		off = dir.next
	}
	return offs, nil
}

func decodeTIFFPage(b []byte, bo binary.ByteOrder, off uint32, lim Limits) (Page, error) {
	dir, err := readIFD(b, bo, off)
	if err != nil {
		return Page{}, imageProblem("tiff", err, nil)
	}
	// x/image/tiff would say "unsupported feature: compression value 7";
	// these are common enough to deserve their own words.
	switch dir.compression {
	case 6, 7:
		return Page{}, newProblem(ErrUnsupportedCodec, nil, "the TIFF page is JPEG-compressed inside TIFF, which cannot be read",
			"set the scanner to save TIFF with LZW, ZIP or G4 compression, or to save PDF or JPEG, and scan again")
	case 34712, 34713:
		return Page{}, newProblem(ErrUnsupportedCodec, nil, "the TIFF page is JPEG 2000-compressed, which cannot be read", adviceUnsupported)
	case 9, 10, 34661:
		return Page{}, newProblem(ErrUnsupportedCodec, nil, "the TIFF page is JBIG-compressed, which cannot be read", adviceUnsupported)
	}
	if err := checkPixels(int(dir.width), int(dir.height), lim); err != nil {
		return Page{}, err
	}
	v := &ifdView{b: b, off: off, bo: bo}
	// DecodeConfig repeats x/image/tiff's own checks (sample formats,
	// photometric) so that unsupported ones fail before the pixels are
	// allocated, and confirms the size checked above.
	cfg, err := tiff.DecodeConfig(v)
	if err != nil {
		return Page{}, imageProblem("tiff", err, nil)
	}
	if err := checkPixels(cfg.Width, cfg.Height, lim); err != nil {
		return Page{}, err
	}
	img, err := tiff.Decode(v)
	if err != nil {
		return Page{}, imageProblem("tiff", err, nil)
	}
	g := exifOrientation(int(dir.orientation)).apply(toGray(img))
	return Page{Image: g, DPI: dir.dpi(), Source: "tiff"}, nil
}

// ifdView is a TIFF file whose header points at the directory at off.
// It implements io.ReaderAt, which x/image/tiff uses directly instead of
// buffering its own copy.
type ifdView struct {
	b   []byte
	off uint32
	bo  binary.ByteOrder
	pos int64
}

func (v *ifdView) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= int64(len(v.b)) {
		return 0, io.EOF
	}
	n := copy(p, v.b[off:])
	// Patch the first-directory offset (bytes 4-7) where p overlaps it.
	var hdr [4]byte
	v.bo.PutUint32(hdr[:], v.off)
	for i := int64(4); i < 8; i++ {
		if j := i - off; j >= 0 && j < int64(n) {
			p[j] = hdr[i-4]
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (v *ifdView) Read(p []byte) (int, error) {
	n, err := v.ReadAt(p, v.pos)
	v.pos += int64(n)
	return n, err
}
