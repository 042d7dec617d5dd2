package scanfx

import (
	"bytes"
	"image"
	"math"
	"math/rand/v2"
	"testing"
)

// naiveBlur is the textbook version of blur, without the white-paper skips.
func naiveBlur(img *image.Gray, sigma float64) *image.Gray {
	radius := max(1, int(math.Ceil(3*sigma)))
	fw := make([]float64, 2*radius+1)
	total := 0.0
	for i := range fw {
		d := float64(i - radius)
		fw[i] = math.Exp(-float64(d*d) / float64(2*sigma*sigma))
		total += fw[i]
	}
	kern := make([]int, len(fw))
	sum := 0
	for i := range fw {
		kern[i] = int(math.Round(fw[i] / total * (1 << kernelShift)))
		sum += kern[i]
	}
	kern[radius] += 1<<kernelShift - sum
	w, h := img.Rect.Dx(), img.Rect.Dy()
	pass := func(src *image.Gray, dx, dy int) *image.Gray {
		dst := image.NewGray(src.Rect)
		for y := range h {
			for x := range w {
				acc := 0
				for k, c := range kern {
					sx := min(w-1, max(0, x+(k-radius)*dx))
					sy := min(h-1, max(0, y+(k-radius)*dy))
					acc += c * int(src.GrayAt(sx, sy).Y)
				}
				dst.Pix[dst.PixOffset(x, y)] = uint8((acc + 1<<(kernelShift-1)) >> kernelShift)
			}
		}
		return dst
	}
	return pass(pass(img, 1, 0), 0, 1)
}

func TestBlurMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	sparse := whitePage(203, 157)
	for range 40 {
		paintDisc(sparse, rng.Float64()*203, rng.Float64()*157, rng.Float64()*3, uint8(rng.IntN(256)))
	}
	// Ink on every edge, where the replicate rule and the skips meet.
	fillRect(sparse, 0, 0, 1, 157, 0)
	fillRect(sparse, 0, 156, 203, 157, 7)
	dense := image.NewGray(image.Rect(0, 0, 61, 45))
	for i := range dense.Pix {
		dense.Pix[i] = uint8(rng.IntN(256))
	}
	tests := []struct {
		name  string
		img   *image.Gray
		sigma float64
	}{
		{"sparse 0.3", sparse, 0.3},
		{"sparse 0.8", sparse, 0.8},
		{"sparse 1.8", sparse, 1.8},
		{"dense 1.1", dense, 1.1},
		{"tiny", whitePage(3, 2), 2},
		{"form", formPage(9).SubImage(image.Rect(0, 0, 400, 700)).(*image.Gray), 1.3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img := image.NewGray(image.Rect(0, 0, tc.img.Rect.Dx(), tc.img.Rect.Dy()))
			for y := range img.Rect.Dy() {
				copy(img.Pix[y*img.Stride:(y+1)*img.Stride], tc.img.Pix[tc.img.PixOffset(tc.img.Rect.Min.X, tc.img.Rect.Min.Y+y):])
			}
			got, want := blur(img, tc.sigma), naiveBlur(img, tc.sigma)
			if !bytes.Equal(got.Pix, want.Pix) {
				t.Fatal("blur differs from the naive convolution")
			}
		})
	}
}

func stats(img *image.Gray) (mean, sd float64, lo, hi uint8) {
	lo, hi = 255, 0
	var s, s2 float64
	for _, v := range img.Pix {
		s += float64(v)
		s2 += float64(v) * float64(v)
		lo, hi = min(lo, v), max(hi, v)
	}
	n := float64(len(img.Pix))
	mean = s / n
	return mean, math.Sqrt(s2/n - mean*mean), lo, hi
}

func TestNoiseStatistics(t *testing.T) {
	for _, sigma := range []float64{1, 4, 12} {
		img := image.NewGray(image.Rect(0, 0, 400, 400))
		for i := range img.Pix {
			img.Pix[i] = 128
		}
		noise(img, sigma, rand.New(rand.NewPCG(1, 2)))
		mean, sd, _, _ := stats(img)
		if !near(mean, 128, 0.1) || !near(sd, sigma, 0.05*sigma+0.1) {
			t.Errorf("sigma %v: mean %.3f sd %.3f", sigma, mean, sd)
		}
	}
}

func TestTone(t *testing.T) {
	for _, k := range []float64{0.1, 0.5, 1} {
		img := whitePage(300, 400)
		fillRect(img, 100, 100, 200, 200, 0)
		tone(img, k, rand.New(rand.NewPCG(uint64(k*10), 0)))
		var paperLo, paperHi, inkHi uint8 = 255, 0, 0
		for y := range 400 {
			for x := range 300 {
				v := img.GrayAt(x, y).Y
				if image.Pt(x, y).In(image.Rect(100, 100, 200, 200)) {
					inkHi = max(inkHi, v)
				} else {
					paperLo, paperHi = min(paperLo, v), max(paperHi, v)
				}
			}
		}
		// Strength k darkens paper by at most ~30%·k and lifts ink by at
		// most 40·k grey levels; some unevenness must be visible.
		if float64(paperLo) < 255*(1-0.32*k)-1 || paperHi == 255 || paperHi == paperLo {
			t.Errorf("tone %v: paper in [%d, %d]", k, paperLo, paperHi)
		}
		if float64(inkHi) > 40*k+1 {
			t.Errorf("tone %v: ink up to %d", k, inkHi)
		}
	}
}

func TestThresholdAndSpeckle(t *testing.T) {
	img := formPage(5)
	rng := rand.New(rand.NewPCG(5, 5))
	blank := whitePage(1000, 1000) // 8.47 cm square at 300 dpi: ~71.7 cm²
	speckle(blank, 2, 300, rng)
	specks := 0
	for _, v := range blank.Pix {
		if v != 255 {
			specks++
		}
	}
	// ~108 dark specks of 1–30 px each.
	if specks < 100 || specks > 3000 {
		t.Errorf("speckle 2/cm² darkened %d px of a 72 cm² page", specks)
	}
	threshold(img, 0)
	for _, v := range img.Pix {
		if v != 0 && v != 255 {
			t.Fatalf("bilevel page holds grey %d", v)
		}
	}
}

// A copier's black-and-white mode: paper, even grey paper, stays white;
// solid ink stays black; grey ink becomes dots whose density is its
// darkness after background removal.
func TestDither(t *testing.T) {
	for _, c := range []struct {
		name   string
		level  uint8
		darkLo float64 // share of black pixels expected
		darkHi float64
	}{
		{"white paper", 255, 0, 0},
		{"grey paper", 225, 0, 0},
		{"solid ink", 20, 0.9, 1},
		{"faint ink", 170, 0.15, 0.3}, // 170 → 201 of 255 after background removal: a fifth dark
	} {
		t.Run(c.name, func(t *testing.T) {
			img := whitePage(200, 200)
			for i := range img.Pix {
				img.Pix[i] = c.level
			}
			dither(img, 128)
			dark := 0
			for _, v := range img.Pix {
				switch v {
				case 0:
					dark++
				case 255:
				default:
					t.Fatalf("dithered page holds grey %d", v)
				}
			}
			if f := float64(dark) / float64(len(img.Pix)); f < c.darkLo || f > c.darkHi {
				t.Errorf("%.3f of the pixels black, want %.2f–%.2f", f, c.darkLo, c.darkHi)
			}
		})
	}
}

// Sharpening leaves flat areas as they are and overshoots at an edge.
func TestSharpen(t *testing.T) {
	img := whitePage(40, 40)
	for y := range 40 {
		for x := range 20 {
			img.Pix[y*img.Stride+x] = 100
		}
	}
	out := sharpen(img, 1)
	at := func(x int) uint8 { return out.Pix[20*out.Stride+x] }
	if at(2) != 100 || at(38) != 255 {
		t.Errorf("flat areas changed: %d, %d", at(2), at(38))
	}
	if at(19) >= 100 {
		t.Errorf("ink beside the edge is %d, want darker than 100 (the halo)", at(19))
	}
}
