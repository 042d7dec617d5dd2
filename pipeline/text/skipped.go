package text

import (
	"image"
	"slices"

	"shinsei/forms"
	"shinsei/ocr"
)

// WhySkipped: Tesseract read the field, but passed over a stroke of its
// writing that no character it read covers, so the value may be missing a
// character (長谷川 愛 read 長谷 愛 at 0.97, the 川 between them left out:
// a known name all the same), or read fewer digits in a date's day than
// its writing holds (31 with a small 1, read 3). The second reader may
// propose another value for it (text_second_reader); nothing makes it sure.
const WhySkipped = "text_skipped"

// Writing a read passed over: a piece of ink at least skippedSize of the
// characters' median height across that lies, along the line, further
// than skippedMargin of that height from every character's box, and
// outside the square cell (skippedCell of the height each side of the
// box's middle) a character of that height would fill. A 濁点 or a speck
// is smaller. Tesseract's boxes for the characters it read are
// approximate: 浩's can hold only its 告, with the 氵 a third of a
// character away; an 8's can be a pixel wide beside the digit.
const (
	skippedSize   = 0.3
	skippedMargin = 0.25
	skippedCell   = 0.6
)

// skipsWriting says whether res, Tesseract's reading of a view of a
// prepared field whose pieces of ink are pieces (inkPieces), left out a
// piece of the writing.
func skipsWriting(pieces []image.Rectangle, res ocr.Result) bool {
	syms := symbols(res)
	if len(syms) == 0 {
		return false
	}
	h := medianHeight(syms)
	m, half := int(skippedMargin*h+0.5), int(skippedCell*h+0.5)
	near := func(c image.Rectangle) bool {
		return slices.ContainsFunc(syms, func(s ocr.Symbol) bool {
			b := s.Box
			mid := (b.Min.X + b.Max.X) / 2
			return c.Min.X < max(b.Max.X+m, mid+half) && min(b.Min.X-m, mid-half) < c.Max.X
		})
	}
	return slices.ContainsFunc(pieces, func(c image.Rectangle) bool {
		return float64(max(c.Dx(), c.Dy())) >= skippedSize*h && !near(c)
	})
}

// dayWriting says, of res, read as a date from a view of bounds r whose
// pieces of ink are pieces (inkPieces), whether it read fewer digits in
// its last number (the day) than the writing between the characters
// around it holds (skips), or else whether a digit of the day is written
// small (small). Both weigh the same pieces of the day (dayInk).
func dayWriting(r image.Rectangle, pieces []image.Rectangle, res ocr.Result) (skips, small bool) {
	syms := symbols(res)
	d, ok := dayInk(r, pieces, syms)
	if !ok {
		return false, false
	}
	if d.skipsDigit() {
		return true, false
	}
	return false, d.smallDigit(pieces, syms)
}

// skipsDigit says whether the read gave the day fewer digits than its
// writing holds: each of its pieces of ink, joined where they overlap
// along the line, is a digit (not joined where their bounds only touch,
// nor within a tenth of the height: a small 1 starting in the column
// after its 3's last was one digit with it then). A digit written small
// (the 1 of 31 squeezed in before 日) is passed over by every view and by
// both models alike, and 10月3日 is a day of the window; skipsWriting's
// cell around each character, there for boxes that are approximate,
// holds it.
func (d day) skipsDigit() bool { return len(d.groups) > d.read }

// WhySmallDigit: a digit of a date's day is written much smaller than the
// digits before it (squeezed in before 日 for want of room). Every reader,
// the second recogniser's models included, reads a small digit worse than
// the others, and alike: a small 2 read 1 by all of them, 11月1日 for 11月2日,
// a day of the window. Nothing makes it sure.
const WhySmallDigit = "date_small_digit"

// smallDigitShare is the height, as a share of the median height of the
// digits read before the day, under which a digit of the day is small.
// The small-digit scenario writes it at 45–60%; on the calibration pages
// (seeds 101, 102, 111 and 121) this share sent one right date of the 841
// read surely to a person.
const smallDigitShare = 0.7

// smallDigit says whether the day, read as syms from a view whose pieces
// of ink are pieces, holds a digit written small: a piece of its writing
// less than smallDigitShare as tall as the median of the pieces that lie
// in the box of a digit read before the day and in no other character's
// (three at least; a date written without them says nothing of its
// digits' height).
func (d day) smallDigit(pieces []image.Rectangle, syms []ocr.Symbol) bool {
	var hs []int
	for _, c := range pieces {
		if float64(c.Dy()) < skippedSize*d.height {
			continue
		}
		mid := (c.Min.X + c.Max.X) / 2
		digit, other := false, false
		for i, s := range syms {
			if mid < s.Box.Min.X || mid >= s.Box.Max.X {
				continue
			}
			if i < d.first && digitSymbol(s) {
				digit = true
			} else {
				other = true
			}
		}
		if digit && !other {
			hs = append(hs, c.Dy())
		}
	}
	if len(hs) < 3 {
		return false
	}
	slices.Sort(hs)
	dh := float64(hs[len(hs)/2])
	return slices.ContainsFunc(d.groups, func(g image.Rectangle) bool { return float64(g.Dy()) < smallDigitShare*dh })
}

// day is the writing of a date's day as one read of it placed it.
type day struct {
	groups []image.Rectangle // its pieces of ink, joined where they overlap along the line
	read   int               // how many digits the read gave it
	first  int               // the index of its first digit among the read's symbols
	height float64           // the writing's height (inkHeight)
}

// dayInk is the writing of the day (the last number) of a date read as
// syms from a view of bounds r whose pieces of ink are pieces: the pieces
// whose middle lies between the characters read before and after the
// day's digits, joined where they overlap along the line, each group at
// least skippedSize of the writing's height (inkHeight) tall. Pieces are
// joined before their size is weighed: a thin small 1 can come apart in a
// view into pieces each the size of a speck. Tesseract's boxes can span
// the whole line's height in a view at full size, so the height is the
// ink's. ok is false when no digit was read.
func dayInk(r image.Rectangle, pieces []image.Rectangle, syms []ocr.Symbol) (d day, ok bool) {
	last := len(syms) - 1
	for last >= 0 && !digitSymbol(syms[last]) {
		last--
	}
	if last < 0 {
		return day{}, false
	}
	first := last
	for first > 0 && digitSymbol(syms[first-1]) {
		first--
	}
	lo, hi := r.Min.X, r.Max.X
	if first > 0 {
		lo = syms[first-1].Box.Max.X
	}
	if last+1 < len(syms) {
		hi = syms[last+1].Box.Min.X
	}
	d = day{read: last - first + 1, first: first, height: inkHeight(pieces)}
	var in []image.Rectangle
	for _, c := range pieces {
		if mid := (c.Min.X + c.Max.X) / 2; lo <= mid && mid < hi {
			in = append(in, c)
		}
	}
	slices.SortFunc(in, func(a, b image.Rectangle) int { return a.Min.X - b.Min.X })
	for _, c := range in {
		if n := len(d.groups); n > 0 && c.Min.X < d.groups[n-1].Max.X {
			d.groups[n-1] = d.groups[n-1].Union(c)
			continue
		}
		d.groups = append(d.groups, c)
	}
	d.groups = slices.DeleteFunc(d.groups, func(g image.Rectangle) bool { return float64(g.Dy()) < skippedSize*d.height })
	return d, true
}

// digitSymbol says whether s is one digit, full-width ones folded.
func digitSymbol(s ocr.Symbol) bool {
	t := forms.NormalizeText(s.Text)
	return len(t) == 1 && t[0] >= '0' && t[0] <= '9'
}

// inkHeight is the median height of pieces at least a quarter as tall as
// the tallest: the height of a character as written. Tesseract's boxes
// say it less well: in a view at full size they can span the whole line's
// height, and a small digit is then under a third of it.
func inkHeight(pieces []image.Rectangle) float64 {
	tallest := 0
	for _, c := range pieces {
		tallest = max(tallest, c.Dy())
	}
	var hs []int
	for _, c := range pieces {
		if 4*c.Dy() >= tallest {
			hs = append(hs, c.Dy())
		}
	}
	if len(hs) == 0 {
		return 0
	}
	slices.Sort(hs)
	return float64(hs[len(hs)/2])
}

// symbols is every character res read, a word without characters as one.
func symbols(res ocr.Result) []ocr.Symbol {
	var out []ocr.Symbol
	for _, w := range res.Words {
		if len(w.Symbols) == 0 {
			out = append(out, ocr.Symbol{Text: w.Text, Confidence: w.Confidence, Box: w.Box})
			continue
		}
		out = append(out, w.Symbols...)
	}
	return out
}

// medianHeight is the median height of syms' boxes.
func medianHeight(syms []ocr.Symbol) float64 {
	hs := make([]int, len(syms))
	for i, s := range syms {
		hs[i] = s.Box.Dy()
	}
	slices.Sort(hs)
	return float64(hs[len(hs)/2])
}

// inkPieces is the bounds of img's 8-connected pieces of ink (a view of a
// prepared field: dark ink on white). A pixel under mid-grey is ink, so a
// halved view's grey edges count half.
func inkPieces(img *image.Gray) []image.Rectangle {
	r := img.Rect
	w := r.Dx()
	_, pieces := label(w, r.Dy(), func(i int) bool { return img.Pix[img.PixOffset(r.Min.X+i%w, r.Min.Y+i/w)] < 128 })
	out := make([]image.Rectangle, len(pieces))
	for i, p := range pieces {
		out[i] = image.Rect(r.Min.X+p.minX, r.Min.Y+p.minY, r.Min.X+p.maxX+1, r.Min.Y+p.maxY+1)
	}
	return out
}
