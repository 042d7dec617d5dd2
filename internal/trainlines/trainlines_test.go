package trainlines

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"shinsei/forms"
	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/templates"
)

// testWords is a small word list shaped like dawg2wordlist's: mostly
// kanji and katakana words, with Latin, digits and stray marks to drop.
var testWords = []string{
	"車軸", "現職", "真ん中", "視覚", "鼻毛", "森", "川辺", "大学院", "青空", "春", "海原", "中央", "電話帳",
	"エルム", "レーニン", "アリューシャン", "レイン", "テスト", "ミドリ",
	"こしょう", "しんみり", "依る",
	"sold", "ipc", "123", "#Fixes", "ーア", "ｶﾀｶﾅ", "車軸", " 海原 ",
}

func testWordList(t testing.TB) *words {
	t.Helper()
	w, err := newWords(testWords)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestTextWordList(t *testing.T) {
	w := testWordList(t)
	for _, bad := range []string{"sold", "123", "#Fixes", "ーア", "ｶﾀｶﾅ", "大学院"} {
		if slices.Contains(w.kanjiTwo, bad) || slices.Contains(w.kata, bad) {
			t.Errorf("%q kept where it does not belong", bad)
		}
	}
	for _, bad := range []string{"sold", "123", "#Fixes", "ーア", "ｶﾀｶﾅ"} {
		if slices.Contains(w.letters, bad) {
			t.Errorf("%q kept", bad)
		}
	}
	if n := strings.Count(strings.Join(w.letters, ","), "車軸"); n != 1 {
		t.Errorf("車軸 kept %d times", n)
	}
	// 大学院 is a name part but too long for an address part; アリューシャン
	// (seven runes) too long for a reading.
	if !slices.Contains(w.kanji, "大学院") || !slices.Contains(w.kanjiTwo, "海原") ||
		slices.Contains(w.kata, "アリューシャン") || !slices.Contains(w.kata, "レーニン") || !slices.Contains(w.letters, "真ん中") {
		t.Errorf("kanji %v, kanjiTwo %v, katakana %v, letters %v", w.kanji, w.kanjiTwo, w.kata, w.letters)
	}
	if _, err := newWords([]string{"sold", "エルム"}); err == nil {
		t.Error("a list with no kanji words accepted")
	}
}

func TestText(t *testing.T) {
	w := testWordList(t)
	kanji := `[\p{Han}]`
	kata := `[ァ-ヶー]`
	prefs := strings.Join(forms.Prefectures(), "|")
	address := regexp.MustCompile(`^(` + prefs + `)` + kanji + `{1,4}[市区町村](` + kanji + `{1,2}区)?` + kanji + `{1,2}町?` +
		`(\d{1,2}丁目\d{1,2}番\d{1,2}号|\d{1,2}-\d{1,2}-\d{1,2})( ` + kata + `{2,5}\d{3}号室)?$`)
	nameKanji := regexp.MustCompile(`^` + kanji + `{1,3} (` + kanji + `{1,3}|[ぁ-ゖ]{2,3})$`)
	kana := regexp.MustCompile(`^` + kata + `+ ` + kata + `+$`)
	for _, tc := range []struct {
		name  string
		field templates.Field
		ok    func(string) bool
	}{
		{"name", templates.Field{ID: "applicant_name", Kind: templates.Text, Charset: templates.Kanji}, nameKanji.MatchString},
		{"kana", templates.Field{ID: "proxy_kana", Kind: templates.Text, Charset: templates.Katakana}, func(s string) bool {
			for _, part := range strings.Split(s, " ") {
				if strings.HasPrefix(part, "ー") || strings.HasPrefix(part, "ッ") || strings.HasPrefix(part, "ン") || strings.HasSuffix(part, "ッ") {
					return false
				}
			}
			return kana.MatchString(s)
		}},
		{"address", templates.Field{ID: "applicant_address", Kind: templates.Text, Charset: templates.Kanji}, address.MatchString},
		{"date", templates.Field{ID: "application_date", Kind: templates.Date}, func(s string) bool {
			d, _, err := forms.ParseDate(s)
			return err == nil && !d.Before(time.Date(1925, 1, 1, 0, 0, 0, 0, time.UTC)) && d.Year() <= 2030
		}},
		{"phone", templates.Field{ID: "applicant_phone", Kind: templates.Text, Charset: templates.Digits}, func(s string) bool {
			_, ok := forms.NormalizePhone(s)
			return ok
		}},
		{"free", templates.Field{ID: "proxy_relationship", Kind: templates.Text, Charset: templates.Kanji}, func(s string) bool {
			return s != "" && allRunes(s, isLetter)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]bool{}
			for i := range 300 {
				rng := rand.New(rand.NewPCG(uint64(i), 1))
				s := w.text(tc.field, rng)
				seen[s] = true
				if !tc.ok(s) || utf8.RuneCountInString(s) > maxRunes || s != strings.TrimSpace(s) {
					t.Fatalf("draw %d: %q", i, s)
				}
			}
			if len(seen) < 50 {
				t.Errorf("only %d different texts in 300 draws", len(seen))
			}
		})
	}
}

// Every spelling of a date reads back as that date.
func TestTextDates(t *testing.T) {
	styles := map[string]int{}
	for i := range 500 {
		rng := rand.New(rand.NewPCG(uint64(i), 2))
		d := randomDate(rng)
		s, style := scangen.SpellDate(rng, d)
		got, gotStyle, err := forms.ParseDate(s)
		if err != nil || !got.Equal(d) || string(gotStyle) != style {
			t.Fatalf("%s spelt %q (%s) reads as %s %s, %v", d.Format("2006-01-02"), s, style, got.Format("2006-01-02"), gotStyle, err)
		}
		styles[style]++
	}
	if len(styles) != 3 {
		t.Errorf("styles drawn: %v", styles)
	}
}

func TestSampleBoxFile(t *testing.T) {
	want := "山 0 0 30 10 0\n  0 0 30 10 0\nア 0 0 30 10 0\n\t 30 10 31 11 0\n"
	if got := string(BoxFile("山 ア", 30, 10)); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Samples land as png, gt and box files, and a seed gives the same bytes
// however many workers make them.
func TestSamples(t *testing.T) {
	g, err := scangen.New(scangen.Options{Seed: 1, Mix: scanfx.Standard})
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(g, testWords, 7)
	if err != nil {
		t.Fatal(err)
	}
	a, b := t.TempDir(), t.TempDir()
	sa, err := m.Write(context.Background(), a, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	if sa.Written != 4 {
		t.Fatalf("wrote %d lines of 4 (%d skipped)", sa.Written, sa.Skipped)
	}
	if _, err := m.Write(context.Background(), b, 4, 1); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 4; i++ {
		base := filepath.Join(a, fmt.Sprintf("%06d", i))
		gt := read(t, base+".gt.txt")
		text := strings.TrimSuffix(string(gt), "\n")
		if text == "" || strings.Contains(text, "\n") || text != strings.TrimRight(text, " ") {
			t.Errorf("%s.gt.txt: %q", base, gt)
		}
		img, err := png.Decode(bytes.NewReader(read(t, base+".png")))
		if err != nil {
			t.Fatal(err)
		}
		box := strings.Split(strings.TrimSuffix(string(read(t, base+".box")), "\n"), "\n")
		if len(box) != utf8.RuneCountInString(text)+1 {
			t.Errorf("%s.box: %d lines for %q", base, len(box), text)
		}
		w, h := img.Bounds().Dx(), img.Bounds().Dy()
		if want := string(BoxFile(text, w, h)); strings.Join(box, "\n")+"\n" != want {
			t.Errorf("%s.box does not match a %d×%d image of %q", base, w, h, text)
		}
		for _, ext := range []string{".png", ".gt.txt", ".box"} {
			other := filepath.Join(b, filepath.Base(base)+ext)
			if !bytes.Equal(read(t, base+ext), read(t, other)) {
				t.Errorf("%s%s differs between two runs of one seed", base, ext)
			}
		}
	}
	entries, _ := os.ReadDir(a)
	if len(entries) != 12 {
		t.Errorf("%d files, want 12", len(entries))
	}
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A line holds only characters its hands can draw: cwTeX Kai alone has no
// 県, so no line written in it alone holds one, whatever the words.
func TestSamplesOnlyWhatTheHandsDraw(t *testing.T) {
	hs, err := scangen.HandsByUse("cwtex-kai")
	if err != nil {
		t.Fatal(err)
	}
	g, err := scangen.New(scangen.Options{Seed: 1, Mix: scanfx.Standard, Hands: hs})
	if err != nil {
		t.Fatal(err)
	}
	if g.CanWrite("県") || !g.CanWrite("中央 春") {
		t.Fatalf("CanWrite(県) = %v: the case this test is about is gone", g.CanWrite("県"))
	}
	m, err := New(g, append(slices.Clone(testWords), "県庁", "県道", "県立", "沢山"), 7)
	if err != nil {
		t.Fatal(err)
	}
	canvas := NewCanvas()
	written := 0
	for i := range 60 {
		s, ok, err := m.Sample(i, canvas)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			continue
		}
		written++
		if !g.CanWrite(s.Text) {
			t.Errorf("sample %d: %q holds a character no hand draws", i, s.Text)
		}
	}
	if written < 50 {
		t.Errorf("%d of 60 samples written", written)
	}
}
