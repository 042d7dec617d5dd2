package paddle

import (
	"image"
	"math"
	"strings"
)

// height is the line height the models were trained at; a line's width
// follows from its aspect.
const height = 48

// maxWidth bounds the tensor of a very long line (a box of stray ink).
const maxWidth = 1600

// tensor is img as the models take it: scaled to height rows keeping its
// aspect, grey copied into three channels, each value (v/255 − 0.5)/0.5,
// in NCHW order. It returns the data and the width.
func tensor(img *image.Gray) ([]float32, int) {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	w := 16
	if sw > 0 && sh > 0 {
		w = min(maxWidth, max(16, int(math.Ceil(float64(height)*float64(sw)/float64(sh)))))
	}
	data := make([]float32, 3*height*w)
	sx, sy := float64(sw)/float64(w), float64(sh)/float64(height)
	at := func(x, y int) float64 {
		x, y = min(max(x, 0), sw-1), min(max(y, 0), sh-1)
		return float64(img.Pix[img.PixOffset(b.Min.X+x, b.Min.Y+y)])
	}
	plane := height * w
	for y := range height {
		fy := (float64(y)+0.5)*sy - 0.5
		y0 := int(math.Floor(fy))
		ay := fy - float64(y0)
		for x := range w {
			var v float64 = 255
			if sw > 0 && sh > 0 {
				fx := (float64(x)+0.5)*sx - 0.5
				x0 := int(math.Floor(fx))
				ax := fx - float64(x0)
				v = (1-ay)*((1-ax)*at(x0, y0)+ax*at(x0+1, y0)) + ay*((1-ax)*at(x0, y0+1)+ax*at(x0+1, y0+1))
			}
			n := float32((v/255 - 0.5) / 0.5)
			i := y*w + x
			data[i], data[plane+i], data[2*plane+i] = n, n, n
		}
	}
	return data, w
}

// decode is greedy CTC over probs (steps × classes, softmax'd): at each
// step the likeliest allowed output; a run of one output is one character,
// and blanks separate repeats. A character's probability is that of its
// surest step; the confidence is the least of the characters'.
func decode(probs []float32, steps, classes int, allowed []bool, alphabet []string) (string, float64) {
	var b strings.Builder
	conf, cur := 1.0, 0.0
	prev := 0
	for t := range steps {
		row := probs[t*classes : (t+1)*classes]
		best, bi := float32(-1), 0
		for c, p := range row {
			if c < len(allowed) && allowed[c] && p > best {
				best, bi = p, c
			}
		}
		if bi >= len(alphabet) {
			bi = 0
		}
		switch {
		case bi != 0 && bi == prev:
			cur = max(cur, float64(best))
		case bi != 0:
			if prev != 0 {
				conf = min(conf, cur)
			}
			b.WriteString(alphabet[bi])
			cur = float64(best)
		case prev != 0:
			conf = min(conf, cur)
		}
		prev = bi
	}
	if prev != 0 {
		conf = min(conf, cur)
	}
	return b.String(), conf
}
