// Package text reads the handwritten text and date fields of a registered,
// dropped-out page: it crops each field, cleans it for Tesseract, asks the
// OCR pool with the field's charset, normalises what comes back, and gives
// one confidence per field that says whether a person must look.
package text

import (
	"context"
	"fmt"
	"image"
	"slices"
	"strings"
	"time"

	"shinsei/forms"
	"shinsei/ocr"
	"shinsei/templates"
)

// Recognizer is what the reader needs of the OCR engine; *ocr.Pool is one.
type Recognizer interface {
	Recognize(ctx context.Context, img *image.Gray, spec ocr.Spec) (ocr.Result, error)
}

// Reader reads text fields. It is safe for concurrent use when its
// Recognizer is (the pool hands each call its own Tesseract client).
type Reader struct {
	ocr        Recognizer
	thresholds map[string]float64 // per Kind
	today      func() time.Time
	earliest   time.Time     // see WithEarliest
	second     SecondReader  // nil: dates and phones are checked by Tesseract alone
	phones     *PhoneChooser // set with second: the phone numbers it may choose among
	names      *NameChooser
	addresses  *AddressChooser
	relations  *RelationChooser // set with second: the ways 本人との関係 is written
}

// Kinds of text field, each with its own review threshold: the recogniser
// is surer of itself on some than on others, and a wrong name costs more
// than a wrong relationship.
const (
	KindName    = "name"
	KindKana    = "kana"
	KindAddress = "address"
	KindPhone   = "phone"
	KindDate    = "date"
	KindOther   = "other_text"
)

// Kind is the kind of text or date field f is.
func Kind(f templates.Field) string {
	switch {
	case f.Kind == templates.Date:
		return KindDate
	case f.Charset == templates.Katakana:
		return KindKana
	case strings.HasSuffix(f.ID, "_phone"):
		return KindPhone
	case strings.HasSuffix(f.ID, "_address"):
		return KindAddress
	case strings.HasSuffix(f.ID, "_name"):
		return KindName
	}
	return KindOther
}

// DefaultThresholds are the confidences under which a value goes to a
// person, per kind, calibrated with the jpn_hand model on a generated
// corpus kept apart from the evaluation ones (standard seed 101, 300
// documents, 2239 text values: internal/evaluate/calibrate_test.go). Each
// is the lowest at which at most 0.5% of that kind's values passed wrong,
// plus 0.05, and at least MinThreshold. Names need the most: a wrong kanji
// is read as surely as a right one more often than a wrong digit is.
func DefaultThresholds() map[string]float64 {
	return map[string]float64{
		KindName:    0.93, // 84.3% of names passed, none wrong
		KindKana:    0.71, // 92.1%, 0.28% wrong
		KindAddress: 0.71, // 81.1%, 0.28%
		KindPhone:   0.67, // 89.0%, none wrong
		KindDate:    0.67, // 94.7%, none wrong
		KindOther:   0.67, // 85.9%, none wrong
	}
}

// MinThreshold is the least any kind's threshold may be, whatever a
// calibration corpus allows. A split vote scores at most 2/3 (vote), so
// above it a value passes only when all three reads agree: two reads that
// agree on a date while the third read another were wrong too often on
// the calibration corpus (昭和5年 for 昭和59年, 16日 for 18日) for a few
// hundred values to vouch for them.
const MinThreshold = 0.67

// NewReader returns a reader using r, with the calibrated thresholds.
func NewReader(r Recognizer) *Reader {
	return &Reader{ocr: r, thresholds: DefaultThresholds(), today: func() time.Time { return time.Now().In(forms.Japan()) }}
}

// WithToday returns a copy of the reader that judges dates as of today()
// (a form is dated within the last year; nobody was born in the future).
func (r *Reader) WithToday(today func() time.Time) *Reader {
	c := *r
	c.today = today
	return &c
}

// WithThreshold returns a copy of the reader that sends values of every
// kind of field under t to review; calibration uses it.
func (r *Reader) WithThreshold(t float64) *Reader {
	c := *r
	c.thresholds = map[string]float64{}
	for k := range DefaultThresholds() {
		c.thresholds[k] = t
	}
	return &c
}

// Reading is one field as read.
type Reading struct {
	// Value is the normalised text, or the ISO date; "" when the box is
	// empty; nil when something was written but could not be made sense of.
	Value      any
	Confidence float64 // in [0, 1]
	Review     bool
	// Why says, when Review is set, what is wrong: one of the Why* codes.
	Why string
	// Raw is what Tesseract returned, before normalisation. It is personal
	// data: it exists for evaluation and must not be logged or stored.
	Raw string
}

// Why codes: the reason a reading needs a person.
const (
	WhyUnsure  = "text_unsure"    // read, but not confidently
	WhyShape   = "text_bad_shape" // what was read does not look like such a field
	WhyDate    = "date_invalid"   // a date that does not exist or cannot be parsed
	WhyEmpty   = "field_empty"    // a required field with nothing written
	WhyOverrun = "text_overrun"   // writing runs out of the box and may be cut
	WhyFaint   = "text_faint"     // writing too faint (pencil, a worn pen) or too broken (dithered) to read surely
	// WhyNotAllowed: what was read holds characters the field's charset
	// cannot hold (a digit or letter in a name, a kanji in a kana field, a
	// letter in a phone number). Its Value is nil: it is not the field's
	// value, and may be a PIN written in the wrong box, so it is never
	// stored; a person reads the (redacted) page instead.
	WhyNotAllowed = "text_not_allowed"
)

// WhyDigits: a value read surely whose digits a second recogniser,
// trained apart from the first, reads otherwise. One model misreads a
// digit as surely as it reads one right (18番22号 as 18番2号, 28日 as 26日,
// at 0.97), and its three views agree with it: they are the same model.
const WhyDigits = "text_digits_unconfirmed"

// WhyDateNear: what was read is no date, and the one plausible day it is
// nearest to (a confusable digit or a misread character away), or that a
// reading under the window's characters comes to (readDateOnly), is put
// in as the value for a person to confirm.
const WhyDateNear = "date_proposed"

// WhyPhoneNear: a phone number of the wrong shape whose first digit, read
// as the 0 every number begins with (or with a lost 0 put back), makes one
// of the right shape, put in as the value for a person to confirm.
const WhyPhoneNear = "phone_proposed"

// WhyEra: a date written with an era initial (H5.1.1) that names a
// plausible day in another era too (S5, R5): the letter alone is not sure.
const WhyEra = "date_era_unsure"

// spec is how a charset is recognised: language and whitelist. The page
// segmentation mode comes with each of the reads (see reads).
//
// Handwriting (names, kana, addresses, dates) is read with no whitelist.
// A whitelist only masks the characters it leaves out, so whatever the
// model gave them is lost from the confidence of what it reads instead: on
// the calibration corpus, kana read with the katakana whitelist were right
// 97% of the time but four in five came out under 0.6, right or wrong,
// while without it the right ones came out at 0.98 and the wrong ones not.
// Whether a value is of its field's charset is judge's to check (a kana
// field with a kanji in it, a date that does not parse, go to a person).
// The English model on digits keeps its whitelist: there the mask is what
// keeps a 0 from being read as O. Print the city put on the form is read
// with Tesseract's own jpn, learnt on print.
func spec(f templates.Field, printed bool) ocr.Spec {
	switch {
	case f.Charset == templates.Digits:
		return ocr.Spec{Lang: "eng", Whitelist: "0123456789-"}
	case f.Charset == templates.Alnum:
		return ocr.Spec{Lang: "eng", Whitelist: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"}
	case printed:
		return ocr.Spec{Lang: "jpn"}
	default:
		return ocr.Spec{Lang: ocr.Handwriting}
	}
}

// view is one way of showing a field to Tesseract.
type view struct {
	half   bool // halved: handwriting at 300 dpi is larger than the print Tesseract learnt on
	dilate bool // strokes thickened by a pixel, before halving: a fine pen reads as print
	mode   ocr.Mode
}

// reads are the three views each field is read in. One reading of
// handwriting by Tesseract is often wrong and as often sure of itself;
// three reads of differently prepared images that agree are seldom wrong
// together, and when they disagree the majority is right more often than
// any single read. The views were chosen per charset on the calibration
// corpus (seed 101), with Tesseract's own jpn: with one read 66.5% of its
// text fields came out right, with the vote of these three 75.8%, and
// unanimity is the strongest sign of a right value there is. jpn_hand was
// trained on all three views. Digits are read right 98% of the time by
// eng in one read, but when wrong it is as sure as when right (0.98 for
// 175 read as 195): the vote is what catches it.
func reads(f templates.Field) []view {
	switch {
	case f.Kind == templates.Date, f.Charset == templates.Katakana, f.Charset == templates.Digits, f.Charset == templates.Alnum:
		return []view{{half: true, dilate: true, mode: ocr.SingleLine}, {half: true, mode: ocr.SingleLine}, {mode: ocr.RawLine}}
	default:
		return []view{{mode: ocr.RawLine}, {half: true, mode: ocr.RawLine}, {half: true, dilate: true, mode: ocr.SingleLine}}
	}
}

// image is prepared field image img as this view shows it.
func (v view) image(img *image.Gray) *image.Gray {
	if v.dilate {
		img = dilate(img)
	}
	if v.half {
		img = halve(img)
	}
	return img
}

// A View is a prepared field image as one of a field's reads shows it to
// Tesseract, with the page segmentation mode it is read in.
type View struct {
	Image *image.Gray
	Mode  ocr.Mode
}

// Views returns the images field f's reads show Tesseract of img, a
// Prepare'd field image. Training a recogniser uses them, so that it learns
// from exactly what it will be shown.
func Views(f templates.Field, img *image.Gray) []View {
	var out []View
	for _, v := range reads(f) {
		out = append(out, View{Image: v.image(img), Mode: v.mode})
	}
	return out
}

// Read reads one text or date field from ink, a dropped-out canvas.
func (r *Reader) Read(ctx context.Context, ink *image.Gray, f templates.Field) (Reading, error) {
	return r.read(ctx, ink, f, false)
}

// ReadPrinted reads a field of print the city put on the form (a case
// reference, the name and address on an answer sheet) with Tesseract's own
// jpn model, learnt on print, and holds it to the printed thresholds.
func (r *Reader) ReadPrinted(ctx context.Context, ink *image.Gray, f templates.Field) (Reading, error) {
	return r.read(ctx, ink, f, true)
}

// ReadPrintedLine is the text of a line of print the city put on the form,
// as Tesseract's jpn reads it in one view, for text nothing takes as sure
// (an answer sheet's printed dates, whose 作成日 only bounds its 回答日
// from below): the two other views of ReadPrinted's vote, which make a
// value sure, are spared. "" when the box holds no ink. Like Reading.Raw,
// it may be personal data.
func (r *Reader) ReadPrintedLine(ctx context.Context, ink *image.Gray, f templates.Field) (string, error) {
	p := prepareAt(ink, f.Box, inkBelow)
	if p.Ink == 0 {
		return "", nil
	}
	v := reads(f)[0]
	sp := spec(f, true)
	sp.Mode = v.mode
	res, err := r.ocr.Recognize(ctx, v.image(p.Image), sp)
	if err != nil {
		return "", fmt.Errorf("text: reading %q: %w", f.ID, err)
	}
	return joined(res), nil
}

// PrintedThreshold and PrintedNameThreshold are the confidences under
// which printed values are not sure: those calibrated for Tesseract's jpn
// model on the seed-101 corpus before jpn_hand existed, 0.98 for names
// (where 0.5% of even handwritten names passed wrong) and 0.97 for the rest.
const (
	PrintedThreshold     = 0.97
	PrintedNameThreshold = 0.98
)

func (r *Reader) read(ctx context.Context, ink *image.Gray, f templates.Field, printed bool) (Reading, error) {
	if f.Kind != templates.Text && f.Kind != templates.Date && f.Kind != templates.CaseRef {
		return Reading{}, fmt.Errorf("text: field %q is a %s field", f.ID, f.Kind)
	}
	p := Prepare(ink, f.Box)
	if p.Faint {
		// Writing the binarised image left out: read it at the faint
		// level so a person has a value to confirm, never pass it sure.
		p = PrepareFaint(ink, f.Box)
	}
	if p.Ink == 0 && p.Faint {
		// Writing is there, too light or too broken to read at all: not
		// a blank, and not a value either.
		return Reading{Value: nil, Confidence: 0, Review: true, Why: WhyFaint}, nil
	}
	if p.Ink == 0 {
		rd := Reading{Value: "", Confidence: 1}
		if f.Required {
			rd.Review, rd.Why = true, WhyEmpty
		}
		return rd, nil
	}
	rd, err := r.vote(ctx, p.Image, f, printed)
	if err != nil {
		return Reading{}, err
	}
	if p.Faint {
		rd.Confidence = min(rd.Confidence, 0.5)
		rd.Review, rd.Why = true, WhyFaint
	}
	if p.Overflow > 0.2 && !rd.Review {
		// A fifth of the ink touches the box's edge: the writing runs
		// out of it and what is read may be cut short.
		rd.Confidence = min(rd.Confidence, 0.5)
		rd.Review, rd.Why = true, WhyOverrun
	}
	th := r.thresholds[Kind(f)]
	if printed {
		th = PrintedThreshold
		if Kind(f) == KindName {
			th = PrintedNameThreshold
		}
	}
	if rd.Confidence < th && !rd.Review {
		rd.Review, rd.Why = true, WhyUnsure
	}
	if printed {
		return rd, nil
	}
	switch Kind(f) {
	case KindName:
		rd, err = r.chooseName(ctx, p.Image, rd)
	case KindAddress:
		rd, err = r.chooseAddress(ctx, p.Image, rd)
	case KindOther:
		rd, err = r.chooseRelation(ctx, p.Image, f, rd)
	}
	if err != nil {
		return Reading{}, err
	}
	rd, word, err := r.secondOpinion(ctx, p.Image, f, rd, r.asOf())
	if err != nil {
		return Reading{}, err
	}
	if word == settled {
		return rd, nil
	}
	if rd, err = r.readDateOnly(ctx, p.Image, f, rd, r.asOf()); err != nil {
		return Reading{}, err
	}
	if !rd.Review {
		if rd, err = r.corroborate(ctx, p.Image, f, rd); err != nil {
			return Reading{}, err
		}
	}
	// A day read unsurely, whose digits jpn disputed, or that the models
	// read alike but less surely (readAlike), is sure when both choose it;
	// confirmDay asks them once.
	return r.confirmDay(ctx, p.Image, f, rd, r.asOf(), word == readAlike)
}

// checkSpec is the second recogniser a field's digits are read again
// with: handwritten Japanese (dates, addresses) by Tesseract's own jpn,
// learnt on print and never on our hands; phone numbers, which eng reads,
// by jpn_hand. Each errs where the other does not often enough that a
// digit both read alike is seldom wrong.
func checkSpec(f templates.Field) (ocr.Spec, bool) {
	switch {
	case f.Charset == templates.Alnum:
		return ocr.Spec{}, false
	case f.Charset == templates.Digits:
		return ocr.Spec{Lang: ocr.Handwriting, Mode: ocr.SingleLine}, true
	}
	return ocr.Spec{Lang: "jpn", Mode: ocr.SingleLine}, true
}

// corroborate has a value that passed, if it holds digits, read again by a
// second recogniser, and sends it to a person when the digits differ.
func (r *Reader) corroborate(ctx context.Context, img *image.Gray, f templates.Field, rd Reading) (Reading, error) {
	want := digitsOf(rd.Raw)
	sp, ok := checkSpec(f)
	if want == "" || !ok {
		return rd, nil
	}
	res, err := r.ocr.Recognize(ctx, halve(img), sp)
	if err != nil {
		return Reading{}, fmt.Errorf("text: checking %q: %w", f.ID, err)
	}
	if digitsOf(joined(res)) != want {
		rd.Confidence = min(rd.Confidence, 0.6)
		rd.Review, rd.Why = true, WhyDigits
	}
	return rd, nil
}

// digitsOf is the digits of s in order, full-width ones folded.
func digitsOf(s string) string {
	var b strings.Builder
	for _, c := range forms.NormalizeText(s) {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// vote reads the field in each of its views and keeps the value most reads
// agree on. Its confidence is the share of reads that agree times their
// mean confidence: three reads that agree at 0.97 give 0.97, two of three
// give 0.65 — under any threshold, so a split vote always goes to a person.
// A value whose every read passed over some of the writing (skipsWriting)
// goes to a person too, and so does a date whose every read saw a digit
// of its day written small (smallDigit).
func (r *Reader) vote(ctx context.Context, img *image.Gray, f templates.Field, printed bool) (Reading, error) {
	views := reads(f)
	sp := spec(f, printed)
	at := r.asOf()
	type group struct {
		rd       Reading
		n        int
		confs    float64
		skipping int // reads that passed over some of the writing
		small    int // reads of a day with a digit written small
	}
	var groups []*group
	var first Reading
	var flagged []Reading // reads that need a person but have a value
	for i, v := range views {
		sp.Mode = v.mode
		im := v.image(img)
		res, err := r.ocr.Recognize(ctx, im, sp)
		if err != nil {
			return Reading{}, fmt.Errorf("text: reading %q: %w", f.ID, err)
		}
		rd := judge(f, res, at)
		skipping, small := false, false
		// A day proposed from a garbled read is looked at too: the second
		// reader makes one sure when its models read the same day, and
		// they lose a small digit as Tesseract does (10月3日 for 31日).
		if rd.Value != nil && (rd.Why == "" || rd.Why == WhyUnsure || rd.Why == WhyDateNear) {
			pieces := inkPieces(im)
			skipping = skipsWriting(pieces, res)
			if f.Kind == templates.Date && !skipping {
				skipping, small = dayWriting(im.Rect, pieces, res)
			}
		}
		switch {
		case skipping && rd.Review:
			rd = skipped(rd)
		case small && rd.Review:
			rd = smallDay(rd)
		}
		if i == 0 {
			first = rd
		}
		if rd.Review || rd.Value == nil {
			if rd.Value != nil {
				flagged = append(flagged, rd)
			}
			continue // a read that makes no sense votes for nothing
		}
		key := fmt.Sprint(rd.Value)
		var g *group
		for _, c := range groups {
			if fmt.Sprint(c.rd.Value) == key {
				g = c
			}
		}
		if g == nil {
			g = &group{rd: rd}
			groups = append(groups, g)
		}
		g.n++
		g.confs += rd.Confidence
		if skipping {
			g.skipping++
		}
		if small {
			g.small++
		}
	}
	if len(groups) == 0 {
		return unsureVote(first, flagged), nil
	}
	best := groups[0]
	for _, g := range groups[1:] {
		if g.n > best.n || g.n == best.n && g.confs > best.confs {
			best = g
		}
	}
	rd := best.rd
	rd.Confidence = float64(best.n) / float64(len(views)) * best.confs / float64(best.n)
	switch {
	case best.skipping == best.n:
		// Every read of the value passed over some of the writing: a
		// character may be missing from each alike.
		rd = skipped(rd)
	case best.skipping+best.small == best.n:
		// Every read of it saw a small digit in the day (or passed over
		// writing): a small digit is misread by every reader alike.
		rd = smallDay(rd)
	}
	return rd, nil
}

// smallDay sends a date whose day holds a digit written small to a
// person (WhySmallDigit); nothing then makes it sure.
func smallDay(rd Reading) Reading {
	rd.Confidence, rd.Review, rd.Why = min(rd.Confidence, 0.5), true, WhySmallDigit
	return rd
}

// skipped sends a reading that passed over some of the writing to a
// person. The rules after the vote weigh the value read, which cannot show
// what it left out: the second reader may propose another value, but
// nothing makes this one sure.
func skipped(rd Reading) Reading {
	rd.Confidence, rd.Review, rd.Why = min(rd.Confidence, 0.5), true, WhySkipped
	return rd
}

// unsureVote is the reading handed to a person when no read was sure: the
// value most of the unsure reads hold (the first of them on a tie), so the
// reviewer starts from what the views agree on, or the first read, which
// says why, when none holds a value. A value one of its reads passed over
// writing for is skipped (text_skipped), whichever read comes first: a
// view that saw no writing left out may have given it to a character it
// misread (the small 1 of 31日 read into 日 as 販), so the view that saw it
// is believed: else the steps after the vote could make the day sure. A
// day one of its reads saw a small digit in is WhySmallDigit so.
func unsureVote(first Reading, flagged []Reading) Reading {
	best, bestN := first, 0
	for _, rd := range flagged {
		n := 0
		for _, o := range flagged {
			if fmt.Sprint(o.Value) == fmt.Sprint(rd.Value) {
				n++
			}
		}
		if n > bestN {
			best, bestN = rd, n
		}
	}
	if best.Why != WhyUnsure && best.Why != WhyDateNear {
		return best // skipped already, or for a person whatever is read
	}
	small := false
	for _, o := range flagged {
		if fmt.Sprint(o.Value) != fmt.Sprint(best.Value) {
			continue
		}
		switch o.Why {
		case WhySkipped:
			return skipped(best)
		case WhySmallDigit:
			small = true
		}
	}
	if small {
		return smallDay(best)
	}
	return best
}

// judge normalises what Tesseract read and scores it. Tesseract's own
// confidence is a start, not an answer: a character it is 90% sure of can
// still make an address that does not exist. The score is the weakest
// character's confidence blended with the mean, and a value whose shape
// is wrong for its field (a phone number of nine digits, a kana field with
// a kanji in it, a date that does not exist) is never passed as certain.
func judge(f templates.Field, res ocr.Result, at asOf) Reading {
	raw := joined(res)
	conf := ocrConfidence(res)
	rd := Reading{Raw: raw, Confidence: conf}
	switch {
	case f.Kind == templates.CaseRef:
		// A case reference carries a check digit: a misread digit makes
		// it invalid rather than someone else's case.
		ref, err := forms.ParseCaseRef(forms.NormalizeText(raw))
		if err != nil {
			rd.Value, rd.Confidence, rd.Review, rd.Why = nil, min(conf, 0.2), true, WhyShape
			return rd
		}
		rd.Value = ref.String()
	case f.Kind == templates.Date:
		d, _, err := forms.ParseDate(raw)
		if err != nil {
			if day, ok := forms.DayByDigits(raw, func(t time.Time) bool { return plausibleDate(f, t, at) }); ok {
				// Only what stands between the digits was misread (a
				// brush's 年 read 午): the digits, as read, name one
				// plausible day. A reading, if an unsure one, that the
				// second reader may confirm (confirmDay).
				rd.Value, rd.Confidence, rd.Review, rd.Why = day.Format("2006-01-02"), min(conf, 0.5), true, WhyUnsure
				return rd
			}
			rd.Value, rd.Confidence, rd.Review, rd.Why = nil, min(conf, 0.2), true, WhyDate
			if near, _, ok := nearDay(f, raw, at); ok {
				// A digit misread into a day that does not exist (10月
				// read 16月): the one plausible day it is nearest to is a
				// proposal for the reviewer, never a reading. The days of
				// an old form compete too: 令和8年1月18日 misread is
				// nearer to itself than to 10月18日.
				rd.Value, rd.Why = near.Format("2006-01-02"), WhyDateNear
			}
			return rd
		}
		rd.Value = d.Format("2006-01-02")
		if !plausibleDate(f, d, at) {
			rd.Confidence, rd.Review, rd.Why = min(conf, 0.3), true, WhyShape
			// 2026 read 2086: a real day, but one the form cannot bear.
			// The plausible day it is nearest to, if one clearly is, is
			// the better proposal; a day far from every plausible one,
			// or in the year before the window (stale: an old form, or
			// 10月 read 1月, which the text alone cannot tell apart),
			// stays as read.
			if near, cost, ok := nearDay(f, raw, at); ok && cost <= maxImplausibleCost {
				rd.Value, rd.Why = near.Format("2006-01-02"), WhyDateNear
			}
		} else if er, err := forms.ParseDateSure(raw, func(t time.Time) bool { return plausibleDate(f, t, at) }); err == nil && !er.Sure {
			// An era initial (H5) that names a plausible day in another
			// era too (S5, R5): the letter alone cannot be trusted.
			rd.Confidence, rd.Review, rd.Why = min(conf, 0.5), true, WhyEra
		}
	case f.Charset == templates.Katakana:
		v, ok := forms.NormalizeKatakana(raw)
		v = strings.ReplaceAll(v, " ", "")
		rd.Value = v
		switch {
		case !ok && v != "":
			// NormalizeKatakana turned every kana it could: what is left
			// is not kana.
			return notAllowed(rd)
		case !ok || !plausibleKana(v):
			rd.Confidence, rd.Review, rd.Why = min(conf, 0.3), true, WhyShape
		}
	case f.Charset == templates.Digits:
		v, ok := forms.NormalizePhone(raw)
		rd.Value = v
		if !ok {
			if strings.Trim(v, "0123456789-()") != "" {
				return notAllowed(rd)
			}
			rd.Confidence, rd.Review, rd.Why = min(conf, 0.3), true, WhyShape
			if p, ok := forms.NearestPhone(v); ok {
				// Its first digit is the 0 every number begins with,
				// lost or misread: a proposal for the reviewer.
				rd.Value, rd.Why = p, WhyPhoneNear
			}
		}
	default:
		// Spacing in a handwritten Japanese line is the writer's rhythm,
		// not content: 佐藤 花子 and 佐藤花子 are one name, and
		// Tesseract's own word breaks fall anywhere. Values keep none.
		v := forms.CompactText(raw)
		rd.Value = v
		if !kanjiCharsetHolds(f, v) {
			return notAllowed(rd)
		}
		if !plausibleJapanese(f, v) {
			rd.Confidence, rd.Review, rd.Why = min(conf, 0.3), true, WhyShape
		}
	}
	// (Dates are left out: their value is the date understood, not the
	// characters read. So is a phone number in three groups of its usual
	// length, such as 070-290-2196, whose groups are not of a kind any
	// area uses: that is a phone number misread or miswritten, not a PIN.)
	if v, ok := rd.Value.(string); ok && f.Kind == templates.Text && rd.Why == WhyShape && hasAlnumRun(v, 4) && !(f.Charset == templates.Digits && phoneLike(v)) {
		// A value of the wrong shape is kept as a hint for the reviewer,
		// unless it holds a run of letters or digits a PIN could be (a
		// PIN written in the phone box, or after an address): then the
		// image is the only place it may be seen, blacked out or not.
		rd.Value, rd.Confidence = nil, min(conf, 0.2)
	}
	return rd
}

// notAllowed withholds a reading whose characters its field cannot hold.
func notAllowed(rd Reading) Reading {
	rd.Value, rd.Confidence, rd.Review, rd.Why = nil, min(rd.Confidence, 0.2), true, WhyNotAllowed
	return rd
}

// ocrConfidence is min and mean of the characters' confidences, blended:
// one doubtful character is enough to make a name wrong.
func ocrConfidence(res ocr.Result) float64 {
	syms := symbols(res)
	if len(syms) == 0 {
		return 0
	}
	sum, lo := 0.0, 1.0
	for _, s := range syms {
		sum += s.Confidence
		lo = min(lo, s.Confidence)
	}
	return 0.5*lo + 0.5*sum/float64(len(syms))
}

// joined rebuilds the line from Tesseract's characters, putting a space
// only where the writing has a real gap. Tesseract's word breaks in
// Japanese fall between any two characters (佐々 木 太郎); a gap is a
// space when it is wider than half a character's height and twice the
// line's usual gap between characters (佐々木 太郎).
func joined(res ocr.Result) string {
	syms := symbols(res)
	if len(syms) == 0 {
		return ""
	}
	hs := make([]int, len(syms))
	for i, s := range syms {
		hs[i] = s.Box.Dy()
	}
	slices.Sort(hs)
	gaps := make([]int, 0, len(syms))
	for i := 1; i < len(syms); i++ {
		gaps = append(gaps, syms[i].Box.Min.X-syms[i-1].Box.Max.X)
	}
	sorted := slices.Sorted(slices.Values(gaps))
	space := hs[len(hs)/2] / 2
	if len(sorted) > 0 {
		space = max(space, 2*sorted[len(sorted)/2])
	}
	var b strings.Builder
	for i, s := range syms {
		if i > 0 && gaps[i-1] > space {
			b.WriteByte(' ')
		}
		b.WriteString(s.Text)
	}
	return b.String()
}

// plausibleDate: a birth date lies between 1900 and today; any other date
// on these forms (申請日, 回答日) is the day it was filled in, within the
// last DateWindowDays days, not after today, and not before the sheet
// it answers was printed (asOf.earliest). A misread digit (2026 →
// 7026, 11月 → 1月: 令和8年11月26日 read as 2026-01-26, ten months back)
// often still makes a real date, but seldom one inside the window.
func plausibleDate(f templates.Field, d time.Time, at asOf) bool {
	lo, hi := dateWindow(f, at)
	return !d.Before(lo) && !d.After(hi)
}

// birthDate says f is a person's birth date (申請者生年月日), whose window
// runs from 1900 to today, rather than a form's own date (申請日, 回答日).
func birthDate(f templates.Field) bool { return strings.Contains(f.ID, "birth") }

// dateWindow is the first and last day plausibleDate accepts.
func dateWindow(f templates.Field, at asOf) (lo, hi time.Time) {
	day := func(t time.Time) time.Time {
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	hi = day(at.today)
	if birthDate(f) {
		return time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), hi
	}
	lo = hi.AddDate(0, 0, -DateWindowDays)
	if e := day(at.earliest); !at.earliest.IsZero() && e.After(lo) && !e.After(hi) {
		lo = e
	}
	return lo, hi
}

// asOf is what a date is judged against: the day the page is read, and
// the earliest day a form's own date on it may be (the day an answer
// sheet was printed, WithEarliest; zero: DateWindowDays before today).
type asOf struct {
	today, earliest time.Time
}

func (r *Reader) asOf() asOf { return asOf{today: r.today(), earliest: r.earliest} }

// WithEarliest returns a copy of the reader for one page, on which a
// form's own date (回答日) cannot be before day: the day its sheet was
// printed (作成日). A day read before it is no plausible day, as one
// before the window is: never sure, and the nearest plausible one is
// proposed. A day after today, or before the window, changes nothing.
func (r *Reader) WithEarliest(day time.Time) *Reader {
	c := *r
	c.earliest = day
	return &c
}

// stale says v, a day read in f (as an ISO day), is a form's own date
// (申請日, 回答日) in the year before the window (staleDays): the date of a
// form handed in months late, which no clerk may accept. Such a day is
// never replaced by one of the window on the strength of the text read
// alone (nearDay, readDateOnly): 令和8年2月28日, read right, is one
// confusable digit from 8月28日, and a day proposed in the window would
// hide that the form is too old.
func stale(f templates.Field, v any, at asOf) bool {
	s, _ := v.(string)
	d, err := time.Parse("2006-01-02", s)
	from, to, ok := staleDays(f, at)
	return err == nil && ok && !d.Before(from) && !d.After(to)
}

// staleDays are the days of the year before f's window, for a form's own
// date (the window of DateWindowDays, whatever the 作成日); ok is false
// for a birth date, whose window has no such days.
func staleDays(f templates.Field, at asOf) (from, to time.Time, ok bool) {
	if birthDate(f) {
		return time.Time{}, time.Time{}, false
	}
	lo, _ := dateWindow(f, asOf{today: at.today})
	return lo.AddDate(-1, 0, 0), lo.AddDate(0, 0, -1), true
}

// nearDay is the plausible day of f that a date read as raw is clearly
// nearest to (forms.NearestDate); for a form's own date the stale days
// compete too, and are never proposed.
func nearDay(f templates.Field, raw string, at asOf) (time.Time, float64, bool) {
	lo, hi := dateWindow(f, at)
	from, to, ok := staleDays(f, at)
	if !ok {
		return forms.NearestDate(raw, lo, hi)
	}
	return forms.NearestDateBesides(raw, lo, hi, from, to)
}

// maxImplausibleCost is how near (in forms.NearestDate's distance) a
// plausible day must be to replace a real day read outside the window:
// one change, or two confusable digits (2086 for 2026, 1月 for 10月 with
// its 0 lost). A day further off may be what was written (an old form).
const maxImplausibleCost = 1.0

// DateWindowDays is how far before the scan a form's own date (申請日,
// 回答日) may lie and still be read as sure: an application is handed in
// within days of being written, and an answer sheet must come back within
// the case's reply period (a month by default; see shinsei cases open).
const DateWindowDays = 90
