package text

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"shinsei/forms/address"
	"shinsei/forms/names"
	"shinsei/ocr"
	"shinsei/ocr/paddle"
	"shinsei/ocr/paddle/paddletest"
	"shinsei/templates"
)

// The real models, asked which address of Japan Post's a printed line
// begins with, pick the one written — its place among every place, its
// block number among every number — whatever building follows it.
func TestChooseAddressModels(t *testing.T) {
	face := konatu(t)
	c := addressChooser(t)
	p := paddletest.Pool(t)
	for _, w := range []struct{ written, want string }{
		{"東京都練馬区豊玉北4丁目10番21号", "東京都練馬区豊玉北4丁目10番21号"},
		{"宮城県仙台市青葉区上杉5丁目30番18号", "宮城県仙台市青葉区上杉5丁目30番18号"},
		{"長野県松本市中央5丁目5番15号 コーポ405号室", "長野県松本市中央5丁目5番15号"},
	} {
		cs := choosePrinted(t, p, face, w.written, c.allow, c.tree())
		if len(cs) != 2 {
			t.Errorf("%s: %d models chose", w.written, len(cs))
		}
		for _, ch := range cs {
			if ch.Key != w.want || ch.Share < minAddressShare || ch.Fit < minAddressFit {
				t.Errorf("%s, %s: chose %q (share %.3f, fit %.2f)", w.written, ch.Model, ch.Key, ch.Share, ch.Fit)
			}
		}
	}
}

// BenchmarkChooseAddress is both models choosing a printed address among
// Japan Post's: their two runs and the walk of the tree.
//
//	go test -run XXX -bench ChooseAddress -cpu 1 ./pipeline/text/
func BenchmarkChooseAddress(b *testing.B) {
	c := addressChooser(b)
	p := paddletest.Pool(b)
	img := printedLine(konatu(b), "宮城県仙台市青葉区上杉5丁目30番18号")
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Choose(context.Background(), img, c.allow, c.tree()); err != nil {
			b.Fatal(err)
		}
	}
}

func addressChooser(tb testing.TB) *AddressChooser {
	tb.Helper()
	m, err := address.Load()
	if err != nil {
		tb.Fatal(err)
	}
	lex, err := names.Load()
	if err != nil {
		tb.Fatal(err)
	}
	simp, err := address.LoadVariants()
	if err != nil {
		tb.Fatal(err)
	}
	return NewAddressChooser(m, Forms(lex.Variants, simp.Forms), paddle.Knows(), paddle.Alike())
}

// places is a master of three towns: 堺's kanji the alphabet lacks.
type places map[string]map[string][]string

func (p places) Prefectures() []string {
	return slices.Sorted(maps.Keys(p))
}
func (p places) Municipalities(pref string) []string {
	return slices.Sorted(maps.Keys(p[pref]))
}
func (p places) Towns(pref, city string) []string { return p[pref][city] }

func TestChooseAddress(t *testing.T) {
	master := places{"東京都": {"練馬区": {"豊玉北", "豊玉南"}}, "大阪府": {"堺市堺区": {"中之町東"}}}
	knows := func(r rune) bool { return r != '堺' }
	c := NewAddressChooser(master, func(rune) []rune { return nil }, knows, nil)
	addr := field("applicant_address", templates.Text, templates.Kanji, true)
	reads := func(s string, conf float64) []ocr.Result {
		return []ocr.Result{line(s, conf), line(s, conf), line(s, conf)}
	}
	both := func(spelling string, share, fit float64) []choice {
		c := choice{Choice: paddle.Choice{Share: share, Fit: fit}, spelling: spelling}
		return []choice{c, c}
	}
	const (
		right   = "東京都練馬区豊玉北4丁目10番21号"
		misread = "東京都練馬区豊王北4丁目10番27号"
	)
	// apart: the first model chooses right, the second another address.
	apart := func(first float64) []choice {
		return []choice{{Choice: paddle.Choice{Share: first}, spelling: right}, {Choice: paddle.Choice{Share: 0.95}, spelling: "東京都練馬区豊玉南4丁目10番21号"}}
	}
	// placed: the models choose apart, neither clearly, in one place
	// both choose with groupShare.
	placed := func(first, second string, groupShare float64) []choice {
		return []choice{{Choice: paddle.Choice{Share: 0.4, GroupShare: groupShare}, spelling: first}, {Choice: paddle.Choice{Share: 0.4, GroupShare: groupShare}, spelling: second}}
	}
	for _, c2 := range []struct {
		name   string
		reads  []ocr.Result
		choose []choice
		value  any
		review bool
		why    string
	}{
		{"unsure value, both choose an address", reads(misread, 0.5), both(right, 0.95, -6), right, true, WhySecond},
		{"unsure value with a building, both choose an address", reads(misread+"コーポ303号室", 0.5), both(right, 0.95, -6), right + "コーポ303号室", true, WhySecond},
		{"a building after a misread 号", reads("東京都練馬区豊王北4丁目10番21亏 コーポ303号室", 0.5), both(right, 0.95, -6), right + "コーポ303号室", true, WhySecond},
		// Read surely and wrong alike by every view (a calibration 15番8号
		// read 15番3号 at 0.976, jpn too): both models choosing another
		// address very clearly make theirs a proposal; less clearly, a
		// person reads it as it was read; choosing it, or nothing clearly,
		// leaves it sure.
		{"sure value, both choose another", reads(misread, 0.99), both(right, 0.95, 0), right, true, WhySecond},
		{"sure value, both choose another, fitting badly", reads(misread, 0.99), both(right, 0.95, -6), misread, true, WhyUnsure},
		{"sure value, both choose another, less clearly", reads(misread, 0.99), both(right, 0.7, 0), misread, true, WhyUnsure},
		{"sure value, both choose other digits, less clearly", reads("東京都練馬区豊玉北4丁目10番27号", 0.99), both(right, 0.7, 0), "東京都練馬区豊玉北4丁目10番27号", true, WhyDigits},
		{"sure value, both choose it", reads(right, 0.99), both(right, 0.95, 0), right, false, ""},
		{"sure value, both choose it, fitting badly", reads(right, 0.99), both(right, 0.95, -6), right, false, ""},
		{"sure value, no choice clear", reads(misread, 0.99), both(right, 0.5, 0), misread, false, ""},
		{"sure value, the models differ", reads(misread, 0.99), apart(0.65), misread, false, ""},
		{"sure value, the models differ, the first very clear", reads(misread, 0.99), apart(0.75), misread, true, WhyUnsure},
		{"sure value, the place both choose", reads(misread, 0.99), placed(right, "東京都練馬区豊玉北4丁目10番27号", 0.95), misread, true, WhyUnsure},
		{"sure value, its place both choose", reads(right, 0.99), placed("東京都練馬区豊玉北4丁目10番27号", "東京都練馬区豊玉北4丁目10番29号", 0.95), right, false, ""},
		{"unsure value, both choose it, fitting", reads(right, 0.5), both(right, 0.95, -1), right, false, ""},
		{"unsure value, both choose it, fitting badly", reads(right, 0.5), both(right, 0.95, -6), right, true, WhyUnsure},
		{"unsure value with a building, both choose it", reads(right+"コーポ303号室", 0.5), both(right, 0.95, 0), right + "コーポ303号室", true, WhyUnsure},
		{"unsure value, the models differ", reads(misread, 0.5), apart(0.65), misread, true, WhyUnsure},
		{"unsure value, the models differ, the first very clear", reads(misread, 0.5), apart(0.75), right, true, WhySecond},
		{"unsure value, the first very clear but fitting badly", reads(misread, 0.5), []choice{{Choice: paddle.Choice{Share: 0.95, Fit: -7}, spelling: right}, {Choice: paddle.Choice{Share: 0.95}, spelling: "東京都練馬区豊玉南4丁目10番21号"}}, misread, true, WhyUnsure},
		{"unsure value, the first very clear on what was read", reads(right+"コーポ303号室", 0.5), apart(0.95), right + "コーポ303号室", true, WhyUnsure},
		{"unsure value, a choice less clear: proposed", reads(misread, 0.5), both(right, 0.7, 0), right, true, WhySecond},
		{"unsure value, a choice not clear", reads(misread, 0.5), both(right, 0.5, 0), misread, true, WhyUnsure},
		{"unsure value, both choose it, less clearly: not made sure", reads(right, 0.5), both(right, 0.7, 0), right, true, WhyUnsure},
		{"unsure value, one model, not very clear", reads(misread, 0.5), both(right, 0.65, 0)[:1], misread, true, WhyUnsure},
		{"unsure value, one model, very clear", reads(misread, 0.5), both(right, 0.95, 0)[:1], right, true, WhySecond},
		// No address chosen clearly, but one place by both: it is put in
		// place of the one read, the block number kept as read.
		{"the place both choose", reads(misread, 0.5), placed(right, "東京都練馬区豊玉北4丁目10番27号", 0.95), "東京都練馬区豊玉北4丁目10番27号", true, WhySecond},
		{"the place both choose, a building after it", reads("東京都練馬区豊王北尋2内4丁目10番27号 コーポ303号室", 0.5), placed(right, "東京都練馬区豊玉北4丁目10番27号", 0.95), "東京都練馬区豊玉北4丁目10番27号コーポ303号室", true, WhySecond},
		{"the place both choose, not clearly", reads(misread, 0.5), placed(right, "東京都練馬区豊玉北4丁目10番27号", 0.85), misread, true, WhyUnsure},
		{"the place both choose, no block number read", reads("東京都練馬区豊王北", 0.5), placed(right, "東京都練馬区豊玉北4丁目10番27号", 0.95), "東京都練馬区豊王北", true, WhyShape},
		{"the place read, both choose it", reads("東京都練馬区豊玉北4丁目10番29号", 0.5), placed(right, "東京都練馬区豊玉北4丁目10番27号", 0.95), "東京都練馬区豊玉北4丁目10番29号", true, WhyUnsure},
		{"places apart", reads(misread, 0.5), []choice{{Choice: paddle.Choice{Share: 0.4, GroupShare: 0.95}, spelling: right}, {Choice: paddle.Choice{Share: 0.4, GroupShare: 0.95}, spelling: "東京都練馬区豊玉南4丁目10番21号"}}, misread, true, WhyUnsure},
		// Read surely, its digits read otherwise by jpn (the fourth read):
		// the models choosing it do not overrule jpn. All three read a
		// held-out 22番8号 as 22番3号 alike when they did.
		{"digits unconfirmed, both choose it", append(reads(right, 0.99), line(misread, 0.99)), both(right, 0.99, 0), right, true, WhyDigits},
	} {
		t.Run(c2.name, func(t *testing.T) {
			s := &fakeSecond{choose: c2.choose}
			rd := NewReader(&seqOCR{res: c2.reads}).WithToday(func() time.Time { return today }).WithSecond(s)
			rd.addresses = c
			got, err := rd.Read(context.Background(), page(addr.Box), addr)
			if err != nil {
				t.Fatal(err)
			}
			checkChosen(t, got, c2.value, c2.review, c2.why)
		})
	}
}
