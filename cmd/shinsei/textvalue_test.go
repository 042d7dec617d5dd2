package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shinsei/forms"
)

// Issue 14, point 3: a PIN written in 代理人氏名 ("6331" in the proxy's name
// box) was stored as proxy_name: "6331", flagged but kept for ever. A
// value the field's charset cannot hold is not stored: the record says it
// was unreadable (null, review, text_not_allowed), and neither the record
// nor any message holds the digits.
func TestScanPINInNameField(t *testing.T) {
	const pin = "6331" // synthetic
	dir := t.TempDir()
	fill := `{"fields": {"cert_user": true, "action_new": true,
	  "applicant_kana": "ヤマダ タロウ", "applicant_name": "山田 太郎", "applicant_birth_date": "昭和60年4月12日",
	  "applicant_sex_male": true, "applicant_address": "東京都練馬区豊玉北6丁目12番1号",
	  "application_date": "令和8年11月2日", "applicant_signature": "山田 太郎",
	  "proxy_kana": "ヤマダ ハナコ", "proxy_name": "` + pin + `", "proxy_address": "東京都練馬区豊玉北6丁目12番1号",
	  "proxy_relationship": "妻", "proxy_id_license": true, "proxy_signature": "山田 花子"}}`
	fillFile := filepath.Join(dir, "fill.json")
	if err := os.WriteFile(fillFile, []byte(fill), 0o644); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "application.png")
	if _, errOut, code := shinsei(t, nil, "templates", "render", "jpki-application", "--fill", fillFile, "--out", page); code != 0 {
		t.Fatalf("render: %s", errOut)
	}
	store := t.TempDir()
	out, errOut, code := shinsei(t, nil, "--store", "file://"+store, "scan", "--json", page)
	if code == 1 {
		t.Fatalf("scan: %s", errOut)
	}
	var rec forms.Record
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	fv, ok := rec.Fields["proxy_name"]
	if !ok || fv.Value != nil || !fv.Review {
		t.Errorf("proxy_name = %+v (present %v), want value null and review", fv, ok)
	}
	found := false
	for _, is := range rec.Issues {
		if is.Field == "proxy_name" && is.Code == "text_not_allowed" {
			found = true
		}
		if strings.Contains(is.Message, pin) {
			t.Errorf("issue %s repeats what was read", is.Code)
		}
	}
	if !found {
		t.Errorf("no text_not_allowed on proxy_name; issues %+v", rec.Issues)
	}
	if rec.Status == forms.Accepted {
		t.Error("accepted")
	}
	// The archived record, the only copy that lasts.
	stored, err := os.ReadFile(filepath.Join(store, "archive", "docs", rec.DocumentID, "record.json"))
	if err != nil {
		t.Fatal(err)
	}
	var arch forms.Record
	if err := json.Unmarshal(stored, &arch); err != nil {
		t.Fatal(err)
	}
	if v := arch.Fields["proxy_name"].Value; v != nil {
		t.Errorf("record.json keeps a proxy_name value of %d characters", len([]rune(v.(string))))
	}
	for _, s := range []string{out, errOut} {
		if strings.Contains(s, `"`+pin+`"`) {
			t.Error("the output holds the digits as a value")
		}
	}
}
