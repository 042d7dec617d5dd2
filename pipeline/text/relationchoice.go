package text

import (
	"context"
	"fmt"
	"image"
	"slices"
	"strings"

	"shinsei/forms"
	"shinsei/ocr/paddle"
	"shinsei/templates"
)

// RelationChooser is the tree of the ways people write 本人との関係
// (forms.Relationships) that the second reader's models can score: each
// character their own output or its alikes (paddle.Alike). Words in kana
// the models do not know (いとこ, ヘルパー) are left out; of those
// Tesseract's reading stands.
type RelationChooser struct {
	words []string
	allow string
	alike map[rune][]rune
}

// NewRelationChooser keeps the words of words that knows (the models'
// alphabet) can score, each character as itself or its alikes.
func NewRelationChooser(words []string, knows func(rune) bool, alikes map[rune][]rune) *RelationChooser {
	c := &RelationChooser{alike: map[rune][]rune{}}
	var allow strings.Builder
	seen := map[rune]bool{}
	add := func(r rune) {
		if !seen[r] {
			seen[r] = true
			allow.WriteRune(r)
		}
	}
	scored := func(r rune) bool {
		return knows(r) || slices.ContainsFunc(alikes[r], func(a rune) bool { return a != r && knows(a) })
	}
	for _, w := range words {
		if strings.ContainsFunc(w, func(r rune) bool { return !scored(r) }) {
			continue
		}
		for _, r := range w {
			if knows(r) {
				add(r)
			}
			for _, a := range alikes[r] {
				if a != r && knows(a) {
					add(a)
					if !slices.Contains(c.alike[r], a) {
						c.alike[r] = append(c.alike[r], a)
					}
				}
			}
		}
		c.words = append(c.words, w)
	}
	c.allow = allow.String()
	return c
}

// tree is every word kept, a character a node, keyed by the word.
func (c *RelationChooser) tree() paddle.Tree {
	var kids func(prefix string) func() []paddle.Tree
	kids = func(prefix string) func() []paddle.Tree {
		return func() []paddle.Tree {
			var out []paddle.Tree
			var next []string // each next character once, in order
			for _, w := range c.words {
				if rest, ok := strings.CutPrefix(w, prefix); ok && rest != "" {
					r := []rune(rest)[0]
					if !slices.Contains(next, string(r)) {
						next = append(next, string(r))
					}
				}
			}
			for _, ch := range next {
				t := prefix + ch
				node := paddle.Tree{Part: ch, Kids: kids(t)}
				if slices.Contains(c.words, t) {
					node.Key = t
				}
				out = append(out, node)
			}
			return out
		}
	}
	return paddle.Tree{Margin: relationMargin, Alike: c.alike, Kids: kids("")}
}

// relationMargin is how far under the line's likeliest reading a word
// begun may fall and still be followed (paddle.Tree.Margin), as for
// phone numbers and addresses.
const relationMargin = 8.0

// isRelation says f is a 本人との関係 box.
func isRelation(f templates.Field) bool {
	return Kind(f) == KindOther && strings.HasSuffix(f.ID, "_relationship")
}

// chooseRelation asks the second reader which of the ways people write
// 本人との関係 a box holds that Tesseract read unsurely, as no word, or
// surely as a word no one writes there (pipeline's relationship_unknown): a
// one-kanji word (妻, 孫, 母) misread is another kanji altogether (茸, 球,
// 耳), which no spelling check can mend. The word both models choose
// alike and clearly (minRelationShare), or the first (PP-OCRv4) alone very
// clearly (minRelationAloneShare), each fitting the line within
// minRelationFit of their own reading, goes to a person as the value
// (text_second_reader). It is never made sure.
func (r *Reader) chooseRelation(ctx context.Context, img *image.Gray, f templates.Field, rd Reading) (Reading, error) {
	if r.relations == nil || r.second == nil || !isRelation(f) {
		return rd, nil
	}
	v, _ := rd.Value.(string)
	if !rd.Review && (v == "" || forms.KnownRelationship(v)) {
		return rd, nil
	}
	switch rd.Why {
	case "", WhyUnsure, WhyShape, WhyNotAllowed, WhySkipped:
	default:
		return rd, nil // faint, overrun: for a person whatever is read
	}
	ch, err := r.second.ChooseUntil(ctx, img, r.relations.allow, r.relations.tree(), func(c paddle.Choice) bool {
		return c.Key != "" && c.Share >= minRelationShare && c.Fit >= minRelationFit && c.Share < minRelationAloneShare
	})
	if err != nil {
		return Reading{}, fmt.Errorf("text: choosing the relationship: %w", err)
	}
	word, ok := bothChose(ch, minRelationShare, minRelationFit)
	if !ok {
		word, ok = firstChose(ch, minRelationAloneShare, minRelationFit)
	}
	if !ok {
		return rd, nil
	}
	if forms.CompactText(v) == word {
		return rd, nil // Tesseract's own reading, seconded: still for a person
	}
	rd.Value, rd.Review, rd.Why = word, true, WhySecond
	rd.Confidence = min(rd.Confidence, 0.5)
	return rd, nil
}

// minRelationShare is how clearly both models, and minRelationAloneShare
// the first alone, must prefer a word for chooseRelation to propose it,
// fitting within minRelationFit. On the calibration hands (seeds 101 and
// 102, both models always asked) every share tried (both 0.3 to 0.7, the
// first alone 0.8 to 0.95) proposed the same words: 23 more right
// relationships of 42 asked, none wrong; so these are set as the other
// choosers' are. Asking also about the words read surely that no one
// writes there put 3 more right ones in: all 120 of those hands' right.
const (
	minRelationShare      = 0.5
	minRelationFit        = -6.0
	minRelationAloneShare = 0.9
)
