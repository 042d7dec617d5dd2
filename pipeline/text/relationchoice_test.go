package text

import (
	"context"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/ocr"
	"shinsei/ocr/paddle"
	"shinsei/ocr/paddle/paddletest"
	"shinsei/templates"
)

// The tree holds the words the models can score, each as itself or as
// one of its characters' alikes, and leaves out the rest.
func TestRelationTree(t *testing.T) {
	knows := func(r rune) bool { return r != 'い' && r != 'と' && r != 'こ' && r != '婿' && r != '甥' }
	alikes := map[rune][]rune{'婿': {'壻'}}
	c := NewRelationChooser([]string{"妻", "長男", "いとこ", "婿", "甥"}, knows, alikes)
	tree := c.tree()
	for _, w := range []struct {
		spelling, key string
	}{
		{"妻", "妻"},
		{"長男", "長男"},
		{"長", ""},  // a beginning is no word
		{"婿", "婿"}, // scored as its alike 壻
		{"いとこ", ""},
		{"甥", ""},
	} {
		if got := keyOf(tree, w.spelling); got != w.key {
			t.Errorf("%s: key %q, want %q", w.spelling, got, w.key)
		}
	}
	if got := string(c.alike['婿']); got != "壻" {
		t.Errorf("婿 is scored as %q, want 壻", got)
	}
}

func TestChooseRelation(t *testing.T) {
	rel := field("proxy_relationship", templates.Text, templates.Kanji, false)
	reads := func(s string, conf float64) []ocr.Result {
		return []ocr.Result{line(s, conf), line(s, conf), line(s, conf)}
	}
	both := func(spelling string, share, fit float64) []choice {
		c := choice{Choice: paddle.Choice{Share: share, Fit: fit}, spelling: spelling}
		return []choice{c, c}
	}
	apart := func(first float64) []choice {
		return []choice{{Choice: paddle.Choice{Share: first}, spelling: "妻"}, {Choice: paddle.Choice{Share: 0.9}, spelling: "夫"}}
	}
	for _, c := range []struct {
		name   string
		reads  []ocr.Result
		choose []choice
		value  any
		review bool
		why    string
	}{
		{"unsure value, both choose a word", reads("茸", 0.5), both("妻", 0.8, -1), "妻", true, WhySecond},
		{"unsure value, both choose it", reads("妻", 0.5), both("妻", 0.99, 0), "妻", true, WhyUnsure},
		{"sure value: not asked", reads("妻", 0.99), both("夫", 0.99, 0), "妻", false, ""},
		{"sure value no one writes there, both choose a word", reads("丈", 0.99), both("孫", 0.99, 0), "孫", true, WhySecond},
		{"sure value no one writes there, no choice", reads("丈", 0.99), both("孫", 0.3, 0), "丈", false, ""},
		{"unsure value, a choice not clear", reads("茸", 0.5), both("妻", 0.4, 0), "茸", true, WhyUnsure},
		{"unsure value, a choice fitting badly", reads("茸", 0.5), both("妻", 0.99, -7), "茸", true, WhyUnsure},
		{"the models differ", reads("茸", 0.5), apart(0.85), "茸", true, WhyUnsure},
		{"the models differ, the first very clear", reads("茸", 0.5), apart(0.95), "妻", true, WhySecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := second("", "")
			s.choose = c.choose
			rd, err := NewReader(&seqOCR{res: c.reads}).WithToday(func() time.Time { return today }).WithSecond(s).Read(context.Background(), page(rel.Box), rel)
			if err != nil {
				t.Fatal(err)
			}
			checkChosen(t, rd, c.value, c.review, c.why)
		})
	}
}

// The real models, asked which way of writing 本人との関係 a printed word
// is, choose it.
func TestChooseRelationModels(t *testing.T) {
	face := konatu(t)
	c := NewRelationChooser(forms.Relationships(), paddle.Knows(), paddle.Alike())
	p := paddletest.Pool(t)
	for _, w := range []string{"妻", "孫", "母", "長男", "知人"} {
		cs := choosePrinted(t, p, face, w, c.allow, c.tree())
		got, ok := bothChose(cs, minRelationShare, minRelationFit)
		if !ok || got != w {
			for _, ch := range cs {
				t.Logf("%s, %s: chose %q (share %.3f, fit %.2f)", w, ch.Model, ch.Key, ch.Share, ch.Fit)
			}
			t.Errorf("%s: both chose %q (%v)", w, got, ok)
		}
	}
}
