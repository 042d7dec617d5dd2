// Package web is `shinsei serve`: the review, audit and case-desk pages a
// city's staff use in a browser, and a JSON API behind the same logins
// (docs/api.md). Pages are html/template with their assets embedded, so the
// binary is all a server needs.
//
// The package owns HTTP only: sessions, CSRF tokens, rate limits, role
// checks and rendering. What it shows and changes comes through the small
// interfaces below, each satisfied by the package that owns the data
// (accounts, the audit log, the review queue, the archive).
package web

import (
	"context"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/pipeline/review"
	"shinsei/templates"
)

// Role says what a signed-in person may do. Every route names the roles it
// admits and is checked on the server.
type Role string

// The roles, as accounts carry them (`shinsei users add NAME --role R`).
const (
	RoleClerk    Role = "clerk"    // the case desk
	RoleReviewer Role = "reviewer" // the review queue: confirm and correct pages
	RoleAuditor  Role = "auditor"  // the archive: search and view, with a reason
	RoleAdmin    Role = "admin"    // accounts, which are managed with the CLI
)

// User is the person behind a session.
type User struct {
	Name string
	Role Role
}

// ErrBadLogin is what an Authenticator returns for a wrong name or password.
var ErrBadLogin = errors.New("wrong name or password")

// Authenticator checks a name and password.
type Authenticator interface {
	// Authenticate returns the account's user, or an error matching
	// ErrBadLogin when the name or the password is wrong.
	Authenticate(ctx context.Context, name, password string) (User, error)
}

// Event is one change or login the server records before it answers.
type Event struct {
	Who    string
	Action string // one of the Event actions below
	Why    string
	Remote string // the client's address, for logins
	CaseID string // for case actions
}

// Actions of the events web records itself; reads and reviews are
// recorded by the packages that perform them.
const (
	EventLogin       = "login"
	EventLoginFailed = "login_failed"
	EventLogout      = "logout"
	// A clerk opened a case, or completed or cancelled one (Why: the note).
	EventCaseOpen     = "case_open"
	EventCaseComplete = "case_complete"
	EventCaseCancel   = "case_cancel"
)

// Auditor writes events to the audit log. A login that cannot be recorded
// is refused; a case change is made, then recorded (as the CLI does), and
// a failure to record it is shown to the clerk and logged.
type Auditor interface {
	Record(ctx context.Context, e Event) error
}

// Archive is the archive as web reads it: Search and Get record who read
// what and why before returning anything (pipeline/archive does), and
// RecordRead records a read of a case before the case is shown.
type Archive interface {
	Search(ctx context.Context, q archive.Query) ([]forms.Record, error)
	Get(ctx context.Context, id, who, why string) (forms.Record, []byte, error)
	RecordRead(ctx context.Context, e archive.AuditEntry) error
}

// ReviewQueue is the review work (pipeline/review): the pages that need a
// person, who works on which, and the reviews people save. Its errors are
// review's (review.ErrClaimed, review.ErrNotClaimed, review.ErrNotWaiting,
// review.ErrInvalid).
type ReviewQueue interface {
	// Queue lists the pages waiting for review, oldest first.
	Queue(ctx context.Context, f archive.QueueFilter) ([]archive.QueueItem, error)
	// Claim gives reviewer the page for ttl (compare-and-swap, so of two
	// reviewers only one gets it), or extends their own claim.
	Claim(ctx context.Context, id, reviewer string, ttl time.Duration) (review.Claim, error)
	// Open returns the page the reviewer holds, through an audited read.
	Open(ctx context.Context, id, reviewer string) (forms.Record, []byte, error)
	// Save re-runs the rules on the corrected values and writes the
	// review, write-once; Reject writes one rejecting the page.
	Save(ctx context.Context, id, reviewer string, c review.Corrections) (archive.Review, error)
	Reject(ctx context.Context, id, reviewer, reason string) (archive.Review, error)
}

// Config is what a Server serves.
type Config struct {
	Auth    Authenticator
	Audit   Auditor
	Archive Archive
	Reviews ReviewQueue
	Cases   CaseDesk
	// Templates resolve a record's form for outlines and crops; the
	// built-in registry when nil.
	Templates *templates.Registry
	// ClaimFor is how long a reviewer holds a page they opened without
	// saving it; 15 minutes if zero.
	ClaimFor time.Duration
	// SessionIdle and SessionMax end a session after that long without a
	// request, or that long after login; 30 minutes and 10 hours if zero.
	SessionIdle, SessionMax time.Duration
	// LoginAttempts failed logins in LoginWindow, for one name or from one
	// address, refuse further attempts until the window has passed; 5 in
	// 15 minutes if zero.
	LoginAttempts int
	LoginWindow   time.Duration
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	Log *slog.Logger
}

// Server is the HTTP handler of `shinsei serve`.
type Server struct {
	cfg      Config
	mux      *http.ServeMux
	pages    map[string]*template.Template
	static   fs.FS
	sessions *sessions
	limiter  *limiter
	log      *slog.Logger
	now      func() time.Time
}

// New returns a server for cfg. Auth, Audit, Archive, Reviews and Cases
// are required.
func New(cfg Config) (*Server, error) {
	if cfg.Auth == nil || cfg.Audit == nil || cfg.Archive == nil || cfg.Reviews == nil || cfg.Cases == nil {
		return nil, errors.New("web: Auth, Audit, Archive, Reviews and Cases are all required")
	}
	if cfg.Templates == nil {
		cfg.Templates = templates.Builtin()
	}
	if cfg.ClaimFor <= 0 {
		cfg.ClaimFor = 15 * time.Minute
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 30 * time.Minute
	}
	if cfg.SessionMax <= 0 {
		cfg.SessionMax = 10 * time.Hour
	}
	if cfg.LoginAttempts <= 0 {
		cfg.LoginAttempts = 5
	}
	if cfg.LoginWindow <= 0 {
		cfg.LoginWindow = 15 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(assets, "assets/static")
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg: cfg, pages: pages, static: static, log: cfg.Log, now: cfg.Now,
		sessions: newSessions(cfg.SessionIdle, cfg.SessionMax, cfg.Now),
		limiter:  newLimiter(cfg.LoginAttempts, cfg.LoginWindow, cfg.Now),
	}
	s.routes()
	return s, nil
}

// ServeHTTP answers one request; every response carries headers that keep
// pages of personal data out of caches and frames.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	s.mux.ServeHTTP(w, r)
}
