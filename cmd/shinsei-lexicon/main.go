// Command shinsei-lexicon derives forms/names/names.tsv, the person-name
// lexicon against which shinsei checks a read name and its read フリガナ,
// from MeCab's IPA dictionary as Debian ships it (package mecab-ipadic,
// Noun.name.csv, EUC-JP). It is a build tool, never linked into shinsei;
// its test checks that the committed file is what it derives. It derives
// forms/names/variants.tsv, the pairs of kanji that are forms of one
// another, from KANJIDIC2 (package kanjidic-xml) as well.
//
//	shinsei-lexicon [-in /usr/share/mecab/dic/ipadic/Noun.name.csv] [-out forms/names/names.tsv]
//	                [-kanjidic /usr/share/edict/kanjidic2.xml.gz] [-variants forms/names/variants.tsv]
package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// debianSource is where Debian's mecab-ipadic puts the name entries.
const debianSource = "/usr/share/mecab/dic/ipadic/Noun.name.csv"

func main() {
	in := flag.String("in", debianSource, "IPA dictionary's Noun.name.csv (EUC-JP)")
	out := flag.String("out", "forms/names/names.tsv", "lexicon to write")
	kd := flag.String("kanjidic", kanjidicSource, "KANJIDIC2 (gzipped XML)")
	variants := flag.String("variants", "forms/names/variants.tsv", "variant pairs to write")
	flag.Parse()
	if err := run(*in, *out, *kd, *variants); err != nil {
		fmt.Fprintf(os.Stderr, "shinsei-lexicon: %v\n", err)
		os.Exit(1)
	}
}

func run(in, out, kanjidic, variants string) error {
	src, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("%w (install Debian's mecab-ipadic)", err)
	}
	data, n, err := build(src)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %d names, %d bytes\n", out, n, len(data))
	kd, err := os.ReadFile(kanjidic)
	if err != nil {
		return fmt.Errorf("%w (install Debian's kanjidic-xml)", err)
	}
	vs, n, err := buildVariants(kd, data)
	if err != nil {
		return err
	}
	if err := os.WriteFile(variants, vs, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %d pairs, %d bytes\n", variants, n, len(vs))
	return nil
}

const header = `# Person names with their readings, derived by cmd/shinsei-lexicon from the IPA
# dictionary's Noun.name.csv (Debian package mecab-ipadic 2.7.0-20070801; licence in
# LICENSE.ipadic beside this file). One name a line: kind (s: family name 姓,
# g: given name 名), the name, its readings in katakana separated by commas.
`

// build turns Noun.name.csv into the lexicon's lines: family and given
// names (人名,姓 / 人名,名; the full names of famous people, 人名,一般, are
// left out), each with every reading the dictionary gives it, both as read
// (ショウタ) and as pronounced (ショータ), since people write either.
func build(src []byte) ([]byte, int, error) {
	r := csv.NewReader(transform.NewReader(bytes.NewReader(src), japanese.EUCJP.NewDecoder()))
	r.FieldsPerRecord = -1
	readings := map[[2]string][]string{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("Noun.name.csv: %w", err)
		}
		if len(rec) < 13 || rec[6] != "人名" {
			continue
		}
		var kind string
		switch rec[7] {
		case "姓":
			kind = "s"
		case "名":
			kind = "g"
		default:
			continue
		}
		k := [2]string{kind, rec[0]}
		for _, rd := range []string{rec[11], rec[12]} {
			if rd != "" && rd != "*" && !slices.Contains(readings[k], rd) {
				readings[k] = append(readings[k], rd)
			}
		}
	}
	if len(readings) == 0 {
		return nil, 0, errors.New("Noun.name.csv: no family or given names in it")
	}
	keys := make([][2]string, 0, len(readings))
	for k := range readings {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	var b bytes.Buffer
	b.WriteString(header)
	for _, k := range keys {
		rd := readings[k]
		slices.Sort(rd)
		fmt.Fprintf(&b, "%s\t%s\t%s\n", k[0], k[1], strings.Join(rd, ","))
	}
	return b.Bytes(), len(keys), nil
}
