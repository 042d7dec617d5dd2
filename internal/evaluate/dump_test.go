//go:build eval

package evaluate_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"shinsei/internal/evaluate"
	"shinsei/internal/scangen"
	"shinsei/ocr"
	"shinsei/ocr/paddle/paddletest"
	"shinsei/pipeline"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// TestDump writes every text value of a generated corpus (SHINSEI_DUMP_DIR)
// as read by the shipped pipeline, beside its truth, to SHINSEI_DUMP_OUT as
// tab-separated lines: hand, kind, field, file, page, confidence, review,
// right, value, truth, raw. The corpus is synthetic; the values are no
// one's. It is for finding how wrong values pass, not a test of anything.
//
//	OMP_THREAD_LIMIT=1 SHINSEI_DUMP_DIR=/tmp/cal SHINSEI_DUMP_OUT=/tmp/cal.tsv go test -tags eval -run Dump ./internal/evaluate/ -timeout 60m
func TestDump(t *testing.T) {
	dir, out := os.Getenv("SHINSEI_DUMP_DIR"), os.Getenv("SHINSEI_DUMP_OUT")
	if dir == "" || out == "" {
		t.Fatal("set SHINSEI_DUMP_DIR and SHINSEI_DUMP_OUT")
	}
	pool, err := ocr.NewPool(ocr.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	today := func() time.Time { return scangen.DefaultToday() }
	rd := text.NewReader(pool).WithToday(today)
	if os.Getenv("SHINSEI_DUMP_NO_SECOND") == "" {
		rd = rd.WithSecond(paddletest.Pool(t))
	}
	eng, err := pipeline.New(templates.Builtin(), pipeline.Config{Text: rd, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := evaluate.Dir(context.Background(), eng, templates.Builtin(), dir, evaluate.Options{Jobs: 2, Samples: true})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, s := range rep.Samples {
		fmt.Fprintf(f, "%s\t%s\t%s\t%s\t%d\t%.3f\t%v\t%v\t%v\t%v\t%q\t%s\n", s.Hand, s.Kind, s.Field, s.File, s.Page, s.Confidence, s.Review, s.Right, s.Value, s.Truth, s.Raw, strings.Join(s.Codes, ","))
	}
	t.Logf("%d samples written to %s", len(rep.Samples), out)
}
