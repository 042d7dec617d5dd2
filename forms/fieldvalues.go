package forms

import (
	"math"
	"strings"
	"time"
)

// fieldSet reads field values three-valued: each accessor says whether
// the value is known. Unknown means nil, absent, or of a type that field
// cannot hold — the last treated like the reader being unsure, because a
// rule must not turn a malformed value into a definite violation.
type fieldSet map[string]FieldValue

func (f fieldSet) bool(id string) (v, known bool) {
	v, known = f[id].Value.(bool)
	return v, known
}

// text is the field's text, normalised; whitespace only counts as empty.
func (f fieldSet) text(id string) (string, bool) {
	s, ok := f[id].Value.(string)
	if !ok {
		return "", false
	}
	return NormalizeText(s), true
}

// count is a PIN field's number of filled cells. A record read back from
// JSON carries numbers as float64, so integral floats count too.
func (f fieldSet) count(id string) (int, bool) {
	switch v := f[id].Value.(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case int32:
		return int(v), true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e6 {
			return int(v), true
		}
	}
	return 0, false
}

// date is a date field, stored as YYYY-MM-DD. A string in another shape is
// unknown here: turning text into dates is ParseDate's job upstream.
func (f fieldSet) date(id string) (time.Time, bool) {
	s, ok := f[id].Value.(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	return t, err == nil
}

// allFalse: every one of ids is known and unchecked.
func (f fieldSet) allFalse(ids ...string) bool {
	for _, id := range ids {
		if v, ok := f.bool(id); !ok || v {
			return false
		}
	}
	return true
}

// anyTrue: at least one of ids is known and checked.
func (f fieldSet) anyTrue(ids ...string) bool {
	for _, id := range ids {
		if v, ok := f.bool(id); ok && v {
			return true
		}
	}
	return false
}

// anyText: at least one of ids is known and non-empty.
func (f fieldSet) anyText(ids ...string) bool {
	for _, id := range ids {
		if s, ok := f.text(id); ok && s != "" {
			return true
		}
	}
	return false
}

// Sure returns the fields with every value a person must still confirm
// (Review) made unknown (nil): what the rules may judge, so that no rule
// reports a violation the reader only guessed.
func Sure(fields map[string]FieldValue) map[string]FieldValue {
	out := make(map[string]FieldValue, len(fields))
	for id, fv := range fields {
		if fv.Review {
			fv.Value = nil
		}
		out[id] = fv
	}
	return out
}
