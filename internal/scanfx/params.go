package scanfx

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// ErrInvalidParams is wrapped by every error caused by a bad Params value.
var ErrInvalidParams = errors.New("scanfx: invalid params")

// SourceDPI is the resolution Apply assumes for its input unless
// Params.SourceDPI says otherwise: the template canvas resolution.
const SourceDPI = 300.0

// Params describes one simulated scan. The zero value is a faithful 300 dpi
// copy of a 300 dpi input.
type Params struct {
	// Rotate90 is the number of quarter turns clockwise (as seen on screen)
	// the page was fed with: 1 = sideways, 2 = upside down.
	Rotate90 int
	// SkewDeg is a small extra rotation about the page centre, positive
	// clockwise on screen. The canvas grows to the rotated page's bounding
	// box, so no part of the page is cut off by the skew itself.
	SkewDeg float64
	// DPI is the output resolution; 0 means the same as the source.
	DPI float64
	// SourceDPI is the resolution of the input; 0 means SourceDPI (300).
	SourceDPI float64
	// ShiftXMM and ShiftYMM move the page on the scanner glass, in the
	// output frame (after rotation): positive is right / down. The canvas
	// keeps its size, so one side gains white margin and the other is
	// cropped.
	ShiftXMM, ShiftYMM float64
	// Blur is the sigma of the optical gaussian blur in output pixels.
	// (RandomParams draws it as a distance on paper, so low-resolution
	// scans get proportionally less.)
	Blur float64
	// Noise is the standard deviation of the sensor noise in grey levels.
	Noise float64
	// Speckle is the expected number of dust specks per square centimetre.
	Speckle float64
	// Tone in [0, 1] is the strength of uneven illumination, grey paper and
	// washed-out ink.
	Tone float64
	// Bilevel thresholds the page to pure 0/255 like a fax-mode scanner
	// (no dithering).
	Bilevel bool
	// Threshold is the bilevel cut: grey levels below it become black.
	// 0 means 128.
	Threshold uint8
	// Dither makes a Bilevel page by error diffusion (Floyd–Steinberg)
	// after the copier's background removal, as an office copier's
	// scan-to-folder does, in place of a fixed cut: grey becomes a pattern
	// of dots, and faint strokes break into them.
	Dither bool
	// Sharpen is the strength of the firmware's unsharp mask (0: none;
	// 1 adds the difference from a one-pixel blur once): halos beside
	// strokes, and noise made coarser.
	Sharpen float64
	// JPEGQuality in 1..100 round-trips the page through JPEG at that
	// quality; 0 means no JPEG artefacts.
	JPEGQuality int
}

// outDPI and srcDPI resolve the zero-value defaults.
func (p Params) outDPI() float64 {
	if p.DPI == 0 {
		return p.srcDPI()
	}
	return p.DPI
}

func (p Params) srcDPI() float64 {
	if p.SourceDPI == 0 {
		return SourceDPI
	}
	return p.SourceDPI
}

// Validate reports whether Apply can honour p.
func (p Params) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidParams}, args...)...)
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case p.Rotate90 < 0 || p.Rotate90 > 3:
		return bad("Rotate90 %d not in 0..3", p.Rotate90)
	case !finite(p.SkewDeg) || math.Abs(p.SkewDeg) > 45:
		// Beyond 45° a skew is a quarter turn plus a skew; keeping them
		// apart keeps the reported ground truth unambiguous.
		return bad("SkewDeg %v not in -45..45", p.SkewDeg)
	case !finite(p.DPI) || p.DPI != 0 && (p.DPI < 50 || p.DPI > 1200):
		return bad("DPI %v not in 50..1200", p.DPI)
	case !finite(p.SourceDPI) || p.SourceDPI != 0 && (p.SourceDPI < 50 || p.SourceDPI > 1200):
		return bad("SourceDPI %v not in 50..1200", p.SourceDPI)
	case !finite(p.ShiftXMM) || !finite(p.ShiftYMM) || math.Abs(p.ShiftXMM) > 100 || math.Abs(p.ShiftYMM) > 100:
		return bad("shift (%v, %v) mm beyond ±100 mm", p.ShiftXMM, p.ShiftYMM)
	case !finite(p.Blur) || p.Blur < 0 || p.Blur > 20:
		return bad("Blur %v not in 0..20", p.Blur)
	case !finite(p.Noise) || p.Noise < 0 || p.Noise > 128:
		return bad("Noise %v not in 0..128", p.Noise)
	case !finite(p.Speckle) || p.Speckle < 0 || p.Speckle > 1000:
		return bad("Speckle %v not in 0..1000", p.Speckle)
	case !finite(p.Tone) || p.Tone < 0 || p.Tone > 1:
		return bad("Tone %v not in 0..1", p.Tone)
	case p.JPEGQuality < 0 || p.JPEGQuality > 100:
		return bad("JPEGQuality %d not in 0..100", p.JPEGQuality)
	case p.Dither && !p.Bilevel:
		return bad("Dither without Bilevel")
	case !finite(p.Sharpen) || p.Sharpen < 0 || p.Sharpen > 4:
		return bad("Sharpen %v not in 0..4", p.Sharpen)
	}
	return nil
}

// Mix is a named distribution of scan damage for RandomParams.
type Mix int

const (
	// Clean is a careful scan: upright, nearly straight, 300 dpi, no noise.
	Clean Mix = iota
	// Standard is what a city counter's sheet-fed scanner produces.
	Standard
	// Hard is the worst a pipeline should still register: steep skew, any
	// orientation, low or odd resolution, heavy noise, crushed JPEG.
	Hard
	// Copier is another scanner than the counter's: an office copier's
	// scan-to-folder, with a sharpening filter, softer optics, coarser
	// JPEG and dithered black-and-white pages. No threshold was chosen on
	// it and no training line drawn through it: the held-out scanner.
	Copier
)

func (m Mix) String() string {
	switch m {
	case Clean:
		return "clean"
	case Standard:
		return "standard"
	case Hard:
		return "hard"
	case Copier:
		return "copier"
	}
	return fmt.Sprintf("Mix(%d)", int(m))
}

// ParseMix accepts the names printed by Mix.String, case-insensitively, so a
// generator's flag can name a mix.
func ParseMix(s string) (Mix, error) {
	for _, m := range []Mix{Clean, Standard, Hard, Copier} {
		if strings.EqualFold(s, m.String()) {
			return m, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown mix %q (want clean, standard, hard or copier)", ErrInvalidParams, s)
}

// MaxShiftMM is the largest page shift RandomParams draws for any mix.
// Fiducials are 6 mm squares centred 10 mm from the page edges, so their
// outer edge is 7 mm in; 3 mm of white around them must survive, which
// leaves 4 mm of page that may be lost. The skew's bounding box never
// brings a page corner closer than that to the canvas edge, so a 3 mm shift
// keeps a further 1 mm in reserve for resampling and rounding.
const MaxShiftMM = 3.0

// RandomParams draws scan damage from mix; an unknown Mix draws Standard.
// It consumes rng in a fixed order, so a seed reproduces the same Params
// everywhere. No draw crops within 3 mm of a fiducial (see MaxShiftMM).
func RandomParams(rng *rand.Rand, mix Mix) Params {
	var p Params
	switch mix {
	case Clean:
		p.SkewDeg = uniform(rng, -0.5, 0.5)
		p.DPI = 300
		p.ShiftXMM = uniform(rng, -0.5, 0.5)
		p.ShiftYMM = uniform(rng, -0.5, 0.5)

	case Hard:
		// Hard is about registration under stress, so most pages sit at
		// the steep end; a quarter fall between Standard's limit and that,
		// so no skew range goes untested.
		mag := uniform(rng, 5, 7)
		if rng.IntN(4) == 0 {
			mag = uniform(rng, 3, 5)
		}
		if rng.IntN(2) == 0 {
			mag = -mag
		}
		p.SkewDeg = mag
		p.Rotate90 = rng.IntN(4)
		p.DPI = pickDPI(rng, []float64{150, 200, 300, 400}, 0.6, 150, 400)
		p.ShiftXMM = uniform(rng, -MaxShiftMM, MaxShiftMM)
		p.ShiftYMM = uniform(rng, -MaxShiftMM, MaxShiftMM)
		p.Blur = opticalBlur(rng, p.DPI, 0.05, 0.13)
		p.Noise = uniform(rng, 6, 16)
		p.Speckle = uniform(rng, 0.3, 2)
		p.Tone = uniform(rng, 0.4, 1)
		p.Bilevel = rng.Float64() < 0.30
		p.Threshold = uint8(100 + rng.IntN(51))
		if !p.Bilevel && rng.Float64() < 0.75 {
			p.JPEGQuality = 30 + rng.IntN(31)
		}

	case Copier:
		// As the counter's scanner in what a person does (the sheet's
		// skew and orientation); otherwise its own: a lens a little
		// softer, sharpened back by firmware, JPEG at the quality an
		// office default saves, and a third of pages in dithered black
		// and white after background removal.
		p.SkewDeg = uniform(rng, -2, 2)
		switch r := rng.Float64(); {
		case r < 0.05:
			p.Rotate90 = 2
		case r < 0.10:
			p.Rotate90 = 1 + 2*rng.IntN(2)
		}
		p.DPI = pickDPI(rng, []float64{200, 300}, 0.8, 200, 300)
		p.ShiftXMM = uniform(rng, -1.5, 1.5)
		p.ShiftYMM = uniform(rng, -1.5, 1.5)
		p.Blur = opticalBlur(rng, p.DPI, 0.04, 0.10)
		p.Noise = uniform(rng, 2, 6)
		p.Speckle = uniform(rng, 0, 0.5)
		p.Tone = uniform(rng, 0.1, 0.5)
		p.Bilevel = rng.Float64() < 0.35
		p.Threshold = uint8(120 + rng.IntN(31))
		if p.Bilevel {
			p.Dither = true
		} else {
			p.Sharpen = uniform(rng, 0.5, 1.5)
			if rng.Float64() < 0.8 {
				p.JPEGQuality = 45 + rng.IntN(31)
			}
		}

	default: // Standard, and anything unknown gets the everyday mix.
		p.SkewDeg = uniform(rng, -3, 3)
		switch r := rng.Float64(); {
		case r < 0.05:
			p.Rotate90 = 2
		case r < 0.075:
			p.Rotate90 = 1
		case r < 0.10:
			p.Rotate90 = 3
		}
		p.DPI = pickDPI(rng, []float64{200, 300}, 0.9, 200, 300)
		p.ShiftXMM = uniform(rng, -1.5, 1.5)
		p.ShiftYMM = uniform(rng, -1.5, 1.5)
		p.Blur = opticalBlur(rng, p.DPI, 0, 0.07)
		p.Noise = uniform(rng, 0, 4)
		p.Speckle = uniform(rng, 0, 0.3)
		p.Tone = uniform(rng, 0, 0.35)
		// Bilevel pages are stored as fax-like TIFF/PDF, never JPEG, so
		// the two are exclusive; 0.5/0.85 of the rest makes JPEG about
		// half of all pages.
		p.Bilevel = rng.Float64() < 0.15
		p.Threshold = uint8(115 + rng.IntN(26))
		if !p.Bilevel && rng.Float64() < 0.5/0.85 {
			p.JPEGQuality = 60 + rng.IntN(31)
		}
	}
	return p
}

// uniform draws from [lo, hi). The explicit conversion stops FMA fusion so
// a seed yields the same value on every architecture.
func uniform(rng *rand.Rand, lo, hi float64) float64 {
	return lo + float64(rng.Float64()*(hi-lo))
}

// opticalBlur draws a blur sigma of lo..hi mm on the paper and returns it
// in output pixels: a lens blurs a fixed distance, so a low-resolution scan
// sees fewer pixels of it, and thin form lines survive at 150 dpi as they
// do on a real scanner.
func opticalBlur(rng *rand.Rand, dpi, loMM, hiMM float64) float64 {
	return float64(uniform(rng, loMM, hiMM)*dpi) / 25.4
}

// pickDPI returns one of the scanner's stock resolutions with probability
// stock, otherwise an odd resolution in [lo, hi] as produced by
// scale-to-fit drivers.
func pickDPI(rng *rand.Rand, stockDPI []float64, stock, lo, hi float64) float64 {
	if rng.Float64() < stock {
		return stockDPI[rng.IntN(len(stockDPI))]
	}
	return math.Round(uniform(rng, lo, hi)*10) / 10
}
