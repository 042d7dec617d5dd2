// Package marks reads what people mark on a registered form: ticks in
// checkboxes, signatures, and which PIN cells hold a character.
//
// A scan is first warped onto the template canvas (Warp), its paper evened
// out (Normalize), and the printed form removed by whitening every pixel
// that is printed on the blank render of the same template (DropOut). What
// is left is a person's ink in template coordinates, which makes the
// readers simple measurements in known boxes. Each reader says how sure it
// is and when a person must look: a wrong tick read with confidence does
// more harm than one sent to review, because nobody checks it afterwards.
//
// The readers take that ink page, a canvas as Form.Ink and DropOut return
// it (its Bounds().Min is the page's top-left corner, its width the page's
// width), and a field of the template it was made with.
//
// PIN cells are only ever counted as filled or empty; this package never
// tries to read what is written in them (see DOMAIN.md, privacy rules).
// The ink page itself still shows the characters: it lives in memory for
// reading and must not be written anywhere unredacted.
package marks

import "shinsei/templates"

const pageWidthMM = templates.PageWidthMM
