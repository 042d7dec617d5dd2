package pipeline

import (
	"slices"
	"testing"

	"shinsei/forms"
	"shinsei/templates"
)

// The name cross-check sends a pair to a person when the lexicon does not
// back it, whatever the recognizer's confidence; the values themselves are
// never changed. Names are the misreadings an independent hold-out found
// passed as sure.
func TestCheckNames(t *testing.T) {
	e, err := New(templates.Builtin(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	app, err := templates.Builtin().Get(forms.TemplateApplication, 0)
	if err != nil {
		t.Fatal(err)
	}
	answer, err := templates.Builtin().Get(forms.TemplateAnswer, 0)
	if err != nil {
		t.Fatal(err)
	}
	sure := func(v string) forms.FieldValue { return forms.FieldValue{Value: v, Confidence: 0.98} }
	flagged := func(v string) forms.FieldValue { return forms.FieldValue{Value: v, Confidence: 0.4, Review: true} }
	for _, c := range []struct {
		name     string
		tmpl     *templates.Template
		fields   map[string]forms.FieldValue
		review   []string // fields that must end flagged (all others keep their flag)
		wantCode string
	}{
		{"agree", app, map[string]forms.FieldValue{"applicant_name": sure("鈴木翔太"), "applicant_kana": sure("スズキショウタ")}, nil, ""},
		{"kana misread", app, map[string]forms.FieldValue{"applicant_name": sure("木村陽菜"), "applicant_kana": sure("キムラレナ")}, []string{"applicant_name", "applicant_kana"}, CodeNameReading},
		{"kanji misread to no name", app, map[string]forms.FieldValue{"applicant_name": sure("鈴木翔大"), "applicant_kana": sure("スズキショウタ")}, []string{"applicant_name", "applicant_kana"}, CodeNameUnknown},
		{"proxy pair", app, map[string]forms.FieldValue{"proxy_name": sure("加藤大郎"), "proxy_kana": sure("カトウタロウ")}, []string{"proxy_name", "proxy_kana"}, CodeNameUnknown},
		{"kana unsure, name known", app, map[string]forms.FieldValue{"applicant_name": sure("山田花子"), "applicant_kana": flagged("ヤマダハナコ")}, []string{"applicant_kana"}, ""},
		{"kana unsure, name unknown", app, map[string]forms.FieldValue{"applicant_name": sure("高橋拓志"), "applicant_kana": flagged("タカハシ")}, []string{"applicant_name", "applicant_kana"}, CodeNameUnknown},
		{"name unsure, kana does not fit it", app, map[string]forms.FieldValue{"applicant_name": flagged("小川陽菜"), "applicant_kana": sure("オゴガワヒナ")}, []string{"applicant_name", "applicant_kana"}, CodeNameReading},
		{"name unsure, kana fits it", app, map[string]forms.FieldValue{"applicant_name": flagged("小川陽菜"), "applicant_kana": sure("オガワヒナ")}, []string{"applicant_name"}, ""},
		{"name unsure and unknown", app, map[string]forms.FieldValue{"applicant_name": flagged("高橋拓志"), "applicant_kana": sure("タカハシタクヤ")}, []string{"applicant_name", "applicant_kana"}, CodeNameReading},
		{"answer sheet, no kana, known", answer, map[string]forms.FieldValue{"proxy_name": sure("山田花子")}, nil, ""},
		{"answer sheet, no kana, unknown", answer, map[string]forms.FieldValue{"proxy_name": sure("6331")}, []string{"proxy_name"}, CodeNameUnknown},
		{"太田 could be 大田", app, map[string]forms.FieldValue{"applicant_name": sure("太田花子"), "applicant_kana": sure("オオタハナコ")}, []string{"applicant_name", "applicant_kana"}, CodeNameConfusable},
		{"中島's kana could be ナカシマ", app, map[string]forms.FieldValue{"applicant_name": sure("中島健"), "applicant_kana": sure("ナカジマケン")}, []string{"applicant_name", "applicant_kana"}, CodeNameConfusable},
		{"answer sheet, no kana, 末永 could be 未永", answer, map[string]forms.FieldValue{"proxy_name": sure("末永花子")}, []string{"proxy_name"}, CodeNameConfusable},
		{"empty name", app, map[string]forms.FieldValue{"proxy_name": sure(""), "proxy_kana": sure("")}, nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := forms.Record{Fields: map[string]forms.FieldValue{}}
			for id, fv := range c.fields {
				rec.Fields[id] = fv
			}
			e.checkNames(&rec, c.tmpl)
			for id, fv := range rec.Fields {
				want := slices.Contains(c.review, id)
				if fv.Review != want {
					t.Errorf("%s: review = %v, want %v", id, fv.Review, want)
				}
				if fv.Review && fv.Confidence > unsureCap {
					t.Errorf("%s: flagged at confidence %v", id, fv.Confidence)
				}
				if fv.Value != c.fields[id].Value {
					t.Errorf("%s: value changed to %v", id, fv.Value)
				}
			}
			var codes []string
			for _, is := range rec.Issues {
				codes = append(codes, is.Code)
			}
			switch {
			case c.wantCode == "" && len(codes) > 0:
				t.Errorf("issues %v, want none", codes)
			case c.wantCode != "" && !slices.Contains(codes, c.wantCode):
				t.Errorf("issues %v, want %s", codes, c.wantCode)
			}
		})
	}
}

func TestCheckAddresses(t *testing.T) {
	e, err := New(templates.Builtin(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	app, err := templates.Builtin().Get(forms.TemplateApplication, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		addr   string
		review bool
		code   string
	}{
		{"東京都練馬区豊玉北6丁目12番1号", false, ""},
		{"練馬区豊玉北6-12-1", false, ""},
		{"東京都練馬区豊王北6丁目12番1号", true, CodeAddressUnknown},           // 玉 read as 王
		{"埼玉県ふじ野市川崎1丁目2番3号", true, CodeAddressUnknown},            // ふじみ野市 lost its み
		{"長野県松本市中央5丁目5番15号コーポ405号室", true, CodeAddressConfusable}, // パ and バ are confused, and no list knows buildings
		{"長野県松本市中央5丁目5番15号ハイツ405号室", false, ""},
		{"", false, ""}, // empty is the reader's business
	} {
		rec := forms.Record{Fields: map[string]forms.FieldValue{
			"applicant_address": {Value: c.addr, Confidence: 0.97},
			"proxy_address":     {Value: c.addr, Confidence: 0.4, Review: true},
		}}
		e.checkAddresses(&rec, app)
		if got := rec.Fields["applicant_address"].Review; got != c.review {
			t.Errorf("%q: review = %v, want %v", c.addr, got, c.review)
		}
		if got := len(rec.Issues) > 0 && rec.Issues[0].Code == c.code; got != c.review {
			t.Errorf("%q: issues %v, want %q", c.addr, rec.Issues, c.code)
		}
		if len(rec.Issues) > 1 {
			t.Errorf("%q: an address already flagged was flagged again: %v", c.addr, rec.Issues)
		}
	}
}

func TestCheckRelationship(t *testing.T) {
	e, err := New(templates.Builtin(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	app, err := templates.Builtin().Get(forms.TemplateApplication, 0)
	if err != nil {
		t.Fatal(err)
	}
	for v, review := range map[string]bool{"妻": false, "長男": false, "友 人": false, "要": true, "委": true, "": false} {
		rec := forms.Record{Fields: map[string]forms.FieldValue{"proxy_relationship": {Value: v, Confidence: 0.97}}}
		e.checkRelationship(&rec, app)
		if got := rec.Fields["proxy_relationship"].Review; got != review {
			t.Errorf("%q: review = %v, want %v", v, got, review)
		}
		if review && (len(rec.Issues) != 1 || rec.Issues[0].Code != CodeRelationshipUnknown) {
			t.Errorf("%q: issues %v", v, rec.Issues)
		}
	}
}
