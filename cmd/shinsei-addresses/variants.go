package main

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// unihanSource is where Debian's unicode-data puts Unihan's variants.
const unihanSource = "/usr/share/unicode/Unihan_Variants.txt.bz2"

// variantKinds are the Unihan fields that name another form of a kanji:
// China's simplified form and back, the same character in another shape,
// one of the same meaning. The second recogniser's alphabet is China's,
// and knows a Japanese place's 宮 as 宫.
var variantKinds = []string{"kSimplifiedVariant", "kTraditionalVariant", "kZVariant", "kSemanticVariant", "kSpecializedSemanticVariant"}

const variantsHeader = `# Other forms of the kanji of forms/address/towns.tsv and forms/names/variants.tsv, derived by
# cmd/shinsei-addresses from Unihan_Variants.txt (Unicode %s, Debian package unicode-data;
# © Unicode, Inc., licence in LICENSE.unihan beside this file): its simplified, traditional,
# Z, semantic and specialised semantic variants. One kanji a line: the kanji, a tab, its other
# forms.
`

// variants derives forms/address/variants.tsv: Unihan's variants of every
// character of towns and of names (the kanji pairs of the name lexicon, so
// that 県, which KANJIDIC pairs with 縣, reaches 县 through it).
func variants(unihan io.Reader, towns, names []byte) ([]byte, error) {
	used := map[rune]bool{}
	for _, data := range [][]byte{towns, names} {
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "#") {
				continue
			}
			for _, r := range line {
				if r > 0x2e80 && r != '，' {
					used[r] = true
				}
			}
		}
	}
	forms := map[rune][]rune{}
	version := "?"
	sc := bufio.NewScanner(bzip2.NewReader(unihan))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "# Unicode version: "); ok {
			version = v
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || !slices.Contains(variantKinds, f[1]) {
			continue
		}
		r, err := codePoint(f[0])
		if err != nil {
			return nil, err
		}
		if !used[r] {
			continue
		}
		for _, v := range strings.Fields(f[2]) {
			v, _, _ = strings.Cut(v, "<") // U+5BAE<kMatthews: the source
			w, err := codePoint(v)
			if err != nil {
				return nil, err
			}
			if w != r && !slices.Contains(forms[r], w) {
				forms[r] = append(forms[r], w)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("unihan: %w", err)
	}
	if len(forms) == 0 {
		return nil, fmt.Errorf("unihan: no variants of the towns' kanji")
	}
	keys := make([]rune, 0, len(forms))
	for r := range forms {
		keys = append(keys, r)
	}
	slices.Sort(keys)
	var b bytes.Buffer
	fmt.Fprintf(&b, variantsHeader, version)
	for _, r := range keys {
		fmt.Fprintf(&b, "%c\t%s\n", r, string(forms[r]))
	}
	return b.Bytes(), nil
}

func codePoint(s string) (rune, error) {
	h, ok := strings.CutPrefix(s, "U+")
	n, err := strconv.ParseUint(h, 16, 32)
	if !ok || err != nil {
		return 0, fmt.Errorf("unihan: %q is no code point", s)
	}
	return rune(n), nil
}
