package match_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"shinsei/ocr"
	"shinsei/ocr/paddle/paddletest"
	"shinsei/pipeline"
	"shinsei/pipeline/text"
	"shinsei/store"
	"shinsei/store/storeurl"
	"shinsei/templates"
)

// sheetCount is n, or the count the environment variable name sets for a
// longer run.
func sheetCount(t *testing.T, name string, n int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return n
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		t.Fatalf("%s=%q", name, s)
	}
	return v
}

// readingSetup is a store in a fresh folder and the real pipeline with
// workers Tesseract clients, reading as of today, whose clock stands ten
// hours into that day.
func readingSetup(t *testing.T, today time.Time, workers int) (store.Store, *pipeline.Engine, func() time.Time) {
	t.Helper()
	st, err := storeurl.Open(context.Background(), "file://"+t.TempDir(), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := func() time.Time { return today.Add(10 * time.Hour) }
	pool, err := ocr.NewPool(ocr.Options{Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	eng, err := pipeline.New(templates.Builtin(), pipeline.Config{Text: text.NewReader(pool).WithSecond(paddletest.Pool(t)).WithToday(clock), Today: func() time.Time { return today }})
	if err != nil {
		t.Fatal(err)
	}
	return st, eng, clock
}
