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
