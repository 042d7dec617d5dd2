package text

import (
	"context"
	"testing"

	"shinsei/ocr/paddle/paddletest"
	"shinsei/templates"
)

// The real models choose a birth date written in 明治 or 大正 once the
// choosing charset holds those eras, and cannot without them.
func TestChooseOldEras(t *testing.T) {
	face := konatu(t)
	p := paddletest.Pool(t)
	f := templates.Field{ID: "applicant_birth_date", Kind: templates.Date}
	lo, hi := dateWindow(f, asOf{today: today})
	tree := dateTree(lo, hi)
	for _, c := range []struct{ written, day string }{
		{"大正14年3月5日", "1925-03-05"},
		{"明治45年7月1日", "1912-07-01"},
	} {
		img := printed(face, c.written, 420, 8)
		for _, allow := range []string{chooseCharset(f, lo, hi), secondCharset(f)} {
			cs, err := p.Choose(context.Background(), img, allow, tree)
			if err != nil {
				t.Fatal(err)
			}
			withEras := allow != secondCharset(f)
			for _, ch := range cs {
				if withEras && (ch.Key != c.day || ch.Share < minChoiceShare) {
					t.Errorf("%s, %s: chose %q (share %.3f), want %s", c.written, ch.Model, ch.Key, ch.Share, c.day)
				}
				if !withEras && ch.Key != "" {
					t.Errorf("%s, %s: chose %q in a charset without its era", c.written, ch.Model, ch.Key)
				}
			}
			if len(cs) != 2 {
				t.Errorf("%s: %d models chose", c.written, len(cs))
			}
		}
	}
}
