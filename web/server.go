package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"shinsei/forms"
)

// handler is a route's own code, called once the session, role and (for a
// POST) CSRF token have been checked.
type handler func(w http.ResponseWriter, r *http.Request, s *session)

// Who may use which part. Admins manage accounts (with the CLI) and read
// nothing: reading personal data is the auditors' job, with a reason.
var (
	anyone    = []Role{RoleClerk, RoleReviewer, RoleAuditor, RoleAdmin}
	reviewers = []Role{RoleReviewer}
	auditors  = []Role{RoleAuditor}
	clerks    = []Role{RoleClerk}
)

func allowed(u User, roles []Role) bool {
	return u.Name != "" && slices.Contains(roles, u.Role)
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(s.static)))
	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("GET /lang/{lang}", s.setLang)
	m.HandleFunc("POST /logout", s.page(anyone, s.logout))
	m.HandleFunc("GET /{$}", s.page(anyone, s.home))

	m.HandleFunc("GET /queue", s.page(reviewers, s.queuePage))
	m.HandleFunc("GET /review/{id}", s.page(reviewers, s.reviewPage))
	m.HandleFunc("POST /review/{id}", s.page(reviewers, s.reviewSave))
	m.HandleFunc("POST /review/{id}/reject", s.page(reviewers, s.reviewReject))

	m.HandleFunc("GET /archive", s.page(auditors, s.archivePage))
	m.HandleFunc("POST /archive", s.page(auditors, s.archiveSearch))
	m.HandleFunc("POST /archive/doc/{id}", s.page(auditors, s.archiveView))
	m.HandleFunc("POST /archive/export/{format}", s.page(auditors, s.archiveExport))
	m.HandleFunc("POST /archive/doc/{id}/{format}", s.page(auditors, s.archiveDocExport))

	m.HandleFunc("GET /cases", s.page(clerks, s.casesPage))
	m.HandleFunc("POST /cases", s.page(clerks, s.casesList))
	m.HandleFunc("POST /cases/open", s.page(clerks, s.casesOpen))
	m.HandleFunc("POST /cases/{id}/sheet", s.page(clerks, s.casesSheet))
	m.HandleFunc("POST /cases/{id}/complete", s.page(clerks, s.casesMove(forms.CaseCompleted)))
	m.HandleFunc("POST /cases/{id}/cancel", s.page(clerks, s.casesMove(forms.CaseCancelled)))

	s.apiRoutes(m)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, s.sessions.get(r), http.StatusNotFound, "message", t(langOf(r), "notfound"), nil, "notfound")
	})
	s.mux = m
}

// page wraps a browser route: no session sends the browser to the login
// page, a role not in roles is refused (403), and a POST without the
// session's CSRF token is refused (403) before h runs.
func (s *Server) page(roles []Role, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := s.sessions.get(r)
		if sess == nil || sess.user.Name == "" {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.render(w, r, sess, http.StatusUnauthorized, "message", t(langOf(r), "login"), nil, "csrf")
			return
		}
		if !allowed(sess.user, roles) {
			s.log.Warn("refused by role", "user", sess.user.Name, "role", sess.user.Role, "path", r.URL.Path)
			s.render(w, r, sess, http.StatusForbidden, "message", t(langOf(r), "forbidden"), nil, "forbidden")
			return
		}
		if r.Method == http.MethodPost && !validCSRF(r, sess) {
			s.log.Warn("POST without a valid CSRF token", "user", sess.user.Name, "path", r.URL.Path)
			s.render(w, r, sess, http.StatusForbidden, "message", t(langOf(r), "csrf"), nil, "csrf")
			return
		}
		h(w, r, sess)
	}
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	sess := s.sessions.get(r)
	if sess == nil {
		sess = s.sessions.start(w, nil, User{})
	}
	s.render(w, r, sess, http.StatusOK, "login", t(langOf(r), "login"), localPath(r.URL.Query().Get("next")), "")
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	sess := s.sessions.get(r)
	lang := langOf(r)
	next := localPath(r.PostFormValue("next"))
	if !validCSRF(r, sess) {
		s.render(w, r, sess, http.StatusForbidden, "message", t(lang, "csrf"), nil, "csrf")
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	u, code, err := s.authenticate(r, name, r.PostFormValue("password"))
	if err != nil {
		key := "login.bad"
		switch code {
		case http.StatusTooManyRequests:
			key = "login.limited"
		case http.StatusInternalServerError:
			key = "error"
		}
		s.render(w, r, sess, code, "login", t(lang, "login"), next, key)
		return
	}
	sess = s.sessions.start(w, sess, u)
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// authenticate checks a login against the rate limit and the accounts, and
// records it; the status code says why it failed.
func (s *Server) authenticate(r *http.Request, name, password string) (User, int, error) {
	keys := limitKeys(name, r)
	if s.limiter.blocked(keys) {
		s.log.Warn("login refused: too many failures", "remote", r.RemoteAddr)
		return User{}, http.StatusTooManyRequests, ErrBadLogin
	}
	u, err := s.cfg.Auth.Authenticate(r.Context(), name, password)
	if err != nil {
		if !errors.Is(err, ErrBadLogin) {
			s.log.Error("login", "user", name, "err", err)
			return User{}, http.StatusInternalServerError, err
		}
		s.limiter.fail(keys)
		if aerr := s.cfg.Audit.Record(r.Context(), Event{Who: name, Action: EventLoginFailed, Remote: r.RemoteAddr}); aerr != nil {
			s.log.Error("recording a failed login", "err", aerr)
		}
		return User{}, http.StatusUnauthorized, err
	}
	if err := s.cfg.Audit.Record(r.Context(), Event{Who: u.Name, Action: EventLogin, Remote: r.RemoteAddr}); err != nil {
		s.log.Error("recording a login: refused", "user", u.Name, "err", err)
		return User{}, http.StatusInternalServerError, err
	}
	s.log.Info("login", "user", u.Name, "role", u.Role)
	return u, http.StatusOK, nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := s.cfg.Audit.Record(r.Context(), Event{Who: sess.user.Name, Action: EventLogout}); err != nil {
		s.log.Error("recording a logout", "err", err)
	}
	s.sessions.end(w, sess)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, sess *session) {
	switch sess.user.Role {
	case RoleReviewer:
		http.Redirect(w, r, "/queue", http.StatusSeeOther)
	case RoleAuditor:
		http.Redirect(w, r, "/archive", http.StatusSeeOther)
	case RoleClerk:
		http.Redirect(w, r, "/cases", http.StatusSeeOther)
	default:
		s.render(w, r, sess, http.StatusOK, "home", t(langOf(r), "app"), nil, "")
	}
}

// setLang keeps the language chosen and goes back to the page it was
// chosen on. It changes nothing but a preference, so a link will do.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	if lang != langEN {
		lang = langJA
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	next := localPath(r.URL.Query().Get("next"))
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// localPath returns p if it is a path on this server, else "": a redirect
// target from a query must not send the browser elsewhere.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return ""
	}
	return p
}
