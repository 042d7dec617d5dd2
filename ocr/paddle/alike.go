package paddle

import (
	"bufio"
	"bytes"
	_ "embed"
	"strings"
)

//go:embed alike.tsv
var alikeFile []byte

// Alike is, for each character an address is written with, what the
// models take it for in print (alike.tsv, derived by cmd/shinsei-alike):
// 県, which their alphabet lacks, they read as 鼎 or 渠; 丁 as T.
func Alike() map[rune][]rune {
	out := map[rune][]rune{}
	sc := bufio.NewScanner(bytes.NewReader(alikeFile))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "\t")
		if kr := []rune(k); ok && len(kr) == 1 {
			out[kr[0]] = []rune(v)
		}
	}
	return out
}
