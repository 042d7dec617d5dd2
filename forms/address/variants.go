package address

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"strings"
)

//go:embed variants.tsv
var variantsTSV []byte

// Variants holds, for each kanji of the master's places, its other forms
// as Unihan gives them (simplified, traditional, and semantic or shape
// variants: 宮 and 宫, 岡 and 冈, 戸 and 户): a recogniser learnt on
// Chinese writing knows a Japanese place's kanji by those.
type Variants map[rune][]rune

// LoadVariants parses the table bundled with shinsei (variants.tsv).
func LoadVariants() (Variants, error) { return ParseVariants(variantsTSV) }

// ParseVariants reads lines of a kanji and its other forms,
// tab-separated, after "#" comments.
func ParseVariants(data []byte) (Variants, error) {
	s := Variants{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "\t")
		kr := []rune(k)
		if !ok || len(kr) != 1 || v == "" {
			return nil, fmt.Errorf("address: variants, line %d: want a kanji, a tab and its variants", n)
		}
		s[kr[0]] = []rune(v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("address: variants: %w", err)
	}
	return s, nil
}

// Forms are r's variants (none: r is its own).
func (s Variants) Forms(r rune) []rune { return s[r] }
