//go:build eval

package evaluate_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"

	"shinsei/internal/evaluate"
	"shinsei/ocr"
	"shinsei/pipeline"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// TestCalibrate reads a generated calibration corpus (SHINSEI_CAL_DIR,
// made with: shinsei-gen -out DIR -n 120 -mix standard -seed 101; never an
// evaluation seed) with no review threshold, and prints, per kind of text
// field, how accuracy and the share sent to review move with the
// threshold: text.DefaultThreshold is chosen from this table. It fails if
// the chosen threshold lets more than 1% of the values through wrong.
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
	eng, err := pipeline.New(templates.Builtin(), pipeline.Config{Text: text.NewReader(pool).WithThreshold(0)})
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
	for _, k := range names {
		ss := kinds[k]
		line := fmt.Sprintf("%-11s n=%4d", k, len(ss))
		for _, th := range []float64{0, 0.7, 0.8, 0.9, 0.95, 0.96, 0.97, 0.98} {
			passed, silent, right := 0, 0, 0
			for _, s := range ss {
				if s.Right {
					right++
				}
				if s.Review || s.Confidence < th {
					continue
				}
				passed++
				if !s.Right {
					silent++
				}
			}
			line += fmt.Sprintf(" | ≥%.2f: pass %5.1f%% silent %4.1f%%", th, 100*float64(passed)/float64(len(ss)), 100*float64(silent)/float64(len(ss)))
			if th == 0 {
				line += fmt.Sprintf(" right %5.1f%%", 100*float64(right)/float64(len(ss)))
			}
		}
		t.Log(line)
	}
	silent := 0
	for _, s := range rep.Samples {
		if !s.Right {
			t.Logf("%s p%d %-20s conf %.3f review %-5v raw %q value %v truth %v", s.File, s.Page, s.Field, s.Confidence, s.Review, s.Raw, s.Value, s.Truth)
		}
		if !s.Right && !s.Review && s.Confidence >= text.DefaultThreshold {
			silent++
		}
	}
	if pct := 100 * float64(silent) / float64(max(1, len(rep.Samples))); pct > 1 {
		t.Errorf("at the default threshold %.2f, %.2f%% of text values pass silently wrong", text.DefaultThreshold, pct)
	}
}
