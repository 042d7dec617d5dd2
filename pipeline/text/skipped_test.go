package text

import (
	"image"
	"slices"
	"testing"

	"shinsei/ocr"
)

// TestSkipsWriting draws pieces of ink and hands skipsWriting the
// characters a read put round some of them.
func TestSkipsWriting(t *testing.T) {
	rect := image.Rect
	// Three characters 80 px high at x 20, 120 and 220; the third is a
	// stroke of 川 (three separate pieces), the kind a read passes over.
	chars := []image.Rectangle{rect(20, 20, 100, 100), rect(120, 20, 200, 100)}
	kawa := []image.Rectangle{rect(225, 25, 235, 95), rect(250, 30, 258, 90), rect(275, 25, 285, 98)}
	syms := func(bs ...image.Rectangle) ocr.Result {
		var w ocr.Word
		for _, b := range bs {
			w.Symbols = append(w.Symbols, ocr.Symbol{Text: "字", Confidence: 0.97, Box: b})
			w.Box = w.Box.Union(b)
		}
		return ocr.Result{Words: []ocr.Word{w}}
	}
	for _, c := range []struct {
		name string
		ink  []image.Rectangle
		res  ocr.Result
		want bool
	}{
		{"every piece read", append(chars, kawa...), syms(chars[0], chars[1], rect(222, 22, 288, 100)), false},
		{"a character passed over", append(chars, kawa...), syms(chars[0], chars[1]), true},
		{"a 濁点 left out", append(chars, rect(205, 15, 215, 25)), syms(chars[0], chars[1]), false},
		{"a radical beside its character's box", append(chars, rect(202, 60, 218, 100)), syms(chars[0], chars[1]), false},
		{"a stroke beyond the margin", append(chars, rect(222, 40, 230, 90)), syms(chars[0], chars[1]), true},
		{"a box a pixel wide beside its digit", []image.Rectangle{chars[0], rect(120, 20, 150, 100)}, syms(chars[0], rect(112, 22, 113, 98)), false},
		{"a line under the characters", append(chars, rect(20, 104, 200, 110)), syms(chars[0], chars[1]), false},
		{"a word without symbols", chars, ocr.Result{Words: []ocr.Word{{Text: "字字", Box: rect(20, 20, 200, 100)}}}, false},
		{"nothing read", chars, ocr.Result{}, false},
	} {
		if got := skipsWriting(inkPieces(inked(rect(0, 0, 320, 120), c.ink)), c.res); got != c.want {
			t.Errorf("%s: skipsWriting = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestSkipsDigit draws the pieces of a date's writing and hands dayWriting
// the characters a read put round them.
func TestSkipsDigit(t *testing.T) {
	rect := image.Rect
	// 10月3日 at 80 px high: 1, 0, 月, 3, 日; the small 1 of 31 is 40 px
	// high, 12 px right of the 3.
	one, zero, tsuki, three, nichi := rect(20, 20, 30, 100), rect(45, 20, 95, 100), rect(110, 20, 190, 100), rect(205, 20, 255, 100), rect(320, 20, 400, 100)
	small := rect(267, 60, 273, 100)
	day := []sym{{"1", one}, {"0", zero}, {"月", tsuki}, {"3", three}, {"日", nichi}}
	for _, c := range []struct {
		name string
		ink  []image.Rectangle
		res  ocr.Result
		want bool
	}{
		{"every digit read", []image.Rectangle{one, zero, tsuki, three, nichi}, read(day...), false},
		{"a small digit passed over", []image.Rectangle{one, zero, tsuki, three, small, nichi}, read(day...), true},
		{"a small digit inside the box of the digit before it", []image.Rectangle{one, zero, tsuki, three, small, nichi},
			read(sym{"1", one}, sym{"0", zero}, sym{"月", tsuki}, sym{"3", rect(205, 20, 274, 100)}, sym{"日", nichi}), true},
		{"a small digit read", []image.Rectangle{one, zero, tsuki, three, small, nichi},
			read(sym{"1", one}, sym{"0", zero}, sym{"月", tsuki}, sym{"3", three}, sym{"1", small}, sym{"日", nichi}), false},
		{"a small digit, the boxes the line's height", []image.Rectangle{one, zero, tsuki, three, rect(267, 70, 273, 100), nichi},
			read(sym{"1", rect(20, 0, 30, 120)}, sym{"0", rect(45, 0, 95, 120)}, sym{"月", rect(110, 0, 190, 120)}, sym{"3", rect(205, 0, 255, 120)}, sym{"日", rect(320, 0, 400, 120)}), true},
		{"a small digit passed over, the day read in full width", []image.Rectangle{one, zero, tsuki, three, small, nichi},
			read(sym{"1", one}, sym{"0", zero}, sym{"月", tsuki}, sym{"３", three}, sym{"日", nichi}), true},
		{"a small digit at the end of the line", []image.Rectangle{one, zero, tsuki, three, small}, read(day[:4]...), true},
		{"a digit in two strokes, one above the other", []image.Rectangle{one, zero, tsuki, rect(205, 20, 255, 55), rect(210, 58, 255, 100), nichi}, read(day...), false},
		{"a digit in two strokes side by side, touching", []image.Rectangle{one, zero, tsuki, rect(205, 20, 232, 100), rect(232, 20, 255, 100), nichi}, read(day...), false},
		{"a small digit two pixels from the digit before it", []image.Rectangle{one, zero, tsuki, three, rect(257, 60, 263, 100), nichi}, read(day...), true},
		// The 3's top stroke reaches column 254, the small 1 starts at
		// 255 lower down: apart, though their bounds touch.
		{"a small digit whose bounds touch the digit before it", []image.Rectangle{one, zero, tsuki, rect(205, 20, 255, 50), rect(205, 50, 240, 100), rect(255, 70, 261, 100), nichi}, read(day...), true},
		// A thin small 1 that the view breaks into pieces each smaller
		// than a speck.
		{"a small digit in broken pieces", []image.Rectangle{one, zero, tsuki, three, rect(267, 60, 273, 66), rect(267, 70, 273, 76), rect(267, 80, 273, 86), rect(267, 90, 273, 100), nichi}, read(day...), true},
		{"a speck after the day", []image.Rectangle{one, zero, tsuki, three, rect(267, 90, 273, 100), nichi}, read(day...), false},
		{"a small digit in the month", []image.Rectangle{one, zero, rect(100, 60, 106, 100), tsuki, three, nichi}, read(day...), false},
		{"no digit read", []image.Rectangle{tsuki, nichi}, read(sym{"月", tsuki}, sym{"日", nichi}), false},
		{"nothing read", []image.Rectangle{one}, ocr.Result{}, false},
	} {
		img := inked(rect(0, 0, 420, 120), c.ink)
		if got, _ := dayWriting(img.Rect, inkPieces(img), c.res); got != c.want {
			t.Errorf("%s: skips = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestSmallDigit draws the pieces of 2026年11月2日 (digits 80 px high) and
// hands dayWriting the characters a read put round them.
func TestSmallDigit(t *testing.T) {
	rect := image.Rect
	digit := func(i int) image.Rectangle { return rect(10+i*40, 20, 40+i*40, 100) } // 2026 at 0–3, 11 at 5–6
	nen, tsuki, nichi := rect(170, 15, 200, 105), rect(290, 15, 320, 105), rect(390, 15, 420, 105)
	before := []sym{{"2", digit(0)}, {"0", digit(1)}, {"2", digit(2)}, {"6", digit(3)}, {"年", nen}, {"1", digit(5)}, {"1", digit(6)}, {"月", tsuki}}
	ink := []image.Rectangle{digit(0), digit(1), digit(2), digit(3), nen, digit(5), digit(6), tsuki, nichi}
	with := func(day ...image.Rectangle) []image.Rectangle { return append(slices.Clone(ink), day...) }
	readAs := func(day ...sym) ocr.Result {
		return read(append(append(slices.Clone(before), day...), sym{"日", nichi})...)
	}
	for _, c := range []struct {
		name string
		ink  []image.Rectangle
		res  ocr.Result
		want bool
	}{
		{"a day as tall as the digits before it", with(rect(340, 20, 370, 100)), readAs(sym{"2", rect(340, 20, 370, 100)}), false},
		{"a day half as tall", with(rect(345, 60, 365, 100)), readAs(sym{"1", rect(345, 60, 365, 100)}), true},
		{"a day three quarters as tall", with(rect(345, 40, 365, 100)), readAs(sym{"2", rect(345, 40, 365, 100)}), false},
		{"the second digit of the day small, read", with(rect(330, 20, 350, 100), rect(358, 60, 364, 100)), readAs(sym{"3", rect(330, 20, 350, 100)}, sym{"1", rect(358, 60, 364, 100)}), true},
		{"a small digit in the month", append(slices.Clone(ink[:6]), rect(255, 60, 262, 100), tsuki, nichi, rect(340, 20, 370, 100)),
			read(before[0], before[1], before[2], before[3], before[4], before[5], sym{"1", rect(255, 60, 262, 100)}, before[7], sym{"2", rect(340, 20, 370, 100)}, sym{"日", nichi}), false},
		{"two digits before the day", []image.Rectangle{digit(5), digit(6), tsuki, rect(345, 60, 365, 100), nichi},
			read(before[5], before[6], before[7], sym{"1", rect(345, 60, 365, 100)}, sym{"日", nichi}), false},
		{"the digits' boxes hold other characters too", with(rect(345, 60, 365, 100)),
			read(sym{"2026年", rect(10, 0, 200, 120)}, sym{"1", rect(210, 0, 330, 120)}, sym{"1", rect(230, 0, 330, 120)}, sym{"月", tsuki}, sym{"1", rect(345, 60, 365, 100)}, sym{"日", nichi}), false},
		{"nothing read", with(rect(345, 60, 365, 100)), ocr.Result{}, false},
	} {
		img := inked(rect(0, 0, 440, 120), c.ink)
		if skips, got := dayWriting(img.Rect, inkPieces(img), c.res); skips || got != c.want {
			t.Errorf("%s: skips %v, small = %v; want no skip, small %v", c.name, skips, got, c.want)
		}
	}
}

// sym is a character read, with its box.
type sym struct {
	text string
	box  image.Rectangle
}

// read is a read of the characters ss.
func read(ss ...sym) ocr.Result {
	var w ocr.Word
	for _, s := range ss {
		w.Symbols = append(w.Symbols, ocr.Symbol{Text: s.text, Confidence: 0.97, Box: s.box})
	}
	return ocr.Result{Words: []ocr.Word{w}}
}

// inked is a white image of bounds r with ink in every rectangle of ink.
func inked(r image.Rectangle, ink []image.Rectangle) *image.Gray {
	img := image.NewGray(r)
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for _, b := range ink {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				img.Pix[img.PixOffset(x, y)] = 0
			}
		}
	}
	return img
}

// BenchmarkSkipsDigit is the checks of the day's writing on one view of a
// date at full size (800 × 130 px, ten characters), given the pieces of ink
// skipsWriting found already: what they add to reading a date's view.
func BenchmarkSkipsDigit(b *testing.B) {
	var ink []image.Rectangle
	var w ocr.Word
	for i, t := range []string{"2", "0", "2", "6", "年", "1", "0", "月", "3", "日"} {
		r := image.Rect(20+i*75, 25, 80+i*75, 105)
		ink = append(ink, r)
		w.Symbols = append(w.Symbols, ocr.Symbol{Text: t, Confidence: 0.97, Box: r})
	}
	img := inked(image.Rect(0, 0, 800, 130), ink)
	pieces := inkPieces(img)
	res := ocr.Result{Words: []ocr.Word{w}}
	for b.Loop() {
		dayWriting(img.Rect, pieces, res)
	}
}
