package marks

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"shinsei/internal/scanfx"
	"shinsei/pipeline/register"
	"shinsei/templates"
)

// canvasTransform is the register-convention transform (pixel centres at
// integers) of a page that is already the canvas at dpi.
func canvasTransform(dpi float64) register.Affine {
	k := dpi / 25.4
	return register.Affine{k, 0, -0.5, 0, k, -0.5}
}

// truthTransform converts a scanfx transform (canvas pixels at 300 dpi to
// image pixels, pixel centres at half-integers) to register's convention.
func truthTransform(a scanfx.Affine) register.Affine {
	k := templates.CanvasDPI / 25.4
	return register.Affine{a.A * k, a.B * k, a.C - 0.5, a.D * k, a.E * k, a.F - 0.5}
}

// blankOf returns a form and its blank render (shared: clone it before
// drawing on it).
func blankOf(t testing.TB, fs *forms, id string) (*Form, *image.Gray) {
	t.Helper()
	f, blank, err := fs.getWithBlank(id, 0)
	if err != nil {
		t.Fatal(err)
	}
	return f, blank
}

func cloneGray(g *image.Gray) *image.Gray {
	c := image.NewGray(g.Rect)
	copy(c.Pix, g.Pix)
	return c
}

// Warping a page that already is the canvas changes nothing: every sample
// falls on a pixel centre.
func TestWarpIdentity(t *testing.T) {
	_, blank := blankOf(t, newForms(t), "jpki-application")
	got := Warp(blank, canvasTransform(templates.CanvasDPI), 0)
	if got.Rect != blank.Rect {
		t.Fatalf("canvas %v, want %v", got.Rect, blank.Rect)
	}
	for i := range got.Pix {
		if got.Pix[i] != blank.Pix[i] {
			t.Fatalf("pixel %d: %d, want %d", i, got.Pix[i], blank.Pix[i])
		}
	}
}

// What the scan does not cover is paper; a scan's own origin is honoured;
// scans too small to sample give a white page rather than a panic.
func TestWarpOutside(t *testing.T) {
	// A 50×50 mm black square scanned at 300 dpi, placed 100 mm in and
	// with its bounds not starting at (0, 0).
	k := templates.CanvasDPI / 25.4
	n := int(50 * k)
	img := image.NewGray(image.Rect(7, 9, 7+n, 9+n))
	tr := register.Affine{k, 0, 7 - 100*k - 0.5, 0, k, 9 - 100*k - 0.5}
	page := Warp(img, tr, 0)
	at := func(xmm, ymm float64) uint8 { return page.GrayAt(int(xmm*k), int(ymm*k)).Y }
	for _, c := range []struct {
		x, y float64
		want uint8
	}{{125, 125, 0}, {101, 101, 0}, {149, 149, 0}, {99, 125, 255}, {151, 125, 255}, {125, 99, 255}, {10, 10, 255}, {205, 290, 255}} {
		if got := at(c.x, c.y); got != c.want {
			t.Errorf("(%g, %g) mm: %d, want %d", c.x, c.y, got, c.want)
		}
	}
	for _, size := range []image.Rectangle{image.Rect(0, 0, 1, 1), image.Rect(0, 0, 0, 0)} {
		page := Warp(image.NewGray(size), tr, 100)
		for _, v := range page.Pix {
			if v != 255 {
				t.Fatalf("%v scan: page not blank", size)
			}
		}
	}
}

// Through the generator's own transform (no registration), a blank form
// scanned sideways, skewed, at 200 dpi and shifted on the glass warps back
// onto its render.
func TestWarpScannedBlank(t *testing.T) {
	t.Parallel()
	fs := newForms(t)
	_, blank := blankOf(t, fs, "jpki-answer")
	params := []scanfx.Params{
		{Rotate90: 1, SkewDeg: 2.5, DPI: 200, ShiftXMM: 1.2, ShiftYMM: -0.8},
		{Rotate90: 2, SkewDeg: -6, DPI: 400, Blur: 0.8},
		{SkewDeg: 0.3, DPI: 150},
	}
	if raceEnabled {
		params = params[:1]
	}
	for _, p := range params {
		scan, aff, err := scanfx.Apply(blank, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		page := Warp(scan, truthTransform(aff), 0)
		k := pxPerMMOf(page)
		for c, f := range templates.FiducialCentres() {
			gx, gy := darkCentroid(page, f.X*k, f.Y*k, 4.5*k)
			wx, wy := darkCentroid(blank, f.X*k, f.Y*k, 4.5*k)
			if d := math.Hypot(gx-wx, gy-wy) / k; d > 0.1 {
				t.Errorf("%+v: fiducial %d off by %.3f mm", p, c, d)
			}
		}
		// Mean absolute difference over the page: only resampling blur.
		var diff int
		for i := range page.Pix {
			diff += int(math.Abs(float64(page.Pix[i]) - float64(blank.Pix[i])))
		}
		if m := float64(diff) / float64(len(page.Pix)); m > 6 {
			t.Errorf("%+v: mean difference from the render %.1f grey levels", p, m)
		}
	}
}

// Normalize brings grey, unevenly lit paper to white and keeps ink dark,
// also next to a large solid mark that has no paper of its own.
func TestNormalize(t *testing.T) {
	w, h := templates.PageSizePx(templates.CanvasDPI)
	page := image.NewGray(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			// Paper from 235 down to 175 across the page, with noise.
			paperLvl := 235 - 60*float64(x+y)/float64(w+h)
			page.Pix[y*page.Stride+x] = uint8(paperLvl + rng.NormFloat64()*4)
		}
	}
	k := templates.CanvasDPI / 25.4
	// Washed-out ink strokes (level 90) and a 6 mm solid square (level 40).
	ink := func(r image.Rectangle, v uint8) {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				page.Pix[y*page.Stride+x] = v
			}
		}
	}
	strokes := []image.Rectangle{image.Rect(int(50*k), int(100*k), int(90*k), int(100.5*k)), image.Rect(int(180*k), int(250*k), int(180.4*k), int(270*k))}
	for _, r := range strokes {
		ink(r, 90)
	}
	square := image.Rect(int(20*k), int(20*k), int(26*k), int(26*k))
	ink(square, 40)
	Normalize(page)
	// Paper noise of σ 4 becomes σ ~5 once scaled: no paper sample may
	// fall as far as 225, and paper must average close to white.
	paper, sum, n := 0, 0, 0
	for y := 0; y < h; y += 7 {
		for x := 0; x < w; x += 7 {
			p := image.Pt(x, y)
			if p.In(square.Inset(-2)) || p.In(strokes[0].Inset(-2)) || p.In(strokes[1].Inset(-2)) {
				continue
			}
			v := int(page.Pix[y*page.Stride+x])
			sum += v
			n++
			if v < 225 {
				paper++
			}
		}
	}
	if paper > 0 {
		t.Errorf("%d paper samples stayed below 225", paper)
	}
	if m := float64(sum) / float64(n); m < 248 {
		t.Errorf("paper averages %.1f after normalising, want ≥ 248", m)
	}
	for _, r := range append(strokes, square) {
		c := r.Min.Add(r.Size().Div(2))
		if v := page.GrayAt(c.X, c.Y).Y; v >= inkBelow {
			t.Errorf("ink at %v normalised to %d, not ink", c, v)
		}
	}
}

// Dropping a blank form out of itself leaves nothing; dropping it out of
// blank scans leaves no ink in any field a reader looks at.
func TestDropOutBlank(t *testing.T) {
	t.Parallel()
	fs := newForms(t)
	for _, id := range []string{"jpki-application", "jpki-answer", "jpki-revocation"} {
		f, blank := blankOf(t, fs, id)
		out := DropOut(blank, blank)
		left := 0
		for _, v := range out.Pix {
			if v < inkBelow {
				left++
			}
		}
		if left > 0 {
			t.Errorf("%s: %d ink pixels left after dropping the blank out of itself", id, left)
		}
		seeds := 2
		if raceEnabled {
			seeds = 0
			if id == "jpki-application" {
				seeds = 1
			}
		}
		for seed := range uint64(seeds) {
			rng := rand.New(rand.NewPCG(seed, 99))
			params := scanfx.RandomParams(rng, scanfx.Standard)
			scan, _, err := scanfx.Apply(blank, params, rng)
			if err != nil {
				t.Fatal(err)
			}
			res, err := register.Find(scan, register.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ink := f.Ink(scan, res.Transform)
			dark := 0
			for _, v := range ink.Pix {
				if v < inkBelow {
					dark++
				}
			}
			// What survives is specks of dust and slivers of anti-aliased
			// print: a few hundredths of a percent of the page.
			if frac := float64(dark) / float64(len(ink.Pix)); frac > 2e-4 {
				t.Errorf("%s seed %d (%+v): %.4f%% of the page is ink after drop-out", id, seed, params, 100*frac)
			}
			rd := f.Read(ink)
			for fid, r := range rd.Checkboxes {
				if r.State != Unchecked || r.Review {
					t.Errorf("%s seed %d: blank %s read %v", id, seed, fid, r.State)
				}
			}
			for fid, r := range rd.Signatures {
				if r.Present || r.Review || r.InkMM2 > 0.5 {
					t.Errorf("%s seed %d: blank %s read as signed (%.1f mm²)", id, seed, fid, r.InkMM2)
				}
			}
			for fid, r := range rd.PINs {
				if r.Filled != 0 || r.Review {
					t.Errorf("%s seed %d: blank %s has %d cells filled", id, seed, fid, r.Filled)
				}
			}
		}
	}
}

// marked draws styles into the application form's twelve checkboxes (in
// field order, cycling) and returns the page and the style of each box.
func marked(blank *image.Gray, tp *templates.Template, styles []string, stray bool, rng *rand.Rand) (*image.Gray, map[string]string) {
	img := cloneGray(blank)
	got := map[string]string{}
	i := 0
	for _, f := range tp.Fields {
		if f.Kind != templates.Checkbox {
			continue
		}
		st := styles[i%len(styles)]
		drawMark(img, f.Box, st, stray, uint8(15+rng.IntN(40)), rng)
		got[f.ID] = st
		i++
	}
	return img, got
}

// The checkbox reader on marks of every kind people make, drawn straight
// onto the canvas and through a Standard and a Hard scan.
func TestCheckboxMarks(t *testing.T) {
	t.Parallel()
	fs := newForms(t)
	f, blank := blankOf(t, fs, "jpki-application")
	styles := []string{styleTick, styleCross, styleCircle, styleFill, styleScribbled, styleDotBeside, styleDust, ""}
	type scan struct {
		name string
		mix  scanfx.Mix
	}
	scans := []scan{{"canvas", -1}, {"standard", scanfx.Standard}, {"hard", scanfx.Hard}}
	rounds := 3
	if raceEnabled {
		rounds = 1
	}
	for _, sc := range scans {
		for round := range rounds {
			for _, stray := range []bool{false, true} {
				if raceEnabled && stray != (sc.mix == scanfx.Hard) {
					continue // one page of each kind
				}
				rng := rand.New(rand.NewPCG(uint64(round), 7))
				// Rotate the styles so every box sees every style.
				rot := append(append([]string(nil), styles[round*3%len(styles):]...), styles[:round*3%len(styles)]...)
				img, truth := marked(blank, f.Template, rot, stray, rng)
				var ink *image.Gray
				if sc.mix < 0 {
					Normalize(img)
					ink = f.mask.DropOut(img)
				} else {
					p := scanfx.RandomParams(rng, sc.mix)
					s, _, err := scanfx.Apply(img, p, rng)
					if err != nil {
						t.Fatal(err)
					}
					res, err := register.Find(s, register.Options{})
					if err != nil {
						t.Fatalf("%s: %v", sc.name, err)
					}
					ink = f.Ink(s, res.Transform)
				}
				for id, st := range truth {
					fd, _ := f.Template.Field(id)
					r := Checkbox(ink, fd)
					name := fmt.Sprintf("%s round %d stray %v: %s %q", sc.name, round, stray, id, st)
					checkMarkResult(t, name, st, stray, r)
				}
			}
		}
	}
}

// checkMarkResult holds a reading to what the style means.
func checkMarkResult(t *testing.T, name, style string, stray bool, r CheckResult) {
	t.Helper()
	flagged := r.Review || r.State == Ambiguous
	switch want := checkedState(style); {
	case want == Ambiguous:
		if !flagged {
			t.Errorf("%s: scribbled-over box read %v (confidence %.2f), not flagged", name, r.State, r.Confidence)
		}
	case stray && want == Checked && r.State == Ambiguous:
		// A hurried mark that landed mostly beside the box: a person
		// decides, which is an acceptable answer.
		t.Logf("%s: flagged (ink %.3f)", name, r.Ink)
	case style == styleFill && r.State == Checked:
		// A filled box may go to review (it could be a scribble); its
		// value is still Checked.
	case r.State != want || r.Review:
		t.Errorf("%s: read %v (review %v, ink %.3f, confidence %.2f), want %v", name, r.State, r.Review, r.Ink, r.Confidence, want)
	}
	if r.Confidence < 0.5 || r.Confidence > 1 {
		t.Errorf("%s: confidence %.2f outside [0.5, 1]", name, r.Confidence)
	}
}

// Signatures: names, scrawls and a seal are present; dust is not.
func TestSignatureZones(t *testing.T) {
	t.Parallel()
	fs := newForms(t)
	f, blank := blankOf(t, fs, "jpki-application")
	sig, _ := f.Template.Field("applicant_signature")
	proxy, _ := f.Template.Field("proxy_signature")
	b := sig.Box
	rng := rand.New(rand.NewPCG(3, 4))
	wave := func(x0, x1, y, amp float64, n int) []mmPt {
		var pts []mmPt
		for i := range n + 1 {
			x := x0 + (x1-x0)*float64(i)/float64(n)
			pts = append(pts, mmPt{x, y + amp*math.Sin(float64(i)*2.1)})
		}
		return smooth(pts, 8)
	}
	cases := []struct {
		name    string
		draw    func(img *image.Gray)
		present bool
	}{
		{"empty", func(*image.Gray) {}, false},
		{"dust", func(img *image.Gray) {
			for range 12 {
				c := mmPt{b.X + 2 + rng.Float64()*(b.W-4), b.Y + 2 + rng.Float64()*(b.H-4)}
				drawStroke(img, []mmPt{c}, 0.2+rng.Float64()*0.6, uint8(rng.IntN(60)))
			}
		}, false},
		{"scrawl", func(img *image.Gray) {
			drawStroke(img, wave(b.X+5, b.X+45, b.Y+b.H/2, 3, 9), 0.45, 30)
		}, true},
		{"name", func(img *image.Gray) {
			// Four "characters" of short strokes.
			for c := range 4 {
				x := b.X + 4 + float64(c)*11
				drawStroke(img, []mmPt{{x, b.Y + 5}, {x + 7, b.Y + 5}}, 0.5, 25)
				drawStroke(img, []mmPt{{x + 3.5, b.Y + 3}, {x + 3, b.Y + 14}}, 0.5, 25)
				drawStroke(img, []mmPt{{x + 1, b.Y + 9}, {x + 6, b.Y + 12}}, 0.5, 25)
			}
		}, true},
		{"name and seal", func(img *image.Gray) {
			drawStroke(img, wave(b.X+4, b.X+35, b.Y+b.H/2, 2, 7), 0.5, 30)
			var ring []mmPt
			for i := range 41 {
				a := float64(i) / 40 * 2 * math.Pi
				ring = append(ring, mmPt{b.X + b.W - 8 + 5*math.Cos(a), b.Y + b.H/2 + 5*math.Sin(a)})
			}
			drawStroke(img, ring, 0.5, 120) // a vermilion seal scans grey
		}, true},
		{"seal alone", func(img *image.Gray) {
			var ring []mmPt
			for i := range 41 {
				a := float64(i) / 40 * 2 * math.Pi
				ring = append(ring, mmPt{b.X + b.W/2 + 5*math.Cos(a), b.Y + b.H/2 + 5*math.Sin(a)})
			}
			drawStroke(img, ring, 0.5, 120)
			drawStroke(img, []mmPt{{b.X + b.W/2 - 2, b.Y + b.H/2}, {b.X + b.W/2 + 2, b.Y + b.H/2}}, 0.5, 120)
		}, true},
	}
	for _, scanned := range []bool{false, true} {
		for _, c := range cases {
			if scanned && raceEnabled && c.name != "name and seal" {
				continue
			}
			img := cloneGray(blank)
			c.draw(img)
			var ink *image.Gray
			if scanned {
				s, aff, err := scanfx.Apply(img, scanfx.Params{SkewDeg: 1.5, DPI: 200, Blur: 0.6, Noise: 4, JPEGQuality: 70}, rand.New(rand.NewPCG(5, 6)))
				if err != nil {
					t.Fatal(err)
				}
				ink = f.Ink(s, truthTransform(aff))
			} else {
				// Drawn on the canvas: the paper is white already.
				ink = f.mask.DropOut(img)
			}
			r := Signature(ink, sig)
			if r.Present != c.present || r.Review {
				t.Errorf("%s (scanned %v): present %v review %v (%.1f mm²), want present %v", c.name, scanned, r.Present, r.Review, r.InkMM2, c.present)
			}
			// Nothing was drawn in the proxy's zone.
			if r := Signature(ink, proxy); r.Present || r.Review {
				t.Errorf("%s (scanned %v): the untouched proxy signature reads present", c.name, scanned)
			}
		}
	}
}

// PIN cells: characters are counted per cell, never read; a character
// that runs over a divider counts only for its own cell; a gap before a
// filled cell goes to review.
func TestPINCells(t *testing.T) {
	fs := newForms(t)
	f, blank := blankOf(t, fs, "jpki-answer")
	pin, _ := f.Template.Field("pin_signature")
	// A stand-in character: a box-ish glyph with a diagonal, 6 × 8 mm,
	// centred in the cell and shifted by dx mm.
	glyph := func(img *image.Gray, i int, dx, width float64) {
		c := pin.Box.Cell(i, pin.Cells)
		x0 := c.X + (c.W-width)/2 + dx
		y0, y1 := c.Y+2, c.Y+10
		drawStroke(img, []mmPt{{x0, y0}, {x0 + width, y0}, {x0 + width, y1}, {x0, y1}, {x0, y0}}, 0.45, 30)
		drawStroke(img, []mmPt{{x0, y1}, {x0 + width, y0}}, 0.45, 30)
	}
	one := func(img *image.Gray, i int) {
		c := pin.Box.Cell(i, pin.Cells)
		drawStroke(img, []mmPt{{c.X + c.W/2 - 1, c.Y + 3}, {c.X + c.W/2, c.Y + 2}, {c.X + c.W/2, c.Y + 10}}, 0.4, 30)
	}
	cases := []struct {
		name   string
		draw   func(img *image.Gray)
		filled int
		review bool
	}{
		{"empty", func(*image.Gray) {}, 0, false},
		{"four", func(img *image.Gray) {
			for i := range 4 {
				glyph(img, i, 0, 6)
			}
		}, 4, false},
		{"thin ones", func(img *image.Gray) {
			for i := range 6 {
				one(img, i)
			}
		}, 6, false},
		{"wide, touching the dividers", func(img *image.Gray) {
			// 8.6 mm characters in 9 mm cells, pushed right: each runs
			// over the divider into the next cell, which stays empty
			// after the last.
			for i := range 7 {
				glyph(img, i, 0.6, 8.6)
			}
		}, 7, false},
		{"all sixteen", func(img *image.Gray) {
			for i := range 16 {
				glyph(img, i, 0, 5)
			}
		}, 16, false},
		{"skipped cell", func(img *image.Gray) {
			glyph(img, 0, 0, 6)
			glyph(img, 2, 0, 6)
		}, 2, true},
		{"dust", func(img *image.Gray) {
			rng := rand.New(rand.NewPCG(8, 9))
			for range 10 {
				c := mmPt{pin.Box.X + rng.Float64()*pin.Box.W, pin.Box.Y + 1 + rng.Float64()*(pin.Box.H-2)}
				drawStroke(img, []mmPt{c}, 0.2+rng.Float64()*0.5, uint8(rng.IntN(60)))
			}
		}, 0, false},
	}
	for _, c := range cases {
		img := cloneGray(blank)
		c.draw(img)
		r := PINCells(f.mask.DropOut(img), pin) // white canvas: no Normalize needed
		if r.Filled != c.filled || r.Review != c.review {
			t.Errorf("%s: %d filled %v, review %v; want %d, review %v", c.name, r.Filled, r.Cells, r.Review, c.filled, c.review)
		}
		n := 0
		for _, on := range r.Cells {
			if on {
				n++
			}
		}
		if n != r.Filled || len(r.Cells) != pin.Cells {
			t.Errorf("%s: Cells %v disagree with Filled %d", c.name, r.Cells, r.Filled)
		}
	}
}
