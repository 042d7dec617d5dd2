package match_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/ocr"
	"shinsei/pipeline"
	"shinsei/pipeline/cases"
	"shinsei/pipeline/match"
	"shinsei/pipeline/text"
	"shinsei/store/storeurl"
	"shinsei/templates"
)

// Generated answer sheets, read by the real pipeline, matched among
// pending cases full of decoys: for every sheet's case there are others
// for a person of the same name (at another address), of the same birth
// date, and with a kana one sound apart. Some sheets have their QR code
// blotted out, some the QR code and the printed reference too. No sheet
// may be matched to a wrong case, and every sheet left unmatched must say
// why. make test reads 8 sheets; the acceptance run reads 200:
//
//	SHINSEI_DECOY_SHEETS=200 OMP_THREAD_LIMIT=1 go test -run Decoys -v ./pipeline/match/ -timeout 60m
func TestDecoys(t *testing.T) {
	n := 8
	if s := os.Getenv("SHINSEI_DECOY_SHEETS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			t.Fatalf("SHINSEI_DECOY_SHEETS=%q", s)
		}
		n = v
	}
	ctx := context.Background()
	st, err := storeurl.Open(ctx, "file://"+t.TempDir(), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	today := scangen.DefaultToday()
	clock := func() time.Time { return today.Add(10 * time.Hour) }
	repo := cases.New(st, cases.Options{Now: clock, Rand: rand.New(rand.NewPCG(7, 7))})
	g, err := scangen.New(scangen.Options{Seed: 77})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := ocr.NewPool(ocr.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	eng, err := pipeline.New(templates.Builtin(), pipeline.Config{Text: text.NewReader(pool).WithToday(clock), Today: func() time.Time { return today }})
	if err != nil {
		t.Fatal(err)
	}

	rng := rand.New(rand.NewPCG(2026, 11))
	surnames := []string{"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村"}
	given := []struct{ kanji, kana string }{{"太郎", "タロウ"}, {"花子", "ハナコ"}, {"健太", "ケンタ"}, {"陽子", "ヨウコ"}, {"誠", "マコト"}, {"愛", "アイ"}}
	sk := map[string]string{"佐藤": "サトウ", "鈴木": "スズキ", "高橋": "タカハシ", "田中": "タナカ", "伊藤": "イトウ", "渡辺": "ワタナベ", "山本": "ヤマモト", "中村": "ナカムラ"}
	type sheet struct {
		c    forms.Case
		opts scangen.AnswerOptions
		kind string
	}
	open := func(p forms.Person, certs []string) forms.Case {
		c, err := repo.Open(ctx, forms.Case{Person: p, Certs: certs, ProxyName: "山田 花子"})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	var sheets []sheet
	for i := range n {
		sur, gv := surnames[rng.IntN(len(surnames))], given[rng.IntN(len(given))]
		birth := today.AddDate(-20-rng.IntN(60), 0, -rng.IntN(365))
		addr := fmt.Sprintf("東京都練馬区豊玉北%d丁目%d番%d号", 1+rng.IntN(6), 1+rng.IntN(30), 1+i%25)
		certs := [][]string{{"signature", "user"}, {"user"}, {"signature"}}[rng.IntN(3)]
		p := forms.Person{Name: sur + " " + gv.kanji, Kana: sk[sur] + " " + gv.kana, BirthDate: birth.Format("2006-01-02"), Address: addr}
		c := open(p, certs)
		// The decoys.
		open(forms.Person{Name: p.Name, Kana: p.Kana, BirthDate: today.AddDate(-30, 0, -i).Format("2006-01-02"), Address: fmt.Sprintf("東京都練馬区旭町%d丁目1番1号", 1+i%6)}, certs)
		open(forms.Person{Name: "小林 " + gv.kanji, Kana: "コバヤシ " + gv.kana, BirthDate: p.BirthDate, Address: fmt.Sprintf("東京都練馬区栄町%d丁目2番2号", 1+i%6)}, certs)
		open(forms.Person{Name: sur + " 一郎", Kana: sk[sur] + " イチロウ", BirthDate: p.BirthDate, Address: addr + "の2"}, certs)
		o := scangen.AnswerOptions{Mix: scanfx.Standard, Seed: uint64(i), Today: today, AnswerDate: today}
		kind := "plain"
		switch r := rng.IntN(20); {
		case r < 4:
			o.BlotQR, kind = true, "QR blotted"
		case r < 7:
			o.BlotQR, o.BlotRef, kind = true, true, "QR and reference blotted"
		case r < 8:
			o.Unsigned, kind = true, "unsigned"
		}
		sheets = append(sheets, sheet{c, o, kind})
	}
	m := match.New(repo, "test", clock)
	type outcome struct {
		how, code string
		wrong     bool
	}
	results := make([]outcome, len(sheets))
	var wg sync.WaitGroup
	next := make(chan int)
	for range 2 {
		wg.Go(func() {
			for i := range next {
				s := sheets[i]
				birth, _ := time.Parse("2006-01-02", s.c.Person.BirthDate)
				doc, err := g.Answer(scangen.Case{Ref: string(s.c.ID), Name: s.c.Person.Name, Kana: s.c.Person.Kana, Address: s.c.Person.Address, Birth: birth, Certs: s.c.Certs, ProxyName: s.c.ProxyName}, s.opts)
				if err != nil {
					t.Error(err)
					continue
				}
				pages := eng.Pages(ctx, doc.Name, doc.Data)
				d := eng.ReadDetailed(ctx, pages[0])
				if err := m.Answer(ctx, &d.Record, match.EvidenceOf(d)); err != nil {
					t.Error(err)
					continue
				}
				var o outcome
				if d.Case != nil {
					o.how = d.Case.Match
					o.wrong = d.Case.ID != string(s.c.ID)
				} else {
					for _, is := range d.Issues {
						if is.Field == "case_ref" || is.Code == match.CodeCaseUnidentified {
							o.code = is.Code
						}
					}
					if o.code == "" {
						o.code = "NO REASON"
					}
				}
				results[i] = o
			}
		})
	}
	for i := range sheets {
		next <- i
	}
	close(next)
	wg.Wait()

	tally := map[string]map[string]int{}
	wrong := 0
	for i, o := range results {
		k := sheets[i].kind
		if tally[k] == nil {
			tally[k] = map[string]int{}
		}
		switch {
		case o.wrong:
			wrong++
			tally[k]["WRONG"]++
			t.Errorf("sheet %d (%s) matched the wrong case", i, k)
		case o.how != "":
			tally[k]["matched by "+o.how]++
		default:
			tally[k]["unmatched: "+o.code]++
			if o.code == "NO REASON" {
				t.Errorf("sheet %d (%s) unmatched without a reason", i, k)
			}
		}
	}
	for k, v := range tally {
		t.Logf("%-26s %v", k, v)
	}
	t.Logf("%d sheets, %d cases (3 decoys each), %d wrong matches", len(sheets), 4*len(sheets), wrong)
}
