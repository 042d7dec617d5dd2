package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"shinsei/forms"
	"shinsei/store"
)

// A page that needs a person is reviewed (pipeline/review): each review is
// a write-once object archive/reviews/<document_id>/<nnnn>.json, n
// counting from 1, holding who, when, each field's old and new value and
// the record as it stands after the review. Written with the store's
// create-only Put, two reviews can never take one number. The first
// record (record.json) stays as the scan left it; reads (Get, Search)
// serve the latest review's record. After each review an empty marker,
// archive/index/reviewed/<document_id>/<nnnn>-<status>, lets the review
// queue tell reviewed pages from waiting ones by listing keys alone.

// Review actions.
const (
	ReviewSave   = "save"
	ReviewReject = "reject"
)

// ErrReviewConflict: another review of the page was written first (the
// claim a reviewer holds should prevent it; this is the store's last word).
var ErrReviewConflict = errors.New("another review of this page was saved first")

// FieldChange is one field a reviewer confirmed or corrected.
type FieldChange struct {
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
	// Changed is false when the reviewer confirmed the value read.
	Changed bool `json:"changed"`
}

// Review is one review of a page.
type Review struct {
	DocumentID string    `json:"document_id"`
	Seq        int       `json:"seq"`
	Who        string    `json:"who"`
	At         time.Time `json:"at"`
	Action     string    `json:"action"` // ReviewSave or ReviewReject
	// Reason is why the page was rejected.
	Reason  string        `json:"reason,omitempty"`
	Changes []FieldChange `json:"changes"`
	// Record is the page's record after this review: the one reads serve.
	Record forms.Record `json:"record"`
	// Key is where the review is stored (set by PutReview and Reviews).
	Key string `json:"-"`
}

// maxReviews bounds the reviews of one page, so a key's number keeps its
// width (and its order).
const maxReviews = 9999

func reviewKey(id string, seq int) string {
	return fmt.Sprintf("%s%s/%04d.json", reviewsPrefix, id, seq)
}

// reviewedKey is the marker of review seq of page id, naming the status it
// left the page in.
func reviewedKey(id string, seq int, status forms.Status) string {
	return fmt.Sprintf("%s%s/%s/%04d-%s", indexPrefix, indexReviewed, id, seq, status)
}

// parseReviewKey reads the rest of a review key after reviewsPrefix.
func parseReviewKey(rest string) (id string, seq int, ok bool) {
	id, name, ok := strings.Cut(rest, "/")
	if !ok || !ValidID(id) {
		return "", 0, false
	}
	n, ok := strings.CutSuffix(name, ".json")
	seq, ok2 := parseSeq(n)
	return id, seq, ok && ok2
}

// parseReviewedKey reads the rest of a marker key after its prefix.
func parseReviewedKey(rest string) (id string, seq int, status forms.Status, ok bool) {
	id, name, ok := strings.Cut(rest, "/")
	if !ok || !ValidID(id) {
		return "", 0, "", false
	}
	n, st, ok := strings.Cut(name, "-")
	seq, ok2 := parseSeq(n)
	return id, seq, forms.Status(st), ok && ok2
}

func parseSeq(n string) (int, bool) {
	if len(n) != 4 {
		return 0, false
	}
	seq, err := strconv.Atoi(n)
	return seq, err == nil && seq >= 1
}

// PutReview stores r as the next review of its page, with Seq one after
// the latest, and adds the page to the status index of its new status so
// that Search finds it by it. It returns the review as stored, with Seq
// and Key set; ErrReviewConflict if another review took the number first.
// It reads and shows nothing; who reviews is recorded by the caller
// (pipeline/review, in the audit chain).
func (a *Archive) PutReview(ctx context.Context, r Review) (Review, error) {
	id := r.DocumentID
	if !ValidID(id) {
		return Review{}, fmt.Errorf("%w: %q", ErrInvalidID, id)
	}
	if r.Record.DocumentID != id {
		return Review{}, fmt.Errorf("%w: %s: the review's record is %q", ErrInvalidPage, id, r.Record.DocumentID)
	}
	switch r.Record.Status {
	case forms.Accepted, forms.NeedsReview, forms.Rejected:
	default:
		return Review{}, fmt.Errorf("%w: %s: review with status %q", ErrInvalidPage, id, r.Record.Status)
	}
	if _, err := a.s.Stat(ctx, docKey(id, recordName)); errors.Is(err, store.ErrNotExist) {
		return Review{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	} else if err != nil {
		return Review{}, fmt.Errorf("archive %s: %w", id, err)
	}
	last, _, err := a.lastReview(ctx, id)
	if err != nil {
		return Review{}, err
	}
	if last >= maxReviews {
		return Review{}, fmt.Errorf("archive %s: %d reviews already", id, last)
	}
	r.Seq = last + 1
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return Review{}, fmt.Errorf("archive %s: encode review: %w", id, err)
	}
	data = append(data, '\n')
	// The status index first: a review without it would be served by Get
	// but not found by Search; an index object without its review is
	// passed over, since Search trusts the record it reads.
	if err := a.putOnce(ctx, indexKey(indexStatus, string(r.Record.Status), id), nil); err != nil {
		return Review{}, err
	}
	for _, k := range a.nameIndexKeys(r.Record) {
		// A name corrected in review is found by its new spelling; the
		// old one's index object stays, and Search passes the page over
		// for it, since it checks the record it serves.
		if err := a.putOnce(ctx, k, nil); err != nil {
			return Review{}, err
		}
	}
	if c := r.Record.Case; c != nil && c.ID != "" {
		// An answer sheet matched in review is found by its case too.
		if err := a.putOnce(ctx, indexKey(indexCase, c.ID, id), nil); err != nil {
			return Review{}, err
		}
	}
	key := reviewKey(id, r.Seq)
	if _, err := a.s.Put(ctx, key, bytes.NewReader(data), int64(len(data))); errors.Is(err, store.ErrExist) {
		return Review{}, fmt.Errorf("archive %s: review %d: %w", id, r.Seq, ErrReviewConflict)
	} else if err != nil {
		return Review{}, fmt.Errorf("archive %s: %w", key, err)
	}
	// Without the marker (a crash here) the queue still lists the page;
	// claiming it then finds the review, and it is passed over.
	if err := a.putOnce(ctx, reviewedKey(id, r.Seq, r.Record.Status), nil); err != nil {
		return Review{}, err
	}
	a.log.Info("review archived", "document_id", id, "key", key, "status", r.Record.Status)
	r.Key = key
	return r, nil
}

// reviewKeys lists a page's review keys, oldest first.
func (a *Archive) reviewKeys(ctx context.Context, id string) ([]string, error) {
	dir := reviewsPrefix + id + "/"
	var keys []string
	for info, err := range a.s.List(ctx, dir) {
		if err != nil {
			return nil, fmt.Errorf("archive: list %s: %w", dir, err)
		}
		if _, _, ok := parseReviewKey(strings.TrimPrefix(info.Key, reviewsPrefix)); ok {
			keys = append(keys, info.Key)
		}
	}
	return keys, nil
}

// lastReview returns the number and key of a page's latest review (0, ""
// when it has none).
func (a *Archive) lastReview(ctx context.Context, id string) (int, string, error) {
	keys, err := a.reviewKeys(ctx, id)
	if err != nil || len(keys) == 0 {
		return 0, "", err
	}
	best, bestKey := 0, ""
	for _, k := range keys {
		_, seq, _ := parseReviewKey(strings.TrimPrefix(k, reviewsPrefix))
		if seq > best {
			best, bestKey = seq, k
		}
	}
	return best, bestKey, nil
}

// latest is the record reads serve: the latest review's, else the first.
func (a *Archive) latest(ctx context.Context, id string) (forms.Record, error) {
	_, key, err := a.lastReview(ctx, id)
	if err != nil {
		return forms.Record{}, err
	}
	return a.recordAt(ctx, id, key)
}

// latestReviews maps every reviewed page to its latest review's key, from
// one listing: Search reads many pages and must not list each one's
// reviews.
func (a *Archive) latestReviews(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	best := map[string]int{}
	for info, err := range a.s.List(ctx, reviewsPrefix) {
		if err != nil {
			return nil, fmt.Errorf("archive: list %s: %w", reviewsPrefix, err)
		}
		id, seq, ok := parseReviewKey(strings.TrimPrefix(info.Key, reviewsPrefix))
		if ok && seq > best[id] {
			best[id], out[id] = seq, info.Key
		}
	}
	return out, nil
}

// recordAt reads page id's record from its review at key, or its first
// record when key is "".
func (a *Archive) recordAt(ctx context.Context, id, key string) (forms.Record, error) {
	if key == "" {
		return a.record(ctx, id)
	}
	data, err := a.read(ctx, key, maxSmallObject)
	if err != nil {
		return forms.Record{}, err
	}
	var r Review
	if err := json.Unmarshal(data, &r); err != nil {
		return forms.Record{}, fmt.Errorf("archive %s: %w", key, err)
	}
	return r.Record, nil
}

// Reviews returns a page's reviews, oldest first, after recording who read
// them and why (they hold the values read and corrected, as the record
// does).
func (a *Archive) Reviews(ctx context.Context, id, who, why string) ([]Review, error) {
	who, why, err := reader(who, why)
	if err != nil {
		return nil, err
	}
	if !ValidID(id) {
		return nil, fmt.Errorf("%w: %q", ErrInvalidID, id)
	}
	keys, err := a.reviewKeys(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.audit(ctx, AuditEntry{Who: who, Why: why, Action: ActionReviews, DocumentID: id}); err != nil {
		return nil, err
	}
	out := []Review{}
	for _, k := range keys {
		data, err := a.read(ctx, k, maxSmallObject)
		if err != nil {
			return nil, err
		}
		var r Review
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("archive %s: %w", k, err)
		}
		r.Key = k
		out = append(out, r)
	}
	return out, nil
}

// Current returns the record reads serve now (the latest review's, else
// the first), WITHOUT recording a read. It is for code that builds the
// next review from it and shows nothing (pipeline/review Save, whose
// reviewer read the page through Get when opening it); anything that
// shows a record must use Get.
func (a *Archive) Current(ctx context.Context, id string) (forms.Record, error) {
	if !ValidID(id) {
		return forms.Record{}, fmt.Errorf("%w: %q", ErrInvalidID, id)
	}
	rec, err := a.latest(ctx, id)
	if errors.Is(err, store.ErrNotExist) {
		return forms.Record{}, fmt.Errorf("%w: %s: %w", ErrNotFound, id, err)
	}
	return rec, err
}

// QueueItem is a page waiting for a person.
type QueueItem struct {
	DocumentID string
	// ArchivedAt is when the page was archived (UTC), the queue's order.
	ArchivedAt time.Time
}

// QueueFilter narrows the queue; empty fields match every page.
type QueueFilter struct {
	Station string
	Form    string // template id, or UnknownForm
}

// Queue lists the pages that need a person, oldest first: those archived
// as needs_review whose latest review (if any) left them so. It reads keys
// only (the review index written at archive time, the station and form
// indexes, the reviewed markers), no records, so it is not a read of personal
// data and is not audited. A page whose archiving has not finished may be
// listed; opening it finds no record (ErrNotFound).
func (a *Archive) Queue(ctx context.Context, f QueueFilter) ([]QueueItem, error) {
	var sets [][]string
	for _, c := range []struct{ kind, value string }{{indexForm, f.Form}, {indexStation, f.Station}} {
		if c.value == "" {
			continue
		}
		ids, err := a.listIDs(ctx, indexDir(c.kind, c.value))
		if err != nil {
			return nil, err
		}
		sets = append(sets, ids)
	}
	done := map[string]bool{}
	last := map[string]int{}
	reviewed := indexPrefix + indexReviewed + "/"
	for info, err := range a.s.List(ctx, reviewed) {
		if err != nil {
			return nil, fmt.Errorf("archive: list %s: %w", reviewed, err)
		}
		id, seq, st, ok := parseReviewedKey(strings.TrimPrefix(info.Key, reviewed))
		if ok && seq > last[id] {
			last[id] = seq
			done[id] = st != forms.NeedsReview
		}
	}
	dir := indexPrefix + indexReview + "/"
	out := []QueueItem{}
	for info, err := range a.s.List(ctx, dir) {
		if err != nil {
			return nil, fmt.Errorf("archive: list %s: %w", dir, err)
		}
		stamp, id, ok := strings.Cut(strings.TrimPrefix(info.Key, dir), "/")
		if !ok || !ValidID(id) || done[id] {
			continue
		}
		if !slices.ContainsFunc(sets, func(s []string) bool { _, found := slices.BinarySearch(s, id); return !found }) {
			at, _ := time.Parse(queueStamp, stamp)
			out = append(out, QueueItem{DocumentID: id, ArchivedAt: at})
		}
	}
	return out, nil
}
