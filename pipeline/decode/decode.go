// Package decode turns whatever file a scanner produced into one 8-bit
// gray image per page, and turns everything else into an error a clerk can
// act on.
//
// It is the first stage of the pipeline and the only one that sees files
// from outside: scanners at the counter, folders people copy into, phones.
// So it trusts nothing. The format is detected from the content, never the
// name; image dimensions are checked before any pixel memory is allocated,
// so a small file that claims a huge image (a decompression bomb) costs
// nothing; and every failure is an *Error naming the file and page, saying
// what is wrong and what to do, in Japanese and English, so that nothing a
// citizen handed in is silently lost. A bad page in a multi-page file does
// not stop the others.
//
// Supported: PDF (the largest image drawn on each page, or its strips
// stacked; JPEG, Flate, LZW, RunLength, CCITT G3/G4 and uncompressed
// images in any common colour space, CMYK and YCCK JPEGs included),
// TIFF (every page; uncompressed, LZW, Deflate, PackBits, CCITT G3/G4),
// PNG, JPEG (EXIF orientation honoured), GIF (every frame, as a page) and
// BMP. A PDF page this package cannot decode faithfully by itself — JBIG2
// or JPEG 2000 images, images with a /Mask or /SMask, layered "compact"
// (MRC) pages, other colour spaces and filters — is drawn by Poppler's
// pdftocairo (see RendererProgram). Refused with advice: encrypted PDFs,
// JPEG-in-TIFF, BigTIFF, WebP, HEIC, animated PNG (APNG), a JPEG with more
// images after its end (MPO, HDR gain maps, joined files) and anything
// that is not a scan.
package decode

import (
	"context"
	"fmt"
	"image"
	"time"
)

// Default limits. 60 megapixels holds A4 at 600 dpi (35 MP) with room for
// a larger sheet; beyond it a page is more likely a mistake (or an attack)
// than a form. 200 pages is a thick batch from a document feeder.
const (
	DefaultMaxPixels    = 60_000_000
	DefaultMaxPages     = 200
	DefaultMaxFileBytes = 200 << 20
)

// Limits bound what Decode will accept. A zero field means its default.
type Limits struct {
	// MaxPixels is the most pixels one page image may have (width×height).
	MaxPixels int64
	// MaxPages is the most pages one file may have, counted in the
	// file's page tree (not taken from the count it declares).
	MaxPages int
	// MaxFileBytes is the largest file accepted.
	MaxFileBytes int64
	// RenderTimeout bounds the drawing of one PDF page by the renderer
	// (see RendererProgram).
	RenderTimeout time.Duration
}

func (l Limits) withDefaults() Limits {
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	if l.MaxPages <= 0 {
		l.MaxPages = DefaultMaxPages
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultMaxFileBytes
	}
	if l.RenderTimeout <= 0 {
		l.RenderTimeout = DefaultRenderTimeout
	}
	return l
}

// Page is one decoded page.
type Page struct {
	// Number is the page's position in the file, from 1.
	Number int
	// Image is the page in 8-bit gray, origin (0,0), turned the way a viewer
	// would show it (EXIF/TIFF orientation, PDF /Rotate and image matrix).
	// Colour is reduced to luma; transparency is composited over white,
	// as on paper. Nil when the page failed.
	Image *image.Gray
	// DPI is the resolution across the page as stored in the file (PDF:
	// image pixels over the size the image is drawn at, or the resolution
	// a rendered page was drawn at; PNG pHYs; JPEG JFIF or EXIF; TIFF and
	// BMP resolution), rounded to 0.01; 0 if unknown.
	DPI float64
	// Source says where the pixels came from: "pdf/jpeg", "pdf/flate",
	// "pdf/ccitt", "pdf/lzw", "pdf/runlength", "pdf/raw", "pdf/render"
	// (the page drawn by the PDF renderer), "png", "jpeg", "tiff", "gif"
	// or "bmp".
	Source string
}

// Result is a page or the reason it could not be decoded. Number is set
// either way.
type Result struct {
	Page
	// Err is an *Error for this page, or nil.
	Err error
}

// Decode reads every page of a file. name is used only in messages.
//
// A failure of the whole file (empty, not a scan, encrypted, too big, a
// PDF or TIFF whose structure cannot be read) is returned as err, with no
// pages. A failure of one page (no image in it, an unsupported codec,
// damaged or truncated image data, too many pixels) is returned in that
// page's Result, so the other pages are still processed; this holds for
// single-image formats too, whose one page is page 1. Either way the error
// is an *Error; check its kind with errors.Is (ErrEmpty, ErrTruncated…).
// The one exception is ctx ending, which returns ctx's error, wrapped.
//
// Decode holds every page in memory; Walk does not.
func Decode(ctx context.Context, name string, data []byte, lim Limits) ([]Result, error) {
	var out []Result
	err := Walk(ctx, name, data, lim, func(r Result) error {
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Walk is Decode one page at a time: fn is called for each page in order,
// and only that page's image is live (unless fn keeps it), which matters
// for a 200-page batch at 300 dpi (about 1.7 GB of gray pixels). Walk stops
// at and returns the first error fn returns. Pages already passed to fn
// stay valid if a later page or ctx fails.
func Walk(ctx context.Context, name string, data []byte, lim Limits, fn func(Result) error) error {
	lim = lim.withDefaults()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("decode %s: %w", name, err)
	}
	if err := checkFile(data, lim); err != nil {
		return toError(name, 0, err)
	}
	d := &walker{ctx: ctx, name: name, data: data, lim: lim, fn: fn}
	switch f := sniff(data); f {
	case fmtPDF:
		return d.walkPDF()
	case fmtTIFF:
		return d.walkTIFF()
	case fmtGIF:
		return d.walkGIF()
	case fmtPNG, fmtJPEG, fmtBMP:
		p, err := safely(func() (Page, error) {
			if err := refuseHidden(data, f); err != nil {
				return Page{}, err
			}
			return decodeRaster(data, f, lim)
		})
		return d.emit(1, p, err)
	default:
		return toError(name, 0, unknownFormat(name, data))
	}
}

// walker carries one Walk call's state through the format decoders.
type walker struct {
	ctx  context.Context
	name string
	data []byte
	lim  Limits
	fn   func(Result) error
}

// emit hands one page to fn, turning a decoder's problem into an *Error
// that names the file and page.
func (d *walker) emit(n int, p Page, err error) error {
	p.Number = n
	r := Result{Page: p}
	if err != nil {
		r.Image = nil
		r.Err = toError(d.name, n, err)
	}
	return d.fn(r)
}

// next reports whether to go on to another page.
func (d *walker) next() error {
	if err := d.ctx.Err(); err != nil {
		return fmt.Errorf("decode %s: %w", d.name, err)
	}
	return nil
}

func checkFile(data []byte, lim Limits) error {
	if len(data) == 0 {
		return newProblem(ErrEmpty, nil, "ファイルが空です（0バイト） / the file is empty (0 bytes)", adviceRescanForm)
	}
	if int64(len(data)) > lim.MaxFileBytes {
		// Many pages, or pages scanned in colour or at a high resolution.
		return newProblem(ErrTooLarge, nil,
			fmt.Sprintf("ファイルが大きすぎます（%s、上限は%s） / the file is %s, more than the %s limit", mb(int64(len(data))), mb(lim.MaxFileBytes), mb(int64(len(data))), mb(lim.MaxFileBytes)),
			"ページ数の少ないファイルに分けるか、白黒またはグレーの300 dpi以下でスキャンし直してください / split it into files of fewer pages, or scan in black and white or greyscale at 300 dpi or less")
	}
	// A copy that was allocated but never written (a full disk, a crashed
	// transfer) is all zeros; say so rather than "unknown format".
	if allZero(data) {
		return newProblem(ErrEmpty, nil, fmt.Sprintf("ファイルの中身がありません（%dバイトがすべてゼロ。スキャナーからのコピーが終わっていません） / the file holds no data (%d zero bytes; the copy from the scanner did not finish)", len(data), len(data)), adviceResend)
	}
	return nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func mb(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", (n+1023)>>10)
	}
	return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
}

// checkPixels refuses an image before its pixels are allocated. Where the
// resolution is not known, see checkPixelsAt.
func checkPixels(w, h int, lim Limits) error {
	return checkPixelsAt(w, h, 0, lim)
}

// checkPixelsAt is checkPixels for an image whose file states its
// resolution (dpi, 0 if it does not), so that a page too big to read is
// told apart from a page scanned too finely: the advice differs.
func checkPixelsAt(w, h int, dpi float64, lim Limits) error {
	if w <= 0 || h <= 0 {
		return newProblem(ErrCorrupt, nil, fmt.Sprintf("画像のヘッダーが壊れています（大きさが%d×%dピクセルになっています） / the image header is damaged (it gives a size of %d×%d pixels)", w, h, w, h), adviceRescan)
	}
	px := int64(w) * int64(h)
	if px <= lim.MaxPixels {
		return nil
	}
	size := fmt.Sprintf("%d×%dピクセル（%sメガピクセル、上限は%sメガピクセル） / the image is %d×%d pixels (%s megapixels), more than the %s-megapixel limit",
		w, h, megapixels(px), megapixels(lim.MaxPixels), w, h, megapixels(px), megapixels(lim.MaxPixels))
	ja, en := splitJA(size)
	const fine = 400 // well above the 300 dpi the forms are read at
	sheetMM := func(d float64) string {
		return fmt.Sprintf("%.0f×%.0f mm", float64(w)/d*25.4, float64(h)/d*25.4)
	}
	long, short := float64(max(w, h)), float64(min(w, h))
	switch {
	case dpi > fine:
		return newProblem(ErrTooLarge, nil,
			fmt.Sprintf("画像が%sで、%.0f dpiでスキャンされています / %s: it was scanned at %.0f dpi", ja, dpi, en, dpi),
			"300 dpiでスキャンし直してください / scan it again at 300 dpi")
	case dpi > 0:
		// The resolution is ordinary, so the sheet itself is huge (or the
		// whole glass of a large scanner was scanned).
		return newProblem(ErrTooLarge, nil,
			fmt.Sprintf("画像が%sで、%.0f dpiでは%sの大きさです（様式はA4） / %s: at %.0f dpi that is a sheet of %s, far larger than the A4 form", ja, dpi, sheetMM(dpi), en, dpi, sheetMM(dpi)),
			"様式だけを、読み取りサイズをA4にしてスキャンし直してください / scan the form on its own, with the scan size set to A4")
	case long/short > 1.3 && long/short < 1.55:
		// No resolution in the file; A4's proportions suggest an A4 page
		// scanned too finely.
		d := long / (297 / 25.4)
		return newProblem(ErrTooLarge, nil,
			fmt.Sprintf("画像が%sで、A4なら約%.0f dpiでスキャンされています / %s: if it is an A4 page, it was scanned at about %.0f dpi", ja, d, en, d),
			"300 dpiでスキャンし直してください / scan it again at 300 dpi")
	default:
		return newProblem(ErrTooLarge, nil,
			fmt.Sprintf("画像が%sで、300 dpiなら%sの大きさです（様式はA4） / %s: at 300 dpi that is a sheet of %s, far larger than the A4 form", ja, sheetMM(300), en, sheetMM(300)),
			"様式だけを、A4・300 dpiでスキャンし直してください / scan the form on its own, A4 at 300 dpi")
	}
}

func megapixels(px int64) string {
	if px >= 10_000_000 {
		return fmt.Sprintf("%d", (px+500_000)/1_000_000)
	}
	return fmt.Sprintf("%.1f", float64(px)/1e6)
}

// safely runs a decoder, turning a panic into an error. The codecs used
// here (pdfcpu, x/image's TIFF and CCITT readers) say they are not
// hardened against hostile input; a bad file must cost one page, not the
// process.
func safely[T any](f func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			var zero T
			v = zero
			err = newProblem(ErrCorrupt, fmt.Errorf("decoder panic: %v", r), "画像が壊れていて読み取れません / the image is damaged and cannot be read", adviceRescan)
		}
	}()
	return f()
}
