package scanfx

import (
	"image"
	"math"
	"math/rand/v2"
	"slices"
)

// A4 at the template canvas resolution.
const (
	a4W = 2480
	a4H = 3508
)

func mmPx(mm float64) float64 { return mm * SourceDPI / 25.4 }

func whitePage(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	return img
}

// fillRect paints [x0,x1)×[y0,y1) in pixels, clipped.
func fillRect(img *image.Gray, x0, y0, x1, y1 int, v uint8) {
	r := image.Rect(x0, y0, x1, y1).Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.Pix[img.PixOffset(x, y)] = v
		}
	}
}

func frameRect(img *image.Gray, x0, y0, x1, y1, t int) {
	fillRect(img, x0, y0, x1, y0+t, 0)
	fillRect(img, x0, y1-t, x1, y1, 0)
	fillRect(img, x0, y0, x0+t, y1, 0)
	fillRect(img, x1-t, y0, x1, y1, 0)
}

// formPage draws something shaped like a shinsei form at 300 dpi: the four
// fiducials (the top-left one with a hole), framed fields with pseudo-text,
// a row of checkboxes and a signature scrawl. It only has to look like a
// form to a human checking the damage and to exercise every code path.
func formPage(seed uint64) *image.Gray {
	img := whitePage(a4W, a4H)
	rng := rand.New(rand.NewPCG(seed, 0))
	px := func(mm float64) int { return int(math.Round(mmPx(mm))) }
	for _, c := range [][2]float64{{10, 10}, {200, 10}, {10, 287}, {200, 287}} {
		fillRect(img, px(c[0]-3), px(c[1]-3), px(c[0]+3), px(c[1]+3), 0)
	}
	fillRect(img, px(10-1.3), px(10-1.3), px(10+1.3), px(10+1.3), 255)

	// Title.
	for i := range 14 {
		x := 55 + float64(i)*7.5
		fillRect(img, px(x), px(20), px(x+6), px(21), 0)
		fillRect(img, px(x+2.5), px(20), px(x+3.5), px(27), 0)
		fillRect(img, px(x), px(26), px(x+6), px(27), 0)
	}
	y := 40.0
	for row := range 12 {
		frameRect(img, px(20), px(y), px(190), px(y+14), 4)
		fillRect(img, px(20), px(y), px(55), px(y+14), 225)
		frameRect(img, px(20), px(y), px(55), px(y+14), 4)
		// Pseudo glyphs: a few strokes per character cell.
		for c := range 3 + row%4 {
			gx := 24 + float64(c)*6
			for range 3 {
				if rng.IntN(2) == 0 {
					yy := y + 3 + rng.Float64()*7
					fillRect(img, px(gx), px(yy), px(gx+4), px(yy)+4, 0)
				} else {
					xx := gx + rng.Float64()*4
					fillRect(img, px(xx), px(y+3), px(xx)+4, px(y+11), 0)
				}
			}
		}
		// Handwriting-ish value in the field.
		for c := range 4 + rng.IntN(12) {
			gx := 60 + float64(c)*8
			for range 4 {
				x0 := gx + rng.Float64()*6
				y0 := y + 2 + rng.Float64()*10
				ln := 1 + rng.Float64()*4
				ang := rng.Float64() * math.Pi
				for s := 0.0; s < ln; s += 0.05 {
					xx, yy := x0+s*math.Cos(ang), y0+s*math.Sin(ang)
					fillRect(img, px(xx), px(yy), px(xx)+5, px(yy)+5, 20)
				}
			}
		}
		y += 16
	}
	for i := range 8 {
		x := 20 + float64(i)*21
		frameRect(img, px(x), px(240), px(x+6), px(246), 5)
		if i%3 == 0 {
			for s := 0.0; s < 6; s += 0.05 {
				fillRect(img, px(x+s), px(240+s), px(x+s)+6, px(240+s)+6, 10)
				fillRect(img, px(x+6-s), px(240+s), px(x+6-s)+6, px(240+s)+6, 10)
			}
		}
	}
	frameRect(img, px(110), px(255), px(190), px(278), 4)
	for s := 0.0; s < 70; s += 0.03 {
		xx, yy := 115+s, 268+4*math.Sin(s/2.3)+2*math.Cos(s*1.7)
		fillRect(img, px(xx), px(yy), px(xx)+6, px(yy)+6, 15)
	}
	return img
}

// dotPage is a white page with black discs of radius r px centred at the
// given continuous coordinates.
func dotPage(w, h int, dots [][2]float64, r float64) *image.Gray {
	img := whitePage(w, h)
	for _, d := range dots {
		paintDisc(img, d[0], d[1], r, 0)
	}
	return img
}

// centroid locates the ink blob near (px, py) in a window of ±half px.
//
// Exact mode weighs every pixel by its darkness below white: bilinear
// resampling preserves that first moment, so it measures the geometry
// itself, free of rasterisation error. Robust mode is for damaged pages: ink
// weight is the darkness below the window's paper level, counted only where
// a pixel is darker than half-way to the ink, so grey paper, noise and JPEG
// ringing do not drag the centre.
func centroid(img *image.Gray, px, py, half float64, exact bool) (float64, float64, bool) {
	r := image.Rect(int(px-half), int(py-half), int(px+half)+1, int(py+half)+1).Intersect(img.Rect)
	if r.Empty() {
		return 0, 0, false
	}
	paper, cut := 255, 256
	if !exact {
		var vals []int
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				vals = append(vals, int(img.GrayAt(x, y).Y))
			}
		}
		slices.Sort(vals)
		paper = vals[len(vals)*9/10]
		ink := vals[len(vals)/100]
		if paper-ink < 60 {
			return 0, 0, false
		}
		cut = (paper + ink) / 2
	}
	var sw, sx, sy float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			v := int(img.GrayAt(x, y).Y)
			if v >= cut {
				continue
			}
			w := float64(max(0, paper-v))
			sw += w
			sx += w * (float64(x) + 0.5)
			sy += w * (float64(y) + 0.5)
		}
	}
	if sw == 0 {
		return 0, 0, false
	}
	return sx / sw, sy / sw, true
}

// geometryOnly strips the photometric damage from p.
func geometryOnly(p Params) Params {
	return Params{Rotate90: p.Rotate90, SkewDeg: p.SkewDeg, DPI: p.DPI, SourceDPI: p.SourceDPI,
		ShiftXMM: p.ShiftXMM, ShiftYMM: p.ShiftYMM}
}
