//go:build eval

package evaluate_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"testing"
	"time"

	"shinsei/internal/evaluate"
	"shinsei/internal/scangen"
	"shinsei/ocr"
	"shinsei/pipeline"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// TestCalibrate reads a generated calibration corpus (SHINSEI_CAL_DIR,
// made with: shinsei-gen -out DIR -n 200 -mix standard -seed 101 -hands
// calibrate; never an evaluation seed, and in the calibration hands, which
// the model never trained on and evaluation never uses) with no review threshold, and prints, per kind of text
// field, how accuracy and the share sent to review move with the
// threshold, and the lowest threshold per kind that lets at most 0.5% of
// its values through wrong: text.DefaultThresholds are chosen from these.
// It fails if the defaults let more than 1% of all values through wrong.
//
//	OMP_THREAD_LIMIT=1 SHINSEI_CAL_DIR=/tmp/cal go test -tags eval -run Calibrate -v ./internal/evaluate/ -timeout 60m
func TestCalibrate(t *testing.T) {
	dir := os.Getenv("SHINSEI_CAL_DIR")
	if dir == "" {
		t.Fatal("set SHINSEI_CAL_DIR to a calibration corpus (see the comment)")
	}
	pool, err := ocr.NewPool(ocr.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	// Dates are judged as of the day the generator fills forms in, so a
	// calibration does not drift with the calendar.
	today := func() time.Time { return scangen.DefaultToday() }
	eng, err := pipeline.New(templates.Builtin(), pipeline.Config{Text: text.NewReader(pool).WithThreshold(0).WithToday(today), Today: today})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := evaluate.Dir(context.Background(), eng, templates.Builtin(), dir, evaluate.Options{Jobs: 2, Samples: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d pages, %d text samples", rep.Pages, len(rep.Samples))
	kinds := map[string][]evaluate.Sample{}
	for _, s := range rep.Samples {
		kinds[s.Kind] = append(kinds[s.Kind], s)
		kinds["all"] = append(kinds["all"], s)
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	slices.Sort(names)
	defaults := text.DefaultThresholds()
	for _, k := range names {
		ss := kinds[k]
		right := 0
		for _, s := range ss {
			if s.Right {
				right++
			}
		}
		line := fmt.Sprintf("%-11s n=%4d right %5.1f%%", k, len(ss), 100*float64(right)/float64(len(ss)))
		// pass and silent at threshold th, in per cent of the kind's values.
		at := func(th float64) (pass, silent float64) {
			p, w := 0, 0
			for _, s := range ss {
				if s.Review || s.Confidence < th {
					continue
				}
				p++
				if !s.Right {
					w++
				}
			}
			return 100 * float64(p) / float64(len(ss)), 100 * float64(w) / float64(len(ss))
		}
		for _, th := range []float64{0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98} {
			p, w := at(th)
			line += fmt.Sprintf(" | ≥%.2f: pass %5.1f%% silent %4.1f%%", th, p, w)
		}
		t.Log(line)
		// The suggestion: the lowest threshold, in steps of 0.01, at which
		// at most 0.5% of the kind's values pass wrong, raised by 0.05 so
		// as not to stand on the edge of a cliff in the curve (the share
		// passing wrong can jump at the 2-of-3 votes near 0.65), and never
		// under text.MinThreshold.
		for th := 0.0; th <= 1; th += 0.01 {
			if _, w := at(th); w <= 0.5 {
				sug := min(1, max(text.MinThreshold, math.Round((th+0.05)*100)/100))
				p, w := at(sug)
				p0, w0 := at(defaults[k])
				t.Logf("%-11s lowest threshold with ≤0.5%% silent %.2f; suggested %.2f passes %.1f%%, silent %.2f%%; default %.2f passes %.1f%%, silent %.2f%%", k, th, sug, p, w, defaults[k], p0, w0)
				break
			}
		}
	}
	silent := 0
	for _, s := range rep.Samples {
		if !s.Right {
			t.Logf("%s p%d %-20s conf %.3f review %-5v raw %q value %v truth %v", s.File, s.Page, s.Field, s.Confidence, s.Review, s.Raw, s.Value, s.Truth)
		}
		if !s.Right && !s.Review && s.Confidence >= defaults[s.Kind] {
			silent++
		}
	}
	if pct := 100 * float64(silent) / float64(max(1, len(rep.Samples))); pct > 1 {
		t.Errorf("at the default thresholds, %.2f%% of text values pass silently wrong", pct)
	}
}
