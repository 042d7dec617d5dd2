package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"shinsei/ocr/paddle/paddletest"
)

// The committed table holds, for a sample of characters (deriving every
// one takes the models a minute and a half), exactly what this tool
// derives: nobody edits it by hand unseen, and a change of models or
// faces shows. 県 is the character the table is for: the models have none.
func TestCommittedTableIsDerived(t *testing.T) {
	data, err := os.ReadFile("../../ocr/paddle/alike.tsv")
	if err != nil {
		t.Fatal(err)
	}
	committed := map[rune]string{}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, "\t")
		if r := []rune(k); ok && len(r) == 1 && !strings.HasPrefix(line, "#") {
			committed[r[0]] = v
		}
	}
	p := paddletest.Pool(t)
	faces, err := loadFaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range "県丁島宮目番号1東京" {
		got, err := derive(context.Background(), p, faces, c, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != committed[c] {
			t.Errorf("%c: derived %q, committed %q; run go run ./cmd/shinsei-alike", c, string(got), committed[c])
		}
	}
	if committed['県'] == "" {
		t.Error("the table has no alike for 県, which the models lack")
	}
}
