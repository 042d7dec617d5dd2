package marks

import (
	"fmt"
	"image"
	"math"
	"sort"
	"testing"

	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/pipeline/register"
	"shinsei/templates"
)

// checkReading compares every checkbox, signature and PIN reading of a page
// with the truth. A reading must be right; a box the generator scribbled
// over is right only when flagged. Flagged readings are logged.
func checkReading(t *testing.T, name string, tp *templates.Template, rd Reading, truth scangen.PageTruth) {
	t.Helper()
	for _, fd := range tp.Fields {
		tr := truth.Fields[fd.ID]
		switch fd.Kind {
		case templates.Checkbox:
			r := rd.Checkboxes[fd.ID]
			flagged := r.Review || r.State == Ambiguous
			want := Unchecked
			if truthBool(tr.Value) {
				want = Checked
			}
			switch {
			case tr.Ambiguous && !flagged:
				t.Errorf("%s %s: scribbled-over box read %v with confidence %.2f, not flagged", name, fd.ID, r.State, r.Confidence)
			case !tr.Ambiguous && r.State != want:
				t.Errorf("%s %s (%q): read %v (review %v, ink %.3f), truth %v", name, fd.ID, tr.Style, r.State, r.Review, r.Ink, want)
			case flagged:
				t.Logf("%s %s (%q): flagged, %v, confidence %.2f", name, fd.ID, tr.Style, r.State, r.Confidence)
			}
			if r.Confidence < 0 || r.Confidence > 1 {
				t.Errorf("%s %s: confidence %v outside [0, 1]", name, fd.ID, r.Confidence)
			}
		case templates.Signature:
			r := rd.Signatures[fd.ID]
			if r.Present != truthBool(tr.Value) {
				t.Errorf("%s %s (%q): signature present %v (review %v, %.1f mm²), truth %v", name, fd.ID, tr.Style, r.Present, r.Review, r.InkMM2, tr.Value)
			}
			if r.Confidence < 0 || r.Confidence > 1 {
				t.Errorf("%s %s: confidence %v outside [0, 1]", name, fd.ID, r.Confidence)
			}
		case templates.PIN:
			r := rd.PINs[fd.ID]
			if want := truthCount(tr.Value); r.Filled != want {
				t.Errorf("%s %s: %d cells filled %v (review %v), truth %d", name, fd.ID, r.Filled, r.Cells, r.Review, want)
			}
			if len(r.Cells) != fd.Cells {
				t.Errorf("%s %s: %d cells reported, the field has %d", name, fd.ID, len(r.Cells), fd.Cells)
			}
		}
	}
}

// TestCommittedCorpus warps every page of the committed corpus (clean,
// standard and hard, every file format), checks that the printed form
// lands where the blank render has it, and reads every field.
func TestCommittedCorpus(t *testing.T) {
	t.Parallel()
	fs := newForms(t)
	worst := 0.0
	for _, mix := range []string{"clean", "standard", "hard"} {
		docs := loadCommitted(t, mix)
		if raceEnabled {
			docs = docs[:1] // the whole corpus runs without -race
		}
		for _, d := range docs {
			for _, p := range pagesOf(t, d) {
				name := fmt.Sprintf("%s/%s p%d", mix, p.doc, p.index+1)
				res, err := register.Find(p.img, register.Options{DPIHint: p.truth.Geometry.DPI})
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				f, blank, err := fs.getWithBlank(p.truth.Template, p.truth.Revision)
				if err != nil {
					t.Fatal(err)
				}
				page := Warp(p.img, res.Transform, 0)
				worst = max(worst, checkGeometry(t, name, page, blank, f.Template))
				Normalize(page)
				checkReading(t, name, f.Template, f.Read(f.mask.DropOut(page)), p.truth)
			}
		}
	}
	t.Logf("worst fiducial or box-corner offset after Warp: %.3f mm", worst)
}

// Warp's geometry must be good to this, registration included.
const geometryTolMM = 0.3

// checkGeometry measures the fiducials and the corners of every field box
// on a warped page against the blank render, and returns the worst offset
// in mm.
func checkGeometry(t *testing.T, name string, page, blank *image.Gray, tp *templates.Template) float64 {
	t.Helper()
	k := pxPerMMOf(page)
	worst, corners := 0.0, 0
	defer func() { t.Logf("%s: %d box corners measured", name, corners) }()
	for c, p := range templates.FiducialCentres() {
		gx, gy := darkCentroid(page, p.X*k, p.Y*k, 4.5*k)
		wx, wy := darkCentroid(blank, p.X*k, p.Y*k, 4.5*k)
		d := math.Hypot(gx-wx, gy-wy) / k
		worst = max(worst, d)
		if d > geometryTolMM {
			t.Errorf("%s: fiducial %d is %.2f mm from where the template puts it", name, c, d)
		}
	}
	for _, f := range tp.Fields {
		b := f.Box
		// Each edge of the frame, measured across the line at several
		// places along it; corners combine two edges.
		off := map[string]float64{}
		for _, e := range []struct {
			name     string
			vertical bool
			at       float64
		}{{"left", true, b.X}, {"right", true, b.X + b.W}, {"top", false, b.Y}, {"bottom", false, b.Y + b.H}} {
			got, ok := frameLine(page, b, e.vertical, e.at, k)
			want, okw := frameLine(blank, b, e.vertical, e.at, k)
			if ok && okw {
				off[e.name] = (got - want) / k
			}
		}
		for _, c := range [][2]string{{"left", "top"}, {"right", "top"}, {"left", "bottom"}, {"right", "bottom"}} {
			dx, okx := off[c[0]]
			dy, oky := off[c[1]]
			if !okx || !oky {
				continue // that side is written over everywhere
			}
			d := math.Hypot(dx, dy)
			corners++
			worst = max(worst, d)
			if d > geometryTolMM {
				t.Errorf("%s: %s %s-%s corner is %.2f mm from where the template puts it", name, f.ID, c[1], c[0], d)
			}
		}
	}
	return worst
}

// darkCentroid is the darkness-weighted centre of the square of half-side
// r pixels around (cx, cy).
func darkCentroid(img *image.Gray, cx, cy, r float64) (float64, float64) {
	var sx, sy, s float64
	for y := int(cy - r); y <= int(cy+r); y++ {
		for x := int(cx - r); x <= int(cx+r); x++ {
			if !image.Pt(x, y).In(img.Rect) {
				continue
			}
			d := math.Max(0, 200-float64(img.GrayAt(x, y).Y))
			sx += d * (float64(x) + 0.5)
			sy += d * (float64(y) + 0.5)
			s += d
		}
	}
	if s == 0 {
		return cx, cy
	}
	return sx / s, sy / s
}

// frameLine locates the frame line of box b that runs along x = at
// (vertical) or y = at: the median, over places along the edge, of the
// darkness-weighted centre of the line within 0.35 mm of it. Places where
// anything else is inked within 0.8 mm of the line (handwriting crossing
// or touching the frame) are left out; ok is false if no place was clean.
func frameLine(img *image.Gray, b templates.Box, vertical bool, at, k float64) (pos float64, ok bool) {
	var cs []float64
	from, to := b.Y, b.Y+b.H
	if !vertical {
		from, to = b.X, b.X+b.W
	}
	// Thirteenths, so no place falls on a PIN field's cell divider.
	for i := 1; i < 13; i++ {
		along := (from + (to-from)*float64(i)/13) * k
		var s, sw, flank float64
		for d := -0.8 * k; d <= 0.8*k; d++ {
			p := at*k + d
			x, y := int(p), int(along)
			if !vertical {
				x, y = int(along), int(p)
			}
			if !image.Pt(x, y).In(img.Rect) {
				continue
			}
			w := math.Max(0, 200-float64(img.GrayAt(x, y).Y))
			if math.Abs(d) > 0.35*k {
				flank = max(flank, w)
				continue
			}
			s += w * (math.Floor(p) + 0.5)
			sw += w
		}
		if sw > 0 && flank < 60 {
			cs = append(cs, s/sw)
		}
	}
	if len(cs) == 0 {
		return 0, false
	}
	sort.Float64s(cs)
	return cs[len(cs)/2], true
}

// TestGeneratedPages reads freshly generated Clean and Standard pages
// (seeds 21 and 22, used nowhere else) and compares with the truth.
func TestGeneratedPages(t *testing.T) {
	t.Parallel()
	n := 6
	if raceEnabled {
		n = 1
	}
	fs := newForms(t)
	for _, c := range []struct {
		mix  scanfx.Mix
		seed uint64
	}{{scanfx.Clean, 21}, {scanfx.Standard, 22}} {
		for _, d := range genDocs(t, c.seed, c.mix, 0, n, "") {
			for _, p := range pagesOf(t, d) {
				f, ink, err := fs.inkOf(p)
				if err != nil {
					t.Errorf("%s: %v", c.mix, err)
					continue
				}
				checkReading(t, fmt.Sprintf("%s/%s p%d", c.mix, p.doc, p.index+1), f.Template, f.Read(ink), p.truth)
			}
		}
	}
}
