package forms

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func testCase(status CaseStatus) Case {
	opened := time.Date(2026, 11, 26, 1, 30, 0, 0, time.UTC) // 10:30 at the counter
	return Case{
		ID:       "4991-7264-0",
		Status:   status,
		Person:   Person{Name: "山田 太郎", Kana: "ヤマダ タロウ", BirthDate: "1985-04-12", Address: "東京都千代田区千代田1-1"},
		Certs:    []string{CertSignature, CertUser},
		OpenedAt: opened,
		Deadline: ReplyDeadline(opened, 30*24*time.Hour),
		History:  []Event{{At: opened, To: CasePending}},
	}
}

// Every pair of states, at a time before the deadline and at one after it:
// the state machine of docs/cases.md, nothing more.
func TestCaseTransitionEveryPair(t *testing.T) {
	base := testCase(CasePending)
	before := base.Deadline.Add(-time.Hour)
	after := base.Deadline.Add(time.Hour)
	allowed := map[[2]CaseStatus]bool{
		{CasePending, CaseAnswered}:   true,
		{CasePending, CaseCancelled}:  true,
		{CasePending, CaseExpired}:    true,
		{CaseAnswered, CaseCompleted}: true,
		{CaseAnswered, CaseCancelled}: true,
	}
	for _, from := range CaseStatuses() {
		for _, to := range append(CaseStatuses(), "archived") {
			for _, at := range []struct {
				name string
				t    time.Time
			}{{"before deadline", before}, {"after deadline", after}} {
				want := allowed[[2]CaseStatus{from, to}]
				if from == CasePending {
					// Past the deadline a pending case can only be recorded
					// as expired; before it, it cannot expire.
					overdue := at.t.After(base.Deadline)
					want = want && (to == CaseExpired) == overdue
				}
				t.Run(fmt.Sprintf("%s→%s %s", from, to, at.name), func(t *testing.T) {
					c := testCase(from)
					got, err := c.Transition(to, at.t, "clerk", "why")
					if !want {
						if !errors.Is(err, ErrBadTransition) {
							t.Fatalf("err = %v, want ErrBadTransition", err)
						}
						for _, s := range []string{string(c.ID), "from " + string(from), "to " + string(to)} {
							if !strings.Contains(err.Error(), s) {
								t.Errorf("error %q does not name %q", err, s)
							}
						}
						if got.Status != from || len(got.History) != 1 {
							t.Errorf("refused transition changed the case: %+v", got)
						}
						return
					}
					if err != nil {
						t.Fatalf("err = %v, want none", err)
					}
					if got.Status != to {
						t.Errorf("status %s, want %s", got.Status, to)
					}
					wantEv := Event{At: at.t, From: from, To: to, By: "clerk", Note: "why"}
					if len(got.History) != 2 || got.History[1] != wantEv {
						t.Errorf("history %+v, want the opening event and %+v", got.History, wantEv)
					}
					if c.Status != from || len(c.History) != 1 {
						t.Errorf("the original was changed: %+v", c)
					}
				})
			}
		}
	}
}

func TestCaseTransitionMessages(t *testing.T) {
	c := testCase(CasePending)
	in := c.Deadline.Add(-time.Hour)
	for _, tc := range []struct {
		name string
		from CaseStatus
		to   CaseStatus
		at   time.Time
		want string
	}{
		{"answered twice", CaseAnswered, CaseAnswered, in, "it is already answered"},
		{"closed", CaseCompleted, CaseCancelled, in, "it is already completed"},
		{"answer too late", CasePending, CaseAnswered, c.Deadline, "reply deadline (2026-12-26) has passed: it is expired"},
		{"expire early", CasePending, CaseExpired, in, "reply deadline (2026-12-26) has not passed"},
		{"complete unanswered", CasePending, CaseCompleted, in, "has not come back"},
		{"back to pending", CaseAnswered, CasePending, in, "never goes back to pending"},
		{"unknown status", CasePending, "lost", in, `"lost" is not a case status`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := testCase(tc.from)
			_, err := c.Transition(tc.to, tc.at, "", "")
			if !errors.Is(err, ErrBadTransition) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrBadTransition saying %q", err, tc.want)
			}
		})
	}
}

// Appending to the history of a moved copy must never write into the
// original's backing array.
func TestCaseTransitionDoesNotAlias(t *testing.T) {
	c := testCase(CasePending)
	c.History = make([]Event, 1, 10)
	c.History[0] = Event{To: CasePending}
	at := c.OpenedAt.Add(time.Hour)
	a, err := c.Transition(CaseAnswered, at, "a", "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Transition(CaseCancelled, at, "b", "")
	if err != nil {
		t.Fatal(err)
	}
	if a.History[1].To != CaseAnswered || b.History[1].To != CaseCancelled {
		t.Errorf("histories share storage: %+v / %+v", a.History, b.History)
	}
}

func TestCaseEffective(t *testing.T) {
	c := testCase(CasePending)
	for _, tc := range []struct {
		status CaseStatus
		at     time.Time
		want   CaseStatus
	}{
		{CasePending, c.Deadline.Add(-time.Nanosecond), CasePending},
		{CasePending, c.Deadline, CaseExpired},
		{CaseAnswered, c.Deadline.Add(time.Hour), CaseAnswered},
		{CaseCancelled, c.Deadline.Add(time.Hour), CaseCancelled},
	} {
		c.Status = tc.status
		if got := c.Effective(tc.at); got != tc.want {
			t.Errorf("%s at %v: Effective = %s, want %s", tc.status, tc.at, got, tc.want)
		}
	}
}

// The deadline is the end of the day, counter time, the period runs out.
func TestReplyDeadline(t *testing.T) {
	jst := Japan()
	for _, tc := range []struct {
		opened   time.Time
		period   time.Duration
		want     time.Time
		lastDay  string
		describe string
	}{
		{time.Date(2026, 11, 26, 10, 30, 0, 0, jst), 30 * 24 * time.Hour, time.Date(2026, 12, 27, 0, 0, 0, 0, jst), "2026-12-26", "morning"},
		// 23:30 UTC is already the next morning in Japan.
		{time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC), 30 * 24 * time.Hour, time.Date(2026, 12, 27, 0, 0, 0, 0, jst), "2026-12-26", "UTC clock"},
		{time.Date(2026, 11, 26, 16, 29, 0, 0, jst), 24 * time.Hour, time.Date(2026, 11, 28, 0, 0, 0, 0, jst), "2026-11-27", "one day"},
	} {
		got := ReplyDeadline(tc.opened, tc.period)
		if !got.Equal(tc.want) {
			t.Errorf("%s: ReplyDeadline = %v, want %v", tc.describe, got, tc.want)
		}
		c := Case{Deadline: got}
		if d := c.LastReplyDay().Format(time.DateOnly); d != tc.lastDay {
			t.Errorf("%s: LastReplyDay = %s, want %s", tc.describe, d, tc.lastDay)
		}
	}
}

func TestCaseValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Case)
		want   string // "" for valid
	}{
		{"valid", func(*Case) {}, ""},
		{"user only", func(c *Case) { c.Certs = []string{CertUser} }, ""},
		{"no kana", func(c *Case) { c.Person.Kana = "" }, ""},
		{"no name", func(c *Case) { c.Person.Name = " " }, "name is empty"},
		{"no address", func(c *Case) { c.Person.Address = "" }, "address is empty"},
		{"no birth date", func(c *Case) { c.Person.BirthDate = "" }, "birth date is empty"},
		{"wareki birth date", func(c *Case) { c.Person.BirthDate = "昭和60年4月12日" }, "YYYY-MM-DD"},
		{"no such day", func(c *Case) { c.Person.BirthDate = "1985-02-30" }, "not a real day"},
		{"born after opening", func(c *Case) { c.Person.BirthDate = "2026-11-27" }, "after the case was opened"},
		{"before 1873", func(c *Case) { c.Person.BirthDate = "1872-12-31" }, "before 1873"},
		{"kana not katakana", func(c *Case) { c.Person.Kana = "Yamada" }, "not katakana"},
		{"no certs", func(c *Case) { c.Certs = nil }, "no certificate"},
		{"unknown cert", func(c *Case) { c.Certs = []string{"signature", "health"} }, `unknown certificate "health"`},
		{"cert twice", func(c *Case) { c.Certs = []string{"user", "user"} }, `"user" given twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := testCase(CasePending)
			tc.change(&c)
			err := c.Validate()
			if tc.want == "" {
				if err != nil {
					t.Errorf("Validate = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidCase) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate = %v, want ErrInvalidCase saying %q", err, tc.want)
			}
		})
	}
}

func TestCaseNormalize(t *testing.T) {
	c := Case{
		Person:    Person{Name: "山田　　太郎 ", Kana: "やまだ たろう", BirthDate: " 1985-04-12", Address: "東京都千代田区千代田１ー１"},
		Certs:     []string{"user", "signature", "user"},
		ProxyName: " 山田 花子",
	}.Normalize()
	want := Person{Name: "山田 太郎", Kana: "ヤマダ タロウ", BirthDate: "1985-04-12", Address: "東京都千代田区千代田1-1"}
	if c.Person != want {
		t.Errorf("person %+v, want %+v", c.Person, want)
	}
	if strings.Join(c.Certs, ",") != "signature,user" || c.ProxyName != "山田 花子" {
		t.Errorf("certs %v, proxy %q", c.Certs, c.ProxyName)
	}
}

func TestCertsJapanese(t *testing.T) {
	for _, tc := range []struct {
		certs []string
		want  string
	}{
		{[]string{CertSignature, CertUser}, "署名用電子証明書・利用者証明用電子証明書"},
		{[]string{CertUser}, "利用者証明用電子証明書"},
		{nil, ""},
	} {
		if got := CertsJapanese(tc.certs); got != tc.want {
			t.Errorf("CertsJapanese(%v) = %q, want %q", tc.certs, got, tc.want)
		}
	}
}

// The JSON keys are a contract (docs/cases.md).
func TestCaseJSONKeys(t *testing.T) {
	data, err := json.Marshal(testCase(CasePending))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "status", "person", "certs", "opened_at", "deadline", "history"} {
		if _, ok := m[k]; !ok {
			t.Errorf("case JSON lacks %q: %s", k, data)
		}
	}
	p, _ := m["person"].(map[string]any)
	for _, k := range []string{"name", "kana", "birth_date", "address"} {
		if _, ok := p[k]; !ok {
			t.Errorf("person JSON lacks %q: %s", k, data)
		}
	}
	var back Case
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.ID != "4991-7264-0" || back.Status != CasePending || !back.Deadline.Equal(testCase(CasePending).Deadline) {
		t.Errorf("round trip: %+v", back)
	}
}

// One application, one case: what makes two cases the same application.
func TestCaseSameApplication(t *testing.T) {
	base := testCase(CasePending)
	base.ProxyName = "山田 花子"
	for _, tc := range []struct {
		name string
		edit func(*Case)
		want bool
	}{
		{"identical", func(*Case) {}, true},
		{"spacing and width", func(c *Case) { c.Person.Name = "山田太郎"; c.ProxyName = "山田　花子" }, true},
		{"another address", func(c *Case) { c.Person.Address = "東京都千代田区千代田2-2" }, true},
		{"certificates in another order", func(c *Case) { c.Certs = []string{CertUser, CertSignature} }, true},
		{"another person of the same name", func(c *Case) { c.Person.BirthDate = "1985-04-13" }, false},
		{"another name", func(c *Case) { c.Person.Name = "山田 次郎" }, false},
		{"fewer certificates", func(c *Case) { c.Certs = []string{CertUser} }, false},
		{"another proxy", func(c *Case) { c.ProxyName = "山田 一郎" }, false},
		{"no proxy named", func(c *Case) { c.ProxyName = "" }, false},
		{"no name", func(c *Case) { c.Person.Name = "" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := testCase(CaseAnswered)
			o.ID = "1234-5678-4"
			o.ProxyName = base.ProxyName
			tc.edit(&o)
			if tc.name == "no name" {
				b := base
				b.Person.Name = ""
				if got := b.SameApplication(o); got {
					t.Errorf("two cases without a name are the same application")
				}
				return
			}
			if got := base.SameApplication(o); got != tc.want {
				t.Errorf("SameApplication = %v, want %v", got, tc.want)
			}
			if got := o.SameApplication(base); got != tc.want {
				t.Errorf("not symmetric: %v", got)
			}
		})
	}
}
