package pipeline_test

import (
	"context"
	"testing"

	"shinsei/forms"
	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/pipeline"
)

// generator makes the corpus of seed, scanned with mix and written by the
// hands kept for use, as shinsei-gen -seed seed -mix mix -hands use does.
func generator(t *testing.T, seed uint64, mix scanfx.Mix, use string) *scangen.Generator {
	t.Helper()
	hs, err := scangen.HandsByUse(use)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := scangen.New(scangen.Options{Seed: seed, Mix: mix, Hands: hs})
	if err != nil {
		t.Fatal(err)
	}
	return gen
}

// readGenerated reads field of the first page of gen's document doc,
// which hand wrote, and returns what was written there. It fails the
// test when the generator no longer makes that page.
func readGenerated(t *testing.T, eng *pipeline.Engine, gen *scangen.Generator, doc int, hand, field string) (name string, want any, fv forms.FieldValue) {
	t.Helper()
	d, err := gen.Document(doc)
	if err != nil {
		t.Fatal(err)
	}
	pt := d.Truth.Pages[0]
	truth, ok := pt.Fields[field]
	if !ok || pt.Hand != hand {
		t.Fatalf("the generator no longer makes this page (%s: hand %q, %s %+v)", d.Name, pt.Hand, field, truth)
	}
	ctx := context.Background()
	pages := eng.Pages(ctx, d.Name, d.Data)
	if len(pages) == 0 {
		t.Fatalf("%s: no pages", d.Name)
	}
	return d.Name, truth.Value, eng.Read(ctx, pages[0]).Fields[field]
}

// readScenario reads field of gen's page i of scenario sc (one page), and
// returns the page's name and truth of the field beside what was read.
func readScenario(t *testing.T, eng *pipeline.Engine, gen *scangen.Generator, sc string, i int, field string) (name string, truth scangen.FieldTruth, fv forms.FieldValue) {
	t.Helper()
	d, err := gen.Scenario(sc, i)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pages := eng.Pages(ctx, d.Name, d.Data)
	if len(pages) != 1 {
		t.Fatalf("%s: %d pages", d.Name, len(pages))
	}
	return d.Name, d.Truth.Pages[0].Fields[field], eng.Read(ctx, pages[0]).Fields[field]
}
