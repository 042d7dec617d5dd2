package marks

import (
	"encoding/binary"
	"image"
	"math"
)

// Drop-out tolerances. Registration puts the form within ~0.1–0.3 mm of
// where the template says, and the scanner's blur and JPEG ringing widen
// every printed line by a little more, so the printed pixels are widened by
// dropMarginMM before they are whitened. Much more would eat into what
// people write close to the frames.
const (
	dropMarginMM = 0.3
	// printedBelow: a blank-render pixel darker than this is printed ink.
	// The light grey of label cells (232) is not: normalisation makes it
	// paper anyway, and it does not reach into any writing box.
	printedBelow = 200
)

// Mask is the printed matter of one blank form, widened by the registration
// tolerance: the pixels DropOut whitens. Building it costs a pass over the
// page, so a pipeline keeps one per template and resolution.
type Mask struct {
	w, h int
	pix  []uint8 // 0xFF where printed, 0 elsewhere: OR-ing it in whitens
}

// NewMask prepares the drop-out mask of a blank form rendered on the canvas
// (templates.Renderer.Render at the canvas dpi).
func NewMask(blank *image.Gray) *Mask {
	w, h := blank.Rect.Dx(), blank.Rect.Dy()
	m := &Mask{w: w, h: h, pix: make([]uint8, w*h)}
	dpi := float64(w) * 25.4 / pageWidthMM
	r := max(1, int(math.Round(dropMarginMM*dpi/25.4)))
	// Square dilation by r, done on runs: each row's printed runs widened
	// by r and merged, then every output row is the union of the runs of
	// the rows within r of it, written with copy. A form is mostly paper,
	// so this touches far fewer bytes than a pixel-wise filter.
	type run struct{ a, b int }
	rows := make([][]run, h)
	for y := range h {
		off := blank.PixOffset(blank.Rect.Min.X, blank.Rect.Min.Y+y)
		src := blank.Pix[off : off+w]
		var rs []run
		for x := 0; x < w; {
			if src[x] >= printedBelow {
				x++
				continue
			}
			start := x
			for x < w && src[x] < printedBelow {
				x++
			}
			a, b := max(0, start-r), min(w, x+r)
			if n := len(rs); n > 0 && a <= rs[n-1].b {
				rs[n-1].b = b
			} else {
				rs = append(rs, run{a, b})
			}
		}
		rows[y] = rs
	}
	ones := make([]uint8, w)
	fill(ones, 0xFF)
	for y, rs := range rows {
		for dy := max(0, y-r); dy <= min(h-1, y+r); dy++ {
			dst := m.pix[dy*w : (dy+1)*w]
			for _, rn := range rs {
				copy(dst[rn.a:rn.b], ones[rn.a:rn.b])
			}
		}
	}
	return m
}

// DropOut returns a copy of page (a normalised page on the canvas) with
// the printed form whitened, so what remains is what a person wrote. A
// stroke that crosses a printed line loses the pixels on the line and keeps
// the rest; readers look for ink inside their boxes, away from the frames,
// so the gap costs them nothing. Where page and mask differ in size only
// their overlap is dropped out.
func (m *Mask) DropOut(page *image.Gray) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, page.Rect.Dx(), page.Rect.Dy()))
	m.whiten(out, page)
	return out
}

// whiten writes src with the mask applied to dst, which has src's size
// and may be src itself.
func (m *Mask) whiten(dst, src *image.Gray) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	cw, ch := min(w, m.w), min(h, m.h)
	for y := range h {
		so := src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+y)
		do := dst.PixOffset(dst.Rect.Min.X, dst.Rect.Min.Y+y)
		s, d := src.Pix[so:so+w], dst.Pix[do:do+w]
		if y >= ch {
			copy(d, s)
			continue
		}
		mask := m.pix[y*m.w : y*m.w+cw]
		words := cw / 8
		for i := range words {
			o := i * 8
			binary.LittleEndian.PutUint64(d[o:], binary.LittleEndian.Uint64(s[o:])|binary.LittleEndian.Uint64(mask[o:]))
		}
		for x := words * 8; x < cw; x++ {
			d[x] = s[x] | mask[x]
		}
		copy(d[cw:], s[cw:])
	}
}

// DropOut whitens the printed form (blank, rendered at the page's
// resolution) on a normalised, registered page; see Mask.DropOut. A
// pipeline reading many pages of one form should keep a Mask instead.
func DropOut(page, blank *image.Gray) *image.Gray {
	return NewMask(blank).DropOut(page)
}
