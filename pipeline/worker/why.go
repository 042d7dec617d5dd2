package worker

import (
	"fmt"

	"shinsei/pipeline/batch"
	"shinsei/pipeline/watch"
)

// fileError is why a file from the inbox is not read, worded as a
// record's message (Japanese " / " English), for its record and why.txt.
type fileError struct{ msg string }

func (e *fileError) Error() string { return e.msg }

func triesError(name string, tries int) error {
	return &fileError{fmt.Sprintf("%s: このファイルは%d回処理を始めましたが、一度も終わりませんでした（処理中にワーカーが止まったか、時間切れです）。ファイルが壊れていないか確かめ、スキャンし直して受付に入れてください / shinsei began this file and never finished it, tries: %d (its worker stopped or timed out each time) — check that the file is not damaged, scan it again and put it into the inbox", name, tries, tries)}
}

func tooLargeError(name string, size int64) error {
	return &fileError{fmt.Sprintf("%s: ファイルが大きすぎます（%d MB、上限は%d MB）。ページ数の少ないファイルに分けてください / the file is too large for one scan (%d MB, at most %d MB) — split it into smaller files", name, size>>20, batch.MaxFileBytes>>20, size>>20, batch.MaxFileBytes>>20)}
}

// inboxAdvice is the why.txt text of a file quarantined from the inbox.
func inboxAdvice() watch.Advice {
	return watch.Advice{
		HeadJA: "このファイルは読み取れないため、写しを隔離用の場所（quarantine/）に置きました。",
		HeadEN: "this file could not be read, so a copy of it was put in quarantine/.",
		JA:     "直したファイル（またはスキャンし直したもの）を受付（inbox）に入れてください。読めたページの記録はアーカイブに残っています。shinsei は受付のファイルもこの写しも消しません。不要になったら担当者が処分してください。",
		EN:     "Put the corrected file (or a new scan) into the inbox. The records of the pages that could be read are in the archive. shinsei deletes neither the file in the inbox nor this copy; a person disposes of them when they are no longer needed.",
	}
}
