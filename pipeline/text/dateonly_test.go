package text

import (
	"context"
	"image"
	"strings"
	"testing"
	"time"

	"shinsei/ocr"
	"shinsei/templates"
)

// whitelistOCR answers free reads with free and reads under a whitelist
// with the next of masked, and remembers the whitelists it was given.
type whitelistOCR struct {
	free       ocr.Result
	masked     []ocr.Result
	n          int
	whitelists []string
}

func (w *whitelistOCR) Recognize(_ context.Context, _ *image.Gray, s ocr.Spec) (ocr.Result, error) {
	if s.Whitelist == "" {
		return w.free, nil
	}
	w.whitelists = append(w.whitelists, s.Whitelist)
	r := w.masked[w.n%len(w.masked)]
	w.n++
	return r, nil
}

// A date read as no date is read again with only its window's characters
// allowed; the one day the views come to, if they come to only one, is
// proposed, never sure.
func TestReadDateOnly(t *testing.T) {
	applied := field("application_date", templates.Date, "", true)
	birth := field("applicant_birth_date", templates.Date, "", true)
	garbled := line("信和8千11朋2o臼", 0.9) // four misread characters: nothing to propose
	for _, c := range []struct {
		name   string
		f      templates.Field
		free   ocr.Result
		masked []ocr.Result
		value  any
		why    string
		asked  bool
	}{
		{"all three views read the day", applied, garbled, []ocr.Result{line("令和8年11月20日", 0.6)}, "2026-11-20", WhyDateNear, true},
		{"two views, one a near spelling", applied, garbled, []ocr.Result{line("令和8年11月20日", 0.6), line("令和8午11月20日", 0.6), line("令和8年1月月", 0.6)}, "2026-11-20", WhyDateNear, true},
		{"one view of three", applied, garbled, []ocr.Result{line("和和8年11月", 0.6), line("令和8年11月20日", 0.6), line("68和11月20日", 0.6)}, "2026-11-20", WhyDateNear, true},
		{"two views, two days", applied, garbled, []ocr.Result{line("令和8年11月20日", 0.6), line("令和8年11月23日", 0.6), line("和和", 0.6)}, nil, WhyDate, true},
		{"every view another day", applied, garbled, []ocr.Result{line("令和8年11月20日", 0.6), line("令和8年11月23日", 0.6), line("令和8年10月4日", 0.6)}, nil, WhyDate, true},
		{"a day far outside the window", applied, garbled, []ocr.Result{line("令和7年5月20日", 0.9)}, nil, WhyDate, true},
		// 2026-02-28 is in the year before the window (an old form's
		// date): a view that reads it leaves no day to propose.
		{"an old form's day", applied, garbled, []ocr.Result{line("令和8年2月28日", 0.9)}, nil, WhyDate, true},
		{"an old form's day, then one of the window", applied, garbled, []ocr.Result{line("令和8年2月28日", 0.9), line("令和8年10月28日", 0.6)}, nil, WhyDate, true},
		{"a day of the window, then an old form's", applied, garbled, []ocr.Result{line("令和8年10月28日", 0.6), line("令和8年2月28日", 0.9)}, nil, WhyDate, true},
		{"still no date", applied, garbled, []ocr.Result{line("和和和", 0.9)}, nil, WhyDate, true},
		{"a birth date", birth, line("昭和42午8月1b臼", 0.9), []ocr.Result{line("昭和42年8月16日", 0.9)}, "1967-08-16", WhyDateNear, true},
		{"a date read is not read again", applied, line("令和8年11月20日", 0.99), []ocr.Result{line("令和8年11月21日", 0.9)}, "2026-11-20", "", false},
		{"a proposal is not read again", applied, line("令和8年19月29日", 0.99), []ocr.Result{line("令和8年11月21日", 0.9)}, "2026-10-29", WhyDateNear, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := &whitelistOCR{free: c.free, masked: c.masked}
			rd, err := NewReader(o).WithToday(func() time.Time { return today }).Read(context.Background(), page(c.f.Box), c.f)
			if err != nil {
				t.Fatal(err)
			}
			if rd.Value != c.value || rd.Why != c.why {
				t.Errorf("got %#v why %q; want %#v why %q", rd.Value, rd.Why, c.value, c.why)
			}
			if c.why != "" && (!rd.Review || rd.Confidence > 0.2) {
				t.Errorf("review %v at %.2f: a date read under a whitelist is never sure", rd.Review, rd.Confidence)
			}
			if asked := len(o.whitelists) > 0; asked != c.asked {
				t.Fatalf("read under a whitelist: %v, want %v", asked, c.asked)
			}
			for _, w := range o.whitelists {
				era := strings.Contains(w, "昭") && strings.Contains(w, "大正")
				if !strings.Contains(w, "令和") || !strings.Contains(w, "年月日") || era != (c.f.ID == birth.ID) || strings.Contains(w, " ") {
					t.Errorf("whitelist %q: want digits, 年月日 and the window's eras only", w)
				}
			}
		})
	}
}
