package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"shinsei/forms"
	"shinsei/internal/pdfout"
	"shinsei/pipeline/archive"
	"shinsei/pipeline/cases"
	"shinsei/templates"
)

// CaseDesk is the proxy cases (pipeline/cases) as the counter works them.
type CaseDesk interface {
	List(ctx context.Context, status forms.CaseStatus) ([]forms.Case, error)
	Get(ctx context.Context, id string) (forms.Case, error)
	Open(ctx context.Context, c forms.Case) (forms.Case, error)
	Transition(ctx context.Context, id string, to forms.CaseStatus, by, note string) (forms.Case, error)
	Update(ctx context.Context, id string, fn func(forms.Case) (forms.Case, error)) (forms.Case, error)
}

// sheetReason is recorded when a clerk prints an answer sheet: the sheet
// carries the person's name and address.
const sheetReason = "照会書兼回答書の印刷（本人への郵送） / answer sheet printed to mail to the person"

type casesData struct {
	Status   string
	Reason   string
	Listed   bool
	Cases    []caseRow
	Opened   *caseRow // the case just opened
	Statuses []string
}

type caseRow struct {
	ID, Status, Name, Kana, Birth, Address, Certs, Proxy string
	Opened, Due                                          string
	Pending, Open                                        bool // pending; not closed (pending or answered)
}

func rowOf(c forms.Case) caseRow {
	st := c.Status
	return caseRow{
		ID: string(c.ID), Status: string(st), Name: c.Person.Name, Kana: c.Person.Kana, Birth: c.Person.BirthDate,
		Address: c.Person.Address, Certs: forms.CertsJapanese(c.Certs), Proxy: c.ProxyName,
		Opened: c.OpenedAt.In(forms.Japan()).Format("2006-01-02 15:04"), Due: c.LastReplyDay().Format(time.DateOnly),
		Pending: st == forms.CasePending, Open: st == forms.CasePending || st == forms.CaseAnswered,
	}
}

func caseStatuses() []string {
	var out []string
	for _, s := range forms.CaseStatuses() {
		out = append(out, string(s))
	}
	return out
}

func (s *Server) casesPage(w http.ResponseWriter, r *http.Request, sess *session) {
	s.render(w, r, sess, http.StatusOK, "cases", t(langOf(r), "cases"), casesData{Status: string(forms.CasePending), Statuses: caseStatuses()}, "")
}

// casesList shows the cases of a status, after the read (every case
// listed) is recorded with the reason given.
func (s *Server) casesList(w http.ResponseWriter, r *http.Request, sess *session) {
	d := casesData{Status: r.PostFormValue("status"), Reason: strings.TrimSpace(r.PostFormValue("reason")), Statuses: caseStatuses()}
	if d.Status != "" && !forms.CaseStatus(d.Status).Valid() {
		s.render(w, r, sess, http.StatusBadRequest, "cases", t(langOf(r), "cases"), d, "query.invalid")
		return
	}
	if d.Reason == "" {
		s.render(w, r, sess, http.StatusBadRequest, "cases", t(langOf(r), "cases"), d, "reason.required")
		return
	}
	list, err := s.cfg.Cases.List(r.Context(), forms.CaseStatus(d.Status))
	if err != nil {
		s.fail(w, r, sess, "listing cases", err)
		return
	}
	ids := make([]string, 0, len(list))
	for _, c := range list {
		ids = append(ids, string(c.ID))
		d.Cases = append(d.Cases, rowOf(c))
	}
	if err := s.cfg.Archive.RecordRead(r.Context(), archive.AuditEntry{Who: sess.user.Name, Why: d.Reason, Action: archive.ActionCaseList, CaseIDs: ids, CaseStatus: d.Status}); err != nil {
		s.fail(w, r, sess, "recording a case list", err)
		return
	}
	d.Listed = true
	s.render(w, r, sess, http.StatusOK, "cases", t(langOf(r), "cases"), d, "")
}

// casesOpen opens a case by hand: what the clerk typed, shown back.
func (s *Server) casesOpen(w http.ResponseWriter, r *http.Request, sess *session) {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	d := casesData{Status: string(forms.CasePending), Statuses: caseStatuses()}
	birth, _, err := forms.ParseDate(v("birth"))
	if err != nil {
		s.render(w, r, sess, http.StatusBadRequest, "cases", t(langOf(r), "cases"), d, "case.invalid")
		return
	}
	c, err := s.cfg.Cases.Open(r.Context(), forms.Case{
		Person:    forms.Person{Name: v("name"), Kana: v("kana"), BirthDate: birth.Format(time.DateOnly), Address: v("address")},
		Certs:     r.PostForm["cert"],
		ProxyName: v("proxy"),
	})
	if errors.Is(err, forms.ErrInvalidCase) {
		s.render(w, r, sess, http.StatusBadRequest, "cases", t(langOf(r), "cases"), d, "case.invalid")
		return
	}
	if err != nil {
		s.fail(w, r, sess, "opening a case", err)
		return
	}
	if err := s.cfg.Audit.Record(r.Context(), Event{Who: sess.user.Name, Action: EventCaseOpen, CaseID: string(c.ID)}); err != nil {
		s.fail(w, r, sess, "recording a case opened (it is open)", err)
		return
	}
	row := rowOf(c)
	d.Opened = &row
	s.render(w, r, sess, http.StatusOK, "cases", t(langOf(r), "cases"), d, "")
}

// casesSheet answers the answer sheet of a pending case as a PDF to print,
// after recording the read of the person's name and address it carries.
func (s *Server) casesSheet(w http.ResponseWriter, r *http.Request, sess *session) {
	c, err := s.cfg.Cases.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.caseError(w, r, sess, err)
		return
	}
	if c.Status != forms.CasePending {
		s.render(w, r, sess, http.StatusConflict, "message", t(langOf(r), "cases"), nil, "case.notpending")
		return
	}
	tpl, err := s.cfg.Templates.Get(forms.TemplateAnswer, 0)
	if err != nil {
		s.fail(w, r, sess, "printing an answer sheet", err)
		return
	}
	vals, err := cases.SheetValues(c)
	if err != nil {
		s.fail(w, r, sess, "printing an answer sheet", err)
		return
	}
	rend, err := templates.NewRenderer()
	if err != nil {
		s.fail(w, r, sess, "printing an answer sheet", err)
		return
	}
	img, err := rend.Render(tpl, vals, templates.CanvasDPI)
	var pdf bytes.Buffer
	if err == nil {
		err = pdfout.Write(&pdf, []pdfout.Page{{Image: img, WidthMM: templates.PageWidthMM, HeightMM: templates.PageHeightMM}})
	}
	if err != nil {
		s.fail(w, r, sess, "printing an answer sheet", err)
		return
	}
	if err := s.cfg.Archive.RecordRead(r.Context(), archive.AuditEntry{Who: sess.user.Name, Why: sheetReason, Action: archive.ActionCaseSheet, CaseID: string(c.ID)}); err != nil {
		s.fail(w, r, sess, "recording an answer sheet printed", err)
		return
	}
	printed := s.now().Round(0).Truncate(time.Second).In(forms.Japan())
	if _, err := s.cfg.Cases.Update(r.Context(), string(c.ID), func(c forms.Case) (forms.Case, error) {
		c.SheetPrintedAt = &printed
		return c, nil
	}); err != nil {
		s.fail(w, r, sess, "recording the sheet printed on its case", err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="answer-`+string(c.ID)+`.pdf"`)
	w.Write(pdf.Bytes())
}

// casesMove completes or cancels a case at the counter, with the note
// given, and records the change.
func (s *Server) casesMove(to forms.CaseStatus) handler {
	return func(w http.ResponseWriter, r *http.Request, sess *session) {
		note := strings.TrimSpace(r.PostFormValue("note"))
		if note == "" {
			s.render(w, r, sess, http.StatusBadRequest, "message", t(langOf(r), "cases"), nil, "reason.required")
			return
		}
		c, err := s.cfg.Cases.Transition(r.Context(), r.PathValue("id"), to, sess.user.Name, note)
		if err != nil {
			s.caseError(w, r, sess, err)
			return
		}
		action := EventCaseComplete
		if to == forms.CaseCancelled {
			action = EventCaseCancel
		}
		if err := s.cfg.Audit.Record(r.Context(), Event{Who: sess.user.Name, Action: action, CaseID: string(c.ID), Why: note}); err != nil {
			s.fail(w, r, sess, "recording a case moved (it was moved)", err)
			return
		}
		s.render(w, r, sess, http.StatusOK, "message", t(langOf(r), "cases"), nil, "case.moved."+string(c.Status))
	}
}

func (s *Server) caseError(w http.ResponseWriter, r *http.Request, sess *session, err error) {
	switch {
	case errors.Is(err, forms.ErrBadTransition):
		s.render(w, r, sess, http.StatusConflict, "message", t(langOf(r), "cases"), nil, "case.transition")
	case errors.Is(err, forms.ErrBadCaseRef), errors.Is(err, cases.ErrNotFound):
		s.render(w, r, sess, http.StatusNotFound, "message", t(langOf(r), "cases"), nil, "notfound")
	default:
		s.fail(w, r, sess, "a case", err)
	}
}
