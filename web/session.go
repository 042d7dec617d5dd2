package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"sync"
	"time"
)

// sessionCookie names the session cookie. The __Host- prefix makes the
// browser refuse it unless it is Secure, host-only and for path /.
const sessionCookie = "__Host-shinsei"

// session is one browser's state on the server. A browser that has not
// logged in has one too, so the login form carries a CSRF token.
type session struct {
	id      string
	csrf    string
	user    User // zero until login
	created time.Time
	seen    time.Time
}

// sessions are kept in memory: a restart logs everyone out, which is what
// a city's IT expects of a counter application.
type sessions struct {
	mu        sync.Mutex
	byID      map[string]*session
	idle, max time.Duration
	now       func() time.Time
}

func newSessions(idle, max time.Duration, now func() time.Time) *sessions {
	return &sessions{byID: map[string]*session{}, idle: idle, max: max, now: now}
}

func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// get returns the live session the request's cookie names, or nil.
func (ss *sessions) get(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.byID[c.Value]
	if s == nil {
		return nil
	}
	now := ss.now()
	if now.Sub(s.seen) > ss.idle || now.Sub(s.created) > ss.max {
		delete(ss.byID, s.id)
		return nil
	}
	s.seen = now
	cp := *s
	return &cp
}

// start makes a new session for u (zero before login) and sets its cookie;
// old, if any, is ended, so a login never keeps a session id chosen before
// it (session fixation).
func (ss *sessions) start(w http.ResponseWriter, old *session, u User) *session {
	now := ss.now()
	s := &session{id: randomToken(), csrf: randomToken(), user: u, created: now, seen: now}
	ss.mu.Lock()
	if old != nil {
		delete(ss.byID, old.id)
	}
	for id, o := range ss.byID { // drop expired sessions as new ones come
		if now.Sub(o.seen) > ss.idle || now.Sub(o.created) > ss.max {
			delete(ss.byID, id)
		}
	}
	ss.byID[s.id] = s
	ss.mu.Unlock()
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: s.id, Path: "/",
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
	return s
}

// end removes the session and clears its cookie.
func (ss *sessions) end(w http.ResponseWriter, s *session) {
	if s != nil {
		ss.mu.Lock()
		delete(ss.byID, s.id)
		ss.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
}

// validCSRF reports whether the request carries s's CSRF token, in the form
// field "csrf" or, for the API, the X-CSRF-Token header.
func validCSRF(r *http.Request, s *session) bool {
	if s == nil {
		return false
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) == 1
}

// limiter counts failed logins per name and per client address in a
// sliding window.
type limiter struct {
	mu     sync.Mutex
	fails  map[string][]time.Time
	max    int
	window time.Duration
	now    func() time.Time
}

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{fails: map[string][]time.Time{}, max: max, window: window, now: now}
}

// limitKeys are what a login attempt counts against: the name, and the
// client's address unless it is a loopback one — behind a TLS proxy on the
// same machine every client has that address, and one person's typos
// would lock everyone out.
func limitKeys(name string, r *http.Request) []string {
	keys := []string{"name:" + name}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		keys = append(keys, "addr:"+host)
	}
	return keys
}

// blocked reports whether any key has used up its attempts.
func (l *limiter) blocked(keys []string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if len(l.recent(k)) >= l.max {
			return true
		}
	}
	return false
}

// fail counts one failed attempt against every key.
func (l *limiter) fail(keys []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		l.fails[k] = append(l.recent(k), l.now())
	}
}

// recent returns k's failures inside the window, forgetting older ones.
func (l *limiter) recent(k string) []time.Time {
	cut := l.now().Add(-l.window)
	ts := l.fails[k]
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, k)
		return nil
	}
	l.fails[k] = ts
	return ts
}
