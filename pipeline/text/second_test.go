package text

import (
	"context"
	"errors"
	"image"
	"strings"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/ocr"
	"shinsei/ocr/paddle"
	"shinsei/templates"
)

// fakeSecond answers Agree with fixed reads, one per model: these tests
// are of what the reader does with the second opinion (ocr/paddle's own
// tests, the scenario tests and make eval use the real models).
type fakeSecond struct {
	reads []paddle.Read
	err   error
	calls int
	allow string
	// choose are the models' picks for Choose: a spelling (the candidate
	// picked, if listed), its share and fit.
	choose []choice
}

type choice struct {
	paddle.Choice
	spelling string
}

func (f *fakeSecond) Agree(_ context.Context, _ *image.Gray, allow string, same func(paddle.Read) bool) ([]paddle.Read, bool, error) {
	f.calls++
	f.allow = allow
	if f.err != nil {
		return nil, false, f.err
	}
	var out []paddle.Read
	for _, r := range f.reads {
		out = append(out, r)
		if !same(r) {
			return out, false, nil
		}
	}
	return out, true, nil
}

// Choose answers, for each model, the pick of f.choose, if its spelling
// is one of the tree's.
func (f *fakeSecond) Choose(_ context.Context, _ *image.Gray, allow string, tree paddle.Tree) ([]paddle.Choice, error) {
	if f.err != nil {
		return nil, f.err
	}
	var out []paddle.Choice
	for _, c := range f.choose {
		ch := c.Choice
		ch.Key = keyOf(tree, c.spelling)
		if strings.ContainsFunc(c.spelling, func(r rune) bool { return !strings.ContainsRune(allow, r) }) {
			ch.Key = "" // as the models: a spelling outside allow has no likelihood
		}
		if tree.Group != nil && ch.Key != "" {
			ch.Group = tree.Group(ch.Key)
		} else {
			ch.GroupShare = 0
		}
		out = append(out, ch)
	}
	return out, nil
}

// ChooseUntil is Choose, stopping as the real one does.
func (f *fakeSecond) ChooseUntil(ctx context.Context, img *image.Gray, allow string, tree paddle.Tree, next func(paddle.Choice) bool) ([]paddle.Choice, error) {
	all, err := f.Choose(ctx, img, allow, tree)
	if err != nil {
		return nil, err
	}
	for i, c := range all {
		if next != nil && !next(c) {
			return all[:i+1], nil
		}
	}
	return all, nil
}

// spellings are every spelling of tree, with the value each spells.
func spellings(tree paddle.Tree) map[string]string {
	out := map[string]string{}
	var walk func(prefix string, n paddle.Tree)
	walk = func(prefix string, n paddle.Tree) {
		prefix += n.Part
		if n.Key != "" {
			out[prefix] = n.Key
		}
		if n.Kids != nil {
			for _, k := range n.Kids() {
				walk(prefix, k)
			}
		}
	}
	walk("", tree)
	return out
}

// keyOf is the value spelling spells in tree, "" when it is none of
// tree's spellings. Only the branches spelling begins with are walked: a
// phone number's tree has ten billion leaves.
func keyOf(tree paddle.Tree, spelling string) string {
	var walk func(prefix string, n paddle.Tree) string
	walk = func(prefix string, n paddle.Tree) string {
		prefix += n.Part
		if !strings.HasPrefix(spelling, prefix) {
			return ""
		}
		if prefix == spelling && n.Key != "" {
			return n.Key
		}
		if n.Kids != nil {
			for _, k := range n.Kids() {
				if key := walk(prefix, k); key != "" {
					return key
				}
			}
		}
		return ""
	}
	return walk("", tree)
}

func second(texts ...string) *fakeSecond {
	s := &fakeSecond{}
	for _, t := range texts {
		s.reads = append(s.reads, paddle.Read{Text: t, Confidence: 0.9})
	}
	return s
}

// secondEach is second with each read at its own confidence: pairs of
// confidence and text.
func secondEach(pairs ...any) *fakeSecond {
	s := &fakeSecond{}
	for i := 0; i+1 < len(pairs); i += 2 {
		s.reads = append(s.reads, paddle.Read{Confidence: pairs[i].(float64), Text: pairs[i+1].(string)})
	}
	return s
}

// secondAt is second with every read at confidence conf.
func secondAt(conf float64, texts ...string) *fakeSecond {
	s := second(texts...)
	for i := range s.reads {
		s.reads[i].Confidence = conf
	}
	return s
}

func TestSecondOpinion(t *testing.T) {
	applied := field("application_date", templates.Date, "", true)
	phone := field("applicant_phone", templates.Text, templates.Digits, false)
	date := func(s string) ocr.Result { return line(s, 0.97) }
	sure := []ocr.Result{date("令和8年11月20日"), date("令和8年11月20日"), date("令和8年11月20日")}
	split := []ocr.Result{date("令和8年11月20日"), date("令和8年11月20日"), date("令和8年11月26日")}
	badDate := []ocr.Result{date("令和8年1?月20日"), date("令和8年1?月20日"), date("令和8年1?月20日")}
	lowConf := second("令和8年11月20日", "2026/11/20")
	lowConf.reads[1].Confidence = 0.3
	num := func(s string) ocr.Result { return line(s, 0.99) }
	for _, c := range []struct {
		name   string
		f      templates.Field
		reads  []ocr.Result
		second *fakeSecond
		value  any
		review bool
		why    string
	}{
		{"unsure date both models read so", applied, split, second("令和8年11月20日", "2026/11/20"), "2026-11-20", false, ""},
		{"sure date both models read so", applied, sure, second("令和8年11月20日", "令和8年11月20日"), "2026-11-20", false, ""},
		{"one model reads otherwise", applied, split, second("令和8年11月20日", "令和8年11月28日"), "2026-11-20", true, WhyUnsure},
		{"first model reads otherwise", applied, split, second("令和8年11月28日", "令和8年11月20日"), "2026-11-20", true, WhyUnsure},
		{"a proposed day both models read so", applied, []ocr.Result{date("2016/11/20"), date("2016/11/20"), date("2016/11/20")}, second("令和8年11月20日", "2026/11/20"), "2026-11-20", false, ""},
		// Every read passed over writing (31日 with a small 1, read 3日):
		// the models lose it alike, so they cannot make the day sure.
		{"a proposed day read beside its writing, both models read so", applied, []ocr.Result{shifted(date("2016/11/20"), 200), shifted(date("2016/11/20"), 200), shifted(date("2016/11/20"), 200)}, second("令和8年11月20日", "2026/11/20"), "2026-11-20", true, WhySkipped},
		{"both read another day", applied, split, second("令和8年11月26日", "令和8年11月26日"), "2026-11-26", true, WhySecond},
		{"both read another day than a sure value", applied, sure, second("令和8年11月26日", "令和8年11月26日"), "2026-11-26", true, WhySecond},
		{"unreadable date, both read a day", applied, badDate, second("令和8年11月20日", "2026年11月20日"), "2026-11-20", true, WhySecond},
		{"a model unsure", applied, split, lowConf, "2026-11-20", true, WhyUnsure},
		{"both read a day outside the window", applied, split, second("令和7年11月20日", "令和7年11月20日"), "2026-11-20", true, WhyUnsure},
		{"both read no date", applied, split, second("11", "11"), "2026-11-20", true, WhyUnsure},
		{"phone read alike stays unsure", phone, []ocr.Result{num("090-1234-5678"), num("090-1234-5678"), num("090-1234-5679")}, second("090-1234-5678", "09012345678"), "090-1234-5678", true, WhyUnsure},
		{"phone misread, both read a number", phone, []ocr.Result{num("090-1234-567"), num("090-1234-567"), num("090-1234-567")}, second("09012345678", "090-1234-5678"), "090-1234-5678", true, WhySecond},
		// A sure number both models read otherwise, each unsurely (a
		// calibration brush's 4900 read 4990 by eng and jpn_hand, the
		// models reading 4900 at 0.46 and 0.39): for a person, as read.
		{"sure phone, both read another number unsurely", phone, []ocr.Result{num("049-548-4990"), num("049-548-4990"), num("049-548-4990")}, secondAt(0.39, "049-548-4900", "0495484900"), "049-548-4990", true, WhyDigits},
		{"sure phone, both read another number surely", phone, []ocr.Result{num("049-548-4990"), num("049-548-4990"), num("049-548-4990")}, secondAt(0.9, "049-548-4900", "0495484900"), "049-548-4900", true, WhySecond},
		{"sure phone, both read it unsurely", phone, []ocr.Result{num("049-548-4990"), num("049-548-4990"), num("049-548-4990")}, secondAt(0.39, "049-548-4990", "0495484990"), "049-548-4990", false, ""},
		// Read apart, some model reading other digits and none reading
		// Tesseract's at 0.5 or more (a calibration copier page: 3805 read
		// 2805 surely, the models reading 2805 at 0.03 and 8805 at 0.42):
		// for a person, as read.
		{"sure phone, the models read apart unsurely", phone, []ocr.Result{num("049-548-4990"), num("049-548-4990"), num("049-548-4990")}, secondAt(0.39, "049-548-4900", "0495484990"), "049-548-4990", true, WhyDigits},
		{"sure phone, one model reads it very unsurely, the other another number", phone, []ocr.Result{num("068-573-2805"), num("068-573-2805"), num("068-573-2805")}, secondEach(0.03, "068-573-2805", 0.42, "068-573-8805"), "068-573-2805", true, WhyDigits},
		{"sure phone, one model reads another number, the other no number", phone, []ocr.Result{num("049-548-4990"), num("049-548-4990"), num("049-548-4990")}, secondAt(0.39, "049-548-4900", "0495"), "049-548-4990", true, WhyDigits},
		{"sure phone, both read other digits apart, no phone number", phone, []ocr.Result{num("049-548-4990"), num("049-548-4990"), num("049-548-4990")}, secondEach(0.47, "009-548-4900", 0.95, "049-548-4900"), "049-548-4990", true, WhyDigits},
		{"sure phone, the first model reads another number, the second it", phone, []ocr.Result{num("068-573-2805"), num("068-573-2805"), num("068-573-2805")}, secondEach(0.42, "068-573-8805", 0.67, "068-573-2805"), "068-573-2805", false, ""},
		{"sure phone, the first model reads it, the second another number", phone, []ocr.Result{num("068-573-2805"), num("068-573-2805"), num("068-573-2805")}, secondEach(0.67, "068-573-2805", 0.5, "068-573-8805"), "068-573-2805", false, ""},
		{"sure phone, a model reads part of it", phone, []ocr.Result{num("049-548-4990"), num("049-548-4990"), num("049-548-4990")}, secondEach(0.9, "049-548", 0.3, "049-548-4990"), "049-548-4990", false, ""},
		{"phone proposal both read stays a proposal", phone, []ocr.Result{num("90-1234-5678"), num("90-1234-5678"), num("90-1234-5678")}, second("09012345678", "090-1234-5678"), "090-1234-5678", true, WhyPhoneNear},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &seqOCR{res: c.reads}
			rd, err := NewReader(s).WithToday(func() time.Time { return today }).WithSecond(c.second).Read(context.Background(), page(c.f.Box), c.f)
			if err != nil {
				t.Fatal(err)
			}
			if rd.Value != c.value || rd.Review != c.review || rd.Why != c.why {
				t.Errorf("got %#v review %v why %q (confidence %.2f); want %#v review %v why %q", rd.Value, rd.Review, rd.Why, rd.Confidence, c.value, c.review, c.why)
			}
			if c.second.calls != 1 || c.second.allow != secondCharset(c.f) {
				t.Errorf("second reader asked %d times with %q", c.second.calls, c.second.allow)
			}
			if !rd.Review && rd.Confidence < DefaultThresholds()[Kind(c.f)] {
				t.Errorf("sure at confidence %.2f, under the threshold", rd.Confidence)
			}
			if rd.Review && rd.Confidence > 0.67 {
				t.Errorf("sent to a person at confidence %.2f", rd.Confidence)
			}
		})
	}
}

// Names, addresses and kana are never shown to the second reader (its
// models know no kana); an era initial keeps its doubt whatever it reads.
func TestSecondOpinionNotAsked(t *testing.T) {
	name := field("applicant_name", templates.Text, templates.Kanji, true)
	birth := field("applicant_birth_date", templates.Date, "", true)
	for _, c := range []struct {
		name string
		f    templates.Field
		read string
		why  string
	}{
		{"name", name, "佐藤 花子", ""},
		{"era initial", birth, "H5.1.1", WhyEra},
	} {
		t.Run(c.name, func(t *testing.T) {
			s2 := second("平成5年1月1日", "平成5年1月1日")
			rd, err := NewReader(&seqOCR{res: []ocr.Result{line(c.read, 0.99)}}).WithToday(func() time.Time { return today }).WithSecond(s2).Read(context.Background(), page(c.f.Box), c.f)
			if err != nil {
				t.Fatal(err)
			}
			if s2.calls != 0 || rd.Why != c.why {
				t.Errorf("second reader asked %d times; why %q, want %q", s2.calls, rd.Why, c.why)
			}
		})
	}
}

func TestSecondOpinionError(t *testing.T) {
	applied := field("application_date", templates.Date, "", true)
	boom := errors.New("boom")
	_, err := NewReader(&seqOCR{res: []ocr.Result{line("令和8年11月20日", 0.99)}}).WithToday(func() time.Time { return today }).WithSecond(&fakeSecond{err: boom}).Read(context.Background(), page(applied.Box), applied)
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want it to wrap the second reader's", err)
	}
}

// A form's own date that neither Tesseract nor the second reader's free
// reading made out: the day both models pick among the window's, clearly
// and fitting the line, is proposed, never made sure. Where nothing was
// read as a day and they pick none, the one day their free reads name,
// one of them at 0.5 or more, is proposed (loneDay); a read under 0.5,
// two days, or a day the field cannot bear propose nothing, and a day
// Tesseract read, however unsurely, is kept.
func TestChooseDay(t *testing.T) {
	applied := field("application_date", templates.Date, "", true)
	birth := field("applicant_birth_date", templates.Date, "", true)
	garbled := []ocr.Result{line("信和8千11朋20臼", 0.9)} // four misread characters: too far for forms.NearestDate
	garbledBirth := []ocr.Result{line("平戊5千1朋1臼", 0.9)}
	unsure := []ocr.Result{line("令和8年11月20日", 0.4)}
	pick := func(spelling string, share, fit float64) choice {
		return choice{Choice: paddle.Choice{Share: share, Fit: fit}, spelling: spelling}
	}
	clear := []choice{pick("令和8年11月20日", 0.97, -0.5), pick("2026年11月20日", 0.95, -1)}
	for _, c := range []struct {
		name   string
		f      templates.Field
		reads  []ocr.Result
		choose []choice
		value  any
		why    string
		free   *fakeSecond // the models' free reads: two of 11 when nil
	}{
		{"both pick a day", applied, garbled, clear, "2026-11-20", WhySecond, nil},
		{"Tesseract's unsure day is kept: another is only clear enough to propose for no day", applied, unsure, []choice{pick("令和8年11月21日", 0.9, -0.5), pick("2026/11/21", 0.9, -1)}, "2026-11-20", WhyUnsure, nil},
		{"both pick another day than the near one proposed", applied, []ocr.Result{line("令和8年11月2o日", 0.9)}, []choice{pick("令和8年11月21日", 0.99, -0.5), pick("2026/11/21", 0.99, -1)}, "2026-11-21", WhySecond, nil},
		{"they pick different days", applied, garbled, []choice{pick("令和8年11月20日", 0.75, -0.5), pick("令和8年11月26日", 0.97, -0.5)}, nil, WhyDate, nil},
		{"they pick different days, the first very clearly", applied, garbled, []choice{pick("令和8年11月20日", 0.85, -0.5), pick("令和8年11月26日", 0.97, -0.5)}, "2026-11-20", WhySecond, nil},
		{"a near day proposed: the first alone does not replace it", applied, []ocr.Result{line("令和8年19月29日", 0.9)}, []choice{pick("令和8年11月21日", 0.99, -0.5), pick("令和8年11月26日", 0.97, -0.5)}, "2026-10-29", WhyDateNear, nil},
		{"clear enough to propose, not to confirm", applied, garbled, []choice{pick("令和8年11月20日", 0.97, -0.5), pick("令和8年11月20日", 0.9, -4)}, "2026-11-20", WhySecond, nil},
		{"one not clear", applied, garbled, []choice{pick("令和8年11月20日", 0.79, -0.5), pick("令和8年11月20日", 0.84, -0.5)}, nil, WhyDate, nil},
		{"one fits badly", applied, garbled, []choice{pick("令和8年11月20日", 0.99, -5.1), pick("令和8年11月20日", 0.97, -0.5)}, nil, WhyDate, nil},
		{"one model only", applied, garbled, clear[:1], nil, WhyDate, nil},
		{"none scored", applied, garbled, []choice{pick("no such spelling", 1, 0), pick("no such spelling", 1, 0)}, nil, WhyDate, nil},
		{"a birth date", birth, []ocr.Result{line("平戊5千1朋1臼", 0.9)}, []choice{pick("平成5年1月1日", 0.95, -1), pick("1993/01/01", 0.95, -1)}, "1993-01-01", WhySecond, nil},
		{"a birth date in 大正", birth, []ocr.Result{line("大止14千3朋5臼", 0.9)}, []choice{pick("大正14年3月5日", 0.96, -1), pick("大正14年3月5日", 0.95, -1)}, "1925-03-05", WhySecond, nil},
		{"a form's own date is never in 大正", applied, garbled, []choice{pick("大正14年3月5日", 0.96, -1), pick("大正14年3月5日", 0.95, -1)}, nil, WhyDate, nil},
		{"a day outside the window is no candidate", applied, garbled, []choice{pick("令和7年11月20日", 0.97, -0.5), pick("2025/11/20", 0.97, -0.5)}, nil, WhyDate, nil},
		{"nothing read, one model reads a day, the other none", birth, garbledBirth, nil, "1998-11-17", WhySecond, secondEach(0.69, "平成10年11月17日", 0.29, "成月日")},
		{"nothing read, a form's own date, the other model reading no date", applied, garbled, nil, "2026-10-25", WhySecond, secondEach(0.58, "2026年10月25日", 0.29, "2622年70月25日")},
		{"nothing read, one model's day under 0.5", birth, garbledBirth, nil, nil, WhyDate, secondEach(0.49, "昭和11年1月3日")},
		{"nothing read, two days", birth, garbledBirth, nil, nil, WhyDate, secondEach(0.5, "昭和26年4月3日", 0.82, "昭和16年4月3日")},
		{"nothing read, a form's own date outside the window", applied, garbled, nil, nil, WhyDate, secondEach(0.9, "令和7年11月20日")},
		{"a day Tesseract read unsurely is kept beside one model's", applied, unsure, nil, "2026-11-20", WhyUnsure, secondEach(0.9, "令和8年11月21日", 0.3, "令和年")},
	} {
		t.Run(c.name, func(t *testing.T) {
			s2 := c.free
			if s2 == nil {
				s2 = second("11", "11")
			}
			s2.choose = c.choose
			rd, err := NewReader(&seqOCR{res: c.reads}).WithToday(func() time.Time { return today }).WithSecond(s2).Read(context.Background(), page(c.f.Box), c.f)
			if err != nil {
				t.Fatal(err)
			}
			if rd.Value != c.value || rd.Why != c.why || !rd.Review {
				t.Errorf("got %#v why %q review %v; want %#v why %q, for a person", rd.Value, rd.Why, rd.Review, c.value, c.why)
			}
			if rd.Confidence > 0.5 && rd.Why == WhySecond {
				t.Errorf("a proposal at confidence %.2f", rd.Confidence)
			}
		})
	}
}

// A date read surely whose digits jpn read otherwise, or read unsurely, is
// made sure when both models, asked which day of the window it is, clearly
// choose it; otherwise it stays for a person, Tesseract's day kept — but
// for a day read unsurely that both clearly choose another day of, which
// is put in its place, for a person still. A birth date read unsurely is
// never made sure so.
func TestConfirmDay(t *testing.T) {
	applied := field("application_date", templates.Date, "", true)
	birth := field("applicant_birth_date", templates.Date, "", true)
	birthUnsure := []ocr.Result{line("1943/07/12", 0.4)}
	birthDisputed := []ocr.Result{line("1943/07/12", 0.99), line("1943/07/12", 0.99), line("1943/07/12", 0.99), line("1943/01/12", 0.99)}
	birthSure := []ocr.Result{line("1943/07/12", 0.99)} // every view and jpn's digits alike
	// Three sure reads, then jpn's check (the fourth read) with 26 for 20.
	disputed := []ocr.Result{line("令和8年11月20日", 0.99), line("令和8年11月20日", 0.99), line("令和8年11月20日", 0.99), line("令和8年11月26日", 0.99)}
	unsure := []ocr.Result{line("令和8年11月20日", 0.4)}
	pick := func(spelling string, share, fit float64) choice {
		return choice{Choice: paddle.Choice{Share: share, Fit: fit}, spelling: spelling}
	}
	clear := []choice{pick("令和8年11月20日", 0.97, -0.5), pick("2026年11月20日", 0.96, -1)}
	for _, c := range []struct {
		name   string
		f      templates.Field
		reads  []ocr.Result
		choose []choice
		value  string
		review bool
		why    string
	}{
		{"a birth date read unsurely, both choose it", birth, birthUnsure, []choice{pick("1943/07/12", 0.99, -0.5), pick("昭和18年7月12日", 0.99, -1)}, "1943-07-12", true, WhyUnsure},
		{"a birth date read unsurely, both choose another day", birth, birthUnsure, []choice{pick("1943/01/12", 0.99, -0.5), pick("昭和18年1月12日", 0.99, -1)}, "1943-01-12", true, WhySecond},
		{"a birth date read unsurely, one chooses it, one another day", birth, birthUnsure, []choice{pick("1943/07/12", 0.99, -0.5), pick("1943/01/12", 0.99, -1)}, "1943-07-12", true, WhyUnsure},
		{"a birth date disputed, both choose it", birth, birthDisputed, []choice{pick("1943/07/12", 0.99, -0.5), pick("昭和18年7月12日", 0.99, -1)}, "1943-07-12", false, ""},
		{"a birth date read surely, both choose it", birth, birthSure, []choice{pick("1943/07/12", 0.99, -0.5), pick("昭和18年7月12日", 0.99, -1)}, "1943-07-12", false, ""},
		{"a birth date read surely, one not clear", birth, birthSure, []choice{pick("1943/07/12", 0.99, -0.5), pick("昭和18年7月12日", 0.9, -1)}, "1943-07-12", true, WhyDigits},
		{"a birth date read surely, both choose another day", birth, birthSure, []choice{pick("1943/01/12", 0.99, -0.5), pick("昭和18年1月12日", 0.99, -1)}, "1943-07-12", true, WhyDigits},
		{"a form's date read surely is not asked", applied, []ocr.Result{line("令和8年11月20日", 0.99)}, []choice{pick("令和8年11月21日", 0.99, -0.5), pick("2026/11/21", 0.99, -1)}, "2026-11-20", false, ""},
		{"disputed, both choose it", applied, disputed, clear, "2026-11-20", false, ""},
		{"disputed, both choose another day", applied, disputed, []choice{pick("令和8年11月26日", 0.97, -0.5), pick("令和8年11月26日", 0.97, -0.5)}, "2026-11-20", true, WhyDigits},
		{"disputed, one not clear", applied, disputed, []choice{pick("令和8年11月20日", 0.97, -0.5), pick("令和8年11月20日", 0.9, -0.5)}, "2026-11-20", true, WhyDigits},
		{"disputed, one fits badly", applied, disputed, []choice{pick("令和8年11月20日", 0.97, -0.5), pick("令和8年11月20日", 0.97, -5)}, "2026-11-20", true, WhyDigits},
		{"disputed, one model only", applied, disputed, clear[:1], "2026-11-20", true, WhyDigits},
		{"unsure, both choose it", applied, unsure, clear, "2026-11-20", false, ""},
		{"unsure, both choose another day", applied, unsure, []choice{pick("令和8年11月21日", 0.99, -0.5), pick("2026/11/21", 0.99, -1)}, "2026-11-21", true, WhySecond},
		{"unsure, both choose another day, one not clear", applied, unsure, []choice{pick("令和8年11月21日", 0.99, -0.5), pick("2026/11/21", 0.9, -1)}, "2026-11-20", true, WhyUnsure},
		{"unsure, both choose another day, one fits badly", applied, unsure, []choice{pick("令和8年11月21日", 0.99, -0.5), pick("2026/11/21", 0.99, -5)}, "2026-11-20", true, WhyUnsure},
		{"unsure, each chooses another day", applied, unsure, []choice{pick("令和8年11月21日", 0.99, -0.5), pick("2026/11/27", 0.99, -1)}, "2026-11-20", true, WhyUnsure},
		{"unsure, one chooses it, one another day", applied, unsure, []choice{pick("令和8年11月20日", 0.99, -0.5), pick("2026/11/21", 0.99, -1)}, "2026-11-20", true, WhyUnsure},
		{"unsure, another day, one model only", applied, unsure, []choice{pick("令和8年11月21日", 0.99, -0.5)}, "2026-11-20", true, WhyUnsure},
		{"unsure, one not clear", applied, unsure, []choice{pick("令和8年11月20日", 0.97, -0.5), pick("令和8年11月20日", 0.9, -0.5)}, "2026-11-20", true, WhyUnsure},
	} {
		t.Run(c.name, func(t *testing.T) {
			s2 := second("11", "11")
			s2.choose = c.choose
			rd, err := NewReader(&seqOCR{res: c.reads}).WithToday(func() time.Time { return today }).WithSecond(s2).Read(context.Background(), page(c.f.Box), c.f)
			if err != nil {
				t.Fatal(err)
			}
			if rd.Value != c.value || rd.Review != c.review || rd.Why != c.why {
				t.Errorf("got %#v review %v why %q; want %s review %v why %q", rd.Value, rd.Review, rd.Why, c.value, c.review, c.why)
			}
		})
	}
}

// Both models read Tesseract's day, one of them under minSettleConfidence
// (令和8年10月23日 in a brush read 10月13日 by all three): their reads do
// not settle the day; confirmDay asks them to choose it among the window's
// days, as for a day read unsurely or disputed. A birth date read unsurely
// or a proposed day is then sure only when both choose it.
func TestReadAlikeUnsurely(t *testing.T) {
	applied := field("application_date", templates.Date, "", true)
	birth := field("applicant_birth_date", templates.Date, "", true)
	split := []ocr.Result{line("令和8年11月20日", 0.97), line("令和8年11月20日", 0.97), line("令和8年11月26日", 0.97)}
	birthSure := []ocr.Result{line("1943/07/12", 0.99)}
	birthUnsure := []ocr.Result{line("1943/07/12", 0.4)}
	proposed := []ocr.Result{line("2016/11/20", 0.97)} // the one day near 2016/11/20
	pick := func(spelling string, share, fit float64) choice {
		return choice{Choice: paddle.Choice{Share: share, Fit: fit}, spelling: spelling}
	}
	for _, c := range []struct {
		name   string
		f      templates.Field
		reads  []ocr.Result
		second *fakeSecond
		least  float64 // the second model's confidence; the first's is 0.93
		choose []choice
		value  string
		review bool
		why    string
	}{
		{"unsure, read alike at 0.93 and 0.81", applied, split, second("令和8年11月20日", "2026/11/20"), 0.81, nil, "2026-11-20", true, WhyUnsure},
		{"unsure, read alike at 0.93 and 0.81, both choose it", applied, split, second("令和8年11月20日", "2026/11/20"), 0.81, []choice{pick("令和8年11月20日", 0.97, -0.5), pick("2026/11/20", 0.96, -1)}, "2026-11-20", false, ""},
		{"unsure, read alike at 0.93 and 0.81, both choose another day", applied, split, second("令和8年11月20日", "2026/11/20"), 0.81, []choice{pick("令和8年11月21日", 0.97, -0.5), pick("2026/11/21", 0.96, -1)}, "2026-11-21", true, WhySecond},
		{"unsure, read alike at 0.93 and 0.90", applied, split, second("令和8年11月20日", "2026/11/20"), 0.90, nil, "2026-11-20", false, ""},
		{"a birth date read surely, read alike at 0.93 and 0.81", birth, birthSure, second("1943/07/12", "昭和18年7月12日"), 0.81, nil, "1943-07-12", true, WhyDigits},
		{"a birth date read surely, read alike at 0.93 and 0.81, both choose it", birth, birthSure, second("1943/07/12", "昭和18年7月12日"), 0.81, []choice{pick("1943/07/12", 0.99, -0.5), pick("昭和18年7月12日", 0.99, -1)}, "1943-07-12", false, ""},
		{"a birth date read unsurely, read alike at 0.93 and 0.81", birth, birthUnsure, second("1943/07/12", "昭和18年7月12日"), 0.81, nil, "1943-07-12", true, WhyUnsure},
		{"a birth date read unsurely, read alike at 0.93 and 0.81, both choose it", birth, birthUnsure, second("1943/07/12", "昭和18年7月12日"), 0.81, []choice{pick("1943/07/12", 0.99, -0.5), pick("昭和18年7月12日", 0.99, -1)}, "1943-07-12", false, ""},
		{"a birth date read unsurely, read alike at 0.93 and 0.81, one not clear", birth, birthUnsure, second("1943/07/12", "昭和18年7月12日"), 0.81, []choice{pick("1943/07/12", 0.99, -0.5), pick("昭和18年7月12日", 0.9, -1)}, "1943-07-12", true, WhyUnsure},
		{"a proposed day read alike at 0.93 and 0.81", applied, proposed, second("令和8年11月20日", "2026/11/20"), 0.81, nil, "2026-11-20", true, WhyDateNear},
		{"a proposed day read alike at 0.93 and 0.81, both choose it", applied, proposed, second("令和8年11月20日", "2026/11/20"), 0.81, []choice{pick("令和8年11月20日", 0.97, -0.5), pick("2026/11/20", 0.96, -1)}, "2026-11-20", false, ""},
		{"a proposed day read alike at 0.93 and 0.81, both choose another day", applied, proposed, second("令和8年11月20日", "2026/11/20"), 0.81, []choice{pick("令和8年11月21日", 0.97, -0.5), pick("2026/11/21", 0.96, -1)}, "2026-11-20", true, WhyDateNear},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.second.reads[0].Confidence, c.second.reads[1].Confidence = 0.93, c.least
			c.second.choose = c.choose
			rd, err := NewReader(&seqOCR{res: c.reads}).WithToday(func() time.Time { return today }).WithSecond(c.second).Read(context.Background(), page(c.f.Box), c.f)
			if err != nil {
				t.Fatal(err)
			}
			if rd.Value != c.value || rd.Review != c.review || rd.Why != c.why {
				t.Errorf("got %#v review %v why %q (confidence %.2f); want %s review %v why %q", rd.Value, rd.Review, rd.Why, rd.Confidence, c.value, c.review, c.why)
			}
			if !rd.Review && rd.Confidence < DefaultThresholds()[Kind(c.f)] {
				t.Errorf("sure at confidence %.2f, under the threshold", rd.Confidence)
			}
		})
	}
}

// Every day of the window is spelt as the forms see it, and only its days;
// and every birth date from 1900 on has a spelling.
func TestDateTree(t *testing.T) {
	lo, hi := time.Date(2019, 4, 29, 0, 0, 0, 0, time.UTC), time.Date(2019, 5, 2, 0, 0, 0, 0, time.UTC)
	all := spellings(dateTree(lo, hi))
	for s, day := range map[string]string{
		"平成31年4月30日": "2019-04-30", "令和元年5月1日": "2019-05-01", "2019年5月2日": "2019-05-02",
		"2019/04/29": "2019-04-29", "2019/4/29": "2019-04-29", "2019/05/01": "2019-05-01", "2019/5/1": "2019-05-01",
	} {
		if all[s] != day {
			t.Errorf("%s: spells %q, want %s", s, all[s], day)
		}
	}
	for _, s := range []string{"令和元年4月30日", "平成31年5月1日", "2019/04/28", "2019年5月3日"} {
		if _, ok := all[s]; ok {
			t.Errorf("%s is spelt: outside the window, or its era", s)
		}
	}
	for s, day := range all {
		d, _, err := forms.ParseDate(s)
		if err != nil || d.Format("2006-01-02") != day {
			t.Errorf("%s is listed for %s but parses as %v, %v", s, day, d, err)
		}
		if d.Before(lo) || d.After(hi) {
			t.Errorf("%s lies outside the window", s)
		}
	}
	birth := field("applicant_birth_date", templates.Date, "", true)
	days := map[string]bool{}
	for _, day := range spellings(dateTree(dateWindow(birth, asOf{today: today}))) {
		days[day] = true
	}
	if want := int(today.Sub(time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)).Hours()/24) + 1; len(days) != want {
		t.Errorf("%d birth dates spelt, want %d", len(days), want)
	}
}

// checkChosen checks what a chooser left: the value, review and reason
// wanted, and a value sent to a person at no more than 0.67.
func checkChosen(t *testing.T, got Reading, value any, review bool, why string) {
	t.Helper()
	if got.Value != value || got.Review != review || got.Why != why {
		t.Errorf("got %#v review %v why %q; want %#v review %v why %q", got.Value, got.Review, got.Why, value, review, why)
	}
	if got.Review && got.Confidence > 0.67 {
		t.Errorf("sent to a person at confidence %.2f", got.Confidence)
	}
}
