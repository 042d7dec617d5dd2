package forms

import "time"

// Template ids of the three JPKI forms (DOMAIN.md). The revision does not
// matter to the rules: every revision carries the same field ids.
const (
	TemplateApplication = "jpki-application"
	TemplateAnswer      = "jpki-answer"
	TemplateRevocation  = "jpki-revocation"
)

// Certificate names, as RuleContext.Certs and proxy cases spell them.
const (
	CertSignature = "signature" // 署名用電子証明書
	CertUser      = "user"      // 利用者証明用電子証明書
)

// Issue codes of the validation rules. They are a contract: tools and
// reviewers key on them, so they never change once released.
const (
	CodeCertNone             = "cert_none"
	CodeActionNotOne         = "action_not_one"
	CodeReasonMissing        = "reason_missing"
	CodeSignatureCertUnder15 = "signature_cert_under_15"
	CodeSignatureMissing     = "signature_missing"
	CodeProxyBlockIncomplete = "proxy_block_incomplete"
	CodeProxyIDMissing       = "proxy_id_missing"
	CodeAnswerNotConfirmed   = "answer_not_confirmed"
	CodePINCellsMismatch     = "pin_cells_mismatch"
	CodePINMissing           = "pin_missing"
	CodeDateInFuture         = "date_in_future"
	CodeBirthDateImplausible = "birth_date_implausible"
)

// Codes lists every rule code Validate can report, for documentation and
// for tests that hold each one to the message conventions.
func Codes() []string {
	return []string{
		CodeCertNone, CodeActionNotOne, CodeReasonMissing, CodeSignatureCertUnder15,
		CodeSignatureMissing, CodeProxyBlockIncomplete, CodeProxyIDMissing,
		CodeAnswerNotConfirmed, CodePINCellsMismatch, CodePINMissing,
		CodeDateInFuture, CodeBirthDateImplausible,
	}
}

// RuleContext is what the rules need beyond the page itself.
type RuleContext struct {
	// Today is the processing date: dates after it are in the future. A
	// zero Today means unknown, and the future-date rule then stays silent.
	Today time.Time
	// Certs are the certificates applied for in the proxy case an answer
	// sheet was matched to (CertSignature, CertUser); nil when not known
	// (no case matched yet).
	Certs []string
}

// DateFields lists the date fields of a template, in form order; nil for
// an unknown template.
func DateFields(templateID string) []string {
	switch templateID {
	case TemplateApplication, TemplateRevocation:
		return []string{"applicant_birth_date", "application_date"}
	case TemplateAnswer:
		return []string{"answer_date"}
	}
	return nil
}

// Validate applies the rules of DOMAIN.md to the fields of one page and
// returns the findings, in a stable order (nil when there are none, or the
// template is not one of the three forms).
//
// A field whose value is nil (the reader was unsure, and has already
// flagged it for review) or absent is unknown: a rule that needs it cannot
// decide and reports nothing, rather than guess. Only known values make a
// violation.
func Validate(templateID string, fields map[string]FieldValue, rc RuleContext) []Issue {
	f := fieldSet(fields)
	var out []Issue
	switch templateID {
	case TemplateApplication:
		out = append(out, checkCerts(f)...)
		out = append(out, checkOneOf(f, actionApplication)...)
		out = append(out, checkUnder15(f)...)
		out = append(out, checkSignature(f, "applicant_signature")...)
		out = append(out, checkProxy(f)...)
	case TemplateRevocation:
		out = append(out, checkCerts(f)...)
		out = append(out, checkOneOf(f, requestRevocation)...)
		out = append(out, checkReason(f)...)
		out = append(out, checkSignature(f, "applicant_signature")...)
	case TemplateAnswer:
		out = append(out, checkConfirmed(f)...)
		out = append(out, checkSignature(f, "person_signature")...)
		out = append(out, checkPINs(f, rc.Certs)...)
	default:
		return nil
	}
	out = append(out, checkFutureDates(f, templateID, rc.Today)...)
	out = append(out, checkBirthDate(f)...)
	return out
}
