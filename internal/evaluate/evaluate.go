// Package evaluate scores shinsei's reading of generated scans against the
// generator's ground truth (the *.truth.json written beside each file):
// per field kind, how many values were right, wrong but sent to a person,
// silently wrong, or not read at all; and per page, whether the form,
// its orientation and its registration were right.
package evaluate

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"shinsei/forms"
	"shinsei/internal/scangen"
	"shinsei/pipeline"
	"shinsei/pipeline/register"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// Kinds of field, as scored. Text fields are split by what they hold,
// because a name and a phone number are read with different charsets and
// held to different targets.
const (
	KindCheckbox  = "checkbox"
	KindSignature = "signature"
	KindPIN       = "pin"
	KindName      = text.KindName
	KindKana      = text.KindKana
	KindAddress   = text.KindAddress
	KindPhone     = text.KindPhone
	KindDate      = text.KindDate
	KindOtherText = text.KindOther
)

// Tally counts the fields of one kind.
type Tally struct {
	Fields int `json:"fields"`
	// Right: the value is the truth and nobody is asked.
	Right int `json:"right"`
	// FlaggedRight and FlaggedWrong: a person is asked to confirm it.
	FlaggedRight int `json:"flagged_right"`
	FlaggedWrong int `json:"flagged_wrong"`
	// Silent: wrong and passed as certain — the worst outcome.
	Silent int `json:"silent"`
	// Missing: no value at all where the truth has one (not read, or
	// unreadable); a person is asked.
	Missing int `json:"missing"`
}

// Add counts one field.
func (t *Tally) Add(o Outcome) {
	t.Fields++
	switch o {
	case Right:
		t.Right++
	case FlaggedRight:
		t.FlaggedRight++
	case FlaggedWrong:
		t.FlaggedWrong++
	case Silent:
		t.Silent++
	case Missing:
		t.Missing++
	}
}

// Rate is n as a share of the fields, in percent.
func (t Tally) Rate(n int) float64 {
	if t.Fields == 0 {
		return 0
	}
	return 100 * float64(n) / float64(t.Fields)
}

// Flagged is every field a person is asked about.
func (t Tally) Flagged() int { return t.FlaggedRight + t.FlaggedWrong + t.Missing }

// Outcome is how one field came out.
type Outcome int

const (
	Right Outcome = iota
	FlaggedRight
	FlaggedWrong
	Silent
	Missing
)

// Report is the score of a corpus.
type Report struct {
	Files int `json:"files"`
	Pages int `json:"pages"`
	// TemplateRight and RotationRight count pages whose form (by QR) and
	// quarter turn were found right.
	TemplateRight int `json:"template_right"`
	RotationRight int `json:"rotation_right"`
	// WorstCornerMM is the largest distance between where registration put
	// a field's corner and where the generator drew it.
	WorstCornerMM float64 `json:"worst_corner_mm"`
	// CornersOver1MM counts field corners registered more than 1 mm off.
	CornersOver1MM int `json:"corners_over_1mm"`
	// Accepted pages went straight through; AcceptedWithError of them
	// carried a wrong value.
	Accepted          int               `json:"accepted"`
	AcceptedWithError int               `json:"accepted_with_error"`
	Kinds             map[string]*Tally `json:"kinds"`
	// Errors lists, per silently wrong or flagged-wrong field, where it
	// was — file, page, field and outcome; never the values, which are
	// personal data in real use.
	Errors []string `json:"errors,omitempty"`
	// Samples has one entry per text or date field when Options.Samples
	// asks for them: what calibration fits its threshold on. They hold the
	// values, so they are for generated corpora only, never printed by
	// the command.
	Samples []Sample `json:"-"`
	// Hands scores each hand on its own, when the corpus names them
	// (shinsei-gen -hands): accuracy is reported per hand.
	Hands map[string]*HandReport `json:"hands,omitempty"`
}

// HandReport is the part of a report written in one hand.
type HandReport struct {
	Pages             int               `json:"pages"`
	Accepted          int               `json:"accepted"`
	AcceptedWithError int               `json:"accepted_with_error"`
	Kinds             map[string]*Tally `json:"kinds"`
}

// StraightThrough is the share of the hand's pages accepted, in percent.
func (h *HandReport) StraightThrough() float64 {
	if h.Pages == 0 {
		return 0
	}
	return 100 * float64(h.Accepted) / float64(h.Pages)
}

// Text groups the hand's text and date kinds into one tally.
func (h *HandReport) Text() Tally { return textTally(h.Kinds) }

// Sample is one text or date field as read, beside its truth.
type Sample struct {
	File, Field, Kind string
	Hand              string // the hand that wrote it, when the corpus names hands
	Page              int
	Confidence        float64
	Review            bool
	Right             bool
	Raw               string
	Value, Truth      any
	Codes             []string // the issue codes the record gives the field
}

// Options tunes Dir.
type Options struct {
	Jobs    int  // pages read in parallel
	Samples bool // keep every text field's reading in Report.Samples
}

// StraightThrough is the share of pages accepted, in percent.
func (r *Report) StraightThrough() float64 {
	if r.Pages == 0 {
		return 0
	}
	return 100 * float64(r.Accepted) / float64(r.Pages)
}

// Text groups the text and date kinds into one tally.
func (r *Report) Text() Tally { return textTally(r.Kinds) }

func textTally(kinds map[string]*Tally) Tally {
	var t Tally
	for _, k := range []string{KindName, KindKana, KindAddress, KindPhone, KindDate, KindOtherText} {
		if k, ok := kinds[k]; ok {
			t.Fields += k.Fields
			t.Right += k.Right
			t.FlaggedRight += k.FlaggedRight
			t.FlaggedWrong += k.FlaggedWrong
			t.Silent += k.Silent
			t.Missing += k.Missing
		}
	}
	return t
}

// Dir scores every generated file under dir, reading pages jobs at a time.
func Dir(ctx context.Context, eng *pipeline.Engine, reg *templates.Registry, dir string, opts Options) (*Report, error) {
	var truths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".truth.json") {
			truths = append(truths, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	if len(truths) == 0 {
		return nil, fmt.Errorf("evaluate: no *.truth.json under %s: make a corpus with shinsei-gen (make corpus)", dir)
	}
	slices.Sort(truths)

	type job struct {
		file  string
		truth scangen.PageTruth
		page  pipeline.Page
	}
	jobCh := make(chan job)
	var (
		mu   sync.Mutex
		rep  = &Report{Files: len(truths), Kinds: map[string]*Tally{}}
		ferr error
	)
	go func() {
		defer close(jobCh)
		for _, tf := range truths {
			truth, data, err := load(tf)
			if err != nil {
				mu.Lock()
				ferr = cmp.Or(ferr, err)
				mu.Unlock()
				return
			}
			i := 0
			err = eng.EachPage(ctx, truth.File, data, func(p pipeline.Page) error {
				if i >= len(truth.Pages) {
					return fmt.Errorf("%s: more pages than its truth", tf)
				}
				select {
				case jobCh <- job{truth.File, truth.Pages[i], p}:
					i++
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			if err == nil && i != len(truth.Pages) {
				err = fmt.Errorf("%s: %d pages, its truth has %d", tf, i, len(truth.Pages))
			}
			if err != nil {
				mu.Lock()
				ferr = cmp.Or(ferr, err)
				mu.Unlock()
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range max(1, opts.Jobs) {
		wg.Go(func() {
			for j := range jobCh {
				d := eng.ReadDetailed(ctx, j.page)
				mu.Lock()
				score(rep, reg, j.file, j.truth, d, opts.Samples)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ferr != nil {
		return nil, fmt.Errorf("evaluate: %w", ferr)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	slices.Sort(rep.Errors)
	return rep, nil
}

func load(truthFile string) (scangen.Truth, []byte, error) {
	var t scangen.Truth
	b, err := os.ReadFile(truthFile)
	if err != nil {
		return t, nil, err
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return t, nil, fmt.Errorf("%s: %w", truthFile, err)
	}
	data, err := os.ReadFile(filepath.Join(filepath.Dir(truthFile), t.File))
	return t, data, err
}

// score adds one page to the report.
func score(rep *Report, reg *templates.Registry, file string, pt scangen.PageTruth, d pipeline.Detail, samples bool) {
	rep.Pages++
	rec := d.Record
	if rec.Template != nil && rec.Template.ID == pt.Template && rec.Template.Revision == pt.Revision {
		rep.TemplateRight++
	}
	if d.Registration != nil && d.Registration.Rotation == pt.Geometry.Rotation {
		rep.RotationRight++
	}
	tp, err := reg.Get(pt.Template, pt.Revision)
	if err != nil {
		rep.Errors = append(rep.Errors, fmt.Sprintf("%s p%d: %v", file, pt.Page, err))
		return
	}
	if d.Registration != nil {
		worst, over := cornerError(tp, pt.Geometry, d.Registration.Transform)
		rep.WorstCornerMM = math.Max(rep.WorstCornerMM, worst)
		rep.CornersOver1MM += over
	}
	var hand *HandReport
	if pt.Hand != "" {
		if rep.Hands == nil {
			rep.Hands = map[string]*HandReport{}
		}
		if hand = rep.Hands[pt.Hand]; hand == nil {
			hand = &HandReport{Kinds: map[string]*Tally{}}
			rep.Hands[pt.Hand] = hand
		}
		hand.Pages++
	}
	wrong := false
	for _, f := range tp.Fields {
		kind := kindOf(f)
		if kind == "" {
			continue
		}
		truth, ok := pt.Fields[f.ID]
		if !ok {
			continue
		}
		got, read := rec.Fields[f.ID]
		o := Judge(kind, truth, got, read)
		t := rep.Kinds[kind]
		if t == nil {
			t = &Tally{}
			rep.Kinds[kind] = t
		}
		t.Add(o)
		if hand != nil {
			if hand.Kinds[kind] == nil {
				hand.Kinds[kind] = &Tally{}
			}
			hand.Kinds[kind].Add(o)
		}
		if samples && (f.Kind == templates.Text || f.Kind == templates.Date) {
			rep.Samples = append(rep.Samples, Sample{File: file, Page: pt.Page, Field: f.ID, Kind: kind, Hand: pt.Hand,
				Confidence: got.Confidence, Review: got.Review, Right: o == Right || o == FlaggedRight,
				Raw: d.Raw[f.ID], Value: got.Value, Truth: truth.Value, Codes: fieldCodes(rec, f.ID)})
		}
		switch o {
		case Silent:
			wrong = true
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s p%d %s: SILENT", file, pt.Page, f.ID))
		case FlaggedWrong:
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s p%d %s: flagged wrong", file, pt.Page, f.ID))
		}
	}
	if rec.Status == forms.Accepted {
		rep.Accepted++
		if wrong {
			rep.AcceptedWithError++
		}
		if hand != nil {
			hand.Accepted++
			if wrong {
				hand.AcceptedWithError++
			}
		}
	}
}

// cornerError compares where registration puts every field corner with
// where the generator drew it; the truth has pixel centres at
// half-integers, registration at integers.
func cornerError(tp *templates.Template, g scangen.Geometry, tf register.Affine) (worst float64, over int) {
	m := g.MMToPx
	for _, f := range tp.Fields {
		b := f.Box
		for _, c := range []templates.PointMM{{X: b.X, Y: b.Y}, {X: b.X + b.W, Y: b.Y}, {X: b.X, Y: b.Y + b.H}, {X: b.X + b.W, Y: b.Y + b.H}} {
			got := tf.Apply(c)
			wx, wy := m[0]*c.X+m[1]*c.Y+m[2]-0.5, m[3]*c.X+m[4]*c.Y+m[5]-0.5
			d := templates.PxToMM(math.Hypot(got.X-wx, got.Y-wy), g.DPI)
			worst = math.Max(worst, d)
			if d > 1 {
				over++
			}
		}
	}
	return worst, over
}

// kindOf names how a field is scored; "" for fields not scored here
// (the case reference, which the QR code carries).
func kindOf(f templates.Field) string {
	switch f.Kind {
	case templates.Checkbox:
		return KindCheckbox
	case templates.Signature:
		return KindSignature
	case templates.PIN:
		return KindPIN
	case templates.Date, templates.Text:
		return text.Kind(f) // the kinds the reader has its thresholds for
	}
	return ""
}

// Judge compares one field with its truth.
func Judge(kind string, truth scangen.FieldTruth, got forms.FieldValue, read bool) Outcome {
	if !read || got.Value == nil {
		if kind == KindCheckbox && truth.Ambiguous {
			return FlaggedRight // a box no reader should be sure of, left to a person
		}
		return Missing
	}
	var right bool
	switch kind {
	case KindCheckbox, KindSignature:
		b, _ := got.Value.(bool)
		right = !truth.Ambiguous && b == truthBool(truth.Value)
	case KindPIN:
		right = toInt(got.Value) == toInt(truth.Value)
	case KindDate:
		s, _ := got.Value.(string)
		right = s == fmt.Sprint(truth.Value) || s == "" && truth.Value == nil
	case KindKana:
		a, _ := forms.NormalizeKatakana(fmt.Sprint(got.Value))
		b, _ := forms.NormalizeKatakana(fmt.Sprint(truth.Value))
		right = compact(a) == compact(b)
	case KindPhone:
		a, _ := forms.NormalizePhone(fmt.Sprint(got.Value))
		b, _ := forms.NormalizePhone(fmt.Sprint(truth.Value))
		right = a == b
	default:
		right = forms.CompactText(fmt.Sprint(got.Value)) == forms.CompactText(fmt.Sprint(truth.Value))
	}
	switch {
	case right && !got.Review:
		return Right
	case right:
		return FlaggedRight
	case got.Review:
		return FlaggedWrong
	}
	return Silent
}

func compact(s string) string { return strings.ReplaceAll(s, " ", "") }

func truthBool(v any) bool { b, _ := v.(bool); return b }

func toInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	}
	return -1
}

// fieldCodes are the codes of the issues a record raises on one field.
func fieldCodes(rec forms.Record, id string) []string {
	var out []string
	for _, is := range rec.Issues {
		if is.Field == id {
			out = append(out, is.Code)
		}
	}
	return out
}
