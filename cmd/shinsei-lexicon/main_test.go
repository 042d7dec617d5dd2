package main

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite forms/names/names.tsv from Debian's mecab-ipadic")

// The committed lexicon is exactly what this tool derives from the
// dictionary Debian ships (make test installs mecab-ipadic), so nobody can
// edit it by hand unseen.
func TestCommittedLexiconIsDerived(t *testing.T) {
	const committed = "../../forms/names/names.tsv"
	src, err := os.ReadFile(debianSource)
	if err != nil {
		t.Fatalf("%v: install Debian's mecab-ipadic (scripts/setup.sh --test does)", err)
	}
	got, n, err := build(src)
	if err != nil {
		t.Fatal(err)
	}
	if n < 30000 {
		t.Errorf("derived only %d names; Noun.name.csv holds about 32,000 family and given names", n)
	}
	if *update {
		if err := os.WriteFile(committed, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what shinsei-lexicon derives from %s; run go test ./cmd/shinsei-lexicon -update", committed, debianSource)
	}
}

func TestBuildRefusesEmpty(t *testing.T) {
	if _, _, err := build([]byte("foo,1,2\n")); err == nil {
		t.Error("build of a CSV with no names succeeded")
	}
}
