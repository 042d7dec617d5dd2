package paddle

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The forward algorithm against its definition: the probability of a
// label sequence is the sum over every path of outputs that collapses to it
// (repeats merged, then blanks dropped), counted here path by path.
func TestLineScore(t *testing.T) {
	const steps, classes = 5, 3
	probs := randomProbs(steps, classes, 1, 2)
	lp := logMasked(probs, steps, classes, []bool{true, true, true})
	brute := map[string]float64{}
	path := make([]int, steps)
	var walk func(i int)
	walk = func(i int) {
		if i == steps {
			p := 1.0
			var out []int
			prev := 0
			for t, c := range path {
				p *= float64(probs[t*classes+c])
				if c != 0 && c != prev {
					out = append(out, c)
				}
				prev = c
			}
			brute[key(out)] += p
			return
		}
		for c := range classes {
			path[i] = c
			walk(i + 1)
		}
	}
	walk(0)
	l := newLine(lp, steps, classes, map[rune]int{'a': 1, 'b': 2})
	total := 0.0
	for _, labels := range [][]int{{1}, {2}, {1, 2}, {1, 1}, {2, 1, 2}, {1, 2, 1}, {1, 1, 1}} {
		spelling := ""
		for _, c := range labels {
			spelling += string(rune('a' + c - 1))
		}
		p, ok := l.extend(l.start(), spelling)
		if !ok {
			t.Fatalf("%s pruned", spelling)
		}
		got := math.Exp(l.score(p))
		want := brute[key(labels)]
		if math.Abs(got-want) > 1e-6*want { // float32 probabilities, renormalised
			t.Errorf("%s: %g, want %g", spelling, got, want)
		}
		// A spelling extended part by part scores as one extended whole.
		q, _ := l.extend(l.start(), spelling[:1])
		q, _ = l.extend(q, spelling[1:])
		if math.Abs(l.score(q)-l.score(p)) > 1e-12 {
			t.Errorf("%s: %g in parts, %g whole", spelling, l.score(q), l.score(p))
		}
		total += got
	}
	if total <= 0 || total >= 1 {
		t.Errorf("the sum over some label sequences is %g, want in (0, 1)", total)
	}
	if _, ok := l.extend(l.start(), "c"); ok {
		t.Error("a character the line may not hold was scored")
	}
	// The likeliest single path is a path: no likelier than 1, and no
	// likelier than the whole of any sequence but its own.
	if math.IsInf(l.best, 0) || l.best > 0 {
		t.Errorf("best path %g", l.best)
	}
}

// Of a tree of spellings the likeliest value is chosen, its spellings
// summed; a spelling that stops fitting is not followed.
func TestChooseTree(t *testing.T) {
	// Three steps: a, blank, b, each all but certain.
	const e = 1e-10
	probs := []float32{e, 1, e, 1, e, e, e, e, 1}
	l := newLine(logMasked(probs, 3, 3, []bool{true, true, true}), 3, 3, map[rune]int{'a': 1, 'b': 2})
	followed := 0
	tree := Tree{Kids: func() []Tree {
		return []Tree{
			{Part: "a", Kids: func() []Tree {
				followed++
				return []Tree{{Part: "b", Key: "AB"}, {Part: "a", Key: "AA"}}
			}},
			{Part: "b", Key: "B", Kids: func() []Tree { followed++; return nil }},
			{Part: "ab", Key: "AB"},
		}
	}}
	ch := l.choose(tree)
	if ch.Key != "AB" || ch.Share < 0.99 || ch.Fit < math.Log(0.9) {
		t.Errorf("chose %+v, want AB clearly, fitting", ch)
	}
	if followed != 1 {
		t.Errorf("%d subtrees followed, want only the one under a: b first fits nowhere near", followed)
	}
}

// A masked-out output has no probability, and the rest are renormalised.
func TestLogMasked(t *testing.T) {
	lp := logMasked([]float32{0.5, 0.3, 0.2}, 1, 3, []bool{true, false, true})
	if !math.IsInf(lp[1], -1) || math.Abs(math.Exp(lp[0])+math.Exp(lp[2])-1) > 1e-9 {
		t.Errorf("logMasked = %v", lp)
	}
}

func key(labels []int) string {
	b := make([]byte, 0, len(labels))
	for _, l := range labels {
		b = append(b, byte('0'+l))
	}
	return string(b)
}

// An open spelling's score against its definition: summed over every step
// t and every path of t steps that collapses to the spelling and writes its
// last character anew at t, that path's probability times the likeliest
// path after t, counted here path by path.
func TestLineOpenScore(t *testing.T) {
	const steps, classes = 6, 3
	probs := randomProbs(steps, classes, 3, 4)
	l := newLine(logMasked(probs, steps, classes, []bool{true, true, true}), steps, classes, map[rune]int{'a': 1, 'b': 2})
	bestAfter := func(t int) float64 { // the likeliest path over steps t.. (0-based)
		p := 1.0
		for ; t < steps; t++ {
			top := float32(0)
			for c := range classes {
				top = max(top, probs[t*classes+c])
			}
			p *= float64(top)
		}
		return p
	}
	collapse := func(path []int) string {
		var out []int
		prev := 0
		for _, c := range path {
			if c != 0 && c != prev {
				out = append(out, c)
			}
			prev = c
		}
		return key(out)
	}
	for _, labels := range [][]int{{1}, {2, 1}, {1, 1}, {1, 2, 1}} {
		want := 0.0
		for n := 1; n <= steps; n++ {
			path := make([]int, n)
			var walk func(i int)
			walk = func(i int) {
				if i == n {
					if collapse(path) != key(labels) || collapse(path[:n-1]) != key(labels[:len(labels)-1]) {
						return
					}
					p := 1.0
					for t, c := range path {
						p *= float64(probs[t*classes+c])
					}
					want += p * bestAfter(n)
					return
				}
				for c := range classes {
					path[i] = c
					walk(i + 1)
				}
			}
			walk(0)
		}
		spelling := ""
		for _, c := range labels {
			spelling += string(rune('a' + c - 1))
		}
		_, got, ok := l.extendOpen(l.start(), spelling, true)
		if !ok {
			t.Fatalf("%s pruned", spelling)
		}
		if math.Abs(math.Exp(got)-want) > 1e-6*want {
			t.Errorf("%s open: %g, want %g", spelling, math.Exp(got), want)
		}
		// The closed score is unchanged by asking for the open one.
		p, _ := l.extend(l.start(), spelling)
		q, _, _ := l.extendOpen(l.start(), spelling, true)
		if l.score(p) != l.score(q) {
			t.Errorf("%s: closed score %g, %g when the open one is asked", spelling, l.score(p), l.score(q))
		}
	}
}

// Of an open tree the value the line begins with is chosen, whatever
// follows it; a closed spelling of the same characters does not fit.
func TestChooseOpen(t *testing.T) {
	// Five steps: a, blank, b, then c, c (what the tree does not know).
	const e = 1e-10
	probs := []float32{
		e, 1, e, e,
		1, e, e, e,
		e, e, 1, e,
		e, e, e, 1,
		e, e, e, 1,
	}
	l := newLine(logMasked(probs, 5, 4, []bool{true, true, true, true}), 5, 4, map[rune]int{'a': 1, 'b': 2, 'c': 3})
	tree := Tree{Kids: func() []Tree {
		return []Tree{
			{Part: "a", Kids: func() []Tree {
				return []Tree{{Part: "b", Key: "AB", Open: true}, {Part: "a", Key: "AA", Open: true}}
			}},
			{Part: "b", Key: "B", Open: true},
		}
	}}
	ch := l.choose(tree)
	if ch.Key != "AB" || ch.Share < 0.99 || ch.Fit < math.Log(0.9) {
		t.Errorf("open: chose %+v, want AB clearly, fitting", ch)
	}
	closed := Tree{Kids: func() []Tree { return []Tree{{Part: "ab", Key: "AB"}} }}
	if ch := l.choose(closed); ch.Key == "AB" && ch.Fit > -10 {
		t.Errorf("closed: chose %+v, want ab not to fit a line that goes on", ch)
	}
}

// A character the models lack is scored as its alikes: 県 written, 鼎
// read. Its probability at a step is its own output's and its alikes'
// summed, so a line that puts half on each of two alikes fits it whole.
func TestChooseAlike(t *testing.T) {
	// Three steps: x and y half each, blank, z.
	const e = 1e-10
	probs := []float32{
		e, 0.5, 0.5, e,
		1, e, e, e,
		e, e, e, 1,
	}
	index := map[rune]int{'x': 1, 'y': 2, 'z': 3}
	tree := Tree{Alike: map[rune][]rune{'K': {'x', 'y'}}, Kids: func() []Tree {
		return []Tree{{Part: "Kz", Key: "K"}, {Part: "xz", Key: "X"}}
	}}
	l := newLine(logMasked(probs, 3, 4, []bool{true, true, true, true}), 3, 4, index)
	ch := l.choose(tree)
	if ch.Key != "K" || ch.Share < 0.6 || ch.Fit < math.Log(1.9) {
		t.Errorf("chose %+v, want K, fitting twice as well as the likeliest single reading", ch)
	}
	tree.Alike = nil
	l = newLine(logMasked(probs, 3, 4, []bool{true, true, true, true}), 3, 4, index)
	if ch := l.choose(tree); ch.Key != "X" {
		t.Errorf("without alikes chose %+v, want X: K has no output", ch)
	}
}

// randomProbs are a model's outputs drawn at random (seeded), each step's
// summing to 1.
func randomProbs(steps, classes int, seed1, seed2 uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed1, seed2))
	probs := make([]float32, steps*classes)
	for t := range steps {
		sum := float32(0)
		for c := range classes {
			probs[t*classes+c] = rng.Float32() + 0.01
			sum += probs[t*classes+c]
		}
		for c := range classes {
			probs[t*classes+c] /= sum
		}
	}
	return probs
}

// A group's values are summed: two values of one group, each half as
// likely as the other, make no clear value but a clear group.
func TestChooseGroup(t *testing.T) {
	// Three steps: a, blank, then a or b alike.
	const e = 1e-10
	probs := []float32{e, 1, e, 1, e, e, e, 0.5, 0.5}
	lp := logMasked(probs, 3, 3, []bool{true, true, true})
	tree := Tree{Kids: func() []Tree {
		return []Tree{
			{Part: "a", Kids: func() []Tree { return []Tree{{Part: "b", Key: "P1"}, {Part: "a", Key: "P2"}} }},
			{Part: "b", Key: "Q1"},
		}
	}}
	group := func(k string) string { return k[:1] }
	for _, c := range []struct {
		name  string
		group func(string) string
		want  string
	}{{"grouped", group, "P"}, {"not", nil, ""}} {
		t.Run(c.name, func(t *testing.T) {
			tree.Group = c.group
			ch := newLine(lp, 3, 3, map[rune]int{'a': 1, 'b': 2}).choose(tree)
			if ch.Share > 0.6 {
				t.Errorf("a value chosen with share %.3f, want about a half", ch.Share)
			}
			if ch.Group != c.want || c.want != "" && ch.GroupShare < 0.99 || c.want == "" && ch.GroupShare != 0 {
				t.Errorf("group %q with share %.3f, want %q", ch.Group, ch.GroupShare, c.want)
			}
		})
	}
}

// A line scored on the kept outputs only chooses as the whole line with the
// others masked: the same key, fit, group and shares, to the last bit.
func TestKeptColumnsChooseAsTheWholeLine(t *testing.T) {
	const steps, classes = 9, 7
	runes := []rune("-abcdef") // class k spells runes[k]; 0 is the blank
	tree := Tree{Kids: func() []Tree {
		return []Tree{
			{Part: "ab", Key: "AB", Kids: func() []Tree { return []Tree{{Part: "e", Key: "ABE"}} }},
			{Part: "ba", Key: "BA"},
			{Part: "bc", Key: "BC"},
			{Part: "ad", Key: "AD"},
			{Part: "e", Key: "E"},
		}
	}, Group: func(k string) string { return k[:1] }}
	for seed := range uint64(50) {
		probs := randomProbs(steps, classes, seed, 7)
		mask := []bool{true, true, true, seed%2 == 0, true, false, true}
		full := map[rune]int{}
		for k, r := range runes[1:] {
			if mask[k+1] {
				full[r] = k + 1
			}
		}
		want := newLine(logMasked(probs, steps, classes, mask), steps, classes, full).choose(tree)
		alphabet := make([]string, len(runes))
		for k, r := range runes {
			alphabet[k] = string(r)
		}
		cols, index := allowed(mask, alphabet)
		sub, err := kept(probs, steps, classes, cols)
		if err != nil {
			t.Fatal(err)
		}
		got := newLine(logMasked(sub, steps, len(cols), nil), steps, len(cols), index).choose(tree)
		if got != want {
			t.Fatalf("seed %d: kept columns chose %+v, the whole line %+v", seed, got, want)
		}
		if want.Key == "" {
			t.Fatalf("seed %d: nothing chosen, the test compares nothing", seed)
		}
	}
}

// A choice is the same to the last bit every time it is made: a record's
// confidence is a share, and a line read twice must give the same record.
// Many values of many groups make any summing in map order show.
func TestChooseIsReproducible(t *testing.T) {
	const steps, classes = 12, 7
	runes := "abcdef" // class k+1 spells runes[k]
	var kids []Tree
	for _, a := range runes {
		for _, b := range runes {
			for _, c := range runes {
				kids = append(kids, Tree{Part: string([]rune{a, b, c}), Key: string([]rune{a, b, c})})
			}
		}
	}
	tree := Tree{Kids: func() []Tree { return kids }, Group: func(k string) string { return k[:2] }}
	index := map[rune]int{}
	for k, r := range runes {
		index[r] = k + 1
	}
	for seed := range uint64(10) {
		lp := logMasked(randomProbs(steps, classes, seed, 11), steps, classes, nil)
		first := newLine(lp, steps, classes, index).choose(tree)
		if first.Key == "" || first.Group == "" {
			t.Fatalf("seed %d: nothing chosen, the test compares nothing", seed)
		}
		for range 30 {
			if again := newLine(lp, steps, classes, index).choose(tree); again != first {
				t.Fatalf("seed %d: chose %+v, then %+v", seed, first, again)
			}
		}
	}
}
