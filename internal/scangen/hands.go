package scangen

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// A Hand is one kind of writer: a face, and how it is held — slant, stroke
// width, letter spacing and a smooth elastic distortion of every glyph, so
// that a hand is more than a font. Hands are split three ways (Use): the
// handwriting model trains on some, review thresholds are calibrated on
// others, and accuracy is reported on hands used for neither.
type Hand struct {
	Name string
	// Font is the face's file, from a Debian package scripts/setup.sh
	// installs.
	Font string
	// Use is UseTrain, UseCalibrate or UseHoldout.
	Use string
	// Slant is added to each writer's own random slant (tan of the angle).
	Slant float64
	// WeightMM thickens (positive) or thins (negative) every stroke.
	WeightMM float64
	// ElasticMM is the amplitude of a smooth random displacement of each
	// glyph's strokes: a hand that never draws a character twice alike.
	ElasticMM float64
	// Spacing scales the gap between characters (1 or 0: the face's own).
	Spacing float64
}

// The three uses of a hand.
const (
	UseTrain     = "train"
	UseCalibrate = "calibrate"
	UseHoldout   = "holdout"
)

const fontDir = "/usr/share/fonts/truetype/"

// Hands are every hand the generator knows. The training hands are the
// faces jpn_hand was fine-tuned on; calibration and held-out hands are faces the
// model never saw, and no face serves two uses.
func Hands() []Hand {
	return []Hand{
		{Name: "klee", Font: fontDir + "klee/KleeOne-Regular.ttf", Use: UseTrain},
		{Name: "klee-semibold", Font: fontDir + "klee/KleeOne-SemiBold.ttf", Use: UseTrain},
		{Name: "kiloji", Font: fontDir + "kiloji/kiloji.ttf", Use: UseTrain},
		{Name: "kiloji-bold", Font: fontDir + "kiloji/kiloji_b.ttf", Use: UseTrain},
		// More training faces, for a model that has seen more than two
		// (make train writes every one with Options.Vary): kiloji's other
		// two, a kai face drawn from Klee One (fonts-lxgw-wenkai), and a
		// gothic and a mincho (fonts-ipaexfont-gothic, fonts-hanazono)
		// that, bent and leaning, are a careful writer's print.
		{Name: "kiloji-d", Font: fontDir + "kiloji/kiloji_d.ttf", Use: UseTrain},
		{Name: "kiloji-p", Font: fontDir + "kiloji/kiloji_p.ttf", Use: UseTrain},
		{Name: "wenkai-light", Font: fontDir + "lxgw-wenkai/LXGWWenKai-Light.ttf", Use: UseTrain},
		{Name: "wenkai-bold", Font: fontDir + "lxgw-wenkai/LXGWWenKai-Bold.ttf", Use: UseTrain},
		{Name: "ipaex-gothic", Font: "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", Use: UseTrain},
		{Name: "hanazono-mincho", Font: fontDir + "hanazono/HanaMinA.ttf", Use: UseTrain},
		// A pen hand drawn by a person (fonts-seto): besides Klee and
		// Kiloji the model had seen no face written by hand.
		{Name: "seto", Font: fontDir + "seto/setofont.ttf", Use: UseTrain},
		// Brush-written faces to train on (session 12): two of the held-out
		// hands are brushes, and the model had seen none. Two Chinese kai
		// faces (fonts-cns11643-kai, fonts-cwtex-kai; the second lacks many
		// Japanese kanji, which a pen borrows from another face of its use),
		// a brush mincho of the Meiji period (fonts-oradano-mincho-gsrr) and
		// a heavy brush display face (fonts-reggae). None is by the
		// calligraphers of the calibration or held-out brushes.
		{Name: "tw-kai", Font: fontDir + "cns11643/TW-Kai-98_1.ttf", Use: UseTrain},
		{Name: "cwtex-kai", Font: fontDir + "cwtex/cwkai.ttf", Use: UseTrain},
		{Name: "oradano-mincho", Font: fontDir + "oradano-mincho/OradanoGSRR.ttf", Use: UseTrain},
		{Name: "reggae", Font: fontDir + "reggae/ReggaeOne-Regular.ttf", Use: UseTrain},
		// Calibration: rounded casual faces (fonts-konatu, fonts-komatuna),
		// slanted, thinned and bent, and a brush.
		{Name: "konatu-slanted", Font: fontDir + "konatu/Konatu.ttf", Use: UseCalibrate, Slant: 0.12, WeightMM: -0.08, ElasticMM: 0.25, Spacing: 1.05},
		{Name: "komatuna-bent", Font: fontDir + "komatuna/komatuna.ttf", Use: UseCalibrate, Slant: -0.05, WeightMM: -0.12, ElasticMM: 0.35, Spacing: 0.95},
		// A brush hand (fonts-aoyagi-kouzan-t): two of the held-out hands
		// are brush-written, and without one here no threshold or rule
		// was ever tried on a brush before it met them.
		{Name: "kouzan-t-brush", Font: fontDir + "aoyagi-kouzan-t/AoyagiKouzanT.ttf", Use: UseCalibrate, Slant: 0.04, ElasticMM: 0.2, Spacing: 1.05},
		// Held out: a pen hand (fonts-yozvox-yozfont) in two of its faces,
		// a rounded face bent out of shape (fonts-motoya-l-maruberi), and
		// two brush hands (fonts-kouzan-mouhitsu, fonts-aoyagi-soseki).
		{Name: "yoz-pen", Font: fontDir + "yozvox-yozfont/YOzRNXM.ttf", Use: UseHoldout, ElasticMM: 0.15},
		{Name: "yoz-slanted", Font: fontDir + "yozvox-yozfont/YOzRAF.ttf", Use: UseHoldout, Slant: 0.15, WeightMM: 0.06, ElasticMM: 0.2, Spacing: 1.1},
		{Name: "maruberi-bent", Font: fontDir + "motoya-l-maruberi/MTLmr3m.ttf", Use: UseHoldout, Slant: 0.08, WeightMM: -0.1, ElasticMM: 0.4},
		{Name: "kouzan-brush", Font: fontDir + "kouzan-mouhitsu/kouzan-mouhitsu-gyosho.ttf", Use: UseHoldout, ElasticMM: 0.1},
		{Name: "soseki-brush", Font: fontDir + "aoyagi-soseki/aoyagi-soseki.ttf", Use: UseHoldout, ElasticMM: 0.1},
	}
}

// HandsByUse names the hands of one use, or every hand named in a comma-
// separated list: what shinsei-gen -hands takes.
func HandsByUse(spec string) ([]Hand, error) {
	all := Hands()
	var out []Hand
	for _, w := range strings.Split(spec, ",") {
		w = strings.TrimSpace(w)
		n := len(out)
		for _, h := range all {
			if h.Name == w || h.Use == w {
				out = append(out, h)
			}
		}
		if len(out) == n {
			var names []string
			for _, h := range all {
				names = append(names, h.Name)
			}
			return nil, fmt.Errorf("scangen: no hand or use %q (uses: %s, %s, %s; hands: %s)", w, UseTrain, UseCalibrate, UseHoldout, strings.Join(names, ", "))
		}
	}
	return slices.CompactFunc(out, func(a, b Hand) bool { return a.Name == b.Name }), nil
}

// shapeGlyph returns glyph mask m (bounds r, in page pixels) bent by a
// smooth random displacement of amplitude elastic px and thickened or
// thinned by weight px, on bounds grown to hold the result.
func shapeGlyph(m image.Image, mp image.Point, r image.Rectangle, elastic, weight float64, rng *rand.Rand) (*image.Alpha, image.Rectangle) {
	margin := int(math.Ceil(elastic+math.Abs(weight))) + 1
	out := r.Inset(-margin)
	src := image.NewAlpha(out)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			_, _, _, a := m.At(mp.X+x-r.Min.X, mp.Y+y-r.Min.Y).RGBA()
			src.Pix[src.PixOffset(x, y)] = uint8(a >> 8)
		}
	}
	cur := src
	if elastic > 0 {
		// Two waves a direction, each about a glyph long: the strokes
		// bend, they do not jitter.
		size := float64(max(r.Dx(), r.Dy()))
		type wave struct{ k, phase, amp float64 }
		waves := func() [2]wave {
			var w [2]wave
			for i := range w {
				w[i] = wave{k: 2 * math.Pi / (size * (0.6 + rng.Float64())), phase: rng.Float64() * 2 * math.Pi, amp: elastic * (0.4 + 0.6*rng.Float64())}
			}
			return w
		}
		wx, wy := waves(), waves()
		bent := image.NewAlpha(out)
		for y := out.Min.Y; y < out.Max.Y; y++ {
			for x := out.Min.X; x < out.Max.X; x++ {
				dx := wx[0].amp*math.Sin(wx[0].k*float64(y)+wx[0].phase) + wx[1].amp*math.Sin(wx[1].k*float64(x)+wx[1].phase)
				dy := wy[0].amp*math.Sin(wy[0].k*float64(x)+wy[0].phase) + wy[1].amp*math.Sin(wy[1].k*float64(y)+wy[1].phase)
				bent.Pix[bent.PixOffset(x, y)] = sampleAlpha(cur, float64(x)+dx, float64(y)+dy)
			}
		}
		cur = bent
	}
	for range int(math.Round(math.Abs(weight))) {
		cur = morph(cur, weight > 0)
	}
	return cur, out
}

// sampleAlpha reads a at (x, y) with bilinear interpolation; outside is 0.
func sampleAlpha(a *image.Alpha, x, y float64) uint8 {
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	at := func(x, y int) float64 {
		if !(image.Point{x, y}).In(a.Rect) {
			return 0
		}
		return float64(a.Pix[a.PixOffset(x, y)])
	}
	v := at(x0, y0)*(1-fx)*(1-fy) + at(x0+1, y0)*fx*(1-fy) + at(x0, y0+1)*(1-fx)*fy + at(x0+1, y0+1)*fx*fy
	return uint8(math.Round(v))
}

// morph grows (max of each 3×3 neighbourhood) or shrinks (min) a mask by
// one pixel.
func morph(a *image.Alpha, grow bool) *image.Alpha {
	out := image.NewAlpha(a.Rect)
	r := a.Rect
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			v := a.Pix[a.PixOffset(x, y)]
			for yy := max(r.Min.Y, y-1); yy <= min(r.Max.Y-1, y+1); yy++ {
				for xx := max(r.Min.X, x-1); xx <= min(r.Max.X-1, x+1); xx++ {
					w := a.Pix[a.PixOffset(xx, yy)]
					if grow && w > v || !grow && w < v {
						v = w
					}
				}
			}
			out.Pix[out.PixOffset(x, y)] = v
		}
	}
	return out
}
