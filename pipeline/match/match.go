// Package match ties scanned forms to proxy (代理人) cases: a proxy's
// application opens a pending case, and the answer sheet the person sends
// back is matched to it — by the QR code, else by the printed reference
// and its check digit, else by the printed name and address among the
// cases in every state — checked against what else the sheet says surely,
// and moves it to answered. Anything short of one confident pending
// candidate goes to a person, with the reason.
package match

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"shinsei/forms"
	"shinsei/pipeline"
	"shinsei/pipeline/cases"
	"shinsei/pipeline/text"
	"shinsei/store"
)

// Issue codes of matching. Stable, like every issue code.
const (
	CodeCaseUnidentified = "case_unidentified"       // neither QR, reference nor name could be read
	CodeCaseUnknown      = "case_unknown"            // the reference names no case
	CodeCaseNotFound     = "case_not_found"          // no case, in any state, has the printed name and address
	CodeCaseAmbiguous    = "case_ambiguous"          // several cases fit (pending or closed)
	CodeCaseNotPending   = "case_not_pending"        // the case is completed, cancelled or expired
	CodeAlreadyAnswered  = "case_already_answered"   // another sheet (or this one, before) answered it
	CodeAnswerBeforeSent = "answer_before_sheet"     // dated before the sheet was printed
	CodeCaseOpenFailed   = "case_open_failed"        // a proxy application whose case could not be opened
	CodeCaseIncomplete   = "case_application_unsure" // a proxy application whose person, certificates or proxy could not be read surely
	// A case found by QR, reference or name that the rest of the sheet,
	// read surely, contradicts: the sheet is not taken as its answer.
	CodePersonMismatch = "case_person_mismatch" // the printed name is not the case's person
	// The printed name was not read, or read unsurely and not within a
	// character of the case's person: nothing on the sheet confirms that
	// it is that person's.
	CodePersonUnconfirmed = "case_person_unconfirmed"
	CodeAddressMismatch   = "case_address_mismatch" // the printed address is not the case's address
	CodeProxyMismatch     = "case_proxy_mismatch"   // the proxy named on the sheet is not the case's proxy
)

// Evidence is what an answer sheet says about its case.
type Evidence struct {
	QRRef   string // from the QR code
	ReadRef string // read from the printed reference; its check digit is valid
	Name    string // the person's name printed on the sheet, read surely
	// NameUnsure is the printed name when it was read, but not surely. It
	// never finds a case; it confirms one the QR code or the reference
	// found when it is within a character of the case's person.
	NameUnsure string
	Address    string // the address printed on the sheet, as read
	// AddressSure says the address was read surely; otherwise it may be
	// a character or two off (豊 read as 寺).
	AddressSure bool
}

// EvidenceOf gathers what a read answer sheet says about its case: the
// QR code's reference; else the printed reference when it was read surely
// (its check digit valid); and the printed name and address.
func EvidenceOf(d pipeline.Detail) Evidence {
	ev := Evidence{QRRef: d.QR.CaseRef}
	if n := d.Slots["person_name"]; n.Sure {
		ev.Name = n.Value
	} else {
		ev.NameUnsure = n.Value
	}
	a := d.Slots["person_address"]
	ev.Address, ev.AddressSure = a.Value, a.Sure
	if fv, ok := d.Fields["case_ref"]; ok && ev.QRRef == "" && !fv.Review {
		ev.ReadRef, _ = fv.Value.(string)
	}
	return ev
}

// Matcher matches and opens cases in a repository.
type Matcher struct {
	repo *cases.Repo
	by   string
	now  func() time.Time
}

// New returns a matcher; by names who acts in case histories (the station).
func New(repo *cases.Repo, by string, now func() time.Time) *Matcher {
	if now == nil {
		now = time.Now
	}
	return &Matcher{repo: repo, by: by, now: now}
}

// Answer matches an answer sheet's record to its case, adds what it finds
// to the record (rec.Case, issues, status), and moves the case to answered
// when the sheet is a valid answer: matched confidently to a pending case
// whose person the printed name confirms and which nothing read surely
// contradicts (disagreements), signed, confirmed, with PIN cells that fit
// the certificates. Text a person must still
// confirm (the proxy's name, the date) does not hold the case back; it
// stays flagged on the record for the counter.
func (m *Matcher) Answer(ctx context.Context, rec *forms.Record, ev Evidence) error {
	c, how, err := m.find(ctx, rec, ev)
	if err != nil || c == nil {
		return err
	}
	if bad := disagreements(rec, ev, *c); len(bad) > 0 {
		// Whatever the QR code or reference says, a sheet printed for or
		// filled in by someone else is not this case's answer: no link,
		// so nothing downstream reads it as matched.
		rec.Issues = append(rec.Issues, bad...)
		rec.Status = forms.NeedsReview
		return nil
	}
	link := &forms.CaseLink{ID: string(c.ID), Match: how, Status: string(c.Effective(m.now()))}
	rec.Case = link
	confirmed := confirmProxy(rec, *c)
	if confirmed {
		link.Confirmed = append(link.Confirmed, "proxy_name")
	}
	issue := func(field, code, msg string) {
		rec.Issues = append(rec.Issues, forms.Issue{Field: field, Code: code, Message: msg})
	}
	switch st := c.Effective(m.now()); st {
	case forms.CasePending:
	case forms.CaseAnswered:
		issue("", CodeAlreadyAnswered, alreadyAnswered(*c, rec.DocumentID))
	default:
		issue("", CodeCaseNotPending, fmt.Sprintf("案件 %s は%sです / case %s is %s — it cannot be answered", c.ID, statusJA(st), c.ID, st))
	}
	// The sheet against its case: PIN cells for the certificates applied
	// for, and a date no earlier than the sheet.
	for _, is := range forms.Validate(forms.TemplateAnswer, forms.Sure(rec.Fields), forms.RuleContext{Certs: c.Certs}) {
		if (is.Code == forms.CodePINCellsMismatch || is.Code == forms.CodePINMissing) && !rec.HasIssue(is.Field, is.Code) {
			rec.Issues = append(rec.Issues, is)
		}
	}
	if d, ok := rec.Fields["answer_date"].Value.(string); ok && !rec.Fields["answer_date"].Review && c.SheetPrintedAt != nil {
		printed := c.SheetPrintedAt.In(forms.Japan()).Format("2006-01-02")
		if d != "" && d < printed {
			issue("answer_date", CodeAnswerBeforeSent, fmt.Sprintf("回答日 %s が照会書の作成日 %s より前です / the answer is dated %s, before the sheet was printed on %s", d, printed, d, printed))
		}
	}
	switch {
	case len(rec.Issues) > 0:
		rec.Status = forms.NeedsReview
	case confirmed:
		// The proxy's name may have been all a person had to look at.
		rec.Status = rec.Settled()
	}
	if !m.answerable(rec) || c.Effective(m.now()) != forms.CasePending {
		return nil
	}
	done, err := m.repo.Answer(ctx, string(c.ID), rec.DocumentID, m.by)
	switch {
	case errors.Is(err, forms.ErrBadTransition):
		// Another scan got there first (two stations, one sheet).
		now, gerr := m.repo.Get(ctx, string(c.ID))
		if gerr != nil {
			return gerr
		}
		link.Status = string(now.Effective(m.now()))
		issue("", CodeAlreadyAnswered, alreadyAnswered(now, rec.DocumentID))
		rec.Status = forms.NeedsReview
		return nil
	case err != nil:
		return fmt.Errorf("match: answering case %s: %w", c.ID, err)
	}
	link.Status = string(done.Status)
	return nil
}

// disagreements lists what keeps the sheet from being case c's: the
// person printed on it must be c's person — read surely and the same, or
// read unsurely and within a character (a printed name misread by one
// character is common; another person's name is further off) — and the
// printed address and the proxy named in writing, where read surely, must
// be c's. A printed name not read at all confirms nothing: a QR code or a
// reference alone does not say the sheet is that person's (DOMAIN.md: the
// person on the sheet is the person on the case).
func disagreements(rec *forms.Record, ev Evidence, c forms.Case) []forms.Issue {
	var out []forms.Issue
	name := forms.CompactText(c.Person.Name)
	switch {
	case ev.Name != "" && forms.CompactText(ev.Name) != name:
		out = append(out, forms.Issue{Field: "case_ref", Code: CodePersonMismatch, Message: fmt.Sprintf("印字された氏名が案件 %s の本人と一致しません / the name printed on the sheet is not the person of case %s — check which case the sheet belongs to", c.ID, c.ID)})
	case ev.Name == "" && (ev.NameUnsure == "" || forms.EditDistance(forms.CompactText(ev.NameUnsure), name) > 1):
		out = append(out, forms.Issue{Field: "case_ref", Code: CodePersonUnconfirmed, Message: fmt.Sprintf("印字された氏名が読み取れず、案件 %s の本人の回答書か確認できません / the name printed on the sheet could not be read as the person of case %s — check the sheet is theirs", c.ID, c.ID)})
	}
	if ev.AddressSure && ev.Address != "" && forms.CompactText(ev.Address) != forms.CompactText(c.Person.Address) {
		out = append(out, forms.Issue{Field: "case_ref", Code: CodeAddressMismatch, Message: fmt.Sprintf("印字された住所が案件 %s の住所と一致しません / the address printed on the sheet is not the address of case %s — check which case the sheet belongs to", c.ID, c.ID)})
	}
	if fv := rec.Fields["proxy_name"]; !fv.Review && c.ProxyName != "" {
		if v, ok := fv.Value.(string); ok && v != "" && forms.CompactText(v) != forms.CompactText(c.ProxyName) {
			out = append(out, forms.Issue{Field: "proxy_name", Code: CodeProxyMismatch, Message: fmt.Sprintf("回答書に書かれた代理人氏名が案件 %s の代理人と一致しません / the proxy named on the sheet is not the proxy of case %s — check who brought the sheet", c.ID, c.ID)})
		}
	}
	return out
}

// confirmProxy makes the proxy's name written on the sheet sure when it
// was read unsurely and is exactly the name of c's proxy: that name was
// read surely from the proxy's own application (or set by a person), in
// another hand on another page, so two readings agree to the character
// where either alone might be wrong. Only a name held back for how it was
// read (unsure, proposed from the lexicon, a confusable character, not a
// known name) is confirmed; one with ink the reader did not use (faint,
// past the box, a correction) or anything else found on it stays for a
// person, as does a name read as anyone else's.
func confirmProxy(rec *forms.Record, c forms.Case) bool {
	fv, ok := rec.Fields["proxy_name"]
	v, isText := fv.Value.(string)
	if !ok || !fv.Review || !isText || v == "" || c.ProxyName == "" || forms.CompactText(v) != forms.CompactText(c.ProxyName) {
		return false
	}
	for _, is := range rec.Issues {
		if is.Field == "proxy_name" && !readingDoubt(is.Code) {
			return false
		}
	}
	rec.Issues = slices.DeleteFunc(rec.Issues, func(is forms.Issue) bool { return is.Field == "proxy_name" })
	fv.Review = false
	rec.Fields["proxy_name"] = fv
	return true
}

// readingDoubt: code holds a name back only for how sure its reading is.
func readingDoubt(code string) bool {
	switch code {
	case text.WhyUnsure, text.WhySecond, pipeline.CodeNameSuggested, pipeline.CodeNameConfusable, pipeline.CodeNameUnknown:
		return true
	}
	return false
}

// answerable: every check that decides an answer was made surely and
// passed.
func (m *Matcher) answerable(rec *forms.Record) bool {
	for _, id := range []string{"person_signature", "answer_confirm", "pin_signature", "pin_user"} {
		fv, ok := rec.Fields[id]
		if !ok || fv.Review || fv.Value == nil {
			return false
		}
	}
	for _, is := range rec.Issues {
		switch is.Code {
		case forms.CodeSignatureMissing, forms.CodeAnswerNotConfirmed, forms.CodePINCellsMismatch, forms.CodePINMissing,
			CodeAnswerBeforeSent, CodeAlreadyAnswered, CodeCaseNotPending:
			return false
		}
	}
	return true
}

// find picks the case: one confident candidate, or none with the reason.
func (m *Matcher) find(ctx context.Context, rec *forms.Record, ev Evidence) (*forms.Case, string, error) {
	fail := func(code, msg string) (*forms.Case, string, error) {
		rec.Issues = append(rec.Issues, forms.Issue{Field: "case_ref", Code: code, Message: msg})
		rec.Status = forms.NeedsReview
		return nil, "", nil
	}
	for _, r := range []struct{ ref, how string }{{ev.QRRef, "qr"}, {ev.ReadRef, "reference"}} {
		if r.ref == "" {
			continue
		}
		c, err := m.repo.Get(ctx, r.ref)
		switch {
		case errors.Is(err, cases.ErrNotFound) || errors.Is(err, forms.ErrBadCaseRef):
			return fail(CodeCaseUnknown, fmt.Sprintf("照会番号 %s の案件はありません / there is no case %s — check the sheet belongs to this office", r.ref, r.ref))
		case err != nil:
			return nil, "", fmt.Errorf("match: %w", err)
		}
		return &c, r.how, nil
	}
	if ev.Name == "" || ev.Address == "" {
		return fail(CodeCaseUnidentified, "QRコードも照会番号も、印字された氏名・住所も読み取れません / neither the QR code, the case reference nor the printed name and address could be read — find the case by hand")
	}
	// Cases in every state: a late reply to a cancelled, expired or
	// answered case must find that case (and be refused), not a pending
	// neighbour of the same name.
	all, err := m.repo.List(ctx, "")
	if err != nil {
		return nil, "", fmt.Errorf("match: %w", err)
	}
	// Among the cases of the person of that exact name, the one whose
	// address is the address read — or, when it was not read surely,
	// within two characters of it — and no other near it.
	type cand struct {
		c    forms.Case
		dist int
	}
	var same []cand
	for _, c := range all {
		if c.Duplicate {
			continue // cancelled the moment it was opened; no sheet went out
		}
		if forms.CompactText(c.Person.Name) == forms.CompactText(ev.Name) {
			same = append(same, cand{c, forms.EditDistance(forms.CompactText(c.Person.Address), forms.CompactText(ev.Address))})
		}
	}
	slices.SortStableFunc(same, func(a, b cand) int { return a.dist - b.dist })
	limit := 2
	if ev.AddressSure {
		limit = 0
	}
	switch {
	case len(same) == 0 || same[0].dist > limit:
		return fail(CodeCaseNotFound, "印字された氏名・住所に合う案件がありません / no case has the name and address printed on the sheet — find the case by hand")
	case len(same) == 1 || same[1].dist >= same[0].dist+addressMargin:
		return &same[0].c, "name_address", nil
	}
	// The message lists each candidate with its state: a closed one
	// among them is most often the sheet's own case, answered late.
	var ids []string
	for _, c := range same {
		if c.dist < same[0].dist+addressMargin {
			ids = append(ids, fmt.Sprintf("%s %s", c.c.ID, c.c.Status))
		}
	}
	return fail(CodeCaseAmbiguous, fmt.Sprintf("氏名・住所が合う案件が複数あります（%s） / several cases fit the name and address (%s) — choose one", strings.Join(ids, ", "), strings.Join(ids, ", ")))
}

// addressMargin is how much further than the best the next same-name
// case's address must be for the best to be taken: two people of one name
// at 1丁目2番3号 and 1丁目2番8号 are one misread digit apart.
const addressMargin = 3

func alreadyAnswered(c forms.Case, doc string) string {
	if c.AnsweredBy == doc {
		return fmt.Sprintf("案件 %s はこの回答書で回答済みです / case %s was already answered by this same sheet (%s)", c.ID, c.ID, doc)
	}
	return fmt.Sprintf("案件 %s は回答済みです / case %s is already answered (by %s)", c.ID, c.ID, c.AnsweredBy)
}

func statusJA(s forms.CaseStatus) string {
	switch s {
	case forms.CaseCompleted:
		return "完了済み"
	case forms.CaseCancelled:
		return "取消済み"
	case forms.CaseExpired:
		return "回答期限切れ"
	}
	return string(s)
}

// Open opens the pending case of a proxy application: the person from the
// applicant's block, the certificates ticked, the proxy's name, every one
// of them read surely — otherwise the record says so and a clerk opens the
// case by hand. One application, one case: the same file scanned again
// (cases/sources/<document>) links the case it opened, whatever its state
// now, and another scan of the application — another station, another
// file — links the case still open for the same person, certificates and
// proxy (forms.Case.SameApplication). Two stations opening one
// application at once are kept to one case by a conditional create of
// cases/applications/<hash of the application>.
func (m *Matcher) Open(ctx context.Context, s store.Store, rec *forms.Record) error {
	if rec.Template == nil || rec.Template.ID != forms.TemplateApplication || !proxyFilled(rec) {
		return nil
	}
	app, ok := applicationOf(rec)
	if !ok {
		rec.Issues = append(rec.Issues, forms.Issue{Code: CodeCaseIncomplete, Message: "代理人申請ですが、本人の氏名・生年月日・住所、申請する証明書、代理人氏名のいずれかが確実に読めないため案件を開いていません / a proxy application, but the person's name, birth date or address, the certificates ticked or the proxy's name were not read surely: no case was opened — confirm them and open it with shinsei cases open"})
		rec.Status = forms.NeedsReview
		return nil
	}
	srcKey := "cases/sources/" + rec.DocumentID
	if data, _, err := s.Load(ctx, srcKey); err == nil {
		return m.link(ctx, rec, strings.TrimSpace(string(data)))
	} else if !errors.Is(err, store.ErrNotExist) {
		return fmt.Errorf("match: %w", err)
	}
	appKey := applicationKey(app)
	for range maxOpenRaces {
		// The version of the application's index as found: a new case
		// replaces it only if nobody else did in between.
		version := ""
		data, info, err := s.Load(ctx, appKey)
		switch {
		case err == nil:
			version = info.Version
		case !errors.Is(err, store.ErrNotExist):
			return fmt.Errorf("match: %w", err)
		}
		open, err := m.openCaseOf(ctx, app, strings.TrimSpace(string(data)))
		if err != nil {
			return err
		}
		if open != nil {
			if err := remember(ctx, s, srcKey, open.ID); err != nil {
				return err
			}
			rec.Case = &forms.CaseLink{ID: string(open.ID), Match: "opened", Status: string(open.Status)}
			return nil
		}
		c, err := m.repo.Open(ctx, app)
		if err != nil {
			rec.Issues = append(rec.Issues, forms.Issue{Code: CodeCaseOpenFailed, Message: fmt.Sprintf("案件を開けませんでした / the case could not be opened (%v) — open it with shinsei cases open", err)})
			rec.Status = forms.NeedsReview
			return nil
		}
		if _, err := s.Swap(ctx, appKey, version, []byte(c.ID)); errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrExist) {
			// Another station opened it at the same moment: keep theirs.
			if err := m.cancelDuplicate(ctx, s, appKey, c.ID); err != nil {
				return err
			}
			continue
		} else if err != nil {
			return fmt.Errorf("match: %w", err)
		}
		if err := remember(ctx, s, srcKey, c.ID); err != nil {
			return err
		}
		rec.Case = &forms.CaseLink{ID: string(c.ID), Match: "opened", Status: string(c.Status)}
		return nil
	}
	return fmt.Errorf("match: opening the case of %s: %d attempts in a row lost a race to another station", rec.DocumentID, maxOpenRaces)
}

// cancelDuplicate cancels the case dup, opened for an application another
// station opened at the same moment, saying which case was kept.
func (m *Matcher) cancelDuplicate(ctx context.Context, s store.Store, appKey string, dup forms.CaseRef) error {
	note := "duplicate of the case opened for the same application"
	if data, _, err := s.Load(ctx, appKey); err == nil {
		note += " " + strings.TrimSpace(string(data))
	}
	_, err := m.repo.Update(ctx, string(dup), func(c forms.Case) (forms.Case, error) {
		// Recorded as the repository records times: counter time, whole seconds.
		n, err := c.Transition(forms.CaseCancelled, m.now().Round(0).Truncate(time.Second).In(forms.Japan()), m.by, note)
		n.Duplicate = true
		return n, err
	})
	if err != nil {
		return fmt.Errorf("match: cancelling duplicate case %s: %w", dup, err)
	}
	return nil
}

// maxOpenRaces bounds the retries of Open when other stations keep opening
// the same application at the same moment; each retry finds their case.
const maxOpenRaces = 10

// applicationOf is the case a proxy application asks for, from values read
// surely only; ok is false when anything the case needs is unsure. The
// reading (kana) is optional: an unsure one is left out, not guessed.
func applicationOf(rec *forms.Record) (forms.Case, bool) {
	text := func(id string) (string, bool) {
		fv := rec.Fields[id]
		v, ok := fv.Value.(string)
		return v, ok && v != "" && !fv.Review
	}
	name, ok1 := text("applicant_name")
	birth, ok2 := text("applicant_birth_date")
	addr, ok3 := text("applicant_address")
	proxy, ok4 := text("proxy_name")
	kana, okKana := text("applicant_kana")
	if !okKana {
		kana = ""
	}
	var certs []string
	for _, t := range []struct{ id, cert string }{{"cert_signature", forms.CertSignature}, {"cert_user", forms.CertUser}} {
		// A tick flagged for review, or not read at all, leaves the
		// certificates unknown: a case for the other one alone would be
		// a case for less than was applied for.
		fv, ok := rec.Fields[t.id]
		v, isBool := fv.Value.(bool)
		if !ok || !isBool || fv.Review {
			return forms.Case{}, false
		}
		if v {
			certs = append(certs, t.cert)
		}
	}
	if !ok1 || !ok2 || !ok3 || !ok4 || len(certs) == 0 {
		return forms.Case{}, false
	}
	return forms.Case{Person: forms.Person{Name: name, Kana: kana, BirthDate: birth, Address: addr}, Certs: certs, ProxyName: proxy, Source: rec.DocumentID}.Normalize(), true
}

// applicationKey is the store key that serialises opening app's case. It
// is a hash, so the key (which listings show) carries no name.
func applicationKey(app forms.Case) string {
	h := sha256.Sum256([]byte(strings.Join([]string{forms.CompactText(app.Person.Name), app.Person.BirthDate, strings.Join(app.Certs, ","), forms.CompactText(app.ProxyName)}, "\x00")))
	return "cases/applications/" + hex.EncodeToString(h[:])
}

// openCaseOf is the case still open (pending or answered: an answered case
// still waits for the second visit) for the same application as app: the
// one the application's index names, else any open case that is the same
// application — one a clerk opened by hand, or one opened before the index
// existed. nil if there is none.
func (m *Matcher) openCaseOf(ctx context.Context, app forms.Case, indexed string) (*forms.Case, error) {
	isOpen := func(c forms.Case) bool {
		st := c.Effective(m.now())
		return (st == forms.CasePending || st == forms.CaseAnswered) && c.SameApplication(app)
	}
	if indexed != "" {
		c, err := m.repo.Get(ctx, indexed)
		switch {
		case err == nil && isOpen(c):
			return &c, nil
		case err != nil && !errors.Is(err, cases.ErrNotFound) && !errors.Is(err, forms.ErrBadCaseRef):
			return nil, fmt.Errorf("match: %w", err)
		}
	}
	all, err := m.repo.List(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("match: %w", err)
	}
	for _, c := range all {
		// A case opened from a scan is the application's only through its
		// index: one that the index does not name may be another
		// station's, opened a moment ago and about to lose the race for
		// the index and be cancelled as a duplicate. Cases opened by hand
		// (no source) have no index and are joined here.
		if c.Source != "" && string(c.ID) != indexed {
			continue
		}
		if isOpen(c) {
			return &c, nil
		}
	}
	return nil, nil
}

// remember records which case a scanned document opened or joined, so the
// same file scanned again links it whatever its state by then. A record
// already there was written by a station that read the same file at the
// same moment, through the same application index: the same case.
func remember(ctx context.Context, s store.Store, key string, id forms.CaseRef) error {
	if _, err := s.Swap(ctx, key, "", []byte(id)); err != nil && !errors.Is(err, store.ErrExist) && !errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("match: recording the case of %s: %w", strings.TrimPrefix(key, "cases/sources/"), err)
	}
	return nil
}

// link points rec at the case id, as opened from this application.
func (m *Matcher) link(ctx context.Context, rec *forms.Record, id string) error {
	c, err := m.repo.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("match: case of %s: %w", rec.DocumentID, err)
	}
	rec.Case = &forms.CaseLink{ID: string(c.ID), Match: "opened", Status: string(c.Effective(m.now()))}
	return nil
}

// proxyFilled: someone applied for the person — the proxy's name is
// written, or the proxy signed.
func proxyFilled(rec *forms.Record) bool {
	if v, ok := rec.Fields["proxy_name"].Value.(string); ok && v != "" {
		return true
	}
	v, ok := rec.Fields["proxy_signature"].Value.(bool)
	return ok && v
}
