package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/archive"
)

type archiveData struct {
	Form     searchForm
	Results  []forms.Record
	Searched bool
}

// searchForm is the archive search as typed, kept to fill the form again.
type searchForm struct {
	Case, Form, Status, Station, Name, From, To, Reason string
}

func (s *Server) archivePage(w http.ResponseWriter, r *http.Request, sess *session) {
	s.render(w, r, sess, http.StatusOK, "archive", t(langOf(r), "archive"), archiveData{}, "")
}

// query turns the search form into an archive query; days are the city's
// local days, as the archive indexes them.
func (f searchForm) query(who string) (archive.Query, error) {
	q := archive.Query{Case: f.Case, Form: f.Form, Status: f.Status, Station: f.Station, Name: f.Name, Who: who, Why: f.Reason}
	for _, d := range []struct {
		s  string
		to *time.Time
	}{{f.From, &q.From}, {f.To, &q.To}} {
		if d.s == "" {
			continue
		}
		v, err := time.ParseInLocation("2006-01-02", d.s, time.Local)
		if err != nil {
			return archive.Query{}, fmt.Errorf("%w: day %q: want YYYY-MM-DD", archive.ErrInvalidQuery, d.s)
		}
		*d.to = v
	}
	return q, nil
}

func postedSearch(r *http.Request) searchForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return searchForm{Case: v("case"), Form: v("form"), Status: v("status"), Station: v("station"), Name: v("name"), From: v("from"), To: v("to"), Reason: v("reason")}
}

// archiveSearch runs a search only with a reason; the archive records the
// search and every document it returned before the results are shown.
func (s *Server) archiveSearch(w http.ResponseWriter, r *http.Request, sess *session) {
	f := postedSearch(r)
	d := archiveData{Form: f}
	if f.Reason == "" {
		s.render(w, r, sess, http.StatusBadRequest, "archive", t(langOf(r), "archive"), d, "reason.required")
		return
	}
	q, err := f.query(sess.user.Name)
	if err == nil {
		d.Results, err = s.cfg.Archive.Search(r.Context(), q)
	}
	switch {
	case errors.Is(err, archive.ErrInvalidQuery):
		s.render(w, r, sess, http.StatusBadRequest, "archive", t(langOf(r), "archive"), d, "query.invalid")
		return
	case errors.Is(err, archive.ErrNoIndexKey):
		s.render(w, r, sess, http.StatusBadRequest, "archive", t(langOf(r), "archive"), d, "name.unavailable")
		return
	}
	if err != nil {
		s.fail(w, r, sess, "searching the archive", err)
		return
	}
	d.Searched = true
	s.render(w, r, sess, http.StatusOK, "archive", t(langOf(r), "archive"), d, "")
}

type docData struct {
	Record forms.Record
	Page   template.URL
	Fields []finalField
	Issues []string
}

// archiveView shows one document after its read is recorded with the
// reason given in the form that asked for it.
func (s *Server) archiveView(w http.ResponseWriter, r *http.Request, sess *session) {
	id := r.PathValue("id")
	why := strings.TrimSpace(r.PostFormValue("reason"))
	if why == "" {
		s.render(w, r, sess, http.StatusBadRequest, "message", t(langOf(r), "archive"), nil, "reason.required")
		return
	}
	rec, pdf, err := s.cfg.Archive.Get(r.Context(), id, sess.user.Name, why)
	if errors.Is(err, archive.ErrNotFound) || errors.Is(err, archive.ErrInvalidID) {
		s.render(w, r, sess, http.StatusNotFound, "message", t(langOf(r), "archive"), nil, "notfound")
		return
	}
	if err != nil {
		s.fail(w, r, sess, "reading an archived document", err)
		return
	}
	d := docData{Record: rec}
	if pdf != nil {
		img, err := pageImage(r.Context(), pdf)
		if err == nil {
			d.Page, err = outlinedPage(img, nil)
		}
		if err != nil {
			s.fail(w, r, sess, "showing an archived page", err)
			return
		}
	}
	d.Fields = fieldRows(rec)
	for _, is := range rec.Issues {
		d.Issues = append(d.Issues, issueText(langOf(r), is.Message))
	}
	s.render(w, r, sess, http.StatusOK, "document", id, d, "")
}

// archiveExport runs the search again, recorded like any search, and
// answers its records as a file: CSV for Excel (UTF-8 with BOM) or JSON
// Lines.
func (s *Server) archiveExport(w http.ResponseWriter, r *http.Request, sess *session) {
	f := postedSearch(r)
	format := r.PathValue("format")
	if f.Reason == "" || (format != "csv" && format != "jsonl") {
		s.render(w, r, sess, http.StatusBadRequest, "archive", t(langOf(r), "archive"), archiveData{Form: f}, "reason.required")
		return
	}
	q, err := f.query(sess.user.Name)
	var recs []forms.Record
	if err == nil {
		recs, err = s.cfg.Archive.Search(r.Context(), q)
	}
	if errors.Is(err, archive.ErrInvalidQuery) || errors.Is(err, archive.ErrNoIndexKey) {
		s.render(w, r, sess, http.StatusBadRequest, "archive", t(langOf(r), "archive"), archiveData{Form: f}, "query.invalid")
		return
	}
	if err != nil {
		s.fail(w, r, sess, "exporting a search", err)
		return
	}
	var buf bytes.Buffer
	if format == "csv" {
		err = archive.WriteCSV(&buf, recs)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		err = archive.WriteJSONL(&buf, recs)
		w.Header().Set("Content-Type", "application/jsonl; charset=utf-8")
	}
	if err != nil {
		s.fail(w, r, sess, "exporting a search", err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="shinsei-search.`+format+`"`)
	w.Write(buf.Bytes())
}

// archiveDocExport hands out one document, its redacted page PDF or its
// record as JSON, after the read is recorded with the reason given.
func (s *Server) archiveDocExport(w http.ResponseWriter, r *http.Request, sess *session) {
	id, format := r.PathValue("id"), r.PathValue("format")
	why := strings.TrimSpace(r.PostFormValue("reason"))
	if why == "" || (format != "pdf" && format != "json") {
		s.render(w, r, sess, http.StatusBadRequest, "message", t(langOf(r), "archive"), nil, "reason.required")
		return
	}
	rec, pdf, err := s.cfg.Archive.Get(r.Context(), id, sess.user.Name, why)
	if errors.Is(err, archive.ErrNotFound) || errors.Is(err, archive.ErrInvalidID) || (err == nil && format == "pdf" && pdf == nil) {
		s.render(w, r, sess, http.StatusNotFound, "message", t(langOf(r), "archive"), nil, "notfound")
		return
	}
	if err != nil {
		s.fail(w, r, sess, "exporting a document", err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+id+"."+format+`"`)
	if format == "pdf" {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(pdf)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(rec)
}
