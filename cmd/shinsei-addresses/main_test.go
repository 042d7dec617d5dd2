package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite forms/address/towns.tsv and variants.tsv from their sources")

// The committed address master is exactly what this tool derives from the
// package scripts/setup.sh --test unpacks into .cache/jquery-jpostal-ja,
// so nobody can edit it by hand unseen.
func TestCommittedMasterIsDerived(t *testing.T) {
	const committed = "../../forms/address/towns.tsv"
	dir := filepath.Join("..", "..", ".cache", "jquery-jpostal-ja-"+Version, "package")
	got, n, err := build(dir)
	if err != nil {
		t.Fatalf("%v: run scripts/setup.sh --test, which fetches it with npm", err)
	}
	if n < 100000 {
		t.Errorf("derived only %d towns; Japan Post lists over 100,000", n)
	}
	checkCommitted(t, committed, got)
}

func TestCleanTown(t *testing.T) {
	for in, want := range map[string]string{
		"豊玉北": "豊玉北", "大泉学園町": "大泉学園町", "": "", "一円": "", "以下に掲載がない場合": "",
		"小菅村の次に664番地以降がくる場合": "", "名駅ミッドランドスクエア(高層棟)1階": "", "西新宿新宿野村ビル地階": "",
	} {
		got, ok := cleanTown(in)
		if got != want || ok != (want != "") {
			t.Errorf("cleanTown(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// The committed variants are exactly what this tool derives from Unihan
// (scripts/setup.sh --test installs unicode-data) and the committed towns
// and name pairs.
func TestCommittedVariantsAreDerived(t *testing.T) {
	const committed = "../../forms/address/variants.tsv"
	towns, err := os.ReadFile("../../forms/address/towns.tsv")
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := os.ReadFile("../../forms/names/variants.tsv")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(unihanSource)
	if err != nil {
		t.Fatalf("%v: run scripts/setup.sh --test, which installs unicode-data", err)
	}
	defer f.Close()
	got, err := variants(f, towns, pairs)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n宮\t宫\n", "\n縣\t县\n"} {
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("derived variants lack %q", strings.TrimSpace(want))
		}
	}
	checkCommitted(t, committed, got)
}

// checkCommitted fails unless the file at path is got; -update writes it.
func checkCommitted(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what shinsei-addresses derives; run go test ./cmd/shinsei-addresses -update", path)
	}
}
