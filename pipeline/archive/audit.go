package archive

import (
	"context"
	"fmt"
	"time"
)

// Audit actions.
const (
	ActionGet    = "get"
	ActionSearch = "search"
	// ActionOriginal: the scanned file kept for a document was read
	// (Original).
	ActionOriginal = "original"
	// ActionReviews: the reviews of a page (old and new values) were read
	// (Reviews).
	ActionReviews = "reviews"
	// Reads of proxy cases (pipeline/cases), recorded with RecordRead by
	// whoever shows them: a case's person (name, birth date, address) is
	// as personal as a page. case_show is one case shown, case_list a
	// list of them, case_sheet an answer sheet printed with the person's
	// name and address, case_change a case printed after complete or
	// cancel.
	ActionCaseShow   = "case_show"
	ActionCaseList   = "case_list"
	ActionCaseSheet  = "case_sheet"
	ActionCaseChange = "case_change"
)

// AuditEntry is one recorded read of the archive, a record of the audit
// chain (pipeline/audit).
type AuditEntry struct {
	At     time.Time `json:"at"`
	Who    string    `json:"who"`
	Why    string    `json:"why"`
	Action string    `json:"action"`
	// DocumentID is the document read, for ActionGet.
	DocumentID string `json:"document_id,omitempty"`
	// Query and DocumentIDs are the search and every document it
	// returned, for ActionSearch (an empty list when nothing matched).
	Query       *Query   `json:"query,omitempty"`
	DocumentIDs []string `json:"document_ids,omitzero"`
	// CaseID is the case read, for case_show, case_sheet and case_change.
	CaseID string `json:"case_id,omitempty"`
	// CaseIDs are every case a case_list showed ([] when none), and
	// CaseStatus the status it was filtered by, if any.
	CaseIDs    []string `json:"case_ids,omitzero"`
	CaseStatus string   `json:"case_status,omitempty"`
}

// RecordRead records a read of personal data kept beside the archive (a
// proxy case), before the caller shows it: the caller must not show
// anything when it returns an error. e must say who and why (ErrNoReason)
// and be one of the case actions with its case; the archive's own reads
// (Search, Get, Original) record themselves. At is set here.
func (a *Archive) RecordRead(ctx context.Context, e AuditEntry) error {
	who, why, err := reader(e.Who, e.Why)
	if err != nil {
		return err
	}
	switch e.Action {
	case ActionCaseShow, ActionCaseSheet, ActionCaseChange:
		if e.CaseID == "" || e.CaseIDs != nil {
			return fmt.Errorf("archive: recording a %s: want one case id", e.Action)
		}
	case ActionCaseList:
		if e.CaseID != "" {
			return fmt.Errorf("archive: recording a %s: the cases go in CaseIDs", e.Action)
		}
		if e.CaseIDs == nil {
			e.CaseIDs = []string{}
		}
	default:
		return fmt.Errorf("archive: RecordRead records reads of cases, not %q", e.Action)
	}
	e.Who, e.Why = who, why
	e.DocumentID, e.Query, e.DocumentIDs = "", nil, nil
	return a.audit(ctx, e)
}

// audit appends one entry to the audit chain (pipeline/audit): write-once
// and linked to the entry before, so the log can only grow, and a record
// deleted or changed behind shinsei's back is found by audit.Verify.
func (a *Archive) audit(ctx context.Context, e AuditEntry) error {
	e.At = a.now()
	rec, err := a.chain.Append(ctx, e)
	if err != nil {
		return fmt.Errorf("archive: recording the read (nothing is returned unrecorded): %w", err)
	}
	a.log.Debug("archive read recorded", "key", rec.Key, "action", e.Action, "document_id", e.DocumentID, "documents", len(e.DocumentIDs))
	return nil
}

// Audit returns the recorded entries from from to to (both included; a
// zero time is open), in the order they were recorded. It lists the whole
// chain: the audit log is read by auditors now and then, not per page.
// Changes (audit.Change: reviews, logins, case actions) are returned too,
// with the fields an AuditEntry has. Listing the audit log is not itself a
// read of documents and is not recorded.
func (a *Archive) Audit(ctx context.Context, from, to time.Time) ([]AuditEntry, error) {
	out := []AuditEntry{}
	for rec, err := range a.chain.Records(ctx) {
		if err != nil {
			return nil, fmt.Errorf("archive: %w", err)
		}
		var e AuditEntry
		if err := rec.Decode(&e); err != nil {
			return nil, fmt.Errorf("archive: %w", err)
		}
		if (!from.IsZero() && e.At.Before(from)) || (!to.IsZero() && e.At.After(to)) {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}
