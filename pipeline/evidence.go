package pipeline

import (
	"fmt"
	"strings"

	"shinsei/forms"
	"shinsei/forms/names"
	"shinsei/templates"
)

// Issue codes of the cross-checks, which weigh a value against evidence
// that does not come from the recognizer agreeing with itself.
const (
	CodeNameReading = "name_reading_mismatch" // 氏名 and フリガナ, both read surely, do not fit each other
	CodeNameUnknown = "name_unknown"          // the 氏名 read is no known family and given name
)

// unsureCap is the highest confidence a value keeps once a cross-check has
// found it unsupported, so a record never pairs review with 0.99.
const unsureCap = 0.5

// checkNames holds each 氏名 read surely against the name lexicon and its
// フリガナ. Three readings of one line by one model agree with each other
// even when all three are wrong (鈴木翔太 read 鈴木翔大 at 0.96); what the
// kanji and the kana say of each other is evidence the model cannot fake:
//   - a known name whose フリガナ is one of its readings: both stand;
//   - a known name whose フリガナ fits none of its readings: one of the two
//     was misread, and a person must look at both;
//   - kanji that make no known name: a misread, or a rare name; either
//     way not sure, and neither is its フリガナ, which nothing confirms.
func (e *Engine) checkNames(rec *forms.Record, t *templates.Template) {
	if e.names == nil {
		return
	}
	for _, fd := range t.Fields {
		if fd.Kind != templates.Text || fd.Charset != templates.Kanji || !strings.HasSuffix(fd.ID, "_name") {
			continue
		}
		name, ok := sureText(rec, fd.ID)
		if !ok {
			continue
		}
		kanaID := strings.TrimSuffix(fd.ID, "_name") + "_kana"
		kana, kanaSure := sureText(rec, kanaID)
		verdict := names.Unknown
		switch {
		case kanaSure:
			verdict = e.names.Check(name, kana)
		case e.names.Known(name):
			verdict = names.Agrees // nothing to hold it against but the list
		}
		switch verdict {
		case names.Agrees:
		case names.Disagrees:
			unsure(rec, fd.ID, kanaID)
			rec.Issues = append(rec.Issues, forms.Issue{Field: fd.ID, Code: CodeNameReading, Message: fmt.Sprintf("「%s」とフリガナが合いません / the name in %q and its reading in %q do not fit each other — one of them was misread: check both", fd.Label, fd.ID, kanaID)})
		default:
			ids := []string{fd.ID}
			if kanaSure {
				ids = append(ids, kanaID)
			}
			unsure(rec, ids...)
			rec.Issues = append(rec.Issues, forms.Issue{Field: fd.ID, Code: CodeNameUnknown, Message: fmt.Sprintf("「%s」は名前の辞書にない読み取り結果です / what was read in %q is no name shinsei knows — check it (and its reading) against the form", fd.Label, fd.ID)})
		}
	}
}

// sureText is a field's text when it was read, is not empty, and needs no
// person.
func sureText(rec *forms.Record, id string) (string, bool) {
	fv, ok := rec.Fields[id]
	if !ok || fv.Review {
		return "", false
	}
	s, ok := fv.Value.(string)
	return s, ok && s != ""
}

// unsure sends fields to a person and caps their confidence.
func unsure(rec *forms.Record, ids ...string) {
	for _, id := range ids {
		fv, ok := rec.Fields[id]
		if !ok {
			continue
		}
		fv.Review = true
		fv.Confidence = min(fv.Confidence, unsureCap)
		rec.Fields[id] = fv
	}
}
