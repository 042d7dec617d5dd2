package deskew

import (
	"fmt"
	"image"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"shinsei/internal/scanfx"
)

// testAngles are skews of both signs: steep, slight and none.
func testAngles() []float64 { return []float64{-6, -3, -1.2, -0.3, 0, 0.4, 2.5, 5.5} }

// mixFor says how page p is scanned at its i'th test angle: every other
// angle with Standard damage (noise, dust, tone, blur, 200 dpi, bilevel or
// JPEG), and cleanly otherwise. Under the race detector only every fourth
// angle is damaged, a different one on each page.
func mixFor(p, i int) scanfx.Mix {
	if i%2 == 1 && (!raceEnabled || (i/2)%2 == p%2) {
		return scanfx.Standard
	}
	return scanfx.Clean
}

// Pages of text, a form and a short note, skewed by scanfx (see mixFor),
// are measured to within 0.15° and trusted; once straightened they measure
// within 0.1° of level.
func TestEstimateSkewedPages(t *testing.T) {
	pages := []struct {
		name string
		make func(testing.TB) *image.Gray
	}{
		{"japanese", japanesePage},
		{"latin", latinPage},
		{"form", formPage},
		{"sparse", sparsePage},
	}
	for p, pg := range pages {
		src := pg.make(t)
		for i, deg := range testAngles() {
			mix := mixFor(p, i)
			t.Run(fmt.Sprintf("%s/%v/%+g", pg.name, mix, deg), func(t *testing.T) {
				t.Parallel()
				img := scan(t, src, deg, mix, uint64(i+1))
				r := Estimate(img, Options{})
				t.Logf("%dx%d: angle %+.3f (error %+.3f) confidence %.3f", img.Rect.Dx(), img.Rect.Dy(), r.Angle, r.Angle-deg, r.Confidence)
				if !r.Found || math.Abs(r.Angle-deg) > 0.15 || r.Confidence < TrustConfidence {
					t.Fatalf("Estimate = %+v, want %+.2f° ±0.15 with confidence ≥ %v", r, deg, TrustConfidence)
				}
				after := Estimate(Straighten(img, r.Angle), Options{})
				t.Logf("straightened: angle %+.3f confidence %.3f", after.Angle, after.Confidence)
				if !after.Found || math.Abs(after.Angle) > 0.1 {
					t.Fatalf("after Straighten, Estimate = %+v, want level ±0.1°", after)
				}
			})
		}
	}
}

// Hard pages need not be measured, but whenever Estimate says to trust an
// angle it must be right. A letter head's few short lines give a wide,
// rippled peak; Japanese in staggered columns has no rows at all. Under
// the race detector each page is tried at half the angles.
func TestEstimateTrustedMeansRight(t *testing.T) {
	pages := []struct {
		name string
		make func(testing.TB) *image.Gray
		// maxErr bounds the error even when the angle is not trusted,
		// NaN when a wrong angle is fine as long as it is not trusted.
		maxErr float64
	}{
		{"letterhead", letterHeadPage, 0.3},
		{"vertical", func(tb testing.TB) *image.Gray { return verticalPage(tb, false) }, 0.15},
		{"vertical-staggered", func(tb testing.TB) *image.Gray { return verticalPage(tb, true) }, math.NaN()},
	}
	for p, pg := range pages {
		src := pg.make(t)
		for i, deg := range testAngles() {
			if raceEnabled && i%2 != p%2 {
				continue
			}
			mix := mixFor(p, i)
			t.Run(fmt.Sprintf("%s/%v/%+g", pg.name, mix, deg), func(t *testing.T) {
				t.Parallel()
				r := Estimate(scan(t, src, deg, mix, uint64(i+1)), Options{})
				err := math.Abs(r.Angle - deg)
				t.Logf("angle %+.3f (error %+.3f) confidence %.3f found %v", r.Angle, r.Angle-deg, r.Confidence, r.Found)
				if r.Found && r.Confidence >= TrustConfidence && err > 0.15 {
					t.Fatalf("Estimate = %+v trusted, but the page is skewed %+.2f°", r, deg)
				}
				if !math.IsNaN(pg.maxErr) && (!r.Found || err > pg.maxErr) {
					t.Fatalf("Estimate = %+v, want %+.2f° ±%v", r, deg, pg.maxErr)
				}
			})
		}
	}
}

// Pages with nothing to line up: blank paper is not Found, and textures
// are not Found or not trusted.
func TestEstimateNoLines(t *testing.T) {
	blankScan := func(seed uint64) func() *image.Gray {
		return func() *image.Gray { return scan(t, blankPage(255), 1.5, scanfx.Standard, seed) }
	}
	tests := []struct {
		name      string
		page      func() *image.Gray
		mustBlank bool
	}{
		{"white", func() *image.Gray { return blankPage(255) }, true},
		{"grey paper", func() *image.Gray { return blankPage(180) }, true},
		{"blank scan 1", blankScan(1), true},
		{"blank scan 2", blankScan(2), true},
		{"blank scan 3", blankScan(3), true},
		// Hard lamp fall-off once darkened an edge band into "ink" with a
		// straight, level boundary.
		{"blank hard scan", func() *image.Gray { return scan(t, blankPage(255), 1.5, scanfx.Hard, 4) }, true},
		{"white noise", func() *image.Gray { return noisePage(1, 0) }, false},
		{"fine texture", func() *image.Gray { return noisePage(2, 4) }, false},
		{"photo", func() *image.Gray { return noisePage(3, 25) }, false},
		{"coarse photo", func() *image.Gray { return noisePage(4, 120) }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := Estimate(tc.page(), Options{})
			t.Logf("%+v", r)
			if tc.mustBlank && (r.Found || r.Angle != 0) {
				t.Fatalf("Estimate = %+v, want not Found", r)
			}
			if r.Found && r.Confidence >= TrustConfidence {
				t.Fatalf("Estimate = %+v, want not Found or confidence < %v", r, TrustConfidence)
			}
		})
	}
}

// Bars drawn running downhill to the right are a positive angle, whatever
// scanfx thinks, and Straighten by that angle levels them.
func TestSignConvention(t *testing.T) {
	for _, deg := range []float64{3, -3} {
		t.Run(fmt.Sprintf("%+g", deg), func(t *testing.T) {
			img := drawBars(1600, 1200, 6, deg)
			r := Estimate(img, Options{})
			if !r.Found || math.Abs(r.Angle-deg) > 0.1 {
				t.Fatalf("bars at %+g°: Estimate = %+v", deg, r)
			}
			level := Straighten(img, r.Angle)
			// The middle bar's ink centre at its left end against its
			// right end: equal when level, 1400·tan 3° = 73 px apart if not.
			left, right := inkCentreY(level, 200, 600), inkCentreY(level, 1000, 1400)
			if math.Abs(left-right) > 1.5 {
				t.Fatalf("after Straighten(%+.2f) the bars drop %.1f px left to right", r.Angle, right-left)
			}
		})
	}
}

// inkCentreY is the mean y of the dark pixels in columns [x0, x1) of the
// middle sixth of img's height.
func inkCentreY(img *image.Gray, x0, x1 int) float64 {
	h := img.Rect.Dy()
	var sum, n float64
	for y := h * 5 / 12; y < h*7/12; y++ {
		for x := x0; x < x1; x++ {
			if img.Pix[y*img.Stride+x] < 128 {
				sum += float64(y)
				n++
			}
		}
	}
	return sum / n
}

// A page skewed beyond MaxAngle is reported at the limit without
// confidence; a wider search finds it.
func TestEstimateMaxAngle(t *testing.T) {
	img := scan(t, latinPage(t), 9, scanfx.Clean, 0)
	tests := []struct {
		opts      Options
		want      float64
		wantTrust bool
	}{
		{Options{}, 7, false},
		{Options{MaxAngle: 10}, 9, true},
		{Options{MaxAngle: -1}, 7, false}, // treated as the default
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.opts.MaxAngle), func(t *testing.T) {
			r := Estimate(img, tc.opts)
			if !r.Found || math.Abs(r.Angle-tc.want) > 0.15 || (r.Confidence >= TrustConfidence) != tc.wantTrust {
				t.Fatalf("Estimate(%+v) = %+v, want %v° trusted=%v", tc.opts, r, tc.want, tc.wantTrust)
			}
		})
	}
}

// Estimate reads img in its own coordinates: a sub-image measures as a
// copy of it does, and pages too small to judge are not Found.
func TestEstimateBounds(t *testing.T) {
	page := scan(t, latinPage(t), 2, scanfx.Clean, 0)
	big := image.NewGray(image.Rect(-37, 11, page.Rect.Dx()-37+101, page.Rect.Dy()+11+50))
	for i := range big.Pix {
		big.Pix[i] = 255
	}
	sub := big.SubImage(image.Rect(-37, 11, page.Rect.Dx()-37, page.Rect.Dy()+11)).(*image.Gray)
	for y := range page.Rect.Dy() {
		copy(sub.Pix[y*sub.Stride:], page.Pix[y*page.Stride:][:page.Rect.Dx()])
	}
	if got, want := Estimate(sub, Options{}), Estimate(page, Options{}); got != want {
		t.Errorf("sub-image: %+v, copy: %+v", got, want)
	}
	for _, r := range []image.Rectangle{{}, image.Rect(0, 0, 40, 4000), image.Rect(5, 5, 5, 90)} {
		if got := Estimate(image.NewGray(r), Options{}); got != (Result{}) {
			t.Errorf("%v: %+v, want zero Result", r, got)
		}
	}
}

func TestStraighten(t *testing.T) {
	page := drawBars(400, 300, 3, 0)
	for i := range page.Pix {
		// Grey paper, so the fill can be told from white.
		page.Pix[i] = max(page.Pix[i], 20) - 20
	}
	sub := page.SubImage(image.Rect(50, 40, 350, 260)).(*image.Gray)
	tests := []struct {
		name  string
		img   *image.Gray
		angle float64
		same  bool
	}{
		{"zero", page, 0, true},
		{"below threshold", page, 0.049, true},
		{"negative below threshold", page, -0.049, true},
		{"NaN", page, math.NaN(), true},
		{"at threshold", page, 0.05, false},
		{"steep", page, -10, false},
		{"sub-image", sub, 4, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := Straighten(tc.img, tc.angle)
			if (out == tc.img) != tc.same {
				t.Fatalf("Straighten returned the input: %v, want %v", out == tc.img, tc.same)
			}
			if out.Rect != tc.img.Rect {
				t.Fatalf("bounds %v, want %v", out.Rect, tc.img.Rect)
			}
			if tc.same {
				return
			}
			// The corner a rotation brings in is paper, not white or black.
			if c := out.GrayAt(out.Rect.Min.X, out.Rect.Min.Y).Y; c != 235 {
				t.Errorf("corner %d, want the paper's 235", c)
			}
		})
	}
}

// lessThan counts what a plain comparison counts, for every cut.
func TestLessThan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []uint64{0, ^uint64(0), 0x8080808080808080, 0x7f7f7f7f7f7f7f7f, 0x0001027f8081feff}
	for range 200 {
		words = append(words, rng.Uint64())
	}
	for cut := 0; cut <= 256; cut++ {
		c := newLessCut(cut)
		for _, w := range words {
			want := 0
			for i := range 8 {
				if int(w>>(8*i)&0xff) < cut {
					want++
				}
			}
			if got := bits.OnesCount64(lessThan(w, c)); got != want {
				t.Fatalf("cut %d word %#016x: %d below, want %d", cut, w, got, want)
			}
		}
	}
}
