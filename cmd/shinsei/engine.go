package main

import (
	"fmt"

	"shinsei/observe"
	"shinsei/ocr"
	"shinsei/ocr/paddle"
	"shinsei/pipeline"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// newEngine wires the page pipeline with one Tesseract client per worker
// and the second recogniser's models, which the workers share.
// The returned close releases the clients.
func newEngine(e *env, workers int, keepCanvas bool) (*pipeline.Engine, func(), error) {
	return newObservedEngine(e, workers, keepCanvas, nil)
}

// newObservedEngine is newEngine reporting the time of its stages and of
// each Tesseract call to m (nil: to nothing).
func newObservedEngine(e *env, workers int, keepCanvas bool, m *observe.Metrics) (*pipeline.Engine, func(), error) {
	if !ocr.ThreadLimitSet() {
		// main sets it before Tesseract loads; only a caller that skips
		// main (a test) gets here, and then each call may use every core.
		e.log.Warn("OMP_THREAD_LIMIT is not 1: Tesseract may start a thread per core for every call")
	}
	if e.setHeapLimit != nil && e.getenv("GOMEMLIMIT") == "" {
		e.setHeapLimit(goHeapLimit(workers))
	}
	opts := ocr.Options{Workers: workers}
	cfg := pipeline.Config{KeepCanvas: keepCanvas}
	if m != nil {
		opts.Observe, cfg.Observe = m.OCR, m.Stage
	}
	pool, err := ocr.NewPool(opts)
	if err != nil {
		return nil, nil, fmt.Errorf("starting OCR: %w", err)
	}
	dir, err := paddle.Dir(e.getenv)
	if err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("starting the second recogniser: %w", err)
	}
	second, err := paddle.Open(dir)
	if err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("starting the second recogniser: %w", err)
	}
	cfg.Text = text.NewReader(pool).WithSecond(second)
	eng, err := pipeline.New(templates.Builtin(), cfg)
	if err != nil {
		pool.Close()
		second.Close()
		return nil, nil, err
	}
	return eng, func() { pool.Close(); second.Close() }, nil
}

// goHeapLimit is the soft limit on the Go heap for workers reading pages
// at once, unless GOMEMLIMIT sets one: a page's images, decoded and
// registered, are tens of megabytes, garbage once it is read, and at Go's
// default pace the heap grows to twice what is live before it is
// collected. Tesseract's and ONNX Runtime's memory is outside it. Lower
// limits cost time (the collector runs ever more often near the live
// heap); the README's benchmark section has what this one saves and costs.
func goHeapLimit(workers int) int64 {
	const base, perWorker = 128 << 20, 48 << 20
	return base + perWorker*int64(workers)
}
