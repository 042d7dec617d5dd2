package pipeline

import (
	"fmt"
	"image"
	"math"

	"golang.org/x/text/unicode/norm"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/templates"
)

// CodePINOutsideCells: on a form with PIN boxes, writing where a PIN may
// have been put outside its cells; it is blacked out in the stored page.
const CodePINOutsideCells = "pin_outside_cells"

// Stray writing on a form with PIN boxes is looked for on a grid of
// strayCellMM squares; a square is inked when strayMinInk of its pixels
// are ink, and a cluster of inked squares is writing when it has
// strayMinCells of them. A handwritten character 4 mm high crosses a dozen
// squares; scanner specks and drop-out residue cross one or two.
const (
	strayCellMM   = 1.0
	strayMinInk   = 6
	strayMinCells = 4
	// strayInkBelow is marks' ink level: darker than this is ink.
	strayInkBelow = 170
	// strayFieldMarginMM: writing this close to a field is the field's
	// (a stroke past its edge), which its reader already reports.
	strayFieldMarginMM = 1.5
)

// guard applies the privacy rules (DOMAIN.md) to a page just read, before
// anything about it is decided or stored:
//
//   - a value that holds a My Number (forms.FindMyNumber) is masked: nil,
//     for review, with mynumber_masked;
//   - on a form with PIN boxes, a text field read as letters and digits
//     (a PIN written in 代理人氏名) is masked the same way, and writing
//     outside every field is blacked out, both with pin_outside_cells.
//
// What it masks is blacked out in d.Canvas, the copy of the page the
// archive stores (which Redact then also clears of the PIN section), and
// removed from d.Raw.
func (e *Engine) guard(rec *forms.Record, d *Detail, t *templates.Template, ink *image.Gray) {
	var masks []templates.Box
	pinForm := false
	for _, f := range t.Fields {
		pinForm = pinForm || f.Kind == templates.PIN
	}
	for _, f := range t.Fields {
		if f.Kind != templates.Text && f.Kind != templates.Date {
			continue
		}
		fv, ok := rec.Fields[f.ID]
		if !ok {
			continue
		}
		v, _ := fv.Value.(string)
		raw := d.Raw[f.ID]
		switch {
		case forms.FindMyNumber(v) != forms.NoMyNumber || forms.FindMyNumber(raw) != forms.NoMyNumber:
			rec.Issues = append(rec.Issues, forms.Issue{Field: f.ID, Code: forms.CodeMyNumberMasked,
				Message: fmt.Sprintf("「%s」に個人番号（マイナンバー）と思われる12桁以上の数字があり、値と画像を黒塗りしました / %q held a 12-digit number that is or may be a My Number: its value and image were masked and the scanned file is not kept — look at the paper", f.Label, f.ID)})
		case pinForm && f.Kind == templates.Text && f.Charset != templates.Digits && (pinLike(v) || pinLike(raw)):
			rec.Issues = append(rec.Issues, forms.Issue{Field: f.ID, Code: CodePINOutsideCells,
				Message: fmt.Sprintf("「%s」に英数字が書かれています。暗証番号の可能性があるため、値と画像を黒塗りしました / %q holds letters or digits, possibly a PIN: its value and image were masked — look at the paper", f.Label, f.ID)})
		default:
			continue
		}
		rec.Fields[f.ID] = forms.FieldValue{Value: nil, Confidence: 0, Review: true}
		if d.Raw != nil {
			d.Raw[f.ID] = ""
		}
		masks = append(masks, f.Box)
	}
	if pinForm {
		if stray := strayWriting(ink, t); len(stray) > 0 {
			masks = append(masks, stray...)
			rec.Issues = append(rec.Issues, forms.Issue{Code: CodePINOutsideCells,
				Message: fmt.Sprintf("暗証番号欄の外に書き込みが%d箇所あり、暗証番号の可能性があるため黒塗りしました / writing outside the fields in %d place(s), possibly a PIN, was blacked out in the stored page — look at the paper", len(stray), len(stray))})
		}
	}
	if d.Canvas != nil && len(masks) > 0 {
		archive.BlackOut(d.Canvas, t, archive.RedactMarginMM, masks...)
	}
}

// pinLike reports whether text read from a field of words (a name) holds
// what a PIN is made of: four or more ASCII letters and digits, or three
// digits. No name, kana or address written as asked has any.
func pinLike(s string) bool {
	alnum, digits := 0, 0
	for _, r := range norm.NFKC.String(s) {
		switch {
		case r >= '0' && r <= '9':
			digits++
			alnum++
		case r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z':
			alnum++
		}
	}
	return alnum >= 4 || digits >= 3
}

// strayWriting finds writing on the ink page (printed form dropped out)
// outside every field, printed slot and the QR code, and outside the PIN
// section, which is blacked out whole anyway. It returns a box (mm) around
// each cluster of it.
func strayWriting(ink *image.Gray, t *templates.Template) []templates.Box {
	b := ink.Bounds()
	pageW := t.Page.WidthMM
	if pageW <= 0 {
		pageW = templates.PageWidthMM
	}
	pxmm := float64(b.Dx()) / pageW
	cs := max(1, int(math.Round(strayCellMM*pxmm)))
	gw, gh := (b.Dx()+cs-1)/cs, (b.Dy()+cs-1)/cs
	skip := make([]bool, gw*gh)
	exclude := func(x, y, w, h, m float64) {
		x0, y0 := int(math.Floor((x-m)*pxmm))/cs, int(math.Floor((y-m)*pxmm))/cs
		x1, y1 := int(math.Ceil((x+w+m)*pxmm))/cs, int(math.Ceil((y+h+m)*pxmm))/cs
		for gy := max(0, y0); gy <= min(gh-1, y1); gy++ {
			for gx := max(0, x0); gx <= min(gw-1, x1); gx++ {
				skip[gy*gw+gx] = true
			}
		}
	}
	for _, f := range t.Fields {
		exclude(f.Box.X, f.Box.Y, f.Box.W, f.Box.H, strayFieldMarginMM)
	}
	for _, el := range t.Print {
		if el.Kind == templates.SlotElement {
			// Printed after the blank was rendered: it survives drop-out.
			exclude(el.Box.X, el.Box.Y, el.Box.W, el.Box.H, strayFieldMarginMM)
		}
	}
	exclude(templates.QRXMM, templates.QRYMM, templates.QRSizeMM, templates.QRSizeMM, 1)
	if s, ok := archive.PINSection(t); ok {
		exclude(s.X, s.Y, s.W, s.H, 0)
	}
	inked := make([]bool, gw*gh)
	for gy := range gh {
		for gx := range gw {
			if skip[gy*gw+gx] {
				continue
			}
			n := 0
			r := image.Rect(b.Min.X+gx*cs, b.Min.Y+gy*cs, b.Min.X+(gx+1)*cs, b.Min.Y+(gy+1)*cs).Intersect(b)
			for y := r.Min.Y; y < r.Max.Y && n < strayMinInk; y++ {
				for _, v := range ink.Pix[ink.PixOffset(r.Min.X, y):ink.PixOffset(r.Max.X, y)] {
					if v < strayInkBelow {
						n++
					}
				}
			}
			inked[gy*gw+gx] = n >= strayMinInk
		}
	}
	// Clusters: inked squares within one square of each other belong
	// together, so the strokes of one character, and the characters of one
	// run, make one cluster.
	seen := make([]bool, gw*gh)
	var out []templates.Box
	for i, on := range inked {
		if !on || seen[i] {
			continue
		}
		stack := []int{i}
		seen[i] = true
		n, x0, y0, x1, y1 := 0, gw, gh, -1, -1
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			n++
			cx, cy := c%gw, c/gw
			x0, y0, x1, y1 = min(x0, cx), min(y0, cy), max(x1, cx), max(y1, cy)
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					nx, ny := cx+dx, cy+dy
					if nx < 0 || ny < 0 || nx >= gw || ny >= gh {
						continue
					}
					if j := ny*gw + nx; inked[j] && !seen[j] {
						seen[j] = true
						stack = append(stack, j)
					}
				}
			}
		}
		if n < strayMinCells {
			continue
		}
		mm := float64(cs) / pxmm
		out = append(out, templates.Box{X: float64(x0) * mm, Y: float64(y0) * mm, W: float64(x1-x0+1) * mm, H: float64(y1-y0+1) * mm})
	}
	return out
}
