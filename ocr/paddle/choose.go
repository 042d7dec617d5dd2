package paddle

import (
	"context"
	"fmt"
	"image"
	"maps"
	"math"
	"slices"
)

// A Tree is a set of spellings that share their beginnings: the days of a
// window, each as it may be written, share their year and month. A node's
// Part follows its parent's; a node with a Key ends a spelling of that
// value (one value may have several spellings). Kids is called only for a
// node whose spelling so far still fits the line, so of a tree of 45,000
// birth dates only the years and months near what was written are walked.
type Tree struct {
	Part string
	Key  string
	Kids func() []Tree
	// Margin, read at the root only, is how far (log) under the line's
	// likeliest reading a spelling begun may fall and still be followed;
	// 0 is pruneMargin. A tree of 30,000 names walked at pruneMargin
	// follows thousands of beginnings.
	Margin float64
	// Open says a node's spelling (with its Key) begins the line rather
	// than spells all of it: what follows (an address's building and room,
	// written in kana the models do not know) is scored as the line's
	// likeliest reading of the rest.
	Open bool
	// Alike, read at the root only, gives for a character of the tree the
	// outputs that count as it: the models write 宮 as 宫, and 丁 as T.
	// A character is then scored at each step as the sum of its own
	// output's probability (if the models have one) and its alikes'.
	Alike map[rune][]rune
	// Group, read at the root only, gives the group a value belongs to
	// (an address's place, its block number left out): Choice.Group is
	// the likeliest, every value of it summed. nil: no groups.
	Group func(key string) string
}

// A Choice is one model's pick among a Tree's values. Reading a line
// character by character, one odd character (年 read as 持) spoils it;
// scoring whole spellings asks instead which of them the model's per-step
// probabilities make likeliest, every alignment summed (CTC's forward
// algorithm).
type Choice struct {
	Model string
	// Key is the likeliest value ("" when no spelling could be scored:
	// every one holds a character outside allow, or none fits at all).
	Key string
	// Share is Key's likelihood (its spellings' summed) over every
	// value's: how clearly the model tells it from the others. Values
	// whose spellings stopped fitting early are left out, each less likely
	// than e⁻¹² (1/160,000) of the line's likeliest reading: on dates
	// that changes a share in its fourth decimal, and halves the time a
	// birth date takes.
	Share float64
	// Fit is how likely Key's likeliest spelling is next to the likeliest
	// single reading of the line in allow's characters, as a log ratio
	// (0: as likely; −2.3: a tenth). What was written need not be in the
	// tree (an old form, a day outside the window): then the best value
	// fits badly, however clear its share.
	Fit float64
	// Group is the likeliest group of values (Tree.Group), and
	// GroupShare its values' likelihood summed over every value's: a
	// place can be clear where no one block number of it is.
	Group      string
	GroupShare float64
}

// pruneMargin is how far (log) under the line's likeliest reading a
// spelling begun may fall and still be followed.
const pruneMargin = 12.0

// Choose scores the spellings of tree against img with each model, the
// outputs restricted to allow's characters (and the blank), renormalised
// at every step: a character outside allow (a space between a date's
// parts) is read as the blank.
func (p *Recognizer) Choose(ctx context.Context, img *image.Gray, allow string, tree Tree) ([]Choice, error) {
	return p.ChooseUntil(ctx, img, allow, tree, nil)
}

// ChooseUntil is Choose stopping after the first model whose choice next
// rejects (nil: none): the second model is run only when the first
// model's choice is of use.
func (p *Recognizer) ChooseUntil(ctx context.Context, img *image.Gray, allow string, tree Tree, next func(Choice) bool) ([]Choice, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cols, index := allowed(p.mask(allow), p.alphabet)
	in, width := tensor(img)
	var out []Choice
	for _, s := range p.sessions {
		var (
			sub   []float32
			steps int
			bad   error
		)
		err := s.run(in, width, func(probs []float32, n, classes int) {
			sub, bad = kept(probs, n, classes, cols)
			steps = n
		})
		if err == nil {
			err = bad
		}
		if err != nil {
			return nil, fmt.Errorf("paddle: model %s: %w", s.name, err)
		}
		l := newLine(logMasked(sub, steps, len(cols), nil), steps, len(cols), index)
		ch := l.choose(tree)
		ch.Model = s.name
		out = append(out, ch)
		if next != nil && !next(ch) {
			break
		}
	}
	return out, nil
}

// line is one model's view of a line: log probabilities per step, masked.
type line struct {
	lp             []float64 // steps × classes
	steps, classes int
	index          map[rune]int
	best           float64   // the likeliest single path's log probability
	margin         float64   // see Tree.Margin
	rest           []float64 // rest[t]: the likeliest path's log probability from step t on
	alike          map[rune][]rune
	cols           map[rune][]float64 // a character's log probability per step, its alikes' summed in
}

func newLine(lp []float64, steps, classes int, index map[rune]int) *line {
	l := &line{lp: lp, steps: steps, classes: classes, index: index, rest: make([]float64, steps+1), margin: pruneMargin, cols: map[rune][]float64{}}
	for t := steps - 1; t >= 0; t-- {
		top := math.Inf(-1)
		for _, v := range lp[t*classes : (t+1)*classes] {
			top = max(top, v)
		}
		l.rest[t] = l.rest[t+1] + top
	}
	l.best = l.rest[0]
	return l
}

// prefix is a spelling begun: for each step t (index t+1; index 0 is
// before the first step), the log probability that the steps up to t
// spell it and end on its last character (a) or on a blank after it (b).
type prefix struct {
	a, b []float64
	last rune // its last character (0: none yet)
}

// col is r's log probability at each step: its own output's and its
// alikes' summed; ok is false when the line may have neither.
func (l *line) col(r rune) ([]float64, bool) {
	if c, ok := l.cols[r]; ok {
		return c, c != nil
	}
	var outs []int
	if c, ok := l.index[r]; ok {
		outs = append(outs, c)
	}
	for _, a := range l.alike[r] {
		if c, ok := l.index[a]; ok && a != r {
			outs = append(outs, c)
		}
	}
	if len(outs) == 0 {
		l.cols[r] = nil
		return nil, false
	}
	col := make([]float64, l.steps)
	for t := range col {
		v := math.Inf(-1)
		for _, c := range outs {
			v = logAdd(v, l.lp[t*l.classes+c])
		}
		col[t] = v
	}
	l.cols[r] = col
	return col, true
}

func (l *line) start() prefix {
	a, b := make([]float64, l.steps+1), make([]float64, l.steps+1)
	a[0], b[0] = math.Inf(-1), 0
	for t := 1; t <= l.steps; t++ {
		a[t] = math.Inf(-1)
		b[t] = b[t-1] + l.lp[(t-1)*l.classes]
	}
	return prefix{a: a, b: b}
}

// extend is p followed by part; ok is false when part holds a character
// the line may not have, or the spelling so far can no longer come within
// pruneMargin of the line's likeliest reading.
func (l *line) extend(p prefix, part string) (prefix, bool) {
	p, _, ok := l.extendOpen(p, part, false)
	return p, ok
}

// extendOpen is extend that also gives, when open is asked, the log
// probability that the line begins with p and part and goes on as its
// likeliest reading of the rest: summed over the step t at which part's
// last character is first written, the paths up to t times the best path
// after it.
func (l *line) extendOpen(p prefix, part string, open bool) (prefix, float64, bool) {
	begins := math.Inf(-1)
	for _, r := range part {
		col, ok := l.col(r)
		if !ok {
			return prefix{}, 0, false
		}
		a, b := make([]float64, l.steps+1), make([]float64, l.steps+1)
		a[0], b[0] = math.Inf(-1), math.Inf(-1)
		bound := math.Inf(-1)
		begins = math.Inf(-1)
		for t := 1; t <= l.steps; t++ {
			first := p.b[t-1] // r written anew at t
			if r != p.last {
				first = logAdd(first, p.a[t-1])
			}
			a[t] = logAdd(a[t-1], first) + col[t-1]
			b[t] = logAdd(b[t-1], a[t-1]) + l.lp[(t-1)*l.classes]
			bound = max(bound, logAdd(a[t], b[t])+l.rest[t])
			if open {
				begins = logAdd(begins, first+col[t-1]+l.rest[t])
			}
		}
		if bound < l.best-l.margin {
			return prefix{}, 0, false
		}
		p = prefix{a: a, b: b, last: r}
	}
	return p, begins, true
}

// score is log P(the line spells exactly p).
func (l *line) score(p prefix) float64 {
	return logAdd(p.a[l.steps], p.b[l.steps])
}

// choose walks tree and sums each value's spellings.
func (l *line) choose(tree Tree) Choice {
	mass := map[string]float64{}
	top := map[string]float64{}
	var walk func(p prefix, n Tree)
	walk = func(p prefix, n Tree) {
		p, begins, ok := l.extendOpen(p, n.Part, n.Open && n.Key != "")
		if !ok {
			return
		}
		if n.Key != "" {
			v := l.score(p)
			if n.Open {
				v = begins
			}
			m, seen := mass[n.Key]
			if !seen {
				m, top[n.Key] = math.Inf(-1), math.Inf(-1)
			}
			mass[n.Key] = logAdd(m, v)
			top[n.Key] = max(top[n.Key], v)
		}
		if n.Kids != nil {
			for _, k := range n.Kids() {
				walk(p, k)
			}
		}
	}
	if tree.Margin > 0 {
		l.margin = tree.Margin
	}
	l.alike = tree.Alike
	walk(l.start(), tree)
	ch := Choice{}
	best, total := math.Inf(-1), math.Inf(-1)
	// Summed in the keys' order, not the map's: a share, and so a
	// record's confidence, is then the same to the last bit every run.
	// Of equal masses the first key, the least, is kept.
	keys := slices.Sorted(maps.Keys(mass))
	for _, k := range keys {
		v := mass[k]
		total = logAdd(total, v)
		if v > best {
			best, ch.Key = v, k
		}
	}
	if ch.Key == "" || math.IsInf(best, -1) {
		return Choice{}
	}
	ch.Share = math.Exp(best - total)
	ch.Fit = top[ch.Key] - l.best
	if tree.Group != nil {
		groups := map[string]float64{}
		for _, k := range keys {
			v := mass[k]
			g := tree.Group(k)
			m, seen := groups[g]
			if !seen {
				m = math.Inf(-1)
			}
			groups[g] = logAdd(m, v)
		}
		gb := math.Inf(-1)
		for g, v := range groups {
			if v > gb || v == gb && g < ch.Group {
				gb, ch.Group = v, g
			}
		}
		ch.GroupShare = math.Exp(gb - total)
	}
	return ch
}

// allowed lists the outputs mask keeps, in order (the blank, output 0,
// first), and gives each allowed character its column among them. Both
// models share the alphabet, so one list serves both.
func allowed(mask []bool, alphabet []string) ([]int, map[rune]int) {
	var cols []int
	index := map[rune]int{}
	for k, ok := range mask {
		if !ok {
			continue
		}
		if r := []rune(alphabet[k]); k > 0 && len(r) == 1 {
			index[r[0]] = len(cols)
		}
		cols = append(cols, k)
	}
	return cols, index
}

// kept is probs (steps × classes) cut to the outputs cols lists. Scored
// on these columns alone a line comes out as on all of them with the
// others masked (same sums, in the same order), at a fraction of the
// memory: a name keeps 1,600 of 6,625 outputs, a date thirty.
func kept(probs []float32, steps, classes int, cols []int) ([]float32, error) {
	if n := len(cols); n > 0 && cols[n-1] >= classes {
		return nil, fmt.Errorf("the model has %d outputs, fewer than its alphabet", classes)
	}
	sub := make([]float32, steps*len(cols))
	for t := range steps {
		row, to := probs[t*classes:(t+1)*classes], sub[t*len(cols):(t+1)*len(cols)]
		for j, c := range cols {
			to[j] = row[c]
		}
	}
	return sub, nil
}

// logMasked is log probs (steps × classes) restricted to mask (nil: every
// output) and renormalised at each step; masked-out outputs are −Inf.
func logMasked(probs []float32, steps, classes int, mask []bool) []float64 {
	out := make([]float64, steps*classes)
	for t := range steps {
		row := probs[t*classes : (t+1)*classes]
		sum := 0.0
		for c, p := range row {
			if mask == nil || c < len(mask) && mask[c] {
				sum += float64(p)
			}
		}
		for c, p := range row {
			o := &out[t*classes+c]
			if mask != nil && (c >= len(mask) || !mask[c]) || p <= 0 || sum <= 0 {
				*o = math.Inf(-1)
				continue
			}
			*o = math.Log(float64(p) / sum)
		}
	}
	return out
}

func logAdd(a, b float64) float64 {
	switch {
	case math.IsInf(a, -1):
		return b
	case math.IsInf(b, -1):
		return a
	case a < b:
		a, b = b, a
	}
	return a + math.Log1p(math.Exp(b-a))
}
