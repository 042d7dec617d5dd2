package forms

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
)

// absent, as an edit, deletes the field from the record.
type absent struct{}

func fields(kv map[string]any) map[string]FieldValue {
	out := make(map[string]FieldValue, len(kv))
	for k, v := range kv {
		out[k] = FieldValue{Value: v, Confidence: 0.99}
	}
	return out
}

// edit copies a record and applies edits: a value replaces, nil makes the
// field unknown, absent{} removes it.
func edit(base map[string]FieldValue, edits map[string]any) map[string]FieldValue {
	out := maps.Clone(base)
	for k, v := range edits {
		if _, gone := v.(absent); gone {
			delete(out, k)
			continue
		}
		out[k] = FieldValue{Value: v, Confidence: 0.5, Review: v == nil}
	}
	return out
}

// The personal data of the fixtures: no message may echo any of it.
var personal = []string{"佐藤", "花子", "サトウ", "千代田", "03-1234-5678", "鈴木", "一郎", "スズキ", "横浜", "090-8765-4321", "長男"}

func applicant() map[string]any {
	return map[string]any{
		"applicant_kana": "サトウ ハナコ", "applicant_name": "佐藤 花子", "applicant_birth_date": "1985-04-12",
		"applicant_sex_male": false, "applicant_sex_female": true, "applicant_address": "東京都千代田区1-2-3",
		"applicant_phone": "03-1234-5678", "application_date": "2026-11-20", "applicant_signature": true,
	}
}

func validApplication() map[string]FieldValue {
	kv := applicant()
	maps.Copy(kv, map[string]any{
		"cert_signature": true, "cert_user": true, "action_new": true, "action_renew": false,
		"proxy_kana": "", "proxy_name": "", "proxy_address": "", "proxy_phone": "", "proxy_relationship": "",
		"proxy_id_mynumber": false, "proxy_id_license": false, "proxy_id_passport": false,
		"proxy_id_driving_history": false, "proxy_id_residence_card": false, "proxy_id_special_permanent": false,
		"proxy_signature": false,
	})
	return fields(kv)
}

// proxyApplication has a complete proxy block.
func proxyApplication() map[string]FieldValue {
	return edit(validApplication(), map[string]any{
		"proxy_kana": "スズキ イチロウ", "proxy_name": "鈴木 一郎", "proxy_address": "神奈川県横浜市1-1",
		"proxy_phone": "090-8765-4321", "proxy_relationship": "長男", "proxy_id_license": true, "proxy_signature": true,
	})
}

// emptyProxy is an application whose proxy block is wholly blank, to which
// a case adds one filled field.
func emptyProxy(edits map[string]any) map[string]FieldValue { return edit(validApplication(), edits) }

func validRevocation() map[string]FieldValue {
	kv := applicant()
	maps.Copy(kv, map[string]any{
		"cert_signature": true, "cert_user": false, "request_revoke": true, "request_compromise": false,
		"reason_leak": false, "reason_theft": false, "reason_loss": false, "reason_damage": false,
	})
	return fields(kv)
}

func validAnswer() map[string]FieldValue {
	return fields(map[string]any{
		"case_ref": "4991-7264-0", "answer_confirm": true, "answer_date": "2026-11-20", "person_signature": true,
		"proxy_name": "鈴木 一郎", "pin_signature": 8, "pin_user": 4,
	})
}

var (
	today    = time.Date(2026, 11, 26, 10, 0, 0, 0, time.FixedZone("JST", 9*3600))
	both     = []string{CertSignature, CertUser}
	noIssues []string
)

type ruleCase struct {
	name     string
	template string
	fields   map[string]FieldValue
	rc       RuleContext
	want     []string // "field:code", in order
}

func ctx() RuleContext                { return RuleContext{Today: today} }
func ctxCerts(c []string) RuleContext { return RuleContext{Today: today, Certs: c} }

func ruleCases() []ruleCase {
	app, rev, ans := TemplateApplication, TemplateRevocation, TemplateAnswer
	return []ruleCase{
		// passing records
		{"application passes", app, validApplication(), ctx(), noIssues},
		{"application with proxy passes", app, proxyApplication(), ctx(), noIssues},
		{"revocation passes", rev, validRevocation(), ctx(), noIssues},
		{"answer passes", ans, validAnswer(), ctxCerts(both), noIssues},
		{"answer passes with no case", ans, validAnswer(), ctx(), noIssues},
		{"empty application: nothing known", app, nil, ctx(), noIssues},
		{"unknown template", "jpki-other", edit(validApplication(), map[string]any{"cert_signature": false, "cert_user": false}), ctx(), noIssues},

		// cert_none
		{"cert_none: application", app, edit(validApplication(), map[string]any{"cert_signature": false, "cert_user": false}), ctx(), []string{"cert_signature:cert_none"}},
		{"cert_none: revocation", rev, edit(validRevocation(), map[string]any{"cert_signature": false}), ctx(), []string{"cert_signature:cert_none"}},
		{"cert_none: user only is fine", app, edit(validApplication(), map[string]any{"cert_signature": false}), ctx(), noIssues},
		{"cert_none: unknown signature", app, edit(validApplication(), map[string]any{"cert_signature": nil, "cert_user": false}), ctx(), noIssues},
		{"cert_none: absent user", rev, edit(validRevocation(), map[string]any{"cert_signature": false, "cert_user": absent{}}), ctx(), noIssues},
		{"cert_none: wrong type is unknown", app, edit(validApplication(), map[string]any{"cert_signature": "no", "cert_user": false}), ctx(), noIssues},

		// action_not_one
		{"action: neither", app, edit(validApplication(), map[string]any{"action_new": false}), ctx(), []string{"action_new:action_not_one"}},
		{"action: both", app, edit(validApplication(), map[string]any{"action_renew": true}), ctx(), []string{"action_new:action_not_one"}},
		{"action: renew only", app, edit(validApplication(), map[string]any{"action_new": false, "action_renew": true}), ctx(), noIssues},
		{"action: new unknown, renew false", app, edit(validApplication(), map[string]any{"action_new": nil}), ctx(), noIssues},
		{"action: new true, renew unknown", app, edit(validApplication(), map[string]any{"action_renew": nil}), ctx(), noIssues},
		{"request: neither", rev, edit(validRevocation(), map[string]any{"request_revoke": false}), ctx(), []string{"request_revoke:action_not_one"}},
		{"request: both", rev, edit(validRevocation(), map[string]any{"request_compromise": true, "reason_loss": true}), ctx(), []string{"request_revoke:action_not_one"}},
		{"request: unknown", rev, edit(validRevocation(), map[string]any{"request_revoke": nil}), ctx(), noIssues},

		// reason_missing
		{"reason: compromise with no reason", rev, edit(validRevocation(), map[string]any{"request_revoke": false, "request_compromise": true}), ctx(), []string{"reason_leak:reason_missing"}},
		{"reason: compromise with loss", rev, edit(validRevocation(), map[string]any{"request_revoke": false, "request_compromise": true, "reason_loss": true}), ctx(), noIssues},
		{"reason: compromise, one reason unknown", rev, edit(validRevocation(), map[string]any{"request_revoke": false, "request_compromise": true, "reason_theft": nil}), ctx(), noIssues},
		{"reason: compromise unknown", rev, edit(validRevocation(), map[string]any{"request_revoke": nil, "request_compromise": nil}), ctx(), noIssues},
		{"reason: voluntary revocation needs none", rev, validRevocation(), ctx(), noIssues},

		// signature_cert_under_15
		{"under 15: reached 15 the day before the birthday", app, edit(validApplication(), map[string]any{"applicant_birth_date": "2011-04-01", "application_date": "2026-03-31"}), ctx(), noIssues},
		{"under 15: two days before the birthday", app, edit(validApplication(), map[string]any{"applicant_birth_date": "2011-04-01", "application_date": "2026-03-30"}), ctx(), []string{"cert_signature:signature_cert_under_15"}},
		{"under 15: 29 Feb birth, reached 15 on 28 Feb", app, edit(validApplication(), map[string]any{"applicant_birth_date": "2012-02-29", "application_date": "2027-02-28"}), ctxAt(2027, 3, 1), noIssues},
		{"under 15: 29 Feb birth, 27 Feb", app, edit(validApplication(), map[string]any{"applicant_birth_date": "2012-02-29", "application_date": "2027-02-27"}), ctxAt(2027, 3, 1), []string{"cert_signature:signature_cert_under_15"}},
		{"under 15: user certificate only is fine", app, edit(validApplication(), map[string]any{"cert_signature": false, "applicant_birth_date": "2020-01-01"}), ctx(), noIssues},
		{"under 15: revocation is not an application", rev, edit(validRevocation(), map[string]any{"applicant_birth_date": "2020-01-01"}), ctx(), noIssues},
		{"under 15: cert unknown", app, edit(validApplication(), map[string]any{"cert_signature": nil, "applicant_birth_date": "2020-01-01"}), ctx(), noIssues},
		{"under 15: birth date unknown", app, edit(validApplication(), map[string]any{"applicant_birth_date": nil}), ctx(), noIssues},
		{"under 15: application date unknown", app, edit(validApplication(), map[string]any{"applicant_birth_date": "2020-01-01", "application_date": nil}), ctx(), noIssues},
		{"under 15: birth date not ISO is unknown", app, edit(validApplication(), map[string]any{"applicant_birth_date": "令和2年1月1日"}), ctx(), noIssues},

		// signature_missing
		{"signature: applicant did not sign", app, edit(validApplication(), map[string]any{"applicant_signature": false}), ctx(), []string{"applicant_signature:signature_missing"}},
		{"signature: applicant unknown", app, edit(validApplication(), map[string]any{"applicant_signature": nil}), ctx(), noIssues},
		{"signature: revocation not signed", rev, edit(validRevocation(), map[string]any{"applicant_signature": false}), ctx(), []string{"applicant_signature:signature_missing"}},
		{"signature: revocation absent", rev, edit(validRevocation(), map[string]any{"applicant_signature": absent{}}), ctx(), noIssues},
		{"signature: person did not sign", ans, edit(validAnswer(), map[string]any{"person_signature": false}), ctxCerts(both), []string{"person_signature:signature_missing"}},
		{"signature: person unknown", ans, edit(validAnswer(), map[string]any{"person_signature": nil}), ctxCerts(both), noIssues},

		// proxy_block_incomplete, proxy_id_missing
		{"proxy: two ID types is fine", app, edit(proxyApplication(), map[string]any{"proxy_id_passport": true}), ctx(), noIssues},
		{"proxy: name only", app, emptyProxy(map[string]any{"proxy_name": "鈴木 一郎"}), ctx(),
			[]string{"proxy_address:proxy_block_incomplete", "proxy_signature:proxy_block_incomplete", "proxy_id_mynumber:proxy_id_missing"}},
		{"proxy: relationship only", app, emptyProxy(map[string]any{"proxy_relationship": "長男"}), ctx(),
			[]string{"proxy_name:proxy_block_incomplete", "proxy_address:proxy_block_incomplete", "proxy_signature:proxy_block_incomplete", "proxy_id_mynumber:proxy_id_missing"}},
		{"proxy: kana only", app, emptyProxy(map[string]any{"proxy_kana": "スズキ"}), ctx(),
			[]string{"proxy_name:proxy_block_incomplete", "proxy_address:proxy_block_incomplete", "proxy_signature:proxy_block_incomplete", "proxy_id_mynumber:proxy_id_missing"}},
		{"proxy: phone only", app, emptyProxy(map[string]any{"proxy_phone": "090-8765-4321"}), ctx(),
			[]string{"proxy_name:proxy_block_incomplete", "proxy_address:proxy_block_incomplete", "proxy_signature:proxy_block_incomplete", "proxy_id_mynumber:proxy_id_missing"}},
		{"proxy: signature only", app, emptyProxy(map[string]any{"proxy_signature": true}), ctx(),
			[]string{"proxy_name:proxy_block_incomplete", "proxy_address:proxy_block_incomplete", "proxy_id_mynumber:proxy_id_missing"}},
		{"proxy: ID only", app, emptyProxy(map[string]any{"proxy_id_residence_card": true}), ctx(),
			[]string{"proxy_name:proxy_block_incomplete", "proxy_address:proxy_block_incomplete", "proxy_signature:proxy_block_incomplete"}},
		{"proxy: name empty", app, edit(proxyApplication(), map[string]any{"proxy_name": ""}), ctx(), []string{"proxy_name:proxy_block_incomplete"}},
		{"proxy: name only spaces", app, edit(proxyApplication(), map[string]any{"proxy_name": " \u3000 "}), ctx(), []string{"proxy_name:proxy_block_incomplete"}},
		{"proxy: address empty", app, edit(proxyApplication(), map[string]any{"proxy_address": ""}), ctx(), []string{"proxy_address:proxy_block_incomplete"}},
		{"proxy: not signed", app, edit(proxyApplication(), map[string]any{"proxy_signature": false}), ctx(), []string{"proxy_signature:proxy_block_incomplete"}},
		{"proxy: no ID", app, edit(proxyApplication(), map[string]any{"proxy_id_license": false}), ctx(), []string{"proxy_id_mynumber:proxy_id_missing"}},
		{"proxy: name unknown", app, edit(proxyApplication(), map[string]any{"proxy_name": nil}), ctx(), noIssues},
		{"proxy: signature unknown", app, edit(proxyApplication(), map[string]any{"proxy_signature": nil}), ctx(), noIssues},
		{"proxy: one ID unknown, rest false", app, edit(proxyApplication(), map[string]any{"proxy_id_license": false, "proxy_id_passport": nil}), ctx(), noIssues},
		{"proxy: blank block with unknowns", app, emptyProxy(map[string]any{"proxy_name": nil, "proxy_signature": nil, "proxy_id_license": nil}), ctx(), noIssues},
		{"proxy: block absent", app, emptyProxy(map[string]any{"proxy_name": absent{}, "proxy_address": absent{}, "proxy_signature": absent{}}), ctx(), noIssues},
		{"proxy: only unknowns beside a filled name", app, emptyProxy(map[string]any{"proxy_name": "鈴木 一郎", "proxy_address": nil, "proxy_signature": nil, "proxy_id_license": nil}), ctx(), noIssues},

		// answer_not_confirmed
		{"confirm: not marked", ans, edit(validAnswer(), map[string]any{"answer_confirm": false}), ctxCerts(both), []string{"answer_confirm:answer_not_confirmed"}},
		{"confirm: unknown", ans, edit(validAnswer(), map[string]any{"answer_confirm": nil}), ctxCerts(both), noIssues},

		// pin_cells_mismatch, pin_missing
		{"pin: 6 and 16 cells are PIN lengths", ans, edit(validAnswer(), map[string]any{"pin_signature": 6}), ctxCerts(both), noIssues},
		{"pin: 16 cells", ans, edit(validAnswer(), map[string]any{"pin_signature": 16}), ctxCerts(both), noIssues},
		{"pin: signature 5 cells", ans, edit(validAnswer(), map[string]any{"pin_signature": 5}), ctxCerts(both), []string{"pin_signature:pin_cells_mismatch"}},
		{"pin: signature 17 cells", ans, edit(validAnswer(), map[string]any{"pin_signature": 17}), ctxCerts(both), []string{"pin_signature:pin_cells_mismatch"}},
		{"pin: signature negative", ans, edit(validAnswer(), map[string]any{"pin_signature": -1}), ctx(), []string{"pin_signature:pin_cells_mismatch"}},
		{"pin: user 3 cells", ans, edit(validAnswer(), map[string]any{"pin_user": 3}), ctxCerts(both), []string{"pin_user:pin_cells_mismatch"}},
		{"pin: user 3 cells, no case", ans, edit(validAnswer(), map[string]any{"pin_user": 3}), ctx(), []string{"pin_user:pin_cells_mismatch"}},
		{"pin: applied for, signature empty", ans, edit(validAnswer(), map[string]any{"pin_signature": 0}), ctxCerts(both), []string{"pin_signature:pin_cells_mismatch"}},
		{"pin: applied for, user empty", ans, edit(validAnswer(), map[string]any{"pin_user": 0}), ctxCerts(both), []string{"pin_user:pin_cells_mismatch"}},
		{"pin: user only applied for, signature filled", ans, validAnswer(), ctxCerts([]string{CertUser}), []string{"pin_signature:pin_cells_mismatch"}},
		{"pin: user only applied for, signature empty", ans, edit(validAnswer(), map[string]any{"pin_signature": 0}), ctxCerts([]string{CertUser}), noIssues},
		{"pin: signature only, both empty", ans, edit(validAnswer(), map[string]any{"pin_signature": 0, "pin_user": 0}), ctxCerts([]string{CertSignature}), []string{"pin_signature:pin_cells_mismatch"}},
		{"pin: case with no certificates", ans, validAnswer(), ctxCerts([]string{}), []string{"pin_signature:pin_cells_mismatch", "pin_user:pin_cells_mismatch"}},
		{"pin: bad length reported once", ans, edit(validAnswer(), map[string]any{"pin_signature": 3}), ctxCerts([]string{CertUser}), []string{"pin_signature:pin_cells_mismatch"}},
		{"pin: no case, both empty", ans, edit(validAnswer(), map[string]any{"pin_signature": 0, "pin_user": 0}), ctx(), []string{"pin_signature:pin_missing"}},
		{"pin: no case, user only", ans, edit(validAnswer(), map[string]any{"pin_signature": 0}), ctx(), noIssues},
		{"pin: no case, one unknown", ans, edit(validAnswer(), map[string]any{"pin_signature": nil, "pin_user": 0}), ctx(), noIssues},
		{"pin: applied for, count unknown", ans, edit(validAnswer(), map[string]any{"pin_signature": nil, "pin_user": absent{}}), ctxCerts(both), noIssues},
		{"pin: counts from JSON are float64", ans, edit(validAnswer(), map[string]any{"pin_signature": 8.0, "pin_user": 4.0}), ctxCerts(both), noIssues},
		{"pin: float64 bad count", ans, edit(validAnswer(), map[string]any{"pin_user": 3.0}), ctxCerts(both), []string{"pin_user:pin_cells_mismatch"}},
		{"pin: fractional count is unknown", ans, edit(validAnswer(), map[string]any{"pin_user": 3.5}), ctxCerts(both), noIssues},

		// date_in_future
		{"future: application date tomorrow", app, edit(validApplication(), map[string]any{"application_date": "2026-11-27"}), ctx(), []string{"application_date:date_in_future"}},
		{"future: application date today", app, edit(validApplication(), map[string]any{"application_date": "2026-11-26"}), ctx(), noIssues},
		{"future: today late at night in JST", app, edit(validApplication(), map[string]any{"application_date": "2026-11-26"}),
			RuleContext{Today: time.Date(2026, 11, 26, 23, 59, 0, 0, time.FixedZone("JST", 9*3600))}, noIssues},
		{"future: revocation date", rev, edit(validRevocation(), map[string]any{"application_date": "2027-01-01"}), ctx(), []string{"application_date:date_in_future"}},
		{"future: answer date", ans, edit(validAnswer(), map[string]any{"answer_date": "2026-12-01"}), ctxCerts(both), []string{"answer_date:date_in_future"}},
		{"future: birth date too", app, edit(validApplication(), map[string]any{"cert_signature": false, "applicant_birth_date": "2027-01-01", "application_date": "2027-01-02"}), ctx(),
			[]string{"applicant_birth_date:date_in_future", "application_date:date_in_future"}},
		{"future: today unknown", app, edit(validApplication(), map[string]any{"application_date": "2099-01-01"}), RuleContext{}, noIssues},
		{"future: date unknown", app, edit(validApplication(), map[string]any{"application_date": nil}), ctx(), noIssues},
		{"future: date not ISO is unknown", app, edit(validApplication(), map[string]any{"application_date": "2099/1/1"}), ctx(), noIssues},

		// birth_date_implausible
		{"birth after application", app, edit(validApplication(), map[string]any{"applicant_birth_date": "2026-11-21"}), ctx(), []string{"applicant_birth_date:birth_date_implausible"}},
		{"birth after application, signature certificate", app, edit(validApplication(), map[string]any{"applicant_birth_date": "2026-11-25"}), ctx(), []string{"applicant_birth_date:birth_date_implausible"}},
		{"birth after application, revocation", rev, edit(validRevocation(), map[string]any{"applicant_birth_date": "2026-11-21"}), ctx(), []string{"applicant_birth_date:birth_date_implausible"}},
		{"birth on application date, user certificate", app, edit(validApplication(), map[string]any{"cert_signature": false, "applicant_birth_date": "2026-11-20"}), ctx(), noIssues},
		{"birth unknown", app, edit(validApplication(), map[string]any{"applicant_birth_date": nil}), ctx(), noIssues},
	}
}

func ctxAt(y int, m time.Month, d int) RuleContext { return RuleContext{Today: day(y, m, d)} }

func TestValidate(t *testing.T) {
	for _, c := range ruleCases() {
		t.Run(c.name, func(t *testing.T) {
			issues := Validate(c.template, c.fields, c.rc)
			var got []string
			for _, is := range issues {
				got = append(got, is.Field+":"+is.Code)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("Validate = %q, want %q\n%v", got, c.want, issues)
			}
		})
	}
}

// Every unknown: whatever the template, a record of nil values yields
// nothing — the reader's uncertainty is already a review flag.
func TestValidateAllUnknown(t *testing.T) {
	for _, c := range []struct {
		template string
		base     map[string]FieldValue
	}{
		{TemplateApplication, proxyApplication()},
		{TemplateRevocation, validRevocation()},
		{TemplateAnswer, validAnswer()},
	} {
		unknown := map[string]FieldValue{}
		for id := range c.base {
			unknown[id] = FieldValue{Value: nil, Review: true}
		}
		for _, rc := range []RuleContext{ctx(), ctxCerts(both), ctxCerts([]string{})} {
			if got := Validate(c.template, unknown, rc); len(got) != 0 {
				t.Errorf("%s, all unknown, certs %v: %v", c.template, rc.Certs, got)
			}
		}
	}
}

// Each code is produced by some case, messages are "日本語 / English",
// and no message echoes a name, address, phone number or relationship.
func TestIssueMessages(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range ruleCases() {
		for _, is := range Validate(c.template, c.fields, c.rc) {
			seen[is.Code] = true
			if !slices.Contains(Codes(), is.Code) {
				t.Errorf("%s: code %q is not in Codes()", c.name, is.Code)
			}
			checkMessage(t, is)
		}
	}
	for _, code := range Codes() {
		if !seen[code] {
			t.Errorf("no test case produces %q", code)
		}
	}
}

func checkMessage(t *testing.T, is Issue) {
	t.Helper()
	ja, en, ok := strings.Cut(is.Message, " / ")
	if !ok || strings.Contains(en, " / ") {
		t.Errorf("%s: message %q is not \"Japanese / English\"", is.Code, is.Message)
		return
	}
	if !strings.ContainsFunc(ja, func(r rune) bool { return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) }) {
		t.Errorf("%s: Japanese part %q has no Japanese", is.Code, ja)
	}
	if !strings.ContainsFunc(en, unicode.IsLetter) || strings.ContainsFunc(en, func(r rune) bool { return r > unicode.MaxASCII }) {
		t.Errorf("%s: English part %q is not plain English", is.Code, en)
	}
	for _, p := range personal {
		if strings.Contains(is.Message, p) {
			t.Errorf("%s: message %q echoes personal data %q", is.Code, is.Message, p)
		}
	}
}

func TestCodesUnique(t *testing.T) {
	codes := Codes()
	if len(codes) != len(slices.Compact(slices.Sorted(slices.Values(codes)))) {
		t.Errorf("Codes() has duplicates: %v", codes)
	}
	for _, c := range codes {
		if c == "" || strings.ToLower(c) != c || strings.ContainsAny(c, " -") {
			t.Errorf("code %q is not snake_case", c)
		}
	}
}

func TestDateFields(t *testing.T) {
	for _, c := range []struct {
		template string
		want     []string
	}{
		{TemplateApplication, []string{"applicant_birth_date", "application_date"}},
		{TemplateRevocation, []string{"applicant_birth_date", "application_date"}},
		{TemplateAnswer, []string{"answer_date"}},
		{"nope", nil},
	} {
		if got := DateFields(c.template); !slices.Equal(got, c.want) {
			t.Errorf("DateFields(%q) = %v, want %v", c.template, got, c.want)
		}
	}
	// The result is the caller's: changing it changes nothing here.
	DateFields(TemplateAnswer)[0] = "x"
	if DateFields(TemplateAnswer)[0] != "answer_date" {
		t.Error("DateFields shares its slice")
	}
}

// The future-date message may name the date (it helps the reviewer and is
// not identifying on its own); check the format once.
func TestDateInFutureMessage(t *testing.T) {
	issues := Validate(TemplateAnswer, edit(validAnswer(), map[string]any{"answer_date": "2026-12-01"}), ctxCerts(both))
	if len(issues) != 1 || !strings.Contains(issues[0].Message, "回答日") || !strings.Contains(issues[0].Message, "2026-12-01") {
		t.Errorf("got %v", issues)
	}
	want := fmt.Sprintf("%s / %s", "本人署名がありません", "the person did not sign")
	issues = Validate(TemplateAnswer, edit(validAnswer(), map[string]any{"person_signature": false}), ctxCerts(both))
	if len(issues) != 1 || issues[0].Message != want {
		t.Errorf("got %v, want the message of docs/records.md", issues)
	}
}
