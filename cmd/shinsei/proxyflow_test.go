package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/store/storetest"
)

// The proxy procedure end to end, on the local store and on MinIO: a
// proxy's application is scanned and opens a pending case; the city prints
// the case's answer sheet; the person fills it in and it comes back
// scanned (the generator's hand and scanner); scanning it matches it to
// the case, which is then answered; the archive finds both documents by
// the case; the same sheet scanned again changes nothing and says so.
func TestProxyFlow(t *testing.T) {
	t.Run("local", func(t *testing.T) {
		home := t.TempDir()
		proxyFlow(t, func(k string) string {
			if k == "HOME" {
				return home
			}
			return ""
		})
	})
	t.Run("s3", func(t *testing.T) {
		url, s3env := storetest.S3(t, "")
		proxyFlow(t, func(k string) string {
			if k == "SHINSEI_STORE" {
				return url
			}
			return s3env(k)
		})
	})
}

func proxyFlow(t *testing.T, getenv func(string) string) {
	dir := t.TempDir()
	// 1. The application, filled in print (shinsei never forges a hand, so
	// the signatures are names) and run through the scanner model. The
	// person is one the lexicon can settle: 山田 太郎 is never sure, as 太朗,
	// which the model reads for 太郎, is タロウ too.
	fill := `{"fields": {"cert_signature": true, "cert_user": true, "action_new": true,
	  "applicant_kana": "ヤマダ マコト", "applicant_name": "山田 誠", "applicant_birth_date": "昭和60年4月12日",
	  "applicant_sex_male": true, "applicant_address": "東京都練馬区豊玉北6丁目12番1号",
	  "application_date": "令和8年11月2日", "applicant_signature": "山田 誠",
	  "proxy_kana": "ヤマダ ハナコ", "proxy_name": "山田 花子", "proxy_address": "東京都練馬区豊玉北6丁目12番1号",
	  "proxy_relationship": "妻", "proxy_id_license": true, "proxy_signature": "山田 花子"}}`
	fillFile := filepath.Join(dir, "fill.json")
	if err := os.WriteFile(fillFile, []byte(fill), 0o644); err != nil {
		t.Fatal(err)
	}
	printed := filepath.Join(dir, "printed.png")
	if _, errOut, code := shinsei(t, getenv, "templates", "render", "jpki-application", "--fill", fillFile, "--out", printed); code != 0 {
		t.Fatalf("render: %s", errOut)
	}
	app := filepath.Join(dir, "application.png")
	damage(t, printed, app, 11)

	out, errOut, code := shinsei(t, getenv, "scan", "--json", "--station", "本庁1番", app)
	if code == 1 {
		t.Fatalf("scanning the application: %s", errOut)
	}
	var appRec forms.Record
	if err := json.Unmarshal([]byte(out), &appRec); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	if appRec.Case == nil || appRec.Case.Match != "opened" || appRec.Case.Status != "pending" {
		t.Fatalf("the application opened no case: %+v, issues %+v", appRec.Case, appRec.Issues)
	}
	id := appRec.Case.ID

	// 2. The case, and its answer sheet to mail.
	out, _, code = shinsei(t, getenv, "cases", "show", id, "--json", "--user", "窓口", "--reason", "proxy flow test")
	var c forms.Case
	if err := json.Unmarshal([]byte(out), &c); err != nil || code != 0 {
		t.Fatalf("cases show: exit %d, %v", code, err)
	}
	if forms.CompactText(c.Person.Name) != "山田誠" || c.Person.BirthDate != "1985-04-12" || strings.Join(c.Certs, ",") != "signature,user" {
		t.Errorf("case opened as %+v", c)
	}
	if _, errOut, code := shinsei(t, getenv, "cases", "sheet", id, "--out", filepath.Join(dir, "sheet.png"), "--user", "窓口"); code != 0 {
		t.Fatalf("cases sheet: %s", errOut)
	}

	// 3. The person fills it in; the proxy brings it back; it is scanned.
	g, err := scangen.New(scangen.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	birth, _ := time.Parse("2006-01-02", c.Person.BirthDate)
	doc, err := g.Answer(scangen.Case{Ref: id, Name: c.Person.Name, Kana: c.Person.Kana, Address: c.Person.Address, Birth: birth, Certs: c.Certs, ProxyName: c.ProxyName},
		scangen.AnswerOptions{Mix: scanfx.Standard, Seed: 5, Format: "png", AnswerDate: time.Now().In(forms.Japan())})
	if err != nil {
		t.Fatal(err)
	}
	answer := filepath.Join(dir, doc.Name)
	if err := os.WriteFile(answer, doc.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	// Two stations scan it at the same moment: one answers the case, the
	// other is told it is already answered.
	var recs [2]forms.Record
	var wg sync.WaitGroup
	for i, station := range []string{"本庁2番", "本庁3番"} {
		wg.Go(func() {
			out, errOut, _ := shinsei(t, getenv, "scan", "--json", "--station", station, answer)
			if err := json.Unmarshal([]byte(out), &recs[i]); err != nil {
				t.Errorf("%v: %q %s", err, out, errOut)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	var ansRec forms.Record
	told := 0
	for _, r := range recs {
		if r.Case == nil || r.Case.ID != id || r.Case.Match != "qr" || r.Case.Status != "answered" {
			t.Fatalf("the answer sheet: case %+v, issues %+v", r.Case, r.Issues)
		}
		if hasCode(r, "case_already_answered") {
			told++
		} else {
			ansRec = r
		}
	}
	if told != 1 || ansRec.DocumentID == "" {
		t.Fatalf("two scans at once: %d told already answered, want exactly 1: %+v", told, recs)
	}
	out, _, _ = shinsei(t, getenv, "cases", "show", id, "--json", "--user", "窓口", "--reason", "proxy flow test")
	if !strings.Contains(out, `"status":"answered"`) || !strings.Contains(out, ansRec.DocumentID) {
		t.Errorf("case after the answer: %s", out)
	}

	// 4. The archive has both, found by the case.
	out, errOut, code = shinsei(t, getenv, "archive", "search", "--case", id, "--json", "--user", "test", "--reason", "end-to-end test")
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, appRec.DocumentID) || !strings.Contains(out, ansRec.DocumentID) {
		t.Errorf("archive search --case %s: exit %d, %s %s", id, code, out, errOut)
	}

	// 5. The same sheet once more: no second transition, one archive entry.
	out, _, _ = shinsei(t, getenv, "scan", "--json", answer)
	if !strings.Contains(out, "case_already_answered") {
		t.Errorf("rescan of the answered sheet: %s", out)
	}
	out, _, _ = shinsei(t, getenv, "archive", "search", "--case", id, "--json", "--user", "test", "--reason", "end-to-end test")
	if n := strings.Count(out, "\n"); n != 2 {
		t.Errorf("after a rescan the archive has %d documents for the case, want 2", n)
	}
	out, _, _ = shinsei(t, getenv, "cases", "show", id, "--json", "--user", "窓口", "--reason", "proxy flow test")
	if n := strings.Count(out, `"to":"answered"`); n != 1 {
		t.Errorf("%d transitions to answered in the history", n)
	}
}

// damage runs a rendered page through the scanner model (standard mix,
// upright) and writes it as PNG.
func damage(t *testing.T, in, out string, seed uint64) {
	t.Helper()
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := scangen.DecodeFile(in, data)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	p := scanfx.RandomParams(rng, scanfx.Standard)
	p.Rotate90 = 2 // and upside down, as pages often are
	img, _, err := scanfx.Apply(imgs[0], p, rng)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	dpi := p.DPI
	if dpi == 0 {
		dpi = scanfx.SourceDPI
	}
	if err := scanfx.Encode(&b, img, scanfx.PNG, scanfx.EncodeOptions{DPI: dpi}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func hasCode(r forms.Record, code string) bool {
	for _, is := range r.Issues {
		if is.Code == code {
			return true
		}
	}
	return false
}
