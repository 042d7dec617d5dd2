package evaluate_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"shinsei/forms"
	"shinsei/internal/evaluate"
	"shinsei/internal/scangen"
	"shinsei/ocr"
	"shinsei/ocr/paddle/paddletest"
	"shinsei/pipeline"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// The committed corpus (15 files, every format and damage mix) read with
// real Tesseract: the form, its orientation and every field corner are
// found, and the reader's promise holds — a value it passes as certain is
// right, or at worst one in a hundred is not.
func TestCommittedCorpus(t *testing.T) {
	pool, err := ocr.NewPool(ocr.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	eng, err := pipeline.New(templates.Builtin(), pipeline.Config{Text: text.NewReader(pool).WithSecond(paddletest.Pool(t))})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := evaluate.Dir(context.Background(), eng, templates.Builtin(), filepath.Join("..", "..", "testdata", "corpus"), evaluate.Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	truths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "corpus", "*", "*.truth.json"))
	if rep.Files != len(truths) || rep.Files < 15 || rep.Pages < rep.Files {
		t.Fatalf("read %d files, %d pages; the committed corpus has %d files", rep.Files, rep.Pages, len(truths))
	}
	if rep.TemplateRight != rep.Pages || rep.RotationRight != rep.Pages {
		t.Errorf("form right on %d, orientation on %d of %d pages", rep.TemplateRight, rep.RotationRight, rep.Pages)
	}
	if rep.CornersOver1MM > 0 || rep.WorstCornerMM > 1 {
		t.Errorf("%d field corners over 1 mm off, worst %.2f mm", rep.CornersOver1MM, rep.WorstCornerMM)
	}
	txt := rep.Text()
	if txt.Fields < 100 {
		t.Errorf("only %d text fields scored", txt.Fields)
	}
	if txt.Silent*100 > txt.Fields {
		t.Errorf("%d of %d text values silently wrong: %s", txt.Silent, txt.Fields, strings.Join(rep.Errors, "; "))
	}
	for _, k := range []string{evaluate.KindCheckbox, evaluate.KindSignature, evaluate.KindPIN} {
		if tl := rep.Kinds[k]; tl == nil || tl.Silent > 0 {
			t.Errorf("%s: %+v", k, tl)
		}
	}
	t.Logf("%d pages, straight through %.0f%%; text %+v; errors %v", rep.Pages, rep.StraightThrough(), txt, rep.Errors)
}

// The judge's table: each outcome from each kind of field.
func TestJudge(t *testing.T) {
	type fv = forms.FieldValue
	type ft = scangen.FieldTruth
	for _, c := range []struct {
		kind  string
		truth ft
		got   *fv
		want  evaluate.Outcome
	}{
		{evaluate.KindName, ft{Value: "佐藤 花子"}, &fv{Value: "佐藤花子"}, evaluate.Right},
		{evaluate.KindName, ft{Value: "佐藤 花子"}, &fv{Value: "佐藤花千"}, evaluate.Silent},
		{evaluate.KindName, ft{Value: "佐藤 花子"}, &fv{Value: "佐藤花千", Review: true}, evaluate.FlaggedWrong},
		{evaluate.KindName, ft{Value: "佐藤 花子"}, &fv{Value: "佐藤花子", Review: true}, evaluate.FlaggedRight},
		{evaluate.KindName, ft{Value: "佐藤 花子"}, nil, evaluate.Missing},
		{evaluate.KindKana, ft{Value: "サトウ ハナコ"}, &fv{Value: "サトウハナコ"}, evaluate.Right},
		{evaluate.KindPhone, ft{Value: "03-1234-5678"}, &fv{Value: "03-1234-5678"}, evaluate.Right},
		{evaluate.KindDate, ft{Value: "1985-04-12"}, &fv{Value: "1985-04-12"}, evaluate.Right},
		{evaluate.KindDate, ft{Value: "1985-04-12"}, &fv{Value: nil, Review: true}, evaluate.Missing},
		{evaluate.KindCheckbox, ft{Value: true}, &fv{Value: true}, evaluate.Right},
		{evaluate.KindCheckbox, ft{Value: true}, &fv{Value: false}, evaluate.Silent},
		{evaluate.KindCheckbox, ft{Value: true, Ambiguous: true}, &fv{Value: nil, Review: true}, evaluate.FlaggedRight},
		{evaluate.KindCheckbox, ft{Value: true, Ambiguous: true}, &fv{Value: true}, evaluate.Silent},
		{evaluate.KindPIN, ft{Value: 4.0}, &fv{Value: 4}, evaluate.Right},
		{evaluate.KindPIN, ft{Value: 4.0}, &fv{Value: 3}, evaluate.Silent},
	} {
		got, read := forms.FieldValue{}, c.got != nil
		if read {
			got = *c.got
		}
		if o := evaluate.Judge(c.kind, c.truth, got, read); o != c.want {
			t.Errorf("%s truth %+v got %+v: outcome %d, want %d", c.kind, c.truth, c.got, o, c.want)
		}
	}
}
