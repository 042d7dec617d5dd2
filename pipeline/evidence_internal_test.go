package pipeline

import (
	"slices"
	"testing"

	"shinsei/forms"
	"shinsei/pipeline/text"
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
		proposed string // a field whose value is the second reader's proposal
	}{
		{"agree", app, map[string]forms.FieldValue{"applicant_name": sure("鈴木翔太"), "applicant_kana": sure("スズキショウタ")}, nil, "", ""},
		{"kana misread", app, map[string]forms.FieldValue{"applicant_name": sure("木村陽菜"), "applicant_kana": sure("キムラレナ")}, []string{"applicant_name", "applicant_kana"}, CodeNameReading, ""},
		{"kanji misread to no name", app, map[string]forms.FieldValue{"applicant_name": sure("鈴木翔大"), "applicant_kana": sure("スズキショウタ")}, []string{"applicant_name", "applicant_kana"}, CodeNameUnknown, ""},
		{"proxy pair", app, map[string]forms.FieldValue{"proxy_name": sure("加藤大郎"), "proxy_kana": sure("カトウタロウ")}, []string{"proxy_name", "proxy_kana"}, CodeNameUnknown, ""},
		{"kana unsure, name known", app, map[string]forms.FieldValue{"applicant_name": sure("山田花子"), "applicant_kana": flagged("ヤマダハナコ")}, []string{"applicant_kana"}, "", ""},
		{"kana unsure and misread, near the name's reading", app, map[string]forms.FieldValue{"applicant_name": sure("後藤節子"), "applicant_kana": flagged("ゴトウセンコ")}, []string{"applicant_kana"}, "", ""},
		{"kana unsure and far from every reading of the name", app, map[string]forms.FieldValue{"applicant_name": sure("山田花子"), "applicant_kana": flagged("ヤマモトイチロウ")}, []string{"applicant_name", "applicant_kana"}, CodeNameReading, ""},
		// Held-out pages (seed 311): 山本 千尋 read 山本千年 and sure, its
		// フリガナ read right but unsurely; two kana from ヤマモトチトシ is
		// near by count, but it spells 山本千尋.
		{"kana unsure, spelling another name", app, map[string]forms.FieldValue{"applicant_name": sure("山本千年"), "applicant_kana": flagged("ヤマモトチヒロ")}, []string{"applicant_name", "applicant_kana"}, CodeNameReading, ""},
		{"kana unsure, name unknown", app, map[string]forms.FieldValue{"applicant_name": sure("高橋拓志"), "applicant_kana": flagged("タカハシ")}, []string{"applicant_name", "applicant_kana"}, CodeNameUnknown, ""},
		{"name unsure, kana does not fit it", app, map[string]forms.FieldValue{"applicant_name": flagged("小川陽菜"), "applicant_kana": sure("オゴガワヒナ")}, []string{"applicant_name", "applicant_kana"}, CodeNameReading, ""},
		{"name unsure, kana fits it", app, map[string]forms.FieldValue{"applicant_name": flagged("小川陽菜"), "applicant_kana": sure("オガワヒナ")}, []string{"applicant_name"}, "", ""},
		{"name unsure and unknown", app, map[string]forms.FieldValue{"applicant_name": flagged("高橋拓志"), "applicant_kana": sure("タカハシタクヤ")}, []string{"applicant_name", "applicant_kana"}, CodeNameReading, ""},
		{"answer sheet, no kana, known", answer, map[string]forms.FieldValue{"proxy_name": sure("山田花子")}, nil, "", ""},
		{"answer sheet, no kana, unknown", answer, map[string]forms.FieldValue{"proxy_name": sure("6331")}, []string{"proxy_name"}, CodeNameUnknown, ""},
		{"太田 could be 大田", app, map[string]forms.FieldValue{"applicant_name": sure("太田花子"), "applicant_kana": sure("オオタハナコ")}, []string{"applicant_name", "applicant_kana"}, CodeNameConfusable, ""},
		{"中島's kana could be ナカシマ", app, map[string]forms.FieldValue{"applicant_name": sure("中島健"), "applicant_kana": sure("ナカジマケン")}, []string{"applicant_name", "applicant_kana"}, CodeNameConfusable, ""},
		{"太郎 could be 太朗", app, map[string]forms.FieldValue{"applicant_name": sure("山田太朗"), "applicant_kana": sure("ヤマダタロウ")}, []string{"applicant_name", "applicant_kana"}, CodeNameConfusable, ""},
		{"answer sheet, no kana, 末永 could be 未永", answer, map[string]forms.FieldValue{"proxy_name": sure("末永花子")}, []string{"proxy_name"}, CodeNameConfusable, ""},
		// 前田 reads マエダ and マエタ: a voicing mark lost (copier, seed 306,
		// held-out hands: マエダ read マエタ at 0.985) or added makes the
		// other; the name itself is not in doubt.
		{"前田's kana, a voicing mark lost", app, map[string]forms.FieldValue{"applicant_name": sure("前田拓也"), "applicant_kana": sure("マエタタクヤ")}, []string{"applicant_kana"}, CodeKanaVoicing, ""},
		{"前田's kana as written", app, map[string]forms.FieldValue{"proxy_name": sure("前田拓也"), "proxy_kana": sure("マエダタクヤ")}, []string{"proxy_kana"}, CodeKanaVoicing, ""},
		{"name unsure, kana fits it but for a voicing mark", app, map[string]forms.FieldValue{"applicant_name": flagged("前田拓也"), "applicant_kana": sure("マエタタクヤ")}, []string{"applicant_name", "applicant_kana"}, CodeKanaVoicing, ""},
		{"empty name", app, map[string]forms.FieldValue{"proxy_name": sure(""), "proxy_kana": sure("")}, nil, "", ""},
		{"name proposed, kana fits it", app, map[string]forms.FieldValue{"applicant_name": flagged("山崎陽子"), "applicant_kana": sure("ヤマサキヨウコ")}, []string{"applicant_name", "applicant_kana"}, CodeKanaUnconfirmed, "applicant_name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := forms.Record{Fields: map[string]forms.FieldValue{}}
			for id, fv := range c.fields {
				rec.Fields[id] = fv
			}
			if c.proposed != "" {
				rec.Issues = append(rec.Issues, forms.Issue{Field: c.proposed, Code: text.WhySecond})
			}
			e.checkNames(&rec, c.tmpl, nil)
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

// A name the second reader's models chose over its rival spellings
// (text.Reader.SettlesRivals) has its confusable kanji settled, not the
// confusable kana of its フリガナ.
func TestCheckNamesChosen(t *testing.T) {
	e, err := New(templates.Builtin(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	app, err := templates.Builtin().Get(forms.TemplateApplication, 0)
	if err != nil {
		t.Fatal(err)
	}
	sure := func(v string) forms.FieldValue { return forms.FieldValue{Value: v, Confidence: 0.98} }
	for _, c := range []struct {
		name, kanji, kana string
		chosen            bool
		review            bool
	}{
		// (Not 山田, which also reads ヤマタ: its フリガナ is for a person
		// whatever the models choose, kana_voicing.)
		{"太郎 could be 太朗, not chosen", "鈴木太郎", "スズキタロウ", false, true},
		{"太郎 could be 太朗, chosen", "鈴木太郎", "スズキタロウ", true, false},
		{"太田 could be 大田, chosen", "太田花子", "オオタハナコ", true, false},
		{"中島's kana could be ナカシマ, chosen", "中島健", "ナカジマケン", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := forms.Record{Fields: map[string]forms.FieldValue{"applicant_name": sure(c.kanji), "applicant_kana": sure(c.kana)}}
			e.checkNames(&rec, app, func(fd templates.Field, name string) bool {
				if fd.ID != "applicant_name" || name != c.kanji {
					t.Errorf("asked to settle %s %q", fd.ID, name)
				}
				return c.chosen
			})
			for _, id := range []string{"applicant_name", "applicant_kana"} {
				if rec.Fields[id].Review != c.review {
					t.Errorf("%s: review = %v, want %v (issues %v)", id, rec.Fields[id].Review, c.review, rec.Issues)
				}
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
		{"北海道札幌市中央区宮の森3丁目30番18号へイツ208号室", true, CodeAddressConfusable}, // ハ read as a hiragana へ
		{"千葉県佐倉市ユーカリが丘4丁目1番1号", false, ""},                             // a town may mix scripts
		{"千葉県佐倉市ユーカリが丘4丁目1番1号ひまわり荘", false, ""},                        // a building in hiragana alone
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

// A name or address that goes to a person and is no known name or place is
// handed over as the one the lists make likely, with what was read kept in
// Raw; it never comes out sure. The checks run first, as in Read, so a
// misreading read surely is flagged before it is suggested for.
func TestSuggest(t *testing.T) {
	e, app := applicationEngine(t)
	answer, err := templates.Builtin().Get(forms.TemplateAnswer, 0)
	if err != nil {
		t.Fatal(err)
	}
	sure, flagged := sureValue, flaggedValue
	for _, c := range []struct {
		name   string
		tmpl   *templates.Template
		fields map[string]forms.FieldValue
		want   map[string]string // fields whose value is replaced, and by what
		code   string            // the issue they carry
	}{
		{"kana agrees", app, map[string]forms.FieldValue{"applicant_name": flagged("山口直予"), "applicant_kana": sure("ヤマグチナオコ")},
			map[string]string{"applicant_name": "山口直子"}, CodeNameSuggested},
		{"kana unsure agrees", app, map[string]forms.FieldValue{"proxy_name": flagged("佐藤得菜"), "proxy_kana": flagged("サトウヒナ")},
			map[string]string{"proxy_name": "佐藤陽菜"}, CodeNameSuggested},
		{"sure misread, kana agrees", app, map[string]forms.FieldValue{"applicant_name": sure("鈴木翔大"), "applicant_kana": sure("スズキショウタ")},
			map[string]string{"applicant_name": "鈴木翔太"}, CodeNameSuggested},
		{"no kana, one confusable neighbour", answer, map[string]forms.FieldValue{"proxy_name": flagged("中島翔大")},
			map[string]string{"proxy_name": "中島翔太"}, CodeNameSuggested},
		{"tie", app, map[string]forms.FieldValue{"applicant_name": flagged("青木直千"), "applicant_kana": sure("アオキナオキ")}, nil, ""},
		{"tie without kana", app, map[string]forms.FieldValue{"applicant_name": flagged("清水意子")}, nil, ""},
		{"known name unsure", app, map[string]forms.FieldValue{"applicant_name": flagged("山田花子"), "applicant_kana": sure("ヤマダハナコ")}, nil, ""},
		{"sure known name", app, map[string]forms.FieldValue{"applicant_name": sure("山口直子"), "applicant_kana": sure("ヤマグチナオコ")}, nil, ""},
		{"name not kept", app, map[string]forms.FieldValue{"proxy_name": {Value: nil, Review: true}}, nil, ""},
		{"address", app, map[string]forms.FieldValue{"applicant_address": flagged("東京都線馬区豊玉北4丁目10番21号")},
			map[string]string{"applicant_address": "東京都練馬区豊玉北4丁目10番21号"}, CodeAddressSuggested},
		{"sure misread address", app, map[string]forms.FieldValue{"proxy_address": sure("福岡県福岡市粒多区坦多駅前6丁目26番1号")},
			map[string]string{"proxy_address": "福岡県福岡市博多区博多駅前6丁目26番1号"}, CodeAddressSuggested},
		{"address tie", app, map[string]forms.FieldValue{"applicant_address": flagged("東京都八王子市坦町5丁目3番8号")}, nil, ""},
		{"known address unsure", app, map[string]forms.FieldValue{"applicant_address": flagged("東京都練馬区豊玉北4丁目10番29号")}, nil, ""},
		{"relationship is no name", app, map[string]forms.FieldValue{"proxy_relationship": flagged("要")}, nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := forms.Record{Fields: map[string]forms.FieldValue{}}
			for id, fv := range c.fields {
				rec.Fields[id] = fv
			}
			e.checkNames(&rec, c.tmpl, nil)
			e.checkAddresses(&rec, c.tmpl)
			e.suggest(&rec, c.tmpl)
			for id, fv := range rec.Fields {
				in := c.fields[id]
				want, ok := c.want[id]
				switch {
				case ok:
					if fv.Value != want || fv.Raw != in.Value || !fv.Review || fv.Confidence > unsureCap || !rec.HasIssue(id, c.code) {
						t.Errorf("%s = %+v, want %q for review (raw %v) with %s; issues %v", id, fv, want, in.Value, c.code, rec.Issues)
					}
				case fv.Value != in.Value || fv.Raw != "":
					t.Errorf("%s = %+v, want %v unchanged", id, fv, in.Value)
				}
			}
			for _, is := range rec.Issues {
				if (is.Code == CodeNameSuggested || is.Code == CodeAddressSuggested) && c.want[is.Field] == "" {
					t.Errorf("issue %s on %s, which was not replaced", is.Code, is.Field)
				}
			}
		})
	}
}

// A suggestion is never sure: whatever a field held and however surely it
// was read, after the checks and the suggestions a field whose value is not
// what was read is for review, so the step adds no silent error.
func TestSuggestNeverSure(t *testing.T) {
	e, err := New(templates.Builtin(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	app, err := templates.Builtin().Get(forms.TemplateApplication, 0)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"後藤花千", "中島翔大", "斉藤陽菜", "佐藤得菜", "山林亮", "青木直千", "山口直予", "清水意子", "山田花子", ""}
	kanas := []string{"ゴトウハナコ", "ナカジマショウタ", "サトウヒナ", "ヤマグチナオコ", "ヤマダハナコ", ""}
	addrs := []string{"東京都線馬区豊玉北4丁目10番21号", "千葉県船括市三味5丁目17番16号", "宮城県仙台市災葉区中山2丁目2番25号", "愛私県名古屋市中区丸中内2丁目16番6号", "東京都世田谷区上上馬6丁目8番10号", "東京都練馬区豊玉北4丁目10番21号", ""}
	n := 0
	for _, name := range names {
		for _, kana := range kanas {
			for _, addr := range addrs {
				for _, conf := range []float64{0.99, 0.6} {
					fv := func(v string) forms.FieldValue {
						return forms.FieldValue{Value: v, Confidence: conf, Review: conf < 0.8}
					}
					rec := forms.Record{Fields: map[string]forms.FieldValue{"applicant_name": fv(name), "applicant_kana": fv(kana), "applicant_address": fv(addr)}}
					e.checkNames(&rec, app, nil)
					e.checkAddresses(&rec, app)
					e.suggest(&rec, app)
					for id, got := range rec.Fields {
						if got.Raw == "" {
							continue
						}
						n++
						if !got.Review || got.Confidence > unsureCap {
							t.Errorf("%s: %q read at %v suggested as %v, review %v at %v", id, got.Raw, conf, got.Value, got.Review, got.Confidence)
						}
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no field was suggested for: the test tests nothing")
	}
}
