package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"image"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"shinsei/forms"
	"shinsei/templates"
)

// reviewWhy is the reason recorded when a reviewer's page is read.
const reviewWhy = "review"

type queueData struct {
	Items    []QueueItem
	Filter   QueueFilter
	Stations []string
	Forms    []string
}

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request, sess *session) {
	f := QueueFilter{Station: r.URL.Query().Get("station"), Form: r.URL.Query().Get("form")}
	items, err := s.cfg.Reviews.Queue(r.Context(), f)
	if err != nil {
		s.fail(w, r, sess, "listing the review queue", err)
		return
	}
	d := queueData{Items: items, Filter: f}
	// The filters offer what the whole queue holds.
	all := items
	if f != (QueueFilter{}) {
		if all, err = s.cfg.Reviews.Queue(r.Context(), QueueFilter{}); err != nil {
			s.fail(w, r, sess, "listing the review queue", err)
			return
		}
	}
	for _, it := range all {
		if it.Station != "" && !slices.Contains(d.Stations, it.Station) {
			d.Stations = append(d.Stations, it.Station)
		}
		if it.Form != "" && !slices.Contains(d.Forms, it.Form) {
			d.Forms = append(d.Forms, it.Form)
		}
	}
	slices.Sort(d.Stations)
	slices.Sort(d.Forms)
	s.render(w, r, sess, http.StatusOK, "queue", t(langOf(r), "queue"), d, "")
}

// reviewField is one field on the review page.
type reviewField struct {
	ID, Label string
	Kind      templates.Kind
	Text      string // text, date and PIN count, as typed
	Checked   bool   // checkbox and signature
	Crop      template.URL
	Issues    []string
}

type reviewData struct {
	ID, Form, Token string
	Revision        int
	Page            template.URL
	Fields          []reviewField
	Issues          []string // issues of the page, not of one field
}

func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request, sess *session) {
	id := r.PathValue("id")
	c, ok := s.claim(w, r, sess, id)
	if !ok {
		return
	}
	d, err := s.reviewData(r.Context(), langOf(r), c, sess.user.Name)
	if err != nil {
		s.fail(w, r, sess, "preparing a review", err)
		return
	}
	s.render(w, r, sess, http.StatusOK, "review", t(langOf(r), "review"), d, "")
}

// claim takes the page for the reviewer, answering the refusal itself.
func (s *Server) claim(w http.ResponseWriter, r *http.Request, sess *session, id string) (Claim, bool) {
	c, err := s.cfg.Reviews.Claim(r.Context(), id, sess.user.Name)
	switch {
	case err == nil:
		return c, true
	case errors.Is(err, ErrClaimed):
		s.render(w, r, sess, http.StatusConflict, "message", t(langOf(r), "review"), nil, "claimed")
	case errors.Is(err, ErrReviewed):
		s.render(w, r, sess, http.StatusConflict, "message", t(langOf(r), "review"), nil, "reviewed")
	default:
		s.fail(w, r, sess, "claiming a page", err)
	}
	return Claim{}, false
}

// reviewData reads the page (a recorded read) and lays out what the
// reviewer must look at: each flagged field beside its crop.
func (s *Server) reviewData(ctx context.Context, lang string, c Claim, who string) (reviewData, error) {
	rec, pdf, err := s.cfg.Archive.Get(ctx, c.DocumentID, who, reviewWhy)
	if err != nil {
		return reviewData{}, err
	}
	d := reviewData{ID: c.DocumentID, Token: c.Token}
	var tpl *templates.Template
	if rec.Template != nil {
		d.Form, d.Revision = rec.Template.ID, rec.Template.Revision
		if tpl, err = s.cfg.Templates.Get(rec.Template.ID, rec.Template.Revision); err != nil {
			return reviewData{}, err
		}
	}
	byField := map[string][]string{}
	for _, is := range rec.Issues {
		if is.Field == "" || tpl == nil {
			d.Issues = append(d.Issues, issueText(lang, is.Message))
			continue
		}
		byField[is.Field] = append(byField[is.Field], issueText(lang, is.Message))
	}
	var img *image.Gray
	if pdf != nil {
		g, err := pageImage(ctx, pdf)
		if err != nil {
			return reviewData{}, err
		}
		img = g
	}
	var boxes []templates.Box
	if tpl != nil {
		for _, f := range tpl.Fields {
			fv, read := rec.Fields[f.ID]
			if !(read && fv.Review) && byField[f.ID] == nil {
				continue
			}
			rf := reviewField{ID: f.ID, Label: f.Label, Kind: f.Kind, Issues: byField[f.ID]}
			rf.Text, rf.Checked = shown(f.Kind, fv.Value)
			if img != nil {
				if rf.Crop, err = fieldCrop(img, f.Box); err != nil {
					return reviewData{}, fmt.Errorf("field %s: %w", f.ID, err)
				}
			}
			boxes = append(boxes, f.Box)
			d.Fields = append(d.Fields, rf)
		}
	}
	if img != nil {
		if d.Page, err = outlinedPage(img, boxes); err != nil {
			return reviewData{}, err
		}
	}
	return d, nil
}

// shown is a record value as the review form shows it.
func shown(k templates.Kind, v any) (string, bool) {
	switch v := v.(type) {
	case bool:
		return "", v
	case string:
		return v, false
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), false
	case int:
		return strconv.Itoa(v), false
	}
	return "", false
}

func (s *Server) reviewSave(w http.ResponseWriter, r *http.Request, sess *session) {
	c, ok := s.postedClaim(r, sess)
	if !ok {
		s.render(w, r, sess, http.StatusBadRequest, "message", t(langOf(r), "review"), nil, "claim.lost")
		return
	}
	values, err := s.postedValues(r, c)
	if err != nil {
		s.render(w, r, sess, http.StatusBadRequest, "message", t(langOf(r), "review"), nil, "error")
		return
	}
	rec, err := s.cfg.Reviews.Save(r.Context(), c, values)
	s.reviewDone(w, r, sess, rec, err)
}

func (s *Server) reviewReject(w http.ResponseWriter, r *http.Request, sess *session) {
	c, ok := s.postedClaim(r, sess)
	if !ok {
		s.render(w, r, sess, http.StatusBadRequest, "message", t(langOf(r), "review"), nil, "claim.lost")
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" {
		s.render(w, r, sess, http.StatusBadRequest, "message", t(langOf(r), "review"), nil, "reason.required")
		return
	}
	rec, err := s.cfg.Reviews.Reject(r.Context(), c, reason)
	s.reviewDone(w, r, sess, rec, err)
}

func (s *Server) postedClaim(r *http.Request, sess *session) (Claim, bool) {
	c := Claim{DocumentID: r.PathValue("id"), Who: sess.user.Name, Token: r.PostFormValue("claim")}
	return c, c.Token != ""
}

// postedValues are the review form's fields, typed by the form's fields:
// a check box absent from the post is unticked.
func (s *Server) postedValues(r *http.Request, c Claim) (map[string]any, error) {
	shownIDs := r.PostForm["field"]
	if len(shownIDs) == 0 {
		return map[string]any{}, nil
	}
	form := r.PostFormValue("form")
	rev, _ := strconv.Atoi(r.PostFormValue("revision"))
	tpl, err := s.cfg.Templates.Get(form, rev)
	if err != nil {
		return nil, fmt.Errorf("review of %s: %w", c.DocumentID, err)
	}
	values := map[string]any{}
	for _, id := range shownIDs {
		f, ok := tpl.Field(id)
		if !ok {
			return nil, fmt.Errorf("review of %s: no field %q on %s", c.DocumentID, id, form)
		}
		v, err := typedValue(f.Kind, r.PostFormValue("f."+id))
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", id, err)
		}
		values[id] = v
	}
	return values, nil
}

// typedValue is what a person typed or ticked, as a record holds it.
func typedValue(k templates.Kind, s string) (any, error) {
	switch k {
	case templates.Checkbox, templates.Signature:
		return s != "", nil
	case templates.PIN:
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("a PIN field holds the number of filled cells, not %q", s)
		}
		return n, nil
	case templates.Date:
		s = strings.TrimSpace(s)
		if s == "" {
			return "", nil
		}
		if d, _, err := forms.ParseDate(s); err == nil {
			return d.Format("2006-01-02"), nil
		}
		return s, nil
	}
	return strings.TrimSpace(s), nil
}

type doneData struct {
	Record forms.Record
	Fields []finalField
}

type finalField struct{ ID, Value string }

func (s *Server) reviewDone(w http.ResponseWriter, r *http.Request, sess *session, rec forms.Record, err error) {
	switch {
	case errors.Is(err, ErrClaimLost), errors.Is(err, ErrClaimed):
		s.render(w, r, sess, http.StatusConflict, "message", t(langOf(r), "review"), nil, "claim.lost")
		return
	case errors.Is(err, ErrReviewed):
		s.render(w, r, sess, http.StatusConflict, "message", t(langOf(r), "review"), nil, "reviewed")
		return
	case err != nil:
		s.fail(w, r, sess, "saving a review", err)
		return
	}
	d := doneData{Record: rec}
	ids := make([]string, 0, len(rec.Fields))
	for id := range rec.Fields {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		d.Fields = append(d.Fields, finalField{ID: id, Value: fmt.Sprint(display(rec.Fields[id].Value))})
	}
	s.render(w, r, sess, http.StatusOK, "final", t(langOf(r), "final"), d, "")
}

func display(v any) any {
	if v == nil {
		return "—"
	}
	return v
}

// fail logs an error and answers with a page that does not show it: an
// error may quote a value read from a form.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, sess *session, what string, err error) {
	s.log.Error(what, "user", sess.user.Name, "path", r.URL.Path, "err", err)
	s.render(w, r, sess, http.StatusInternalServerError, "message", t(langOf(r), "error"), nil, "error")
}
