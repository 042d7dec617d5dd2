package pipeline_test

import (
	"testing"

	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
)

// TestFaintDitheredProxy reads applications whose proxy wrote their name
// in faint ink, scanned by the copier in black and white (the
// faint-dithered scenario, TestScenarios' seed, in calibration hands).
// On pages 8, 31 and 36 the name was left as dots 0.5 to 1 mm apart, and
// each box was read as empty at confidence 1: an application made by a
// proxy passed as made in person. The box must go to a person.
func TestFaintDitheredProxy(t *testing.T) {
	eng := readingEngine(t, scangen.DefaultToday())
	gen := generator(t, 2027, scanfx.Standard, scangen.UseCalibrate)
	const field = "proxy_name"
	for _, c := range []struct {
		i    int
		name string
	}{
		{8, "石井 愛"},
		{31, "村上 茂"},
		{36, "近藤 浩二"},
	} {
		name, want, fv := readScenario(t, eng, gen, "faint-dithered", c.i, field)
		// A generated person's name: fine to show in a test.
		if want.Value != c.name {
			t.Fatalf("%s: the generator now writes %q: the page this test is about is gone", name, want.Value)
		}
		if !fv.Review {
			t.Errorf("%s: the proxy's name, written faint, read %q at %.2f, not for a person", name, fv.Value, fv.Confidence)
		}
	}
}
