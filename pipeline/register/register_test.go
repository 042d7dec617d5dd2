package register

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"shinsei/pipeline/decode"
	"shinsei/templates"
)

var testPayload = templates.QRPayload{Template: "JPKI-DAIRI", Revision: 3, CaseRef: "R7-004217"}

func TestFind(t *testing.T) {
	page := drawPage(t, pageSpec{payload: testPayload.String(), seed: 1})
	cases := []struct {
		name string
		scan scanSpec
		hint float64
	}{
		{"300dpi upright clean", scanSpec{dpi: 300}, 300},
		{"300dpi 90 skew+3 noise", scanSpec{dpi: 300, quarter: 1, skew: 3, shiftMM: [2]float64{2, -1}, noise: 8}, 0},
		{"300dpi 180 skew-7 jpeg40", scanSpec{dpi: 300, quarter: 2, skew: -7, jpeg: 40}, 300},
		{"300dpi 270 skew+7 blur noise", scanSpec{dpi: 300, quarter: 3, skew: 7, blur: 1.5, noise: 10}, 0},
		{"300dpi wrong hint 72", scanSpec{dpi: 300, quarter: 2, skew: 1, shiftMM: [2]float64{-3, 3}}, 72},
		{"300dpi dark lid", scanSpec{dpi: 300, quarter: 3, skew: -4, darkLid: true, noise: 6}, 0},
		{"150dpi upright skew+5 jpeg40", scanSpec{dpi: 150, skew: 5, jpeg: 40}, 0},
		{"150dpi 90 skew-4 bilevel", scanSpec{dpi: 150, quarter: 1, skew: -4, bilevel: true}, 150},
		{"150dpi 270 skew+7 blur noise jpeg", scanSpec{dpi: 150, quarter: 3, skew: 7, blur: 0.8, noise: 8, jpeg: 40}, 0},
		{"200dpi 180 skew+2 uneven noise jpeg", scanSpec{dpi: 200, quarter: 2, skew: 2, uneven: true, noise: 10, jpeg: 40}, 200},
		{"200dpi 270 skew-6 blur bilevel", scanSpec{dpi: 200, quarter: 3, skew: -6, blur: 1, bilevel: true}, 0},
		{"400dpi upright skew-7 uneven jpeg40", scanSpec{dpi: 400, skew: -7, uneven: true, jpeg: 40}, 0},
		{"400dpi 90 skew+6.5 blur noise", scanSpec{dpi: 400, quarter: 1, skew: 6.5, blur: 2, noise: 12}, 400},
		{"400dpi 180 bilevel uneven", scanSpec{dpi: 400, quarter: 2, skew: 0.5, uneven: true, bilevel: true}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := scanPage(t, page, tc.scan)
			start := time.Now()
			res, err := Find(sc.img, Options{DPIHint: tc.hint})
			took := time.Since(start)
			if err != nil {
				t.Fatalf("Find: %v", err)
			}
			if want := tc.scan.quarter * 90; res.Rotation != want {
				t.Errorf("rotation %d, want %d", res.Rotation, want)
			}
			if math.Abs(res.SkewDeg-tc.scan.skew) > 0.2 {
				t.Errorf("skew %.2f°, want %.2f°", res.SkewDeg, tc.scan.skew)
			}
			if math.Abs(res.DPI/tc.scan.dpi-1) > 0.01 {
				t.Errorf("dpi %.1f, want %.0f", res.DPI, tc.scan.dpi)
			}
			pxPerMM := tc.scan.dpi / 25.4
			worst := 0.0
			for c, p := range templates.FiducialCentres() {
				want := sc.m.Apply(p)
				got := res.Fiducials[c]
				e := math.Hypot(got.X-want.X, got.Y-want.Y) / pxPerMM
				worst = math.Max(worst, e)
				if e > 0.5 {
					t.Errorf("%s mark at (%.1f,%.1f), want (%.1f,%.1f): off by %.2f mm",
						cornerName(templates.Corner(c)), got.X, got.Y, want.X, want.Y, e)
				}
			}
			if res.ResidualMM > 0.2 {
				t.Errorf("residual %.3f mm", res.ResidualMM)
			}
			// The transform must put the QR box where it really is.
			qrc := templates.PointMM{X: templates.QRXMM + templates.QRSizeMM/2, Y: templates.QRYMM + templates.QRSizeMM/2}
			g, w := res.Transform.Apply(qrc), sc.m.Apply(qrc)
			if e := math.Hypot(g.X-w.X, g.Y-w.Y) / pxPerMM; e > 0.5 {
				t.Errorf("QR centre off by %.2f mm", e)
			}
			qs := time.Now()
			got, err := DecodeQR(sc.img, res)
			qtook := time.Since(qs)
			if err != nil {
				t.Fatalf("DecodeQR: %v", err)
			}
			if got != testPayload {
				t.Errorf("QR payload %+v, want %+v", got, testPayload)
			}
			t.Logf("%dx%d: worst mark error %.3f mm, residual %.3f mm, dpi %.1f, skew %.2f°, Find %v, DecodeQR %v",
				sc.img.Bounds().Dx(), sc.img.Bounds().Dy(), worst, res.ResidualMM, res.DPI, res.SkewDeg, took, qtook)
		})
	}
}

func TestFindFailures(t *testing.T) {
	form := pageSpec{payload: testPayload.String(), seed: 2}
	cutBottom := form
	cutBottom.cutMM = 40
	noHole := form
	noHole.noHole = true
	cases := []struct {
		name    string
		page    pageSpec
		scan    scanSpec
		want    error
		missing []templates.Corner
	}{
		{"blank page", pageSpec{noMarks: true, noClutter: true}, scanSpec{dpi: 300, noise: 6}, ErrNoFiducials, nil},
		{"not a shinsei form", pageSpec{noMarks: true, seed: 3}, scanSpec{dpi: 300, skew: 2, noise: 6}, ErrNoFiducials, nil},
		{"random noise", pageSpec{noMarks: true, noClutter: true}, scanSpec{dpi: 300, noiseAll: true}, ErrNoFiducials, nil},
		{"bottom 40 mm cut off", cutBottom, scanSpec{dpi: 300, skew: 2}, ErrMissingFiducials,
			[]templates.Corner{templates.BottomLeft, templates.BottomRight}},
		{"bottom 40 mm cut off, turned 90", cutBottom, scanSpec{dpi: 200, quarter: 1, skew: -3, noise: 6}, ErrMissingFiducials,
			[]templates.Corner{templates.BottomLeft, templates.BottomRight}},
		{"no holed corner", noHole, scanSpec{dpi: 300, quarter: 2, skew: 3}, ErrAmbiguousMark, nil},
		{"mirrored scan", form, scanSpec{dpi: 200, quarter: 1, skew: 2, mirror: true}, ErrAmbiguousMark, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := scanPage(t, drawPage(t, tc.page), tc.scan)
			start := time.Now()
			_, err := Find(sc.img, Options{})
			took := time.Since(start)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Find error %v, want %v", err, tc.want)
			}
			t.Logf("%v (in %v)", err, took)
			if took > 2*time.Second {
				t.Errorf("took %v", took)
			}
			if tc.missing != nil {
				var me *MissingError
				if !errors.As(err, &me) {
					t.Fatalf("error %T is not a *MissingError", err)
				}
				if !slices.Equal(me.Missing, tc.missing) {
					t.Errorf("missing %v, want %v", me.Missing, tc.missing)
				}
				if !strings.Contains(err.Error(), "bottom-left and bottom-right missing") {
					t.Errorf("message does not name the missing corners: %v", err)
				}
				// The two marks left include the holed one, so the page's
				// turn is known and a clerk can be told it.
				if !me.RotationKnown || me.Rotation != tc.scan.quarter*90 {
					t.Errorf("rotation %d (known %v), want %d", me.Rotation, me.RotationKnown, tc.scan.quarter*90)
				}
			}
		})
	}
}

// A page of which only the marked top-left corner shows (the rest folded
// under) is still told to be a form cut off;
// a letter whose heading starts with a bold "O" near the corner — a holed
// square to the blob search — is not a form at all (issue 15, point 6:
// OCRmyPDF's epson.pdf was rejected as cut off).
func TestFindLoneMark(t *testing.T) {
	for _, tc := range []struct {
		name string
		scan scanSpec
	}{
		{"300dpi skew+2 noise", scanSpec{dpi: 300, skew: 2, noise: 6}},
		{"200dpi turned 90 skew-3 jpeg", scanSpec{dpi: 200, quarter: 1, skew: -3, jpeg: 50}},
		{"150dpi upside down bilevel", scanSpec{dpi: 150, quarter: 2, skew: 1, bilevel: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Folded: the back of the sheet covers all but the corner.
			pg := drawPage(t, pageSpec{payload: testPayload.String(), seed: 5})
			pg.rect(90, 0, templates.PageWidthMM, templates.PageHeightMM, paperGray)
			pg.rect(0, 110, templates.PageWidthMM, templates.PageHeightMM, paperGray)
			sc := scanPage(t, pg, tc.scan)
			_, err := Find(sc.img, Options{DPIHint: tc.scan.dpi})
			var me *MissingError
			if !errors.As(err, &me) {
				t.Fatalf("Find error %v, want a MissingError", err)
			}
			want := []templates.Corner{templates.TopRight, templates.BottomLeft, templates.BottomRight}
			if me.Found != 1 || !slices.Equal(me.Missing, want) {
				t.Errorf("found %d, missing %v; want 1 found, %v missing", me.Found, me.Missing, want)
			}
		})
	}
	t.Run("epson.pdf", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ocrmypdf", "epson.pdf"))
		if err != nil {
			t.Fatal(err)
		}
		rs, err := decode.Decode(context.Background(), "epson.pdf", data, decode.Limits{})
		if err != nil || len(rs) != 1 || rs[0].Err != nil {
			t.Fatalf("Decode: %v, %+v", err, rs)
		}
		_, err = Find(rs[0].Image, Options{DPIHint: rs[0].DPI})
		if !errors.Is(err, ErrNoFiducials) || errors.Is(err, ErrMissingFiducials) {
			t.Errorf("Find error %v, want %v", err, ErrNoFiducials)
		}
	})
}

func TestFindOtherMissingCorners(t *testing.T) {
	// Cover a mark with a paper clip's worth of white-out: each corner in
	// turn, so every identification path of the partial search is used.
	for c := templates.TopLeft; c <= templates.BottomRight; c++ {
		t.Run(cornerName(c), func(t *testing.T) {
			t.Parallel()
			pg := drawPage(t, pageSpec{payload: testPayload.String(), seed: 4})
			p := templates.FiducialCentres()[c]
			pg.rect(p.X-4, p.Y-4, p.X+4, p.Y+4, paperGray)
			sc := scanPage(t, pg, scanSpec{dpi: 200, quarter: int(c), skew: 1.5})
			_, err := Find(sc.img, Options{})
			var me *MissingError
			if !errors.As(err, &me) || !errors.Is(err, ErrMissingFiducials) {
				t.Fatalf("Find error %v, want a MissingError", err)
			}
			if me.Found != 3 || !slices.Equal(me.Missing, []templates.Corner{c}) {
				t.Errorf("found %d, missing %v; want 3 found, %v missing", me.Found, me.Missing, c)
			}
			if !me.RotationKnown || me.Rotation != int(c)*90 {
				t.Errorf("rotation %d (known %v), want %d", me.Rotation, me.RotationKnown, int(c)*90)
			}
		})
	}
}

func TestFindTouchedMark(t *testing.T) {
	// A pen stroke or a form line running into a mark. Thin ones are
	// opened away at the working resolution; thicker ones fuse with the
	// mark, which is then found where the other three put it.
	cases := []struct {
		name    string
		stroke  [4]float64 // mm rectangle
		scan    scanSpec
		touched []templates.Corner
	}{
		{"thin line into bottom-right", [4]float64{150, 286.8, 205, 287.2}, scanSpec{dpi: 300, quarter: 1, skew: 1.5}, nil},
		{"1 mm stroke through bottom-right", [4]float64{180, 286.5, 205, 287.5}, scanSpec{dpi: 200, quarter: 2, skew: -3, noise: 6}, []templates.Corner{templates.BottomRight}},
		{"stroke through the top-left mark", [4]float64{3, 7.5, 18, 8.6}, scanSpec{dpi: 300, skew: 2, jpeg: 50}, []templates.Corner{templates.TopLeft}},
		{"staple on top-right", [4]float64{194.5, 4, 196, 16}, scanSpec{dpi: 150, quarter: 3, skew: 4}, []templates.Corner{templates.TopRight}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pg := drawPage(t, pageSpec{payload: testPayload.String(), seed: 10})
			pg.ink(tc.stroke[0], tc.stroke[1], tc.stroke[2], tc.stroke[3])
			if tc.name == "staple on top-right" {
				pg.ink(194.5, 6, 206, 7.5) // the staple's crown into the mark
			}
			sc := scanPage(t, pg, tc.scan)
			res, err := Find(sc.img, Options{})
			if err != nil {
				t.Fatalf("Find: %v", err)
			}
			if res.Rotation != tc.scan.quarter*90 {
				t.Errorf("rotation %d, want %d", res.Rotation, tc.scan.quarter*90)
			}
			if !slices.Equal(res.Touched, tc.touched) {
				t.Errorf("touched %v, want %v", res.Touched, tc.touched)
			}
			worst := worstErrorMM(sc, res, tc.scan.dpi)
			if worst > 0.5 {
				t.Errorf("worst mark error %.2f mm", worst)
			}
			t.Logf("worst mark error %.3f mm, residual %.3f mm", worst, res.ResidualMM)
		})
	}
}

func TestDecodeQRFailures(t *testing.T) {
	t.Run("no QR", func(t *testing.T) {
		t.Parallel()
		sc := scanPage(t, drawPage(t, pageSpec{seed: 5}), scanSpec{dpi: 200, skew: 2})
		res, err := Find(sc.img, Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = DecodeQR(sc.img, res)
		if !errors.Is(err, ErrNoQR) {
			t.Fatalf("DecodeQR error %v, want ErrNoQR", err)
		}
	})
	t.Run("foreign QR", func(t *testing.T) {
		t.Parallel()
		sc := scanPage(t, drawPage(t, pageSpec{payload: "https://example.com/menu", seed: 6}), scanSpec{dpi: 200, quarter: 1})
		res, err := Find(sc.img, Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = DecodeQR(sc.img, res)
		if !errors.Is(err, templates.ErrNotShinseiQR) || errors.Is(err, ErrNoQR) {
			t.Fatalf("DecodeQR error %v, want ErrNotShinseiQR", err)
		}
	})
	t.Run("whole page fallback", func(t *testing.T) {
		// Find failed (a mark is covered), so there is no transform; the
		// code is still read from the whole page.
		t.Parallel()
		pg := drawPage(t, pageSpec{payload: testPayload.String(), seed: 7})
		sc := scanPage(t, pg, scanSpec{dpi: 200, quarter: 3, skew: -2})
		got, err := DecodeQR(sc.img, Result{})
		if err != nil {
			t.Fatal(err)
		}
		if got != testPayload {
			t.Errorf("payload %+v", got)
		}
	})
}

func TestSubImage(t *testing.T) {
	// Callers may hand over a crop of a larger buffer; coordinates are the
	// image's own.
	sc := scanPage(t, drawPage(t, pageSpec{payload: testPayload.String(), seed: 8}), scanSpec{dpi: 200, skew: 1})
	big := image.NewGray(image.Rect(-50, -30, sc.img.Bounds().Dx()+70, sc.img.Bounds().Dy()+40))
	for i := range big.Pix {
		big.Pix[i] = 252
	}
	r := sc.img.Bounds().Add(image.Pt(17, 23))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		copy(big.Pix[big.PixOffset(r.Min.X, y):], sc.img.Pix[sc.img.PixOffset(0, y-r.Min.Y):][:r.Dx()])
	}
	sub := big.SubImage(r).(*image.Gray)
	res, err := Find(sub, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for c, p := range templates.FiducialCentres() {
		want := sc.m.Apply(p)
		got := res.Fiducials[c]
		if e := math.Hypot(got.X-want.X-17, got.Y-want.Y-23); e > 0.5*200/25.4 {
			t.Errorf("%s off by %.1f px", cornerName(templates.Corner(c)), e)
		}
	}
	if _, err := DecodeQR(sub, res); err != nil {
		t.Error(err)
	}
}

// worstErrorMM is the largest distance between a found mark and the truth.
func worstErrorMM(sc scan, res Result, dpi float64) float64 {
	worst := 0.0
	for c, p := range templates.FiducialCentres() {
		want, got := sc.m.Apply(p), res.Fiducials[c]
		worst = math.Max(worst, math.Hypot(got.X-want.X, got.Y-want.Y)/(dpi/25.4))
	}
	return worst
}

func TestDiagonal(t *testing.T) {
	if math.Abs(diagMM-math.Hypot(shortMM, longMM)) > 1e-9 {
		t.Errorf("diagMM %v, want %v", diagMM, math.Hypot(shortMM, longMM))
	}
}

func TestAffineInvert(t *testing.T) {
	a := Affine{11.2, -1.3, 40, 1.25, 11.3, -7}
	inv, ok := a.Invert()
	if !ok {
		t.Fatal("not invertible")
	}
	p := a.Apply(templates.PointMM{X: 33, Y: 250})
	q := inv.Apply(templates.PointMM{X: p.X, Y: p.Y})
	if math.Abs(q.X-33) > 1e-9 || math.Abs(q.Y-250) > 1e-9 {
		t.Errorf("round trip gave %v", q)
	}
	if _, ok := (Affine{}).Invert(); ok {
		t.Error("zero transform claimed invertible")
	}
}

func TestMissingErrorMessage(t *testing.T) {
	err := fmt.Errorf("page 2: %w", &MissingError{Found: 3, Missing: []templates.Corner{templates.TopRight}})
	if !errors.Is(err, ErrMissingFiducials) {
		t.Fatal("not ErrMissingFiducials")
	}
	for _, want := range []string{"3 of 4", "top-right missing", "rescan"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	one := &MissingError{Found: 1, Missing: []templates.Corner{templates.TopRight, templates.BottomLeft, templates.BottomRight}}
	if want := "(top-right, bottom-left and bottom-right missing)"; !strings.Contains(one.Error(), want) {
		t.Errorf("%q lacks %q", one, want)
	}
}

// benchScan is a typical counter scan: turned a quarter, a little skewed,
// sensor noise, moderate JPEG.
func benchScan(b *testing.B, dpi float64) scan {
	b.Helper()
	return scanPage(b, drawPage(b, pageSpec{payload: testPayload.String(), seed: 9}),
		scanSpec{dpi: dpi, quarter: 1, skew: 2.5, noise: 6, jpeg: 60})
}

func BenchmarkFind(b *testing.B) {
	for _, dpi := range []float64{150, 200, 300, 400} {
		b.Run(fmt.Sprintf("%.0fdpi", dpi), func(b *testing.B) {
			sc := benchScan(b, dpi)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Find(sc.img, Options{DPIHint: dpi}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecodeQR300dpi(b *testing.B) {
	sc := benchScan(b, 300)
	res, err := Find(sc.img, Options{DPIHint: 300})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeQR(sc.img, res); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeQRWholePage is the fallback when Find failed.
func BenchmarkDecodeQRWholePage300dpi(b *testing.B) {
	sc := benchScan(b, 300)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeQR(sc.img, Result{}); err != nil {
			b.Fatal(err)
		}
	}
}
