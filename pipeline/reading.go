package pipeline

import (
	"fmt"

	"shinsei/forms"
	"shinsei/forms/names"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// CodeKanaProposed: the フリガナ read was unsure, and the reading of the
// name's kanji nearest to it is put in as the value for a person to confirm.
const CodeKanaProposed = "kana_proposed"

// proposeReadings hands the reviewer of an unsure フリガナ the reading its
// name's kanji have in the lexicon, when what was read is near one of
// them (コテウセツコ under 後藤節子 is ゴトウセツコ): kana misread into a
// line no one is called leave the reviewer to type the whole of it, while
// the name beside it usually settles it. Under a name the models chose
// among the lexicon's (text_second_reader: both alike, or the first very
// clearly), the reading nearest is
// proposed however far it is (ルトウチキサム under 伊藤修 is イトウオサム):
// the name is then the better evidence of the two. Not so under a name
// its フリガナ was held against (name_reading_mismatch): the kana read is
// the evidence against it, and the reviewer should see it. The field stays
// unsure.
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
		if rec.HasIssue(fd.ID, text.WhySecond) {
			share = 1
		}
		p, ok := e.names.NearestReading(name, read, share)
		if !ok {
			continue
		}
		kv.Value, kv.Confidence = p, min(kv.Confidence, unsureCap)
		rec.Fields[kanaID] = kv
		label := kanaID
		if kf, ok := t.Field(kanaID); ok {
			label = kf.Label
		}
		rec.Issues = append(rec.Issues, forms.Issue{Field: kanaID, Code: CodeKanaProposed, Message: fmt.Sprintf("「%s」を読み取れず、氏名の読みのうち最も近いものを候補として入れました / %q was not read surely; the reading of the name in %q nearest to it is put in as a proposal — check it against the form", label, kanaID, fd.ID)})
	}
}
