package paddle

import (
	"image"
	"testing"
)

// probs builds a steps × classes output whose step t is sure (0.9) of
// class seq[t], the rest spread evenly.
func probs(seq []int, classes int) []float32 {
	out := make([]float32, len(seq)*classes)
	for t, c := range seq {
		for k := range classes {
			out[t*classes+k] = 0.1 / float32(classes-1)
		}
		out[t*classes+c] = 0.9
	}
	return out
}

func TestDecode(t *testing.T) {
	alphabet := []string{"", "1", "7", "年", " "}
	all := []bool{true, true, true, true, true}
	for _, c := range []struct {
		name    string
		seq     []int
		allowed []bool
		want    string
	}{
		{"blanks separate repeats", []int{1, 1, 0, 1, 2, 2, 3}, all, "117年"},
		{"runs are one character", []int{2, 2, 2, 0, 0}, all, "7"},
		{"all blank", []int{0, 0, 0}, all, ""},
		// With 7 masked out, the likeliest allowed output at its step
		// is the blank (all the rest tie), which separates the two 1s.
		{"masked class never chosen", []int{1, 2, 1}, []bool{true, true, false, true, true}, "11"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, conf := decode(probs(c.seq, len(alphabet)), len(c.seq), len(alphabet), c.allowed, alphabet)
			if got != c.want {
				t.Errorf("decoded %q, want %q", got, c.want)
			}
			if conf <= 0 || conf > 1 {
				t.Errorf("confidence %v", conf)
			}
		})
	}
	// A character's confidence is its surest step; the read's, its least.
	p := probs([]int{1, 1, 0, 2}, len(alphabet))
	p[0*len(alphabet)+1], p[3*len(alphabet)+2] = 0.6, 0.55
	if _, conf := decode(p, 4, len(alphabet), all, alphabet); conf < 0.549 || conf > 0.551 {
		t.Errorf("confidence %v, want 0.55 (the 7's)", conf)
	}
}

func TestTensorShape(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 200, 50))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	img.Pix[img.PixOffset(100, 25)] = 0
	data, w := tensor(img)
	if w != 192 || len(data) != 3*height*w {
		t.Fatalf("width %d, %d values; want 192 and %d", w, len(data), 3*height*192)
	}
	if data[0] != 1 || data[height*w] != 1 {
		t.Errorf("white is %v, want 1", data[0])
	}
	// Tiny and empty images still make a tensor the models accept.
	if _, w := tensor(image.NewGray(image.Rect(0, 0, 1, 40))); w != 16 {
		t.Errorf("a 1-pixel-wide image gives width %d, want 16", w)
	}
	if _, w := tensor(image.NewGray(image.Rect(0, 0, 0, 0))); w != 16 {
		t.Errorf("an empty image gives width %d, want 16", w)
	}
}
