package pipeline

import (
	"math"
	"testing"
)

// A skew of -0.001° rounds to 0, not to -0 (which prints as "-0").
func TestRoundHasNoNegativeZero(t *testing.T) {
	for _, v := range []float64{-0.001, -0.0049, 0, math.Copysign(0, -1)} {
		if r := round(v, 2); r != 0 || math.Signbit(r) {
			t.Errorf("round(%v, 2) = %v (sign bit %v), want 0", v, r, math.Signbit(r))
		}
	}
	if r := round(-1.256, 2); r != -1.26 {
		t.Errorf("round(-1.256, 2) = %v", r)
	}
}
