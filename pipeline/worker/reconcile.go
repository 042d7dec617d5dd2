package worker

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Reconcile lists the inbox and enqueues, in the shape of MinIO's events,
// every object older than Options.ReconcileAge that has no marker and is
// not being worked on here: files whose notification was lost (MinIO
// without a queue_dir while NATS was down, a bucket notification set up
// after the files came, a stream created late). Younger objects are left
// to their own event, which is most likely still queued. Each message
// carries an id (the key and version), so workers reconciling at once
// enqueue an object once within the stream's duplicate window. It returns
// how many objects it enqueued (not counting those another worker had).
func (w *Worker) Reconcile(ctx context.Context) (int, error) {
	done := map[string]bool{}
	for info, err := range w.s.List(ctx, DonePrefix) {
		if err != nil {
			return 0, fmt.Errorf("reconcile: %w", err)
		}
		done[info.Key] = true
	}
	now := w.opts.Now()
	n := 0
	for info, err := range w.s.List(ctx, w.opts.Inbox) {
		if err != nil {
			return n, fmt.Errorf("reconcile: %w", err)
		}
		name := strings.TrimPrefix(info.Key, w.opts.Inbox)
		v := version(info)
		if !candidate(name) || done[doneKey(name, v)] || now.Sub(info.ModTime) < w.opts.ReconcileAge || w.holding(info.Key, v) {
			continue
		}
		ev := Event{Bucket: w.opts.Bucket, Key: w.opts.Prefix + info.Key, ETag: strings.Trim(info.Version, `"`), Size: info.Size}
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		ack, err := w.js.Publish(pctx, w.opts.Subject, ev.Marshal(now), jetstream.WithMsgID("reconcile:"+info.Key+"@"+v))
		cancel()
		if err != nil {
			return n, fmt.Errorf("reconcile: enqueueing %s: %w", info.Key, err)
		}
		if ack.Duplicate {
			continue // another worker enqueued it just now
		}
		w.log.Info("worker: reconcile: enqueued a file with no record", "file", name)
		n++
	}
	return n, nil
}

// reconcileLoop reconciles at start and every Options.ReconcileEvery.
func (w *Worker) reconcileLoop(ctx context.Context) {
	t := time.NewTicker(w.opts.ReconcileEvery)
	defer t.Stop()
	for {
		if n, err := w.Reconcile(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("worker: reconcile failed; trying again later", "err", err, "in", w.opts.ReconcileEvery)
		} else if n > 0 {
			w.log.Info("worker: reconcile: files with no record enqueued", "files", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
