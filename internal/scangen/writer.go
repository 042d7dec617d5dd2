package scangen

import (
	"fmt"
	"image"
	"math/rand/v2"
	"time"

	"shinsei/internal/scanfx"
	"shinsei/templates"
)

// writer fills one page and records what it wrote.
type writer struct {
	img    *image.Gray
	rng    *rand.Rand
	pen    pen
	hands  *hands
	mix    scanfx.Mix
	fields map[string]FieldTruth
	// glyphs holds the box (mm) of every glyph written in a text field or
	// PIN cell, by field id: where the privacy tests look for its ink.
	glyphs map[string][]templates.Box
}

// recording returns the writer's pen set to record the boxes of what it
// draws into *boxes.
func (w *writer) recording(boxes *[]templates.Box) pen {
	p := w.pen
	p.boxes = boxes
	return p
}

func (w *writer) keepGlyphs(id string, boxes []templates.Box) {
	if w.glyphs == nil {
		w.glyphs = map[string][]templates.Box{}
	}
	w.glyphs[id] = boxes
}

func (w *writer) box(t *templates.Template, id string) templates.Box {
	f, ok := t.Field(id)
	if !ok {
		panic(fmt.Sprintf("scangen: %s has no field %q", t.Key(), id)) // plans name fields of their own template
	}
	return f.Box
}

// check marks (or leaves) a checkbox in one of the styles people use.
func (w *writer) check(t *templates.Template, id string, on bool) {
	b := w.box(t, id)
	if !on {
		w.fields[id] = FieldTruth{Value: false}
		if w.mix == scanfx.Hard && w.rng.IntN(15) == 0 {
			// A stray dot beside the box, not in it.
			Stroke(w.img, []pt{{X: b.X + b.W + 1.2, Y: b.Y + b.H*w.rng.Float64()}}, 0.5, w.pen.ink)
		}
		return
	}
	styles := []string{MarkTick, MarkTick, MarkTick, MarkTick, MarkTick, MarkTick, MarkCross, MarkCircle, MarkCircle, MarkFill}
	style := pick(w.rng, styles)
	stray := w.mix != scanfx.Clean && w.rng.IntN(7) == 0
	// One mark in scribble is scribbled out and redone; none on a clean
	// corpus, as on the standard one for another scanner (the copier).
	scribble := 100
	switch w.mix {
	case scanfx.Clean:
		scribble = 0
	case scanfx.Hard:
		scribble = 33
	}
	if scribble > 0 && w.rng.IntN(scribble) == 0 {
		style = MarkScribbled
	}
	CheckMark(w.img, b, style, stray, w.pen.ink, w.rng)
	ft := FieldTruth{Value: true, Style: style}
	if stray {
		ft.Style += "+stray"
	}
	if style == MarkScribbled {
		ft.Ambiguous = true
	}
	w.fields[id] = ft
}

func (w *writer) text(t *templates.Template, id, s string) error {
	w.fields[id] = FieldTruth{Value: s}
	var boxes []templates.Box
	err := w.recording(&boxes).write(w.img, w.box(t, id), s, w.rng)
	w.keepGlyphs(id, boxes)
	return err
}

func (w *writer) date(t *templates.Template, id string, d time.Time) error {
	s, style := SpellDate(w.rng, d)
	w.fields[id] = FieldTruth{Value: d.Format("2006-01-02"), Written: s, Style: style}
	return w.pen.write(w.img, w.box(t, id), s, w.rng)
}

func (w *writer) applicant(t *templates.Template, p Person) error {
	for _, f := range []struct{ id, s string }{
		{"applicant_kana", p.Kana}, {"applicant_name", p.Name}, {"applicant_address", p.Address}, {"applicant_phone", p.Phone},
	} {
		if err := w.text(t, f.id, f.s); err != nil {
			return err
		}
	}
	if err := w.date(t, "applicant_birth_date", p.Birth); err != nil {
		return err
	}
	w.check(t, "applicant_sex_male", p.Male)
	w.check(t, "applicant_sex_female", !p.Male)
	return nil
}

func (w *writer) signature(t *templates.Template, id, name string, present bool) error {
	if !present || name == "" {
		w.fields[id] = FieldTruth{Value: false}
		return nil
	}
	style := pick(w.rng, []string{sigName, sigName, sigName, sigScrawl, sigSeal})
	w.fields[id] = FieldTruth{Value: true, Style: style}
	return signature(w.img, w.box(t, id), name, style, w.pen, w.rng)
}

// pin writes a synthetic PIN, one character a cell from the left, when the
// certificate was applied for: whole mostly, sometimes cut short, and now
// and then into the box of a certificate not applied for.
func (w *writer) pin(t *templates.Template, id string, applied bool) error {
	f, _ := t.Field(id)
	signature := id == "pin_signature"
	pin := newPIN(w.rng, signature)
	n := len(pin)
	switch r := w.rng.IntN(100); {
	case !applied && r < 3:
		// written where it should not be
	case !applied:
		n = 0
	case r < 5:
		n = w.rng.IntN(n)
	}
	return w.pinCells(f, pin[:n])
}

// pinCells writes pin one character a cell from the left and records it:
// the count as the value, the characters as written (synthetic PINs).
func (w *writer) pinCells(f templates.Field, pin string) error {
	w.fields[f.ID] = FieldTruth{Value: len(pin), Written: pin}
	var boxes []templates.Box
	p := w.recording(&boxes)
	for i, r := range pin {
		if err := p.centred(w.img, f.Box.Cell(i, f.Cells), string(r), w.rng); err != nil {
			return err
		}
	}
	w.keepGlyphs(f.ID, boxes)
	return nil
}

// blanks gives every field of t that nothing was written in its truth:
// unticked, unsigned, no PIN cells, no text.
func (w *writer) blanks(t *templates.Template) {
	for _, f := range t.Fields {
		if _, ok := w.fields[f.ID]; ok {
			continue
		}
		switch f.Kind {
		case templates.Checkbox, templates.Signature:
			w.fields[f.ID] = FieldTruth{Value: false}
		case templates.PIN:
			w.fields[f.ID] = FieldTruth{Value: 0}
		default:
			w.fields[f.ID] = FieldTruth{Value: ""}
		}
	}
}
