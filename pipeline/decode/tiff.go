package decode

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
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
		return toError(d.name, 0, newProblem(ErrTruncated, nil, "TIFFファイルが途中で切れています（ヘッダーの途中で終わっています） / the TIFF file is cut short (it ends inside its header)", adviceResend))
	}
	offs, chainErr := tiffPages(d.data, bo, first, d.lim.MaxPages)
	if len(offs) == 0 && chainErr != nil {
		return toError(d.name, 0, chainErr)
	}
	if len(offs) == 0 {
		// A first-directory offset of 0, or only reduced-resolution
		// previews: without this the file would pass with no page and no
		// error, and get no record (found by FuzzTIFF).
		return toError(d.name, 0, newProblem(ErrNoImage, nil, "TIFFファイルにページがありません / the TIFF file has no pages", adviceNoImage))
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
			return nil, newProblem(ErrCorrupt, nil, "TIFFファイルが壊れています（ページの一覧が終わりません） / the TIFF file is damaged (its page list does not end)", adviceRescanForm)
		}
		dir, err := readIFD(b, bo, off)
		if err != nil {
			if uint64(off) >= uint64(len(b)) || errors.Is(err, errIFDShort) {
				return offs, newProblem(ErrTruncated, err, "TIFFファイルが途中で切れています（ページのデータが欠けています） / the TIFF file is cut short (a page is missing its data)", adviceResend)
			}
			return offs, newProblem(ErrCorrupt, err, "TIFFファイルが壊れています（ページの一覧が読めません） / the TIFF file is damaged (its page list cannot be read)", adviceRescanForm)
		}
		if dir.subfileType&1 == 0 {
			offs = append(offs, off)
			if len(offs) > maxPages {
				return nil, newProblem(ErrTooLarge, nil, fmt.Sprintf("ページ数が上限の%dを超えています / the file has more than %d pages", maxPages, maxPages), adviceSplitPages)
			}
		}
		off = dir.next
	}
	return offs, nil
}

// decodeTIFFPage reads one directory's image. Fax pages (CCITT G4 and
// one-dimensional G3) are read whichever photometric they were saved with;
// two-dimensional G3, which x/image/tiff cannot read, is refused.
func decodeTIFFPage(b []byte, bo binary.ByteOrder, off uint32, lim Limits) (Page, error) {
	dir, err := readIFD(b, bo, off)
	if err != nil {
		return Page{}, imageProblem("tiff", err, nil)
	}
	// x/image/tiff would say "unsupported feature: compression value 7";
	// these are common enough to deserve their own words.
	switch dir.compression {
	case 6, 7:
		return Page{}, newProblem(ErrUnsupportedCodec, nil, "TIFFの中がJPEG圧縮のページは読み取れません / the TIFF page is JPEG-compressed inside TIFF, which cannot be read",
			"スキャナーをLZW・ZIP・G4圧縮のTIFF、またはPDFかJPEGで保存する設定にして、スキャンし直してください / set the scanner to save TIFF with LZW, ZIP or G4 compression, or to save PDF or JPEG, and scan again")
	case 34712, 34713:
		return Page{}, newProblem(ErrUnsupportedCodec, nil, "JPEG 2000圧縮のTIFFページは読み取れません / the TIFF page is JPEG 2000-compressed, which cannot be read", adviceUnsupported)
	case 3:
		if dir.t4Options&1 != 0 {
			return Page{}, newProblem(ErrUnsupportedCodec, nil, "二次元G3（ファクス）圧縮のTIFFページは読み取れません / the TIFF page uses two-dimensional Group 3 fax compression, which cannot be read",
				"スキャナーをG4圧縮のTIFFかPDFで保存する設定にして、スキャンし直してください / set the scanner to save TIFF with G4 compression, or to save PDF, and scan again")
		}
	case 9, 10, 34661:
		return Page{}, newProblem(ErrUnsupportedCodec, nil, "JBIG圧縮のTIFFページは読み取れません / the TIFF page is JBIG-compressed, which cannot be read", adviceUnsupported)
	}
	if err := checkPixelsAt(int(dir.width), int(dir.height), dir.dpi(), lim); err != nil {
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
	gray := toGray(img)
	if faxBlackIsZero(dir) {
		invertGray(gray)
	}
	g := exifOrientation(int(dir.orientation)).apply(gray)
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

// faxBlackIsZero reports a fax-compressed (CCITT) page saved "black is
// zero". Fax codes describe runs of 0 and 1 bits, and libtiff, which
// writes most such files, codes a 0 bit as a "white" run whatever the
// photometric says: with BlackIsZero the paper is coded as "black" runs.
// x/image/tiff reads the run colours as the page's colours instead, so
// such a page comes out as its own negative unless turned back.
func faxBlackIsZero(dir ifd) bool {
	return (dir.compression == 2 || dir.compression == 3 || dir.compression == 4) && dir.photometric == 1
}

func invertGray(g *image.Gray) {
	b := g.Rect
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := g.Pix[g.PixOffset(b.Min.X, y):g.PixOffset(b.Max.X, y)]
		for i, v := range row {
			row[i] = 255 - v
		}
	}
}
