package watch

import (
	"fmt"
	"strings"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/batch"
)

// WhyText is the why.txt of a quarantined file: what is wrong and what to
// do, all in Japanese first, then all in English, for the clerk who opens
// the quarantine folder. The problems are the records' own issue messages
// ("問題。助言 / problem — advice"), each half in its language.
func WhyText(f batch.FileResult, now time.Time) string {
	return Why(f, now, FolderAdvice())
}

// Advice is what a why.txt says besides the problems, in each language:
// its first line (what was done with the file) and its closing paragraph
// (where the corrected file goes, and what becomes of this one).
type Advice struct{ HeadJA, HeadEN, JA, EN string }

// FolderAdvice is the why.txt text of a watched folder.
func FolderAdvice() Advice {
	return Advice{
		HeadJA: "このファイルは読み取れないため、隔離フォルダーに移しました。",
		HeadEN: "this file could not be read, so it was moved to the quarantine folder.",
		JA:     "直したファイル（またはスキャンし直したもの）を受付フォルダーに入れてください。読めたページの記録はアーカイブに残っています。shinsei はこのファイルを消しません。不要になったら担当者が処分してください。",
		EN:     "Put the corrected file (or a new scan) into the watched folder. The records of the pages that could be read are in the archive. shinsei never deletes this file; a person disposes of it when it is no longer needed.",
	}
}

// Why is WhyText with other Advice, for a quarantine that
// is not a watched folder's (shinsei worker's, in the bucket).
func Why(f batch.FileResult, now time.Time, advice Advice) string {
	type problem struct{ where, ja, en string }
	var ps []problem
	add := func(page int, msg string) {
		// Messages start with the file's name, which the header says.
		for _, pre := range []string{f.Name + fmt.Sprintf(" page %d", page) + ": ", f.Name + ": "} {
			msg = strings.TrimPrefix(msg, pre)
		}
		ja, en, ok := strings.Cut(msg, " / ")
		if !ok {
			ja, en = msg, msg
		}
		ps = append(ps, problem{where: fmt.Sprint(page), ja: strings.TrimSpace(ja), en: strings.TrimSpace(en)})
	}
	for _, p := range f.Pages {
		for _, is := range p.Record.Issues {
			if is.Field == "" && p.Record.Status == forms.Rejected {
				add(p.Record.Source.Page, is.Message)
			}
		}
	}
	if f.Err != nil {
		add(len(f.Pages)+1, f.Err.Error())
	}
	var b strings.Builder
	fmt.Fprintf(&b, "shinsei: %s\n", advice.HeadJA)
	fmt.Fprintf(&b, "ファイル: %s\n日時: %s\n\n", f.Name, now.Format("2006-01-02 15:04:05 -07:00"))
	b.WriteString("何が問題か・どうすればよいか:\n")
	for _, p := range ps {
		fmt.Fprintf(&b, "  - %sページ目: %s\n", p.where, p.ja)
	}
	fmt.Fprintf(&b, "\n%s\n", advice.JA)
	b.WriteString("\n----\n\n")
	fmt.Fprintf(&b, "shinsei: %s\n", advice.HeadEN)
	fmt.Fprintf(&b, "File: %s\nAt: %s\n\n", f.Name, now.Format("2006-01-02 15:04:05 -07:00"))
	b.WriteString("What is wrong and what to do:\n")
	for _, p := range ps {
		fmt.Fprintf(&b, "  - page %s: %s\n", p.where, p.en)
	}
	fmt.Fprintf(&b, "\n%s\n", advice.EN)
	return b.String()
}
