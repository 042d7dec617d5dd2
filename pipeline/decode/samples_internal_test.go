package decode

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestUnsupportedColorName: a colour space's name comes from the file, so
// the message names it only when it is a short printable name (FuzzPDF
// found bytes that are not even UTF-8 quoted into it).
func TestUnsupportedColorName(t *testing.T) {
	for _, c := range []struct {
		name  string
		named bool
	}{
		{"Lab", true},
		{"De\x80\xffGray", false},
		{strings.Repeat("A", 40), false},
		{"Dev ice", false},
	} {
		e := toError("f.pdf", 1, unsupportedColor(c.name))
		msg := e.Error()
		if !utf8.ValidString(msg) || !errors.Is(e, ErrUnsupportedCodec) {
			t.Errorf("%q: %q (valid UTF-8 %v), want valid UTF-8 and ErrUnsupportedCodec", c.name, msg, utf8.ValidString(msg))
		}
		if got := strings.Contains(msg, "("+c.name+")"); got != c.named {
			t.Errorf("%q: named in %q = %v, want %v", c.name, msg, got, c.named)
		}
	}
}
