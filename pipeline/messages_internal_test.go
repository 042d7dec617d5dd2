package pipeline

import (
	"strings"
	"testing"

	"shinsei/pipeline/text"
	"shinsei/templates"
)

// Every reason the text reader gives has its own message for the
// reviewer: a new reason left to the generic "not read confidently" would
// hide what to check on the form.
func TestTextMessages(t *testing.T) {
	f := templates.Field{ID: "application_date", Label: "申請日", Kind: templates.Date}
	generic := textMessage(f, text.WhyUnsure)
	seen := map[string]string{}
	for _, why := range []string{text.WhyShape, text.WhyDate, text.WhyEmpty, text.WhyOverrun, text.WhyFaint, text.WhyNotAllowed, text.WhyDigits, text.WhyDateNear, text.WhyPhoneNear, text.WhyEra, text.WhySecond, text.WhySkipped, text.WhySmallDigit} {
		m := textMessage(f, why)
		if m == generic {
			t.Errorf("%s: the generic message %q", why, m)
		}
		if !strings.Contains(m, f.Label) || !strings.Contains(m, f.ID) {
			t.Errorf("%s: %q does not name both the field's label and its id", why, m)
		}
		if other, ok := seen[m]; ok {
			t.Errorf("%s and %s share the message %q", why, other, m)
		}
		seen[m] = why
	}
}
