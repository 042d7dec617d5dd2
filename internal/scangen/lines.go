package scangen

import (
	"image"
	"math/rand/v2"
	"slices"
	"unicode"

	"shinsei/internal/scanfx"
	"shinsei/templates"
)

// WriteText writes s into box b of img (a canvas at templates.CanvasDPI) in
// a fresh hand, as the generator writes a form's text fields. It lets other
// tools, such as the maker of recogniser training lines, draw exactly the
// handwriting the test corpora hold without filling whole forms.
func (g *Generator) WriteText(img *image.Gray, b templates.Box, s string, rng *rand.Rand) error {
	return g.hands.newPen(rng, messiness(g.opts.Mix)).write(img, b, s, rng)
}

// CanWrite reports whether some face of the generator's hands draws every
// character of s but spaces: a pen borrows a character its own face lacks
// from another, and a line none can draw would be a line whose truth holds
// ink the page does not.
func (g *Generator) CanWrite(s string) bool {
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		if !slices.ContainsFunc(g.hands.faces, func(f face) bool { return draws(f.font, r) }) {
			return false
		}
	}
	return true
}

// messiness is how irregular a pen writes under each mix: the writing of a
// standard corpus for any other scanner (the copier), so that a scanner's
// table differs from the standard one by the scanner alone.
func messiness(m scanfx.Mix) float64 {
	switch m {
	case scanfx.Clean:
		return 0.3
	case scanfx.Hard:
		return 1.6
	default:
		return 1
	}
}
