// Package cases keeps proxy (代理人) cases in the store: one small mutable
// object per case at cases/<ID>.json, created with a conditional create and
// moved on with compare-and-swap, so that any number of processes (and, on
// S3, machines) can open, answer and close cases at once without losing an
// update or moving one case twice. The state machine itself is
// forms.Case.Transition; this package only loads, applies and stores.
package cases

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"shinsei/forms"
	"shinsei/store"
)

// Prefix is where cases live in the store.
const Prefix = "cases/"

// DefaultDeadline is the reply period when Options leaves it zero: a month
// for the sheet to go out by post and come back with the proxy.
const DefaultDeadline = 30 * 24 * time.Hour

// maxOpenAttempts bounds the draws for a free reference. With 10⁸ numbers
// a clash is rare; twenty in a row means something else is wrong.
const maxOpenAttempts = 20

// ErrNotFound: no case under that reference. It also matches
// store.ErrNotExist, so code that only knows the store can test for it.
var ErrNotFound error = notFoundError{}

type notFoundError struct{}

func (notFoundError) Error() string        { return "no such case" }
func (notFoundError) Is(target error) bool { return target == store.ErrNotExist }

// Options tune a Repo; the zero value is what production wants.
type Options struct {
	// Deadline is the reply period from opening; DefaultDeadline if zero.
	// The case's deadline is the end of the day (Japan time) it runs out.
	Deadline time.Duration
	// Now is the clock; time.Now if nil. Tests pass a fake one.
	Now func() time.Time
	// Rand draws case references; seeded from crypto/rand if nil. Tests
	// pass a seeded one to make clashes happen.
	Rand *rand.Rand
	// Log gets warnings about objects under cases/ that are not cases; a
	// discarding logger if nil.
	Log *slog.Logger
}

// Repo is the case store. It is safe for concurrent use.
type Repo struct {
	s        store.Store
	deadline time.Duration
	now      func() time.Time
	log      *slog.Logger

	mu  sync.Mutex // rand.Rand is not safe for concurrent use
	rng *rand.Rand
}

// New returns a Repo over s.
func New(s store.Store, opts Options) *Repo {
	r := &Repo{s: s, deadline: opts.Deadline, now: opts.Now, rng: opts.Rand, log: opts.Log}
	if r.deadline <= 0 {
		r.deadline = DefaultDeadline
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.rng == nil {
		// Every process must draw its own sequence: two workers seeded
		// alike would clash on every reference they draw.
		var seed [32]byte
		crand.Read(seed[:])
		r.rng = rand.New(rand.NewChaCha8(seed))
	}
	if r.log == nil {
		r.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return r
}

// Key is the store key of a case.
func Key(id forms.CaseRef) string { return Prefix + string(id) + ".json" }

func (r *Repo) newRef() forms.CaseRef {
	r.mu.Lock()
	defer r.mu.Unlock()
	return forms.NewCaseRef(r.rng)
}

// clock is the time recorded on cases: counter time (the JSON then reads
// as the clerk's clock did, whatever zone the machine is set to), whole
// seconds (nobody needs more), and without the monotonic reading, so that
// a case compares equal to itself after a round trip through JSON.
func (r *Repo) clock() time.Time {
	return r.now().Round(0).Truncate(time.Second).In(forms.Japan())
}

// Open creates a pending case with a fresh reference and returns it. Of c
// it uses the person, certificates, proxy name and source; it normalises
// them (forms.Case.Normalize) and refuses an invalid case with an error
// wrapping forms.ErrInvalidCase.
func (r *Repo) Open(ctx context.Context, c forms.Case) (forms.Case, error) {
	now := r.clock()
	n := forms.Case{
		Status:    forms.CasePending,
		Person:    c.Person,
		Certs:     c.Certs,
		ProxyName: c.ProxyName,
		OpenedAt:  now,
		Deadline:  forms.ReplyDeadline(now, r.deadline),
		Source:    c.Source,
	}.Normalize()
	if err := n.Validate(); err != nil {
		return forms.Case{}, err
	}
	note := "opened by hand"
	if n.Source != "" {
		note = "opened from application " + n.Source
	}
	n.History = []forms.Event{{At: now, To: forms.CasePending, Note: note}}
	for range maxOpenAttempts {
		n.ID = r.newRef()
		data, err := encode(n)
		if err != nil {
			return forms.Case{}, err
		}
		_, err = r.s.Swap(ctx, Key(n.ID), "", data)
		switch {
		case err == nil:
			r.log.Debug("case opened", "case", n.ID)
			return n, nil
		case errors.Is(err, store.ErrExist), errors.Is(err, store.ErrConflict):
			r.log.Debug("case reference taken, drawing another", "case", n.ID)
			continue
		default:
			return forms.Case{}, fmt.Errorf("opening case %s: %w", n.ID, err)
		}
	}
	return forms.Case{}, fmt.Errorf("opening a case: %d references in a row were already taken", maxOpenAttempts)
}

// Get returns a case with its effective status (forms.Case.Effective: a
// pending case past its deadline reads as expired). id may be written with
// or without hyphens, full-width and so on (forms.ParseCaseRef); a wrong
// check digit is an error wrapping forms.ErrBadCaseRef, an unknown case
// one wrapping ErrNotFound.
func (r *Repo) Get(ctx context.Context, id string) (forms.Case, error) {
	ref, err := forms.ParseCaseRef(id)
	if err != nil {
		return forms.Case{}, err
	}
	c, _, err := r.load(ctx, ref)
	if err != nil {
		return forms.Case{}, err
	}
	c.Status = c.Effective(r.now())
	return c, nil
}

// List returns the cases whose effective status is status ("" for all),
// oldest first.
func (r *Repo) List(ctx context.Context, status forms.CaseStatus) ([]forms.Case, error) {
	if status != "" && !status.Valid() {
		return nil, fmt.Errorf("listing cases: %q is not a case status", status)
	}
	now := r.now()
	var out []forms.Case
	for info, err := range r.s.List(ctx, Prefix) {
		if err != nil {
			return nil, fmt.Errorf("listing cases: %w", err)
		}
		if strings.Contains(strings.TrimPrefix(info.Key, Prefix), "/") {
			continue // an index in a sub-folder (pipeline/match keeps cases/sources/, cases/applications/)
		}
		ref, ok := refOfKey(info.Key)
		if !ok {
			r.log.Warn("not a case, ignored", "key", info.Key)
			continue
		}
		c, _, err := r.load(ctx, ref)
		if errors.Is(err, store.ErrNotExist) {
			continue // listed, then gone: nothing of ours deletes cases, but a clean-up might
		}
		if err != nil {
			return nil, err
		}
		c.Status = c.Effective(now)
		if status == "" || c.Status == status {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b forms.Case) int {
		if c := a.OpenedAt.Compare(b.OpenedAt); c != 0 {
			return c
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
	return out, nil
}

// Transition moves a case to status to (forms.Case.Transition), recording
// by and note. When another process changed the case in between, it loads
// the case again and decides afresh, so of two scanners answering one case
// at once exactly one succeeds and the other is refused (ErrBadTransition:
// it is already answered). A pending case past its deadline is recorded as
// expired on the first attempt, whatever was asked, and a request to move
// it anywhere else is refused.
func (r *Repo) Transition(ctx context.Context, id string, to forms.CaseStatus, by, note string) (forms.Case, error) {
	return r.transition(ctx, id, to, by, note, nil)
}

// Answer is Transition to answered by the answer sheet with document ID
// documentID (the document_id of its scan), which it records as
// AnsweredBy in the same write, so a case never reads answered without
// saying by which sheet.
func (r *Repo) Answer(ctx context.Context, id, documentID, by string) (forms.Case, error) {
	if documentID == "" {
		return forms.Case{}, fmt.Errorf("answering case %s: no document id for the answer sheet", id)
	}
	return r.transition(ctx, id, forms.CaseAnswered, by, "answer sheet "+documentID, func(c *forms.Case) {
		c.AnsweredBy = documentID
	})
}

// transition is Transition, with edit applied to the moved case before it
// is stored.
func (r *Repo) transition(ctx context.Context, id string, to forms.CaseStatus, by, note string, edit func(*forms.Case)) (forms.Case, error) {
	var refused error
	c, err := r.Update(ctx, id, func(c forms.Case) (forms.Case, error) {
		refused = nil // this may be a retry after a conflict
		now := r.clock()
		n, err := c.Transition(to, now, by, note)
		if err == nil {
			if edit != nil {
				edit(&n)
			}
			return n, nil
		}
		if errors.Is(err, forms.ErrBadTransition) && c.Status == forms.CasePending && c.Effective(now) == forms.CaseExpired {
			// Store the expiry the refusal is based on, so the history
			// says when it was noticed, then report the refusal.
			exp, xerr := c.Transition(forms.CaseExpired, now, "shinsei", "reply deadline passed with no answer")
			if xerr != nil {
				return c, xerr
			}
			refused = err
			return exp, nil
		}
		return c, err
	})
	if err != nil {
		return c, err
	}
	if refused != nil {
		return c, refused
	}
	return c, nil
}

// Update applies fn to the stored case and stores the result with
// compare-and-swap, calling fn again on the fresh case whenever someone
// else changed it in between; fn must therefore be free of side effects
// beyond its result. An error from fn is returned as is, with the case as
// loaded, and nothing is stored. A result identical to the stored case is
// not written. fn may not change the case's ID.
func (r *Repo) Update(ctx context.Context, id string, fn func(forms.Case) (forms.Case, error)) (forms.Case, error) {
	ref, err := forms.ParseCaseRef(id)
	if err != nil {
		return forms.Case{}, err
	}
	key := Key(ref)
	for {
		if err := ctx.Err(); err != nil {
			return forms.Case{}, fmt.Errorf("case %s: %w", ref, err)
		}
		c, version, err := r.load(ctx, ref)
		if err != nil {
			return forms.Case{}, err
		}
		n, err := fn(c)
		if err != nil {
			return c, err
		}
		if n.ID != c.ID {
			return c, fmt.Errorf("case %s: an update may not change the reference (to %q)", ref, n.ID)
		}
		data, err := encode(n)
		if err != nil {
			return c, err
		}
		if old, err := encode(c); err == nil && bytes.Equal(old, data) {
			return n, nil
		}
		_, err = r.s.Swap(ctx, key, version, data)
		switch {
		case err == nil:
			return n, nil
		case errors.Is(err, store.ErrConflict):
			r.log.Debug("case changed by someone else, retrying", "case", ref)
			continue
		case errors.Is(err, store.ErrNotExist):
			return c, fmt.Errorf("%w: %s (removed while being updated)", ErrNotFound, ref)
		default:
			return c, fmt.Errorf("storing case %s: %w", ref, err)
		}
	}
}

// load reads a stored case as stored (no effective status) with the
// version Swap needs.
func (r *Repo) load(ctx context.Context, ref forms.CaseRef) (forms.Case, string, error) {
	data, info, err := r.s.Load(ctx, Key(ref))
	if errors.Is(err, store.ErrNotExist) {
		return forms.Case{}, "", fmt.Errorf("%w: %s", ErrNotFound, ref)
	}
	if err != nil {
		return forms.Case{}, "", fmt.Errorf("loading case %s: %w", ref, err)
	}
	var c forms.Case
	if err := json.Unmarshal(data, &c); err != nil {
		return forms.Case{}, "", fmt.Errorf("case %s: %s is not a case: %w", ref, Key(ref), err)
	}
	if c.ID != ref {
		return forms.Case{}, "", fmt.Errorf("case %s: %s holds case %q", ref, Key(ref), c.ID)
	}
	return c, info.Version, nil
}

func encode(c forms.Case) ([]byte, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encoding case %s: %w", c.ID, err)
	}
	return data, nil
}

// refOfKey is the reference of a key under Prefix, if it names a case.
func refOfKey(key string) (forms.CaseRef, bool) {
	name, ok := strings.CutPrefix(key, Prefix)
	if !ok {
		return "", false
	}
	name, ok = strings.CutSuffix(name, ".json")
	if !ok {
		return "", false
	}
	ref, err := forms.ParseCaseRef(name)
	if err != nil || Key(ref) != key {
		return "", false
	}
	return ref, true
}
