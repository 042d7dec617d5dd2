package scanfx

import (
	"errors"
	"image"
	"math"
	"math/rand/v2"
	"testing"
)

func TestRandomParamsDistribution(t *testing.T) {
	const n = 20000
	type counts struct {
		rot                         [4]int
		bilevel, jpeg, both         int
		skewMin, skewMax            float64
		dpiMin, dpiMax              float64
		jpegMin, jpegMax            int
		shiftMax, blurMax, noiseMax float64
		toneMax                     float64
		dither, sharpen             int
	}
	tests := []struct {
		mix   Mix
		check func(t *testing.T, c counts)
	}{
		{Clean, func(t *testing.T, c counts) {
			if c.rot[0] != n || c.bilevel+c.jpeg != 0 || c.noiseMax+c.blurMax+c.toneMax != 0 {
				t.Errorf("clean pages must be upright and undamaged: %+v", c)
			}
			if c.skewMin < -0.5 || c.skewMax > 0.5 || c.dpiMin != 300 || c.dpiMax != 300 {
				t.Errorf("clean skew/dpi out of range: %+v", c)
			}
		}},
		{Standard, func(t *testing.T, c counts) {
			frac := func(k int) float64 { return float64(k) / n }
			if f := frac(c.rot[2]); !near(f, 0.05, 0.01) {
				t.Errorf("upside down %.3f, want ≈0.05", f)
			}
			if f := frac(c.rot[1] + c.rot[3]); !near(f, 0.05, 0.01) {
				t.Errorf("sideways %.3f, want ≈0.05", f)
			}
			if f := frac(c.bilevel); !near(f, 0.15, 0.015) {
				t.Errorf("bilevel %.3f, want ≈0.15", f)
			}
			if f := frac(c.jpeg); !near(f, 0.5, 0.02) {
				t.Errorf("jpeg %.3f, want ≈0.5", f)
			}
			if c.skewMin < -3 || c.skewMax > 3 || c.skewMax < 2.9 {
				t.Errorf("skew in [%v, %v], want up to ±3", c.skewMin, c.skewMax)
			}
			if c.dpiMin != 200 || c.dpiMax != 300 || c.jpegMin != 60 || c.jpegMax != 90 {
				t.Errorf("dpi/jpeg ranges: %+v", c)
			}
		}},
		{Hard, func(t *testing.T, c counts) {
			for r, k := range c.rot {
				if !near(float64(k)/n, 0.25, 0.02) {
					t.Errorf("rotation %d in %d of %d pages, want ≈1/4", r, k, n)
				}
			}
			if f := float64(c.bilevel) / n; !near(f, 0.30, 0.02) {
				t.Errorf("bilevel %.3f, want ≈0.30", f)
			}
			if c.skewMin < -7 || c.skewMax > 7 || c.dpiMin != 150 || c.dpiMax != 400 || c.jpegMin != 30 || c.jpegMax != 60 {
				t.Errorf("ranges: %+v", c)
			}
		}},
		{Copier, func(t *testing.T, c counts) {
			frac := func(k int) float64 { return float64(k) / n }
			if f := frac(c.bilevel); !near(f, 0.35, 0.02) || c.dither != c.bilevel {
				t.Errorf("bilevel %.3f (want ≈0.35), %d of %d dithered (want all)", f, c.dither, c.bilevel)
			}
			if c.sharpen != n-c.bilevel {
				t.Errorf("%d of %d grey pages sharpened, want all", c.sharpen, n-c.bilevel)
			}
			if f := frac(c.jpeg); !near(f, 0.65*0.8, 0.02) {
				t.Errorf("jpeg %.3f, want ≈0.52", f)
			}
			if f := frac(c.rot[2]); !near(f, 0.05, 0.01) {
				t.Errorf("upside down %.3f, want ≈0.05", f)
			}
			if c.skewMin < -2 || c.skewMax > 2 || c.dpiMin != 200 || c.dpiMax != 300 || c.jpegMin != 45 || c.jpegMax != 75 {
				t.Errorf("ranges: %+v", c)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.mix.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(42, uint64(tc.mix)))
			c := counts{skewMin: 99, skewMax: -99, dpiMin: 9999, jpegMin: 999}
			for range n {
				p := RandomParams(rng, tc.mix)
				if err := p.Validate(); err != nil {
					t.Fatalf("RandomParams gave invalid %+v: %v", p, err)
				}
				c.rot[p.Rotate90]++
				if p.Bilevel {
					c.bilevel++
				}
				if p.JPEGQuality > 0 {
					c.jpeg++
					c.jpegMin, c.jpegMax = min(c.jpegMin, p.JPEGQuality), max(c.jpegMax, p.JPEGQuality)
					if p.Bilevel {
						c.both++
					}
				}
				if p.Dither {
					c.dither++
				}
				if p.Sharpen > 0 {
					c.sharpen++
				}
				if tc.mix == Hard && math.Abs(p.SkewDeg) < 3 {
					t.Fatalf("hard skew %v below 3°", p.SkewDeg)
				}
				c.skewMin, c.skewMax = min(c.skewMin, p.SkewDeg), max(c.skewMax, p.SkewDeg)
				c.dpiMin, c.dpiMax = min(c.dpiMin, p.DPI), max(c.dpiMax, p.DPI)
				c.shiftMax = max(c.shiftMax, math.Abs(p.ShiftXMM), math.Abs(p.ShiftYMM))
				c.blurMax, c.noiseMax, c.toneMax = max(c.blurMax, p.Blur), max(c.noiseMax, p.Noise), max(c.toneMax, p.Tone)
			}
			if c.both != 0 {
				t.Errorf("%d pages both bilevel and JPEG", c.both)
			}
			if c.shiftMax > MaxShiftMM {
				t.Errorf("shift %v mm beyond MaxShiftMM", c.shiftMax)
			}
			tc.check(t, c)
		})
	}
}

// No random page may crop into the 3 mm of white around a fiducial: the
// page inset by 4 mm (fiducial centre 10 mm in, half-size 3 mm, margin
// 3 mm) must map inside the canvas. The check is on the transform, so it
// covers many thousands of draws cheaply.
func TestRandomParamsKeepFiducials(t *testing.T) {
	const keepMM = 10 - 6.0/2 - 3
	in := mmPx(keepMM)
	corners := [][2]float64{{in, in}, {a4W - in, in}, {in, a4H - in}, {a4W - in, a4H - in}}
	for _, mix := range []Mix{Clean, Standard, Hard, Copier} {
		rng := rand.New(rand.NewPCG(7, uint64(mix)))
		worst := math.Inf(1)
		for range 20000 {
			p := RandomParams(rng, mix)
			tr, size, err := Geometry(image.Pt(a4W, a4H), p)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range corners {
				x, y := tr.Apply(c[0], c[1])
				m := min(x, y, float64(size.X)-x, float64(size.Y)-y) * 25.4 / p.DPI
				worst = min(worst, m)
				if m < 0 {
					t.Fatalf("%v %+v: fiducial margin corner %v lands at (%.1f, %.1f) outside %v", mix, p, c, x, y, size)
				}
			}
		}
		t.Logf("%v: closest fiducial margin to the canvas edge %.2f mm", mix, worst)
	}
}

func TestRandomParamsDeterministic(t *testing.T) {
	for _, mix := range []Mix{Clean, Standard, Hard} {
		a := rand.New(rand.NewPCG(1, 2))
		b := rand.New(rand.NewPCG(1, 2))
		for range 100 {
			if pa, pb := RandomParams(a, mix), RandomParams(b, mix); pa != pb {
				t.Fatalf("%v: same seed, different params %+v vs %+v", mix, pa, pb)
			}
		}
	}
}

func TestParseMix(t *testing.T) {
	for _, m := range []Mix{Clean, Standard, Hard} {
		got, err := ParseMix(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMix(%q) = %v, %v", m.String(), got, err)
		}
	}
	if got, err := ParseMix("HARD"); err != nil || got != Hard {
		t.Errorf("ParseMix is case-sensitive: %v, %v", got, err)
	}
	if _, err := ParseMix("brutal"); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("ParseMix(brutal) error = %v", err)
	}
}
