package scangen

import (
	"image"
	"math/rand/v2"
	"testing"

	"shinsei/forms"
	"shinsei/templates"
)

// darkShare is the share of pixels darker than 100 in box b (mm) of a page
// at the canvas resolution.
func darkShare(img *image.Gray, b templates.Box) float64 {
	r := image.Rect(int(px(b.X)), int(px(b.Y)), int(px(b.X+b.W)), int(px(b.Y+b.H))).Intersect(img.Rect)
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.GrayAt(x, y).Y < 100 {
				n++
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy())
}

// An inked-over reference is mostly ink on the page as it left the person's
// hands; the printed one is not, so the share tells the two apart.
func TestAnswerBlotRefInksTheBox(t *testing.T) {
	g, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := Case{Ref: forms.NewCaseRef(rand.New(rand.NewPCG(1, 1))).String(), Name: "佐藤 一郎", Address: "東京都練馬区本町1丁目2番3号", Certs: []string{forms.CertUser}}
	for seed := range uint64(3) {
		for _, blotted := range []bool{false, true} {
			p, err := g.answerPage(c, AnswerOptions{Seed: seed, BlotRef: blotted}, rand.New(rand.NewPCG(seed, 0)))
			if err != nil {
				t.Fatal(err)
			}
			f, _ := p.t.Field("case_ref")
			share := darkShare(p.img, f.Box)
			if blotted && share <= 0.4 || !blotted && share > 0.2 {
				t.Errorf("seed %d, blotted %v: %.0f%% of the case_ref box is ink", seed, blotted, share*100)
			}
			t.Logf("seed %d, blotted %v: %.0f%% ink", seed, blotted, share*100)
		}
	}
}
