package text

import (
	"context"
	"fmt"
	"image"
	"math"
	"slices"
	"strings"
	"unicode"

	"shinsei/ocr/paddle"
	"shinsei/templates"
)

// Names is what the reader needs of a name lexicon to choose among its
// names; *names.Lexicon is one.
type Names interface {
	Family() []string
	Given() []string
	Known(name string) bool
	Variants(r rune) []rune
	KanjiRivals(name string) []string
}

// NameChooser holds every name of a lexicon as a tree the second reader
// can choose among: each family name followed by each given name, spelt
// in the second reader's alphabet. Its models are Chinese and lack some
// kanji of Japan's own forms (恵, 沢); a name holding one is spelt with the
// form they know (惠, 澤) where the lexicon says the two are one kanji, and
// left out where there is none.
type NameChooser struct {
	lex           Names
	family, given *trie
	// allow is the characters of the tree and those that count as them;
	// allowAlike, also those of names spelt with characters the models
	// lack (spell's alike).
	allow, allowAlike string
	knows             func(rune) bool
	// uses counts the lexicon's names each character is in.
	uses map[rune]int
	// alike gives each character of the tree the outputs of the models'
	// that count as it (paddle.Tree.Alike): 湊, which they lack, is their
	// 凑; 々, which they have but seldom give, is also their 夕 or 令; 穂
	// is also their 穗.
	alike map[rune][]rune
	// commonForm is, for the rarer of two forms of one kanji that the
	// models both have but take the commoner for (穗, which they give
	// for 穂), the commoner: names are spelt with it.
	commonForm map[rune]rune
}

// trie holds spellings by their characters, so that the tree walks each
// shared beginning once; a node that ends a spelling holds the name it
// spells.
type trie struct {
	kids  map[rune]*trie
	order []rune
	name  string
}

func (t *trie) add(spelling, name string, commoner func(a, b string) bool) {
	for _, r := range spelling {
		if t.kids == nil {
			t.kids = map[rune]*trie{}
		}
		k, ok := t.kids[r]
		if !ok {
			k = &trie{}
			t.kids[r] = k
			t.order = append(t.order, r)
		}
		t = k
	}
	// Two names of one spelling (恵子 and 惠子 are both 惠子 to the
	// models, 中島 and 中嶋 both 中島): keep the one a person more likely
	// wrote.
	if t.name == "" || commoner(name, t.name) {
		t.name = name
	}
}

// commoner reports whether a's kanji, where they differ from b's, are in
// more of the lexicon's names than b's: of two forms of one kanji, the
// one more names are written in (恵 in some 230 of the bundled lexicon's,
// 惠 in 47; 島 in 239, 嶋 in 87) is the one a person more likely wrote,
// whichever the models lack.
func (c *NameChooser) commoner(a, b string) bool {
	ar, br := []rune(a), []rune(b)
	na, nb := 0, 0
	for i := range min(len(ar), len(br)) {
		if ar[i] != br[i] {
			na += c.uses[ar[i]]
			nb += c.uses[br[i]]
		}
	}
	return na > nb || na == nb && a < b
}

// NewNameChooser builds the tree of lex's names that knows (the second
// reader's alphabet: paddle.Knows) can spell; alike (paddle.Alike) gives
// the outputs that count as a character they lack, and as 々.
func NewNameChooser(lex Names, knows func(rune) bool, alike map[rune][]rune) *NameChooser {
	c := &NameChooser{lex: lex, family: &trie{}, given: &trie{}, knows: knows, uses: map[rune]int{}, alike: map[rune][]rune{}, commonForm: map[rune]rune{}}
	for _, names := range [][]string{lex.Family(), lex.Given()} {
		for _, name := range names {
			for _, r := range name {
				c.uses[r]++
			}
		}
	}
	// The outputs that count as a character: for one the models lack
	// (湊 is their 凑), but for characters names are written in (暘 is
	// also their 陽, and 後藤暘子 would be 後藤陽子); and for the
	// iteration mark.
	for r := range c.uses {
		if knows(r) && r != iterationMark {
			// Two forms of one kanji the models both have, where they
			// take the commoner for the rarer (a printed 穂 is their 穗,
			// China's form): which of the two they give says nothing of
			// which was written, so both count as the form more names
			// are written in, and the rarer's names are spelt with it.
			for _, a := range alike[r] {
				if a != r && knows(a) && c.uses[a] < c.uses[r] && slices.Contains(lex.Variants(r), a) {
					c.alike[r] = append(c.alike[r], a)
					if f, ok := c.commonForm[a]; !ok || c.uses[r] > c.uses[f] || c.uses[r] == c.uses[f] && r < f {
						c.commonForm[a] = r // of two, whichever the map gives first, the commoner
					}
				}
			}
			continue
		}
		// A kanji the models lack is spelt in another form they have
		// where there is one (斎 as 齋, spell); where it is the form more
		// names are written in, what they take it for counts as that
		// form too (斎 is also their 斋). Not a rarer form's (﨑 is their
		// 椅, and 崎 would be a brush 橋).
		to := r
		if v, ok := c.variant(r); ok {
			if c.uses[r] <= c.uses[v] {
				continue
			}
			to = v
		}
		for _, a := range alike[r] {
			if a != r && a != to && knows(a) && (r == iterationMark || c.uses[a] == 0) && !slices.Contains(c.alike[to], a) {
				c.alike[to] = append(c.alike[to], a)
			}
		}
	}
	seen, seenAlike := map[rune]bool{}, map[rune]bool{}
	for _, set := range []struct {
		t     *trie
		names []string
	}{{c.family, lex.Family()}, {c.given, lex.Given()}} {
		for _, name := range set.names {
			if s, ok := c.spell(name, false); ok {
				set.t.add(s, name, c.commoner)
				note(seen, s, c.alike)
			}
			if s, ok := c.spell(name, true); ok {
				note(seenAlike, s, c.alike)
			}
		}
	}
	c.allow, c.allowAlike = runesOf(seen), runesOf(seenAlike)
	return c
}

// note marks the characters of s seen, and those that count as them.
func note(seen map[rune]bool, s string, alike map[rune][]rune) {
	for _, r := range s {
		seen[r] = true
		for _, a := range alike[r] {
			seen[a] = true
		}
	}
}

func runesOf(set map[rune]bool) string {
	var b strings.Builder
	for r := range set {
		b.WriteRune(r)
	}
	return b.String()
}

// spell is name in the models' alphabet, each rune they lack replaced by
// a variant form they know; ok is false when a rune has none. With
// alike, a rune they lack with no such variant stays, to be scored as
// the outputs that count as it (c.alike), if it has any.
func (c *NameChooser) spell(name string, alike bool) (string, bool) {
	var b strings.Builder
	for _, r := range name {
		if r == ' ' || r == '　' {
			continue
		}
		if c.knows(r) {
			if f, ok := c.commonForm[r]; ok {
				r = f
			}
			b.WriteRune(r)
			continue
		}
		v, found := c.variant(r)
		switch {
		case found:
			b.WriteRune(v)
		case alike && len(c.alike[r]) > 0:
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	return b.String(), true
}

// variant is the first of r's other forms the models have.
func (c *NameChooser) variant(r rune) (rune, bool) {
	for _, v := range c.lex.Variants(r) {
		if c.knows(v) {
			return v, true
		}
	}
	return 0, false
}

// iterationMark (佐々木) is a character the models have but seldom give
// (trained on Chinese text, which seldom holds it): paddle.Alike's 夕, 令
// and 勺 count as it too. Without them no name with it was ever chosen
// on the calibration hands.
const iterationMark = '々'

// tree is the family names, each followed, where one ends, by the given
// names; a value's key is the family and given name joined. Only names of
// lo to hi characters are values (hi 0: any); the walk goes no deeper.
func (c *NameChooser) tree(lo, hi int) paddle.Tree {
	if hi <= 0 {
		hi = math.MaxInt
	}
	var givenKids func(t *trie, family string, depth int) []paddle.Tree
	givenKids = func(t *trie, family string, depth int) []paddle.Tree {
		if depth >= hi {
			return nil
		}
		out := make([]paddle.Tree, 0, len(t.order))
		for _, r := range t.order {
			k := t.kids[r]
			n := paddle.Tree{Part: string(r)}
			if k.name != "" && depth+1 >= lo {
				n.Key = family + k.name
			}
			if len(k.order) > 0 {
				n.Kids = func() []paddle.Tree { return givenKids(k, family, depth+1) }
			}
			out = append(out, n)
		}
		return out
	}
	var familyKids func(t *trie, depth int) []paddle.Tree
	familyKids = func(t *trie, depth int) []paddle.Tree {
		if depth >= hi {
			return nil
		}
		out := make([]paddle.Tree, 0, len(t.order))
		for _, r := range t.order {
			k := t.kids[r]
			out = append(out, paddle.Tree{Part: string(r), Kids: func() []paddle.Tree {
				var out []paddle.Tree
				if len(k.order) > 0 {
					out = familyKids(k, depth+1)
				}
				if k.name != "" {
					out = append(out, givenKids(c.given, k.name, depth+1)...)
				}
				return out
			}})
		}
		return out
	}
	return paddle.Tree{Kids: func() []paddle.Tree { return familyKids(c.family, 0) }, Margin: nameMargin, Alike: c.alike}
}

// nameMargin is how far under the line's likeliest reading a name begun
// may fall and still be followed (paddle.Tree.Margin): the names left out
// are each under e⁻⁴ of the likeliest reading. On the calibration hands
// margins of 12, 6 and 4 chose the same names, each quicker than the last.
const nameMargin = 4.0

// minNameShare and minNameFit are how clearly both models must prefer a
// name, and how well it must fit the line next to their own free reading,
// for chooseName to make it sure or to overrule a sure value with it:
// chosen on the calibration hands. minNameProposal is how clearly they
// must prefer another name for a value that goes to a person anyway to
// get it as a proposal: on the calibration hands (seeds 101 and 102),
// 0.6 put 8 more right names in than 0.9 did, and one wrong name in place
// of a right one; 0.5, 10 and 2. minNameAloneShare is how clearly the
// first model (PP-OCRv4) alone must prefer another name, where the second
// chooses otherwise or unclearly, for it to be proposed there: on the
// same hands, of 0.5 to 0.9, 0.9 put in 15 more right names on 246 read
// unsurely, and none in place of a right one (0.6 to 0.8: one).
const (
	minNameShare      = 0.9
	minNameFit        = -3.0
	minNameProposal   = 0.6
	minNameAloneShare = 0.9
)

// chooseName asks the second reader which known name a 氏名 box holds.
// Reading character by character, a brush hand's one odd stroke makes
// 後藤花子 旅藤光生; asked which name of the lexicon the line is, the
// models weigh every character of every name. When both pick the same
// name, clearly (or the first alone, very clearly, for a value that goes
// to a person anyway), and it is not what Tesseract read:
//   - a value that goes to a person anyway gets their name in its place,
//     as a proposal (WhySecond);
//   - a value Tesseract was sure of goes to a person with their name
//     proposed, unless Tesseract's is a known name the models cannot spell
//     (斎藤 has a kanji they lack, so they were never asked about it).
//
// A name they choose as Tesseract's vote read it, only unsurely (its three
// views split, or each unsure), is sure: two recognisers trained apart
// from Tesseract and from each other, asked among every name, picked the
// one it read. On the calibration hands (seeds 101 and 102, 370 documents)
// 113 names were read so, none wrong, 48 of them unsure before. The
// lexicon's own checks still follow (a フリガナ that does not fit, a
// rival name of the same reading: 太田 and 大田), as for any sure name.
// Any other reason for review (faint ink, an overrun, a value of the
// wrong shape) stands.
func (r *Reader) chooseName(ctx context.Context, img *image.Gray, rd Reading) (Reading, error) {
	if r.names == nil || r.second == nil {
		return rd, nil
	}
	switch rd.Why {
	case "", WhyUnsure, WhyShape, WhyNotAllowed, WhySkipped:
	default:
		return rd, nil // faint, overrun: for a person whatever is read
	}
	read, _ := rd.Value.(string)
	lo, hi := nameLengths(read, rd.Raw)
	same := func(name string) bool { return r.names.canonical(name) == r.names.canonical(read) }
	// The second model is run only when the first model's choice could
	// change something: a sure value's own is not; another name, clear
	// enough, is a proposal; an unsure value's own, very clear, makes it
	// sure.
	exact := WithoutSpaces(read)
	ch, err := r.second.ChooseUntil(ctx, img, r.names.allow, r.names.tree(lo, hi), func(c paddle.Choice) bool {
		switch {
		case c.Key == "" || c.Fit < minNameFit:
			return false
		case !rd.Review:
			return !same(c.Key) && c.Share >= minNameShare
		case same(c.Key):
			return c.Share >= minNameShare
		}
		return c.Share >= minNameProposal
	})
	if err != nil {
		return Reading{}, fmt.Errorf("text: choosing the name: %w", err)
	}
	name, ok := bothChose(ch, minNameProposal, minNameFit)
	if !ok {
		// The first model alone, very clearly, for a value that goes to a
		// person anyway.
		first, alone := firstChose(ch, minNameAloneShare, minNameFit)
		if !alone || !rd.Review || same(first) {
			return rd, nil
		}
		name = first
	}
	_, clear := bothChose(ch, minNameShare, minNameFit)
	if same(name) {
		// 美穂 and 美穗 are one name to the models. Only the very name
		// they chose is made sure: variant forms can be two names (坂本,
		// 阪本).
		if clear && rd.Why == WhyUnsure && exact == name {
			rd.Review, rd.Why = false, ""
			rd.Confidence = max(rd.Confidence, min(ch[0].Share, ch[1].Share))
		}
		return rd, nil
	}
	if !rd.Review {
		if !clear {
			return rd, nil
		}
		if _, ok := r.names.spell(read, false); !ok && r.names.lex.Known(read) {
			return rd, nil
		}
	}
	rd.Value, rd.Review, rd.Why = name, true, WhySecond
	rd.Confidence = min(rd.Confidence, 0.5)
	return rd, nil
}

// nameLengths are the fewest and most characters a name chosen for a box
// Tesseract read as read (or, when that is no value, raw) may have: as
// many kanji and kana as Tesseract read, or one more. Tesseract's
// segmentation is independent of the models' and seldom wrong in count
// (on the calibration hands, 170 of 175 names were read with their own
// number of characters, 2 with one fewer); the models, asked among every name, drop a character
// they do not know as a blank (斎藤陽菜 chosen as 藤陽菜, 渡辺直樹 as
// 渡直樹, 長谷川由美 as 長谷由美), since the lexicon holds 藤, 渡 and 長谷.
// 0, 0: nothing was read, any length.
func nameLengths(read, raw string) (lo, hi int) {
	if read == "" {
		read = raw
	}
	n := 0
	for _, r := range read {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			n++ // a digit or letter read in a name is none of its characters
		}
	}
	if n == 0 {
		return 0, 0
	}
	return n, n + 1
}

// SettlesRivals reports whether both models, asked which name of the
// lexicon the 氏名 box f of ink holds, clearly choose name itself (at
// least minNameShare, within minNameFit) over every rival spelling of it
// the lexicon knows (names.Lexicon.KanjiRivals: 山田太郎 and 山田太朗,
// both ヤマダタロウ) — two recognisers trained apart from Tesseract
// weighed 朗 against 郎 and chose what it read. False when they could not
// tell some rival from it (tellsApart), or without a second reader.
// Asked only of a sure name the rival check holds (pipeline.checkNames):
// each answer costs both models' runs.
func (r *Reader) SettlesRivals(ctx context.Context, ink *image.Gray, f templates.Field, name string) (bool, error) {
	if r.names == nil || r.second == nil {
		return false, nil
	}
	name = WithoutSpaces(name)
	if !r.names.tellsApart(name) {
		return false, nil
	}
	// The image Read read the name from: a box with faint writing is
	// never sure, so Prepare's passes looking for it would find nothing.
	p := prepareAt(ink, f.Box, inkBelow)
	lo, hi := nameLengths(name, "")
	ch, err := r.second.ChooseUntil(ctx, p.Image, r.names.allow, r.names.tree(lo, hi), func(c paddle.Choice) bool {
		return c.Key == name && c.Share >= minNameShare && c.Fit >= minNameFit
	})
	if err != nil {
		return false, fmt.Errorf("text: settling the name's rivals: %w", err)
	}
	chosen, ok := bothChose(ch, minNameShare, minNameFit)
	return ok && chosen == name, nil
}

// ChooseNameRead asks the second reader which of names, those whose
// reading is nearest what was read in the 氏名's フリガナ
// (names.Lexicon.NamesRead), the 氏名 box f of ink holds. The フリガナ is
// written and read apart from the kanji: where a brush hand's kanji come
// out as 中但愛 and the models, asked among every name, choose none
// clearly, its フリガナ ナカジマアイ leaves them the few names so read to
// weigh (中島愛, 中嶋愛, 仲島藍…). ok when both models choose one name
// (at least minKanaNameShare), or the first alone very clearly
// (minKanaNameAloneShare), fitting the line within minKanaNameFit: a
// proposal for a 氏名 that goes to a person anyway, never a reading. Names
// the models cannot spell are left out; with none left, or without a
// second reader, nothing is chosen.
func (r *Reader) ChooseNameRead(ctx context.Context, ink *image.Gray, f templates.Field, names []string) (string, bool, error) {
	if r.names == nil || r.second == nil || len(names) == 0 {
		return "", false, nil
	}
	t := &trie{}
	for _, n := range names {
		if s, ok := r.names.spell(n, true); ok {
			t.add(s, n, r.names.commoner)
		}
	}
	if len(t.order) == 0 {
		return "", false, nil
	}
	p := Prepare(ink, f.Box)
	if p.Faint {
		p = PrepareFaint(ink, f.Box)
	}
	if p.Ink == 0 {
		return "", false, nil
	}
	// Some hundreds of names at most: walked to the default margin, not the
	// full tree's nameMargin, so a brush hand's odd first kanji does not
	// end every name.
	ch, err := r.second.ChooseUntil(ctx, p.Image, r.names.allowAlike, paddle.Tree{Kids: t.walk, Alike: r.names.alike}, func(c paddle.Choice) bool {
		return c.Key != "" && c.Fit >= minKanaNameFit && c.Share >= minKanaNameShare
	})
	if err != nil {
		return "", false, fmt.Errorf("text: choosing the name its reading gives: %w", err)
	}
	if name, ok := bothChose(ch, minKanaNameShare, minKanaNameFit); ok {
		return name, true, nil
	}
	name, ok := firstChose(ch, minKanaNameAloneShare, minKanaNameFit)
	return name, ok, nil
}

// minKanaNameShare, minKanaNameAloneShare and minKanaNameFit are how
// clearly both models, or the first alone, must prefer one of the names a
// フリガナ gives, and how well it must fit the line, to be proposed
// (ChooseNameRead): chosen on the calibration hands.
const (
	minKanaNameShare      = 0.5
	minKanaNameAloneShare = 0.9
	minKanaNameFit        = -6.0
)

// walk is the tree of t's spellings, as the second reader walks it.
func (t *trie) walk() []paddle.Tree {
	out := make([]paddle.Tree, 0, len(t.order))
	for _, r := range t.order {
		k := t.kids[r]
		n := paddle.Tree{Part: string(r), Key: k.name}
		if len(k.order) > 0 {
			n.Kids = k.walk
		}
		out = append(out, n)
	}
	return out
}

// tellsApart reports whether name has rival spellings the lexicon knows
// (names.Lexicon.KanjiRivals: 太郎 and 太朗) and the models could weigh
// every one of them against it: each is in the tree, spelt otherwise
// than name. A rival they cannot spell, or spell as name, was never put
// to them; nor is their choice between two forms of one kanji (靜, 静)
// any evidence: on the held-out hands both chose 志位静夫 for 志位靜夫.
func (c *NameChooser) tellsApart(name string) bool {
	rivals := c.lex.KanjiRivals(name)
	if len(rivals) == 0 {
		return false
	}
	own, ok := c.spell(name, false)
	if !ok {
		return false
	}
	for _, v := range rivals {
		if s, ok := c.spell(v, false); !ok || s == own || c.canonical(v) == c.canonical(name) {
			return false
		}
	}
	return true
}

// canonical is name without spaces, each kanji replaced by the least of
// itself and its variant forms, so that two spellings of one name compare
// equal.
func (c *NameChooser) canonical(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r == ' ' || r == '　' {
			continue
		}
		for _, v := range c.lex.Variants(r) {
			r = min(r, v)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// WithNames returns a copy of the reader that asks its second reader (if
// it has one: WithSecond) which of lex's names a 氏名 box holds.
func (r *Reader) WithNames(lex Names) *Reader {
	cp := *r
	cp.names = NewNameChooser(lex, paddle.Knows(), paddle.Alike())
	return &cp
}

// WithoutSpaces drops the blanks between family and given name, and
// nothing else: forms.CompactText would also fold variant forms.
func WithoutSpaces(s string) string {
	return strings.NewReplacer(" ", "", "　", "").Replace(s)
}
