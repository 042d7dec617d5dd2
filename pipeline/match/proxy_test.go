package match_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/pipeline/cases"
	"shinsei/pipeline/match"
)

// Answer sheets written in the held-out hands, read by the real pipeline
// and matched to their cases: every other sheet names the case's proxy,
// the rest someone else. A proxy's name is made sure by its case only when
// read as the case's proxy; no sheet naming someone else may have its
// proxy confirmed, and no confirmed name may be wrong. make test reads 8
// sheets; the figures in the README come from 200:
//
//	SHINSEI_PROXY_SHEETS=200 OMP_THREAD_LIMIT=1 go test -run ProxyConfirmed -v ./pipeline/match/ -timeout 60m
func TestProxyConfirmedByCase(t *testing.T) {
	n := sheetCount(t, "SHINSEI_PROXY_SHEETS", 8)
	ctx := context.Background()
	today := scangen.DefaultToday()
	st, eng, clock := readingSetup(t, today, 1)
	repo := cases.New(st, cases.Options{Now: clock, Rand: rand.New(rand.NewPCG(5, 5))})
	held, err := scangen.HandsByUse(scangen.UseHoldout)
	if err != nil {
		t.Fatal(err)
	}
	g, err := scangen.New(scangen.Options{Seed: 305, Mix: scanfx.Standard, Hands: held})
	if err != nil {
		t.Fatal(err)
	}
	m := match.New(repo, "test", clock)

	// The people and proxies of the generator's applications.
	type app struct {
		p     forms.Person
		proxy string
	}
	var apps []app
	for i := 0; len(apps) < n+1; i++ {
		d, err := g.Document(i)
		if err != nil {
			t.Fatal(err)
		}
		for _, pt := range d.Truth.Pages {
			v := func(id string) string { s, _ := pt.Fields[id].Value.(string); return s }
			if pt.Template == forms.TemplateApplication && v("proxy_name") != "" {
				apps = append(apps, app{forms.Person{Name: v("applicant_name"), Kana: v("applicant_kana"), BirthDate: v("applicant_birth_date"), Address: v("applicant_address")}, v("proxy_name")})
			}
		}
	}
	tally := map[string]int{}
	for i := range n {
		a := apps[i]
		c, err := repo.Open(ctx, forms.Case{Person: a.p, Certs: []string{forms.CertSignature, forms.CertUser}, ProxyName: a.proxy})
		if err != nil {
			t.Fatal(err)
		}
		written, own := a.proxy, i%2 == 0
		if !own {
			written = apps[i+1].proxy
			if forms.CompactText(written) == forms.CompactText(a.proxy) {
				written = "田中 修"
			}
		}
		birth, _ := time.Parse("2006-01-02", a.p.BirthDate)
		doc, err := g.Answer(scangen.Case{Ref: string(c.ID), Name: a.p.Name, Kana: a.p.Kana, Address: a.p.Address, Birth: birth, Certs: c.Certs, ProxyName: written},
			scangen.AnswerOptions{Mix: scanfx.Standard, Seed: uint64(i), Today: today, AnswerDate: today})
		if err != nil {
			t.Fatal(err)
		}
		pages := eng.Pages(ctx, doc.Name, doc.Data)
		d := eng.ReadDetailed(ctx, pages[0])
		before, acceptedBefore := d.Fields["proxy_name"], d.Status == forms.Accepted
		if err := m.Answer(ctx, &d.Record, match.EvidenceOf(d)); err != nil {
			t.Fatal(err)
		}
		after := d.Fields["proxy_name"]
		v, _ := after.Value.(string)
		right := forms.CompactText(v) == forms.CompactText(written)
		confirmed := d.Case != nil && slices.Contains(d.Case.Confirmed, "proxy_name")
		kind := "own proxy"
		if !own {
			kind = "another proxy"
		}
		var what string
		switch {
		case confirmed && !own:
			what = "CONFIRMED, NOT THE CASE'S PROXY"
			t.Errorf("sheet %d (%s): the case confirmed a proxy the sheet does not name", i, doc.Name)
		case !after.Review && !right:
			what = "WRONG AND SURE"
			t.Errorf("sheet %d (%s): the proxy's name is sure and wrong (confirmed %v)", i, doc.Name, confirmed)
		case confirmed:
			what = "confirmed by the case"
		case d.Case == nil:
			what = "not linked"
		case !before.Review:
			what = "read surely"
		default:
			what = "for a person"
		}
		tally[fmt.Sprintf("%-13s %s", kind, what)]++
		if acceptedBefore {
			tally[kind+" page accepted as read"]++
		}
		if d.Status == forms.Accepted {
			tally[kind+" page accepted after matching"]++
		}
	}
	for _, k := range slices.Sorted(maps.Keys(tally)) {
		t.Logf("%-45s %d", k, tally[k])
	}
	if tally["own proxy     confirmed by the case"] == 0 {
		t.Errorf("no proxy's name was confirmed by its case: the test shows nothing of it")
	}
}
