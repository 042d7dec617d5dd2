package address_test

import (
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
