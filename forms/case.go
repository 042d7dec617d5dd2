package forms

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// CaseStatus is where a proxy (代理人) case stands. See docs/cases.md.
type CaseStatus string

const (
	// CasePending: opened at the first visit; the answer sheet is in the
	// post to the person and has not come back.
	CasePending CaseStatus = "pending"
	// CaseAnswered: the returned answer sheet was matched and checked.
	CaseAnswered CaseStatus = "answered"
	// CaseCompleted: the certificates were issued at the second visit.
	CaseCompleted CaseStatus = "completed"
	// CaseCancelled: withdrawn, or refused at the counter.
	CaseCancelled CaseStatus = "cancelled"
	// CaseExpired: the reply deadline passed with no answer.
	CaseExpired CaseStatus = "expired"
)

// CaseStatuses lists every status, in the order a case moves through them.
func CaseStatuses() []CaseStatus {
	return []CaseStatus{CasePending, CaseAnswered, CaseCompleted, CaseCancelled, CaseExpired}
}

// Valid reports whether s is one of CaseStatuses.
func (s CaseStatus) Valid() bool { return slices.Contains(CaseStatuses(), s) }

// Terminal reports whether no transition leaves s.
func (s CaseStatus) Terminal() bool {
	return s == CaseCompleted || s == CaseCancelled || s == CaseExpired
}

var (
	// ErrBadTransition: the state machine does not allow the move (the
	// message names the case, both states and why).
	ErrBadTransition = errors.New("transition not allowed")
	// ErrInvalidCase: a new case lacks something the answer sheet or the
	// matching needs (the message says what).
	ErrInvalidCase = errors.New("invalid case")
)

// Person is the one the certificates are for (本人), as the proxy's
// application names them: who the answer sheet is mailed to, and who the
// returned sheet must name.
type Person struct {
	Name      string `json:"name"`
	Kana      string `json:"kana"`
	BirthDate string `json:"birth_date"` // YYYY-MM-DD
	Address   string `json:"address"`
}

// Event is one entry of a case's history. The opening event has no From.
type Event struct {
	At   time.Time  `json:"at"`
	From CaseStatus `json:"from,omitempty"`
	To   CaseStatus `json:"to"`
	By   string     `json:"by,omitempty"`
	Note string     `json:"note,omitempty"`
}

// Case is a proxy case: its JSON is the contract of `shinsei cases --json`
// and of the stored object (docs/cases.md).
type Case struct {
	ID        CaseRef    `json:"id"`
	Status    CaseStatus `json:"status"`
	Person    Person     `json:"person"`
	Certs     []string   `json:"certs"` // CertSignature, CertUser
	ProxyName string     `json:"proxy_name,omitempty"`
	OpenedAt  time.Time  `json:"opened_at"`
	// Deadline is the end of the reply period; a pending case past it is
	// expired (Effective).
	Deadline       time.Time  `json:"deadline"`
	SheetPrintedAt *time.Time `json:"sheet_printed_at,omitempty"`
	// AnsweredBy is the document_id of the answer sheet that answered it.
	AnsweredBy string  `json:"answered_by,omitempty"`
	History    []Event `json:"history"`
	// Source is the document_id of the application that opened the case,
	// "" when a clerk opened it by hand.
	Source string `json:"source,omitempty"`
	// Duplicate: two stations opened this case's application at the same
	// moment and this one was cancelled at once, the other kept (its
	// reference is in the history's note). No sheet was meant to go out
	// for it, so no sheet is matched to it.
	Duplicate bool `json:"duplicate,omitempty"`
}

// Japan is the time zone of the counter. A fixed offset rather than
// time.LoadLocation("Asia/Tokyo"): Japan keeps no daylight saving time,
// and a fixed zone needs no tzdata on the machine.
func Japan() *time.Location { return time.FixedZone("JST", 9*60*60) }

// ReplyDeadline is the deadline of a case opened at opened with a reply
// period of period: the end of the day, counter time, on which the period
// runs out. A deadline printed as a date (回答期限 令和8年12月26日) is read
// as "through that day", so it must not end at the hour the case happened
// to be opened.
func ReplyDeadline(opened time.Time, period time.Duration) time.Time {
	d := opened.Add(period).In(Japan())
	return time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, Japan())
}

// LastReplyDay is the date printed as 回答期限: the last day on which an
// answer is still in time, as midnight UTC (the records' date convention).
func (c Case) LastReplyDay() time.Time {
	d := c.Deadline.Add(-time.Nanosecond).In(Japan())
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// Effective is the status as it reads at now: a pending case past its
// deadline is expired even before anything has recorded it, so lists and
// matching never offer a case whose answer would come too late.
func (c Case) Effective(now time.Time) CaseStatus {
	if c.Status == CasePending && !c.Deadline.IsZero() && !now.Before(c.Deadline) {
		return CaseExpired
	}
	return c.Status
}

// Transition moves the case to status to at time at, returning the moved
// copy with the event appended to its history (c itself is not changed).
// Allowed: pending → answered, cancelled or expired; answered → completed
// or cancelled. The time matters for a pending case: past its deadline it
// can only be recorded as expired, and before it it cannot expire.
// Anything else is an error wrapping ErrBadTransition that names the case,
// both states and the reason.
func (c Case) Transition(to CaseStatus, at time.Time, by, note string) (Case, error) {
	refuse := func(why string) (Case, error) {
		return c, fmt.Errorf("case %s: %w from %s to %s: %s", c.ID, ErrBadTransition, c.Status, to, why)
	}
	switch {
	case !to.Valid():
		return refuse(fmt.Sprintf("%q is not a case status", to))
	case !c.Status.Valid():
		return refuse(fmt.Sprintf("the case holds an unknown status %q", c.Status))
	case c.Status == to || c.Status.Terminal():
		return refuse("it is already " + string(c.Status))
	case to == CasePending:
		return refuse("a case never goes back to pending")
	}
	last := c.LastReplyDay().Format(time.DateOnly)
	switch c.Status {
	case CasePending:
		overdue := c.Effective(at) == CaseExpired
		switch {
		case to == CaseExpired && !overdue:
			return refuse("its reply deadline (" + last + ") has not passed")
		case to != CaseExpired && overdue:
			return refuse("its reply deadline (" + last + ") has passed: it is expired")
		case to == CaseCompleted:
			return refuse("the answer sheet has not come back yet")
		}
	case CaseAnswered:
		if to == CaseExpired {
			return refuse("an answered case no longer waits for anything, so it cannot expire")
		}
	}
	n := c
	n.Status = to
	// A fresh slice: the copy must not share a backing array with c, or
	// appending to one history could overwrite the other's.
	n.History = append(slices.Clone(c.History), Event{At: at, From: c.Status, To: to, By: by, Note: note})
	return n, nil
}

// Normalize puts what a clerk typed (or the reader produced) into the
// canonical spelling the matching compares against: NormalizeText on
// names and address, katakana for the reading, certificates deduplicated
// in form order. It does not validate.
func (c Case) Normalize() Case {
	c.Person.Name = NormalizeText(c.Person.Name)
	if k, ok := NormalizeKatakana(c.Person.Kana); ok {
		c.Person.Kana = k
	} else {
		c.Person.Kana = NormalizeText(c.Person.Kana)
	}
	c.Person.BirthDate = strings.TrimSpace(c.Person.BirthDate)
	c.Person.Address = NormalizeText(c.Person.Address)
	c.ProxyName = NormalizeText(c.ProxyName)
	var certs []string
	for _, want := range []string{CertSignature, CertUser} {
		if slices.Contains(c.Certs, want) {
			certs = append(certs, want)
		}
	}
	for _, s := range c.Certs {
		s = strings.TrimSpace(s)
		if !slices.Contains(certs, s) {
			certs = append(certs, s) // unknown: kept so Validate can name it
		}
	}
	c.Certs = certs
	return c
}

// Validate checks what a new case must carry: the person's name, birth
// date (YYYY-MM-DD, a real day, not after the case was opened) and
// address, a reading in katakana if one is given, and at least one
// certificate, each of them signature or user. The error wraps
// ErrInvalidCase and lists every problem.
func (c Case) Validate() error {
	var problems []string
	p := c.Person
	if strings.TrimSpace(p.Name) == "" {
		problems = append(problems, "the person's name is empty")
	}
	if p.Kana != "" {
		if _, ok := NormalizeKatakana(p.Kana); !ok {
			problems = append(problems, fmt.Sprintf("the reading %q is not katakana", p.Kana))
		}
	}
	switch b, err := time.Parse(time.DateOnly, p.BirthDate); {
	case p.BirthDate == "":
		problems = append(problems, "the birth date is empty")
	case err != nil:
		problems = append(problems, fmt.Sprintf("the birth date %q is not a real day written YYYY-MM-DD", p.BirthDate))
	case b.Before(gregorianAdoption()):
		problems = append(problems, fmt.Sprintf("the birth date %s is before 1873", p.BirthDate))
	case !c.OpenedAt.IsZero() && p.BirthDate > c.OpenedAt.In(Japan()).Format(time.DateOnly):
		problems = append(problems, fmt.Sprintf("the birth date %s is after the case was opened", p.BirthDate))
	}
	if strings.TrimSpace(p.Address) == "" {
		problems = append(problems, "the person's address is empty")
	}
	if len(c.Certs) == 0 {
		problems = append(problems, "no certificate applied for (want signature, user or both)")
	}
	for i, s := range c.Certs {
		switch {
		case s != CertSignature && s != CertUser:
			problems = append(problems, fmt.Sprintf("unknown certificate %q (want signature or user)", s))
		case slices.Contains(c.Certs[:i], s):
			problems = append(problems, fmt.Sprintf("certificate %q given twice", s))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalidCase, strings.Join(problems, "; "))
	}
	return nil
}

// SameApplication reports whether c and o come from one application: the
// same person (name and birth date), the same certificates and the same
// proxy. Spacing and width do not count (CompactText); the address does
// not either, since a rescan may read it differently and a person may
// move. A case with no proxy name is never the same application as one
// with a proxy: nothing says the proxy is the same.
func (c Case) SameApplication(o Case) bool {
	a, b := c.Normalize(), o.Normalize()
	return CompactText(a.Person.Name) != "" &&
		CompactText(a.Person.Name) == CompactText(b.Person.Name) &&
		a.Person.BirthDate != "" && a.Person.BirthDate == b.Person.BirthDate &&
		slices.Equal(a.Certs, b.Certs) &&
		CompactText(a.ProxyName) == CompactText(b.ProxyName)
}

// CertsJapanese names the certificates of a case as the answer sheet
// prints them: 署名用電子証明書・利用者証明用電子証明書.
func CertsJapanese(certs []string) string {
	var names []string
	for _, c := range certs {
		switch c {
		case CertSignature:
			names = append(names, "署名用電子証明書")
		case CertUser:
			names = append(names, "利用者証明用電子証明書")
		default:
			names = append(names, c)
		}
	}
	return strings.Join(names, "・")
}
