// Package templates holds shinsei's form definitions — every box of every
// form to the millimetre — their registry, and the renderer that prints
// blank and filled forms. Knowing the exact layout is what makes reliable
// reading possible: registration marks to straighten a scan, a QR code to
// name the form, and zones where a person writes.
//
// The JSON of a Template is a contract other tools rely on (docs/templates.md);
// the printed layout beyond the fields (headings, instructions) is not part
// of it.
package templates

import (
	"errors"
	"fmt"
	"slices"
)

// Kind is what a field holds.
type Kind string

const (
	Checkbox  Kind = "checkbox"
	Text      Kind = "text"
	Date      Kind = "date"
	Signature Kind = "signature"
	PIN       Kind = "pin"
	CaseRef   Kind = "case_ref"
)

// Charset narrows what a text field may contain, for OCR and validation.
type Charset string

const (
	Kanji    Charset = "kanji" // Japanese: kanji, kana, digits (names, addresses)
	Katakana Charset = "katakana"
	Digits   Charset = "digits"
	Alnum    Charset = "alnum"
)

// Box is a rectangle on the page in millimetres from its top-left corner.
type Box struct {
	X float64 `json:"x_mm"`
	Y float64 `json:"y_mm"`
	W float64 `json:"w_mm"`
	H float64 `json:"h_mm"`
}

// Overlaps reports whether two boxes share any area.
func (b Box) Overlaps(o Box) bool {
	return b.X < o.X+o.W && o.X < b.X+b.W && b.Y < o.Y+o.H && o.Y < b.Y+b.H
}

// Contains reports whether o lies inside b.
func (b Box) Contains(o Box) bool {
	return o.X >= b.X && o.Y >= b.Y && o.X+o.W <= b.X+b.W && o.Y+o.H <= b.Y+b.H
}

// Cell returns the i-th of n equal character cells of b, left to right.
func (b Box) Cell(i, n int) Box {
	w := b.W / float64(n)
	return Box{X: b.X + float64(i)*w, Y: b.Y, W: w, H: b.H}
}

// Field is one place on the form where a person writes or marks.
type Field struct {
	ID    string `json:"id"`
	Kind  Kind   `json:"kind"`
	Label string `json:"label"`
	Box   Box    `json:"box"`
	// Cells is the number of character cells for fields boxed per
	// character (PINs); 0 otherwise.
	Cells    int     `json:"cells,omitempty"`
	Charset  Charset `json:"charset,omitempty"`
	Required bool    `json:"required"`
	// Group ties checkboxes that answer one question (which certificates,
	// which action); the rules say how many of a group may be marked.
	Group string `json:"group,omitempty"`
}

// Page is the paper size.
type Page struct {
	WidthMM  float64 `json:"width_mm"`
	HeightMM float64 `json:"height_mm"`
}

// Template is one revision of one form.
type Template struct {
	ID       string  `json:"id"`
	Revision int     `json:"revision"`
	Title    string  `json:"title"`
	Page     Page    `json:"page"`
	Fields   []Field `json:"fields"`

	// Print is what the renderer draws besides the fields: headings,
	// instructions, and slots for text printed per case.
	Print []Element `json:"-"`
}

// Field returns the field with the given id.
func (t *Template) Field(id string) (Field, bool) {
	i := slices.IndexFunc(t.Fields, func(f Field) bool { return f.ID == id })
	if i < 0 {
		return Field{}, false
	}
	return t.Fields[i], true
}

// Key names a template revision, as in "jpki-application@1".
func (t *Template) Key() string { return fmt.Sprintf("%s@%d", t.ID, t.Revision) }

// ElementKind is a kind of printed element.
type ElementKind int

const (
	// TextElement prints Text at Box, in SizeMM characters, left-aligned
	// (or centred with Center), wrapping at the box's width.
	TextElement ElementKind = iota
	// RectElement draws the outline of Box (Fill: solid; Gray: light fill).
	RectElement
	// LineElement draws a line from (Box.X, Box.Y) to (Box.X+W, Box.Y+H).
	LineElement
	// SlotElement prints a value supplied at render time (the person's name
	// on an answer sheet); Text is the slot's name.
	SlotElement
)

// Element is one printed thing that is not a field.
type Element struct {
	Kind   ElementKind
	Box    Box
	Text   string
	SizeMM float64
	Center bool
	Bold   bool
	Fill   bool
	Gray   bool
}

// Validation errors.
var (
	ErrInvalidTemplate = errors.New("invalid template")
	ErrUnknownTemplate = errors.New("unknown template")
)

// keepOut are the areas the registration marks need to themselves: no field
// may reach into them.
func keepOut() []Box {
	var b []Box
	const margin = 2.0
	for _, c := range FiducialCentres() {
		s := FiducialSizeMM/2 + margin
		b = append(b, Box{c.X - s, c.Y - s, 2 * s, 2 * s})
	}
	b = append(b, Box{QRXMM, QRYMM, QRSizeMM, QRSizeMM})
	return b
}

// Validate checks what the contract promises: ids unique and non-empty,
// known kinds, boxes inside the page and clear of the registration marks,
// no two fields overlapping, cells and charsets only where they mean
// something, and groups made of fields of one kind.
func (t *Template) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %s: %s", ErrInvalidTemplate, t.Key(), fmt.Sprintf(format, args...))
	}
	if t.ID == "" || t.Revision < 1 || t.Title == "" {
		return bad("id, revision (≥ 1) and title are required")
	}
	page := Box{0, 0, t.Page.WidthMM, t.Page.HeightMM}
	if t.Page.WidthMM != PageWidthMM || t.Page.HeightMM != PageHeightMM {
		return bad("page is %gx%g mm; shinsei forms are A4 (%gx%g)", t.Page.WidthMM, t.Page.HeightMM, PageWidthMM, PageHeightMM)
	}
	ids := map[string]bool{}
	groupKind := map[string]Kind{}
	for i, f := range t.Fields {
		switch {
		case f.ID == "":
			return bad("field %d has no id", i)
		case ids[f.ID]:
			return bad("field id %q used twice", f.ID)
		case f.Label == "":
			return bad("field %q has no label", f.ID)
		case f.Box.W <= 0 || f.Box.H <= 0:
			return bad("field %q has an empty box", f.ID)
		case !page.Contains(f.Box):
			return bad("field %q box %+v is not inside the page", f.ID, f.Box)
		}
		ids[f.ID] = true
		switch f.Kind {
		case Checkbox, Signature, Date:
			if f.Cells != 0 || f.Charset != "" {
				return bad("%s field %q takes no cells or charset", f.Kind, f.ID)
			}
		case Text:
			if f.Charset == "" || f.Cells != 0 {
				return bad("text field %q needs a charset and no cells", f.ID)
			}
		case PIN:
			if f.Cells < 1 || f.Charset == "" {
				return bad("pin field %q needs cells and a charset", f.ID)
			}
			if f.Box.W/float64(f.Cells) < 7 {
				return bad("pin field %q cells are %.1f mm wide, want ≥ 7", f.ID, f.Box.W/float64(f.Cells))
			}
		case CaseRef:
			if f.Cells != 0 {
				return bad("case_ref field %q takes no cells", f.ID)
			}
		default:
			return bad("field %q has unknown kind %q", f.ID, f.Kind)
		}
		if f.Group != "" {
			if k, ok := groupKind[f.Group]; ok && k != f.Kind {
				return bad("group %q mixes %s and %s fields", f.Group, k, f.Kind)
			}
			groupKind[f.Group] = f.Kind
		}
		for _, k := range keepOut() {
			if f.Box.Overlaps(k) {
				return bad("field %q overlaps the registration marks or QR code", f.ID)
			}
		}
		for _, g := range t.Fields[:i] {
			if f.Box.Overlaps(g.Box) {
				return bad("fields %q and %q overlap", g.ID, f.ID)
			}
		}
	}
	for g, k := range groupKind {
		n := 0
		for _, f := range t.Fields {
			if f.Group == g {
				n++
			}
		}
		if k == Checkbox && n < 2 {
			return bad("checkbox group %q has only one box", g)
		}
	}
	return nil
}
