package archive

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"shinsei/forms"
	"shinsei/store"
)

// Query selects archived documents. Every criterion given must hold; with
// none, every document matches. Who and Why are required: a search is a
// read of the archive and is audited like one.
type Query struct {
	Case    string `json:"case,omitempty"`    // proxy case id
	Form    string `json:"form,omitempty"`    // template id, or UnknownForm
	Status  string `json:"status,omitempty"`  // accepted, needs_review, rejected
	Station string `json:"station,omitempty"` // scanning station
	// Name is a name or its reading (kanji, katakana or hiragana; spacing
	// and width do not matter), looked up in the keyed-hash name index.
	// It is recorded in the audit log as given: who looked for whom is
	// what the log is for.
	Name string `json:"name,omitempty"`
	// From and To bound the archive day, both days included, each taken
	// in its own location; zero means open.
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`

	Who string `json:"-"`
	Why string `json:"-"`
}

// maxDayListings is the longest date range listed one day at a time; a
// longer one is cheaper as one listing of every day, filtered.
const maxDayListings = 62

// Search returns the complete entries' records that match q, ordered by
// document id, after writing one audit entry naming the query and every
// document returned. Index objects of an entry whose Put has not finished
// are passed over: without its record it is not archived yet.
func (a *Archive) Search(ctx context.Context, q Query) ([]forms.Record, error) {
	who, why, err := reader(q.Who, q.Why)
	if err != nil {
		return nil, err
	}
	switch forms.Status(q.Status) {
	case "", forms.Accepted, forms.NeedsReview, forms.Rejected:
	default:
		return nil, fmt.Errorf("%w: status %q: want %s, %s or %s", ErrInvalidQuery, q.Status, forms.Accepted, forms.NeedsReview, forms.Rejected)
	}
	from, to := day(q.From), day(q.To)
	if from != "" && to != "" && from > to {
		return nil, fmt.Errorf("%w: from %s is after to %s", ErrInvalidQuery, from, to)
	}

	var sets [][]string
	if q.Name != "" {
		ids, err := a.nameIDs(ctx, q.Name)
		if err != nil {
			return nil, err
		}
		sets = append(sets, ids)
	}
	for _, c := range []struct{ kind, value string }{
		{indexCase, q.Case}, {indexForm, q.Form}, {indexStatus, q.Status}, {indexStation, q.Station},
	} {
		if c.value == "" {
			continue
		}
		ids, err := a.listIDs(ctx, indexDir(c.kind, c.value))
		if err != nil {
			return nil, err
		}
		sets = append(sets, ids)
	}
	// Every entry has a date index object, so with no criterion at all
	// the date index lists the whole archive.
	if from != "" || to != "" || len(sets) == 0 {
		var ids []string
		err := a.eachDay(ctx, indexPrefix+indexDate+"/", from, to, func(_, rest string) error {
			if ValidID(rest) {
				ids = append(ids, rest)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		slices.Sort(ids)
		sets = append(sets, slices.Compact(ids))
	}

	reviewed, err := a.latestReviews(ctx)
	if err != nil {
		return nil, err
	}
	recs := []forms.Record{}
	ids := []string{}
	for _, id := range intersect(sets) {
		rec, err := a.recordAt(ctx, id, reviewed[id])
		if errors.Is(err, store.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		// Trust the record over the index: a Put that repaired a crashed
		// one may have written a record that reads differently.
		if !q.matches(rec) {
			continue
		}
		recs = append(recs, rec)
		ids = append(ids, id)
	}
	qa := q
	if err := a.audit(ctx, AuditEntry{Who: who, Why: why, Action: ActionSearch, Query: &qa, DocumentIDs: ids}); err != nil {
		return nil, err
	}
	return recs, nil
}

func (q *Query) matches(rec forms.Record) bool {
	switch {
	case q.Case != "" && (rec.Case == nil || rec.Case.ID != q.Case):
		return false
	case q.Form != "" && formOf(rec) != q.Form:
		return false
	case q.Status != "" && string(rec.Status) != q.Status:
		return false
	case q.Name != "" && !hasName(rec, q.Name):
		return false
	}
	return true
}

// Get returns the record (as the latest review left it, else as read)
// and the redacted page PDF of one archived document, after recording who
// read it and why; if the record of the read cannot be written, nothing is
// returned. The PDF is nil for a page
// that could not be decoded, which was archived as a record only.
func (a *Archive) Get(ctx context.Context, id, who, why string) (forms.Record, []byte, error) {
	who, why, err := reader(who, why)
	if err != nil {
		return forms.Record{}, nil, err
	}
	if !ValidID(id) {
		return forms.Record{}, nil, fmt.Errorf("%w: %q (want the document_id of a record, like 539f631247919ee523fd787c-p2)", ErrInvalidID, id)
	}
	// Only the record's presence is checked before the audit entry: it
	// reveals nothing of the document, and a mistyped id does not fill the
	// audit log with reads that never happened.
	if _, err := a.s.Stat(ctx, docKey(id, recordName)); errors.Is(err, store.ErrNotExist) {
		return forms.Record{}, nil, fmt.Errorf("%w: %s: %w", ErrNotFound, id, err)
	} else if err != nil {
		return forms.Record{}, nil, fmt.Errorf("archive %s: %w", id, err)
	}
	if err := a.audit(ctx, AuditEntry{Who: who, Why: why, Action: ActionGet, DocumentID: id}); err != nil {
		return forms.Record{}, nil, err
	}
	rec, err := a.latest(ctx, id)
	if err != nil {
		return forms.Record{}, nil, err
	}
	pdf, err := a.read(ctx, docKey(id, pageName), maxPDF)
	if errors.Is(err, store.ErrNotExist) {
		return rec, nil, nil
	}
	if err != nil {
		return forms.Record{}, nil, err
	}
	return rec, pdf, nil
}

// ErrNoOriginal: the document's scanned file was not kept (only a one-image
// file of a form without PIN boxes is; docs/archive.md).
var ErrNoOriginal = errors.New("the scanned file was not kept")

// maxOriginal bounds the read of a kept scanned file; decode refuses files
// over 200 MB, so none larger was ever kept.
const maxOriginal = 256 << 20

// Original returns the scanned file kept for document id, and its file
// name, after recording who read it and why (action original); if that
// record cannot be written, nothing is returned. It is the only way the
// archive hands out an original: the scanned file is what the citizen
// handed in, unredacted. A document without one (ErrNoOriginal) or not
// archived (ErrNotFound) is read no further and not recorded: only
// entry.json, which holds no personal data, was looked at.
func (a *Archive) Original(ctx context.Context, id, who, why string) (name string, data []byte, err error) {
	who, why, err = reader(who, why)
	if err != nil {
		return "", nil, err
	}
	if !ValidID(id) {
		return "", nil, fmt.Errorf("%w: %q (want the document_id of a record, like 539f631247919ee523fd787c-p2)", ErrInvalidID, id)
	}
	if _, err := a.s.Stat(ctx, docKey(id, recordName)); errors.Is(err, store.ErrNotExist) {
		return "", nil, fmt.Errorf("%w: %s: %w", ErrNotFound, id, err)
	} else if err != nil {
		return "", nil, fmt.Errorf("archive %s: %w", id, err)
	}
	meta, err := a.meta(ctx, id)
	if err != nil {
		return "", nil, err
	}
	if meta.Original == "" {
		return "", nil, fmt.Errorf("%w: %s", ErrNoOriginal, id)
	}
	if err := a.audit(ctx, AuditEntry{Who: who, Why: why, Action: ActionOriginal, DocumentID: id}); err != nil {
		return "", nil, err
	}
	data, err = a.read(ctx, meta.Original, maxOriginal)
	if err != nil {
		return "", nil, err
	}
	return path.Base(meta.Original), data, nil
}

// reader checks that a read says who and why.
func reader(who, why string) (string, string, error) {
	who, why = strings.TrimSpace(who), strings.TrimSpace(why)
	switch {
	case who == "" && why == "":
		return "", "", fmt.Errorf("%w (neither was given)", ErrNoReason)
	case who == "":
		return "", "", fmt.Errorf("%w (no reader was given)", ErrNoReason)
	case why == "":
		return "", "", fmt.Errorf("%w (no reason was given)", ErrNoReason)
	}
	return who, why, nil
}

// nameIDs lists the documents indexed under any form of name, sorted.
func (a *Archive) nameIDs(ctx context.Context, name string) ([]string, error) {
	if a.indexKey == nil {
		return nil, fmt.Errorf("archive: search by name: %w", ErrNoIndexKey)
	}
	terms := nameTerms(name)
	if len(terms) == 0 {
		return nil, fmt.Errorf("%w: the name is empty", ErrInvalidQuery)
	}
	var ids []string
	for _, t := range terms {
		got, err := a.listIDs(ctx, indexDir(indexName, nameHash(a.indexKey, t)))
		if err != nil {
			return nil, err
		}
		ids = append(ids, got...)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// listIDs lists the document ids under one index value, sorted.
func (a *Archive) listIDs(ctx context.Context, dir string) ([]string, error) {
	var ids []string
	for info, err := range a.s.List(ctx, dir) {
		if err != nil {
			return nil, fmt.Errorf("archive: list %s: %w", dir, err)
		}
		if id := strings.TrimPrefix(info.Key, dir); ValidID(id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// eachDay calls fn for every object under prefix/<day>/ with from <= day <=
// to (an empty bound is open), passing the day and the rest of the key.
// A short range is listed day by day; a long or open one as one listing,
// cut short once past the last day, since keys come in day order.
func (a *Archive) eachDay(ctx context.Context, prefix, from, to string, fn func(day, rest string) error) error {
	list := func(p string, each func(key string) (stop bool, err error)) error {
		for info, err := range a.s.List(ctx, p) {
			if err != nil {
				return fmt.Errorf("archive: list %s: %w", p, err)
			}
			stop, err := each(info.Key)
			if err != nil || stop {
				return err
			}
		}
		return nil
	}
	if from != "" && to != "" {
		f, errF := time.Parse(dayLayout, from)
		t, errT := time.Parse(dayLayout, to)
		if errF == nil && errT == nil && t.Sub(f) <= maxDayListings*24*time.Hour {
			for d := f; !d.After(t); d = d.AddDate(0, 0, 1) {
				dir := prefix + d.Format(dayLayout) + "/"
				err := list(dir, func(key string) (bool, error) {
					return false, fn(d.Format(dayLayout), strings.TrimPrefix(key, dir))
				})
				if err != nil {
					return err
				}
			}
			return nil
		}
	}
	return list(prefix, func(key string) (bool, error) {
		d, rest, ok := strings.Cut(strings.TrimPrefix(key, prefix), "/")
		switch {
		case !ok || (from != "" && d < from):
			return false, nil
		case to != "" && d > to:
			return true, nil
		}
		return false, fn(d, rest)
	})
}

// day is t's calendar day in its own location, "" for the zero time.
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dayLayout)
}

// intersect returns the ids in every sorted set, sorted.
func intersect(sets [][]string) []string {
	if len(sets) == 0 {
		return nil
	}
	out := slices.Clone(sets[0])
	for _, s := range sets[1:] {
		out = slices.DeleteFunc(out, func(id string) bool {
			_, found := slices.BinarySearch(s, id)
			return !found
		})
	}
	return out
}
