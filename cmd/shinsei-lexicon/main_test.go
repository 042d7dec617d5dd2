package main

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite forms/names/names.tsv and variants.tsv from Debian's mecab-ipadic and kanjidic-xml")

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
	matchesCommitted(t, committed, got, debianSource)
}

// The committed variant pairs are exactly what this tool derives from
// KANJIDIC2 as Debian ships it (make test installs kanjidic-xml), and hold
// the pairs a name is written with either way.
func TestCommittedVariantsAreDerived(t *testing.T) {
	const committed = "../../forms/names/variants.tsv"
	kd, err := os.ReadFile(kanjidicSource)
	if err != nil {
		t.Fatalf("%v: install Debian's kanjidic-xml (scripts/setup.sh --test does)", err)
	}
	lex, err := os.ReadFile("../../forms/names/names.tsv")
	if err != nil {
		t.Fatal(err)
	}
	got, n, err := buildVariants(kd, lex)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"冨\t富", "恵\t惠", "峯\t峰", "蔵\t藏", "澤\t沢"} {
		a, b, _ := strings.Cut(p, "\t")
		if !bytes.Contains(got, []byte(p+"\n")) && !bytes.Contains(got, []byte(b+"\t"+a+"\n")) {
			t.Errorf("no pair %s/%s among the %d derived", a, b, n)
		}
	}
	matchesCommitted(t, committed, got, kanjidicSource)
}

// matchesCommitted fails unless committed holds got, what the tool derives
// from source; with -update it writes got there first.
func matchesCommitted(t *testing.T, committed string, got []byte, source string) {
	t.Helper()
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
		t.Errorf("%s differs from what shinsei-lexicon derives from %s; run go test ./cmd/shinsei-lexicon -update", committed, source)
	}
}

func TestBuildRefusesEmpty(t *testing.T) {
	if _, _, err := build([]byte("foo,1,2\n")); err == nil {
		t.Error("build of a CSV with no names succeeded")
	}
}
