// Package observe is what an operator sees of a running shinsei from
// outside: Prometheus metrics, and the /metrics, /healthz and /readyz
// endpoints of `shinsei watch` and `shinsei worker` (--listen).
//
// Labels hold only what is the same for every citizen: a page's status,
// its form ID, a stage, a step, a store operation, where a file ended. A
// name, a value or a file name may be personal data, so none is ever a
// label; label values that do not look like such identifiers are replaced
// by "other" (label), so a mistake in a caller cannot put one there.
//
// Each process makes its own registry (New): nothing is registered
// globally, so tests and several runners in one process do not share
// counts.
package observe

import (
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Options describe the process the metrics are of.
type Options struct {
	// Command is the shinsei command running: watch, worker.
	Command string
	// Station names the scanning station or worker machine.
	Station string
	// Version is shinsei's version.
	Version string
}

// Metrics are one process's metrics. Its methods are safe for concurrent
// use and cheap (an atomic add, or a lookup and one).
type Metrics struct {
	reg *prometheus.Registry

	pages        *prometheus.CounterVec
	stages       *prometheus.HistogramVec
	stepFailures *prometheus.CounterVec
	ocr          prometheus.Histogram
	storeErrors  *prometheus.CounterVec
	files        *prometheus.CounterVec
	waiting      prometheus.Gauge
	queueDepth   prometheus.Gauge
	redeliveries prometheus.Counter
}

// Metric names, for dashboards and tests.
const (
	Pages        = "shinsei_pages_total"
	StageSeconds = "shinsei_stage_seconds"
	StepFailures = "shinsei_step_failures_total"
	OCRSeconds   = "shinsei_ocr_seconds"
	StoreErrors  = "shinsei_store_errors_total"
	Files        = "shinsei_files_total"
	Waiting      = "shinsei_files_waiting"
	QueueDepth   = "shinsei_queue_depth"
	Redeliveries = "shinsei_queue_redeliveries_total"
	Info         = "shinsei_info"
)

// New returns a process's metrics on a registry of its own, with the Go
// runtime's and the process's (memory, CPU, open files) alongside.
func New(o Options) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		pages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: Pages, Help: "Pages read, by the status of their record and their form (unknown: not a known form).",
		}, []string{"status", "form"}),
		// From a few milliseconds (a step on a local disk) to tens of
		// seconds (a page of many text fields on a busy machine).
		stages: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: StageSeconds, Help: "Seconds one page spent in a stage: decode, read (all of register, marks and text), register, marks, text, and the steps after reading (match, archive).",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
		}, []string{"stage"}),
		stepFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: StepFailures, Help: "Pages a step after reading failed on (the page was not archived; its file is tried again).",
		}, []string{"step"}),
		ocr: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: OCRSeconds, Help: "Seconds of one Tesseract call (one zone), not counting the wait for a free client.",
			Buckets: prometheus.ExponentialBuckets(0.002, 2, 12),
		}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: StoreErrors, Help: "Store operations that failed, by operation (not counting the answers 'does not exist', 'already exists' and 'changed by someone else', which are part of normal work).",
		}, []string{"op"}),
		files: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: Files, Help: "Files finished, by where they went: done, duplicate, quarantine; retry counts a file left for another try.",
		}, []string{"outcome"}),
		waiting: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: Waiting, Help: "Files in the watched folder not yet finished.",
		}),
		queueDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: QueueDepth, Help: "Messages waiting in the work queue (worker).",
		}),
		redeliveries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: Redeliveries, Help: "Queue messages this worker received again after an earlier delivery was not acknowledged (worker).",
		}),
	}
	info := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: Info, Help: "Always 1: the command, station and version of this process.",
	}, []string{"command", "station", "version"})
	info.WithLabelValues(label(o.Command), name(o.Station), name(o.Version)).Set(1)
	reg.MustRegister(m.pages, m.stages, m.stepFailures, m.ocr, m.storeErrors, m.files, m.waiting, m.queueDepth, m.redeliveries, info,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is where the metrics are registered, for /metrics and for a
// command that adds its own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Page counts a page read (batch.Metrics).
func (m *Metrics) Page(status, form string) {
	if form == "" {
		form = "unknown"
	}
	m.pages.WithLabelValues(label(status), label(form)).Inc()
}

// Stage observes how long one page spent in a stage (batch.Metrics).
func (m *Metrics) Stage(stage string, took time.Duration) {
	m.stages.WithLabelValues(label(stage)).Observe(took.Seconds())
}

// StepFailed counts a page a step failed on (batch.Metrics).
func (m *Metrics) StepFailed(step string) {
	m.stepFailures.WithLabelValues(label(step)).Inc()
}

// OCR observes one Tesseract call (ocr.Options.Observe).
func (m *Metrics) OCR(took time.Duration) { m.ocr.Observe(took.Seconds()) }

// StoreError counts a failed store operation (Store does it).
func (m *Metrics) StoreError(op string) { m.storeErrors.WithLabelValues(label(op)).Inc() }

// File counts a file finished by watch or worker, by where it went.
func (m *Metrics) File(outcome string) { m.files.WithLabelValues(label(outcome)).Inc() }

// Waiting sets how many files the watched folder holds that are not yet
// finished.
func (m *Metrics) Waiting(n int) { m.waiting.Set(float64(n)) }

// QueueDepth sets how many messages wait in the work queue; the worker
// reads it from its stream's consumer info.
func (m *Metrics) QueueDepth(n int) { m.queueDepth.Set(float64(n)) }

// Redelivered counts a queue message received again: one whose earlier
// delivery was not acknowledged in time (a worker died or stalled).
func (m *Metrics) Redelivered() { m.redeliveries.Inc() }

// label is v if it looks like an identifier shinsei chose (lower-case
// ASCII letters, digits, '_', '-', at most 40 bytes), and "other"
// otherwise: a label must never carry personal data, and such an
// identifier cannot hold a name, an address or a file name.
func label(v string) string {
	if v == "" || len(v) > 40 {
		return "other"
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return "other"
		}
	}
	return v
}

// name is v if it looks like a host name or a version (ASCII letters,
// digits, spaces and ._+-(),), at most 64 bytes), "other" otherwise.
func name(v string) string {
	if v == "" || len(v) > 64 {
		return "other"
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(" ._+-(),", c) >= 0) {
			return "other"
		}
	}
	return v
}
