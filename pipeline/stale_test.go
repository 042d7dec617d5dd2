package pipeline_test

import (
	"testing"

	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
)

// TestStaleDate reads applications dated four months to a year before
// the scan (the stale-date scenario, in calibration hands), which a clerk
// may not accept. Each was read as written, yet went to a person as a day
// of the window, one confusable digit or a lost 0 away: 2026年2月28日 as
// 8月28日, 令和8年1月2日 as 10月2日, a brush's 信和8年1月18日 as 10月18日.
// The date may go to a person, or be read as written; never be moved
// into the window.
func TestStaleDate(t *testing.T) {
	gen := generator(t, 111, scanfx.Standard, scangen.UseCalibrate)
	eng := readingEngine(t, scangen.DefaultToday())
	const field = "application_date"
	for _, i := range []int{1, 5, 10} {
		name, want, fv := readScenario(t, eng, gen, "stale-date", i, field)
		// Generated dates: fine to show in a test.
		if !fv.Review || inWindow(fv.Value, scangen.DefaultToday()) {
			t.Errorf("%s: dated %v, read %v (review %v, confidence %.2f); want it as written, or nothing, for a person", name, want.Value, fv.Value, fv.Review, fv.Confidence)
		}
	}
}
