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
	"shinsei/pipeline/archive"
	"shinsei/pipeline/review"
	"shinsei/templates"
)

// queueShown is how many pages of the queue the page lists: the oldest,
// which are the ones to work on; the count says how many wait.
const queueShown = 200

type queueData struct {
	Total  int
	Items  []archive.QueueItem
	Filter archive.QueueFilter
	Forms  []string
}

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request, sess *session) {
	f := archive.QueueFilter{Station: strings.TrimSpace(r.URL.Query().Get("station")), Form: r.URL.Query().Get("form")}
	items, err := s.cfg.Reviews.Queue(r.Context(), f)
	if err != nil {
		s.fail(w, r, sess, "listing the review queue", err)
		return
	}
	d := queueData{Items: items, Filter: f, Total: len(items)}
	if len(d.Items) > queueShown {
		d.Items = d.Items[:queueShown]
	}
	for _, tpl := range s.cfg.Templates.List() {
		if !slices.Contains(d.Forms, tpl.ID) {
			d.Forms = append(d.Forms, tpl.ID)
		}
	}
	d.Forms = append(d.Forms, archive.UnknownForm)
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
	ID, Form string
	Revision int
	Answer   bool // an answer sheet: the printed name and address are asked for
	Page     template.URL
	Fields   []reviewField
	Issues   []string // issues of the page, not of one field
}

func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request, sess *session) {
	id := r.PathValue("id")
	if _, err := s.cfg.Reviews.Claim(r.Context(), id, sess.user.Name, s.cfg.ClaimFor); err != nil {
		s.reviewError(w, r, sess, err)
		return
	}
	d, err := s.reviewData(r.Context(), langOf(r), id, sess.user.Name)
	if err != nil {
		s.reviewError(w, r, sess, err)
		return
	}
	s.render(w, r, sess, http.StatusOK, "review", t(langOf(r), "review"), d, "")
}

// reviewError answers a refusal of the review service, or fails.
func (s *Server) reviewError(w http.ResponseWriter, r *http.Request, sess *session, err error) {
	var key string
	code := http.StatusConflict
	switch {
	case errors.Is(err, review.ErrClaimed):
		key = "claimed"
	case errors.Is(err, review.ErrNotClaimed):
		key = "claim.lost"
	case errors.Is(err, review.ErrNotWaiting):
		key = "reviewed"
	case errors.Is(err, review.ErrInvalid):
		key, code = "review.invalid", http.StatusBadRequest
	case errors.Is(err, archive.ErrNotFound), errors.Is(err, archive.ErrInvalidID):
		key, code = "notfound", http.StatusNotFound
	default:
		s.fail(w, r, sess, "reviewing", err)
		return
	}
	s.render(w, r, sess, code, "message", t(langOf(r), "review"), nil, key)
}

// reviewData reads the page (a recorded read) and lays out what the
// reviewer must look at: each flagged field beside its crop.
func (s *Server) reviewData(ctx context.Context, lang, id, who string) (reviewData, error) {
	rec, pdf, err := s.cfg.Reviews.Open(ctx, id, who)
	if err != nil {
		return reviewData{}, err
	}
	d := reviewData{ID: id}
	var tpl *templates.Template
	if rec.Template != nil {
		d.Form, d.Revision = rec.Template.ID, rec.Template.Revision
		d.Answer = d.Form == forms.TemplateAnswer
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
			rf.Text, rf.Checked = shown(fv.Value)
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
func shown(v any) (string, bool) {
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
	id := r.PathValue("id")
	values, err := s.postedValues(r, id)
	if err != nil {
		s.log.Warn("a review form that does not fit its page", "user", sess.user.Name, "document", id, "err", err)
		s.render(w, r, sess, http.StatusBadRequest, "message", t(langOf(r), "review"), nil, "review.invalid")
		return
	}
	c := review.Corrections{Fields: values, PersonName: strings.TrimSpace(r.PostFormValue("person_name")), PersonAddress: strings.TrimSpace(r.PostFormValue("person_address"))}
	rv, err := s.cfg.Reviews.Save(r.Context(), id, sess.user.Name, c)
	s.reviewDone(w, r, sess, rv, err)
}

func (s *Server) reviewReject(w http.ResponseWriter, r *http.Request, sess *session) {
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" {
		s.render(w, r, sess, http.StatusBadRequest, "message", t(langOf(r), "review"), nil, "reason.required")
		return
	}
	rv, err := s.cfg.Reviews.Reject(r.Context(), r.PathValue("id"), sess.user.Name, reason)
	s.reviewDone(w, r, sess, rv, err)
}

// postedValues are the review form's fields, typed by the form's fields:
// a check box absent from the post is unticked.
func (s *Server) postedValues(r *http.Request, id string) (map[string]any, error) {
	shownIDs := r.PostForm["field"]
	if len(shownIDs) == 0 {
		return map[string]any{}, nil
	}
	form := r.PostFormValue("form")
	rev, _ := strconv.Atoi(r.PostFormValue("revision"))
	tpl, err := s.cfg.Templates.Get(form, rev)
	if err != nil {
		return nil, fmt.Errorf("review of %s: %w", id, err)
	}
	values := map[string]any{}
	for _, id := range shownIDs {
		f, ok := tpl.Field(id)
		if !ok {
			return nil, fmt.Errorf("review of %s: no field %q on %s", id, id, form)
		}
		v, err := typedValue(f.Kind, r.PostFormValue("f."+id))
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", id, err)
		}
		values[id] = v
	}
	return values, nil
}

// maxPINCells is the most PIN cells a form has (a signature certificate's
// PIN is 6–16 characters).
const maxPINCells = 16

// typedValue is what a person typed or ticked, as a record holds it.
func typedValue(k templates.Kind, s string) (any, error) {
	switch k {
	case templates.Checkbox, templates.Signature:
		return s != "", nil
	case templates.PIN:
		// What was typed is never repeated: it may be the PIN itself, and
		// a PIN typed here must not be kept as a count either.
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 || n > maxPINCells {
			return nil, fmt.Errorf("a PIN field holds the number of filled cells (0–%d), not what was typed", maxPINCells)
		}
		return n, nil
	}
	return strings.TrimSpace(s), nil
}

type doneData struct {
	Review archive.Review
	Fields []finalField
}

type finalField struct {
	ID, Value string
	Old       string // the value before the review, where a reviewer changed it
	Changed   bool
}

func (s *Server) reviewDone(w http.ResponseWriter, r *http.Request, sess *session, rv archive.Review, err error) {
	if err != nil {
		s.reviewError(w, r, sess, err)
		return
	}
	d := doneData{Review: rv, Fields: fieldRows(rv.Record)}
	for i, f := range d.Fields {
		for _, c := range rv.Changes {
			if c.Field == f.ID && c.Changed {
				d.Fields[i].Old, d.Fields[i].Changed = fmt.Sprint(display(c.Old)), true
			}
		}
	}
	s.render(w, r, sess, http.StatusOK, "final", t(langOf(r), "final"), d, "")
}

// fieldRows are a record's fields in id order, for a table.
func fieldRows(rec forms.Record) []finalField {
	ids := make([]string, 0, len(rec.Fields))
	for id := range rec.Fields {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []finalField
	for _, id := range ids {
		out = append(out, finalField{ID: id, Value: fmt.Sprint(display(rec.Fields[id].Value))})
	}
	return out
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
