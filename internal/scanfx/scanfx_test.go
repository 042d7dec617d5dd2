package scanfx

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"testing"
)

func TestGeometryTable(t *testing.T) {
	const w, h = 200, 300
	tests := []struct {
		name     string
		p        Params
		size     image.Point
		from, to [2]float64 // one point and where it must go
	}{
		{"zero value is identity", Params{}, image.Pt(200, 300), [2]float64{0, 0}, [2]float64{0, 0}},
		{"identity far corner", Params{DPI: 300}, image.Pt(200, 300), [2]float64{200, 300}, [2]float64{200, 300}},
		// Quarter turn clockwise: the top-left corner goes to the top-right.
		{"rot90 top-left", Params{Rotate90: 1}, image.Pt(300, 200), [2]float64{0, 0}, [2]float64{300, 0}},
		{"rot90 bottom-left", Params{Rotate90: 1}, image.Pt(300, 200), [2]float64{0, 300}, [2]float64{0, 0}},
		{"rot180", Params{Rotate90: 2}, image.Pt(200, 300), [2]float64{10, 20}, [2]float64{190, 280}},
		{"rot270", Params{Rotate90: 3}, image.Pt(300, 200), [2]float64{0, 0}, [2]float64{0, 200}},
		{"150 dpi halves", Params{DPI: 150}, image.Pt(100, 150), [2]float64{200, 300}, [2]float64{100, 150}},
		{"600 dpi doubles", Params{DPI: 600}, image.Pt(400, 600), [2]float64{10, 10}, [2]float64{20, 20}},
		{"source 600 to 300", Params{DPI: 300, SourceDPI: 600}, image.Pt(100, 150), [2]float64{200, 300}, [2]float64{100, 150}},
		// 25.4 mm at 300 dpi is 300 px; the canvas does not move.
		{"shift", Params{ShiftXMM: 2.54, ShiftYMM: -2.54}, image.Pt(200, 300), [2]float64{0, 0}, [2]float64{30, -30}},
		// 90° of skew about the centre equals a quarter turn: a cross-check
		// of the two rotation paths, and of the growing canvas.
		{"skew 45 canvas", Params{SkewDeg: 45}, image.Pt(354, 354), [2]float64{100, 150}, [2]float64{177, 177}},
		{"skew clockwise", Params{SkewDeg: 30}, image.Pt(324, 360), [2]float64{200, 150}, [2]float64{162 + 100*math.Sqrt(3)/2, 180 + 50}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, size, err := Geometry(image.Pt(w, h), tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if size != tc.size {
				t.Errorf("size = %v, want %v", size, tc.size)
			}
			x, y := tr.Apply(tc.from[0], tc.from[1])
			if !near(x, tc.to[0], 1e-9) || !near(y, tc.to[1], 1e-9) {
				t.Errorf("(%v) → (%v, %v), want %v", tc.from, x, y, tc.to)
			}
		})
	}
}

// An unskewed quarter turn or whole-pixel shift at the source resolution
// must move pixels without touching their values: if the pixel-centre
// convention were off by half a pixel anywhere, every value would blur.
func TestWarpMovesPixelsExactly(t *testing.T) {
	const w, h = 37, 23
	src := image.NewGray(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range src.Pix {
		src.Pix[i] = uint8(rng.IntN(256))
	}
	shift := 5 * 25.4 / SourceDPI // 5 px in mm
	tests := []struct {
		name string
		p    Params
		// where src pixel (x, y) must land
		dst func(x, y int) (int, int)
	}{
		{"copy", Params{}, func(x, y int) (int, int) { return x, y }},
		{"rot90", Params{Rotate90: 1}, func(x, y int) (int, int) { return h - 1 - y, x }},
		{"rot180", Params{Rotate90: 2}, func(x, y int) (int, int) { return w - 1 - x, h - 1 - y }},
		{"rot270", Params{Rotate90: 3}, func(x, y int) (int, int) { return y, w - 1 - x }},
		{"shift", Params{ShiftXMM: shift, ShiftYMM: -shift}, func(x, y int) (int, int) { return x + 5, y - 5 }},
		{"rot90 shifted", Params{Rotate90: 1, ShiftXMM: -shift}, func(x, y int) (int, int) { return h - 1 - y - 5, x }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := Apply(src, tc.p, nil)
			if err != nil {
				t.Fatal(err)
			}
			moved := image.NewGray(out.Rect)
			for i := range moved.Pix {
				moved.Pix[i] = 255
			}
			for y := range h {
				for x := range w {
					if dx, dy := tc.dst(x, y); image.Pt(dx, dy).In(out.Rect) {
						moved.SetGray(dx, dy, src.GrayAt(x, y))
					}
				}
			}
			if !bytes.Equal(out.Pix, moved.Pix) {
				t.Fatalf("output differs from the exact pixel move")
			}
		})
	}
}

// A sub-image is a page of its own: coordinates start at its Min.
func TestApplySubImage(t *testing.T) {
	big := whitePage(300, 300)
	paintDisc(big, 150.5, 150.5, 6, 0)
	sub := big.SubImage(image.Rect(100, 100, 250, 260)).(*image.Gray)
	out, tr, err := Apply(sub, Params{SkewDeg: 2, DPI: 200}, nil)
	if err != nil {
		t.Fatal(err)
	}
	px, py := tr.Apply(50.5, 50.5)
	cx, cy, ok := centroid(out, px, py, 12, true)
	if !ok || !near(cx, px, 0.2) || !near(cy, py, 0.2) {
		t.Fatalf("dot at (%.2f, %.2f), want (%.2f, %.2f)", cx, cy, px, py)
	}
}

// The core contract: ink lands where the reported Affine says. Explicit
// corner cases first, on a small page to keep the table cheap.
func TestDotsLandWherePredicted(t *testing.T) {
	const w, h, r = 700, 990, 9.0
	dots := [][2]float64{{40, 40}, {660, 40}, {40, 950}, {660, 950}, {350.5, 495.5}, {123.25, 777.75}}
	src := dotPage(w, h, dots, r)
	var cases []Params
	for rot := range 4 {
		for _, skew := range []float64{0, 0.37, -3, 6.9} {
			for _, dpi := range []float64{150, 217.5, 300, 400} {
				cases = append(cases, Params{Rotate90: rot, SkewDeg: skew, DPI: dpi, ShiftXMM: 1.3, ShiftYMM: -0.7})
			}
		}
	}
	for _, p := range cases {
		t.Run(fmt.Sprintf("rot%d_skew%g_dpi%g", p.Rotate90, p.SkewDeg, p.DPI), func(t *testing.T) {
			checkDots(t, src, dots, r, p, nil, 0.05)
		})
	}
}

// Random pages from every mix, on a full A4 page, with and without the
// photometric damage. Geometry alone is held to 0.05 px; with noise, dust,
// blur, tone, JPEG and thresholding the blob centre still has to be within
// the contract's 1 px.
func TestDotsLandWherePredictedRandom(t *testing.T) {
	in := func(mm float64) float64 { return mmPx(mm) }
	dots := [][2]float64{
		{in(20), in(20)}, {in(190), in(20)}, {in(20), in(277)}, {in(190), in(277)},
		{a4W / 2, a4H / 2}, {in(70), in(200)}, {in(150), in(90)},
	}
	const r = 18.0 // 1.5 mm: strong enough to survive Hard damage at 150 dpi
	src := dotPage(a4W, a4H, dots, r)
	seeds := 4
	if testing.Short() {
		seeds = 1
	}
	for _, mix := range []Mix{Clean, Standard, Hard} {
		for seed := range uint64(seeds) {
			p := RandomParams(rand.New(rand.NewPCG(seed, 7)), mix)
			t.Run(fmt.Sprintf("%v/%d/geometry", mix, seed), func(t *testing.T) {
				checkDots(t, src, dots, r, geometryOnly(p), nil, 0.05)
			})
			t.Run(fmt.Sprintf("%v/%d/full", mix, seed), func(t *testing.T) {
				checkDots(t, src, dots, r, p, rand.New(rand.NewPCG(seed, 8)), 1)
			})
		}
	}
}

// checkDots scans src with p and checks every dot's centre against the
// reported transform. The expected centre is the dot's measured centre in
// src, so the check is of the transform, not of how discs rasterise; with a
// tolerance near 1 px the damaged page is measured robustly instead.
func checkDots(t *testing.T, src *image.Gray, dots [][2]float64, r float64, p Params, rng *rand.Rand, tol float64) {
	t.Helper()
	out, tr, err := Apply(src, p, rng)
	if err != nil {
		t.Fatal(err)
	}
	exact := tol < 0.5
	scale := p.outDPI() / p.srcDPI()
	for _, d := range dots {
		sx, sy, ok := centroid(src, d[0], d[1], 2*r, true)
		if !ok {
			t.Fatalf("no dot in the source at %v", d)
		}
		px, py := tr.Apply(sx, sy)
		cx, cy, ok := centroid(out, px, py, 2*r*scale+4, exact)
		if !ok {
			t.Errorf("%+v: no dot near (%.1f, %.1f)", p, px, py)
			continue
		}
		if e := math.Hypot(cx-px, cy-py); e > tol {
			t.Errorf("%+v: dot %v found at (%.3f, %.3f), Affine says (%.3f, %.3f): off by %.3f px",
				p, d, cx, cy, px, py, e)
		}
	}
}

func TestDeterministic(t *testing.T) {
	// A third of a page holds every kind of ink and keeps -race fast.
	src := formPage(1).SubImage(image.Rect(0, 0, 1400, 1500)).(*image.Gray)
	for _, mix := range []Mix{Clean, Standard, Hard} {
		t.Run(mix.String(), func(t *testing.T) {
			run := func(seed uint64) ([]byte, Affine) {
				rng := rand.New(rand.NewPCG(seed, 99))
				p := RandomParams(rng, mix)
				// Make sure every random effect runs, whatever the draw.
				p.Speckle, p.Tone, p.Noise = max(p.Speckle, 0.5), max(p.Tone, 0.5), max(p.Noise, 5)
				out, tr, err := Apply(src, p, rng)
				if err != nil {
					t.Fatal(err)
				}
				return out.Pix, tr
			}
			a, ta := run(3)
			b, tb := run(3)
			if !bytes.Equal(a, b) || ta != tb {
				t.Fatal("same seed gave different scans")
			}
			if c, _ := run(4); bytes.Equal(a, c) {
				t.Fatal("different seeds gave identical scans")
			}
		})
	}
}

// Golden digest of one fully damaged page. It pins the output across
// refactors and machines; math/rand/v2's PCG stream is specified, so a
// change here is a change in scanfx (or in a JPEG-free float path, which
// would break reproducibility of generated corpora and must be looked at).
func TestGolden(t *testing.T) {
	src := formPage(2).SubImage(image.Rect(0, 0, 900, 1200)).(*image.Gray)
	p := Params{Rotate90: 3, SkewDeg: -4.3, DPI: 217, ShiftXMM: 1.2, ShiftYMM: -2,
		Blur: 1.1, Noise: 9, Speckle: 2, Tone: 0.8}
	out, tr, err := Apply(src, p, rand.New(rand.NewPCG(5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(out.Pix)
	got := hex.EncodeToString(sum[:8])
	const want = "c52522c129b9aad6"
	if got != want {
		t.Errorf("digest = %s, want %s (size %v, transform %+v)", got, want, out.Rect.Size(), tr)
	}
}

func TestApplyErrors(t *testing.T) {
	src := whitePage(50, 50)
	rng := rand.New(rand.NewPCG(1, 1))
	tests := []struct {
		name string
		src  *image.Gray
		p    Params
		rng  *rand.Rand
		want error
	}{
		{"nil src", nil, Params{}, rng, ErrInvalidParams},
		{"empty src", image.NewGray(image.Rect(0, 0, 0, 5)), Params{}, rng, ErrInvalidParams},
		{"rotate 4", src, Params{Rotate90: 4}, rng, ErrInvalidParams},
		{"rotate -1", src, Params{Rotate90: -1}, rng, ErrInvalidParams},
		{"skew 60", src, Params{SkewDeg: 60}, rng, ErrInvalidParams},
		{"skew NaN", src, Params{SkewDeg: math.NaN()}, rng, ErrInvalidParams},
		{"dpi 10", src, Params{DPI: 10}, rng, ErrInvalidParams},
		{"dpi inf", src, Params{DPI: math.Inf(1)}, rng, ErrInvalidParams},
		{"negative blur", src, Params{Blur: -1}, rng, ErrInvalidParams},
		{"tone 2", src, Params{Tone: 2}, rng, ErrInvalidParams},
		{"jpeg 101", src, Params{JPEGQuality: 101}, rng, ErrInvalidParams},
		{"dither without bilevel", src, Params{Dither: true}, rng, ErrInvalidParams},
		{"sharpen 5", src, Params{Sharpen: 5}, rng, ErrInvalidParams},
		{"noise without rng", src, Params{Noise: 3}, nil, ErrNoRand},
		{"tone without rng", src, Params{Tone: 0.3}, nil, ErrNoRand},
		{"too large", whitePage(4000, 4000), Params{DPI: 1200}, rng, ErrInvalidParams},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Apply(tc.src, tc.p, tc.rng)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
		})
	}
}

func BenchmarkApply(b *testing.B) {
	src := formPage(4)
	for _, mix := range []Mix{Clean, Standard, Hard} {
		b.Run(mix.String(), func(b *testing.B) {
			var seed uint64
			for b.Loop() {
				rng := rand.New(rand.NewPCG(seed, 0))
				seed++
				if _, _, err := Apply(src, RandomParams(rng, mix), rng); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// refWarp is warp written plainly in floating point, to check that the
// fixed-point, tiled, blank-skipping version samples the same places.
func refWarp(src *image.Gray, inv Affine, size image.Point, scale float64) *image.Gray {
	n := max(1, int(math.Ceil(1/scale-1e-9)))
	at := func(x, y int) float64 {
		if !image.Pt(x, y).In(src.Rect) {
			return 255
		}
		return float64(src.GrayAt(x, y).Y)
	}
	dst := image.NewGray(image.Rect(0, 0, size.X, size.Y))
	for j := range size.Y {
		for i := range size.X {
			sum := 0.0
			for b := range n {
				for a := range n {
					u, v := inv.Apply(float64(i)+(float64(a)+0.5)/float64(n), float64(j)+(float64(b)+0.5)/float64(n))
					u, v = u-0.5, v-0.5
					x0, y0 := math.Floor(u), math.Floor(v)
					fx, fy := u-x0, v-y0
					xi, yi := int(x0), int(y0)
					top := at(xi, yi)*(1-fx) + at(xi+1, yi)*fx
					bot := at(xi, yi+1)*(1-fx) + at(xi+1, yi+1)*fx
					sum += top*(1-fy) + bot*fy
				}
			}
			dst.Pix[dst.PixOffset(i, j)] = uint8(math.Round(sum / float64(n*n)))
		}
	}
	return dst
}

func TestWarpMatchesReference(t *testing.T) {
	src := formPage(8).SubImage(image.Rect(0, 0, 500, 420)).(*image.Gray)
	tests := []Params{
		{},
		{SkewDeg: 1.7},
		{Rotate90: 1, SkewDeg: -4.2, DPI: 200, ShiftXMM: 3},
		{Rotate90: 2, SkewDeg: 6.5, DPI: 150},
		{Rotate90: 3, SkewDeg: 0.3, DPI: 400, ShiftYMM: -2},
		{SkewDeg: -2, DPI: 97},   // 4×4 samples per pixel
		{SkewDeg: 2.5, DPI: 120}, // 3×3: the division path
	}
	for _, p := range tests {
		t.Run(fmt.Sprintf("rot%d_skew%g_dpi%g", p.Rotate90, p.SkewDeg, p.DPI), func(t *testing.T) {
			got, tr, err := Apply(src, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			inv, _ := tr.Invert()
			want := refWarp(src, inv, got.Rect.Size(), p.outDPI()/p.srcDPI())
			worst := 0
			for i := range got.Pix {
				worst = max(worst, absInt(int(got.Pix[i])-int(want.Pix[i])))
			}
			// 1/256 px weights and integer rounding against float64.
			t.Logf("worst difference %d", worst)
			if worst > 1 {
				t.Errorf("differs from the float reference by up to %d grey levels", worst)
			}
		})
	}
}
