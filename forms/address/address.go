// Package address is evidence about a read address that does not come from
// the recognizer: Japan Post's list of every prefecture, municipality and
// town (towns.tsv, derived by cmd/shinsei-addresses). An address whose
// municipality or town is in no list was misread — 豊玉北 read as 豊王北,
// ふじみ野市 as ふじ野市 — or is written in a way the list does not know;
// either way a person must look.
package address

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"shinsei/forms"
)

//go:embed towns.tsv
var embedded []byte

// Master holds the towns of every municipality.
type Master struct {
	towns map[string]map[string][]string // prefecture → municipality → towns, longest first
	// cities maps a municipality's name to the prefectures that have one
	// of that name, for addresses written without the prefecture.
	cities map[string][]string
	// prefs, cityNames (per prefecture) and allCities are the names in a
	// fixed order, so that what Suggest finds does not follow map order.
	prefs     []string
	allCities []name
	cityNames map[string][]name
}

// name is a place's name with its characters, spelled out once.
type name struct {
	s  string
	rs []rune
}

// Load parses the master bundled with shinsei.
func Load() (*Master, error) { return Parse(embedded) }

// Parse reads a master in towns.tsv's format: "#" comments, then lines of
// prefecture, municipality and comma-separated towns, tab-separated.
func Parse(data []byte) (*Master, error) {
	m := &Master{towns: map[string]map[string][]string{}, cities: map[string][]string{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
			return nil, fmt.Errorf("address: line %d: want prefecture, municipality and towns separated by tabs", n)
		}
		pref, city := parts[0], parts[1]
		if m.towns[pref] == nil {
			m.towns[pref] = map[string][]string{}
		}
		var ts []string
		if parts[2] != "" {
			ts = strings.Split(parts[2], ",")
		}
		// Longest first, so 大泉学園町 is tried before 大泉.
		slices.SortStableFunc(ts, func(a, b string) int { return len(b) - len(a) })
		m.towns[pref][city] = ts
		m.cities[city] = append(m.cities[city], pref)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("address: %w", err)
	}
	byName := func(a, b name) int { return strings.Compare(a.s, b.s) }
	m.cityNames = map[string][]name{}
	for p, cs := range m.towns {
		m.prefs = append(m.prefs, p)
		for c := range cs {
			m.cityNames[p] = append(m.cityNames[p], name{c, []rune(c)})
		}
		slices.SortFunc(m.cityNames[p], byName)
	}
	slices.Sort(m.prefs)
	for c := range m.cities {
		m.allCities = append(m.allCities, name{c, []rune(c)})
	}
	slices.SortFunc(m.allCities, byName)
	return m, nil
}

// Verdict is what the master says of an address.
type Verdict int

const (
	// Known: the prefecture (or none written), municipality and town are
	// in the master, in that order, and what follows is a block number.
	Known Verdict = iota
	// UnknownMunicipality: no municipality of the master starts the
	// address (after its prefecture, if one is written).
	UnknownMunicipality
	// UnknownTown: the municipality is known, but what follows it is
	// none of its towns.
	UnknownTown
)

func (v Verdict) String() string {
	switch v {
	case Known:
		return "known"
	case UnknownMunicipality:
		return "unknown municipality"
	}
	return "unknown town"
}

// Check judges an address as written on a form (spacing ignored).
func (m *Master) Check(addr string) Verdict {
	a := forms.CompactText(addr)
	prefs := slices.Collect(func(yield func(string) bool) {
		for p := range m.towns {
			if !yield(p) {
				return
			}
		}
	})
	slices.Sort(prefs)
	best := UnknownMunicipality
	try := func(pref, rest string) bool {
		for city, towns := range m.towns[pref] {
			after, ok := strings.CutPrefix(rest, city)
			if !ok {
				continue
			}
			best = UnknownTown
			if townFits(towns, after) {
				return true
			}
		}
		return false
	}
	for _, p := range prefs {
		if rest, ok := strings.CutPrefix(a, p); ok {
			if try(p, rest) {
				return Known
			}
			return best
		}
	}
	// No prefecture written: people leave it out for their own city.
	for _, p := range prefs {
		if try(p, a) {
			return Known
		}
	}
	return best
}

// townFits: after is one of towns followed by what an address puts after
// a town — a block number, 丁目 or 番地 in figures or kanji — or nothing.
// Japan Post omits 大字 and 字, which people still write.
func townFits(towns []string, after string) bool {
	for _, pre := range []string{"", "大字", "字"} {
		s, ok := strings.CutPrefix(after, pre)
		if !ok {
			continue
		}
		for _, t := range towns {
			if rest, ok := strings.CutPrefix(s, t); ok && blockNumber(rest) {
				return true
			}
		}
		if len(towns) == 0 && blockNumber(s) {
			return true // a municipality with no towns: the lot follows
		}
	}
	return false
}

// blockNumber: what follows a town starts with a figure (1丁目, 12番地, 3-4)
// or a kanji numeral (三丁目), or is empty.
func blockNumber(s string) bool {
	if s == "" {
		return true
	}
	r := []rune(s)[0]
	return r >= '0' && r <= '9' || strings.ContainsRune("一二三四五六七八九十", r)
}

// Prefectures are the master's prefectures, in a fixed order.
func (m *Master) Prefectures() []string { return m.prefs }

// Municipalities are a prefecture's municipalities (a designated city's
// wards each one: 横浜市港北区), in a fixed order.
func (m *Master) Municipalities(pref string) []string {
	out := make([]string, 0, len(m.cityNames[pref]))
	for _, c := range m.cityNames[pref] {
		out = append(out, c.s)
	}
	return out
}

// Towns are a municipality's towns, longest first; none for a
// municipality whose addresses go straight to the lot number.
func (m *Master) Towns(pref, city string) []string { return m.towns[pref][city] }
