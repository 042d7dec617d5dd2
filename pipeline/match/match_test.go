package match

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/cases"
	"shinsei/store"
	"shinsei/store/storetest"
)

// Records here are made by hand: these tests are of the matching rules.
// The end-to-end test (cmd/shinsei) scans generated sheets.

var now = time.Date(2026, 11, 26, 10, 0, 0, 0, forms.Japan())

// eachStore runs fn against a local folder and a MinIO bucket.
func eachStore(t *testing.T, fn func(t *testing.T, s store.Store)) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) { fn(t, b.Store) })
}

func repo(s store.Store) *cases.Repo {
	return cases.New(s, cases.Options{Now: func() time.Time { return now }})
}

func person(name, addr string) forms.Person {
	return forms.Person{Name: name, Kana: "ヤマダ タロウ", BirthDate: "1985-04-12", Address: addr}
}

func openCase(t *testing.T, r *cases.Repo, p forms.Person, certs ...string) forms.Case {
	t.Helper()
	c, err := r.Open(context.Background(), forms.Case{Person: p, Certs: certs, ProxyName: "山田 花子"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sheet is an answer sheet's record as the pipeline makes it: signed,
// confirmed, PIN cells for both certificates.
func sheet(doc string) *forms.Record {
	fv := func(v any) forms.FieldValue { return forms.FieldValue{Value: v, Confidence: 0.99} }
	return &forms.Record{
		DocumentID: doc, Status: forms.Accepted,
		Template: &forms.TemplateRef{ID: forms.TemplateAnswer, Revision: 1},
		Fields: map[string]forms.FieldValue{
			"answer_confirm": fv(true), "person_signature": fv(true), "answer_date": fv("2026-11-20"),
			"proxy_name": fv("山田花子"), "pin_signature": fv(8), "pin_user": fv(4),
		},
		Issues: []forms.Issue{},
	}
}

func codes(rec *forms.Record) string {
	var cs []string
	for _, is := range rec.Issues {
		cs = append(cs, is.Code)
	}
	return strings.Join(cs, ",")
}

func TestAnswer(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r := repo(s)
		m := New(r, "窓口1", func() time.Time { return now })
		c := openCase(t, r, person("山田 太郎", "東京都練馬区豊玉北6丁目12番1号"), "signature", "user")
		userOnly := openCase(t, r, person("鈴木 一郎", "東京都練馬区豊玉北1丁目1番1号"), "user")
		cancelled := openCase(t, r, person("佐藤 花子", "東京都練馬区豊玉北2丁目2番2号"), "signature", "user")
		if _, err := r.Transition(ctx, string(cancelled.ID), forms.CaseCancelled, "test", ""); err != nil {
			t.Fatal(err)
		}
		// Decoys: the same name at two addresses, and the same name and
		// address twice.
		openCase(t, r, person("田中 修", "大阪府堺市堺区桜台1丁目11番15号"), "user")
		openCase(t, r, person("田中 修", "大阪府堺市堺区桜台2丁目1番1号"), "user")
		openCase(t, r, person("井上 愛", "京都府京都市左京区北白川1番2号"), "user")
		openCase(t, r, person("井上 愛", "京都府京都市左京区北白川1番2号"), "user")

		for _, tc := range []struct {
			name   string
			ev     Evidence
			edit   func(*forms.Record)
			how    string
			status forms.CaseStatus // of the case afterwards; "" for no match
			codes  string
		}{
			{"by QR", Evidence{QRRef: string(c.ID)}, nil, "qr", forms.CaseAnswered, ""},
			{"the same case again", Evidence{QRRef: string(c.ID)}, nil, "qr", forms.CaseAnswered, CodeAlreadyAnswered},
			{"PIN cells for a certificate not applied for", Evidence{ReadRef: string(userOnly.ID)}, nil, "reference", forms.CasePending, forms.CodePINCellsMismatch},
			{"by reference", Evidence{ReadRef: string(userOnly.ID)}, func(r *forms.Record) { r.Fields["pin_signature"] = forms.FieldValue{Value: 0, Confidence: 0.99} }, "reference", forms.CaseAnswered, ""},
			{"a cancelled case", Evidence{QRRef: string(cancelled.ID)}, nil, "qr", forms.CaseCancelled, CodeCaseNotPending},
			{"an unknown reference", Evidence{QRRef: "1234-5678-9"}, nil, "", "", CodeCaseUnknown},
			{"nothing readable", Evidence{}, nil, "", "", CodeCaseUnidentified},
			{"the same name at another address", Evidence{Name: "田中修", Address: "大阪府堺市堺区桜台3丁目3番3号"}, nil, "", "", CodeCaseNotFound},
			{"two cases with the same name and address", Evidence{Name: "井上愛", Address: "京都府京都市左京区北白川1番2号"}, nil, "", "", CodeCaseAmbiguous},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rec := sheet("doc-" + tc.name)
				if tc.edit != nil {
					tc.edit(rec)
				}
				if err := m.Answer(ctx, rec, tc.ev); err != nil {
					t.Fatal(err)
				}
				if got := codes(rec); got != tc.codes {
					t.Errorf("issues %q, want %q: %+v", got, tc.codes, rec.Issues)
				}
				if (tc.codes == "") != (rec.Status == forms.Accepted) {
					t.Errorf("status %s with issues %q", rec.Status, codes(rec))
				}
				if tc.status == "" {
					if rec.Case != nil {
						t.Errorf("matched %+v, want no match", rec.Case)
					}
					return
				}
				if rec.Case == nil || rec.Case.Match != tc.how || rec.Case.Status != string(tc.status) {
					t.Fatalf("case link %+v, want %s %s", rec.Case, tc.how, tc.status)
				}
				got, err := r.Get(ctx, rec.Case.ID)
				if err != nil || got.Status != tc.status {
					t.Errorf("case %s is %s (%v), want %s", rec.Case.ID, got.Status, err, tc.status)
				}
			})
		}
		// The one unique name and address among the decoys.
		uniq := openCase(t, r, person("田中 修", "大阪府堺市堺区桜台9丁目9番9号"), "signature", "user")
		rec := sheet("doc-name")
		if err := m.Answer(ctx, rec, Evidence{Name: "田中 修", Address: "大阪府堺市堺区桜台9丁目9番9号"}); err != nil {
			t.Fatal(err)
		}
		if rec.Case == nil || rec.Case.ID != string(uniq.ID) || rec.Case.Match != "name_address" || rec.Case.Status != "answered" {
			t.Errorf("by name and address: %+v, issues %q", rec.Case, codes(rec))
		}
	})
}

// Unsure marks hold a case back, and an answer dated before the sheet was
// printed is an issue.
func TestAnswerNeedsSureChecks(t *testing.T) {
	s := storetest.Open(t, "file://"+t.TempDir(), func(string) string { return "" }).Store
	r := repo(s)
	m := New(r, "窓口1", func() time.Time { return now })
	c := openCase(t, r, person("山田 太郎", "東京都練馬区豊玉北6丁目12番1号"), "signature", "user")
	printed := now.AddDate(0, 0, -3)
	if _, err := r.Update(context.Background(), string(c.ID), func(c forms.Case) (forms.Case, error) { c.SheetPrintedAt = &printed; return c, nil }); err != nil {
		t.Fatal(err)
	}
	rec := sheet("doc-unsure")
	rec.Fields["person_signature"] = forms.FieldValue{Value: true, Confidence: 0.5, Review: true}
	rec.Fields["answer_date"] = forms.FieldValue{Value: "2026-11-01", Confidence: 0.99}
	if err := m.Answer(context.Background(), rec, Evidence{QRRef: string(c.ID)}); err != nil {
		t.Fatal(err)
	}
	if rec.Case == nil || rec.Case.Status != "pending" || codes(rec) != CodeAnswerBeforeSent || rec.Status != forms.NeedsReview {
		t.Errorf("case %+v, issues %q, status %s", rec.Case, codes(rec), rec.Status)
	}
}

// Two stations scanning one sheet at the same moment: exactly one moves
// the case, the others are told it is already answered.
func TestAnswerRace(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store) {
		r := repo(s)
		c := openCase(t, r, person("山田 太郎", "東京都練馬区豊玉北6丁目12番1号"), "signature", "user")
		const n = 6
		recs := make([]*forms.Record, n)
		var wg sync.WaitGroup
		for i := range n {
			recs[i] = sheet("doc-same")
			m := New(r, fmt.Sprintf("窓口%d", i), func() time.Time { return now })
			wg.Go(func() {
				if err := m.Answer(context.Background(), recs[i], Evidence{QRRef: string(c.ID)}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		won, told := 0, 0
		for _, rec := range recs {
			switch codes(rec) {
			case "":
				won++
			case CodeAlreadyAnswered:
				told++
			default:
				t.Errorf("issues %q", codes(rec))
			}
		}
		got, err := r.Get(context.Background(), string(c.ID))
		if err != nil {
			t.Fatal(err)
		}
		answered := 0
		for _, ev := range got.History {
			if ev.To == forms.CaseAnswered {
				answered++
			}
		}
		if won != 1 || told != n-1 || answered != 1 || got.Status != forms.CaseAnswered {
			t.Errorf("%d answered, %d told already answered, %d transitions in the history, status %s", won, told, answered, got.Status)
		}
	})
}

func application(doc string) *forms.Record {
	fv := func(v any) forms.FieldValue { return forms.FieldValue{Value: v, Confidence: 0.99} }
	return &forms.Record{
		DocumentID: doc, Status: forms.Accepted,
		Template: &forms.TemplateRef{ID: forms.TemplateApplication, Revision: 1},
		Fields: map[string]forms.FieldValue{
			"cert_signature": fv(true), "cert_user": fv(false),
			"applicant_name": fv("山田太郎"), "applicant_kana": fv("ヤマダタロウ"), "applicant_birth_date": fv("1985-04-12"),
			"applicant_address": fv("東京都練馬区豊玉北6丁目12番1号"), "proxy_name": fv("山田花子"), "proxy_signature": fv(true),
		},
		Issues: []forms.Issue{},
	}
}

// A proxy application opens one case, however often and from however many
// stations at once it is scanned; one without a proxy opens none; one
// whose person was not read surely opens none and says so.
func TestOpen(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r := repo(s)
		var wg sync.WaitGroup
		recs := make([]*forms.Record, 4)
		for i := range recs {
			recs[i] = application("app-1")
			m := New(r, fmt.Sprintf("窓口%d", i), func() time.Time { return now })
			wg.Go(func() {
				if err := m.Open(ctx, s, recs[i]); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		pending, err := r.List(ctx, forms.CasePending)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 1 || pending[0].Source != "app-1" || pending[0].Person.Name != "山田太郎" || strings.Join(pending[0].Certs, ",") != "signature" {
			t.Fatalf("pending cases %+v, want one for app-1", pending)
		}
		for _, rec := range recs {
			if rec.Case == nil || rec.Case.ID != string(pending[0].ID) {
				t.Errorf("record links %+v, want %s", rec.Case, pending[0].ID)
			}
		}
		m := New(r, "窓口1", func() time.Time { return now })
		noProxy := application("app-2")
		delete(noProxy.Fields, "proxy_name")
		noProxy.Fields["proxy_signature"] = forms.FieldValue{Value: false, Confidence: 0.99}
		unsure := application("app-3")
		unsure.Fields["applicant_birth_date"] = forms.FieldValue{Value: "1985-04-12", Confidence: 0.6, Review: true}
		for _, rec := range []*forms.Record{noProxy, unsure} {
			if err := m.Open(ctx, s, rec); err != nil {
				t.Fatal(err)
			}
		}
		if noProxy.Case != nil || len(noProxy.Issues) != 0 || unsure.Case != nil || codes(unsure) != CodeCaseIncomplete {
			t.Errorf("no proxy: %+v %q; unsure: %+v %q", noProxy.Case, codes(noProxy), unsure.Case, codes(unsure))
		}
		// Racing stations may each have opened one; all but one are cancelled.
		all, err := r.List(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range all {
			if c.ID != pending[0].ID && c.Status != forms.CaseCancelled {
				t.Errorf("case %s is %s, want the duplicate cancelled", c.ID, c.Status)
			}
		}
	})
}

// The printed name and address: exact when the address was read surely;
// a character or two off when it was not, as long as no other case of the
// same name is near.
func TestNameAddress(t *testing.T) {
	// Each case starts from the same fresh store: a match answers its case.
	setup := func(t *testing.T) (*Matcher, forms.Case) {
		s := storetest.Open(t, "file://"+t.TempDir(), func(string) string { return "" }).Store
		r := cases.New(s, cases.Options{Now: func() time.Time { return now }, Rand: rand.New(rand.NewPCG(1, 2))})
		c := openCase(t, r, person("山本 健太", "東京都練馬区豊玉北5丁目7番1号"), "signature", "user")
		openCase(t, r, person("山本 健太", "東京都練馬区旭町1丁目2番3号"), "signature", "user")
		openCase(t, r, person("中村 太郎", "東京都練馬区豊玉北2丁目2番2号"), "signature", "user")
		openCase(t, r, person("中村 太郎", "東京都練馬区豊玉北2丁目2番8号"), "signature", "user")
		return New(r, "窓口1", func() time.Time { return now }), c
	}
	_, c := setup(t) // the seeded references repeat in every store
	for _, tc := range []struct {
		name string
		ev   Evidence
		id   string // "" for no match
		code string
	}{
		{"read surely, exact", Evidence{Name: "山本健太", Address: "東京都練馬区豊玉北5丁目7番1号", AddressSure: true}, string(c.ID), ""},
		{"read surely, one off", Evidence{Name: "山本健太", Address: "東京都練馬区寺玉北5丁目7番1号", AddressSure: true}, "", CodeCaseNotFound},
		{"read unsurely, one off", Evidence{Name: "山本健太", Address: "東京都練馬区寺玉北5丁目7番1号"}, string(c.ID), ""},
		{"read unsurely, three off", Evidence{Name: "山本健太", Address: "東京都練馬区寺土北5丁目7番4号"}, "", CodeCaseNotFound},
		{"two of one name a digit apart", Evidence{Name: "中村太郎", Address: "東京都練馬区豊玉北2丁目2番3号"}, "", CodeCaseAmbiguous},
		{"no sure name", Evidence{Address: "東京都練馬区豊玉北5丁目7番1号", AddressSure: true}, "", CodeCaseUnidentified},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := setup(t)
			rec := sheet("doc-" + tc.name)
			if err := m.Answer(context.Background(), rec, tc.ev); err != nil {
				t.Fatal(err)
			}
			got := ""
			if rec.Case != nil {
				got = rec.Case.ID
				if rec.Case.Match != "name_address" {
					t.Errorf("matched by %s", rec.Case.Match)
				}
			}
			if got != tc.id || (tc.code != "" && !strings.Contains(codes(rec), tc.code)) {
				t.Errorf("matched %q with issues %q; want %q, %q", got, codes(rec), tc.id, tc.code)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"豊玉北", "豊玉北", 0}, {"豊玉北", "寺玉北", 1}, {"1丁目", "1丁目の2", 2}, {"", "abc", 3}, {"kitten", "sitting", 3},
	} {
		if d := editDistance(c.a, c.b); d != c.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, d, c.d)
		}
	}
}
