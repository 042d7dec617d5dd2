package pipeline

import (
	"strings"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/text"
)

// pageReader is the text reader for a page whose printed slots are slots:
// on an answer sheet whose 作成日 was read, its 回答日 cannot be before
// that day (DOMAIN.md: the sheet is printed, mailed, then answered). A
// 作成日 misread later than it is can send a right 回答日 to a person; it
// never narrows the days the models choose among to make one sure
// (text's confirmDay).
func (e *Engine) pageReader(slots map[string]SlotReading) *text.Reader {
	if day, ok := sheetPrinted(slots); ok {
		return e.cfg.Text.WithEarliest(day)
	}
	return e.cfg.Text
}

// sheetPrinted is the day an answer sheet was printed, as its dates slot
// says (受付日 令和8年10月19日 作成日 令和8年10月20日).
func sheetPrinted(slots map[string]SlotReading) (time.Time, bool) {
	s, ok := slots["dates"]
	if !ok {
		return time.Time{}, false
	}
	_, after, ok := strings.Cut(s.Value, "作成日")
	if !ok {
		return time.Time{}, false
	}
	day, _, err := forms.ParseDate(after)
	return day, err == nil
}
