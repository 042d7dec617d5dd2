package archive_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/store"
)

var testIndexKey = []byte("0123456789abcdef0123456789abcdef-test-only")

// Names are found in any spelling a person types, and never appear in a
// key.
func TestSearchByName(t *testing.T) {
	backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		a := archive.New(s, archive.Options{IndexKey: testIndexKey})
		put := func(name, kanji, kana, proxy string) string {
			f := makePage(t, pageSpec{name: name, template: "jpki-application", status: forms.Accepted})
			f.page.Record.Fields["applicant_name"] = forms.FieldValue{Value: kanji, Confidence: 0.9}
			f.page.Record.Fields["applicant_kana"] = forms.FieldValue{Value: kana, Confidence: 0.9}
			if proxy != "" {
				f.page.Record.Fields["proxy_name"] = forms.FieldValue{Value: proxy, Confidence: 0.9}
			}
			if _, err := a.Put(ctx, f.page); err != nil {
				t.Fatal(err)
			}
			return f.page.Record.DocumentID
		}
		yamada := put("a.pdf", "山田 太郎", "ヤマダ タロウ", "")
		sato := put("b.pdf", "佐藤 花子", "サトウ ハナコ", "山田　太郎")
		put("c.pdf", "山田 次郎", "ヤマダ ジロウ", "")

		for _, c := range []struct {
			name string
			want []string
		}{
			{"山田 太郎", []string{yamada, sato}}, // applicant of one, proxy of the other
			{"山田太郎", []string{yamada, sato}},
			{"山田　太郎", []string{yamada, sato}},
			{"ヤマダ タロウ", []string{yamada}},
			{"やまだたろう", []string{yamada}},
			{"ﾔﾏﾀﾞ ﾀﾛｳ", []string{yamada}},
			{"サトウハナコ", []string{sato}},
			{"山田", nil}, // whole names only: a hash has no prefixes
			{"鈴木 一郎", nil},
		} {
			recs, err := a.Search(ctx, archive.Query{Name: c.name, Who: who, Why: "照会"})
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var got []string
			for _, r := range recs {
				got = append(got, r.DocumentID)
			}
			slices.Sort(c.want)
			if !slices.Equal(got, c.want) {
				t.Errorf("Search(name %q) = %v, want %v", c.name, got, c.want)
			}
		}
		// With another criterion too.
		if recs, _ := a.Search(ctx, archive.Query{Name: "山田太郎", Form: "jpki-revocation", Who: who, Why: "照会"}); len(recs) != 0 {
			t.Errorf("name and another form: %d records", len(recs))
		}
		// No key holds a name, in any spelling.
		for info, err := range s.List(ctx, "") {
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range []string{"山田", "太郎", "ヤマダ", "佐藤", "サトウ", "ハナコ"} {
				if strings.Contains(info.Key, n) {
					t.Errorf("key %s holds a name", info.Key)
				}
			}
		}
		// The search is audited with the name asked for.
		log, err := a.Audit(ctx, time.Time{}, time.Time{})
		if err != nil || len(log) == 0 || log[len(log)-1].Query == nil || log[len(log)-1].Query.Name != "山田太郎" {
			t.Errorf("last audit entry %+v, %v", log[len(log)-1], err)
		}
	})
}

// The index is keyed: another key finds nothing; no key is an error.
func TestNameIndexKeyed(t *testing.T) {
	ctx := context.Background()
	s := localStore(t)
	a := archive.New(s, archive.Options{IndexKey: testIndexKey})
	f := makePage(t, pageSpec{name: "a.pdf", template: "jpki-application", status: forms.Accepted})
	f.page.Record.Fields["applicant_name"] = forms.FieldValue{Value: "山田 太郎", Confidence: 0.9}
	if _, err := a.Put(ctx, f.page); err != nil {
		t.Fatal(err)
	}
	other := archive.New(s, archive.Options{IndexKey: []byte(strings.Repeat("k", 32))})
	if recs, err := other.Search(ctx, archive.Query{Name: "山田太郎", Who: who, Why: "照会"}); err != nil || len(recs) != 0 {
		t.Errorf("another key: %d records, %v", len(recs), err)
	}
	none := archive.New(s, archive.Options{})
	if _, err := none.Search(ctx, archive.Query{Name: "山田太郎", Who: who, Why: "照会"}); !errors.Is(err, archive.ErrNoIndexKey) {
		t.Errorf("no key: %v", err)
	}
	if _, err := a.Search(ctx, archive.Query{Name: "  ", Who: who, Why: "照会"}); !errors.Is(err, archive.ErrInvalidQuery) {
		t.Errorf("blank name: %v", err)
	}
}
