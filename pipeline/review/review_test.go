package review_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/pipeline/audit"
	"shinsei/pipeline/cases"
	"shinsei/pipeline/match"
	"shinsei/pipeline/review"
	"shinsei/store"
	"shinsei/store/storetest"
	"shinsei/templates"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type env struct {
	s   store.Store
	a   *archive.Archive
	v   *review.Service
	clk *clock
}

func newEnv(s store.Store) *env {
	clk := &clock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	a := archive.New(s, archive.Options{Now: clk.Now})
	return &env{s: s, a: a, v: review.New(s, a, review.Options{Now: clk.Now}), clk: clk}
}

// application archives an application page as the scan would leave one
// that needs a person: the name read unsurely, the signature box read as
// empty (so the rule flags it), archived at the clock's time.
func (e *env) application(t *testing.T, n int, station string) string {
	t.Helper()
	sha := fmt.Sprintf("%024x", n) + strings.Repeat("0", 40)
	rec := forms.Record{
		DocumentID: forms.DocumentID(sha, 1),
		Source:     forms.Source{Name: fmt.Sprintf("scan-%d.pdf", n), SHA256: sha, Page: 1},
		Template:   &forms.TemplateRef{ID: forms.TemplateApplication, Revision: 1, IdentifiedBy: forms.IdentifiedByQR},
		Status:     forms.NeedsReview,
		Fields: map[string]forms.FieldValue{
			"applicant_name":       {Value: "山田 太朗", Confidence: 0.4, Review: true},
			"applicant_kana":       {Value: "ヤマダ タロウ", Confidence: 0.9},
			"applicant_birth_date": {Value: "1985-04-12", Confidence: 0.95},
			"application_date":     {Value: "2026-04-30", Confidence: 0.95},
			"cert_signature":       {Value: true, Confidence: 0.99},
			"cert_user":            {Value: false, Confidence: 0.99},
			"applicant_signature":  {Value: false, Confidence: 0.9},
		},
		Issues: []forms.Issue{
			{Field: "applicant_name", Code: "text_low_confidence", Message: "unsure"},
		},
	}
	tpl, err := templates.Builtin().Get(forms.TemplateApplication, 1)
	if err != nil {
		t.Fatal(err)
	}
	rec.Issues = append(rec.Issues, forms.Validate(rec.Template.ID, forms.Sure(rec.Fields), forms.RuleContext{Today: e.clk.Now()})...)
	if _, err := e.a.Put(context.Background(), archive.Page{Record: rec, Template: tpl, Station: station}); err != nil {
		t.Fatal(err)
	}
	e.clk.Add(time.Minute)
	return rec.DocumentID
}

func ids(q []archive.QueueItem) string {
	var out []string
	for _, it := range q {
		out = append(out, it.DocumentID[len(it.DocumentID)-4:])
	}
	return strings.Join(out, ",")
}

func TestQueueClaimSave(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		e := newEnv(b.Store)
		// Archived newest first by number, so id order is not time order.
		p3 := e.application(t, 3, "窓口1")
		p1 := e.application(t, 1, "窓口2")
		e.application(t, 2, "窓口1")

		q, err := e.v.Queue(ctx, archive.QueueFilter{})
		if err != nil || ids(q) != "3-p1,1-p1,2-p1" {
			t.Fatalf("Queue = %s, %v; want oldest first", ids(q), err)
		}
		if !q[0].ArchivedAt.Equal(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("first item archived at %v", q[0].ArchivedAt)
		}
		if q, _ := e.v.Queue(ctx, archive.QueueFilter{Station: "窓口1"}); ids(q) != "3-p1,2-p1" {
			t.Errorf("Queue(窓口1) = %s", ids(q))
		}
		if q, _ := e.v.Queue(ctx, archive.QueueFilter{Form: "jpki-answer"}); len(q) != 0 {
			t.Errorf("Queue(answer sheets) = %s", ids(q))
		}

		// Two reviewers: only one gets the page.
		if _, err := e.v.Claim(ctx, p3, "suzuki", 10*time.Minute); err != nil {
			t.Fatal(err)
		}
		_, err = e.v.Claim(ctx, p3, "sato", 10*time.Minute)
		var ce *review.ClaimedError
		if !errors.As(err, &ce) || ce.By != "suzuki" {
			t.Fatalf("second claim = %v, want ClaimedError by suzuki", err)
		}
		// Next gives sato the oldest page nobody holds.
		it, _, err := e.v.Next(ctx, archive.QueueFilter{}, "sato", 10*time.Minute)
		if err != nil || it.DocumentID != p1 {
			t.Fatalf("Next(sato) = %v, %v; want %s", it, err, p1)
		}
		if _, _, err := e.v.Open(ctx, p3, "sato"); !errors.Is(err, review.ErrNotClaimed) {
			t.Errorf("sato opening suzuki's page: %v", err)
		}
		rec, _, err := e.v.Open(ctx, p3, "suzuki")
		if err != nil || rec.DocumentID != p3 {
			t.Fatalf("Open = %v", err)
		}

		first := readKey(t, b.Store, "archive/docs/"+p3+"/record.json")
		rv, err := e.v.Save(ctx, p3, "suzuki", review.Corrections{Fields: map[string]any{
			"applicant_name":      "山田　太郎",
			"applicant_signature": true,
			"applicant_kana":      "やまだ たろう", // confirmed, typed in hiragana
		}})
		if err != nil {
			t.Fatal(err)
		}
		if rv.Record.Status != forms.Accepted || len(rv.Record.Issues) != 0 {
			t.Errorf("saved record: %s %+v, want accepted with no issues", rv.Record.Status, rv.Record.Issues)
		}
		want := []archive.FieldChange{
			{Field: "applicant_kana", Old: "ヤマダ タロウ", New: "ヤマダ タロウ", Changed: false},
			{Field: "applicant_name", Old: "山田 太朗", New: "山田 太郎", Changed: true},
			{Field: "applicant_signature", Old: false, New: true, Changed: true},
		}
		if fmt.Sprint(rv.Changes) != fmt.Sprint(want) || rv.Who != "suzuki" || rv.Seq != 1 {
			t.Errorf("review %d by %s: changes %v, want %v", rv.Seq, rv.Who, rv.Changes, want)
		}
		if fv := rv.Record.Fields["applicant_name"]; fv.Review || fv.Confidence != 1 {
			t.Errorf("corrected field %+v: want confirmed", fv)
		}
		// The first record stays as it was; reads serve the review's.
		if got := readKey(t, b.Store, "archive/docs/"+p3+"/record.json"); got != first {
			t.Error("record.json changed")
		}
		got, _, err := e.a.Get(ctx, p3, "auditor", "check")
		if err != nil || got.Status != forms.Accepted || got.Fields["applicant_name"].Value != "山田 太郎" {
			t.Errorf("Get after review: %s %v, %v", got.Status, got.Fields["applicant_name"].Value, err)
		}
		found, err := e.a.Search(ctx, archive.Query{Status: "accepted", Who: "auditor", Why: "check"})
		if err != nil || len(found) != 1 || found[0].DocumentID != p3 {
			t.Errorf("Search(accepted) = %d records, %v", len(found), err)
		}
		found, _ = e.a.Search(ctx, archive.Query{Status: "needs_review", Who: "auditor", Why: "check"})
		if len(found) != 2 {
			t.Errorf("Search(needs_review) = %d records, want the 2 unreviewed", len(found))
		}
		// Out of the queue, claim given back.
		if q, _ := e.v.Queue(ctx, archive.QueueFilter{}); ids(q) != "1-p1,2-p1" {
			t.Errorf("queue after the save: %s", ids(q))
		}
		if _, err := e.v.Claim(ctx, p3, "sato", time.Minute); !errors.Is(err, review.ErrNotWaiting) {
			t.Errorf("claiming an accepted page: %v", err)
		}
		// The audit chain has the open (a read) and the save (a change),
		// and is whole.
		var actions []string
		l := audit.New(b.Store, audit.Options{})
		for r, err := range l.Records(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			var c audit.Change
			r.Decode(&c)
			if c.DocumentID == p3 {
				actions = append(actions, c.Action+":"+c.Who+":"+strings.Join(c.Fields, "+"))
			}
		}
		if strings.Join(actions, " ") != "get:suzuki: review_save:suzuki:applicant_name+applicant_signature get:auditor:" {
			t.Errorf("audit records of the page: %v", actions)
		}
		if rep, err := l.Verify(ctx); err != nil || !rep.OK() {
			t.Errorf("Verify: %+v, %v", rep, err)
		}
	})
}

func readKey(t *testing.T, s store.Store, key string) string {
	t.Helper()
	rc, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// Many reviewers claim one page at once: exactly one gets it.
func TestConcurrentClaim(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		e := newEnv(b.Store)
		p := e.application(t, 1, "")
		const n = 6
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			v := review.New(b.Store, archive.New(b.Store, archive.Options{}), review.Options{Now: e.clk.Now})
			wg.Go(func() { _, errs[i] = v.Claim(ctx, p, fmt.Sprint("r", i), time.Minute) })
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, review.ErrClaimed):
				t.Errorf("claim %d: %v", i, err)
			}
		}
		if won != 1 {
			t.Errorf("%d reviewers got the page, want 1", won)
		}
	})
}

// An expired claim can be taken over; its old holder can no longer save.
func TestClaimExpires(t *testing.T) {
	ctx := context.Background()
	e := newEnv(storetest.Open(t, "file://"+t.TempDir(), func(string) string { return "" }).Store)
	p := e.application(t, 1, "")
	if _, err := e.v.Claim(ctx, p, "suzuki", 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	e.clk.Add(4 * time.Minute)
	if _, err := e.v.Claim(ctx, p, "sato", 5*time.Minute); !errors.Is(err, review.ErrClaimed) {
		t.Fatalf("claim before expiry: %v", err)
	}
	// suzuki extends it.
	if c, err := e.v.Claim(ctx, p, "suzuki", 5*time.Minute); err != nil || !c.Until.Equal(e.clk.Now().Add(5*time.Minute)) {
		t.Fatalf("extending: %+v, %v", c, err)
	}
	e.clk.Add(5 * time.Minute)
	if _, err := e.v.Claim(ctx, p, "sato", 5*time.Minute); err != nil {
		t.Fatalf("taking over an expired claim: %v", err)
	}
	if _, err := e.v.Save(ctx, p, "suzuki", review.Corrections{}); !errors.Is(err, review.ErrNotClaimed) {
		t.Errorf("old holder saving: %v", err)
	}
	// Released, the page is free at once.
	if err := e.v.Release(ctx, p, "sato"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.v.Claim(ctx, p, "tanaka", time.Minute); err != nil {
		t.Errorf("claim after release: %v", err)
	}
}

func TestSaveRefusesAndRules(t *testing.T) {
	ctx := context.Background()
	e := newEnv(storetest.Open(t, "file://"+t.TempDir(), func(string) string { return "" }).Store)
	p := e.application(t, 1, "")
	if _, err := e.v.Claim(ctx, p, "suzuki", time.Hour); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]map[string]any{
		"unknown field":   {"favourite_colour": "blue"},
		"text for bool":   {"applicant_signature": "yes"},
		"bool for text":   {"applicant_name": true},
		"not a date":      {"applicant_birth_date": "いつか"},
		"not katakana":    {"applicant_kana": "山田"},
		"a My Number":     {"applicant_name": "1234 5678 9018"},
		"a My Number 2":   {"applicant_phone": "123456789012"},
		"number for bool": {"cert_user": 1},
	} {
		if _, err := e.v.Save(ctx, p, "suzuki", review.Corrections{Fields: f}); !errors.Is(err, review.ErrInvalid) {
			t.Errorf("%s: Save = %v, want ErrInvalid", name, err)
		}
	}
	// A correction the rules refuse: born 2015, applying for the
	// signature certificate. The page stays in the queue with the rule's
	// issue; the date written in 和暦 is stored as ISO.
	rv, err := e.v.Save(ctx, p, "suzuki", review.Corrections{Fields: map[string]any{
		"applicant_name": "山田 太郎", "applicant_signature": true, "applicant_birth_date": "平成27年4月12日",
	}})
	if err != nil {
		t.Fatal(err)
	}
	if rv.Record.Status != forms.NeedsReview || len(rv.Record.Issues) != 1 || rv.Record.Issues[0].Code != forms.CodeSignatureCertUnder15 {
		t.Errorf("saved %s with %+v, want needs_review with %s only", rv.Record.Status, rv.Record.Issues, forms.CodeSignatureCertUnder15)
	}
	if rv.Record.Fields["applicant_birth_date"].Value != "2015-04-12" {
		t.Errorf("birth date stored as %v", rv.Record.Fields["applicant_birth_date"].Value)
	}
	if q, _ := e.v.Queue(ctx, archive.QueueFilter{}); len(q) != 1 {
		t.Errorf("queue after a save that left an issue: %v", q)
	}
	// A second review builds on the first.
	if _, err := e.v.Claim(ctx, p, "sato", time.Hour); err != nil {
		t.Fatal(err)
	}
	rv, err = e.v.Save(ctx, p, "sato", review.Corrections{Fields: map[string]any{"cert_signature": false, "cert_user": true}})
	if err != nil || rv.Seq != 2 || rv.Record.Status != forms.Accepted || rv.Record.Fields["applicant_name"].Value != "山田 太郎" {
		t.Errorf("second review: %d %s %v, %v", rv.Seq, rv.Record.Status, rv.Record.Fields["applicant_name"], err)
	}
}

func TestReject(t *testing.T) {
	ctx := context.Background()
	b := storetest.Open(t, "file://"+t.TempDir(), func(string) string { return "" })
	e := newEnv(b.Store)
	p := e.application(t, 1, "")
	if _, err := e.v.Reject(ctx, p, "suzuki", "かすれて読めない"); !errors.Is(err, review.ErrNotClaimed) {
		t.Errorf("reject without a claim: %v", err)
	}
	if _, err := e.v.Claim(ctx, p, "suzuki", time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := e.v.Reject(ctx, p, "suzuki", "  "); !errors.Is(err, review.ErrInvalid) {
		t.Errorf("reject without a reason: %v", err)
	}
	rv, err := e.v.Reject(ctx, p, "suzuki", "かすれて読めない")
	if err != nil || rv.Record.Status != forms.Rejected || rv.Action != archive.ReviewReject {
		t.Fatalf("Reject = %+v, %v", rv, err)
	}
	if q, _ := e.v.Queue(ctx, archive.QueueFilter{}); len(q) != 0 {
		t.Errorf("queue after reject: %v", q)
	}
	var last audit.Change
	for r := range audit.New(b.Store, audit.Options{}).Records(ctx) {
		r.Decode(&last)
	}
	if last.Action != audit.ActionReviewReject || last.Why != "かすれて読めない" || last.DocumentID != p {
		t.Errorf("last audit record %+v", last)
	}
	// The review object is what Reviews returns, audited.
	rs, err := e.a.Reviews(ctx, p, "auditor", "check")
	if err != nil || len(rs) != 1 || rs[0].Reason != "かすれて読めない" {
		data, _ := json.Marshal(rs)
		t.Errorf("Reviews = %s, %v", data, err)
	}
}

// An answer sheet whose case could not be found when scanned: the reviewer
// types the reference and reads the printed name, and saving matches it
// and answers the case.
func TestSaveMatchesAnswerSheet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
		repo := cases.New(b.Store, cases.Options{Now: clk.Now})
		c, err := repo.Open(ctx, forms.Case{
			Person:    forms.Person{Name: "山田 太郎", Kana: "ヤマダ タロウ", BirthDate: "1985-04-12", Address: "東京都千代田区千代田1-1"},
			Certs:     []string{forms.CertUser},
			ProxyName: "山田 花子",
		})
		if err != nil {
			t.Fatal(err)
		}
		a := archive.New(b.Store, archive.Options{Now: clk.Now})
		v := review.New(b.Store, a, review.Options{Now: clk.Now, Matcher: match.New(repo, "review", clk.Now)})

		sha := strings.Repeat("ab", 32)
		rec := forms.Record{
			DocumentID: forms.DocumentID(sha, 1),
			Source:     forms.Source{Name: "answer.pdf", SHA256: sha, Page: 1},
			Template:   &forms.TemplateRef{ID: forms.TemplateAnswer, Revision: 1, IdentifiedBy: forms.IdentifiedByQR},
			Status:     forms.NeedsReview,
			Fields: map[string]forms.FieldValue{
				"case_ref":         {Value: "", Confidence: 0.2, Review: true},
				"answer_date":      {Value: "2026-05-01", Confidence: 0.9},
				"person_signature": {Value: true, Confidence: 0.9},
				"answer_confirm":   {Value: true, Confidence: 0.9},
				"proxy_name":       {Value: "山田 花子", Confidence: 0.9},
				"pin_signature":    {Value: 0, Confidence: 0.9},
				"pin_user":         {Value: 4, Confidence: 0.9},
			},
			Issues: []forms.Issue{{Field: "case_ref", Code: match.CodeCaseUnidentified, Message: "no case"}},
		}
		tpl, err := templates.Builtin().Get(forms.TemplateAnswer, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Put(ctx, archive.Page{Record: rec, Template: tpl}); err != nil {
			t.Fatal(err)
		}
		id := rec.DocumentID
		if _, err := v.Claim(ctx, id, "suzuki", time.Hour); err != nil {
			t.Fatal(err)
		}
		rv, err := v.Save(ctx, id, "suzuki", review.Corrections{
			Fields:     map[string]any{"case_ref": string(c.ID)},
			PersonName: "山田　太郎",
		})
		if err != nil {
			t.Fatal(err)
		}
		if rv.Record.Status != forms.Accepted || rv.Record.Case == nil || rv.Record.Case.ID != string(c.ID) || rv.Record.Case.Status != string(forms.CaseAnswered) {
			t.Fatalf("saved %s, case %+v, issues %+v", rv.Record.Status, rv.Record.Case, rv.Record.Issues)
		}
		now, err := repo.Get(ctx, string(c.ID))
		if err != nil || now.Status != forms.CaseAnswered || now.AnsweredBy != id {
			t.Errorf("case after the review: %s by %s, %v", now.Status, now.AnsweredBy, err)
		}
		found, err := a.Search(ctx, archive.Query{Case: string(c.ID), Who: "auditor", Why: "check"})
		if err != nil || len(found) != 1 {
			t.Errorf("Search by case = %d, %v", len(found), err)
		}
	})
}
