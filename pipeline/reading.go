package pipeline

import (
	"fmt"
	"slices"

	"shinsei/forms"
	"shinsei/forms/names"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// CodeKanaProposed: the フリガナ read was unsure, and the reading of the
// name's kanji nearest to it is put in as the value for a person to confirm.
const CodeKanaProposed = "kana_proposed"

// CodeNameFromKana: the 氏名 went to a person, and the second reader,
// asked which of the names its フリガナ reads as the box holds, chose one:
// that name is put in as the value for a person to confirm.
const CodeNameFromKana = "name_from_kana"

// nameFromKana hands the reviewer of a 氏名 the name its フリガナ says was
// written, where the kanji were misread: a brush hand's 中島愛 read 中但愛
// beside ナカジマアイ read right. The フリガナ is written apart and read
// apart, so it is evidence the kanji's reading is not: the names whose
// reading is nearest it (names.Lexicon.NamesRead; at most a third of its
// kana away) are put to the second reader, and the one it chooses
// (choose: text.Reader.ChooseNameRead) is proposed. A 氏名 already one of
// those names is left as it is: it fits its フリガナ as well as any. The
// field stays for review; what it held is kept in its raw.
func (e *Engine) nameFromKana(rec *forms.Record, t *templates.Template, choose func(templates.Field, []string) (string, bool)) {
	if e.names == nil {
		return
	}
	for fd, kanaID := range nameFields(t) {
		fv := rec.Fields[fd.ID]
		kana, _ := rec.Fields[kanaID].Value.(string)
		read, _ := fv.Value.(string)
		if !fv.Review || fv.Raw != "" || kana == "" {
			continue
		}
		cands, _ := e.names.NamesRead(kana, names.Near)
		if len(cands) == 0 || slices.Contains(cands, text.WithoutSpaces(read)) {
			continue
		}
		name, ok := choose(fd, cands)
		if !ok || name == text.WithoutSpaces(read) {
			continue
		}
		fv.Raw, fv.Value = read, name
		fv.Confidence = min(fv.Confidence, unsureCap)
		rec.Fields[fd.ID] = fv
		// The value is no longer the second reader's free choice.
		rec.Issues = slices.DeleteFunc(rec.Issues, func(is forms.Issue) bool {
			return is.Field == fd.ID && is.Code == text.WhySecond
		})
		rec.Issues = append(rec.Issues, forms.Issue{Field: fd.ID, Code: CodeNameFromKana, Message: fmt.Sprintf("「%s」の値は読み取り結果ではなく、フリガナの読みを持つ名前から第二の読み取りが選んだ候補です。用紙と照合してください / the value of %q is not what was read but the name the second reader chose among those its フリガナ reads as: confirm it against the form — what the field held before is in its raw", fd.Label, fd.ID)})
	}
}

// proposeReadings hands the reviewer of an unsure フリガナ the reading its
// name's kanji have in the lexicon, when what was read is near one of
// them (コテウセツコ under 後藤節子 is ゴトウセツコ): kana misread into a
// line no one is called leave the reviewer to type the whole of it, while
// the name beside it usually settles it. Under a name the models chose
// among the lexicon's (text_second_reader: both alike, or the first very
// clearly), the reading nearest is
// proposed however far it is (ルトウチキサム under 伊藤修 is イトウオサム):
// the name is then the better evidence of the two. So too under a name
// Tesseract read surely that went to a person only because this
// フリガナ, read unsurely, is far from its readings (name_reading_mismatch
// alone): on the calibration hands all 13 such names were right, and 10
// of their フリガナ wrong. What was read stays in the field's raw, and
// the field unsure.
func (e *Engine) proposeReadings(rec *forms.Record, t *templates.Template) {
	if e.names == nil {
		return
	}
	for fd, kanaID := range nameFields(t) {
		kv, ok := rec.Fields[kanaID]
		if !ok || !kv.Review {
			continue
		}
		read, _ := kv.Value.(string)
		name, _ := rec.Fields[fd.ID].Value.(string)
		if read == "" || name == "" {
			continue
		}
		share := names.Near
		if rec.HasIssue(fd.ID, text.WhySecond) || rec.HasIssue(fd.ID, CodeNameFromKana) || onlyHeldAgainst(rec, fd.ID) {
			share = 1
		}
		p, ok := e.names.NearestReading(name, read, share)
		if !ok {
			continue
		}
		kv.Raw, kv.Value, kv.Confidence = read, p, min(kv.Confidence, unsureCap)
		rec.Fields[kanaID] = kv
		label := kanaID
		if kf, ok := t.Field(kanaID); ok {
			label = kf.Label
		}
		rec.Issues = append(rec.Issues, forms.Issue{Field: kanaID, Code: CodeKanaProposed, Message: fmt.Sprintf("「%s」を読み取れず、氏名の読みのうち最も近いものを候補として入れました / %q was not read surely; the reading of the name in %q nearest to it is put in as a proposal — check it against the form", label, kanaID, fd.ID)})
	}
}

// onlyHeldAgainst reports whether the 氏名 id was read surely, and sent
// to a person only because its フリガナ does not fit it: its one issue is
// name_reading_mismatch.
func onlyHeldAgainst(rec *forms.Record, id string) bool {
	n := 0
	for _, is := range rec.Issues {
		if is.Field != id {
			continue
		}
		if is.Code != CodeNameReading {
			return false
		}
		n++
	}
	return n > 0
}
