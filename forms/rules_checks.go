package forms

import (
	"fmt"
	"time"
)

// A group-wide finding names the group's first field, so a reviewer's
// screen has a box to point at.

func checkCerts(f fieldSet) []Issue {
	if !f.allFalse("cert_signature", "cert_user") {
		return nil
	}
	return []Issue{newIssue("cert_signature", CodeCertNone,
		"署名用・利用者証明用のどちらの証明書も選ばれていません", "no certificate was chosen")}
}

// oneOfGroup is a pair of checkboxes of which exactly one must be marked.
type oneOfGroup struct {
	a, b           string
	noneJa, noneEn string
	bothJa, bothEn string
}

var (
	actionApplication = oneOfGroup{
		a: "action_new", b: "action_renew",
		noneJa: "新規発行・更新のどちらも選ばれていません", noneEn: "neither new issuance nor renewal was chosen",
		bothJa: "新規発行と更新の両方が選ばれています", bothEn: "both new issuance and renewal were chosen",
	}
	requestRevocation = oneOfGroup{
		a: "request_revoke", b: "request_compromise",
		noneJa: "失効申請・秘密鍵漏えい等届出のどちらも選ばれていません", noneEn: "neither revocation nor key-compromise notification was chosen",
		bothJa: "失効申請と秘密鍵漏えい等届出の両方が選ばれています", bothEn: "both revocation and key-compromise notification were chosen",
	}
)

func checkOneOf(f fieldSet, g oneOfGroup) []Issue {
	a, okA := f.bool(g.a)
	b, okB := f.bool(g.b)
	switch {
	case !okA || !okB || a != b:
		return nil
	case a:
		return []Issue{newIssue(g.a, CodeActionNotOne, g.bothJa, g.bothEn)}
	default:
		return []Issue{newIssue(g.a, CodeActionNotOne, g.noneJa, g.noneEn)}
	}
}

func checkReason(f fieldSet) []Issue {
	if c, ok := f.bool("request_compromise"); !ok || !c {
		return nil
	}
	if !f.allFalse("reason_leak", "reason_theft", "reason_loss", "reason_damage") {
		return nil
	}
	return []Issue{newIssue("reason_leak", CodeReasonMissing,
		"秘密鍵漏えい等届出の理由が選ばれていません", "the key-compromise notification gives no reason")}
}

func checkSignature(f fieldSet, id string) []Issue {
	if v, ok := f.bool(id); !ok || v {
		return nil
	}
	if id == "person_signature" {
		return []Issue{newIssue(id, CodeSignatureMissing, "本人署名がありません", "the person did not sign")}
	}
	ja, en := fieldLabel(id)
	return []Issue{newIssue(id, CodeSignatureMissing, ja+"がありません", "the "+en+" is missing")}
}

func checkConfirmed(f fieldSet) []Issue {
	if v, ok := f.bool("answer_confirm"); !ok || v {
		return nil
	}
	return []Issue{newIssue("answer_confirm", CodeAnswerNotConfirmed,
		"回答欄にレ印がありません", "the person did not confirm the application")}
}

// checkUnder15: the signature certificate cannot be applied for by a
// person under 15 on the application date (AgeOn counts as the law does).
// A birth date after the application date is its own finding, not a
// newborn applicant, so this rule stays silent then.
func checkUnder15(f fieldSet) []Issue {
	if v, ok := f.bool("cert_signature"); !ok || !v {
		return nil
	}
	birth, ok1 := f.date("applicant_birth_date")
	applied, ok2 := f.date("application_date")
	if !ok1 || !ok2 || birth.After(applied) || AgeOn(birth, applied) >= 15 {
		return nil
	}
	return []Issue{newIssue("cert_signature", CodeSignatureCertUnder15,
		"申請日に15歳未満の方は署名用電子証明書を申請できません",
		"a person under 15 on the application date cannot apply for the signature certificate")}
}

func checkFutureDates(f fieldSet, templateID string, today time.Time) []Issue {
	if today.IsZero() {
		return nil
	}
	// Compare calendar dates: Today may carry a time and a zone, stored
	// dates are midnight UTC.
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	var out []Issue
	for _, id := range DateFields(templateID) {
		t, ok := f.date(id)
		if !ok || !t.After(day) {
			continue
		}
		ja, en := fieldLabel(id)
		d := t.Format(time.DateOnly)
		out = append(out, newIssue(id, CodeDateInFuture,
			fmt.Sprintf("%s（%s）が未来の日付です", ja, d), fmt.Sprintf("the %s (%s) is in the future", en, d)))
	}
	return out
}

func checkBirthDate(f fieldSet) []Issue {
	birth, ok1 := f.date("applicant_birth_date")
	applied, ok2 := f.date("application_date")
	if !ok1 || !ok2 || !birth.After(applied) {
		return nil
	}
	return []Issue{newIssue("applicant_birth_date", CodeBirthDateImplausible,
		"生年月日が申請日より後です", "the birth date is after the application date")}
}
