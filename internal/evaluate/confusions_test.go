//go:build eval

package evaluate_test

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"shinsei/forms"
	"shinsei/forms/names"
	"shinsei/internal/scangen"
	"shinsei/internal/trainlines"
	"shinsei/ocr"
	"shinsei/ocr/paddle/paddletest"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// TestNameConfusions writes names drawn at random from the whole lexicon
// (not the generator's forty surnames and forty given names) into an
// application's 氏名 box, in each calibration hand alone (clean ink, no
// scan damage), reads them as the pipeline does, and prints:
//   - the character substitutions the reader made, most frequent first;
//   - the misreads the name evidence would let through: read surely,
//     wrong, yet fitting the true フリガナ (taken as read right) with no
//     confusable rival — a wrong name passed as sure.
//
// It fails if any misread would be let through, so that a pair it finds
// is added to forms/names' confusable pairs, not forgotten. The pairs are
// chosen on the calibration hands (the default); SHINSEI_CONFUSION_HANDS=
// holdout measures, and must never choose. SHINSEI_CONFUSION_SEED draws
// other names.
//
//	OMP_THREAD_LIMIT=1 SHINSEI_CONFUSION_NAMES=2000 go test -tags eval -run NameConfusions -v ./internal/evaluate/ -timeout 60m
func TestNameConfusions(t *testing.T) {
	n, seed := envInt(t, "SHINSEI_CONFUSION_NAMES", 300), envInt(t, "SHINSEI_CONFUSION_SEED", 11)
	use := cmp.Or(os.Getenv("SHINSEI_CONFUSION_HANDS"), scangen.UseCalibrate)
	lex, err := names.Load()
	if err != nil {
		t.Fatal(err)
	}
	family, given := lexiconNames(t, "../../forms/names/names.tsv")
	hands, field, rd := nameReader(t, use, lex)

	subs := map[[2]rune]int{}
	var passed []string
	reads, wrong, sureWrong, settled := 0, 0, 0, 0
	for hi, h := range hands {
		g, err := scangen.New(scangen.Options{Seed: 7, Hands: []scangen.Hand{h}})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(uint64(seed), uint64(hi)))
		canvas := trainlines.NewCanvas()
		for range n {
			f, gv := family[rng.IntN(len(family))], given[rng.IntN(len(given))]
			truth, kana := f[0]+" "+gv[0], f[1]+" "+gv[1]
			if !g.CanWrite(truth) {
				continue
			}
			for i := range canvas.Pix {
				canvas.Pix[i] = 255
			}
			if err := g.WriteText(canvas, field.Box, truth, rng); err != nil {
				t.Fatal(err)
			}
			r, err := rd.Read(context.Background(), canvas, field)
			if err != nil {
				t.Fatal(err)
			}
			reads++
			got, _ := r.Value.(string)
			want := forms.CompactText(truth)
			if forms.CompactText(got) == want {
				continue
			}
			wrong++
			gr, wr := []rune(forms.CompactText(got)), []rune(want)
			if len(gr) == len(wr) {
				for i := range gr {
					if gr[i] != wr[i] {
						subs[[2]rune{wr[i], gr[i]}]++
					}
				}
			}
			if r.Review {
				continue
			}
			sureWrong++
			// As pipeline.checkNames: a name both models choose over its
			// rival spellings has only its フリガナ's kana held against it.
			rival, settledHere := lex.Rival(got, kana), false
			if rival && !lex.KanaRival(got, kana) {
				ok, err := rd.SettlesRivals(context.Background(), canvas, field, got)
				if err != nil {
					t.Fatal(err)
				}
				rival, settledHere = !ok, ok
			}
			if lex.Check(got, kana) == names.Agrees && !rival {
				if settledHere {
					settled++
				}
				passed = append(passed, fmt.Sprintf("%s: %s read %s (%.3f), フリガナ %s", h.Name, truth, got, r.Confidence, kana))
			}
		}
	}
	type sub struct {
		from, to rune
		n        int
	}
	var ss []sub
	for k, v := range subs {
		ss = append(ss, sub{k[0], k[1], v})
	}
	slices.SortFunc(ss, func(a, b sub) int { return cmp.Or(b.n-a.n, cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to)) })
	var b strings.Builder
	for _, s := range ss {
		if s.n < 3 {
			break
		}
		fmt.Fprintf(&b, " %c→%c %d", s.from, s.to, s.n)
	}
	t.Logf("%d names read in %d %s hands: %d wrong, %d of them sure before the name evidence, %d let through by it (%d of them because both models chose them over their rival spellings)", reads, len(hands), use, wrong, sureWrong, len(passed), settled)
	t.Logf("substitutions:%s", b.String())
	for _, p := range passed {
		t.Errorf("passed wrong: %s", p)
	}
}

// nameReader is the hands of one use, an application's 氏名 box, and a
// reader that reads it as the pipeline does: with the second recogniser,
// which also chooses among lex's names (and makes sure an unsure name it
// chooses as Tesseract read it).
func nameReader(t *testing.T, use string, lex text.Names) ([]scangen.Hand, templates.Field, *text.Reader) {
	t.Helper()
	hands, err := scangen.HandsByUse(use)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := templates.Builtin().Get("jpki-application", 0)
	if err != nil {
		t.Fatal(err)
	}
	field, ok := tpl.Field("applicant_name")
	if !ok {
		t.Fatal("no applicant_name")
	}
	pool, err := ocr.NewPool(ocr.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	rd := text.NewReader(pool).WithToday(scangen.DefaultToday).WithSecond(paddletest.Pool(t)).WithNames(lex)
	return hands, field, rd
}

func envInt(t *testing.T, key string, def int) int {
	s := os.Getenv(key)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return v
}

// lexiconNames are the lexicon's family and given names written in kanji
// (kana-only names test nothing the kana field does not), each with its
// first reading.
func lexiconNames(t *testing.T, path string) (family, given [][2]string) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 || !hasKanji(cols[1]) {
			continue
		}
		e := [2]string{cols[1], strings.Split(cols[2], ",")[0]}
		switch cols[0] {
		case "s":
			family = append(family, e)
		case "g":
			given = append(given, e)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return family, given
}

func hasKanji(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}
