package web_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/web"
)

// memReviews is a stand-in for the review package (its claims in memory,
// its final records not written to the store) with the behaviour web
// relies on: oldest first, one holder per page, rules re-run on save.
type memReviews struct {
	a      *archive.Archive
	mu     sync.Mutex
	claims map[string]web.Claim
	finals map[string]forms.Record
}

func newMemReviews(a *archive.Archive) *memReviews {
	return &memReviews{a: a, claims: map[string]web.Claim{}, finals: map[string]forms.Record{}}
}

const claimFor = 10 * time.Minute

func (m *memReviews) Queue(ctx context.Context, f web.QueueFilter) ([]web.QueueItem, error) {
	recs, err := m.a.Search(ctx, archive.Query{Status: string(forms.NeedsReview), Station: f.Station, Form: f.Form, Who: "review-queue", Why: "listing the queue"})
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []web.QueueItem
	for _, r := range recs {
		if _, done := m.finals[r.DocumentID]; done {
			continue
		}
		it := web.QueueItem{DocumentID: r.DocumentID, Station: "市民課"}
		if r.Template != nil {
			it.Form = r.Template.ID
		}
		for _, is := range r.Issues {
			it.Issues = append(it.Issues, is.Code)
		}
		if c, ok := m.claims[r.DocumentID]; ok && time.Now().Before(c.Expires) {
			it.ClaimedBy = c.Who
		}
		out = append(out, it)
	}
	return out, nil
}

func (m *memReviews) Claim(_ context.Context, id, who string) (web.Claim, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, done := m.finals[id]; done {
		return web.Claim{}, web.ErrReviewed
	}
	if c, ok := m.claims[id]; ok && c.Who != who && time.Now().Before(c.Expires) {
		return web.Claim{}, web.ErrClaimed
	}
	var b [16]byte
	rand.Read(b[:])
	c := web.Claim{DocumentID: id, Who: who, Token: hex.EncodeToString(b[:]), Expires: time.Now().Add(claimFor)}
	m.claims[id] = c
	return c, nil
}

func (m *memReviews) held(c web.Claim) error {
	if _, done := m.finals[c.DocumentID]; done {
		return web.ErrReviewed
	}
	h, ok := m.claims[c.DocumentID]
	if !ok || h.Token != c.Token || h.Who != c.Who || !time.Now().Before(h.Expires) {
		return web.ErrClaimLost
	}
	return nil
}

func (m *memReviews) Save(ctx context.Context, c web.Claim, values map[string]any) (forms.Record, error) {
	rec, _, err := m.a.Get(ctx, c.DocumentID, c.Who, "review")
	if err != nil {
		return forms.Record{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.held(c); err != nil {
		return forms.Record{}, err
	}
	for id, v := range values {
		rec.Fields[id] = forms.FieldValue{Value: v, Confidence: 1}
	}
	var issues []forms.Issue
	for _, is := range rec.Issues {
		if _, corrected := values[is.Field]; !corrected || is.Field == "" {
			issues = append(issues, is)
		}
	}
	if rec.Template != nil {
		issues = append(issues, forms.Validate(rec.Template.ID, rec.Fields, forms.RuleContext{})...)
	}
	rec.Issues = issues
	rec.Status = forms.Accepted
	for _, fv := range rec.Fields {
		if fv.Review {
			rec.Status = forms.NeedsReview
		}
	}
	if len(issues) > 0 {
		rec.Status = forms.NeedsReview
	}
	m.finals[c.DocumentID] = rec
	delete(m.claims, c.DocumentID)
	return rec, nil
}

func (m *memReviews) Reject(ctx context.Context, c web.Claim, reason string) (forms.Record, error) {
	rec, _, err := m.a.Get(ctx, c.DocumentID, c.Who, "review")
	if err != nil {
		return forms.Record{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.held(c); err != nil {
		return forms.Record{}, err
	}
	rec.Status = forms.Rejected
	rec.Issues = append(slices.Clone(rec.Issues), forms.Issue{Code: "review_rejected", Message: fmt.Sprintf("確認者が差し戻しました / a reviewer rejected the page: %s", reason)})
	m.finals[c.DocumentID] = rec
	delete(m.claims, c.DocumentID)
	return rec, nil
}
