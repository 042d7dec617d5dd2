package paddle

import (
	"context"
	"fmt"
	"image"
	"math"
)

// A Choice is one model's pick among a closed list of spellings: the
// values a field can hold (the days of a window, each as it may be
// written). Greedy reading lets one odd character (年 read as 持) spoil a
// line; scoring whole spellings asks instead which of them the model's
// per-step probabilities make likeliest, every alignment summed (CTC's
// forward algorithm).
type Choice struct {
	Model string
	// Best is the index of the likeliest candidate (-1 when none could be
	// scored: every candidate holds a character outside allow).
	Best int
	// Share is Best's likelihood over the sum of every candidate's: how
	// clearly the model tells it from the others.
	Share float64
	// Fit is how likely Best is next to the likeliest single reading of
	// the line in allow's characters, as a log ratio (0: as likely; −2.3:
	// a tenth). What was written need not be a candidate (an old form, a
	// day outside the window): then the best candidate fits badly, however
	// clear its share.
	Fit float64
}

// Choose scores candidates against img with each model, the outputs
// restricted to allow's characters (and the blank), renormalised at every
// step: a character outside allow (a space between a date's parts) is
// read as the blank.
func (p *Recognizer) Choose(ctx context.Context, img *image.Gray, allow string, candidates []string) ([]Choice, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	mask := p.mask(allow)
	index := map[string]int{}
	for k, s := range p.alphabet {
		if k > 0 && s != "" && mask[k] {
			index[s] = k
		}
	}
	labels := make([][]int, len(candidates))
	for i, c := range candidates {
		for _, r := range c {
			k, ok := index[string(r)]
			if !ok {
				labels[i] = nil
				break
			}
			labels[i] = append(labels[i], k)
		}
	}
	in, width := tensor(img)
	var out []Choice
	for _, s := range p.sessions {
		probs, steps, classes, err := s.run(in, width)
		if err != nil {
			return nil, fmt.Errorf("paddle: model %s: %w", s.name, err)
		}
		lp := logMasked(probs, steps, classes, mask)
		ch := Choice{Model: s.name, Best: -1}
		best, total := math.Inf(-1), math.Inf(-1)
		for i, l := range labels {
			if len(l) == 0 {
				continue
			}
			v := ctcLogLikelihood(lp, steps, classes, l)
			total = logAdd(total, v)
			if v > best {
				best, ch.Best = v, i
			}
		}
		if ch.Best >= 0 {
			ch.Share = math.Exp(best - total)
			ch.Fit = best - bestPath(lp, steps, classes)
		}
		out = append(out, ch)
	}
	return out, nil
}

// logMasked is log probs (steps × classes) restricted to mask and
// renormalised at each step; masked-out outputs are −Inf.
func logMasked(probs []float32, steps, classes int, mask []bool) []float64 {
	out := make([]float64, steps*classes)
	for t := range steps {
		row := probs[t*classes : (t+1)*classes]
		sum := 0.0
		for c, p := range row {
			if c < len(mask) && mask[c] {
				sum += float64(p)
			}
		}
		for c, p := range row {
			o := &out[t*classes+c]
			if c >= len(mask) || !mask[c] || p <= 0 || sum <= 0 {
				*o = math.Inf(-1)
				continue
			}
			*o = math.Log(float64(p) / sum)
		}
	}
	return out
}

// bestPath is the log probability of the likeliest single path: at each
// step the likeliest output.
func bestPath(lp []float64, steps, classes int) float64 {
	sum := 0.0
	for t := range steps {
		best := math.Inf(-1)
		for _, v := range lp[t*classes : (t+1)*classes] {
			best = max(best, v)
		}
		sum += best
	}
	return sum
}

// ctcLogLikelihood is log P(labels | lp) summed over every CTC alignment
// (blank 0), by the forward algorithm over the labels with blanks between.
func ctcLogLikelihood(lp []float64, steps, classes int, labels []int) float64 {
	n := 2*len(labels) + 1
	if steps == 0 {
		return math.Inf(-1)
	}
	sym := func(s int) int {
		if s%2 == 0 {
			return 0
		}
		return labels[s/2]
	}
	alpha := make([]float64, n)
	next := make([]float64, n)
	for s := range alpha {
		alpha[s] = math.Inf(-1)
	}
	alpha[0] = lp[sym(0)]
	if n > 1 {
		alpha[1] = lp[sym(1)]
	}
	for t := 1; t < steps; t++ {
		row := lp[t*classes : (t+1)*classes]
		for s := range n {
			v := alpha[s]
			if s > 0 {
				v = logAdd(v, alpha[s-1])
			}
			if s > 1 && s%2 == 1 && sym(s) != sym(s-2) {
				v = logAdd(v, alpha[s-2])
			}
			next[s] = v + row[sym(s)]
		}
		alpha, next = next, alpha
	}
	if n == 1 {
		return alpha[0]
	}
	return logAdd(alpha[n-1], alpha[n-2])
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
