package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/store/storetest"
	"shinsei/templates"
)

func TestArchiveSearchByNameCSV(t *testing.T) {
	dir := t.TempDir()
	key := "a-test-key-of-at-least-32-bytes-0123456789"
	s := storetest.Open(t, dir, func(string) string { return "" }).Store
	a := archive.New(s, archive.Options{IndexKey: []byte(key)})
	tp, err := templates.Builtin().Get(forms.TemplateApplication, 0)
	if err != nil {
		t.Fatal(err)
	}
	sum := forms.FileSHA256([]byte("an application"))
	rec := forms.Record{
		DocumentID: forms.DocumentID(sum, 1), Source: forms.Source{Name: "app.pdf", SHA256: sum, Page: 1},
		Template: &forms.TemplateRef{ID: tp.ID, Revision: tp.Revision}, Status: forms.Accepted,
		Fields: map[string]forms.FieldValue{
			"applicant_name": {Value: "山田 太郎", Confidence: 0.9},
			"applicant_kana": {Value: "ヤマダ タロウ", Confidence: 0.9},
		},
		Issues: []forms.Issue{},
	}
	if _, err := a.Put(context.Background(), archive.Page{Record: rec, Template: tp}); err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "index.key")
	if err := os.WriteFile(keyFile, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	withEnv := func(k, v string) func(string) string {
		return func(name string) string {
			if name == k {
				return v
			}
			return ""
		}
	}
	search := []string{"--store", dir, "archive", "search", "--name", "やまだ たろう", "--user", "suzuki", "--reason", "本人確認", "--csv"}
	for _, getenv := range []func(string) string{withEnv("SHINSEI_INDEX_KEY", key), withEnv("SHINSEI_INDEX_KEY_FILE", keyFile)} {
		out, errOut, code := shinsei(t, getenv, search...)
		if code != 0 || !strings.HasPrefix(out, "\ufeff") {
			t.Fatalf("exit %d\n%q\n%s", code, out, errOut)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
		if err != nil || len(rows) != 2 || rows[1][0] != rec.DocumentID || rows[1][7] != "山田 太郎" {
			t.Errorf("CSV rows %q, %v", rows, err)
		}
	}
	// Without the key, or with one too short, it says what to set.
	for _, c := range []struct {
		getenv func(string) string
		want   string
	}{
		{withEnv("", ""), "SHINSEI_INDEX_KEY"},
		{withEnv("SHINSEI_INDEX_KEY", "short"), "at least 32"},
	} {
		_, errOut, code := shinsei(t, c.getenv, search...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("exit %d, %q; want 2 and %q", code, errOut, c.want)
		}
	}
	if err := os.Chmod(keyFile, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := shinsei(t, withEnv("SHINSEI_INDEX_KEY_FILE", keyFile), search...); code != 2 || !strings.Contains(errOut, "readable by every user") {
		t.Errorf("world-readable key file: exit %d, %q", code, errOut)
	}
	if _, _, code := shinsei(t, withEnv("SHINSEI_INDEX_KEY", key), append(search, "--json")...); code != 2 {
		t.Errorf("--json with --csv: exit %d", code)
	}
}
