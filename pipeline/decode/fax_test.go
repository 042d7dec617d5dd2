package decode_test

import (
	"image"
	"sort"
	"strings"
)

// A small CCITT fax encoder (ITU-T T.4 one-dimensional and T.6 Group 4),
// so that tests can make fax-compressed pages of any content instead of
// committing binary fixtures. Black is any pixel below 128.

// Run-length codes (T.4 tables 2 and 3), as bit strings.
var (
	whiteTerm = strings.Fields(`00110101 000111 0111 1000 1011 1100 1110 1111 10011 10100 00111 01000 001000 000011 110100 110101
		101010 101011 0100111 0001100 0001000 0010111 0000011 0000100 0101000 0101011 0010011 0100100 0011000 00000010 00000011 00011010
		00011011 00010010 00010011 00010100 00010101 00010110 00010111 00101000 00101001 00101010 00101011 00101100 00101101 00000100 00000101 00001010
		00001011 01010010 01010011 01010100 01010101 00100100 00100101 01011000 01011001 01011010 01011011 01001010 01001011 00110010 00110011 00110100`)
	blackTerm = strings.Fields(`0000110111 010 11 10 011 0011 0010 00011 000101 000100 0000100 0000101 0000111 00000100 00000111 000011000
		0000010111 0000011000 0000001000 00001100111 00001101000 00001101100 00000110111 00000101000 00000010111 00000011000 000011001010 000011001011 000011001100 000011001101 000001101000 000001101001
		000001101010 000001101011 000011010010 000011010011 000011010100 000011010101 000011010110 000011010111 000001101100 000001101101 000011011010 000011011011 000001010100 000001010101 000001010110 000001010111
		000001100100 000001100101 000001010010 000001010011 000000100100 000000110111 000000111000 000000100111 000000101000 000001011000 000001011001 000000101011 000000101100 000001011010 000001100110 000001100111`)
	// Make-up codes for 64, 128, … 1728.
	whiteMakeup = strings.Fields(`11011 10010 010111 0110111 00110110 00110111 01100100 01100101 01101000 01100111 011001100 011001101 011010010 011010011
		011010100 011010101 011010110 011010111 011011000 011011001 011011010 011011011 010011000 010011001 010011010 011000 010011011`)
	blackMakeup = strings.Fields(`0000001111 000011001000 000011001001 000001011011 000000110011 000000110100 000000110101 0000001101100 0000001101101
		0000001001010 0000001001011 0000001001100 0000001001101 0000001110010 0000001110011 0000001110100 0000001110101 0000001110110 0000001110111
		0000001010010 0000001010011 0000001010100 0000001010101 0000001011010 0000001011011 0000001100100 0000001100101`)
	// Make-up codes for 1792, 1856, … 2560, shared by both colours.
	extMakeup = strings.Fields(`00000001000 00000001100 00000001101 000000010010 000000010011 000000010100 000000010101 000000010110 000000010111
		000000011100 000000011101 000000011110 000000011111`)
)

const eol = "000000000001"

type bitWriter struct {
	out   []byte
	cur   byte
	nbits int
}

func (w *bitWriter) put(code string) {
	for _, c := range code {
		w.cur <<= 1
		if c == '1' {
			w.cur |= 1
		}
		w.nbits++
		if w.nbits == 8 {
			w.out = append(w.out, w.cur)
			w.cur, w.nbits = 0, 0
		}
	}
}

func (w *bitWriter) align() {
	for w.nbits != 0 {
		w.put("0")
	}
}

func (w *bitWriter) bytes() []byte {
	w.align()
	return w.out
}

func (w *bitWriter) run(black bool, n int) {
	term, makeup := whiteTerm, whiteMakeup
	if black {
		term, makeup = blackTerm, blackMakeup
	}
	for n >= 2560 {
		w.put(extMakeup[len(extMakeup)-1])
		n -= 2560
	}
	if n >= 64 {
		m := n / 64 * 64
		if m <= 1728 {
			w.put(makeup[m/64-1])
		} else {
			w.put(extMakeup[(m-1792)/64])
		}
		n -= m
	}
	w.put(term[n])
}

// changes lists, for each row of img, the positions where the colour
// changes, starting from an imaginary white pixel before the row: even
// entries start black runs, odd ones white runs.
func changes(img *image.Gray) [][]int {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	rows := make([][]int, h)
	for y := range rows {
		black := false
		for x, v := range img.Pix[y*img.Stride : y*img.Stride+w] {
			if (v < 128) != black {
				black = !black
				rows[y] = append(rows[y], x)
			}
		}
	}
	return rows
}

// after returns the index of the first change in cs beyond a0 whose
// parity is parity (0: to black, 1: to white; -1: either).
func after(cs []int, a0, parity int) int {
	k := sort.SearchInts(cs, a0+1)
	if parity >= 0 && k < len(cs) && k%2 != parity {
		k++
	}
	return k
}

func at(cs []int, k, w int) int {
	if k < len(cs) {
		return cs[k]
	}
	return w
}

// encodeG4 encodes img as T.6 (Group 4), optionally starting every row on
// a byte boundary (PDF's EncodedByteAlign).
func encodeG4(img *image.Gray, align bool) []byte {
	w := img.Rect.Dx()
	var ref []int // the row above; none above the first row means all white
	bw := &bitWriter{}
	for _, cur := range changes(img) {
		if align {
			bw.align()
		}
		a0, black := -1, false
		for a0 < w {
			colour := 0 // a0's colour: 0 white, 1 black
			if black {
				colour = 1
			}
			a1 := at(cur, after(cur, a0, -1), w)
			kb1 := after(ref, a0, colour) // b1 has the colour opposite to a0's
			b1, b2 := at(ref, kb1, w), at(ref, kb1+1, w)
			if b2 < a1 {
				bw.put("0001") // pass
				a0 = b2
				continue
			}
			if d := a1 - b1; d >= -3 && d <= 3 {
				bw.put([]string{"0000010", "000010", "010", "1", "011", "000011", "0000011"}[d+3])
				a0, black = a1, !black
				continue
			}
			a2 := at(cur, after(cur, a1, -1), w)
			bw.put("001") // horizontal
			bw.run(black, a1-max(a0, 0))
			bw.run(!black, a2-a1)
			a0 = a2
		}
		ref = cur
	}
	if align {
		bw.align()
	}
	bw.put(eol + eol)
	return bw.bytes()
}

// encodeG3 encodes img as T.4 one-dimensional (PDF K=0) with an EOL before
// every row and RTC at the end (PDF's EndOfLine true).
func encodeG3(img *image.Gray) []byte {
	bw := &bitWriter{}
	bw.put(eol)
	w := img.Rect.Dx()
	for _, cs := range changes(img) {
		start, black := 0, false
		for _, x := range append(cs, w) {
			bw.run(black, x-start)
			start, black = x, !black
		}
		bw.put(eol)
	}
	for range 5 {
		bw.put(eol)
	}
	return bw.bytes()
}
