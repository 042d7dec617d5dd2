// Package worker is `shinsei worker`: one of many processes, on many
// machines, that take files from a city's MinIO inbox through a NATS
// JetStream work queue and run them through pipeline/batch (match,
// archive), as DESIGN.md ("Scale") lays out. MinIO and NATS are the
// distributed engines; this package adds no queue, lease or cluster
// protocol of its own.
//
// The flow. Scanners put files under the inbox prefix of the bucket; MinIO
// publishes each ObjectCreated event (S3 event JSON) to a JetStream stream;
// every worker pulls from one durable consumer with explicit ack. A file
// is downloaded, read, matched and archived, then a write-once marker
// (queue/done/NAME/VERSION.json) records that it is finished, and only then
// is the message acknowledged. A file that holds nothing readable is copied
// to quarantine/VERSION/NAME with NAME.why.txt (Japanese, then English)
// and marked too. The inbox object itself is never changed or deleted.
//
// Nothing lost, nothing twice:
//   - A worker that dies (kill -9) acks nothing: JetStream delivers the
//     message again after AckWait, to any worker. Work in progress sends
//     heartbeats (InProgress) whenever a page is done, and while it waits
//     for the store, so AckWait needs only to be above the slowest page.
//   - A message delivered again finds the marker and is acknowledged; with
//     no marker the file is read again, and the content-addressed archive
//     writes nothing it holds already (archive.Put completes a half-written
//     entry). A duplicate event, or the reconciler's copy of one, is the
//     same case.
//   - The store down (MinIO stopped): every store step is retried with
//     backoff, in the process, with the message held and heart-beaten, so
//     an outage spends none of the file's tries. A page whose archive step
//     failed makes its whole file be tried again; the archive makes the
//     second read write only what the first did not.
//   - NATS down: fetches are retried with backoff; an ack that is lost is
//     harmless (the marker answers the redelivery).
//   - A file that keeps killing its worker, or times out, is delivered at
//     most Options.Tries+1 times (the consumer's MaxDeliver); the last
//     delivery quarantines it without reading it.
//   - A notification MinIO never sent is found by the reconciler, which
//     lists the inbox and enqueues objects with no marker (reconcile.go).
package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"shinsei/pipeline/batch"
	"shinsei/pipeline/watch"
	"shinsei/store"
)

// Runner reads files; *batch.Runner is one.
type Runner interface {
	Run(ctx context.Context, inputs iter.Seq[batch.Input], sink batch.Sink) error
}

// Hooks let the caller watch the worker (metrics, say). Each may be nil;
// each is called from the worker's goroutines and must not block.
type Hooks struct {
	// Redelivered: a message came again (its delivery count is above 1).
	Redelivered func()
	// QueueDepth reports, every Options.DepthEvery, the messages waiting
	// in the consumer and those delivered and not yet acknowledged.
	QueueDepth func(waiting uint64, unacked int)
	// StoreError: a store operation failed and is being retried.
	StoreError func(op string, err error)
	// Finished: a file ended, with its outcome (OutcomeDone or
	// OutcomeQuarantined).
	Finished func(outcome string)
}

// Options configure a Worker. A zero field means its default, except
// where said otherwise.
type Options struct {
	// Stream is the JetStream stream of inbox events; created (or its
	// subjects updated) if missing. Default DefaultStream.
	Stream string
	// Subject is where MinIO publishes (MINIO_NOTIFY_NATS_SUBJECT).
	// Default DefaultSubject.
	Subject string
	// Consumer is the durable pull consumer every worker shares. Default
	// DefaultConsumer.
	Consumer string
	// Inbox is the key prefix, in the store, that scanners put files
	// under; it ends with "/". Default DefaultInbox.
	Inbox string
	// Bucket and Prefix say where the store lives on the S3 server, to
	// turn an event's object name into a store key; events for other
	// buckets or outside the inbox are acknowledged and ignored.
	Bucket, Prefix string
	// AckWait is how long the server waits for an ack or a heartbeat
	// before delivering a message again: above the slowest page.
	AckWait time.Duration
	// Tries is how many deliveries of one file may end without a verdict
	// (its worker died, or went silent past AckWait) before the next one
	// quarantines it.
	Tries int
	// ReconcileEvery is how often the inbox is listed for objects with no
	// marker; the first look is at start. Negative: never.
	ReconcileEvery time.Duration
	// ReconcileAge: an object younger than this is left to its own event
	// (DefaultReconcileAge is a sensible value; 0 takes every object).
	ReconcileAge time.Duration
	// DepthEvery is how often Hooks.QueueDepth is called.
	DepthEvery time.Duration
	// Page receives every page's result, in order; an error stops the
	// worker.
	Page  func(batch.PageResult) error
	Hooks Hooks
	// Log receives what the worker does; nil logs nothing.
	Log *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Defaults for Options.
const (
	DefaultStream         = "SHINSEI_INBOX"
	DefaultSubject        = "shinsei.inbox"
	DefaultConsumer       = "shinsei-worker"
	DefaultInbox          = "inbox/"
	DefaultAckWait        = 2 * time.Minute
	DefaultTries          = 5
	DefaultReconcileEvery = 5 * time.Minute
	DefaultReconcileAge   = 10 * time.Minute
	DefaultDepthEvery     = 15 * time.Second
)

// Backoff bounds for retries of the store and of NATS.
const (
	minBackoff = 500 * time.Millisecond
	maxBackoff = 30 * time.Second
)

// Worker takes files from the queue. Run it once.
type Worker struct {
	nc   *nats.Conn
	js   jetstream.JetStream
	cons jetstream.Consumer
	s    store.Store
	opts Options
	log  *slog.Logger
	who  string

	mu    sync.Mutex
	held  map[*job]bool // messages this process holds, for heartbeats and release
	fifo  []*job        // handed to the runner, in order, awaiting their File
	retry []*job        // waiting to be tried again
}

// job is one message and its file.
type job struct {
	msg     jetstream.Msg // guarded by Worker.mu once held
	seq     uint64        // the message's sequence in the stream
	name    string        // key relative to the inbox
	key     string        // key in the store
	version string
	size    int64
	data    []byte
	read    error // set instead of data: the file is not to be read (see take)
	tries   int   // in this process
	due     time.Time
	touched time.Time
	// result is set once the file was read and only finishing (marker,
	// quarantine, ack) is left to retry.
	result *batch.FileResult
}

// Dial connects to NATS at url (nats://host:4222, or several separated by
// commas), reconnecting for ever: a restarted nats-server is waited for.
func Dial(url, name string, log *slog.Logger) (*nats.Conn, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	nc, err := nats.Connect(url,
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
		nats.RetryOnFailedConnect(true),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil { // nil: closed by us
				log.Warn("worker: lost the queue server; reconnecting", "err", err)
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) {
			log.Info("worker: queue server back", "url", c.ConnectedUrlRedacted())
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("queue %s: %w", url, err)
	}
	return nc, nil
}

// New prepares a worker on nc and s: the stream and the consumer are
// created, or updated to opts, waiting for NATS while it cannot be
// reached (ctx bounds the wait).
func New(ctx context.Context, nc *nats.Conn, s store.Store, opts Options) (*Worker, error) {
	opts = withDefaults(opts)
	if err := CheckInbox(opts.Inbox); err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	host, _ := os.Hostname()
	w := &Worker{nc: nc, js: js, s: s, opts: opts, log: opts.Log, who: fmt.Sprintf("%s/%d", host, os.Getpid()), held: map[*job]bool{}}
	for wait := minBackoff; ; wait = min(2*wait, maxBackoff) {
		err = w.setup(ctx)
		if err == nil {
			return w, nil
		}
		w.log.Warn("worker: cannot set up the queue yet; trying again", "stream", opts.Stream, "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("worker: setting up the queue: %w", err)
		case <-time.After(wait):
		}
	}
}

// CheckInbox says whether prefix can be an inbox: a key prefix ending in
// "/", apart from where the worker writes and from the archive's and the
// cases' keys.
func CheckInbox(prefix string) error {
	if !strings.HasSuffix(prefix, "/") || store.CheckPrefix(prefix) != nil {
		return fmt.Errorf("worker: inbox %q is not a key prefix ending in /", prefix)
	}
	for _, p := range []string{DonePrefix, QuarantinePrefix, "archive/", "cases/", "audit/"} {
		if strings.HasPrefix(prefix, p) || strings.HasPrefix(p, prefix) {
			return fmt.Errorf("worker: inbox %q overlaps %s, where shinsei writes", prefix, p)
		}
	}
	return nil
}

func withDefaults(o Options) Options {
	set := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	set(&o.Stream, DefaultStream)
	set(&o.Subject, DefaultSubject)
	set(&o.Consumer, DefaultConsumer)
	set(&o.Inbox, DefaultInbox)
	if o.AckWait <= 0 {
		o.AckWait = DefaultAckWait
	}
	if o.Tries <= 0 {
		o.Tries = DefaultTries
	}
	if o.ReconcileEvery == 0 {
		o.ReconcileEvery = DefaultReconcileEvery
	}
	if o.DepthEvery <= 0 {
		o.DepthEvery = DefaultDepthEvery
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Page == nil {
		o.Page = func(batch.PageResult) error { return nil }
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// setup creates or updates the stream and the consumer.
func (w *Worker) setup(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := w.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:     w.opts.Stream,
		Subjects: []string{w.opts.Subject},
		Storage:  jetstream.FileStorage,
		// A message is gone once acknowledged: the stream is the queue,
		// and its length the work left.
		Retention: jetstream.WorkQueuePolicy,
		// The reconciler's messages carry an id; several workers
		// reconciling at once enqueue an object once.
		Duplicates: max(2*time.Minute, 2*w.opts.ReconcileEvery),
	})
	if err != nil {
		return fmt.Errorf("stream %s: %w", w.opts.Stream, err)
	}
	w.cons, err = w.js.CreateOrUpdateConsumer(ctx, w.opts.Stream, jetstream.ConsumerConfig{
		Durable:       w.opts.Consumer,
		Description:   "shinsei worker: files put into the inbox",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       w.opts.AckWait,
		MaxDeliver:    w.opts.Tries + 1,
		FilterSubject: w.opts.Subject,
	})
	if err != nil {
		return fmt.Errorf("consumer %s: %w", w.opts.Consumer, err)
	}
	return nil
}

// Ready says whether the worker can work now: the store answers and the
// queue's consumer does.
func (w *Worker) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	// A key that is never written: "not there" is the answer of a store
	// that works.
	if _, err := w.s.Stat(ctx, DonePrefix+"ready"); err != nil && !errors.Is(err, store.ErrNotExist) {
		return fmt.Errorf("store %s: %w", w.s, err)
	}
	if !w.nc.IsConnected() {
		return fmt.Errorf("queue: not connected (%s)", w.nc.Status())
	}
	if _, err := w.cons.Info(ctx); err != nil {
		return fmt.Errorf("queue: consumer %s: %w", w.opts.Consumer, err)
	}
	return nil
}

// Run takes files from the queue with r until ctx is cancelled (then it
// returns nil, after giving back the messages it held, so that another
// worker takes them at once) or the Page callback fails.
func (w *Worker) Run(ctx context.Context, r Runner) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var bg sync.WaitGroup
	if w.opts.ReconcileEvery > 0 {
		bg.Go(func() { w.reconcileLoop(ctx) })
	}
	if w.opts.Hooks.QueueDepth != nil {
		bg.Go(func() { w.depthLoop(ctx) })
	}
	err := r.Run(ctx, w.inputs(ctx), sink{w})
	stopping := ctx.Err() != nil
	cancel()
	bg.Wait()
	w.release()
	if err != nil && !(stopping && errors.Is(err, context.Canceled)) {
		return err
	}
	return nil
}

// release gives back every message still held, for another worker.
func (w *Worker) release() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for j := range w.held {
		if err := j.msg.Nak(); err != nil {
			w.log.Warn("worker: cannot give a file back; it comes again after the ack wait", "file", j.name, "err", err)
		}
	}
	w.held = map[*job]bool{}
	w.nc.Flush()
}

// inputs yields the files to read: files to try again first, once due,
// then new messages.
func (w *Worker) inputs(ctx context.Context) iter.Seq[batch.Input] {
	return func(yield func(batch.Input) bool) {
		for ctx.Err() == nil {
			j := w.next(ctx)
			if j == nil {
				return
			}
			in := batch.Input{Name: j.name, Read: func(context.Context) ([]byte, error) {
				if j.read != nil {
					return nil, j.read
				}
				return j.data, nil
			}}
			w.mu.Lock()
			w.fifo = append(w.fifo, j)
			w.mu.Unlock()
			if !yield(in) {
				return
			}
		}
	}
}

// next returns the next file to hand to the runner, or nil when ctx ends.
func (w *Worker) next(ctx context.Context) *job {
	natsWait := minBackoff
	for ctx.Err() == nil {
		if j, ok := w.dueRetry(ctx); ok {
			if j == nil {
				continue
			}
			if j.result != nil {
				w.finish(ctx, j, *j.result)
				continue
			}
			return j
		}
		fctx, cancel := context.WithTimeout(ctx, min(w.opts.AckWait/4, 5*time.Second))
		msg, err := w.cons.Next(jetstream.FetchContext(fctx))
		cancel()
		switch {
		case err == nil && ctx.Err() != nil:
			msg.Nak() // stopping: for another worker at once
			return nil
		case ctx.Err() != nil:
			return nil
		case err == nil:
			natsWait = minBackoff
			if j := w.take(ctx, msg); j != nil {
				return j
			}
		case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, jetstream.ErrNoMessages) || errors.Is(err, nats.ErrTimeout):
			natsWait = minBackoff // nothing to do
		default:
			w.log.Warn("worker: cannot fetch from the queue; trying again", "err", err, "in", natsWait)
			w.sleep(ctx, natsWait)
			natsWait = min(2*natsWait, maxBackoff)
		}
	}
	return nil
}

// dueRetry waits for the earliest file to try again and takes it off the
// list; ok is false when there is none. While one waits, no new message
// is fetched: the store it failed on is most likely still down.
func (w *Worker) dueRetry(ctx context.Context) (j *job, ok bool) {
	w.mu.Lock()
	if len(w.retry) == 0 {
		w.mu.Unlock()
		return nil, false
	}
	first := 0
	for i, r := range w.retry {
		if r.due.Before(w.retry[first].due) {
			first = i
		}
	}
	j = w.retry[first]
	w.mu.Unlock()
	if wait := j.due.Sub(w.opts.Now()); wait > 0 {
		w.sleep(ctx, wait)
		return nil, true
	}
	w.mu.Lock()
	w.retry = append(w.retry[:first], w.retry[first+1:]...)
	w.mu.Unlock()
	return j, true
}

// sleep waits, sending heartbeats for the messages held, until d passes
// or ctx ends.
func (w *Worker) sleep(ctx context.Context, d time.Duration) {
	until := time.Now().Add(d)
	for {
		w.touch()
		left := time.Until(until)
		if left <= 0 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(min(left, w.opts.AckWait/4)):
		}
	}
}

// touch tells the server that the messages held are being worked on, for
// those not told so lately.
func (w *Worker) touch() {
	now := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	for j := range w.held {
		if now.Sub(j.touched) < w.opts.AckWait/4 {
			continue
		}
		j.touched = now
		if err := j.msg.InProgress(); err != nil {
			w.log.Debug("worker: heartbeat not sent", "file", j.name, "err", err)
		}
	}
}

func (w *Worker) hold(j *job) {
	j.touched = time.Now()
	w.mu.Lock()
	w.held[j] = true
	w.mu.Unlock()
}

// redelivered takes a message delivered again while this process still
// works on it (its heartbeats were lost, say, while NATS restarted): the
// job answers to the newest delivery from now on.
func (w *Worker) redelivered(msg jetstream.Msg, seq uint64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for j := range w.held {
		if j.seq == seq {
			j.msg, j.touched = msg, time.Now()
			return true
		}
	}
	return false
}

// holding says whether this process holds the same object version already.
func (w *Worker) holding(key, version string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for j := range w.held {
		if j.key == key && (version == "" || j.version == version) {
			return true
		}
	}
	return false
}

// ack acknowledges j's message and forgets it.
func (w *Worker) ack(ctx context.Context, j *job) {
	w.mu.Lock()
	delete(w.held, j)
	msg := j.msg // a redelivery may have replaced it (redelivered)
	w.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := msg.DoubleAck(ctx); err != nil {
		// The marker is written: a delivery of it again is acknowledged
		// without work.
		w.log.Warn("worker: ack lost; the file will come again and be found done", "file", j.name, "err", err)
	}
}

// storeRetry runs op until it succeeds or ctx ends, waiting longer after
// each failure and keeping the messages held alive meanwhile.
func (w *Worker) storeRetry(ctx context.Context, what string, op func() error) error {
	wait := minBackoff
	for {
		err := op()
		if err == nil || ctx.Err() != nil {
			if err != nil {
				return ctx.Err()
			}
			return nil
		}
		if h := w.opts.Hooks.StoreError; h != nil {
			h(what, err)
		}
		w.log.Warn("worker: the store failed; trying again", "op", what, "err", err, "in", wait)
		w.sleep(ctx, wait)
		wait = min(2*wait, maxBackoff)
	}
}

// take looks at a message: an event not for this worker, or for a file
// finished already, is acknowledged here (nil); otherwise the file is
// downloaded and its job returned.
func (w *Worker) take(ctx context.Context, msg jetstream.Msg) *job {
	md, err := msg.Metadata()
	if err != nil {
		w.log.Error("worker: a message without JetStream metadata; dropped", "err", err)
		msg.Term()
		return nil
	}
	if md.NumDelivered > 1 {
		w.log.Info("worker: a message delivered again", "deliveries", md.NumDelivered, "stream_seq", md.Sequence.Stream)
		if h := w.opts.Hooks.Redelivered; h != nil {
			h()
		}
	}
	ev, err := ParseEvent(msg.Data())
	if err != nil {
		// It can never succeed: no file is lost by dropping it, as the
		// reconciler finds any inbox object with no marker.
		lvl := slog.LevelError
		if errors.Is(err, ErrNotCreated) {
			lvl = slog.LevelDebug
		}
		w.log.Log(ctx, lvl, "worker: not an event for a file; dropped", "err", err)
		msg.Term()
		return nil
	}
	key, ok := strings.CutPrefix(ev.Key, w.opts.Prefix)
	name, inInbox := strings.CutPrefix(key, w.opts.Inbox)
	if ev.Bucket != w.opts.Bucket || !ok || !inInbox || !candidate(name) {
		w.log.Debug("worker: an event for another bucket, outside the inbox, or a temporary name; ignored", "bucket", ev.Bucket, "key", ev.Key)
		msg.Ack()
		return nil
	}
	if w.redelivered(msg, md.Sequence.Stream) {
		return nil
	}
	if w.holding(key, ev.ETag) {
		// Another message for a file this process works on (MinIO's
		// event and the reconciler's): the first is acknowledged when
		// the file is done, or delivered again if this process dies.
		msg.Ack()
		return nil
	}
	j := &job{msg: msg, seq: md.Sequence.Stream, name: name, key: key}
	w.hold(j)
	var info store.Info
	gone := false
	if err := w.storeRetry(ctx, "stat "+key, func() error {
		var err error
		info, err = w.s.Stat(ctx, key)
		if errors.Is(err, store.ErrNotExist) {
			gone, err = true, nil
		}
		return err
	}); err != nil {
		return nil // stopping; release gives the message back
	}
	if gone {
		w.log.Warn("worker: the file is no longer in the inbox; nothing to do", "file", name)
		w.ack(ctx, j)
		return nil
	}
	j.version, j.size = version(info), info.Size
	if ev.ETag != "" && info.Version != "" && strings.Trim(info.Version, `"`) != ev.ETag {
		// Replaced since: the new content has its own event.
		w.log.Info("worker: the file was replaced since this event; the newer one is taken on its own", "file", name)
		w.ack(ctx, j)
		return nil
	}
	done := false
	if err := w.storeRetry(ctx, "stat marker", func() error {
		_, err := w.s.Stat(ctx, doneKey(name, j.version))
		done = err == nil
		if errors.Is(err, store.ErrNotExist) {
			err = nil
		}
		return err
	}); err != nil {
		return nil
	}
	if done {
		w.log.Info("worker: already done", "file", name)
		w.ack(ctx, j)
		return nil
	}
	switch {
	case int(md.NumDelivered) > w.opts.Tries:
		j.read = triesError(name, int(md.NumDelivered)-1)
		w.log.Error("worker: a file was taken too often without finishing; quarantining it", "file", name, "deliveries", md.NumDelivered)
	case info.Size > batch.MaxFileBytes:
		j.read = tooLargeError(name, info.Size)
	default:
		if err := w.storeRetry(ctx, "get "+key, func() error {
			rc, err := w.s.Get(ctx, key)
			if err != nil {
				return err
			}
			defer rc.Close()
			j.data, err = io.ReadAll(io.LimitReader(rc, batch.MaxFileBytes+1))
			return err
		}); err != nil {
			return nil
		}
	}
	w.log.Info("worker: taken", "file", name, "bytes", info.Size, "delivery", md.NumDelivered)
	return j
}

// sink takes the runner's results.
type sink struct{ w *Worker }

func (s sink) Page(p batch.PageResult) error {
	s.w.touch()
	return s.w.opts.Page(p)
}

func (s sink) File(f batch.FileResult) error {
	w := s.w
	w.mu.Lock()
	if len(w.fifo) == 0 || w.fifo[0].name != f.Name {
		w.mu.Unlock()
		return fmt.Errorf("worker: the runner returned %q out of order", f.Name)
	}
	j := w.fifo[0]
	w.fifo = w.fifo[1:]
	w.mu.Unlock()
	for _, p := range f.Pages {
		if p.Stopped {
			return nil // stopping: release gives the message back
		}
	}
	if !f.Kept() {
		// A page could not be archived (the store is down): read the file
		// again later. The archive keeps what this try wrote.
		if h := w.opts.Hooks.StoreError; h != nil {
			for _, p := range f.Pages {
				if p.Failed != nil {
					h("page", p.Failed)
				}
			}
		}
		w.later(j, "some pages could not be archived")
		return nil
	}
	w.finish(context.Background(), j, f)
	return nil
}

// later puts j on the retry list, longer each time.
func (w *Worker) later(j *job, why string) {
	j.tries++
	wait := min(maxBackoff, minBackoff<<min(j.tries, 8))
	j.due = w.opts.Now().Add(wait)
	w.log.Warn("worker: file to be tried again", "file", j.name, "why", why, "in", wait)
	w.mu.Lock()
	w.retry = append(w.retry, j)
	w.mu.Unlock()
}

// finish quarantines a file that holds nothing readable, writes the
// marker, and acknowledges the message; a store failure puts it on the
// retry list with what is left to do.
func (w *Worker) finish(ctx context.Context, j *job, f batch.FileResult) {
	m := Marker{Key: j.key, Version: j.version, SHA256: f.SHA256, Outcome: OutcomeDone, At: w.opts.Now(), Worker: w.who}
	for _, p := range f.Pages {
		if p.Entry != nil {
			m.Documents = append(m.Documents, p.Record.DocumentID)
		}
	}
	err := func() error {
		if f.Unreadable() {
			m.Outcome, m.Quarantine = OutcomeQuarantined, quarantineKey(j.name, j.version)
			if err := w.quarantine(ctx, j, m.Quarantine, watch.Why(f, m.At, inboxAdvice())); err != nil {
				return err
			}
		}
		data := m.encode()
		_, err := w.s.Put(ctx, doneKey(j.name, j.version), strings.NewReader(string(data)), int64(len(data)))
		if errors.Is(err, store.ErrExist) {
			err = nil // another worker finished it too
		}
		return err
	}()
	if err != nil {
		if h := w.opts.Hooks.StoreError; h != nil {
			h("finish", err)
		}
		j.result = &f
		w.later(j, "the store failed: "+err.Error())
		return
	}
	j.data = nil
	w.ack(ctx, j)
	if h := w.opts.Hooks.Finished; h != nil {
		h(m.Outcome)
	}
	if m.Outcome == OutcomeQuarantined {
		w.log.Warn("worker: quarantined: the file holds nothing that can be read", "file", j.name, "to", m.Quarantine)
	} else {
		w.log.Info("worker: done", "file", j.name, "pages", len(f.Pages))
	}
}

// quarantine copies the inbox object to key, its why.txt first so a
// quarantined file never lacks one. Objects already there are an earlier
// try's, of the same version.
func (w *Worker) quarantine(ctx context.Context, j *job, key, why string) error {
	if _, err := w.s.Put(ctx, key+WhySuffix, strings.NewReader(why), int64(len(why))); err != nil && !errors.Is(err, store.ErrExist) {
		return err
	}
	rc, err := w.s.Get(ctx, j.key)
	if err != nil {
		return err
	}
	defer rc.Close()
	if _, err := w.s.Put(ctx, key, rc, j.size); err != nil && !errors.Is(err, store.ErrExist) {
		return err
	}
	return nil
}

// depthLoop reports the queue's depth to Hooks.QueueDepth.
func (w *Worker) depthLoop(ctx context.Context) {
	t := time.NewTicker(w.opts.DepthEvery)
	defer t.Stop()
	for {
		ictx, cancel := context.WithTimeout(ctx, 5*time.Second)
		info, err := w.cons.Info(ictx)
		cancel()
		if err == nil {
			w.opts.Hooks.QueueDepth(info.NumPending, info.NumAckPending)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
