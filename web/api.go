package web

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/pipeline/cases"
	"shinsei/pipeline/review"
)

// The JSON API (docs/api.md) takes the same session cookie as the pages;
// a POST carries the session's CSRF token in X-CSRF-Token, and a body must
// be application/json, which no other site's form can send.

const maxAPIBody = 1 << 20

func (s *Server) apiRoutes(m *http.ServeMux) {
	m.HandleFunc("POST /api/login", s.apiLogin)
	m.HandleFunc("POST /api/logout", s.api(anyone, s.apiLogout))
	m.HandleFunc("GET /api/queue", s.api(reviewers, s.apiQueue))
	m.HandleFunc("POST /api/review/{id}/claim", s.api(reviewers, s.apiClaim))
	m.HandleFunc("POST /api/review/{id}/open", s.api(reviewers, s.apiOpen))
	m.HandleFunc("POST /api/review/{id}", s.api(reviewers, s.apiSave))
	m.HandleFunc("POST /api/review/{id}/reject", s.api(reviewers, s.apiReject))
	m.HandleFunc("POST /api/archive/search", s.api(auditors, s.apiSearch))
	m.HandleFunc("POST /api/archive/docs/{id}", s.api(auditors, s.apiDoc))
	m.HandleFunc("POST /api/cases/list", s.api(clerks, s.apiCasesList))
	m.HandleFunc("POST /api/cases", s.api(clerks, s.apiCasesOpen))
	m.HandleFunc("POST /api/cases/{id}/complete", s.api(clerks, s.apiCasesMove(forms.CaseCompleted)))
	m.HandleFunc("POST /api/cases/{id}/cancel", s.api(clerks, s.apiCasesMove(forms.CaseCancelled)))
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "not_found", "no such API route")
	})
}

type apiErr struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

func apiError(w http.ResponseWriter, code int, key, msg string) {
	writeJSON(w, code, apiErr{Error: key, Message: msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// readJSON decodes a request body of at most maxAPIBody bytes into v.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		apiError(w, http.StatusUnsupportedMediaType, "bad_request", "the body must be application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAPIBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		apiError(w, http.StatusBadRequest, "bad_request", "the body is not the JSON this route takes")
		return false
	}
	return true
}

// api wraps an API route as page wraps a page, answering in JSON.
func (s *Server) api(roles []Role, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := s.sessions.get(r)
		if sess == nil || sess.user.Name == "" {
			apiError(w, http.StatusUnauthorized, "unauthorized", "log in first (POST /api/login)")
			return
		}
		if !allowed(sess.user, roles) {
			apiError(w, http.StatusForbidden, "forbidden", "your role does not allow this")
			return
		}
		if r.Method == http.MethodPost && !validCSRF(r, sess) {
			apiError(w, http.StatusForbidden, "csrf", "X-CSRF-Token is missing or wrong")
			return
		}
		h(w, r, sess)
	}
}

type apiSession struct {
	User      string `json:"user"`
	Role      Role   `json:"role"`
	CSRFToken string `json:"csrf_token"`
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	u, code, err := s.authenticate(r, strings.TrimSpace(in.Name), in.Password)
	if err != nil {
		key := map[int]string{http.StatusTooManyRequests: "rate_limited", http.StatusInternalServerError: "internal"}[code]
		if key == "" {
			key = "bad_login"
		}
		apiError(w, code, key, t(langEN, map[string]string{"rate_limited": "login.limited", "internal": "error", "bad_login": "login.bad"}[key]))
		return
	}
	sess := s.sessions.start(w, s.sessions.get(r), u)
	writeJSON(w, http.StatusOK, apiSession{User: u.Name, Role: u.Role, CSRFToken: sess.csrf})
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := s.cfg.Audit.Record(r.Context(), Event{Who: sess.user.Name, Action: EventLogout}); err != nil {
		s.log.Error("recording a logout", "err", err)
	}
	s.sessions.end(w, sess)
	w.WriteHeader(http.StatusNoContent)
}

type apiQueueItem struct {
	DocumentID string    `json:"document_id"`
	ArchivedAt time.Time `json:"archived_at"`
}

func (s *Server) apiQueue(w http.ResponseWriter, r *http.Request, sess *session) {
	items, err := s.cfg.Reviews.Queue(r.Context(), archive.QueueFilter{Station: r.URL.Query().Get("station"), Form: r.URL.Query().Get("form")})
	if err != nil {
		s.apiFail(w, r, sess, "listing the review queue", err)
		return
	}
	out := make([]apiQueueItem, 0, len(items))
	for _, it := range items {
		out = append(out, apiQueueItem{DocumentID: it.DocumentID, ArchivedAt: it.ArchivedAt})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiClaim(w http.ResponseWriter, r *http.Request, sess *session) {
	c, err := s.cfg.Reviews.Claim(r.Context(), r.PathValue("id"), sess.user.Name, s.cfg.ClaimFor)
	if err != nil {
		s.apiReviewError(w, r, sess, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) apiOpen(w http.ResponseWriter, r *http.Request, sess *session) {
	rec, pdf, err := s.cfg.Reviews.Open(r.Context(), r.PathValue("id"), sess.user.Name)
	if err != nil {
		s.apiReviewError(w, r, sess, err)
		return
	}
	writeJSON(w, http.StatusOK, apiDoc{Record: rec, PagePDF: pdf})
}

func (s *Server) apiSave(w http.ResponseWriter, r *http.Request, sess *session) {
	var in struct {
		Fields        map[string]any `json:"fields"`
		PersonName    string         `json:"person_name"`
		PersonAddress string         `json:"person_address"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	rv, err := s.cfg.Reviews.Save(r.Context(), r.PathValue("id"), sess.user.Name, review.Corrections{Fields: in.Fields, PersonName: in.PersonName, PersonAddress: in.PersonAddress})
	if err != nil {
		s.apiReviewError(w, r, sess, err)
		return
	}
	writeJSON(w, http.StatusOK, rv)
}

func (s *Server) apiReject(w http.ResponseWriter, r *http.Request, sess *session) {
	var in struct {
		Reason string `json:"reason"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	rv, err := s.cfg.Reviews.Reject(r.Context(), r.PathValue("id"), sess.user.Name, in.Reason)
	if err != nil {
		s.apiReviewError(w, r, sess, err)
		return
	}
	writeJSON(w, http.StatusOK, rv)
}

func (s *Server) apiReviewError(w http.ResponseWriter, r *http.Request, sess *session, err error) {
	switch {
	case errors.Is(err, review.ErrClaimed):
		apiError(w, http.StatusConflict, "claimed", review.ErrClaimed.Error())
	case errors.Is(err, review.ErrNotClaimed):
		apiError(w, http.StatusConflict, "not_claimed", review.ErrNotClaimed.Error())
	case errors.Is(err, review.ErrNotWaiting):
		apiError(w, http.StatusConflict, "not_waiting", review.ErrNotWaiting.Error())
	case errors.Is(err, review.ErrInvalid):
		apiError(w, http.StatusBadRequest, "invalid", "the corrections do not fit the page's form, or a reason is missing")
	case errors.Is(err, archive.ErrNotFound), errors.Is(err, archive.ErrInvalidID):
		apiError(w, http.StatusNotFound, "not_found", "no such document")
	default:
		s.apiFail(w, r, sess, "reviewing", err)
	}
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request, sess *session) {
	var in struct {
		Case    string `json:"case"`
		Form    string `json:"form"`
		Status  string `json:"status"`
		Station string `json:"station"`
		Name    string `json:"name"`
		From    string `json:"from"`
		To      string `json:"to"`
		Reason  string `json:"reason"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	f := searchForm{Case: in.Case, Form: in.Form, Status: in.Status, Station: in.Station, Name: in.Name, From: in.From, To: in.To, Reason: strings.TrimSpace(in.Reason)}
	if f.Reason == "" {
		apiError(w, http.StatusBadRequest, "reason_required", "every read of the archive needs a reason")
		return
	}
	q, err := f.query(sess.user.Name)
	var recs []forms.Record
	if err == nil {
		recs, err = s.cfg.Archive.Search(r.Context(), q)
	}
	if errors.Is(err, archive.ErrInvalidQuery) || errors.Is(err, archive.ErrNoIndexKey) {
		apiError(w, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	if err != nil {
		s.apiFail(w, r, sess, "searching the archive", err)
		return
	}
	if recs == nil {
		recs = []forms.Record{}
	}
	writeJSON(w, http.StatusOK, recs)
}

type apiDoc struct {
	Record forms.Record `json:"record"`
	// PagePDF is the redacted page (base64 in JSON); absent for a page
	// archived as its record only.
	PagePDF []byte `json:"page_pdf,omitempty"`
}

func (s *Server) apiDoc(w http.ResponseWriter, r *http.Request, sess *session) {
	var in struct {
		Reason string `json:"reason"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if strings.TrimSpace(in.Reason) == "" {
		apiError(w, http.StatusBadRequest, "reason_required", "every read of the archive needs a reason")
		return
	}
	rec, pdf, err := s.cfg.Archive.Get(r.Context(), r.PathValue("id"), sess.user.Name, strings.TrimSpace(in.Reason))
	if errors.Is(err, archive.ErrNotFound) || errors.Is(err, archive.ErrInvalidID) {
		apiError(w, http.StatusNotFound, "not_found", "no such document")
		return
	}
	if err != nil {
		s.apiFail(w, r, sess, "reading an archived document", err)
		return
	}
	writeJSON(w, http.StatusOK, apiDoc{Record: rec, PagePDF: pdf})
}

func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, sess *session, what string, err error) {
	s.log.Error(what, "user", sess.user.Name, "path", r.URL.Path, "err", err)
	apiError(w, http.StatusInternalServerError, "internal", "something went wrong: see the server's log")
}

func (s *Server) apiCasesList(w http.ResponseWriter, r *http.Request, sess *session) {
	var in struct {
		Status string `json:"status"`
		Reason string `json:"reason"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if strings.TrimSpace(in.Reason) == "" {
		apiError(w, http.StatusBadRequest, "reason_required", "listing cases reads personal data: give a reason")
		return
	}
	if in.Status != "" && !forms.CaseStatus(in.Status).Valid() {
		apiError(w, http.StatusBadRequest, "bad_query", "status: want pending, answered, completed, cancelled or expired")
		return
	}
	list, err := s.cfg.Cases.List(r.Context(), forms.CaseStatus(in.Status))
	if err != nil {
		s.apiFail(w, r, sess, "listing cases", err)
		return
	}
	ids := make([]string, 0, len(list))
	for _, c := range list {
		ids = append(ids, string(c.ID))
	}
	if err := s.cfg.Archive.RecordRead(r.Context(), archive.AuditEntry{Who: sess.user.Name, Why: strings.TrimSpace(in.Reason), Action: archive.ActionCaseList, CaseIDs: ids, CaseStatus: in.Status}); err != nil {
		s.apiFail(w, r, sess, "recording a case list", err)
		return
	}
	if list == nil {
		list = []forms.Case{}
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) apiCasesOpen(w http.ResponseWriter, r *http.Request, sess *session) {
	var in struct {
		Person    forms.Person `json:"person"`
		Certs     []string     `json:"certs"`
		ProxyName string       `json:"proxy_name"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	birth, _, err := forms.ParseDate(in.Person.BirthDate)
	if err != nil {
		apiError(w, http.StatusBadRequest, "invalid", "person.birth_date: not a date")
		return
	}
	in.Person.BirthDate = birth.Format(time.DateOnly)
	c, err := s.cfg.Cases.Open(r.Context(), forms.Case{Person: in.Person, Certs: in.Certs, ProxyName: in.ProxyName})
	if errors.Is(err, forms.ErrInvalidCase) {
		apiError(w, http.StatusBadRequest, "invalid", err.Error())
		return
	}
	if err != nil {
		s.apiFail(w, r, sess, "opening a case", err)
		return
	}
	if err := s.cfg.Audit.Record(r.Context(), Event{Who: sess.user.Name, Action: EventCaseOpen, CaseID: string(c.ID)}); err != nil {
		s.apiFail(w, r, sess, "recording a case opened (it is open)", err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) apiCasesMove(to forms.CaseStatus) handler {
	return func(w http.ResponseWriter, r *http.Request, sess *session) {
		var in struct {
			Note string `json:"note"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		note := strings.TrimSpace(in.Note)
		if note == "" {
			apiError(w, http.StatusBadRequest, "reason_required", "completing or cancelling a case needs a note")
			return
		}
		c, err := s.cfg.Cases.Transition(r.Context(), r.PathValue("id"), to, sess.user.Name, note)
		switch {
		case errors.Is(err, forms.ErrBadTransition):
			apiError(w, http.StatusConflict, "bad_transition", err.Error())
			return
		case errors.Is(err, forms.ErrBadCaseRef), errors.Is(err, cases.ErrNotFound):
			apiError(w, http.StatusNotFound, "not_found", "no such case")
			return
		case err != nil:
			s.apiFail(w, r, sess, "moving a case", err)
			return
		}
		action := EventCaseComplete
		if to == forms.CaseCancelled {
			action = EventCaseCancel
		}
		if err := s.cfg.Audit.Record(r.Context(), Event{Who: sess.user.Name, Action: action, CaseID: string(c.ID), Why: note}); err != nil {
			s.apiFail(w, r, sess, "recording a case moved (it was moved)", err)
			return
		}
		// The case moved is shown: a read of it, recorded as the CLI does.
		if err := s.cfg.Archive.RecordRead(r.Context(), archive.AuditEntry{Who: sess.user.Name, Why: note, Action: archive.ActionCaseChange, CaseID: string(c.ID)}); err != nil {
			s.apiFail(w, r, sess, "recording a case shown", err)
			return
		}
		writeJSON(w, http.StatusOK, c)
	}
}
