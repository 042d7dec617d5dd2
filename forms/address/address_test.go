package address_test

import (
	"slices"
	"testing"

	"shinsei/forms/address"
)

func TestCheck(t *testing.T) {
	m, err := address.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		addr string
		want address.Verdict
	}{
		{"東京都練馬区豊玉北6丁目12番1号", address.Known},
		{"東京都 練馬区 豊玉北 6-12-1", address.Known},
		{"練馬区豊玉北六丁目12番1号", address.Known}, // no prefecture, kanji numeral
		{"東京都練馬区大泉学園町2丁目", address.Known},
		{"神奈川県横浜市港北区日吉本町1丁目2番3号", address.Known},
		{"埼玉県ふじみ野市川崎1丁目2番3号", address.Known},
		// Misreadings the independent hold-out found passed as sure.
		{"埼玉県ふじ野市川崎1丁目2番3号", address.UnknownMunicipality},
		{"埼玉県ふじお野市川崎1丁目2番3号", address.UnknownMunicipality},
		{"東京都練馬区豊王北6丁目12番1号", address.UnknownTown},
		{"東京都練馬区豊玉北東6丁目", address.UnknownTown}, // a town, then more than a number
		{"東京都練馬区", address.UnknownTown},
		{"6331", address.UnknownMunicipality},
		{"", address.UnknownMunicipality},
	} {
		if got := m.Check(c.addr); got != c.want {
			t.Errorf("Check(%q) = %v, want %v", c.addr, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	if _, err := address.Parse([]byte("東京都\t練馬区\n")); err == nil {
		t.Error("Parse of a line without towns column succeeded")
	}
	m, err := address.Parse([]byte("# c\n東京都\t練馬区\t豊玉北,豊玉南\n"))
	if err != nil || m.Check("東京都練馬区豊玉南1丁目") != address.Known || m.Check("東京都練馬区豊玉中1丁目") != address.UnknownTown {
		t.Errorf("Parse of a one-line master: %v", err)
	}
}

func TestSuggest(t *testing.T) {
	m, err := address.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		addr, want string // want "": no suggestion
	}{
		// Misreadings of unseen hands (issue 12).
		{"東京都線馬区豊玉北4丁目10番21号", "東京都練馬区豊玉北4丁目10番21号"},
		{"宮城県仙台市災葉区中山2丁目2番25号", "宮城県仙台市青葉区中山2丁目2番25号"},
		{"福岡県福岡市粒多区坦多駅前6丁目26番1号", "福岡県福岡市博多区博多駅前6丁目26番1号"}, // one in the ward, one in the town
		{"愛私県名古屋市中区丸中内2丁目16番6号", "愛知県名古屋市中区丸の内2丁目16番6号"},   // one in the prefecture, one in the town
		{"東京都世田谷区上上馬6丁目8番10号", "東京都世田谷区上馬6丁目8番10号"},        // a doubled character
		{"埼玉県ふじ野市川崎1丁目2番3号", "埼玉県ふじみ野市川崎1丁目2番3号"},          // a lost one
		{"練馬区豊王北6-12-1", "練馬区豊玉北6-12-1"},                   // no prefecture written: none added
		{"往奈川旧川崎市中原区上丸子3丁目7番15号", "神奈川県川崎市中原区上丸子3丁目7番15号"}, // the prefecture from its municipality
		// The block number and the building are copied as read, even wrong.
		{"東京都練馬区豊王北6丁目12番1号コーボ練馬101号室", "東京都練馬区豊玉北6丁目12番1号コーボ練馬101号室"},
		// Ties: 船括市 is 船橋市, but 三味 is 三咲 or 三山.
		{"千葉県船括市三味5丁目17番16号", ""},
		{"東京都八王子市坦町5丁目3番8号", ""}, // 旭町 or 本町
		// Known places are never changed; garbage is left alone.
		{"東京都練馬区豊玉北6丁目12番1号", ""},
		{"長野県松本市中央5丁目5番15号コーボ405号室", ""},
		{"福重才県欄舌市飼北区菊名3古語24番3号", ""},
		{"6331", ""},
		{"", ""},
	} {
		got, ok := m.Suggest(c.addr)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Suggest(%q) = %q, %v; want %q", c.addr, got, ok, c.want)
		}
		if ok && m.Check(got) != address.Known {
			t.Errorf("Suggest(%q) = %q, which the list does not know", c.addr, got)
		}
	}
}

// Suggest runs once for every address sent to a person.
func BenchmarkSuggest(b *testing.B) {
	m, err := address.Load()
	if err != nil {
		b.Fatal(err)
	}
	reads := []string{"東京都線馬区豊玉北4丁目10番21号", "千葉県船括市三味5丁目17番16号", "練馬区豊王北6-12-1", "福重才県欄舌市飼北区菊名3古語24番3号"}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Suggest(reads[i%len(reads)])
	}
}

// The places, in a fixed order, as the second recogniser's tree walks
// them: every municipality of a prefecture, every town of one.
func TestPlaces(t *testing.T) {
	m, err := address.Parse([]byte("# c\n東京都\t練馬区\t豊玉北,大泉学園町\n東京都\t中央区\t\n大阪府\t堺市堺区\t中之町東\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Prefectures(); !slices.Equal(got, []string{"大阪府", "東京都"}) {
		t.Errorf("Prefectures = %v", got)
	}
	if got := m.Municipalities("東京都"); !slices.Equal(got, []string{"中央区", "練馬区"}) {
		t.Errorf("Municipalities = %v", got)
	}
	if got := m.Towns("東京都", "練馬区"); !slices.Equal(got, []string{"大泉学園町", "豊玉北"}) {
		t.Errorf("Towns = %v (longest first)", got)
	}
	if got := m.Towns("東京都", "中央区"); len(got) != 0 {
		t.Errorf("Towns of a municipality with none = %v", got)
	}
}

func TestVariants(t *testing.T) {
	v, err := address.LoadVariants()
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[rune]rune{'宮': '宫', '岡': '冈', '縣': '县'} {
		if !slices.Contains(v.Forms(k), want) {
			t.Errorf("Forms(%c) = %q, want it to hold %c", k, string(v.Forms(k)), want)
		}
	}
	for _, bad := range []string{"宮\n", "宮宮\t宫\n", "宮\t\n"} {
		if _, err := address.ParseVariants([]byte(bad)); err == nil {
			t.Errorf("ParseVariants(%q) took it", bad)
		}
	}
}
