// Package pipeline turns scanned files into records: decode every page,
// find its registration marks and QR code, read its marks, and decide
// whether it is accepted, needs a person, or must be rescanned. A bad page
// becomes a record that says why; it never stops the rest of the batch.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"shinsei/forms"
	"shinsei/forms/address"
	"shinsei/forms/names"
	"shinsei/pipeline/decode"
	"shinsei/pipeline/deskew"
	"shinsei/pipeline/marks"
	"shinsei/pipeline/register"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// Engine processes pages. It is safe for concurrent use: the per-template
// drop-out masks are built once and shared read-only.
type Engine struct {
	reg      *templates.Registry
	renderer *templates.Renderer
	cfg      Config

	// The evidence beyond the recognizer (evidence.go), read-only once
	// loaded.
	names     *names.Lexicon
	addresses *address.Master

	mu    sync.Mutex
	forms map[string]*marks.Form
}

// Config is what an engine reads with.
type Config struct {
	Limits decode.Limits
	// Text reads names, addresses and dates. Without it they are left
	// unread and every page that has them needs a person (text_not_read).
	Text *text.Reader
	// Today is the day rules such as "not in the future" and "under 15"
	// are judged on; nil means today in Japan.
	Today func() time.Time
	// KeepCanvas keeps each registered page (Detail.Canvas) for the
	// archive: a copy of 8.7 MB a page, so only when archiving.
	KeepCanvas bool
	// Observe, when set, is told how long each stage of a page took
	// (StageRegister, StageMarks, StageText), for metrics. A page
	// rejected before a stage ends does not report it. It must be quick.
	Observe func(stage string, took time.Duration)
}

// Stages of reading a page, as Config.Observe names them.
const (
	StageRegister = "register" // marks found, form identified, page warped onto its canvas
	StageMarks    = "marks"    // drop-out, checkboxes, signatures, PIN cells
	StageText     = "text"     // OCR of text and date fields and printed slots, and their checks
)

// observe reports a stage begun at start to Config.Observe.
func (e *Engine) observe(stage string, start time.Time) {
	if e.cfg.Observe != nil {
		e.cfg.Observe(stage, time.Since(start))
	}
}

// New returns an engine for the templates in reg.
func New(reg *templates.Registry, cfg Config) (*Engine, error) {
	r, err := templates.NewRenderer()
	if err != nil {
		return nil, err
	}
	if cfg.Today == nil {
		// The day in Japan, where the forms are dated, whatever the
		// server's time zone: at 08:00 JST a UTC server is still on
		// yesterday.
		cfg.Today = func() time.Time {
			y, m, d := time.Now().In(forms.Japan()).Date()
			return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		}
	}
	lex, err := names.Load()
	if err != nil {
		return nil, err
	}
	master, err := address.Load()
	if err != nil {
		return nil, err
	}
	placeForms, err := address.LoadVariants()
	if err != nil {
		return nil, err
	}
	if cfg.Text != nil {
		// A place's kanji the second reader lacks is spelt in a form it
		// knows: the one Japanese names use (沢, 澤), or China's (宮, 宫).
		cfg.Text = cfg.Text.WithNames(lex).WithAddresses(master, text.Forms(lex.Variants, placeForms.Forms))
	}
	return &Engine{reg: reg, renderer: r, cfg: cfg, forms: map[string]*marks.Form{}, names: lex, addresses: master}, nil
}

func (e *Engine) form(t *templates.Template) (*marks.Form, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if f, ok := e.forms[t.Key()]; ok {
		return f, nil
	}
	f, err := marks.NewForm(e.renderer, t, templates.CanvasDPI)
	if err != nil {
		return nil, err
	}
	e.forms[t.Key()] = f
	return f, nil
}

// Page is one decoded page waiting to be read, or the error that stopped
// it from being decoded.
type Page struct {
	Source forms.Source
	page   decode.Page
	err    error
}

// EachPage decodes a file and hands its pages to fn one at a time, so a
// 200-page PDF never sits in memory whole. A file that cannot be decoded at
// all comes as one page carrying the error, so it still gets a record (and
// is kept, by the caller, for a person to look at). fn's error stops the
// walk and is returned.
func (e *Engine) EachPage(ctx context.Context, name string, data []byte, fn func(Page) error) error {
	sum := forms.FileSHA256(data)
	n := 0
	err := decode.Walk(ctx, name, data, e.cfg.Limits, func(r decode.Result) error {
		n++
		num := r.Page.Number
		if num == 0 {
			num = n
		}
		return fn(Page{Source: forms.Source{Name: name, SHA256: sum, Page: num}, page: r.Page, err: r.Err})
	})
	var de *decode.Error
	if errors.As(err, &de) && n == 0 {
		return fn(Page{Source: forms.Source{Name: name, SHA256: sum, Page: 1}, err: err})
	}
	return err
}

// Unreadable is a page standing for a file that could not be read at all
// (missing, a folder, no permission, too large to take in), so that the
// file still gets a record, rejected with file_unreadable and err's
// message, rather than vanishing from the batch. err's message is the
// record's, so it must be worded like one: Japanese, " / ", English.
func Unreadable(name string, err error) Page {
	return Page{Source: forms.Source{Name: name, Page: 1}, err: err}
}

// Pages is EachPage collected, for callers with small files.
func (e *Engine) Pages(ctx context.Context, name string, data []byte) []Page {
	var pages []Page
	err := e.EachPage(ctx, name, data, func(p Page) error {
		pages = append(pages, p)
		return nil
	})
	if err != nil && len(pages) == 0 {
		pages = append(pages, Page{Source: forms.Source{Name: name, SHA256: forms.FileSHA256(data), Page: 1}, err: err})
	}
	return pages
}

// Issue codes. They are stable: tools and the review UI key on them.
const (
	CodeUnreadable      = "file_unreadable"
	CodeBlank           = "page_blank"
	CodeDark            = "page_dark"
	CodeCutOff          = "page_cut_off"
	CodeOrientation     = "orientation_unknown"
	CodeUnknownForm     = "unknown_form"
	CodeLowResolution   = "resolution_too_low"
	CodeWarped          = "page_warped"
	CodeFormCode        = "form_code_unreadable"
	CodeSeveralForms    = "page_several_forms"
	CodeMarkUnsure      = "mark_unsure"
	CodeSignatureUnsure = "signature_unsure"
	CodePINUnsure       = "pin_cells_unsure"
	CodeTextNotRead     = "text_not_read"
	CodeInterrupted     = "interrupted"
)

// Quality limits. Below MinDPI, 1 mm is under 6 pixels and a tick in a
// 5 mm box is a few pixels wide; above MaxResidualMM the page is curled or
// crumpled beyond what an affine fit can straighten.
const (
	MinDPI        = 140.0
	MaxResidualMM = 1.0
)

// Read reads one page into a record.
func (e *Engine) Read(ctx context.Context, p Page) forms.Record {
	return e.ReadDetailed(ctx, p).Record
}

// Detail is a record with what was found on the way, for evaluation and
// diagnosis. Raw holds what OCR returned per text field: personal data,
// never to be logged or stored.
type Detail struct {
	forms.Record
	Registration *register.Result
	Raw          map[string]string
	// Straightened is a page without registration marks turned level by
	// its text lines (nil when its skew could not be measured).
	Straightened *image.Gray
	// QR is what the form's QR code said (zero when it could not be
	// read); IdentifiedByLayout says the form was told by its print.
	QR                 templates.QRPayload
	IdentifiedByLayout bool
	// Canvas is the registered page before drop-out, and Template its
	// form, when Config.KeepCanvas asks for them (to archive the page).
	Canvas   *image.Gray
	Template *templates.Template
	// Slots holds what was printed in an answer sheet's slots (person_name,
	// person_address).
	Slots map[string]SlotReading
}

// SlotReading is a printed slot as read, and whether it was read surely.
type SlotReading struct {
	Value string
	Sure  bool
}

// ReadDetailed is Read, keeping the registration and the raw OCR text.
func (e *Engine) ReadDetailed(ctx context.Context, p Page) Detail {
	var d Detail
	d.Record = e.read(ctx, p, &d)
	return d
}

func (e *Engine) read(ctx context.Context, p Page, d *Detail) forms.Record {
	rec := forms.Record{
		DocumentID: forms.DocumentID(p.Source.SHA256, p.Source.Page),
		Source:     p.Source,
		Fields:     map[string]forms.FieldValue{},
		Issues:     []forms.Issue{},
	}
	reject := func(code, msg string) forms.Record {
		rec.Status = forms.Rejected
		rec.Issues = append(rec.Issues, forms.Issue{Code: code, Message: msg})
		return rec
	}
	if p.err != nil {
		return reject(CodeUnreadable, p.err.Error())
	}
	if err := ctx.Err(); err != nil {
		// Stopped, not judged: the page must be read again, not rescanned.
		rec.Status = forms.NeedsReview
		rec.Issues = append(rec.Issues, forms.Issue{Code: CodeInterrupted, Message: fmt.Sprintf("%s page %d: 読み取りが中断されました / reading was interrupted (%v) — process the file again", p.Source.Name, p.Source.Page, err)})
		return rec
	}
	img := p.page.Image
	where := fmt.Sprintf("%s page %d", p.Source.Name, p.Source.Page)

	start := time.Now()
	res, err := register.Find(img, register.Options{DPIHint: p.page.DPI})
	var missing *register.MissingError
	switch {
	case errors.As(err, &missing):
		return reject(CodeCutOff, fmt.Sprintf("%s: %s", where, cutOffMessage(missing)))
	case errors.Is(err, register.ErrNoFiducials):
		if dark(img) {
			// Before blank: on a negative the "paper" is the dark part,
			// and a dark page would be called blank.
			return reject(CodeDark, fmt.Sprintf("%s: %s", where, darkMessage))
		}
		if blank(img) {
			return reject(CodeBlank, fmt.Sprintf("%s: 白紙です / the page is blank — check that the form was placed face down and scan it again", where))
		}
		// Not one of ours: straighten it by its lines of text, so the copy
		// kept for a person to classify reads level.
		rec.Status = forms.NeedsReview
		msg := fmt.Sprintf("%s: shinsei の様式ではありません / not a shinsei form (no registration marks) — kept for a person to classify", where)
		if sk := deskew.Estimate(img, deskew.Options{}); sk.Found && sk.Confidence >= deskew.TrustConfidence {
			rec.Quality.SkewDeg = round(sk.Angle, 2)
			d.Straightened = deskew.Straighten(img, sk.Angle)
		} else {
			msg += "; 傾きは判定できませんでした / its skew could not be measured"
		}
		rec.Issues = append(rec.Issues, forms.Issue{Code: CodeUnknownForm, Message: msg})
		return rec
	case errors.Is(err, register.ErrAmbiguousMark):
		return reject(CodeOrientation, fmt.Sprintf("%s: 用紙の向きが判定できません / %v", where, err))
	case err != nil:
		// Not one of register's kinds of failure: its words are English
		// only, so they stand in the English half.
		return reject(CodeUnreadable, fmt.Sprintf("%s: ページを読み取れません。もう一度スキャンしてください / the page could not be read (%v) — scan it again", where, err))
	}
	d.Registration = &res
	if res.OtherForms > 0 {
		// Only one of them would be read, and the file holding all of
		// them kept as if it were that one form.
		return reject(CodeSeveralForms, fmt.Sprintf("%s: 1枚の画像に%d枚の様式が写っています / the scan holds %d forms (sets of registration marks) on one page — scan each form on its own", where, res.OtherForms+1, res.OtherForms+1))
	}
	if register.OtherQR(img, res) {
		return reject(CodeSeveralForms, fmt.Sprintf("%s: 1枚の画像に複数の様式が写っています（QRコードが2つ） / the scan holds a second form's QR code besides this form's — scan each form on its own", where))
	}
	rec.Quality = forms.Quality{SkewDeg: round(res.SkewDeg, 2), Rotation: res.Rotation, DPI: round(res.DPI, 0)}
	if res.DPI < MinDPI {
		return reject(CodeLowResolution, fmt.Sprintf("%s: 解像度が低すぎます / scanned at %.0f dpi, too coarse to read — scan at 200–300 dpi", where, res.DPI))
	}
	if res.ResidualMM > MaxResidualMM {
		return reject(CodeWarped, fmt.Sprintf("%s: 用紙がゆがんでいます / the page is bent or crumpled (marks %.1f mm off) — flatten it and scan again", where, res.ResidualMM))
	}

	var (
		t    *templates.Template
		f    *marks.Form
		page *image.Gray
	)
	qr, qrErr := register.DecodeQR(img, res)
	if qrErr == nil {
		t, err = e.reg.Get(qr.Template, qr.Revision)
		if err != nil {
			rec.Status = forms.NeedsReview
			rec.Issues = append(rec.Issues, forms.Issue{Code: CodeUnknownForm, Message: fmt.Sprintf("%s: %v", where, err)})
			return rec
		}
		if f, err = e.form(t); err != nil {
			// shinsei's own fault, not the scan's.
			return reject(CodeUnreadable, fmt.Sprintf("%s: 様式「%s」を準備できません。管理者に連絡してください（スキャンし直す必要はありません） / shinsei could not prepare form %s (%v) — tell the administrator; the scan itself is not at fault", where, t.ID, t.ID, err))
		}
		page = f.Canvas(img, res.Transform)
	} else {
		// A blotted or torn QR code: the marks still place the page, and
		// the forms differ enough in print to tell which one it is.
		var revs []int
		t, f, page, revs = e.identify(img, res)
		switch {
		case len(revs) > 1:
			// The print says which form, not which of its revisions: a
			// revision assumed is a layout read with the wrong boxes.
			rec.Status = forms.NeedsReview
			rec.Issues = append(rec.Issues, forms.Issue{Code: CodeFormCode, Message: fmt.Sprintf("%s: 様式コード（QR）が読めず、様式「%s」の版（%s）を判別できません / the form's QR code cannot be read (%v) and its layout fits revisions %s of %s alike — a person must say which revision this is", where, t.ID, joinInts(revs, "・"), qrErr, joinInts(revs, ", "), t.ID)})
			return rec
		case t == nil:
			rec.Status = forms.NeedsReview
			rec.Issues = append(rec.Issues, forms.Issue{Code: CodeFormCode, Message: fmt.Sprintf("%s: 様式コード（QR）が読めません / the form's QR code cannot be read (%v) and its layout matches no form clearly — a person must say which form this is", where, qrErr)})
			return rec
		}
		d.IdentifiedByLayout = true
		// The layout is good evidence, not the form's own word: a person
		// confirms it (docs/records.md promises form_code_unreadable).
		rec.Issues = append(rec.Issues, forms.Issue{Code: CodeFormCode, Message: fmt.Sprintf("%s: 様式コード（QR）が読めません。印刷から様式「%s」第%d版と判定しました / the form's QR code cannot be read (%v); its layout identifies it as %s revision %d — confirm the form", where, t.ID, t.Revision, qrErr, t.ID, t.Revision)})
	}
	e.observe(StageRegister, start)
	d.QR = qr
	rec.Template = &forms.TemplateRef{ID: t.ID, Revision: t.Revision, IdentifiedBy: forms.IdentifiedByQR}
	if d.IdentifiedByLayout {
		rec.Template.IdentifiedBy = forms.IdentifiedByLayout
	}
	if e.cfg.KeepCanvas {
		d.Canvas = image.NewGray(page.Rect)
		copy(d.Canvas.Pix, page.Pix)
		d.Template = t
	}
	start = time.Now()
	f.DropOutInPlace(page)
	ink := page
	reading := f.Read(ink)
	e.fill(&rec, t, reading, qr)
	e.observe(StageMarks, start)
	start = time.Now()
	if qr.CaseRef == "" && e.cfg.Text != nil {
		if fd, ok := t.Field("case_ref"); ok {
			// No QR code to say which case: read the printed reference;
			// its check digit catches a misread digit.
			rd, err := e.cfg.Text.ReadPrinted(ctx, ink, fd)
			if err == nil && rd.Value != nil && rd.Value != "" {
				rec.Fields[fd.ID] = forms.FieldValue{Value: rd.Value, Confidence: round(rd.Confidence, 3), Review: rd.Review}
			}
		}
	}
	if e.cfg.Text != nil {
		// The name and address the city printed on it: the last way to
		// find its case, and, when the QR code or the reference found it,
		// what the case must agree with (pipeline/match). Printed after
		// the blank was rendered, they survive drop-out.
		d.Slots = e.readSlots(ctx, t, ink)
	}

	if hasText(t) {
		if e.cfg.Text == nil {
			// Without OCR a page with text fields cannot be accepted: that
			// would pass unread names and dates as checked.
			rec.Issues = append(rec.Issues, forms.Issue{Code: CodeTextNotRead, Message: "氏名・日付などの文字欄は読み取っていません / text fields were not read (no OCR): a person must check them"})
		} else if err := e.readText(ctx, e.pageReader(d.Slots), &rec, d, t, ink); err != nil {
			rec.Issues = append(rec.Issues, forms.Issue{Code: CodeTextNotRead, Message: fmt.Sprintf("%s: 文字欄を読み取れませんでした / text fields could not be read (%v) — process the file again", where, err)})
		} else {
			e.checkNames(&rec, t, func(fd templates.Field, name string) bool {
				// An error (a cancelled batch) settles nothing: the name
				// goes to a person.
				ok, err := e.cfg.Text.SettlesRivals(ctx, ink, fd, name)
				return err == nil && ok
			})
			e.nameFromKana(&rec, t, func(fd templates.Field, names []string) (string, bool) {
				name, ok, err := e.cfg.Text.ChooseNameRead(ctx, ink, fd, names)
				return name, err == nil && ok
			})
			e.checkAddresses(&rec, t)
			e.checkRelationship(&rec, t)
			e.checkOutside(&rec, t, ink)
			// Proposals for what a person must look at anyway: names and
			// addresses from the lists, then フリガナ from the names.
			e.suggest(&rec, t)
			e.proposeReadings(&rec, t)
		}
	}
	e.observe(StageText, start)
	// My Numbers and PINs out of place are masked before any rule or
	// caller sees the values (privacy.go).
	e.guard(&rec, d, t, ink)
	rec.Issues = append(rec.Issues, forms.Validate(t.ID, forms.Sure(rec.Fields), forms.RuleContext{Today: e.cfg.Today()})...)

	rec.Status = rec.Settled()
	return rec
}

// identify tells which form a page is by its print, when its QR code
// cannot be read: every revision of every form is compared with the
// registered page, and one form must match well and clearly better than
// every other form. It returns the revision that matched best and the
// canvas (before drop-out), or nils. When other revisions of that form
// match about as well (within marks.IdentifyMargin), revs lists them all,
// oldest first: the layout cannot say which revision the page is.
func (e *Engine) identify(img *image.Gray, res register.Result) (t *templates.Template, f *marks.Form, page *image.Gray, revs []int) {
	type score struct {
		t *templates.Template
		f *marks.Form
		l float64
	}
	var scores []score
	for _, tp := range e.reg.List() {
		fm, err := e.form(tp)
		if err != nil {
			continue
		}
		if page == nil {
			page = fm.Canvas(img, res.Transform)
		}
		scores = append(scores, score{tp, fm, fm.Likeness(page)})
	}
	best := -1
	for i, s := range scores {
		if best < 0 || s.l > scores[best].l {
			best = i
		}
	}
	if best < 0 || scores[best].l < marks.IdentifyMin {
		return nil, nil, nil, nil
	}
	top := scores[best]
	for _, s := range scores {
		switch {
		case s.t.ID != top.t.ID && top.l-s.l < marks.IdentifyMargin:
			return nil, nil, nil, nil // another form fits about as well
		case s.t.ID == top.t.ID && top.l-s.l < marks.IdentifyMargin:
			revs = append(revs, s.t.Revision)
		}
	}
	slices.Sort(revs)
	return top.t, top.f, page, revs
}

// joinInts writes ns separated by sep.
func joinInts(ns []int, sep string) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, sep)
}

// readSlots reads the printed name, address and dates slots of a form.
func (e *Engine) readSlots(ctx context.Context, t *templates.Template, ink *image.Gray) map[string]SlotReading {
	out := map[string]SlotReading{}
	for _, el := range t.Print {
		if el.Kind != templates.SlotElement || (el.Text != "person_name" && el.Text != "person_address" && el.Text != "dates") {
			continue
		}
		// Read like the field it copies: a name is checked as a name, an
		// address as an address.
		// The slot's box is the printed line's own height: widen it to the
		// frame around it, or the text touches its edges and reads as cut.
		b := templates.Box{X: el.Box.X - 1, Y: el.Box.Y - 1.5, W: el.Box.W + 2, H: el.Box.H + 3}
		fd := templates.Field{ID: "slot_" + el.Text, Kind: templates.Text, Charset: templates.Kanji, Box: b}
		if el.Text == "dates" {
			// Dates hold digits, which no kanji line may: what one view
			// read, never sure (the vote's other views could not make
			// it so, and would cost two more reads of a long line).
			if raw, err := e.cfg.Text.ReadPrintedLine(ctx, ink, fd); err == nil {
				if v := forms.CompactText(raw); v != "" {
					out[el.Text] = SlotReading{Value: v}
				}
			}
			continue
		}
		if rd, err := e.cfg.Text.ReadPrinted(ctx, ink, fd); err == nil {
			if v, _ := rd.Value.(string); v != "" {
				out[el.Text] = SlotReading{Value: v, Sure: !rd.Review}
			}
		}
	}
	return out
}

// readText reads every text and date field of the page with rdr.
func (e *Engine) readText(ctx context.Context, rdr *text.Reader, rec *forms.Record, d *Detail, t *templates.Template, ink *image.Gray) error {
	d.Raw = map[string]string{}
	for _, fd := range t.Fields {
		if fd.Kind != templates.Text && fd.Kind != templates.Date {
			continue
		}
		rd, err := rdr.Read(ctx, ink, fd)
		if err != nil {
			return err
		}
		d.Raw[fd.ID] = rd.Raw
		rec.Fields[fd.ID] = forms.FieldValue{Value: rd.Value, Confidence: round(rd.Confidence, 3), Review: rd.Review}
		if rd.Review {
			rec.Issues = append(rec.Issues, forms.Issue{Field: fd.ID, Code: rd.Why, Message: textMessage(fd, rd.Why)})
		}
	}
	return nil
}

// textMessage says why a text field needs a person. It never repeats what
// was read: that is personal data, and the reviewer sees the image.
func textMessage(f templates.Field, why string) string {
	switch why {
	case text.WhyEmpty:
		return fmt.Sprintf("「%s」が記入されていません / %q is empty", f.Label, f.ID)
	case text.WhyDate:
		return fmt.Sprintf("「%s」の日付が読み取れないか、存在しない日付です / %q is not a date that exists, or could not be read", f.Label, f.ID)
	case text.WhyDateNear:
		return fmt.Sprintf("「%s」は日付として読めず、最も近いありうる日付を候補として入れました / %q could not be read as a date; the one plausible day nearest to what was read is put in as a proposal — check it against the form", f.Label, f.ID)
	case text.WhyPhoneNear:
		return fmt.Sprintf("「%s」の先頭の 0 が読み取れず、0 を補った番号を候補として入れました / the 0 that begins %q was lost or misread; the number with it put back is a proposal — check it against the form", f.Label, f.ID)
	case text.WhySecond:
		return fmt.Sprintf("「%s」を別の読み取りエンジンで読んだ結果を候補として入れました（元の読み取りと一致しません） / %q was read otherwise by the second recogniser, whose models all agree: their reading is put in as a proposal — check it against the form", f.Label, f.ID)
	case text.WhyEra:
		return fmt.Sprintf("「%s」の元号が頭文字（S・H・R など）で書かれ、別の元号とも読めます / %q gives its era as an initial (S, H, R…) that fits another era as well — check the era on the form", f.Label, f.ID)
	case text.WhyOverrun:
		return fmt.Sprintf("「%s」の記入が枠からはみ出しています / the writing in %q runs out of its box (or stands beside it) and may be cut — check the whole entry on the form", f.Label, f.ID)
	case text.WhySkipped:
		return fmt.Sprintf("「%s」の記入の一部が読み取られていません（文字が抜けている可能性があります） / part of the writing in %q was passed over by the reader, so a character may be missing from the value — check it against the form", f.Label, f.ID)
	case text.WhySmallDigit:
		return fmt.Sprintf("「%s」の日の数字が他の数字より小さく書かれていて、確実に読めません / a digit of the day in %q is written much smaller than the digits before it, and every reader misreads such digits alike — check the day on the form", f.Label, f.ID)
	case text.WhyFaint:
		return fmt.Sprintf("「%s」の記入が薄いか点状に途切れていて、確実に読めません / the writing in %q is too faint or too broken to read surely (pencil, a worn pen, or a black-and-white scan that broke it into dots) — check it on the form, and scan in grey next time", f.Label, f.ID)
	case text.WhyDigits:
		return fmt.Sprintf("「%s」の数字を二つの読み取りで確認できません / the digits in %q were read differently by a second recogniser — check them on the form", f.Label, f.ID)
	case text.WhyShape:
		if f.Kind == templates.Date {
			return fmt.Sprintf("「%s」はこの欄にありえない日付です（書類の日付なら読み取り日の%d日より前か読み取り日より後、生年月日なら未来）。用紙の日付がそうなら受け付けられません / %q is a day the form cannot bear (a form's own date more than %d days before the scan, or after it; a birth date in the future) — check it on the form: a form that bears such a day cannot be accepted", f.Label, text.DateWindowDays, f.ID, text.DateWindowDays)
		}
		return fmt.Sprintf("「%s」の読み取り結果が欄の形式に合いません / what was read in %q does not look like such a field", f.Label, f.ID)
	case text.WhyNotAllowed:
		return fmt.Sprintf("「%s」にこの欄では使えない文字（数字・英字など）が書かれているため、値は記録していません / %q holds characters the field cannot hold (digits or letters in a name, kanji in a kana field): its value is not kept — read it on the page image", f.Label, f.ID)
	}
	return fmt.Sprintf("「%s」の読み取りに自信がありません / %q was not read confidently", f.Label, f.ID)
}

func (e *Engine) fill(rec *forms.Record, t *templates.Template, r marks.Reading, qr templates.QRPayload) {
	for _, fd := range t.Fields {
		switch fd.Kind {
		case templates.Checkbox:
			c := r.Checkboxes[fd.ID]
			fv := forms.FieldValue{Value: c.State == marks.Checked, Confidence: round(c.Confidence, 3), Review: c.Review}
			if c.State == marks.Ambiguous {
				fv.Value = nil // no guess: a person decides
			}
			rec.Fields[fd.ID] = fv
			if c.Review {
				rec.Issues = append(rec.Issues, forms.Issue{Field: fd.ID, Code: CodeMarkUnsure, Message: fmt.Sprintf("「%s」の印がはっきりしません / the mark in %q is unclear (%s)", fd.Label, fd.ID, c.State)})
			}
		case templates.Signature:
			s := r.Signatures[fd.ID]
			rec.Fields[fd.ID] = forms.FieldValue{Value: s.Present, Confidence: round(s.Confidence, 3), Review: s.Review}
			if s.Review {
				rec.Issues = append(rec.Issues, forms.Issue{Field: fd.ID, Code: CodeSignatureUnsure, Message: fmt.Sprintf("「%s」の署名の有無がはっきりしません / cannot tell whether %q is signed", fd.Label, fd.ID)})
			}
		case templates.PIN:
			p := r.PINs[fd.ID]
			rec.Fields[fd.ID] = forms.FieldValue{Value: p.Filled, Confidence: round(p.Confidence, 3), Review: p.Review}
			if p.Review {
				rec.Issues = append(rec.Issues, forms.Issue{Field: fd.ID, Code: CodePINUnsure, Message: fmt.Sprintf("「%s」の記入マス数がはっきりしません / cannot tell how many cells of %q are filled", fd.Label, fd.ID)})
			}
		case templates.CaseRef:
			if qr.CaseRef != "" {
				rec.Fields[fd.ID] = forms.FieldValue{Value: qr.CaseRef, Confidence: 1}
			}
		}
	}
}

// cutOffMessage tells a clerk what is wrong with a page missing some of
// its marks in the words they would use at the scanner: which edge of the
// form (as held upright) did not make it onto the glass, and how the page
// lay when the scan also shows that ("upside down and cut off at the
// bottom").
func cutOffMessage(me *register.MissingError) string {
	has := func(cs ...templates.Corner) bool {
		for _, c := range cs {
			if !slices.Contains(me.Missing, c) {
				return false
			}
		}
		return true
	}
	ja, en := "端", "cut off"
	switch {
	case len(me.Missing) == 0 || len(me.Missing) >= 3:
		ja, en = "大部分", "cut off or folded over (only one registration mark was found)"
	case has(templates.BottomLeft, templates.BottomRight):
		ja, en = "下端", "cut off at the bottom"
	case has(templates.TopLeft, templates.TopRight):
		ja, en = "上端", "cut off at the top"
	case has(templates.TopLeft, templates.BottomLeft):
		ja, en = "左端", "cut off on the left"
	case has(templates.TopRight, templates.BottomRight):
		ja, en = "右端", "cut off on the right"
	case len(me.Missing) == 1:
		c := me.Missing[0]
		ja = map[templates.Corner]string{templates.TopLeft: "左上の角", templates.TopRight: "右上の角", templates.BottomLeft: "左下の角", templates.BottomRight: "右下の角"}[c]
		en = "cut off or folded at the " + map[templates.Corner]string{templates.TopLeft: "top-left", templates.TopRight: "top-right", templates.BottomLeft: "bottom-left", templates.BottomRight: "bottom-right"}[c] + " corner"
	default:
		// Two diagonal corners: not a straight cut, something covers them.
		ja, en = "角", "covered or folded at two corners"
	}
	turnJA, turnEN, advice := "", "", "rescan it with the whole page flat on the glass"
	if me.RotationKnown && me.Rotation != 0 {
		switch me.Rotation {
		case 90:
			turnJA, turnEN = "右に90度回転しており、", "turned a quarter to the right and "
		case 180:
			turnJA, turnEN = "上下逆さまで、", "upside down and "
		case 270:
			turnJA, turnEN = "左に90度回転しており、", "turned a quarter to the left and "
		}
		advice = "rescan it the right way up with the whole page on the glass"
	}
	subject := "用紙の"
	if turnJA != "" {
		subject = "用紙が" + turnJA
	}
	return fmt.Sprintf("%s%sが切れています（登録マーク %d/4） / the page is %s%s — %s", subject, ja, me.Found, turnEN, en, advice)
}

func hasText(t *templates.Template) bool {
	for _, f := range t.Fields {
		if f.Kind == templates.Text || f.Kind == templates.Date {
			return true
		}
	}
	return false
}

// darkMessage says what a clerk can do about a page that came out mostly
// dark: the scanner's lid was open, or the scanner or its software saved
// a negative. Turning the sheet over would not help: the back of a sheet
// scans light, so that advice belongs to page_blank.
const darkMessage = "画像の大部分が黒く写っています。スキャナーのふたを閉じてスキャンし直してください。黒地に白く（白黒が反転して）写る場合は、スキャナーの白黒反転の設定を切るか、PDF で保存してください" +
	" / the page came out mostly dark — close the scanner lid and scan it again; if the page comes out white on black (a negative), turn off the scanner's invert setting or save the scan as PDF"

// dark reports whether most of a page is dark: a scan with the lid open or
// nothing on the glass, or a negative. A form on white paper is mostly
// paper, however much is written on it.
func dark(img *image.Gray) bool {
	b := img.Bounds()
	n, darkN := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		row := img.Pix[img.PixOffset(b.Min.X, y):img.PixOffset(b.Max.X, y)]
		for x := 0; x < len(row); x += 2 {
			n++
			if row[x] < 96 {
				darkN++
			}
		}
	}
	return n > 0 && darkN*2 > n
}

// blank reports whether a page has (almost) no ink: fewer than 1 pixel in
// 2000 clearly darker than the page's own paper.
func blank(img *image.Gray) bool {
	b := img.Bounds()
	var hist [256]int
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		row := img.Pix[img.PixOffset(b.Min.X, y):img.PixOffset(b.Max.X, y)]
		for x := 0; x < len(row); x += 2 {
			hist[row[x]]++
		}
	}
	total := 0
	for _, n := range hist {
		total += n
	}
	// Paper is the 90th percentile grey; ink is 80 levels darker.
	paper, seen := 255, 0
	for v := 255; v >= 0; v-- {
		seen += hist[v]
		if seen >= total/10 {
			paper = v
			break
		}
	}
	dark := 0
	for v := 0; v < max(0, paper-80); v++ {
		dark += hist[v]
	}
	return total == 0 || dark*2000 < total
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	r := math.Round(v*p) / p
	if r == 0 {
		return 0 // not -0, which JSON and the table print as "-0"
	}
	return r
}
