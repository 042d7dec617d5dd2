package archive

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"shinsei/store"
)

// Audit actions.
const (
	ActionGet    = "get"
	ActionSearch = "search"
	// ActionOriginal: the scanned file kept for a document was read
	// (Original).
	ActionOriginal = "original"
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

// AuditEntry is one recorded read of the archive: audit/<day>/<time>-<random>.json.
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

// auditStamp is the time in an audit key: UTC and fixed width, so keys sort
// as the reads happened, across days and time zones.
const auditStamp = "20060102T150405.000000000Z"

// audit writes one audit entry, write-once, so the log can only grow.
func (a *Archive) audit(ctx context.Context, e AuditEntry) error {
	e.At = a.now()
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("archive: audit entry: %w", err)
	}
	data = append(data, '\n')
	at := e.At.UTC()
	// The random part keeps two reads in the same nanosecond (two
	// workers, a coarse clock) apart; a collision is retried, not lost.
	for range 3 {
		var b [8]byte
		rand.Read(b[:])
		key := auditPrefix + at.Format(dayLayout) + "/" + at.Format(auditStamp) + "-" + hex.EncodeToString(b[:]) + ".json"
		_, err = a.s.Put(ctx, key, bytes.NewReader(data), int64(len(data)))
		if err == nil {
			a.log.Debug("archive read recorded", "key", key, "action", e.Action, "document_id", e.DocumentID, "documents", len(e.DocumentIDs))
			return nil
		}
		if !errors.Is(err, store.ErrExist) {
			break
		}
	}
	return fmt.Errorf("archive: recording the read (nothing is returned unrecorded): %w", err)
}

// Audit returns the recorded reads from from to to (both included; a zero
// time is open), oldest first. Listing the audit log is not itself a read
// of documents and is not recorded.
func (a *Archive) Audit(ctx context.Context, from, to time.Time) ([]AuditEntry, error) {
	var fromDay, toDay string
	if !from.IsZero() {
		fromDay = from.UTC().Format(dayLayout)
	}
	if !to.IsZero() {
		toDay = to.UTC().Format(dayLayout)
	}
	out := []AuditEntry{}
	err := a.eachDay(ctx, auditPrefix, fromDay, toDay, func(day, rest string) error {
		key := auditPrefix + day + "/" + rest
		data, err := a.read(ctx, key, maxSmallObject)
		if err != nil {
			return err
		}
		var e AuditEntry
		if err := json.Unmarshal(data, &e); err != nil {
			return fmt.Errorf("archive: %s: %w", key, err)
		}
		if (!from.IsZero() && e.At.Before(from)) || (!to.IsZero() && e.At.After(to)) {
			return nil
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
