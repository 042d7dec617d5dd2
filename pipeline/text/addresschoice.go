package text

import (
	"context"
	"fmt"
	"image"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"shinsei/forms"
	"shinsei/ocr/paddle"
)

// Places is what the reader needs of an address master to choose among
// its places; *address.Master is one.
type Places interface {
	Prefectures() []string
	Municipalities(pref string) []string
	Towns(pref, city string) []string
}

// AddressChooser holds every address the master knows, as the second
// reader may be asked about it: a prefecture, one of its municipalities,
// one of that one's towns, then a block number written as people write it
// on these forms (3丁目21番3号, or 21番3号 where a town has no 丁目).
// What follows the 号 (a building and its room, in kana the models do not
// know) is left open. A character the models lack is scored as its alikes;
// places holding one that has none (the い of さいたま市) are left out, and
// of those Tesseract's reading stands.
type AddressChooser struct {
	places Places
	allow  string
	knows  func(rune) bool
	// alike is, for a character of a place, the outputs of the models
	// that count as it: its other forms they know (宮 is 宫 to them; 県
	// they know only as 縣 or 县) and what they read it as in print (県 as
	// 鼎, 丁 as T, 島 as 岛).
	alike map[rune][]rune
}

// Block numbers the tree holds: 丁目 up to maxChome, 番 and 号 up to
// maxBan and maxGo. Wider than any the generator writes (1–6, 1–30,
// 1–25), so that a number is chosen, not known.
const (
	maxChome = 19
	maxBan   = 99
	maxGo    = 99
)

// NewAddressChooser builds the tree of places's addresses, each character
// scored as itself (if knows, the second reader's alphabet: paddle.Knows,
// has it) and as those of its forms from variants and of its alikes
// (paddle.Alike) that knows has.
func NewAddressChooser(places Places, variants func(rune) []rune, knows func(rune) bool, alike map[rune][]rune) *AddressChooser {
	c := &AddressChooser{places: places, knows: knows, alike: map[rune][]rune{}}
	seen := map[rune]bool{}
	noted := map[rune]bool{}
	note := func(s string) {
		for _, r := range s {
			if noted[r] {
				continue
			}
			noted[r] = true
			for _, v := range append(slices.Clip(variants(r)), alike[r]...) {
				if v != r && knows(v) && !slices.Contains(c.alike[r], v) {
					c.alike[r] = append(c.alike[r], v)
					seen[v] = true
				}
			}
			if knows(r) {
				seen[r] = true
			}
		}
	}
	for _, p := range places.Prefectures() {
		note(p)
		for _, m := range places.Municipalities(p) {
			note(m)
			for _, t := range places.Towns(p, m) {
				note(t)
			}
		}
	}
	note("0123456789丁目番号")
	var b strings.Builder
	for r := range seen {
		b.WriteRune(r)
	}
	c.allow = b.String()
	return c
}

// spelt says the models can score every character of s.
func (c *AddressChooser) spelt(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '　' && !c.knows(r) && len(c.alike[r]) == 0 {
			return false
		}
	}
	return s != ""
}

// tree is every prefecture, municipality and town, each town followed by
// its block numbers; a value's key is the address as Japan Post writes its
// places, with the block number.
func (c *AddressChooser) tree() paddle.Tree {
	place := func(names []string, key string, kids func(name, key string) func() []paddle.Tree) []paddle.Tree {
		out := make([]paddle.Tree, 0, len(names))
		for _, n := range names {
			if c.spelt(n) {
				out = append(out, paddle.Tree{Part: n, Kids: kids(n, key+n)})
			}
		}
		return out
	}
	return paddle.Tree{Margin: addressMargin, Alike: c.alike, Kids: func() []paddle.Tree {
		return place(c.places.Prefectures(), "", func(pref, key string) func() []paddle.Tree {
			return func() []paddle.Tree {
				return place(c.places.Municipalities(pref), key, func(city, key string) func() []paddle.Tree {
					return func() []paddle.Tree {
						towns := c.places.Towns(pref, city)
						if len(towns) == 0 {
							return blockNumbers(key)
						}
						return place(towns, key, func(_, key string) func() []paddle.Tree {
							return func() []paddle.Tree { return blockNumbers(key) }
						})
					}
				})
			}
		})
	}}
}

// blockNumbers are the block numbers that may follow a place: n丁目 n番
// n号, or n番 n号. The 号 ends the value; what follows is left open.
func blockNumbers(key string) []paddle.Tree {
	numbers := func(limit int, unit string, next func(key string) []paddle.Tree, key string) []paddle.Tree {
		out := make([]paddle.Tree, 0, limit)
		for n := 1; n <= limit; n++ {
			part := strconv.Itoa(n) + unit
			k := key + part
			node := paddle.Tree{Part: part}
			if next == nil {
				node.Key, node.Open = k, true
			} else {
				node.Kids = func() []paddle.Tree { return next(k) }
			}
			out = append(out, node)
		}
		return out
	}
	gou := func(key string) []paddle.Tree { return numbers(maxGo, "号", nil, key) }
	ban := func(key string) []paddle.Tree { return numbers(maxBan, "番", gou, key) }
	return append(numbers(maxChome, "丁目", ban, key), ban(key)...)
}

// addressMargin is how far under the line's likeliest reading an address
// begun may fall and still be followed (paddle.Tree.Margin).
const addressMargin = 8.0

// minAddressShare is how clearly both models must prefer the address
// Tesseract read for it to be made sure, chosen on the calibration hands
// (of 0.8, 0.9 and 0.95, the one that put in the most right addresses;
// none of the three passed one wrong). minAddressFit is how well it must
// also fit the line next to their own free reading: an address written
// that is none of Japan Post's fits badly, its nearest known one chosen.
// minAddressProposal is how clearly they must prefer another address for
// it to be proposed in Tesseract's place (a person decides): on the
// calibration hands, of 0.5 to 0.8, 0.6 proposed the most right ones
// without putting a wrong one in place of a right one.
//
// minAddressAloneShare and minAddressAloneFit are how clearly the first
// model (PP-OCRv4) alone must prefer another address, where the second
// chooses otherwise or unclearly, for it to be proposed: on the
// calibration hands (seeds 101 and 102) the first model chose the right
// address far more often than the second when they differed. Of shares
// 0.5 to 0.8, 0.7 is the lowest that put no wrong address in place of a
// right one; with it 10 more addresses were right, and 4 more right up to
// their 号, of 218 read unsurely or in no right shape.
const (
	minAddressShare      = 0.8
	minAddressFit        = -3.0
	minAddressProposal   = 0.6
	minAddressAloneShare = 0.7
	minAddressAloneFit   = -6.0
)

// chooseAddress asks the second reader which known address, up to its
// 号, an address box Tesseract read unsurely holds: its prefecture,
// municipality and town among Japan Post's, its block number among every
// one. Reading character by character, one odd stroke makes 仙台市 各台市
// or 21番 27番; asked which address the line begins with, the models weigh
// every character of each. When both pick the same address, clearly:
//   - an address Tesseract read otherwise (up to what follows the 号) goes
//     to a person with theirs in its place, and what Tesseract read after
//     the 号 (a building, a room) after it, as a proposal (WhySecond);
//   - an address Tesseract read alike, with nothing after the 号, that
//     fits each model's own reading closely is sure: three recognisers
//     agree, two of them having chosen among every address there is.
//
// Any other reason for review (faint ink, an overrun) stands, as do the
// checks of a sure address that follow (its building's kana, its digits
// read again, Japan Post's list).
func (r *Reader) chooseAddress(ctx context.Context, img *image.Gray, rd Reading) (Reading, error) {
	if r.addresses == nil || r.second == nil {
		return rd, nil
	}
	switch rd.Why {
	case "", WhyUnsure, WhyShape, WhyNotAllowed, WhySkipped:
	default:
		// Faint, overrun: for a person whatever is read.
		return rd, nil
	}
	read, _ := rd.Value.(string)
	compact := forms.CompactText(read)
	sure := rd.Why == ""
	// The second model is run only when the first model's choice could
	// change something: a clear address that is not what Tesseract read
	// (a proposal), or that is all of it and fits (made sure, where
	// Tesseract was unsure).
	tree := r.addresses.tree()
	tree.Group = place
	ch, err := r.second.ChooseUntil(ctx, img, r.addresses.allow, tree, func(c paddle.Choice) bool {
		if c.GroupShare >= minPlaceShare && !strings.HasPrefix(compact, c.Group) {
			return true // a place to propose, if the second model chooses it too
		}
		if c.Key == "" {
			return false
		}
		if !strings.HasPrefix(compact, c.Key) {
			return c.Share >= minAddressProposal
		}
		return !sure && compact == c.Key && c.Share >= minAddressShare && c.Fit >= minAddressFit
	})
	if err != nil {
		return Reading{}, fmt.Errorf("text: choosing the address: %w", err)
	}
	if sure {
		return disputeSure(ch, read, rd), nil
	}
	addr, ok := bothChose(ch, minAddressProposal, math.Inf(-1))
	if !ok {
		// The first model alone, very clearly, for a proposal.
		first, alone := firstChose(ch, minAddressAloneShare, minAddressAloneFit)
		if !alone || strings.HasPrefix(compact, first) {
			return proposePlace(ch, read, rd), nil
		}
		addr = first
	}
	if strings.HasPrefix(compact, addr) {
		if _, sure := bothChose(ch, minAddressShare, minAddressFit); sure && rd.Why == WhyUnsure && compact == addr {
			rd.Review, rd.Why = false, ""
			rd.Confidence = max(rd.Confidence, min(ch[0].Share, ch[1].Share))
		}
		return rd, nil
	}
	rd.Value, rd.Review, rd.Why = addr+after(read, addr), true, WhySecond
	rd.Confidence = min(rd.Confidence, 0.5)
	return rd, nil
}

// minDisputeShare and minDisputeFit are how clearly both models must
// choose another address than one Tesseract read surely, and how well it
// must fit each one's own reading, for theirs to be put in its place. On
// the calibration hands (seeds 101, 102, 111, 121, 131 and hard 132) the
// 7 addresses both chose so were right (one of them Tesseract's 15番8号
// read 15番3号 at 0.976 by every view, and by jpn); none of the 5 they
// chose otherwise less clearly, fitting worse, or the first model alone
// was (10番1号 as 10番7号 at 0.87, 3番11号 as 17号 fitting at −5.3).
const (
	minDisputeShare = 0.95
	minDisputeFit   = -3.0
)

// disputeSure weighs the models' choice against an address Tesseract read
// surely. Every view of Tesseract's and jpn's reading of its digits can
// misread a digit alike (15番8号 as 15番3号), and no list holds block
// numbers. Both models choosing another address very clearly
// (minDisputeShare, minDisputeFit) put theirs in its place, as a
// proposal (WhySecond). Choosing another as clearly as would propose one
// for an address read unsurely (both, or the first alone very clearly),
// or another place, sends it to a person as read: its digits disputed
// (WhyDigits) where the place is the one read, else WhyUnsure. Anything
// less leaves it sure.
func disputeSure(ch []paddle.Choice, read string, rd Reading) Reading {
	compact := forms.CompactText(read)
	if addr, ok := bothChose(ch, minDisputeShare, minDisputeFit); ok && !strings.HasPrefix(compact, addr) {
		rd.Value, rd.Review, rd.Why = addr+after(read, addr), true, WhySecond
		rd.Confidence = min(rd.Confidence, 0.5)
		return rd
	}
	other, ok := bothChose(ch, minAddressProposal, math.Inf(-1))
	if !ok {
		other, ok = firstChose(ch, minAddressAloneShare, minAddressAloneFit)
	}
	if !ok || strings.HasPrefix(compact, other) {
		if other, ok = bothPlace(ch); !ok || strings.HasPrefix(compact, other) {
			return rd
		}
	}
	rd.Review, rd.Why = true, WhyUnsure
	if strings.HasPrefix(compact, place(other)) {
		rd.Why = WhyDigits
	}
	rd.Confidence = min(rd.Confidence, 0.6)
	return rd
}

// minPlaceShare is how clearly both models must prefer one place (its
// prefecture, municipality and town, every block number of it summed)
// for it to be proposed where neither chose a whole address: on the
// calibration hands (seeds 101 and 102) every place both chose with at
// least 0.5 was right (20 of 20), the least at 0.97.
const minPlaceShare = 0.9

// proposePlace puts, in an address read unsurely whose block number the
// models did not choose clearly, the place both chose clearly in place of
// the one Tesseract read, and keeps what Tesseract read from its block
// number on (blockStart): a brush hand's 愛和導色古硬市平区新灯4丁目30番14号
// is 愛知県名古屋市中区新栄4丁目30番14号. A proposal (WhySecond), for a
// person.
func proposePlace(ch []paddle.Choice, read string, rd Reading) Reading {
	group, ok := bothPlace(ch)
	if !ok {
		return rd
	}
	at := blockStart(read)
	if at < 0 || strings.HasPrefix(forms.CompactText(read[:at]), group) {
		return rd
	}
	rd.Value, rd.Review, rd.Why = group+read[at:], true, WhySecond
	rd.Confidence = min(rd.Confidence, 0.5)
	return rd
}

// bothPlace is the place both models chose alike with at least
// minPlaceShare of the likelihood.
func bothPlace(ch []paddle.Choice) (string, bool) {
	if len(ch) < 2 || ch[0].Group == "" || ch[0].Group != ch[1].Group || min(ch[0].GroupShare, ch[1].GroupShare) < minPlaceShare {
		return "", false
	}
	return ch[0].Group, true
}

// place is an address's key up to its block number: its prefecture,
// municipality and town.
func place(key string) string {
	if i := strings.IndexFunc(key, isDigit); i >= 0 {
		return key[:i]
	}
	return key
}

// blockStart is where in read its block number begins: the first run of
// digits followed by a unit of one (丁目, 番, 号, or a dash; T, as the
// reader takes 丁 for), else the first digit (a digit read in a garbled
// town, 尋2内上4丁目, is not it); -1 when read holds no digit.
func blockStart(read string) int {
	first, prev := -1, rune(0)
	for i, r := range read {
		begins := isDigit(r) && !isDigit(prev)
		prev = r
		if !begins {
			continue
		}
		if first < 0 {
			first = i
		}
		rest := strings.TrimLeftFunc(read[i:], isDigit)
		if next, _ := utf8.DecodeRuneInString(rest); strings.ContainsRune("丁番号T-－ー−‐", next) {
			return i
		}
	}
	return first
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// after is what read holds after the part of it that stands for addr: the
// end of read's beginning closest to addr (fewest edits; of two as close,
// the longer), so that a building read after a misread 号 is kept.
func after(read, addr string) string {
	rs, as := []rune(read), []rune(addr)
	// prev[j], cur[j]: edits between as[:i] and rs[:j].
	prev := make([]int, len(rs)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(as); i++ {
		cur := make([]int, len(rs)+1)
		cur[0] = i
		for j := 1; j <= len(rs); j++ {
			sub := prev[j-1]
			if as[i-1] != rs[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev = cur
	}
	end := 0
	for j := range prev {
		if prev[j] <= prev[end] {
			end = j
		}
	}
	return string(rs[end:])
}

// Forms is a kanji's other forms by any of sources, and theirs: 県 is
// 縣 to KANJIDIC, and 縣 is 县 to Unihan.
func Forms(sources ...func(rune) []rune) func(rune) []rune {
	one := func(r rune) []rune {
		var out []rune
		for _, s := range sources {
			for _, v := range s(r) {
				if v != r && !slices.Contains(out, v) {
					out = append(out, v)
				}
			}
		}
		return out
	}
	return func(r rune) []rune {
		out := one(r)
		for _, v := range out {
			for _, w := range one(v) {
				if w != r && !slices.Contains(out, w) {
					out = append(out, w)
				}
			}
		}
		return out
	}
}

// WithAddresses returns a copy of the reader that asks its second reader
// (if it has one: WithSecond) which of places's addresses an address box
// holds; variants gives a kanji's other forms (names.Lexicon.Variants).
func (r *Reader) WithAddresses(places Places, variants func(rune) []rune) *Reader {
	cp := *r
	cp.addresses = NewAddressChooser(places, variants, paddle.Knows(), paddle.Alike())
	return &cp
}

// firstChose is the value the first model of the second reader (PP-OCRv4)
// chose with at least minShare of the likelihood, fitting within minFit of
// its own reading, whatever the second chose. On the calibration hands,
// where the two chose apart, the first was right several times as often.
func firstChose(ch []paddle.Choice, minShare, minFit float64) (key string, ok bool) {
	if len(ch) == 0 || ch[0].Key == "" || ch[0].Share < minShare || ch[0].Fit < minFit {
		return "", false
	}
	return ch[0].Key, true
}

// bothChose is the value every model of the second reader chose, each
// with at least minShare of the likelihood and fitting within minFit of
// its own reading; ok is false when fewer than two models chose, or they
// chose apart or unclearly.
func bothChose(ch []paddle.Choice, minShare, minFit float64) (key string, ok bool) {
	if len(ch) < 2 {
		return "", false
	}
	for _, c := range ch {
		if c.Key == "" || c.Key != ch[0].Key || c.Share < minShare || c.Fit < minFit {
			return "", false
		}
	}
	return ch[0].Key, true
}
