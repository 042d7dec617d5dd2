package text

import (
	"context"
	"errors"
	"image"
	"testing"
	"time"

	"shinsei/ocr"
	"shinsei/templates"
)

// fakeOCR returns a fixed result: these tests are of what the reader does
// with Tesseract's answer, not of Tesseract (ocr's own tests and the
// corpus test below use the real one).
type fakeOCR struct {
	res   ocr.Result
	err   error
	calls int
	spec  ocr.Spec // the first read's: a date read as none is read again, masked
}

func (f *fakeOCR) Recognize(_ context.Context, _ *image.Gray, s ocr.Spec) (ocr.Result, error) {
	f.calls++
	if f.calls == 1 {
		f.spec = s
	}
	return f.res, f.err
}

// line makes a result of characters 40 px wide with 10 px gaps, and a
// 40 px gap where s has a space.
func line(s string, conf float64) ocr.Result {
	var w ocr.Word
	x := 0
	for _, r := range s {
		if r == ' ' {
			x += 30
			continue
		}
		w.Symbols = append(w.Symbols, ocr.Symbol{Text: string(r), Confidence: conf, Box: image.Rect(x, 0, x+40, 50)})
		x += 50
	}
	return ocr.Result{Text: s, Words: []ocr.Word{w}}
}

// shifted moves every character of res dx px to the right.
func shifted(res ocr.Result, dx int) ocr.Result {
	for i := range res.Words {
		w := &res.Words[i]
		w.Box = w.Box.Add(image.Pt(dx, 0))
		for j := range w.Symbols {
			w.Symbols[j].Box = w.Symbols[j].Box.Add(image.Pt(dx, 0))
		}
	}
	return res
}

// page is a canvas with some ink in box b, so Prepare finds writing.
func page(b templates.Box) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, 2480, 3508))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	px := 2480 / templates.PageWidthMM
	x0, y0 := int((b.X+3)*px), int((b.Y+b.H/2-2)*px)
	for y := y0; y < y0+int(4*px); y++ {
		for x := x0; x < x0+int(3*px); x++ {
			if (x-x0)%12 < 3 || (y-y0)%12 < 3 {
				img.Pix[img.PixOffset(x, y)] = 20
			}
		}
	}
	return img
}

func field(id string, kind templates.Kind, cs templates.Charset, required bool) templates.Field {
	return templates.Field{ID: id, Kind: kind, Charset: cs, Label: id, Required: required, Box: templates.Box{X: 40, Y: 60, W: 120, H: 12}}
}

var today = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

func TestRead(t *testing.T) {
	name := field("applicant_name", templates.Text, templates.Kanji, true)
	kana := field("applicant_kana", templates.Text, templates.Katakana, true)
	addr := field("applicant_address", templates.Text, templates.Kanji, true)
	phone := field("applicant_phone", templates.Text, templates.Digits, false)
	birth := field("applicant_birth_date", templates.Date, "", true)
	applied := field("application_date", templates.Date, "", true)
	caseRef := field("case_ref", templates.CaseRef, templates.Digits, true)
	proxyName := field("proxy_name", templates.Text, templates.Kanji, false)
	relation := field("proxy_relationship", templates.Text, templates.Kanji, false)
	for _, c := range []struct {
		name   string
		f      templates.Field
		ocr    ocr.Result
		value  any
		review bool
		why    string
	}{
		{"a name, sure", name, line("佐藤 花子", 0.99), "佐藤花子", false, ""},
		{"a name, unsure", name, line("佐藤 花子", 0.6), "佐藤花子", true, WhyUnsure},
		{"a name as sure as kana need, not names", name, line("佐藤 花子", 0.78), "佐藤花子", true, WhyUnsure},
		{"kana as sure as kana need", kana, line("サトウ ハナコ", 0.78), "サトウハナコ", false, ""},
		// What a field's charset cannot hold is not its value, and may be
		// a PIN in the wrong box: it is never kept (issue 14, point 3).
		{"a name with a digit", name, line("佐藤 花1", 0.99), nil, true, WhyNotAllowed},
		{"a PIN in the proxy's name", proxyName, line("6331", 0.99), nil, true, WhyNotAllowed},
		{"a PIN in full-width digits", proxyName, line("６３３１", 0.99), nil, true, WhyNotAllowed},
		{"a name with Latin letters", name, line("佐藤 AB12CD", 0.99), nil, true, WhyNotAllowed},
		{"a relationship with digits", relation, line("妻 1234", 0.99), nil, true, WhyNotAllowed},
		{"kana with kanji", kana, line("サトウ 花子", 0.99), nil, true, WhyNotAllowed},
		{"kana with digits", kana, line("サトウ 6331", 0.99), nil, true, WhyNotAllowed},
		{"a phone number with letters", phone, line("03-12AB-5678", 0.99), nil, true, WhyNotAllowed},
		{"a PIN in the phone box", phone, line("6331", 0.99), nil, true, WhyShape},
		{"an address with letters", addr, line("東京都練馬区豊玉北3丁目7番19号 A1B2C3", 0.99), nil, true, WhyNotAllowed},
		{"an address with a PIN after it", addr, line("東京都練馬区豊玉北3丁目7番19号 6331", 0.99), nil, true, WhyShape},
		{"an address with a four-digit 番地", addr, line("北海道夕張郡栗山町湯地1234番地", 0.99), "北海道夕張郡栗山町湯地1234番地", false, ""},
		{"kana", kana, line("サトウ ハナコ", 0.99), "サトウハナコ", false, ""},
		{"kana in hiragana", kana, line("さとう はなこ", 0.99), "サトウハナコ", false, ""},
		{"kana with an impossible small ュ", kana, line("サトウハナユュ", 0.99), "サトウハナユュ", true, WhyShape},
		{"kana ending in ッ", kana, line("サトウハナッ", 0.99), "サトウハナッ", true, WhyShape},
		{"an address", addr, line("東京都練馬区豊玉北3丁目7番19号", 0.99), "東京都練馬区豊玉北3丁目7番19号", false, ""},
		{"an address with 丁 misread", addr, line("東京都練馬区豊玉北3工目7番19号", 0.99), "東京都練馬区豊玉北3工目7番19号", true, WhyShape},
		{"an address in no prefecture", addr, line("千葉上船橋市本町5丁目19番16号", 0.99), "千葉上船橋市本町5丁目19番16号", true, WhyShape},
		{"an address with a number lost before 号", addr, line("東京都練馬区豊玉北3丁目8番号", 0.99), "東京都練馬区豊玉北3丁目8番号", true, WhyShape},
		{"an address without a number", addr, line("東京都練馬区豊玉北", 0.99), "東京都練馬区豊玉北", true, WhyShape},
		{"a phone number", phone, line("03-1234-5678", 0.99), "03-1234-5678", false, ""},
		{"a phone number a digit short", phone, line("03-1234-567", 0.99), "03-1234-567", true, WhyShape},
		{"a phone number with a PIN after it", phone, line("03-1234-5678 6331", 0.99), nil, true, WhyShape},
		{"digits of no phone number", phone, line("123456789", 0.99), nil, true, WhyShape},
		{"a phone number in short groups", phone, line("03-12-34", 0.99), "03-12-34", true, WhyShape},
		{"a phone number whose 0 was read 9", phone, line("970-8433-0384", 0.99), "070-8433-0384", true, WhyPhoneNear},
		{"a phone number whose 0 was lost", phone, line("90-1179-0136", 0.99), "090-1179-0136", true, WhyPhoneNear},
		{"a 和暦 birth date", birth, line("昭和60年4月12日", 0.99), "1985-04-12", false, ""},
		{"平成31年5月1日 does not exist", birth, line("平成31年5月1日", 0.99), nil, true, WhyDate},
		{"a birth date in the future, near a past one", birth, line("2027年1月1日", 0.99), "2021-01-01", true, WhyDateNear},
		{"an application date", applied, line("2026/11/20", 0.99), "2026-11-20", false, ""},
		{"an application date years ago", applied, line("2015/11/20", 0.99), "2015-11-20", true, WhyShape},
		{"an application date one digit from the window", applied, line("2016/11/20", 0.99), "2026-11-20", true, WhyDateNear},
		{"no date at all", applied, line("2026711701", 0.99), nil, true, WhyDate},
		{"a case reference", caseRef, line("4991-7264-0", 0.99), "4991-7264-0", false, ""},
		{"a case reference with a misread digit", caseRef, line("4991-7284-0", 0.99), nil, true, WhyShape},
		// Every character read lies right of the page's ink: the read
		// passed over it (長谷川 愛 read 長谷 愛).
		{"a name read beside its writing", name, shifted(line("長谷 愛", 0.99), 200), "長谷愛", true, WhySkipped},
		{"a date read beside its writing", applied, shifted(line("2026/11/20", 0.99), 200), "2026-11-20", true, WhySkipped},
		{"a day proposed from a read beside its writing", applied, shifted(line("2016/11/20", 0.99), 200), "2026-11-20", true, WhySkipped},
	} {
		t.Run(c.name, func(t *testing.T) {
			fake := &fakeOCR{res: c.ocr}
			r := NewReader(fake).WithToday(func() time.Time { return today })
			rd, err := r.Read(context.Background(), page(c.f.Box), c.f)
			if err != nil {
				t.Fatal(err)
			}
			if rd.Value != c.value || rd.Review != c.review || rd.Why != c.why {
				t.Errorf("got %#v review %v why %q (confidence %.2f); want %#v review %v why %q", rd.Value, rd.Review, rd.Why, rd.Confidence, c.value, c.review, c.why)
			}
			if rd.Confidence < 0 || rd.Confidence > 1 {
				t.Errorf("confidence %v outside [0,1]", rd.Confidence)
			}
			if !rd.Review && rd.Confidence < DefaultThresholds()[Kind(c.f)] {
				t.Errorf("passed with confidence %.2f under the threshold", rd.Confidence)
			}
		})
	}
}

// Each kind of field is read with its own charset, and an empty box is
// not sent to Tesseract at all.
func TestReadSpecAndEmpty(t *testing.T) {
	for _, c := range []struct {
		f    templates.Field
		lang string
		wl   string
	}{
		{field("x_phone", templates.Text, templates.Digits, false), "eng", "0123456789-"},
		{field("x_kana", templates.Text, templates.Katakana, false), ocr.Handwriting, ""},
		{field("x_name", templates.Text, templates.Kanji, false), ocr.Handwriting, ""},
		{field("x_date", templates.Date, "", false), ocr.Handwriting, ""},
	} {
		fake := &fakeOCR{res: line("1", 0.9)}
		if _, err := NewReader(fake).Read(context.Background(), page(c.f.Box), c.f); err != nil {
			t.Fatal(err)
		}
		if fake.spec.Lang != c.lang || fake.spec.Whitelist != c.wl {
			t.Errorf("%s: spec %+v, want %s with whitelist %q", c.f.ID, fake.spec, c.lang, c.wl)
		}
	}
	// Print the city put on the form is read with Tesseract's own model,
	// and held to the printed threshold, not the handwriting one.
	for _, c := range []struct {
		f    templates.Field
		conf float64
		sure bool
	}{
		{field("slot_person_name", templates.Text, templates.Kanji, false), 0.99, true},
		{field("slot_person_name", templates.Text, templates.Kanji, false), 0.975, false},
		{templates.Field{ID: "case_ref", Kind: templates.CaseRef, Box: field("x", templates.Text, "", false).Box}, 0.99, true},
	} {
		res := line("山田花子", c.conf)
		if c.f.Kind == templates.CaseRef {
			res = line("4991-7264-0", c.conf)
		}
		fake := &fakeOCR{res: res}
		rd, err := NewReader(fake).WithThreshold(0.5).ReadPrinted(context.Background(), page(c.f.Box), c.f)
		if err != nil {
			t.Fatal(err)
		}
		if fake.spec.Lang != "jpn" || rd.Review == c.sure {
			t.Errorf("printed %s at %.3f: read with %q, review %v; want jpn, review %v", c.f.ID, c.conf, fake.spec.Lang, rd.Review, !c.sure)
		}
	}
	// A printed line nothing takes as sure is read once, with jpn, and
	// given as read, digits and all; an empty box is not read.
	f := field("slot_dates", templates.Text, templates.Kanji, false)
	fake := &fakeOCR{res: line("作成日令和8年10月20日", 0.9)}
	got, err := NewReader(fake).ReadPrintedLine(context.Background(), page(f.Box), f)
	if err != nil || got != "作成日令和8年10月20日" || fake.calls != 1 || fake.spec.Lang != "jpn" {
		t.Errorf("printed line: %q, %v after %d calls with %q", got, err, fake.calls, fake.spec.Lang)
	}
	blank := image.NewGray(image.Rect(0, 0, 2480, 3508))
	for i := range blank.Pix {
		blank.Pix[i] = 250
	}
	fake = &fakeOCR{res: line("作成日", 0.9)}
	if got, err := NewReader(fake).ReadPrintedLine(context.Background(), blank, f); err != nil || got != "" || fake.calls != 0 {
		t.Errorf("empty printed line: %q, %v after %d calls", got, err, fake.calls)
	}
	for _, required := range []bool{false, true} {
		fake := &fakeOCR{}
		f := field("x_name", templates.Text, templates.Kanji, required)
		rd, err := NewReader(fake).Read(context.Background(), blank, f)
		if err != nil {
			t.Fatal(err)
		}
		if fake.calls != 0 || rd.Value != "" || rd.Review != required || required && rd.Why != WhyEmpty {
			t.Errorf("empty box (required %v): %+v after %d OCR calls", required, rd, fake.calls)
		}
	}
}

func TestReadErrors(t *testing.T) {
	boom := errors.New("tesseract died")
	f := field("x_name", templates.Text, templates.Kanji, true)
	_, err := NewReader(&fakeOCR{err: boom}).Read(context.Background(), page(f.Box), f)
	if !errors.Is(err, boom) {
		t.Errorf("error %v does not wrap the OCR error", err)
	}
	cb := templates.Field{ID: "c", Kind: templates.Checkbox}
	if _, err := NewReader(&fakeOCR{}).Read(context.Background(), page(f.Box), cb); err == nil {
		t.Error("a checkbox was read as text")
	}
}

// Dust and the remnants of a box's printed border are not writing.
func TestPrepareIgnoresDustAndBorders(t *testing.T) {
	b := templates.Box{X: 40, Y: 60, W: 120, H: 12}
	img := image.NewGray(image.Rect(0, 0, 2480, 3508))
	for i := range img.Pix {
		img.Pix[i] = 250
	}
	px := 2480 / templates.PageWidthMM
	// A speck, and a 2-pixel line along the inset zone's top edge.
	img.Pix[img.PixOffset(int(70*px), int(65*px))] = 0
	y := int((b.Y + 0.5) * px)
	for x := int(45 * px); x < int(150*px); x++ {
		img.Pix[img.PixOffset(x, y)] = 30
		img.Pix[img.PixOffset(x, y+1)] = 30
	}
	if p := Prepare(img, b); p.Ink != 0 {
		t.Errorf("dust and a border remnant read as %d ink pixels", p.Ink)
	}
	if p := Prepare(page(b), b); p.Ink == 0 || p.Image == nil {
		t.Error("a written mark was not found")
	}
}

// Writing a copier dithered into dots, each under the speck size Prepare
// drops, is not a blank box: the reader reports faint writing it cannot
// read, and asks Tesseract nothing. Dust and a border remnant broken into
// dashes are still no writing.
func TestBrokenWritingIsNotBlank(t *testing.T) {
	b := templates.Box{X: 150, Y: 234, W: 45, H: 10}
	px := 2480 / templates.PageWidthMM
	canvas := func(draw func(img *image.Gray, x0, y0 int)) *image.Gray {
		img := image.NewGray(image.Rect(0, 0, 2480, 3508))
		for i := range img.Pix {
			img.Pix[i] = 250
		}
		draw(img, int((b.X+5)*px), int((b.Y+3)*px))
		return img
	}
	dotted := canvas(func(img *image.Gray, x0, y0 int) {
		// A cross 4 mm wide and tall, one dark pixel in three.
		for i := 0; i < int(4*px); i += 3 {
			img.Pix[img.PixOffset(x0+i, y0+int(2*px))] = 40
			img.Pix[img.PixOffset(x0+int(2*px), y0+i)] = 40
		}
	})
	// A lighter stroke, as a copier leaves it: a dot of 2×2 pixels every
	// 0.7 mm, too far apart for a grid of 0.3 mm cells to join.
	sparse := canvas(func(img *image.Gray, x0, y0 int) {
		for i := 0; i < int(4*px); i += 8 {
			for _, d := range []image.Point{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
				img.Pix[img.PixOffset(x0+i+d.X, y0+int(2*px)+d.Y)] = 40
				img.Pix[img.PixOffset(x0+int(2*px)+d.X, y0+i+d.Y)] = 40
			}
		}
	})
	dust := canvas(func(img *image.Gray, x0, y0 int) {
		for i := range 6 {
			img.Pix[img.PixOffset(x0+i*int(5*px), y0+(i%3)*int(2*px))] = 20
		}
	})
	border := canvas(func(img *image.Gray, _, _ int) {
		y := int((b.Y + 0.5) * px)
		for x := int((b.X + 1) * px); x < int((b.X+b.W-1)*px); x++ {
			if x%5 < 2 {
				img.Pix[img.PixOffset(x, y)], img.Pix[img.PixOffset(x, y+1)] = 30, 30
			}
		}
	})
	f := field("proxy_relationship", templates.Text, templates.Kanji, false)
	f.Box = b
	for _, c := range []struct {
		name  string
		img   *image.Gray
		faint bool
	}{
		{"a dotted stroke", dotted, true},
		{"a stroke in dots 0.7 mm apart", sparse, true},
		{"dust", dust, false},
		{"a border remnant in dashes", border, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := Prepare(c.img, b)
			if p.Ink != 0 || p.Faint != c.faint {
				t.Fatalf("Prepare: %d ink pixels, faint %v; want none, faint %v", p.Ink, p.Faint, c.faint)
			}
			fake := &fakeOCR{}
			rd, err := NewReader(fake).Read(context.Background(), c.img, f)
			if err != nil {
				t.Fatal(err)
			}
			blank := rd.Value == "" && !rd.Review
			unread := rd.Value == nil && rd.Review && rd.Why == WhyFaint && rd.Confidence == 0
			if fake.calls != 0 || c.faint && !unread || !c.faint && !blank {
				t.Errorf("read %#v review %v why %q confidence %.2f after %d OCR calls", rd.Value, rd.Review, rd.Why, rd.Confidence, fake.calls)
			}
		})
	}
}

func TestPlausibleKana(t *testing.T) {
	for s, want := range map[string]bool{
		"サトウハナコ": true, "キャロル": true, "シュウジ": true, "ティファニー": true, "ハットリ": true, "コーヒー": true,
		"ュウジ": false, "サトユュ": false, "セッッコ": false, "ハナッ": false, "ーサトウ": false, "オカダマザサオォオー": false, "": false,
	} {
		if got := plausibleKana(s); got != want {
			t.Errorf("plausibleKana(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestPlausibleAddress(t *testing.T) {
	for a, want := range map[string]bool{
		"京都市左京区北白川1番2号":         true, // the city, not the prefecture
		"京都府京都市左京区北白川1番2号":      true,
		"練馬区豊玉北3丁目7番19号":        true, // no prefecture is fine
		"大阪府堺市堺区桜台1丁目11番15号":    true,
		"札幌市中央区北1条西2丁目1-1":      true,
		"京都上京区1番":               false,
		"東京都練馬区豊玉北3了目7番19号":     false,
		"愛知県名古屋市中区富士見町5目27番4号":  false,
		"東京都練馬区":                false,
		"Tokyo 1-2-3":           false,
		"北海道夕張郡栗山町湯地1234番地":     true, // a four-digit 番地
		"東京都練馬区豊玉北3丁目1234-5":    true,
		"東京都練馬区豊玉北3丁目7番19号6331": false, // a run standing alone
		"東京都練馬区豊玉北3丁目123456番":   false,
	} {
		if got := plausibleAddress(a); got != want {
			t.Errorf("plausibleAddress(%q) = %v, want %v", a, got, want)
		}
	}
}

// seqOCR answers each call with the next result in turn.
type seqOCR struct {
	res []ocr.Result
	n   int
}

func (s *seqOCR) Recognize(context.Context, *image.Gray, ocr.Spec) (ocr.Result, error) {
	r := s.res[s.n%len(s.res)]
	s.n++
	return r, nil
}

// Three reads that agree pass; a split vote never does, and the majority
// is what the record shows.
func TestVote(t *testing.T) {
	name := field("applicant_name", templates.Text, templates.Kanji, true)
	right, wrong, junk := line("佐藤 花子", 0.99), line("佐藤 花千", 0.99), line("12 ab", 0.99)
	beside := shifted(line("佐藤 花子", 0.99), 200)
	for _, c := range []struct {
		name   string
		reads  []ocr.Result
		value  any
		review bool
		why    string
	}{
		{"unanimous", []ocr.Result{right, right, right}, "佐藤花子", false, ""},
		{"two of three", []ocr.Result{wrong, right, right}, "佐藤花子", true, WhyUnsure},
		{"one sensible read", []ocr.Result{junk, junk, right}, "佐藤花子", true, WhyUnsure},
		{"all different", []ocr.Result{wrong, right, junk}, "佐藤花千", true, WhyUnsure},
		{"nonsense only", []ocr.Result{junk, junk, junk}, nil, true, WhyNotAllowed},
		// A read beside the writing passed over all of it (text_skipped).
		{"every read passed over writing", []ocr.Result{beside, beside, beside}, "佐藤花子", true, WhySkipped},
		{"one of three passed over writing", []ocr.Result{beside, right, right}, "佐藤花子", false, ""},
		{"the only sensible read passed over writing", []ocr.Result{junk, junk, beside}, "佐藤花子", true, WhySkipped},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &seqOCR{res: c.reads}
			rd, err := NewReader(s).Read(context.Background(), page(name.Box), name)
			if err != nil {
				t.Fatal(err)
			}
			if s.n != 3 {
				t.Errorf("%d reads, want 3", s.n)
			}
			if rd.Value != c.value || rd.Review != c.review || rd.Why != c.why {
				t.Errorf("got %#v review %v why %q (confidence %.2f); want %#v review %v why %q", rd.Value, rd.Review, rd.Why, rd.Confidence, c.value, c.review, c.why)
			}
		})
	}
}

// When no read is sure, the value most unsure reads hold goes to the
// reviewer, not the first read's nonsense.
func TestVoteUnsureOnly(t *testing.T) {
	date := field("application_date", templates.Date, "", true)
	s := &seqOCR{res: []ocr.Result{line("令和", 0.99), line("令和8年16月31日", 0.99), line("令和8年19月31日", 0.99)}}
	rd, err := NewReader(s).WithToday(func() time.Time { return today }).Read(context.Background(), page(date.Box), date)
	if err != nil {
		t.Fatal(err)
	}
	if rd.Value != "2026-10-31" || !rd.Review || rd.Why != WhyDateNear {
		t.Errorf("got %#v review %v why %q; want the proposal 2026-10-31", rd.Value, rd.Review, rd.Why)
	}
}

// When no read is sure, a value is passed over writing (text_skipped)
// when any read that holds it passed over writing, whichever view it was:
// another view may have given the ink it left out to a character it
// misread (the small 1 of 31日 read into 日 as 販).
func TestVoteUnsureSkipped(t *testing.T) {
	date := field("application_date", templates.Date, "", true)
	beside := shifted(line("2016/11/20", 0.99), 200)      // proposes 2026-11-20
	besideOther := shifted(line("2016/11/21", 0.99), 200) // proposes 2026-11-21
	unsure := line("令和8午11月20日", 0.99)                    // 2026-11-20 by its digits, unsure
	for _, c := range []struct {
		name  string
		reads []ocr.Result
		why   string
	}{
		{"no read passed over writing", []ocr.Result{unsure, unsure, unsure}, WhyUnsure},
		{"the first read passed over writing", []ocr.Result{beside, unsure, unsure}, WhySkipped},
		{"the last read passed over writing", []ocr.Result{unsure, unsure, beside}, WhySkipped},
		{"the only read with a value passed over writing", []ocr.Result{beside, line("令和", 0.99), line("令和", 0.99)}, WhySkipped},
		{"a read of another day passed over writing", []ocr.Result{besideOther, unsure, unsure}, WhyUnsure},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &seqOCR{res: c.reads}
			rd, err := NewReader(s).WithToday(func() time.Time { return today }).Read(context.Background(), page(date.Box), date)
			if err != nil {
				t.Fatal(err)
			}
			if rd.Value != "2026-11-20" || !rd.Review || rd.Why != c.why {
				t.Errorf("got %#v review %v why %q; want 2026-11-20 for a person, %q", rd.Value, rd.Review, rd.Why, c.why)
			}
		})
	}
}

func TestHalveDilate(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 4, 4))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	g.Pix[g.PixOffset(1, 1)] = 0
	d := dilate(g)
	for _, p := range []image.Point{{1, 1}, {2, 1}, {1, 2}, {2, 2}} {
		if d.GrayAt(p.X, p.Y).Y != 0 {
			t.Errorf("dilate left %v white", p)
		}
	}
	if d.GrayAt(0, 0).Y != 255 || g.GrayAt(2, 2).Y != 255 {
		t.Error("dilate spread up-left or changed its input")
	}
	h := halve(d)
	if h.Rect.Dx() != 2 || h.GrayAt(0, 0).Y != 191 || h.GrayAt(1, 0).Y != 191 || h.GrayAt(1, 1).Y != 191 || h.GrayAt(0, 1).Y != 191 {
		t.Errorf("halve: %v %v %v", h.Rect, h.GrayAt(0, 0), h.GrayAt(1, 1))
	}
}

// Every kind has a threshold, and none is under the floor a calibration
// corpus can vouch for.
func TestDefaultThresholds(t *testing.T) {
	th := DefaultThresholds()
	for _, k := range []string{KindName, KindKana, KindAddress, KindPhone, KindDate, KindOther} {
		v, ok := th[k]
		if !ok || v < MinThreshold || v > 1 {
			t.Errorf("%s: threshold %v (set %v), want in [%.2f, 1]", k, v, ok, MinThreshold)
		}
	}
}

// langOCR answers by language: the first recogniser reads one thing, the
// second another, as two models trained apart do.
type langOCR struct {
	by    map[string]ocr.Result
	specs []ocr.Spec
}

func (f *langOCR) Recognize(_ context.Context, _ *image.Gray, s ocr.Spec) (ocr.Result, error) {
	f.specs = append(f.specs, s)
	return f.by[s.Lang], nil
}

func TestDigitsCorroborated(t *testing.T) {
	applied := field("application_date", templates.Date, "", true)
	addr := field("applicant_address", templates.Text, templates.Kanji, true)
	phone := field("applicant_phone", templates.Text, templates.Digits, false)
	name := field("applicant_name", templates.Text, templates.Kanji, true)
	for _, c := range []struct {
		name      string
		f         templates.Field
		first     string // what the views read, in the field's own language
		firstLang string
		second    string // what the second recogniser reads
		want      any
		review    bool
		why       string
		checked   bool // whether the second recogniser was asked at all
	}{
		{"date agrees", applied, "令和8年11月26日", ocr.Handwriting, "令和8年11月26日", "2026-11-26", false, "", true},
		{"date digit differs", applied, "令和8年11月26日", ocr.Handwriting, "令和8年11月28日", "2026-11-26", true, WhyDigits, true},
		{"date digit dropped", applied, "令和8年11月26日", ocr.Handwriting, "令和8年1月26日", "2026-11-26", true, WhyDigits, true},
		{"full-width digits agree", applied, "令和8年11月26日", ocr.Handwriting, "令和８年１１月２６日", "2026-11-26", false, "", true},
		{"address number differs", addr, "東京都練馬区豊玉北3丁目18番22号", ocr.Handwriting, "東京都練馬区豊玉北3丁目18番2号", "東京都練馬区豊玉北3丁目18番22号", true, WhyDigits, true},
		{"address kanji differ, digits agree", addr, "東京都練馬区豊玉北3丁目18番22号", ocr.Handwriting, "東京都練馬区豊王北3丁目18番22号", "東京都練馬区豊玉北3丁目18番22号", false, "", true},
		{"phone 7 read as 1", phone, "078-786-2884", "eng", "018-186-2884", "078-786-2884", true, WhyDigits, true},
		{"phone agrees", phone, "078-786-2884", "eng", "078-786-2884", "078-786-2884", false, "", true},
		{"no digits, no second read", name, "佐藤 花子", ocr.Handwriting, "", "佐藤花子", false, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			second := "jpn"
			if c.f.Charset == templates.Digits {
				second = ocr.Handwriting
			}
			fake := &langOCR{by: map[string]ocr.Result{c.firstLang: line(c.first, 0.99), second: line(c.second, 0.99)}}
			rd, err := NewReader(fake).WithToday(func() time.Time { return today }).Read(context.Background(), page(c.f.Box), c.f)
			if err != nil {
				t.Fatal(err)
			}
			if rd.Value != c.want || rd.Review != c.review || rd.Why != c.why {
				t.Errorf("got %v review=%v why=%q, want %v review=%v why=%q", rd.Value, rd.Review, rd.Why, c.want, c.review, c.why)
			}
			if c.review && rd.Confidence > 0.6 {
				t.Errorf("confidence %.2f for digits not confirmed, want at most 0.6", rd.Confidence)
			}
			asked := false
			for _, s := range fake.specs {
				asked = asked || s.Lang == second && s.Lang != c.firstLang
			}
			if asked != c.checked {
				t.Errorf("second recogniser asked = %v, want %v (specs %v)", asked, c.checked, fake.specs)
			}
		})
	}
}
