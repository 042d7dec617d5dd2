package forms

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
)

// Status is the decision on one scanned page.
type Status string

const (
	// Accepted: every required field was read confidently and is valid.
	Accepted Status = "accepted"
	// NeedsReview: a person must confirm something; the issues say what.
	NeedsReview Status = "needs_review"
	// Rejected: unreadable, not a form, or not usable: rescan.
	Rejected Status = "rejected"
)

// Record is what shinsei knows about one scanned page: the JSON a `scan
// --json` line holds, and what the archive keeps (docs/records.md).
type Record struct {
	DocumentID string                `json:"document_id"`
	Source     Source                `json:"source"`
	Template   *TemplateRef          `json:"template"` // nil: not a known form
	Status     Status                `json:"status"`
	Quality    Quality               `json:"quality"`
	Fields     map[string]FieldValue `json:"fields"`
	Issues     []Issue               `json:"issues"`
	Case       *CaseLink             `json:"case"`
}

// Source names the file and page a record was read from.
type Source struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Page   int    `json:"page"` // 1-based
}

// TemplateRef names a template revision.
type TemplateRef struct {
	ID       string `json:"id"`
	Revision int    `json:"revision"`
	// IdentifiedBy says how the form was told: IdentifiedByQR from its QR
	// code, IdentifiedByLayout from its print when the QR code could not
	// be read (weaker: the record then also carries form_code_unreadable).
	IdentifiedBy string `json:"identified_by"`
}

// How a page's form was identified (TemplateRef.IdentifiedBy).
const (
	IdentifiedByQR     = "qr"
	IdentifiedByLayout = "layout"
)

// Quality describes the scan as found.
type Quality struct {
	SkewDeg  float64 `json:"skew_deg"`
	Rotation int     `json:"rotation"` // quarter turn found and undone: 0, 90, 180, 270
	DPI      float64 `json:"dpi"`
}

// FieldValue is one field as read. Value is a string for text (and an ISO
// YYYY-MM-DD date for dates), a bool for checkboxes and signatures, and the
// number of filled cells for PIN fields — never a PIN's characters.
type FieldValue struct {
	Value      any     `json:"value"`
	Confidence float64 `json:"confidence"` // in [0, 1]
	Review     bool    `json:"review"`     // a person must confirm it
	// Raw is what the reader read, kept when Value is not it but a value
	// proposed from a list (a name or address one character from what was
	// read, always for review); empty otherwise.
	Raw string `json:"raw,omitempty"`
}

// Issue is one finding, with a stable code other tools can key on.
type Issue struct {
	Field   string `json:"field,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// CaseLink is the proxy case an answer sheet was matched to.
type CaseLink struct {
	ID     string `json:"id"`
	Match  string `json:"match"` // qr, reference, name_birth
	Status string `json:"status"`
	// Confirmed lists the fields read unsurely that the case confirmed:
	// what was read is exactly what the case holds (the proxy's name).
	Confirmed []string `json:"confirmed,omitempty"`
}

// DocumentID names a page by its content: the same file scanned twice gets
// the same id, so a rescan is recognised rather than archived twice.
func DocumentID(fileSHA256 string, page int) string {
	if fileSHA256 == "" {
		return "" // a file that could not be read has no content to name it by
	}
	return fmt.Sprintf("%s-p%d", fileSHA256[:min(len(fileSHA256), 24)], page)
}

// FileSHA256 is the hex SHA-256 of a file's bytes, as Source.SHA256 holds it.
func FileSHA256(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// HasIssue reports whether the record already carries issue code on field.
func (r *Record) HasIssue(field, code string) bool {
	return slices.ContainsFunc(r.Issues, func(is Issue) bool { return is.Field == field && is.Code == code })
}

// Settled is the status a read record's content gives it: needs_review
// while any issue stands or any field is for a person, accepted otherwise.
// (A rejected page is rejected before it is read.)
func (r *Record) Settled() Status {
	if len(r.Issues) > 0 {
		return NeedsReview
	}
	for _, fv := range r.Fields {
		if fv.Review {
			return NeedsReview
		}
	}
	return Accepted
}
