// Package review is the work of a person on pages the machine was unsure
// of: the queue of pages that need one (oldest first), a claim on a page
// so two reviewers never work on it at once, and saving or rejecting it.
//
// A claim is a small mutable object, review/claims/<document_id>.json,
// taken and given back with compare-and-swap; it expires, so a page
// abandoned in a closed browser tab goes back to the queue by itself.
// Saving re-runs the form's rules on the corrected values (and matching,
// for an answer sheet) and writes a write-once review
// (archive.PutReview): the first record stays as the scan left it, and the
// archive serves the latest. Every save and reject is also a record in the
// audit chain. The package does no HTTP: the web UI calls it.
package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/pipeline/audit"
	"shinsei/pipeline/match"
	"shinsei/store"
	"shinsei/templates"
)

// ClaimPrefix is where claims live in the store.
const ClaimPrefix = "review/claims/"

// Errors callers test for with errors.Is.
var (
	// ErrClaimed: another reviewer holds an unexpired claim on the page
	// (errors.As a *ClaimedError says who, and until when).
	ErrClaimed = errors.New("another reviewer is working on this page")
	// ErrNotClaimed: Save or Reject by a reviewer who does not hold the
	// page's claim (never took it, or it expired and someone else took it).
	ErrNotClaimed = errors.New("you do not hold this page: claim it first (your claim may have expired)")
	// ErrNotWaiting: the page does not need a person (accepted or
	// rejected already).
	ErrNotWaiting = errors.New("the page does not need review")
	// ErrEmpty: Next found no page it could claim.
	ErrEmpty = errors.New("no page waits for review")
	// ErrInvalid: a correction that cannot be a value of its field (a
	// field the form does not have, a wrong type, a date that is not
	// one, a My Number), or a reject without a reason.
	ErrInvalid = errors.New("invalid review")
)

// ClaimedError says who holds a page.
type ClaimedError struct {
	By    string
	Until time.Time
}

func (e *ClaimedError) Error() string {
	return fmt.Sprintf("%v (%s, until %s)", ErrClaimed, e.By, e.Until.Format(time.RFC3339))
}
func (e *ClaimedError) Unwrap() error { return ErrClaimed }

// Claim is review/claims/<id>.json.
type Claim struct {
	DocumentID string    `json:"document_id"`
	Reviewer   string    `json:"reviewer"`
	Until      time.Time `json:"until"`
}

// Options configure a Service.
type Options struct {
	// Templates are the forms pages were read with; templates.Builtin()
	// if nil.
	Templates *templates.Registry
	// Matcher matches an answer sheet to its case when saved; nil means
	// answer sheets are saved without matching (their case link, if
	// any, kept as it was).
	Matcher *match.Matcher
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	// Log receives what happens (ids and reviewers, never values).
	Log *slog.Logger
}

// Service is the review work over one store.
type Service struct {
	s     store.Store
	a     *archive.Archive
	chain *audit.Log
	reg   *templates.Registry
	m     *match.Matcher
	now   func() time.Time
	log   *slog.Logger
}

// New returns the review service over the archive a kept in s.
func New(s store.Store, a *archive.Archive, opts Options) *Service {
	v := &Service{s: s, a: a, reg: opts.Templates, m: opts.Matcher, now: opts.Now, log: opts.Log}
	if v.reg == nil {
		v.reg = templates.Builtin()
	}
	if v.now == nil {
		v.now = time.Now
	}
	if v.log == nil {
		v.log = slog.New(slog.DiscardHandler)
	}
	v.chain = audit.New(s, audit.Options{Now: v.now, Log: v.log})
	return v
}

func claimKey(id string) string { return ClaimPrefix + id + ".json" }

// Queue lists the pages that need a person, oldest first (archive.Queue).
func (v *Service) Queue(ctx context.Context, f archive.QueueFilter) ([]archive.QueueItem, error) {
	return v.a.Queue(ctx, f)
}

// Claim takes page id for reviewer until ttl from now: created if nobody
// claimed it, taken over if the last claim expired, extended if reviewer
// holds it. Another reviewer's live claim is ErrClaimed.
func (v *Service) Claim(ctx context.Context, id, reviewer string, ttl time.Duration) (Claim, error) {
	if strings.TrimSpace(reviewer) == "" || ttl <= 0 {
		return Claim{}, fmt.Errorf("%w: a claim needs a reviewer and a positive duration", ErrInvalid)
	}
	rec, err := v.a.Current(ctx, id)
	if err != nil {
		return Claim{}, fmt.Errorf("review: %w", err)
	}
	if rec.Status != forms.NeedsReview {
		return Claim{}, fmt.Errorf("review %s: %w (%s)", id, ErrNotWaiting, rec.Status)
	}
	for {
		now := v.now()
		old, info, err := v.loadClaim(ctx, id)
		version := info.Version
		switch {
		case errors.Is(err, store.ErrNotExist):
			version = ""
		case err != nil:
			return Claim{}, err
		case old.Reviewer != reviewer && now.Before(old.Until):
			return Claim{}, fmt.Errorf("review %s: %w", id, &ClaimedError{By: old.Reviewer, Until: old.Until})
		}
		c := Claim{DocumentID: id, Reviewer: reviewer, Until: now.Add(ttl).UTC()}
		data, _ := json.Marshal(c)
		_, err = v.s.Swap(ctx, claimKey(id), version, data)
		switch {
		case err == nil:
			v.log.Debug("review: page claimed", "document_id", id, "reviewer", reviewer)
			return c, nil
		case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrExist), errors.Is(err, store.ErrNotExist):
			continue // someone else moved first: look again
		default:
			return Claim{}, fmt.Errorf("review %s: claim: %w", id, err)
		}
	}
}

// Release gives back reviewer's claim on id (a no-op if they do not hold
// it), so the page goes back to the queue at once.
func (v *Service) Release(ctx context.Context, id, reviewer string) error {
	for {
		c, info, err := v.loadClaim(ctx, id)
		if errors.Is(err, store.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		now := v.now()
		if c.Reviewer != reviewer || !now.Before(c.Until) {
			return nil
		}
		c.Until = now.UTC()
		data, _ := json.Marshal(c)
		_, err = v.s.Swap(ctx, claimKey(id), info.Version, data)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("review %s: release: %w", id, err)
		}
		return nil
	}
}

// Next claims the oldest page in the queue (narrowed by f) that nobody
// else holds, and returns it: the way a reviewer takes the next page.
func (v *Service) Next(ctx context.Context, f archive.QueueFilter, reviewer string, ttl time.Duration) (archive.QueueItem, Claim, error) {
	q, err := v.Queue(ctx, f)
	if err != nil {
		return archive.QueueItem{}, Claim{}, err
	}
	for _, it := range q {
		c, err := v.Claim(ctx, it.DocumentID, reviewer, ttl)
		if errors.Is(err, ErrClaimed) || errors.Is(err, ErrNotWaiting) || errors.Is(err, archive.ErrNotFound) {
			continue
		}
		if err != nil {
			return archive.QueueItem{}, Claim{}, err
		}
		return it, c, nil
	}
	return archive.QueueItem{}, Claim{}, ErrEmpty
}

// Open returns the page a reviewer holds, record and redacted PDF, through
// the archive's audited read (reason "review").
func (v *Service) Open(ctx context.Context, id, reviewer string) (forms.Record, []byte, error) {
	if err := v.holds(ctx, id, reviewer); err != nil {
		return forms.Record{}, nil, err
	}
	return v.a.Get(ctx, id, reviewer, ReasonReview)
}

// ReasonReview is the reason recorded when a reviewer opens a page.
const ReasonReview = "審査 / review"

func (v *Service) holds(ctx context.Context, id, reviewer string) error {
	c, _, err := v.loadClaim(ctx, id)
	if errors.Is(err, store.ErrNotExist) {
		return fmt.Errorf("review %s: %w", id, ErrNotClaimed)
	}
	if err != nil {
		return err
	}
	if c.Reviewer != reviewer || !v.now().Before(c.Until) {
		return fmt.Errorf("review %s: %w", id, ErrNotClaimed)
	}
	return nil
}

func (v *Service) loadClaim(ctx context.Context, id string) (Claim, store.Info, error) {
	if !archive.ValidID(id) {
		return Claim{}, store.Info{}, fmt.Errorf("review: %w: %q", archive.ErrInvalidID, id)
	}
	data, info, err := v.s.Load(ctx, claimKey(id))
	if err != nil {
		return Claim{}, info, fmt.Errorf("review %s: %w", id, err)
	}
	var c Claim
	if err := json.Unmarshal(data, &c); err != nil {
		// A claim that cannot be read is treated as expired: it must not
		// lock a page for ever.
		v.log.Warn("review: unreadable claim, treated as expired", "key", claimKey(id))
		return Claim{DocumentID: id}, info, nil
	}
	return c, info, nil
}

// Corrections are what a reviewer saves.
type Corrections struct {
	// Fields holds each field the reviewer confirmed or corrected: a
	// string for text, dates (any spelling forms.ParseDate reads; stored
	// as YYYY-MM-DD) and the case reference; a bool for checkboxes and
	// signatures; the number of filled cells for PIN fields (an int, or a
	// float64 holding one, as JSON gives it) — never a PIN's digits.
	Fields map[string]any
	// For an answer sheet: what the city printed on it (the person's name
	// and address), as the reviewer reads them on the page; they confirm
	// the sheet is the case's person when it is matched. Empty: not given.
	PersonName    string
	PersonAddress string
}

// CodeReviewRejected is the issue a rejected page carries, with the reason.
const CodeReviewRejected = "review_rejected"

// isMatchCode: the issues matching adds; they are worked out again when
// an answer sheet is matched on save.
func isMatchCode(code string) bool {
	switch code {
	case match.CodeCaseUnidentified, match.CodeCaseUnknown, match.CodeCaseNotFound, match.CodeCaseAmbiguous,
		match.CodeCaseNotPending, match.CodeAlreadyAnswered, match.CodeAnswerBeforeSent, match.CodePersonMismatch,
		match.CodePersonUnconfirmed, match.CodeAddressMismatch, match.CodeProxyMismatch:
		return true
	}
	return false
}

// Save applies a reviewer's corrections to the page they hold and stores
// the result as a new review: every field given is confirmed (confidence
// 1, no longer flagged), the rules are run again on the values, an answer
// sheet is matched to its case, and the page is accepted if nothing is
// left for a person, else it stays in the queue with what is left. The
// claim is given back. It returns the review written.
func (v *Service) Save(ctx context.Context, id, reviewer string, c Corrections) (archive.Review, error) {
	if err := v.holds(ctx, id, reviewer); err != nil {
		return archive.Review{}, err
	}
	base, err := v.a.Current(ctx, id)
	if err != nil {
		return archive.Review{}, fmt.Errorf("review: %w", err)
	}
	if base.Status != forms.NeedsReview {
		return archive.Review{}, fmt.Errorf("review %s: %w (%s)", id, ErrNotWaiting, base.Status)
	}
	if base.Template == nil {
		return archive.Review{}, fmt.Errorf("review %s: %w: the page is not a known form; it can only be rejected", id, ErrInvalid)
	}
	t, err := v.reg.Get(base.Template.ID, base.Template.Revision)
	if err != nil {
		return archive.Review{}, fmt.Errorf("review %s: %w", id, err)
	}
	rec := base
	rec.Fields = maps.Clone(base.Fields)
	if rec.Fields == nil {
		rec.Fields = map[string]forms.FieldValue{}
	}
	var changes []archive.FieldChange
	for _, fid := range slices.Sorted(maps.Keys(c.Fields)) {
		f, ok := t.Field(fid)
		if !ok {
			return archive.Review{}, fmt.Errorf("review %s: %w: form %s has no field %q", id, ErrInvalid, t.ID, fid)
		}
		val, err := normalize(f, c.Fields[fid])
		if err != nil {
			return archive.Review{}, fmt.Errorf("review %s: %w: field %s: %v", id, ErrInvalid, fid, err)
		}
		old := base.Fields[fid].Value
		changes = append(changes, archive.FieldChange{Field: fid, Old: old, New: val, Changed: !sameValue(old, val)})
		rec.Fields[fid] = forms.FieldValue{Value: val, Confidence: 1}
	}

	now := v.now()
	rc := forms.RuleContext{Today: now}
	// What the rules said of the old values is worked out again on the
	// new ones; what a person confirmed a field for is settled; what the
	// page as a whole was flagged for (the form told by its layout, text
	// not read) the reviewer has seen to by looking at the page.
	stale := forms.Validate(t.ID, forms.Sure(base.Fields), rc)
	rematch := v.m != nil && t.ID == forms.TemplateAnswer && (base.Case == nil || base.Case.Status != string(forms.CaseAnswered))
	var issues []forms.Issue
	for _, is := range base.Issues {
		switch {
		case slices.Contains(stale, is):
		case is.Field == "" && !isMatchCode(is.Code):
		case is.Field != "" && c.Fields[is.Field] != nil:
		case rematch && isMatchCode(is.Code):
		default:
			issues = append(issues, is)
		}
	}
	rec.Issues = append(issues, forms.Validate(t.ID, forms.Sure(rec.Fields), rc)...)
	if rec.Issues == nil {
		rec.Issues = []forms.Issue{}
	}
	rec.Status = rec.Settled()
	if rematch {
		ev := match.Evidence{Name: forms.NormalizeText(c.PersonName), Address: forms.NormalizeText(c.PersonAddress), AddressSure: c.PersonAddress != ""}
		if base.Case != nil {
			ev.QRRef = base.Case.ID
		}
		if ref, ok := rec.Fields["case_ref"].Value.(string); ok && !rec.Fields["case_ref"].Review && ref != "" {
			ev.QRRef = "" // the reviewer's reading of the reference wins
			ev.ReadRef = ref
		}
		rec.Case = nil
		if err := v.m.Answer(ctx, &rec, ev); err != nil {
			return archive.Review{}, fmt.Errorf("review %s: matching: %w", id, err)
		}
		if len(rec.Issues) > 0 {
			rec.Status = forms.NeedsReview
		}
	}
	rv := archive.Review{DocumentID: id, Who: reviewer, At: now, Action: archive.ReviewSave, Changes: changes, Record: rec}
	if rv.Changes == nil {
		rv.Changes = []archive.FieldChange{}
	}
	return v.store(ctx, rv, audit.ActionReviewSave, "")
}

// Reject marks the page a reviewer holds as rejected (rescan, or the paper
// itself is wrong), with the reason, as a new review.
func (v *Service) Reject(ctx context.Context, id, reviewer, reason string) (archive.Review, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return archive.Review{}, fmt.Errorf("review %s: %w: a reject needs a reason", id, ErrInvalid)
	}
	if err := v.holds(ctx, id, reviewer); err != nil {
		return archive.Review{}, err
	}
	rec, err := v.a.Current(ctx, id)
	if err != nil {
		return archive.Review{}, fmt.Errorf("review: %w", err)
	}
	if rec.Status != forms.NeedsReview {
		return archive.Review{}, fmt.Errorf("review %s: %w (%s)", id, ErrNotWaiting, rec.Status)
	}
	rec.Status = forms.Rejected
	rec.Issues = append(slices.Clone(rec.Issues), forms.Issue{Code: CodeReviewRejected, Message: "審査で却下 / rejected in review: " + reason})
	rv := archive.Review{DocumentID: id, Who: reviewer, At: v.now(), Action: archive.ReviewReject, Reason: reason, Changes: []archive.FieldChange{}, Record: rec}
	return v.store(ctx, rv, audit.ActionReviewReject, reason)
}

// store writes the review, records it in the audit chain and gives back
// the claim.
func (v *Service) store(ctx context.Context, rv archive.Review, action, why string) (archive.Review, error) {
	rv, err := v.a.PutReview(ctx, rv)
	if err != nil {
		return archive.Review{}, fmt.Errorf("review: %w", err)
	}
	key := rv.Key
	var fields []string
	for _, ch := range rv.Changes {
		if ch.Changed {
			fields = append(fields, ch.Field)
		}
	}
	if _, err := v.chain.Record(ctx, audit.Change{At: rv.At, Who: rv.Who, Action: action, Why: why, DocumentID: rv.DocumentID, Fields: fields, Review: key}); err != nil {
		return archive.Review{}, fmt.Errorf("review %s: saved as %s but not recorded in the audit log: %w", rv.DocumentID, key, err)
	}
	if err := v.Release(ctx, rv.DocumentID, rv.Who); err != nil {
		v.log.Warn("review: claim not given back; it expires by itself", "document_id", rv.DocumentID, "err", err)
	}
	v.log.Info("page reviewed", "document_id", rv.DocumentID, "reviewer", rv.Who, "action", rv.Action, "status", rv.Record.Status, "fields_changed", len(fields))
	return rv, nil
}

// normalize checks a corrected value against its field and returns it as a
// record holds it.
func normalize(f templates.Field, v any) (any, error) {
	switch f.Kind {
	case templates.Checkbox, templates.Signature:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("want true or false, got %T", v)
		}
		return b, nil
	case templates.PIN:
		var n float64
		switch x := v.(type) {
		case int:
			n = float64(x)
		case float64:
			n = x
		default:
			return nil, fmt.Errorf("want the number of filled cells, got %T", v)
		}
		if n != math.Trunc(n) || n < 0 || int(n) > f.Cells {
			return nil, fmt.Errorf("want a number of filled cells from 0 to %d", f.Cells)
		}
		return int(n), nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("want text, got %T", v)
	}
	// A My Number typed into any field is refused, never stored.
	if forms.FindMyNumber(s) != forms.NoMyNumber {
		return nil, errors.New("12 or more digits in a row: a My Number must not be written down")
	}
	switch f.Kind {
	case templates.Date:
		d, _, err := forms.ParseDate(s)
		if err != nil {
			return nil, err
		}
		return d.Format("2006-01-02"), nil
	case templates.CaseRef:
		ref, err := forms.ParseCaseRef(s)
		if err != nil {
			return nil, err
		}
		return string(ref), nil
	}
	if f.Charset == templates.Katakana {
		k, ok := forms.NormalizeKatakana(s)
		if !ok && strings.TrimSpace(s) != "" {
			return nil, errors.New("want katakana")
		}
		return k, nil
	}
	return forms.NormalizeText(s), nil
}

func sameValue(a, b any) bool {
	if x, ok := a.(float64); ok {
		a = int(x) // a PIN count read back from JSON
		if x != math.Trunc(x) {
			a = x
		}
	}
	return a == b
}
