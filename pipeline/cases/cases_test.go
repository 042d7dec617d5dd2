package cases_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/cases"
	"shinsei/store"
	"shinsei/store/storetest"
	"shinsei/store/storeurl"
)

// slowSwap widens the window between a Load and its Swap, as a slow
// network would, so that racers really do load the same version before any
// of them writes: without it the race is mostly won before the next racer
// starts, and a repository that ignored versions would still pass.
type slowSwap struct {
	store.Store
}

func (s slowSwap) Swap(ctx context.Context, key, old string, data []byte) (store.Info, error) {
	if old != "" {
		time.Sleep(20 * time.Millisecond)
	}
	return s.Store.Swap(ctx, key, old, data)
}

// fakeClock is a clock tests move by hand; safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 26, 10, 30, 0, 0, forms.Japan())}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newCase(name, birth string, certs ...string) forms.Case {
	return forms.Case{
		Person: forms.Person{Name: name, Kana: "ヤマダ タロウ", BirthDate: birth, Address: "東京都千代田区千代田1-1"},
		Certs:  certs,
	}
}

func mustOpen(t *testing.T, ctx context.Context, r *cases.Repo, c forms.Case) forms.Case {
	t.Helper()
	got, err := r.Open(ctx, c)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return got
}

func TestOpenGetList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clock := newClock()
		r := cases.New(b.Store, cases.Options{Now: clock.Now})

		a := mustOpen(t, ctx, r, newCase("山田　太郎", "1985-04-12", "user", "signature"))
		if _, err := forms.ParseCaseRef(string(a.ID)); err != nil {
			t.Errorf("opened case has reference %q: %v", a.ID, err)
		}
		if a.Status != forms.CasePending || a.Person.Name != "山田 太郎" || strings.Join(a.Certs, ",") != "signature,user" {
			t.Errorf("opened %+v: want pending, the name normalised, certs in form order", a)
		}
		if !a.OpenedAt.Equal(clock.Now()) || !a.Deadline.Equal(time.Date(2026, 12, 27, 0, 0, 0, 0, forms.Japan())) {
			t.Errorf("opened at %v, deadline %v", a.OpenedAt, a.Deadline)
		}
		if len(a.History) != 1 || a.History[0].To != forms.CasePending {
			t.Errorf("history %+v, want the opening event", a.History)
		}
		clock.Add(time.Hour)
		bc := newCase("佐藤 花子", "1990-01-31", "user")
		bc.Source = "abc123-p1"
		bc.ProxyName = "佐藤 一郎"
		bcase := mustOpen(t, ctx, r, bc)

		// However the reference is written, it finds the case.
		digits := strings.ReplaceAll(string(a.ID), "-", "")
		full := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r - '0' + '０'
			}
			return r
		}, string(a.ID))
		for _, id := range []string{string(a.ID), digits, full, " " + string(a.ID) + " "} {
			got, err := r.Get(ctx, id)
			if err != nil {
				t.Errorf("Get(%q): %v", id, err)
				continue
			}
			if got.ID != a.ID || got.Person != a.Person || !got.OpenedAt.Equal(a.OpenedAt) {
				t.Errorf("Get(%q) = %+v, want %+v", id, got, a)
			}
		}

		all, err := r.List(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || all[0].ID != a.ID || all[1].ID != bcase.ID {
			t.Errorf("List = %v, want %s then %s (oldest first)", ids(all), a.ID, bcase.ID)
		}
		if all[1].Source != "abc123-p1" || all[1].ProxyName != "佐藤 一郎" {
			t.Errorf("listed %+v: source or proxy lost", all[1])
		}
		if _, err := r.Transition(ctx, string(bcase.ID), forms.CaseCancelled, "clerk", "withdrawn"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			status forms.CaseStatus
			want   []forms.CaseRef
		}{
			{forms.CasePending, []forms.CaseRef{a.ID}},
			{forms.CaseCancelled, []forms.CaseRef{bcase.ID}},
			{forms.CaseAnswered, nil},
		} {
			got, err := r.List(ctx, tc.status)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(ids(got)) != fmt.Sprint(tc.want) {
				t.Errorf("List(%s) = %v, want %v", tc.status, ids(got), tc.want)
			}
		}
		if _, err := r.List(ctx, "lost"); err == nil {
			t.Error("List of an unknown status: no error")
		}
	})
}

func ids(cs []forms.Case) []forms.CaseRef {
	var out []forms.CaseRef
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestGetErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		r := cases.New(b.Store, cases.Options{})
		c := mustOpen(t, ctx, r, newCase("山田 太郎", "1985-04-12", "signature"))
		// A typo in one digit: the check digit must catch it rather than
		// find (or not find) some other case.
		typo := []byte(c.ID)
		typo[2] = '0' + (typo[2]-'0'+1)%10
		notStored := forms.NewCaseRef(rand.New(rand.NewPCG(1, 2)))
		for _, tc := range []struct {
			id   string
			want []error
			msg  string
		}{
			{string(typo), []error{forms.ErrBadCaseRef}, "check digit does not match"},
			{"1234-5678", []error{forms.ErrBadCaseRef}, "want 9"},
			{"abcd", []error{forms.ErrBadCaseRef}, "not a digit"},
			{string(notStored), []error{cases.ErrNotFound, store.ErrNotExist}, "no such case: " + string(notStored)},
		} {
			for _, op := range []struct {
				name string
				fn   func(string) error
			}{
				{"Get", func(id string) error { _, err := r.Get(ctx, id); return err }},
				{"Transition", func(id string) error {
					_, err := r.Transition(ctx, id, forms.CaseCancelled, "", "")
					return err
				}},
			} {
				err := op.fn(tc.id)
				for _, w := range tc.want {
					if !errors.Is(err, w) {
						t.Errorf("%s(%q) = %v, want it to wrap %v", op.name, tc.id, err, w)
					}
				}
				if err != nil && !strings.Contains(err.Error(), tc.msg) {
					t.Errorf("%s(%q) = %q, want it to say %q", op.name, tc.id, err, tc.msg)
				}
			}
		}
	})
}

func TestOpenRefusesInvalid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		r := cases.New(b.Store, cases.Options{})
		_, err := r.Open(ctx, newCase("", "1985-02-30"))
		if !errors.Is(err, forms.ErrInvalidCase) {
			t.Fatalf("Open = %v, want ErrInvalidCase", err)
		}
		for _, want := range []string{"name is empty", "not a real day", "no certificate"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
		if all, err := r.List(ctx, ""); err != nil || len(all) != 0 {
			t.Errorf("after a refused Open, List = %v, %v; want nothing", ids(all), err)
		}
	})
}

// References are unique across many opens from several goroutines, and two
// repositories drawing the same references (the same seed) still never
// share one: the second draws again when its create finds the key taken.
func TestUniqueReferences(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		const workers, each = 4, 50
		r := cases.New(b.Store, cases.Options{})
		var (
			mu   sync.Mutex
			seen = map[forms.CaseRef]bool{}
			wg   sync.WaitGroup
			errs = make(chan error, workers)
		)
		for range workers {
			wg.Go(func() {
				for range each {
					c, err := r.Open(ctx, newCase("山田 太郎", "1985-04-12", "user"))
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					if seen[c.ID] {
						errs <- fmt.Errorf("reference %s given twice", c.ID)
					}
					seen[c.ID] = true
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		all, err := r.List(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(seen) != workers*each || len(all) != workers*each {
			t.Errorf("%d distinct references, %d listed; want %d", len(seen), len(all), workers*each)
		}

		// Same seed, same draws: every open of the second repository
		// clashes with the first's case and must draw again.
		r1 := cases.New(b.Store, cases.Options{Rand: rand.New(rand.NewPCG(7, 7))})
		r2 := cases.New(b.Store, cases.Options{Rand: rand.New(rand.NewPCG(7, 7))})
		c1 := mustOpen(t, ctx, r1, newCase("甲", "1985-04-12", "user"))
		c2 := mustOpen(t, ctx, r2, newCase("乙", "1985-04-12", "user"))
		if c1.ID == c2.ID {
			t.Fatalf("two cases share reference %s", c1.ID)
		}
		got, err := r.Get(ctx, string(c1.ID))
		if err != nil || got.Person.Name != "甲" {
			t.Errorf("the first case was overwritten: %+v, %v", got, err)
		}
	})
}

// Two scanners reading the same returned sheet at once: exactly one moves
// the case on, the other is told it is already answered.
func TestConcurrentAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		r := cases.New(b.Store, cases.Options{})
		c := mustOpen(t, ctx, r, newCase("山田 太郎", "1985-04-12", "signature", "user"))
		const racers = 8
		var wg sync.WaitGroup
		errs := make([]error, racers)
		start := make(chan struct{})
		for i := range racers {
			wg.Go(func() {
				<-start
				// Each racer through its own Repo, as separate workers would.
				w := cases.New(slowSwap{b.Store}, cases.Options{})
				_, errs[i] = w.Transition(ctx, string(c.ID), forms.CaseAnswered, fmt.Sprintf("scanner-%d", i), "")
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, forms.ErrBadTransition) && strings.Contains(err.Error(), "already answered"):
			default:
				t.Errorf("racer %d: %v, want success or ErrBadTransition saying already answered", i, err)
			}
		}
		if won != 1 {
			t.Errorf("%d racers answered the case, want exactly 1", won)
		}
		got, err := r.Get(ctx, string(c.ID))
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != forms.CaseAnswered || len(got.History) != 2 {
			t.Errorf("after the race: status %s, history %+v; want answered once", got.Status, got.History)
		}
	})
}

func TestExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clock := newClock()
		r := cases.New(b.Store, cases.Options{Now: clock.Now, Deadline: 14 * 24 * time.Hour})
		late := mustOpen(t, ctx, r, newCase("山田 太郎", "1985-04-12", "user"))
		cancelled := mustOpen(t, ctx, r, newCase("佐藤 花子", "1990-01-31", "user"))
		if _, err := r.Transition(ctx, string(cancelled.ID), forms.CaseCancelled, "clerk", ""); err != nil {
			t.Fatal(err)
		}
		// Opened 2026-11-26 10:30 with 14 days: in time through 12-10.
		if d := late.LastReplyDay().Format(time.DateOnly); d != "2026-12-10" {
			t.Errorf("last reply day %s, want 2026-12-10", d)
		}
		clock.Add(late.Deadline.Sub(clock.Now()) - time.Second)
		if got, _ := r.Get(ctx, string(late.ID)); got.Status != forms.CasePending {
			t.Errorf("a second before the deadline: %s, want pending", got.Status)
		}
		clock.Add(time.Second)
		got, err := r.Get(ctx, string(late.ID))
		if err != nil || got.Status != forms.CaseExpired {
			t.Fatalf("at the deadline: Get = %s, %v; want expired", got.Status, err)
		}
		if exp, _ := r.List(ctx, forms.CaseExpired); fmt.Sprint(ids(exp)) != fmt.Sprint([]forms.CaseRef{late.ID}) {
			t.Errorf("List(expired) = %v, want [%s]", ids(exp), late.ID)
		}
		if pend, _ := r.List(ctx, forms.CasePending); len(pend) != 0 {
			t.Errorf("List(pending) = %v, want none", ids(pend))
		}

		// An answer that comes too late is refused, and the expiry is
		// recorded by that attempt.
		_, err = r.Transition(ctx, string(late.ID), forms.CaseAnswered, "scanner", "")
		if !errors.Is(err, forms.ErrBadTransition) || !strings.Contains(err.Error(), "expired") {
			t.Fatalf("late answer: %v, want ErrBadTransition saying expired", err)
		}
		data, _, err := b.Store.Load(ctx, cases.Key(late.ID))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), `"status":"expired"`) {
			t.Errorf("stored after the late answer: %s; want the expiry recorded", data)
		}
		got, _ = r.Get(ctx, string(late.ID))
		if n := len(got.History); n != 2 || got.History[1].To != forms.CaseExpired || !got.History[1].At.Equal(clock.Now()) {
			t.Errorf("history %+v, want the expiry at %v", got.History, clock.Now())
		}
		for _, to := range []forms.CaseStatus{forms.CaseAnswered, forms.CaseCancelled, forms.CaseExpired} {
			_, err := r.Transition(ctx, string(late.ID), to, "clerk", "")
			if !errors.Is(err, forms.ErrBadTransition) || !strings.Contains(err.Error(), "already expired") {
				t.Errorf("expired → %s: %v, want ErrBadTransition saying already expired", to, err)
			}
		}
		// Cases that were not pending do not expire.
		if got, _ := r.Get(ctx, string(cancelled.ID)); got.Status != forms.CaseCancelled {
			t.Errorf("cancelled case reads %s after the deadline", got.Status)
		}
	})
}

func TestUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clock := newClock()
		r := cases.New(b.Store, cases.Options{Now: clock.Now})
		c := mustOpen(t, ctx, r, newCase("山田 太郎", "1985-04-12", "user"))
		_, v1, err := b.Store.Load(ctx, cases.Key(c.ID))
		if err != nil {
			t.Fatal(err)
		}
		// A no-op update writes nothing.
		if _, err := r.Update(ctx, string(c.ID), func(c forms.Case) (forms.Case, error) { return c, nil }); err != nil {
			t.Fatal(err)
		}
		if _, v, _ := b.Store.Load(ctx, cases.Key(c.ID)); v.Version != v1.Version {
			t.Errorf("a no-op update rewrote the case")
		}
		printed := clock.Now().Add(time.Minute)
		got, err := r.Update(ctx, string(c.ID), func(c forms.Case) (forms.Case, error) {
			c.SheetPrintedAt = &printed
			return c, nil
		})
		if err != nil || got.SheetPrintedAt == nil {
			t.Fatalf("Update = %+v, %v", got, err)
		}
		if back, _ := r.Get(ctx, string(c.ID)); back.SheetPrintedAt == nil || !back.SheetPrintedAt.Equal(printed) {
			t.Errorf("sheet_printed_at %v, want %v", back.SheetPrintedAt, printed)
		}
		// fn's error comes back as is, and nothing is stored.
		stop := errors.New("stop")
		if _, err := r.Update(ctx, string(c.ID), func(c forms.Case) (forms.Case, error) {
			c.Person.Name = "changed"
			return c, stop
		}); !errors.Is(err, stop) {
			t.Errorf("Update with a failing fn = %v", err)
		}
		if _, err := r.Update(ctx, string(c.ID), func(c forms.Case) (forms.Case, error) {
			c.ID = "0000-0000-0"
			return c, nil
		}); err == nil {
			t.Error("Update changed the reference")
		}
		if back, _ := r.Get(ctx, string(c.ID)); back.Person.Name != "山田 太郎" {
			t.Errorf("name %q after refused updates", back.Person.Name)
		}
	})
}

func TestAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		r := cases.New(b.Store, cases.Options{})
		c := mustOpen(t, ctx, r, newCase("山田 太郎", "1985-04-12", "user"))
		got, err := r.Answer(ctx, string(c.ID), "0123abcd-p1", "scanner")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != forms.CaseAnswered || got.AnsweredBy != "0123abcd-p1" {
			t.Errorf("answered case %+v", got)
		}
		if back, _ := r.Get(ctx, string(c.ID)); back.AnsweredBy != "0123abcd-p1" || back.History[1].Note != "answer sheet 0123abcd-p1" {
			t.Errorf("stored %+v", back)
		}
		// A second sheet for the same case changes nothing.
		if _, err := r.Answer(ctx, string(c.ID), "ffff-p1", "scanner"); !errors.Is(err, forms.ErrBadTransition) {
			t.Errorf("second answer: %v, want ErrBadTransition", err)
		}
		if back, _ := r.Get(ctx, string(c.ID)); back.AnsweredBy != "0123abcd-p1" {
			t.Errorf("answered_by %q after a refused second answer", back.AnsweredBy)
		}
	})
}

// A concurrent read-modify-write through Update loses nothing: every
// worker's change is in the final case.
func TestUpdateLosesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		r := cases.New(slowSwap{b.Store}, cases.Options{})
		c := mustOpen(t, ctx, r, newCase("山田 太郎", "1985-04-12", "user"))
		const workers = 6
		var wg sync.WaitGroup
		for i := range workers {
			wg.Go(func() {
				_, err := r.Update(ctx, string(c.ID), func(c forms.Case) (forms.Case, error) {
					c.History = append(c.History, forms.Event{At: c.OpenedAt, To: c.Status, Note: strconv.Itoa(i)})
					return c, nil
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, err := r.Get(ctx, string(c.ID))
		if err != nil {
			t.Fatal(err)
		}
		if len(got.History) != 1+workers {
			t.Errorf("%d history events, want %d: updates were lost", len(got.History), 1+workers)
		}
	})
}

// helperEnv names the store a helper process answers a case in.
const (
	helperURL   = "SHINSEI_CASES_HELPER_URL"
	helperCase  = "SHINSEI_CASES_HELPER_CASE"
	helperStart = "SHINSEI_CASES_HELPER_START"
)

// Exit codes of the helper process.
const (
	helperWon     = 0
	helperRefused = 3
)

// TestMain doubles as the helper process of TestAnswerAcrossProcesses.
func TestMain(m *testing.M) {
	if url := os.Getenv(helperURL); url != "" {
		os.Exit(answerOnce(url, os.Getenv(helperCase), os.Getenv(helperStart)))
	}
	os.Exit(m.Run())
}

func answerOnce(url, id, start string) int {
	ctx := context.Background()
	s, err := storeurl.Open(ctx, url, os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	// Start together, so the processes really race.
	if ns, err := strconv.ParseInt(start, 10, 64); err == nil {
		time.Sleep(time.Until(time.Unix(0, ns)))
	}
	_, err = cases.New(slowSwap{s}, cases.Options{}).Transition(ctx, id, forms.CaseAnswered, fmt.Sprintf("pid %d", os.Getpid()), "")
	switch {
	case err == nil:
		return helperWon
	case errors.Is(err, forms.ErrBadTransition) && strings.Contains(err.Error(), "already answered"):
		return helperRefused
	default:
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
}

// Workers are separate processes (on S3, separate machines): the answer
// must be exclusive between them too, not only between goroutines.
func TestAnswerAcrossProcesses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		c := mustOpen(t, ctx, cases.New(b.Store, cases.Options{}), newCase("山田 太郎", "1985-04-12", "user"))
		const procs = 4
		start := time.Now().Add(2 * time.Second).UnixNano()
		var cmds []*exec.Cmd
		var outs []*strings.Builder
		for range procs {
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(),
				helperURL+"="+b.URL, helperCase+"="+string(c.ID), helperStart+"="+strconv.FormatInt(start, 10),
				"AWS_ACCESS_KEY_ID="+b.Getenv("AWS_ACCESS_KEY_ID"), "AWS_SECRET_ACCESS_KEY="+b.Getenv("AWS_SECRET_ACCESS_KEY"))
			out := &strings.Builder{}
			cmd.Stdout, cmd.Stderr = out, out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds, outs = append(cmds, cmd), append(outs, out)
		}
		won := 0
		for i, cmd := range cmds {
			err := cmd.Wait()
			var ee *exec.ExitError
			switch {
			case err == nil:
				won++
			case errors.As(err, &ee) && ee.ExitCode() == helperRefused:
			default:
				t.Errorf("helper %d: %v\n%s", i, err, outs[i])
			}
		}
		if won != 1 {
			t.Errorf("%d processes answered the case, want exactly 1", won)
		}
	})
}

// List reads only the cases: the indexes pipeline/match keeps in folders
// under cases/ are skipped without a word, anything else is warned about.
func TestListSkipsIndexes(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, "file://"+t.TempDir(), func(string) string { return "" }).Store
	var logged bytes.Buffer
	r := cases.New(s, cases.Options{Now: newClock().Now, Log: slog.New(slog.NewTextHandler(&logged, nil))})
	c := mustOpen(t, ctx, r, newCase("山田 太郎", "1985-04-12", "user"))
	for _, key := range []string{"cases/sources/abc-p1", "cases/applications/0123abcd", "cases/notes.txt"} {
		if _, err := s.Swap(ctx, key, "", []byte(c.ID)); err != nil {
			t.Fatal(err)
		}
	}
	all, err := r.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].ID != c.ID {
		t.Errorf("List = %v, want %s", ids(all), c.ID)
	}
	if strings.Contains(logged.String(), "sources") || strings.Contains(logged.String(), "applications") || !strings.Contains(logged.String(), "cases/notes.txt") {
		t.Errorf("log %q: want a warning about cases/notes.txt only", logged.String())
	}
}
