package pipeline

import (
	"slices"
	"strings"
	"testing"

	"shinsei/forms"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// applicationEngine is an engine of the built-in templates, without OCR,
// and the application form's template.
func applicationEngine(t *testing.T) (*Engine, *templates.Template) {
	t.Helper()
	e, err := New(templates.Builtin(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	app, err := templates.Builtin().Get(forms.TemplateApplication, 0)
	if err != nil {
		t.Fatal(err)
	}
	return e, app
}

// sureValue and flaggedValue are a text value read surely, and one for
// a person.
func sureValue(v string) forms.FieldValue { return forms.FieldValue{Value: v, Confidence: 0.98} }

func flaggedValue(v string) forms.FieldValue {
	return forms.FieldValue{Value: v, Confidence: 0.6, Review: true}
}

// An unsure フリガナ near a reading of its name's kanji gets that reading as
// a proposal, still for a person; a sure one, one far from every reading,
// or one under kanji that make no known name, keeps what was read.
func TestProposeReadings(t *testing.T) {
	e, app := applicationEngine(t)
	sure, flagged := sureValue, flaggedValue
	for _, c := range []struct {
		name, kanji string
		nameIssue   string // the name's issue codes, if any, space-separated
		kana        forms.FieldValue
		want        any
		proposed    bool
	}{
		{"misread kana", "後藤節子", "", flagged("コテウセツコ"), "ゴトウセツコ", true},
		{"misread kana under an unsure name", "遠藤節子", "", flagged("エンドウセツンコ"), "エンドウセツコ", true},
		{"sure kana is left alone", "後藤節子", "", sure("コテウセツコ"), "コテウセツコ", false},
		{"far from every reading", "後藤節子", "", flagged("ヤマダハナコ"), "ヤマダハナコ", false},
		{"unknown kanji", "後藤节子", "", flagged("コテウセツコ"), "コテウセツコ", false},
		{"no kana value", "後藤節子", "", forms.FieldValue{Review: true}, nil, false},
		// Read on the calibration hands: under a name the models chose, the
		// nearest reading however far; not under one the kana was held
		// against.
		{"far, under a name the models chose", "伊藤修", text.WhySecond, flagged("ルトウチキサム"), "イトウオサム", true},
		// Under a name read surely and held against its unsure kana
		// alone, too (the calibration hands' 13 such names were right);
		// not under one also read unsurely.
		{"far, under a sure name held against its kana", "吉田結衣", CodeNameReading, flagged("ゴンダユイ"), "ヨシダユイ", true},
		{"far, under an unsure name held against its kana", "吉田結衣", text.WhyUnsure + " " + CodeNameReading, flagged("ゴンダユイ"), "ゴンダユイ", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := forms.Record{Fields: map[string]forms.FieldValue{"applicant_name": sure(c.kanji), "applicant_kana": c.kana}}
			if c.nameIssue != "" {
				rec.Fields["applicant_name"] = flagged(c.kanji)
				for _, code := range strings.Fields(c.nameIssue) {
					rec.Issues = append(rec.Issues, forms.Issue{Field: "applicant_name", Code: code})
				}
			}
			e.proposeReadings(&rec, app)
			got := rec.Fields["applicant_kana"]
			if got.Value != c.want {
				t.Errorf("kana %v, want %v", got.Value, c.want)
			}
			if c.proposed && got.Raw != c.kana.Value {
				t.Errorf("raw %q, want what was read, %q", got.Raw, c.kana.Value)
			}
			if c.kana.Review && !got.Review || c.proposed && got.Confidence > unsureCap {
				t.Errorf("a proposal passed as sure: review %v, confidence %.2f", got.Review, got.Confidence)
			}
			if rec.HasIssue("applicant_kana", CodeKanaProposed) != c.proposed {
				t.Errorf("issues %v; want %s: %v", rec.Issues, CodeKanaProposed, c.proposed)
			}
		})
	}
}

// A 氏名 for review gets the name the second reader chooses among those
// its フリガナ reads as, as a proposal with what it held in its raw; a sure
// 氏名, one already among those names, one with no フリガナ or a フリガナ
// far from every name, and a choice of nothing or of the same name, keep
// what they hold. The fake second reader says which names it was asked
// among.
func TestNameFromKana(t *testing.T) {
	e, app := applicationEngine(t)
	sure, flagged := sureValue, flaggedValue
	for _, c := range []struct {
		name      string
		kanji     forms.FieldValue
		nameIssue string
		kana      string
		chooses   string // the fake second reader's choice, if it is asked
		want      string
		asked     bool
	}{
		// Read on the calibration hands (kouzan-t-brush): the kanji
		// misread, the kana right.
		{"misread kanji, kana right", flagged("中和島愛"), "", "ナカジマリョウ", "中島亮", "中島亮", true},
		{"kana one kana off", flagged("複藤梁"), "", "ゴブトウミナト", "後藤湊", "後藤湊", true},
		{"a name the models chose, replaced", flagged("国田陽翔"), text.WhySecond, "オカダハルト", "岡田陽翔", "岡田陽翔", true},
		{"the models choose nothing", flagged("中和島愛"), "", "ナカジマリョウ", "", "中和島愛", true},
		{"sure name", sure("中島亮"), "", "ナカジマアイ", "中島愛", "中島亮", false},
		{"already a name of that reading", flagged("中嶋亮"), "", "ナカジマリョウ", "中島亮", "中嶋亮", false},
		{"no kana", flagged("中和島愛"), "", "", "中島亮", "中和島愛", false},
		{"kana far from every name", flagged("中和島愛"), "", "ゴンダユイダダ", "中島亮", "中和島愛", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := forms.Record{Fields: map[string]forms.FieldValue{"applicant_name": c.kanji, "applicant_kana": flagged(c.kana)}}
			if c.nameIssue != "" {
				rec.Issues = append(rec.Issues, forms.Issue{Field: "applicant_name", Code: c.nameIssue})
			}
			asked := false
			e.nameFromKana(&rec, app, func(fd templates.Field, names []string) (string, bool) {
				asked = true
				if fd.ID != "applicant_name" {
					t.Errorf("asked of %s", fd.ID)
				}
				if c.chooses != "" && !slices.Contains(names, c.chooses) {
					t.Errorf("%s is not among the %d names asked", c.chooses, len(names))
				}
				return c.chooses, c.chooses != ""
			})
			if asked != c.asked {
				t.Errorf("second reader asked: %v, want %v", asked, c.asked)
			}
			got := rec.Fields["applicant_name"]
			if got.Value != c.want {
				t.Fatalf("name %v, want %v", got.Value, c.want)
			}
			changed := c.want != c.kanji.Value
			if rec.HasIssue("applicant_name", CodeNameFromKana) != changed {
				t.Errorf("issues %v; want %s: %v", rec.Issues, CodeNameFromKana, changed)
			}
			if !changed {
				return
			}
			if !got.Review || got.Confidence > unsureCap || got.Raw != c.kanji.Value {
				t.Errorf("proposal: review %v, confidence %.2f, raw %q; want review, ≤ %.2f, raw %q", got.Review, got.Confidence, got.Raw, unsureCap, c.kanji.Value)
			}
			if rec.HasIssue("applicant_name", text.WhySecond) {
				t.Errorf("the second reader's free choice still claimed: %v", rec.Issues)
			}
		})
	}
}
