package paddle

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The forward algorithm against its definition: the probability of a
// label sequence is the sum over every path of outputs that collapses to it
// (repeats merged, then blanks dropped), counted here path by path.
func TestCTCLogLikelihood(t *testing.T) {
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
	total := 0.0
	for _, labels := range [][]int{{1}, {2}, {1, 2}, {1, 1}, {2, 1, 2}, {1, 2, 1}, {1, 1, 1}} {
		got := math.Exp(ctcLogLikelihood(lp, steps, classes, labels))
		want := brute[key(labels)]
		if math.Abs(got-want) > 1e-6*want { // float32 probabilities, renormalised
			t.Errorf("labels %v: %g, want %g", labels, got, want)
		}
		total += got
	}
	if total <= 0 || total >= 1 {
		t.Errorf("the sum over some label sequences is %g, want in (0, 1)", total)
	}
	// The likeliest single path is no likelier than the sequence it spells.
	best := bestPath(lp, steps, classes)
	if math.IsInf(best, 0) || best > 0 {
		t.Errorf("bestPath = %g", best)
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
