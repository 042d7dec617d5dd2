package text

import (
	"context"
	"fmt"
	"image"

	"shinsei/ocr"
	"shinsei/templates"
)

// readDateOnly is the last try at a date nothing else could place: read
// with no whitelist (see spec), a brush hand's 令和 comes out 信和 or 3和
// and its 年 午 or 重, one misread character too many for
// forms.NearestDate, and the second reader's models, which learnt no
// brush, may choose no day either. Read again with only the characters of
// the field's window allowed (chooseCharset), Tesseract has to give each
// of them one of those. Each view is read so, and most still come to no
// day; the day those that do come to (by judge's rules: as read, when it
// is plausible, or the one day it is clearly near), if they name only
// one, is proposed, never sure: masking the other characters hides
// the model's doubt from its confidence, so this reading has none worth
// keeping. A view that reads an old form's day (stale) names a day too:
// never proposed, it leaves nothing to propose.
func (r *Reader) readDateOnly(ctx context.Context, img *image.Gray, f templates.Field, rd Reading, at asOf) (Reading, error) {
	if f.Kind != templates.Date || rd.Value != nil || rd.Why != WhyDate {
		return rd, nil
	}
	lo, hi := dateWindow(f, at)
	sp := ocr.Spec{Lang: ocr.Handwriting, Whitelist: chooseCharset(f, lo, hi)}
	day := ""
	for _, v := range reads(f) {
		sp.Mode = v.mode
		res, err := r.ocr.Recognize(ctx, v.image(img), sp)
		if err != nil {
			return Reading{}, fmt.Errorf("text: reading %q as a date only: %w", f.ID, err)
		}
		// judge's own rules: a plausible day as written, or the one
		// day it is clearly near; a real day outside the window is not
		// one.
		j := judge(f, res, at)
		d, _ := j.Value.(string)
		if d == "" || j.Why != "" && j.Why != WhyDateNear && !stale(f, d, at) {
			continue
		}
		if day != "" && d != day {
			return rd, nil // two days: nothing to propose
		}
		day = d
	}
	if day != "" && !stale(f, day, at) { // an old form's day vetoes a proposal, and is none
		rd.Value, rd.Why = day, WhyDateNear
		rd.Confidence = min(rd.Confidence, 0.2)
	}
	return rd, nil
}
