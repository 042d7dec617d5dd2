package batch

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// MaxFileBytes bounds what is read into memory for one file; decode
// refuses what would decode to more.
const MaxFileBytes = 512 << 20

// OpenError is why a file could not be read: a message for the clerk,
// naming the file and saying what to do, Japanese then English (worded as
// decode.Error words its messages: "問題。助言 / problem — advice"), with the
// system's own error kept out of it (as decode.Error does) but unwrappable
// for the log.
type OpenError struct {
	msg   string
	cause error
}

func (e *OpenError) Error() string { return e.msg }
func (e *OpenError) Unwrap() error { return e.cause }

// ReadFile reads a file to scan; its errors are *OpenError.
func ReadFile(name string) ([]byte, error) {
	fail := func(cause error, format string, args ...any) ([]byte, error) {
		return nil, &OpenError{msg: fmt.Sprintf(format, args...), cause: cause}
	}
	f, err := os.Open(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail(err, "%s: ファイルがありません。名前とフォルダーを確かめてください / there is no such file — check the name and the folder", name)
	case errors.Is(err, fs.ErrPermission):
		return fail(err, "%s: ファイルを読む権限がありません。管理者に許可を頼むか、shinsei が読める場所にファイルをコピーしてください / shinsei may not read this file — ask the administrator to allow it, or copy the file somewhere shinsei can read", name)
	case err != nil:
		return fail(err, "%s: ファイルを開けません。ディスクや共有フォルダーが使えるか確かめて、もう一度スキャンしてください / the file cannot be opened — check that the disk or share is available and scan it again", name)
	}
	defer f.Close()
	fi, err := f.Stat()
	switch {
	case err != nil:
		return fail(err, "%s: ファイルを開けません。ディスクや共有フォルダーが使えるか確かめて、もう一度スキャンしてください / the file cannot be opened — check that the disk or share is available and scan it again", name)
	case fi.IsDir():
		return fail(err, "%s: ファイルではなくフォルダーです。中のファイルを指定してください（例: %s/*） / this is a folder, not a file — give the files in it (for example %s/*)", name, strings.TrimSuffix(name, "/"), strings.TrimSuffix(name, "/"))
	case !fi.Mode().IsRegular():
		return fail(err, "%s: 通常のファイルではありません。スキャンをファイルとして保存し、そのファイルを指定してください / this is not a regular file — save the scan as a file and scan that", name)
	case fi.Size() > MaxFileBytes:
		return fail(err, "%s: ファイルが大きすぎます（%d MB、上限は%d MB）。ページ数の少ないファイルに分けてください / the file is too large for one scan (%d MB, at most %d MB) — split it into smaller files", name, fi.Size()>>20, MaxFileBytes>>20, fi.Size()>>20, MaxFileBytes>>20)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return fail(err, "%s: ファイルを最後まで読めません。ディスクや共有フォルダーを確かめて、もう一度スキャンしてください / the file could not be read to its end — check the disk or share and scan it again", name)
	}
	return data, nil
}
