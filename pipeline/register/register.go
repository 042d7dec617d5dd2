// Package register locates a shinsei form on a scanned page: it finds the
// four corner fiducials, works out which way up the page is, fits the
// transform from template millimetres to scan pixels, and reads the QR code
// that names the form.
//
// Everything later in the pipeline (drop-out, checkbox reading, OCR zones)
// is expressed in template millimetres, so this is the one place that has to
// cope with what scanners do to paper: unknown resolution, quarter turns,
// skew, shifts on the glass, noise, blur, JPEG and fax-style bilevel images.
// It works on 8-bit gray only and looks for marks on a small downsampled
// copy, so it stays cheap enough to run on every page at the counter.
package register

import (
	"errors"
	"fmt"
	"image"
	"math"
	"strings"

	"shinsei/templates"
)

// Errors returned by Find. Test for them with errors.Is; the wrapped
// messages tell a clerk what to do about the page.
var (
	// ErrNoFiducials: nothing like a registration mark was found. The page
	// is blank, not a shinsei form, or scanned far too faint.
	ErrNoFiducials = errors.New("no registration marks found")
	// ErrMissingFiducials: some marks were found but not all four. The
	// error is a *MissingError saying which corners are missing when that
	// can be told.
	ErrMissingFiducials = errors.New("not all four registration marks found")
	// ErrAmbiguousMark: four marks were found but the marked (top-left)
	// one cannot be told apart, so the page's orientation is unknown.
	ErrAmbiguousMark = errors.New("cannot tell which registration mark is the top-left one")
)

// Options tunes Find. The zero value is fine.
type Options struct {
	// DPIHint is the resolution the file claims (from TIFF/JPEG/PNG
	// metadata), 0 if none. Metadata is often wrong, so it only picks the
	// working resolution when it agrees with the image size; the DPI in
	// the Result is always measured from the marks.
	DPIHint float64
}

// Point is a position in image pixels. The centre of pixel (x, y) is at
// (x, y), in the image's own coordinates (its Bounds().Min included).
type Point struct{ X, Y float64 }

// Affine maps template millimetres to image pixels:
//
//	x = T[0]*mmX + T[1]*mmY + T[2]
//	y = T[3]*mmX + T[4]*mmY + T[5]
type Affine [6]float64

// Apply maps a template point to image pixels.
func (t Affine) Apply(p templates.PointMM) Point {
	return Point{t[0]*p.X + t[1]*p.Y + t[2], t[3]*p.X + t[4]*p.Y + t[5]}
}

// det is the area scale of the transform (px² per mm²); negative when the
// transform mirrors.
func (t Affine) det() float64 { return t[0]*t[4] - t[1]*t[3] }

// Invert returns the transform from image pixels back to millimetres
// (same layout, applied to a pixel position read as a PointMM).
func (t Affine) Invert() (Affine, bool) {
	d := t.det()
	if d == 0 || math.IsNaN(d) || math.IsInf(d, 0) {
		return Affine{}, false
	}
	a, b, e := t[4]/d, -t[1]/d, -t[3]/d
	f := t[0] / d
	return Affine{a, b, -(a*t[2] + b*t[5]), e, f, -(e*t[2] + f*t[5])}, true
}

// Result is where the form lies on the scan.
type Result struct {
	// Fiducials are the mark centres indexed by templates.Corner: index 0
	// is the marked top-left one wherever the scan put it.
	Fiducials [4]Point
	// Rotation is the quarter turn the page has in the image, clockwise
	// as displayed: 0, 90, 180 or 270. Turning the image back by it
	// anticlockwise puts the page upright.
	Rotation int
	// SkewDeg is the small clockwise rotation left after Rotation.
	SkewDeg float64
	// DPI is measured from the mark spacing, whatever the file claims.
	DPI float64
	// Transform maps template millimetres to image pixels, fitted by least
	// squares to the four marks.
	Transform Affine
	// ResidualMM is the RMS distance between the marks and where the
	// fitted transform puts them: large values mean the page is warped
	// (curled, fed crooked through a feeder) or a mark is damaged.
	ResidualMM float64
	// Touched lists marks that other ink (a pen stroke, a staple) runs
	// into; each was located where the other three put it and confirmed
	// there. Worth a look in review if it is the page's only oddity.
	Touched []templates.Corner
	// OtherForms counts further complete sets of four marks on the scan:
	// more than one form on one page, of which this Result places only
	// one. The caller must not read such a page as one form.
	OtherForms int
}

// MissingError reports a page on which only some marks were found. It
// matches ErrMissingFiducials with errors.Is.
type MissingError struct {
	Found int
	// Missing lists the corners that were not found, in template terms,
	// or is nil when the found marks do not tell which corners they are.
	Missing []templates.Corner
	// Rotation is the quarter turn the page has in the image (as in
	// Result), when RotationKnown: three marks, or two with the marked one
	// among them, fix it.
	Rotation      int
	RotationKnown bool
}

func (e *MissingError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: only %d of 4 found", ErrMissingFiducials, e.Found)
	if len(e.Missing) > 0 {
		names := make([]string, len(e.Missing))
		for i, c := range e.Missing {
			names[i] = cornerName(c)
		}
		list := names[0]
		if n := len(names); n > 1 {
			list = strings.Join(names[:n-1], ", ") + " and " + names[n-1]
		}
		fmt.Fprintf(&b, " (%s missing)", list)
	}
	b.WriteString("; the page may be cut off, folded over or covered: rescan the whole page flat on the glass")
	return b.String()
}

func (e *MissingError) Unwrap() error { return ErrMissingFiducials }

func cornerName(c templates.Corner) string {
	switch c {
	case templates.TopLeft:
		return "top-left"
	case templates.TopRight:
		return "top-right"
	case templates.BottomLeft:
		return "bottom-left"
	case templates.BottomRight:
		return "bottom-right"
	}
	return fmt.Sprintf("corner %d", int(c))
}

// The mark rectangle, which is what the search matches.
const (
	shortMM = templates.PageWidthMM - 2*templates.FiducialInsetMM  // 190
	longMM  = templates.PageHeightMM - 2*templates.FiducialInsetMM // 277
)

// diagMM is math.Hypot(shortMM, longMM), spelled out so it can be a
// constant (TestDiagonal keeps it honest).
const diagMM = 335.90028282214945

// Find locates the four fiducials on a scanned page and fits the
// template-to-image transform.
func Find(img *image.Gray, opts Options) (Result, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	// Anything this small is not an A4 page at 100 dpi or more.
	if w < 300 || h < 300 {
		return Result{}, fmt.Errorf("%w: the image is only %dx%d pixels, too small to be a scanned A4 page",
			ErrNoFiducials, w, h)
	}
	guess := guessDPI(w, h, opts.DPIHint)
	f := max(1, int(math.Round(guess/workDPI)))
	small := downsample(img, f)
	bg := newBackground(small, guess/float64(f))
	blobs, runs := label(small, bg)
	expSide := templates.MMToPx(templates.FiducialSizeMM, guess) // full-res px
	cands := candidates(blobs, small, f, b.Min, expSide)
	d := detector{img: img, bg: bg, f: f, runs: runs, blobs: blobs, cands: cands}
	return d.solve(guess)
}

// workDPI is the resolution marks are searched at: a 6 mm mark is still
// ~18 px across, while a 300 dpi page shrinks sixteenfold.
const workDPI = 75.0

// guessDPI estimates the scan resolution from the image size, which is
// right to ~15% for a page scanned to its own size; a metadata hint that
// agrees with that is more precise and is preferred.
func guessDPI(w, h int, hint float64) float64 {
	long := float64(max(w, h))
	short := float64(min(w, h))
	fromSize := math.Max(long/(templates.PageHeightMM/25.4), short/(templates.PageWidthMM/25.4))
	g := fromSize
	if hint > 0 && hint/fromSize > 0.8 && hint/fromSize < 1.25 {
		g = hint
	}
	return math.Min(math.Max(g, 100), 800)
}
