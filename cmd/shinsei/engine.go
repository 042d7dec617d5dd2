package main

import (
	"fmt"
	"time"

	"shinsei/ocr"
	"shinsei/pipeline"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// newEngine wires the page pipeline with one Tesseract client per worker.
// The returned close releases the clients. A non-zero asOf is the day
// dates are judged on (eval of a corpus filled on a known day); zero means
// today in Japan.
func newEngine(e *env, workers int, keepCanvas bool, asOf time.Time) (*pipeline.Engine, func(), error) {
	if !ocr.ThreadLimitSet() {
		// main sets it before Tesseract loads; only a caller that skips
		// main (a test) gets here, and then each call may use every core.
		e.log.Warn("OMP_THREAD_LIMIT is not 1: Tesseract may start a thread per core for every call")
	}
	pool, err := ocr.NewPool(ocr.Options{Workers: workers})
	if err != nil {
		return nil, nil, fmt.Errorf("starting OCR: %w", err)
	}
	cfg := pipeline.Config{Text: text.NewReader(pool), KeepCanvas: keepCanvas}
	if !asOf.IsZero() {
		cfg.Today = func() time.Time { return asOf }
		cfg.Text = cfg.Text.WithToday(cfg.Today)
	}
	eng, err := pipeline.New(templates.Builtin(), cfg)
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return eng, func() { pool.Close() }, nil
}
