package worker_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"shinsei/forms"
	"shinsei/pipeline"
	"shinsei/pipeline/archive"
	"shinsei/pipeline/batch"
	"shinsei/pipeline/worker"
	"shinsei/pipeline/worker/workertest"
	"shinsei/store"
	"shinsei/store/local"
)

func TestParseEvent(t *testing.T) {
	minio, err := os.ReadFile(filepath.Join("testdata", "minio-event.json"))
	if err != nil {
		t.Fatal(err)
	}
	aws := `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"inbox/a+b%2Bc.pdf","size":7,"eTag":"\"0123abcd\""}}}]}`
	for _, tc := range []struct {
		name    string
		data    string
		want    worker.Event
		wantErr error
	}{
		{name: "minio", data: string(minio), want: worker.Event{Bucket: "city", Key: "a/inbox/station-2/申請 書+1.png", ETag: "e88aff9ba8c530ac70daa753e9482369", Size: 378106}},
		{name: "aws", data: aws, want: worker.Event{Bucket: "b", Key: "inbox/a b+c.pdf", ETag: "0123abcd", Size: 7}},
		{name: "removed", data: strings.Replace(string(minio), `"eventName": "s3:ObjectCreated:Put"`, `"eventName": "s3:ObjectRemoved:Delete"`, 1), wantErr: worker.ErrNotCreated},
		{name: "two records", data: `{"Records":[{"eventName":"ObjectCreated:Put"},{"eventName":"ObjectCreated:Put"}]}`},
		{name: "no records", data: `{"Records":[]}`},
		{name: "not json", data: `hello`},
		{name: "bad escape", data: `{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"%zz"}}}]}`},
		{name: "no key", data: `{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{}}}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := worker.ParseEvent([]byte(tc.data))
			switch {
			case tc.want == (worker.Event{}) && err == nil:
				t.Fatalf("no error; got %+v", got)
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			case tc.want != (worker.Event{}) && (err != nil || got != tc.want):
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// The reconciler's messages read as MinIO's do.
func TestEventRoundTrip(t *testing.T) {
	for _, e := range []worker.Event{
		{Bucket: "city", Key: "a/inbox/station-2/申請 書+1%.png", ETag: "e88aff9b-2", Size: 12},
		{Bucket: "b", Key: "inbox/x.pdf"},
	} {
		got, err := worker.ParseEvent(e.Marshal(time.Now()))
		if err != nil || got != e {
			t.Errorf("%+v came back as %+v, %v", e, got, err)
		}
	}
}

// flaky is a store that can be taken down: every call fails while down.
type flaky struct {
	store.Store
	down atomic.Bool
}

var errDown = errors.New("connection refused (the test took the store down)")

func (f *flaky) Put(ctx context.Context, key string, r io.Reader, size int64) (store.Info, error) {
	if f.down.Load() {
		return store.Info{}, errDown
	}
	return f.Store.Put(ctx, key, r, size)
}

func (f *flaky) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if f.down.Load() {
		return nil, errDown
	}
	return f.Store.Get(ctx, key)
}

func (f *flaky) Stat(ctx context.Context, key string) (store.Info, error) {
	if f.down.Load() {
		return store.Info{}, errDown
	}
	return f.Store.Stat(ctx, key)
}

func (f *flaky) List(ctx context.Context, prefix string) iter.Seq2[store.Info, error] {
	if f.down.Load() {
		return func(yield func(store.Info, error) bool) { yield(store.Info{}, errDown) }
	}
	return f.Store.List(ctx, prefix)
}

// fakeRunner stands in for batch.Runner: each file is one page, "archived"
// by a write-once object named by its content, as the archive names its
// entries; a store failure fails the page, as a failed archive step does.
type fakeRunner struct {
	s store.Store
	// hold makes Run keep the first file until its context ends, as a
	// worker does that is stopped mid-file.
	hold    bool
	started chan string
	// delay is how long reading a file takes.
	delay time.Duration

	mu    sync.Mutex
	reads map[string]int
}

func (r *fakeRunner) Run(ctx context.Context, inputs iter.Seq[batch.Input], sink batch.Sink) error {
	for in := range inputs {
		data, err := in.Read(ctx)
		rec := forms.Record{Source: forms.Source{Name: in.Name, Page: 1}}
		if err != nil {
			// As the batch runner records a file it cannot read.
			rec.Status = forms.Rejected
			rec.Issues = []forms.Issue{{Code: pipeline.CodeUnreadable, Message: err.Error()}}
			page := batch.PageResult{Record: rec}
			if err := sink.Page(page); err != nil {
				return err
			}
			if err := sink.File(batch.FileResult{Name: in.Name, Pages: []batch.PageResult{page}, Unread: true}); err != nil {
				return err
			}
			continue
		}
		r.mu.Lock()
		r.reads[in.Name]++
		r.mu.Unlock()
		if r.started != nil {
			r.started <- in.Name
		}
		time.Sleep(r.delay)
		if r.hold {
			<-ctx.Done()
			page := batch.PageResult{Record: rec, Stopped: true}
			sink.Page(page)
			sink.File(batch.FileResult{Name: in.Name, Pages: []batch.PageResult{page}})
			return ctx.Err()
		}
		sum := forms.FileSHA256(data)
		rec.DocumentID, rec.Source.SHA256, rec.Status = forms.DocumentID(sum, 1), sum, forms.Accepted
		page := batch.PageResult{Record: rec}
		if _, err := r.s.Put(ctx, "fake-archive/"+sum, bytes.NewReader(data), int64(len(data))); err != nil && !errors.Is(err, store.ErrExist) {
			page.Failed = err
		} else {
			page.Entry = &archive.Entry{DocumentID: rec.DocumentID}
		}
		if err := sink.Page(page); err != nil {
			return err
		}
		if err := sink.File(batch.FileResult{Name: in.Name, SHA256: sum, Pages: []batch.PageResult{page}}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// queue is a stream and subject of one test's own on the shared NATS
// server, and a publisher of events on it.
type queue struct {
	url, stream, subject string
	js                   jetstream.JetStream
}

func newQueue(t *testing.T) queue {
	t.Helper()
	url := workertest.NATS(t)
	var b [4]byte
	rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	nc, err := worker.Dial(url, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	q := queue{url: url, stream: "TEST_" + id, subject: "shinsei.test." + id, js: js}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		js.DeleteStream(ctx, q.stream)
		nc.Close()
	})
	return q
}

func (q queue) publish(t *testing.T, key string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := q.js.Publish(ctx, q.subject, worker.Event{Key: key}.Marshal(time.Now())); err != nil {
		t.Fatal(err)
	}
}

// start runs a worker on s until the returned stop is called.
func (q queue) start(t *testing.T, s store.Store, r worker.Runner, opts worker.Options) (w *worker.Worker, stop func()) {
	t.Helper()
	nc, err := worker.Dial(q.url, "worker", nil)
	if err != nil {
		t.Fatal(err)
	}
	opts.Stream, opts.Subject = q.stream, q.subject
	if opts.ReconcileEvery == 0 {
		opts.ReconcileEvery = -1
	}
	ctx, cancel := context.WithCancel(context.Background())
	w, err = worker.New(ctx, nc, s, opts)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, r) }()
	return w, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		nc.Close()
	}
}

func putInbox(t *testing.T, s store.Store, name string, data []byte) {
	t.Helper()
	if _, err := s.Put(context.Background(), "inbox/"+name, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
}

func markers(t *testing.T, s store.Store) map[string]worker.Marker {
	t.Helper()
	ms := map[string]worker.Marker{}
	for info, err := range s.List(context.Background(), worker.DonePrefix) {
		if err != nil {
			t.Fatal(err)
		}
		rc, err := s.Get(context.Background(), info.Key)
		if err != nil {
			t.Fatal(err)
		}
		var m worker.Marker
		err = json.NewDecoder(rc).Decode(&m)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := ms[m.Key]; dup {
			t.Errorf("two markers for %s", m.Key)
		}
		ms[m.Key] = m
	}
	return ms
}

func eventually(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", limit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The store down, at start and again midway: the worker is not ready,
// waits and retries with the messages held, and every file ends archived
// once and marked once; an event for a file done already reads nothing.
func TestWorkerStoreDown(t *testing.T) {
	q := newQueue(t)
	ls, err := local.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := &flaky{Store: ls}
	const n = 6
	for i := range n {
		putInbox(t, s, "st/"+string(rune('a'+i))+".pdf", []byte(strings.Repeat(string(rune('a'+i)), 100+i)))
	}
	var storeErrs, finished, depths atomic.Int32
	r := &fakeRunner{s: s, reads: map[string]int{}, delay: 300 * time.Millisecond}
	w, stop := q.start(t, s, r, worker.Options{AckWait: 10 * time.Second, DepthEvery: 200 * time.Millisecond, Hooks: worker.Hooks{
		StoreError: func(string, error) { storeErrs.Add(1) },
		Finished:   func(string) { finished.Add(1) },
		QueueDepth: func(waiting uint64, unacked int) {
			if waiting+uint64(unacked) > 0 {
				depths.Add(1)
			}
		},
	}})
	ctx := context.Background()
	if err := w.Ready(ctx); err != nil {
		t.Fatalf("not ready with the store and the queue up: %v", err)
	}
	s.down.Store(true)
	if err := w.Ready(ctx); err == nil {
		t.Error("ready with the store down")
	}
	for i := range n {
		q.publish(t, "inbox/st/"+string(rune('a'+i))+".pdf")
	}
	eventually(t, 10*time.Second, "a store error", func() bool { return storeErrs.Load() > 0 })
	time.Sleep(time.Second)
	s.down.Store(false)
	eventually(t, 30*time.Second, "half the files", func() bool { return finished.Load() >= n/2 })
	s.down.Store(true)
	time.Sleep(1500 * time.Millisecond)
	s.down.Store(false)
	eventually(t, 60*time.Second, "every file", func() bool { return finished.Load() == n })
	// Again, as a redelivery or the reconciler would.
	q.publish(t, "inbox/st/a.pdf")
	eventually(t, 10*time.Second, "the queue to empty", func() bool {
		info, err := q.js.Consumer(ctx, q.stream, worker.DefaultConsumer)
		if err != nil {
			return false
		}
		ci, err := info.Info(ctx)
		return err == nil && ci.NumPending == 0 && ci.NumAckPending == 0
	})
	stop()

	ms := markers(t, s)
	if len(ms) != n {
		t.Errorf("%d markers, want %d", len(ms), n)
	}
	for key, m := range ms {
		if m.Outcome != worker.OutcomeDone || len(m.Documents) != 1 || m.SHA256 == "" {
			t.Errorf("%s: %+v", key, m)
		}
	}
	var archived int
	for _, err := range s.List(ctx, "fake-archive/") {
		if err != nil {
			t.Fatal(err)
		}
		archived++
	}
	if archived != n {
		t.Errorf("%d files archived, want %d", archived, n)
	}
	if got := r.reads["st/a.pdf"]; got > 2 {
		t.Errorf("st/a.pdf read %d times", got)
	}
	if storeErrs.Load() == 0 || finished.Load() != n || depths.Load() == 0 {
		t.Errorf("hooks: %d store errors, %d finished, %d reports of a queue with messages", storeErrs.Load(), finished.Load(), depths.Load())
	}
	t.Logf("%d store errors retried; reads per file %v", storeErrs.Load(), r.reads)
}

// A file whose worker stops before finishing, Tries times, is quarantined
// on the next delivery without being read, with its why.txt, and marked.
func TestWorkerQuarantinesAfterTries(t *testing.T) {
	q := newQueue(t)
	s, err := local.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("%PDF-1.4 a file that kills its worker\n")
	putInbox(t, s, "poison.pdf", data)
	opts := worker.Options{AckWait: 10 * time.Second, Tries: 1}
	held := &fakeRunner{s: s, hold: true, started: make(chan string, 1), reads: map[string]int{}}
	_, stop := q.start(t, s, held, opts)
	q.publish(t, "inbox/poison.pdf")
	select {
	case <-held.started:
	case <-time.After(20 * time.Second):
		t.Fatal("the file was not taken")
	}
	stop() // gives the message back

	r := &fakeRunner{s: s, reads: map[string]int{}}
	var redelivered atomic.Int32
	opts.Hooks.Redelivered = func() { redelivered.Add(1) }
	_, stop = q.start(t, s, r, opts)
	eventually(t, 20*time.Second, "the file to be marked", func() bool { return len(markers(t, s)) == 1 })
	stop()
	if redelivered.Load() != 1 {
		t.Errorf("%d redeliveries reported, want 1", redelivered.Load())
	}
	m := markers(t, s)["inbox/poison.pdf"]
	if m.Outcome != worker.OutcomeQuarantined || r.reads["poison.pdf"] != 0 {
		t.Fatalf("marker %+v, read %d times on the last delivery", m, r.reads["poison.pdf"])
	}
	rc, err := s.Get(context.Background(), m.Quarantine)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, data) {
		t.Errorf("quarantined copy differs: %q", got)
	}
	rc, err = s.Get(context.Background(), m.Quarantine+worker.WhySuffix)
	if err != nil {
		t.Fatal(err)
	}
	why, _ := io.ReadAll(rc)
	rc.Close()
	ja, en, ok := strings.Cut(string(why), "\n----\n")
	if !ok || !strings.Contains(ja, "1回処理を始めましたが") || !strings.Contains(en, "never finished it, tries: 1") || !strings.Contains(en, "into the inbox") {
		t.Errorf("why.txt:\n%s", why)
	}
}

// The reconciler enqueues inbox files with no marker, once however many
// workers reconcile, and leaves alone those marked, those too young, and
// names that are no scans.
func TestReconcile(t *testing.T) {
	q := newQueue(t)
	s, err := local.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a.pdf", "sub/b.png", "c.pdf.part", "~$lock.pdf", "sub/scan.tmp"} {
		putInbox(t, s, name, []byte(name))
	}
	r := &fakeRunner{s: s, reads: map[string]int{}}
	// Young files wait for their own event.
	w, stop := q.start(t, s, r, worker.Options{ReconcileAge: time.Hour})
	if n, err := w.Reconcile(context.Background()); err != nil || n != 0 {
		t.Errorf("reconcile of young files: %d, %v", n, err)
	}
	stop()
	w1, stop1 := q.start(t, s, r, worker.Options{ReconcileAge: 0})
	w2, stop2 := q.start(t, s, r, worker.Options{ReconcileAge: 0})
	n1, err1 := w1.Reconcile(context.Background())
	n2, err2 := w2.Reconcile(context.Background())
	if err1 != nil || err2 != nil || n1+n2 != 2 {
		t.Errorf("reconcile: %d, %v; %d, %v", n1, err1, n2, err2)
	}
	eventually(t, 20*time.Second, "the two scans to be marked", func() bool { return len(markers(t, s)) == 2 })
	stop1()
	stop2()
	ms := markers(t, s)
	for _, key := range []string{"inbox/a.pdf", "inbox/sub/b.png"} {
		if ms[key].Outcome != worker.OutcomeDone {
			t.Errorf("%s: %+v", key, ms[key])
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.reads["a.pdf"] != 1 || r.reads["sub/b.png"] != 1 || len(r.reads) != 2 {
		t.Errorf("reads: %v, want each scan once (two workers reconciled, one message each)", r.reads)
	}
	w3, stop3 := q.start(t, s, r, worker.Options{ReconcileAge: 0})
	defer stop3()
	if n, err := w3.Reconcile(context.Background()); err != nil || n != 0 {
		t.Errorf("reconcile after every file is marked: %d, %v", n, err)
	}
}
