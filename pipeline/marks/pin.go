package marks

import (
	"image"

	"shinsei/templates"
)

// PINResult says which cells of a PIN field hold a character. It never
// says which character: PINs are not read, stored or shown.
type PINResult struct {
	// Filled is the number of cells holding ink.
	Filled int
	// Cells says, left to right, which cells hold ink.
	Cells []bool
	// Confidence in [0, 1] that every cell is called right.
	Confidence float64
	// Review is set when a person must look.
	Review bool
}

// cellFeatures are the measurements of one PIN cell.
type cellFeatures struct {
	coreMM2 float64 // ink in the cell's core, away from the dividers
	longest float64 // extent of the largest piece of ink reaching the core, mm
}

// A character written in a cell covers its middle; a neighbour's character
// that runs over the divider only reaches ~1 mm in from it. The core is the
// cell without those margins.
const (
	pinSideMM = 1.8
	pinTopMM  = 1.2
)

func measurePIN(ink *image.Gray, f templates.Field) []cellFeatures {
	n := max(1, f.Cells)
	z := newZone(ink, f.Box)
	out := make([]cellFeatures, n)
	mm2 := 1 / (z.pxPerMM * z.pxPerMM)
	for i := range n {
		cell := f.Box.Cell(i, n)
		core := z.mmRect(templates.Box{X: cell.X + pinSideMM, Y: cell.Y + pinTopMM, W: cell.W - 2*pinSideMM, H: cell.H - 2*pinTopMM})
		var ft cellFeatures
		for y := core.Min.Y; y < core.Max.Y; y++ {
			for x := core.Min.X; x < core.Max.X; x++ {
				j := y*z.w + x
				if z.real(j) {
					ft.coreMM2 += mm2
					ft.longest = max(ft.longest, z.comps[z.lab[j]-1].extentMM(z.pxPerMM))
				}
			}
		}
		out[i] = ft
	}
	return out
}

// PIN cell thresholds, set on the calibration corpora: an empty cell's
// core holds no ink, the thinnest character (a "1") ~2 mm² with a stroke
// of 4 mm or more.
const (
	cellEmptyMM2  = 0.3
	cellFilledMM2 = 1.0
	cellStrokeMM  = 2.0
)

// PINCells says which cells of a PIN field hold a character, from the ink
// page (Form.Ink); never which character. Each cell is read in its core,
// clear of the dividers, so a character that runs over a divider counts
// for its own cell and not its neighbour's. People write a PIN from the
// left, so filled cells after an empty one are unusual and go to review,
// as do cells with a little ink that is neither dust nor a character.
func PINCells(ink *image.Gray, f templates.Field) PINResult {
	fts := measurePIN(ink, f)
	r := PINResult{Cells: make([]bool, len(fts)), Confidence: 0.99}
	gap := false
	for i, ft := range fts {
		var c float64
		switch {
		case ft.coreMM2 < cellEmptyMM2:
			c = 0.99 - 0.3*ft.coreMM2/cellEmptyMM2
			gap = true
		case ft.coreMM2 >= cellFilledMM2 && ft.longest >= cellStrokeMM:
			r.Cells[i] = true
			r.Filled++
			c = 0.9 + 0.09*clamp01((ft.coreMM2-cellFilledMM2)/cellFilledMM2)
			if gap {
				// Filled after an empty cell: a skipped cell or a mark
				// that is not a character.
				r.Review = true
				c = min(c, 0.6)
			}
		default:
			r.Cells[i] = ft.coreMM2 >= (cellEmptyMM2+cellFilledMM2)/2
			if r.Cells[i] {
				r.Filled++
			} else {
				gap = true
			}
			r.Review = true
			c = 0.5
		}
		r.Confidence = min(r.Confidence, c)
	}
	return r
}
