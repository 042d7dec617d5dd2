package main

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// kanjidicSource is where Debian's kanjidic-xml puts KANJIDIC2.
const kanjidicSource = "/usr/share/edict/kanjidic2.xml.gz"

const variantsHeader = `# Kanji that are variant forms of one another (旧字体 and 新字体, 異体字: 冨 and 富,
# 惠 and 恵, 藏 and 蔵), derived by cmd/shinsei-lexicon from KANJIDIC2's variant
# entries (Debian package kanjidic-xml; © the Electronic Dictionary Research and
# Development Group, CC BY-SA 3.0, licence in LICENSE.kanjidic beside this file),
# kept where both kanji occur in names.tsv. One pair a line, tab-separated, the
# lower code point first. The handwriting model reads a variant as its common
# form, and a name written with either usually has the same reading.
`

// kanjidicChar is the part of a KANJIDIC2 <character> entry read here.
type kanjidicChar struct {
	Literal  string `xml:"literal"`
	Variants []struct {
		Type  string `xml:"var_type,attr"`
		Value string `xml:",chardata"`
	} `xml:"misc>variant"`
}

// buildVariants derives variants.tsv from KANJIDIC2 (gzipped XML): every
// pair of a kanji and a variant KANJIDIC2 gives for it by a JIS X 0208 or
// 0212 code or a Unicode code point, both occurring in lexicon (names.tsv).
func buildVariants(kanjidicGz, lexicon []byte) ([]byte, int, error) {
	inNames := map[rune]bool{}
	for _, line := range strings.Split(string(lexicon), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		if cols := strings.Split(line, "\t"); len(cols) == 3 {
			for _, r := range cols[1] {
				inNames[r] = true
			}
		}
	}
	zr, err := gzip.NewReader(bytes.NewReader(kanjidicGz))
	if err != nil {
		return nil, 0, fmt.Errorf("kanjidic2: %w", err)
	}
	dec := xml.NewDecoder(zr)
	dec.Strict = false // its DTD declares entities the decoder need not resolve
	pairs := map[[2]rune]bool{}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("kanjidic2: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "character" {
			continue
		}
		var c kanjidicChar
		if err := dec.DecodeElement(&c, &se); err != nil {
			return nil, 0, fmt.Errorf("kanjidic2: %w", err)
		}
		a, _ := utf8.DecodeRuneInString(c.Literal)
		for _, v := range c.Variants {
			b, ok := variantRune(v.Type, v.Value)
			if !ok || a == b || !inNames[a] || !inNames[b] {
				continue
			}
			pairs[[2]rune{min(a, b), max(a, b)}] = true
		}
	}
	if len(pairs) == 0 {
		return nil, 0, errors.New("kanjidic2: no variant pairs of kanji in names")
	}
	keys := make([][2]rune, 0, len(pairs))
	for k := range pairs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y [2]rune) int {
		if x[0] != y[0] {
			return int(x[0] - y[0])
		}
		return int(x[1] - y[1])
	})
	var out bytes.Buffer
	out.WriteString(variantsHeader)
	for _, k := range keys {
		fmt.Fprintf(&out, "%c\t%c\n", k[0], k[1])
	}
	return out.Bytes(), len(keys), nil
}

// variantRune decodes a KANJIDIC2 variant reference: "ucs" is a hex code
// point, "jis208" and "jis212" a plane-row-cell code ("1-34-02").
func variantRune(typ, val string) (rune, bool) {
	switch typ {
	case "ucs":
		n, err := strconv.ParseUint(val, 16, 32)
		return rune(n), err == nil
	case "jis208", "jis212":
		parts := strings.Split(val, "-")
		if len(parts) != 3 {
			return 0, false
		}
		row, err1 := strconv.Atoi(parts[1])
		cell, err2 := strconv.Atoi(parts[2])
		if err1 != nil || err2 != nil || row < 1 || row > 94 || cell < 1 || cell > 94 {
			return 0, false
		}
		euc := []byte{byte(0xA0 + row), byte(0xA0 + cell)}
		if typ == "jis212" {
			euc = append([]byte{0x8F}, euc...)
		}
		s, err := japanese.EUCJP.NewDecoder().Bytes(euc)
		if err != nil {
			return 0, false
		}
		r, _ := utf8.DecodeRune(s)
		return r, r != utf8.RuneError
	}
	return 0, false
}
