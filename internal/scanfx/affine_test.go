package scanfx

import (
	"errors"
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestAffine(t *testing.T) {
	rot := func(deg float64) Affine {
		s, c := math.Sincos(deg * math.Pi / 180)
		return Affine{A: c, B: -s, D: s, E: c}
	}
	tests := []struct {
		name         string
		t            Affine
		x, y         float64
		wantX, wantY float64
	}{
		{"identity", Identity(), 3, 4, 3, 4},
		{"translate", Affine{A: 1, C: 2, E: 1, F: -5}, 3, 4, 5, -1},
		{"scale", Affine{A: 0.5, E: 2}, 3, 4, 1.5, 8},
		// Positive angles turn right into down: clockwise on a y-down screen.
		{"rotate 90 clockwise", rot(90), 1, 0, 0, 1},
		{"shear", Affine{A: 1, B: 1, E: 1}, 3, 4, 7, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, y := tc.t.Apply(tc.x, tc.y)
			if !near(x, tc.wantX, 1e-12) || !near(y, tc.wantY, 1e-12) {
				t.Fatalf("Apply(%v, %v) = (%v, %v), want (%v, %v)", tc.x, tc.y, x, y, tc.wantX, tc.wantY)
			}
			inv, err := tc.t.Invert()
			if err != nil {
				t.Fatal(err)
			}
			bx, by := inv.Apply(x, y)
			if !near(bx, tc.x, 1e-9) || !near(by, tc.y, 1e-9) {
				t.Fatalf("Invert round trip gave (%v, %v), want (%v, %v)", bx, by, tc.x, tc.y)
			}
			id := tc.t.Then(inv)
			if ix, iy := id.Apply(7, -3); !near(ix, 7, 1e-9) || !near(iy, -3, 1e-9) {
				t.Fatalf("t.Then(inverse) is not identity: %+v", id)
			}
		})
	}
}

func TestAffineThenOrder(t *testing.T) {
	scale := Affine{A: 2, E: 2}
	shift := Affine{A: 1, C: 10, E: 1}
	// Scale first, then shift: (1,1) → (2,2) → (12,2).
	if x, y := scale.Then(shift).Apply(1, 1); x != 12 || y != 2 {
		t.Fatalf("scale.Then(shift)(1,1) = (%v, %v), want (12, 2)", x, y)
	}
	if x, y := shift.Then(scale).Apply(1, 1); x != 22 || y != 2 {
		t.Fatalf("shift.Then(scale)(1,1) = (%v, %v), want (22, 2)", x, y)
	}
}

func TestAffineSingular(t *testing.T) {
	for _, a := range []Affine{{}, {A: 1, B: 2, D: 2, E: 4}, {A: math.NaN(), E: 1}} {
		if _, err := a.Invert(); !errors.Is(err, ErrSingular) {
			t.Errorf("Invert(%+v) error = %v, want ErrSingular", a, err)
		}
	}
}
