package scanfx

import (
	"errors"
	"fmt"
	"math"
)

// ErrSingular is returned when an Affine has no inverse.
var ErrSingular = errors.New("scanfx: affine transform is singular")

// Affine maps (x, y) to (A*x + B*y + C, D*x + E*y + F).
//
// Coordinates are continuous pixel coordinates: pixel (i, j) covers the
// square [i, i+1) × [j, j+1), so its centre is (i+0.5, j+0.5) and the image
// spans [0, W] × [0, H]. The centre of source pixel (i, j) therefore lands
// at Apply(i+0.5, j+0.5), and a point measured in millimetres from the
// page's top-left corner at Apply(mm*dpi/25.4, ...) with no half-pixel
// term. With this convention a scale by s maps the page edges onto the
// page edges exactly, which a "pixel index = centre" convention does not.
type Affine struct{ A, B, C, D, E, F float64 }

// Identity returns the transform that leaves every point where it is.
func Identity() Affine { return Affine{A: 1, E: 1} }

// Apply maps the point (x, y).
func (t Affine) Apply(x, y float64) (float64, float64) {
	// The explicit conversions stop the compiler fusing into FMA on arm64,
	// so ground truth is bit-identical on every architecture.
	return float64(t.A*x) + float64(t.B*y) + t.C, float64(t.D*x) + float64(t.E*y) + t.F
}

// Then returns the transform that applies t first and u second.
func (t Affine) Then(u Affine) Affine {
	return Affine{
		A: float64(u.A*t.A) + float64(u.B*t.D),
		B: float64(u.A*t.B) + float64(u.B*t.E),
		C: float64(u.A*t.C) + float64(u.B*t.F) + u.C,
		D: float64(u.D*t.A) + float64(u.E*t.D),
		E: float64(u.D*t.B) + float64(u.E*t.E),
		F: float64(u.D*t.C) + float64(u.E*t.F) + u.F,
	}
}

// Invert returns the transform that undoes t.
func (t Affine) Invert() (Affine, error) {
	det := float64(t.A*t.E) - float64(t.B*t.D)
	if det == 0 || math.IsNaN(det) || math.IsInf(det, 0) {
		return Affine{}, fmt.Errorf("invert %+v: %w", t, ErrSingular)
	}
	a, b := t.E/det, -t.B/det
	d, e := -t.D/det, t.A/det
	return Affine{
		A: a, B: b, C: -(float64(a*t.C) + float64(b*t.F)),
		D: d, E: e, F: -(float64(d*t.C) + float64(e*t.F)),
	}, nil
}
