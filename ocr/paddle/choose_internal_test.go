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
	rng := rand.New(rand.NewPCG(1, 2))
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
