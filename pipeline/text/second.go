package text

import (
	"context"
	"fmt"
	"image"
	"strings"
	"time"

	"shinsei/forms"
	"shinsei/ocr/paddle"
	"shinsei/templates"
)

// SecondReader is a recogniser trained apart from Tesseract and from our
// hands, asked only for the characters of dates and phone numbers;
// *paddle.Recognizer is one. Agree reads img with each of its models in turn,
// keeping only the characters of allow, and stops at the first read same
// rejects; agreed says every model's read was accepted.
type SecondReader interface {
	Agree(ctx context.Context, img *image.Gray, allow string, same func(paddle.Read) bool) (reads []paddle.Read, agreed bool, err error)
}

// WithSecond returns a copy of the reader that asks s to confirm dates
// and phone numbers.
func (r *Reader) WithSecond(s SecondReader) *Reader {
	c := *r
	c.second = s
	return &c
}

// secondCharset is what the second reader may read in f: the characters a
// date or phone number is written with. Other fields hold kana, which its
// models do not know.
func secondCharset(f templates.Field) string {
	switch {
	case f.Kind == templates.Date:
		return "0123456789/年月日令和平成昭和元 "
	case f.Charset == templates.Digits:
		return "0123456789-"
	}
	return ""
}

// WhySecond: a date or phone number that every model of the second
// reader read alike, and not as Tesseract did: theirs is put in as the
// value, for a person to confirm against the form.
const WhySecond = "text_second_reader"

// secondOpinion asks the second reader about a date or phone number. Its
// models learnt other writing than ours and err elsewhere than Tesseract,
// so what all of them read alike (the same plausible day, whose era is
// sure; the same phone number), each at least minSecondConfidence, is
// strong evidence:
//   - a date unsure or proposed that they read so is sure;
//   - a value they read otherwise goes to a person with theirs in its
//     place, as a proposal — even one Tesseract was sure of.
//
// A phone number they read as Tesseract did is not made sure: on hands
// none of the three learnt, all three read a 1 as 7 (or 7 as 1) alike, and
// nothing else on the form says which digits a number has, as a date's
// window and era do. It keeps Tesseract's verdict and its own check.
//
// Writing that is faint, overruns its box, holds what the field cannot
// hold or gives its era as an initial keeps its reason: those are for a
// person whatever is read. settled says the value needs no other check.
func (r *Reader) secondOpinion(ctx context.Context, img *image.Gray, f templates.Field, rd Reading, today time.Time) (out Reading, settled bool, err error) {
	allow := secondCharset(f)
	if r.second == nil || allow == "" {
		return rd, false, nil
	}
	switch rd.Why {
	case "", WhyUnsure, WhyDateNear, WhyPhoneNear, WhyDate, WhyShape:
	default:
		return rd, false, nil
	}
	target, proposal, least := "", "", 1.0
	_, agreed, err := r.second.Agree(ctx, img, allow, func(s paddle.Read) bool {
		k, v := secondValue(f, s.Text, today)
		if k == "" || s.Confidence < minSecondConfidence {
			return false
		}
		if target == "" {
			target = k
		}
		if proposal == "" || !strings.Contains(proposal, "-") {
			proposal = v // a phone number as written in groups, where one model saw them
		}
		least = min(least, s.Confidence)
		return k == target
	})
	if err != nil {
		return Reading{}, false, fmt.Errorf("text: second reading of %q: %w", f.ID, err)
	}
	if !agreed {
		return rd, false, nil
	}
	if v, _ := rd.Value.(string); v != "" && valueKey(f, v) == target {
		if f.Kind == templates.Date && (rd.Why == "" || rd.Why == WhyUnsure || rd.Why == WhyDateNear) {
			rd.Review, rd.Why = false, ""
			rd.Confidence = max(rd.Confidence, least)
			return rd, true, nil
		}
		return rd, false, nil
	}
	rd.Value, rd.Review, rd.Why = proposal, true, WhySecond
	rd.Confidence = min(rd.Confidence, 0.5)
	return rd, true, nil
}

// minSecondConfidence is the least confidence a second read confirms with.
const minSecondConfidence = 0.5

// secondValue is what a second read says f holds: a key that two
// readings of the same value share (the ISO day of a plausible date whose
// era is sure; a phone number's digits, however grouped) and the value as
// Reading.Value has it. Both are "" when it says nothing of the kind.
func secondValue(f templates.Field, text string, today time.Time) (key, value string) {
	if f.Kind == templates.Date {
		plausible := func(t time.Time) bool { return plausibleDate(f, t, today) }
		d, _, err := forms.ParseDate(text)
		if err != nil || !plausible(d) {
			return "", ""
		}
		if er, err := forms.ParseDateSure(text, plausible); err != nil || !er.Sure {
			return "", ""
		}
		v := d.Format("2006-01-02")
		return v, v
	}
	if p, ok := forms.NormalizePhone(text); ok {
		return valueKey(f, p), p
	}
	return "", ""
}

// valueKey is the key of secondValue of a value read by Tesseract.
func valueKey(f templates.Field, v string) string {
	if f.Kind == templates.Date {
		return v
	}
	return strings.ReplaceAll(v, "-", "")
}
