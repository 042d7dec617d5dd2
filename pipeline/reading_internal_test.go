package pipeline

import (
	"testing"

	"shinsei/forms"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// An unsure フリガナ near a reading of its name's kanji gets that reading as
// a proposal, still for a person; a sure one, one far from every reading,
// or one under kanji that make no known name, keeps what was read.
func TestProposeReadings(t *testing.T) {
	e, err := New(templates.Builtin(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	app, err := templates.Builtin().Get(forms.TemplateApplication, 0)
	if err != nil {
		t.Fatal(err)
	}
	sure := func(v string) forms.FieldValue { return forms.FieldValue{Value: v, Confidence: 0.98} }
	flagged := func(v string) forms.FieldValue { return forms.FieldValue{Value: v, Confidence: 0.6, Review: true} }
	for _, c := range []struct {
		name, kanji string
		nameIssue   string // the name's issue code, if any
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
		{"far, under a name held against its kana", "後藤夢", CodeNameReading, flagged("ゴトウレン"), "ゴトウレン", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := forms.Record{Fields: map[string]forms.FieldValue{"applicant_name": sure(c.kanji), "applicant_kana": c.kana}}
			if c.nameIssue != "" {
				rec.Fields["applicant_name"] = flagged(c.kanji)
				rec.Issues = append(rec.Issues, forms.Issue{Field: "applicant_name", Code: c.nameIssue})
			}
			e.proposeReadings(&rec, app)
			got := rec.Fields["applicant_kana"]
			if got.Value != c.want {
				t.Errorf("kana %v, want %v", got.Value, c.want)
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
