package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Actions of Change records. Reads of personal data have their own
// actions, recorded by pipeline/archive (get, search, original, case_*).
const (
	// ActionLogin: someone logged in (Who is the account).
	ActionLogin = "login"
	// ActionLoginFailed: a login was refused. Who is the name typed only
	// when it is a valid account name, since people type passwords into
	// the name field; otherwise it is "-".
	ActionLoginFailed = "login_failed"
	// ActionLogout: a session ended by its user.
	ActionLogout = "logout"
	// ActionReviewSave: a reviewer saved a page (DocumentID), correcting
	// Fields (ids only; old and new values are in the review object,
	// Review).
	ActionReviewSave = "review_save"
	// ActionReviewReject: a reviewer rejected a page; Why is the reason.
	ActionReviewReject = "review_reject"
	// ActionCaseOpen, ActionCaseComplete, ActionCaseCancel: a clerk moved
	// a proxy case (CaseID); Why is the note given.
	ActionCaseOpen     = "case_open"
	ActionCaseComplete = "case_complete"
	ActionCaseCancel   = "case_cancel"
	// ActionUserAdd: an account was created (Account, Role).
	ActionUserAdd = "user_add"
)

// ErrBadChange: a Change without an action this package knows, or without
// who made it.
var ErrBadChange = errors.New("audit: a change must say who made it and be a known action")

// Change is a record of something done, as opposed to something read:
// a login, a review, a case action. It holds ids, never the personal data
// changed (that is in the objects the ids name).
type Change struct {
	At     time.Time `json:"at"`
	Who    string    `json:"who"`
	Action string    `json:"action"`
	// Why is the reason or note given, where the action takes one.
	Why        string `json:"why,omitempty"`
	DocumentID string `json:"document_id,omitempty"`
	CaseID     string `json:"case_id,omitempty"`
	// Fields are the ids of the fields a review corrected.
	Fields []string `json:"fields,omitempty"`
	// Review is the store key of the review object written.
	Review string `json:"review,omitempty"`
	// Account and Role are the account created, for user_add.
	Account string `json:"account,omitempty"`
	Role    string `json:"role,omitempty"`
	// Remote is the client's address, for logins.
	Remote string `json:"remote,omitempty"`
}

// Record appends c to the chain; At is set from the clock when zero.
func (l *Log) Record(ctx context.Context, c Change) (Record, error) {
	switch c.Action {
	case ActionLogin, ActionLoginFailed, ActionLogout, ActionReviewSave, ActionReviewReject,
		ActionCaseOpen, ActionCaseComplete, ActionCaseCancel, ActionUserAdd:
	default:
		return Record{}, fmt.Errorf("%w: action %q", ErrBadChange, c.Action)
	}
	if strings.TrimSpace(c.Who) == "" {
		return Record{}, fmt.Errorf("%w: no one made the %s", ErrBadChange, c.Action)
	}
	if c.At.IsZero() {
		c.At = l.now()
	}
	return l.Append(ctx, c)
}
