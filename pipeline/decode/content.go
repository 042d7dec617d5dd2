package decode

import (
	"bytes"
	"strconv"
)

// matrix is a PDF transformation [a b c d e f]: (x,y) ↦ (ax+cy+e, bx+dy+f).
type matrix [6]float64

func identity() matrix { return matrix{1, 0, 0, 1, 0, 0} }

// mul returns m applied first, then n (PDF's "m n mul").
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2],
		m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2],
		m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4],
		m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

// doOp is one "Do" in a content stream: the XObject name and the
// transformation in force when it was painted.
type doOp struct {
	name string
	ctm  matrix
}

// scanContent finds the XObjects a content stream paints, with their
// transformations. It understands just enough of the syntax to get those
// right — q/Q, cm, Do — and skips everything else, including strings and
// inline image data, which may contain anything. Fonts, paths and text
// are irrelevant to a scan, so there is no need for a real interpreter.
func scanContent(b []byte, ctm matrix) []doOp {
	var (
		ops   []doOp
		stack []matrix
		nums  []float64 // trailing numeric operands
		name  string    // trailing name operand
	)
	// Guard against hostile nesting: a real page needs a handful of levels.
	const maxDepth = 64
	l := lexer{b: b}
	for {
		tok, kind := l.next()
		switch kind {
		case tokEOF:
			return ops
		case tokNumber:
			v, err := strconv.ParseFloat(string(tok), 64)
			if err != nil {
				nums = nums[:0]
				continue
			}
			nums = append(nums, v)
			if len(nums) > 6 {
				nums = nums[1:]
			}
			name = ""
			continue
		case tokName:
			name = string(tok)
			nums = nums[:0]
			continue
		case tokOther:
			nums, name = nums[:0], ""
			continue
		}
		// An operator.
		switch string(tok) {
		case "q":
			if len(stack) < maxDepth {
				stack = append(stack, ctm)
			}
		case "Q":
			if n := len(stack); n > 0 {
				ctm, stack = stack[n-1], stack[:n-1]
			}
		case "cm":
			if len(nums) == 6 {
				ctm = matrix(nums).mul(ctm)
			}
		case "Do":
			if name != "" {
				ops = append(ops, doOp{name: name, ctm: ctm})
			}
		case "BI":
			l.skipInlineImage()
		}
		nums, name = nums[:0], ""
	}
}

type tokKind int

const (
	tokEOF tokKind = iota
	tokNumber
	tokName
	tokOperator
	tokOther // strings, arrays, dictionaries: operands this scanner ignores
)

type lexer struct {
	b []byte
	i int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (l *lexer) next() ([]byte, tokKind) {
	for l.i < len(l.b) {
		c := l.b[l.i]
		switch {
		case isSpace(c):
			l.i++
		case c == '%':
			for l.i < len(l.b) && l.b[l.i] != '\n' && l.b[l.i] != '\r' {
				l.i++
			}
		case c == '(':
			l.skipString()
			return nil, tokOther
		case c == '<' && l.i+1 < len(l.b) && l.b[l.i+1] == '<', c == '>' && l.i+1 < len(l.b) && l.b[l.i+1] == '>':
			l.i += 2
			return nil, tokOther
		case c == '<':
			for l.i < len(l.b) && l.b[l.i] != '>' {
				l.i++
			}
			l.i++
			return nil, tokOther
		case c == '/':
			start := l.i + 1
			l.i++
			for l.i < len(l.b) && !isSpace(l.b[l.i]) && !isDelim(l.b[l.i]) {
				l.i++
			}
			return unescapeName(l.b[start:l.i]), tokName
		case isDelim(c): // [ ] { } ) >
			l.i++
			return nil, tokOther
		default:
			start := l.i
			for l.i < len(l.b) && !isSpace(l.b[l.i]) && !isDelim(l.b[l.i]) {
				l.i++
			}
			tok := l.b[start:l.i]
			if c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9' {
				return tok, tokNumber
			}
			return tok, tokOperator
		}
	}
	return nil, tokEOF
}

// skipString skips a literal string, which may nest balanced parentheses
// and escape unbalanced ones.
func (l *lexer) skipString() {
	depth := 0
	for l.i < len(l.b) {
		switch l.b[l.i] {
		case '\\':
			l.i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				l.i++
				return
			}
		}
		l.i++
	}
}

// skipInlineImage skips from after BI to after EI. The image data after
// ID is binary; its end is found as "EI" between white space, which is
// what readers do since the length is not recorded.
func (l *lexer) skipInlineImage() {
	for {
		tok, kind := l.next()
		if kind == tokEOF {
			return
		}
		if kind == tokOperator && string(tok) == "ID" {
			break
		}
	}
	l.i++ // the single white-space byte after ID
	for l.i < len(l.b) {
		j := bytes.Index(l.b[l.i:], []byte("EI"))
		if j < 0 {
			l.i = len(l.b)
			return
		}
		at := l.i + j
		before := at == 0 || isSpace(l.b[at-1])
		after := at+2 >= len(l.b) || isSpace(l.b[at+2]) || isDelim(l.b[at+2])
		l.i = at + 2
		if before && after {
			return
		}
	}
}

// unescapeName decodes #xx escapes in a name (PDF 1.2+).
func unescapeName(b []byte) []byte {
	if bytes.IndexByte(b, '#') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '#' && i+2 < len(b) {
			if v, err := strconv.ParseUint(string(b[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return out
}
