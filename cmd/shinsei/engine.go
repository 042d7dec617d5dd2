package main

import (
	"fmt"

	"shinsei/ocr"
	"shinsei/pipeline"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// newEngine wires the page pipeline with one Tesseract client per worker.
// The returned close releases the clients.
func newEngine(e *env, workers int, keepCanvas bool) (*pipeline.Engine, func(), error) {
	if !ocr.ThreadLimitSet() {
		// main sets it before Tesseract loads; only a caller that skips
		// main (a test) gets here, and then each call may use every core.
		e.log.Warn("OMP_THREAD_LIMIT is not 1: Tesseract may start a thread per core for every call")
	}
	pool, err := ocr.NewPool(ocr.Options{Workers: workers})
	if err != nil {
		return nil, nil, fmt.Errorf("starting OCR: %w", err)
	}
	eng, err := pipeline.New(templates.Builtin(), pipeline.Config{Text: text.NewReader(pool), KeepCanvas: keepCanvas})
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return eng, func() { pool.Close() }, nil
}
