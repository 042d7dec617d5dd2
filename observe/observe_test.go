package observe_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"shinsei/observe"
	"shinsei/observe/observetest"
	"shinsei/store"
	"shinsei/store/storetest"
)

// Each measurement shows on /metrics under its name and labels, counted
// as often as it was made.
func TestMetricsEndpoint(t *testing.T) {
	m := observe.New(observe.Options{Command: "watch", Station: "counter-2.city.local", Version: "devel (commit 0123456789ab, modified)"})
	m.Page("accepted", "application")
	m.Page("accepted", "application")
	m.Page("needs_review", "answer")
	m.Page("rejected", "")
	for range 3 {
		m.Stage("read", 1200*time.Millisecond)
	}
	m.Stage("decode", 30*time.Millisecond)
	m.StepFailed("archive")
	m.OCR(80 * time.Millisecond)
	m.OCR(120 * time.Millisecond)
	m.StoreError("put")
	m.File("done")
	m.File("quarantine")
	m.Waiting(7)
	m.QueueDepth(12)
	m.Redelivered()
	srv := httptest.NewServer(observe.Handler(m, nil))
	defer srv.Close()
	fams := observetest.Scrape(t, srv.URL+"/metrics")
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{observe.Pages, map[string]string{"status": "accepted", "form": "application"}, 2},
		{observe.Pages, map[string]string{"status": "needs_review", "form": "answer"}, 1},
		{observe.Pages, map[string]string{"status": "rejected", "form": "unknown"}, 1},
		{observe.Pages, nil, 4},
		{observe.StageSeconds, map[string]string{"stage": "read"}, 3},
		{observe.StageSeconds, map[string]string{"stage": "decode"}, 1},
		{observe.StepFailures, map[string]string{"step": "archive"}, 1},
		{observe.OCRSeconds, nil, 2},
		{observe.StoreErrors, map[string]string{"op": "put"}, 1},
		{observe.Files, map[string]string{"outcome": "done"}, 1},
		{observe.Files, map[string]string{"outcome": "quarantine"}, 1},
		{observe.Waiting, nil, 7},
		{observe.QueueDepth, nil, 12},
		{observe.Redeliveries, nil, 1},
		{observe.Info, map[string]string{"command": "watch", "station": "counter-2.city.local", "version": "devel (commit 0123456789ab, modified)"}, 1},
	} {
		got, ok := fams.Value(c.name, c.labels)
		if !ok || got != c.want {
			t.Errorf("%s%v = %v (found %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	// The stage histogram puts 1.2 s reads in the right buckets.
	for _, mf := range fams.ByName[observe.StageSeconds].Metric {
		if mf.Label[0].GetValue() != "read" {
			continue
		}
		for _, b := range mf.Histogram.Bucket {
			want := uint64(0)
			if b.GetUpperBound() >= 1.2 {
				want = 3
			}
			if b.GetCumulativeCount() != want {
				t.Errorf("read bucket le=%v holds %d, want %d", b.GetUpperBound(), b.GetCumulativeCount(), want)
			}
		}
	}
	if _, ok := fams.Value("go_goroutines", nil); !ok {
		t.Error("no Go runtime metrics")
	}
}

// A label value that is not an identifier shinsei chose — a name, an
// address, a file name, a number — is never shown: it becomes "other".
func TestLabelsHoldNoPersonalData(t *testing.T) {
	m := observe.New(observe.Options{Command: "watch", Station: "窓口 山田", Version: "v1"})
	secrets := []string{"山田 太郎", "ヤマダ タロウ", "東京都練馬区豊玉北6丁目12番1号", "yamada-taro.pdf", "Yamada", "scan 0001.png", strings.Repeat("a", 41)}
	for _, s := range secrets {
		m.Page("accepted", s)
		m.Page(s, "application")
		m.Stage(s, time.Millisecond)
		m.StepFailed(s)
		m.StoreError(s)
		m.File(s)
	}
	srv := httptest.NewServer(observe.Handler(m, nil))
	defer srv.Close()
	fams := observetest.Scrape(t, srv.URL+"/metrics")
	for _, l := range fams.Labels() {
		for _, s := range secrets {
			if strings.Contains(l, s) {
				t.Errorf("label %s holds %q", l, s)
			}
		}
	}
	for _, s := range []string{"山田", "ヤマダ", "練馬", "yamada", "Yamada"} {
		if strings.Contains(fams.Text, s) {
			t.Errorf("/metrics holds %q", s)
		}
	}
	if got, _ := fams.Value(observe.Pages, map[string]string{"status": "accepted", "form": "other"}); got != float64(len(secrets)) {
		t.Errorf("pages of forms not named: %v, want %d counted as other", got, len(secrets))
	}
	if _, ok := fams.Value(observe.Info, map[string]string{"station": "other"}); !ok {
		t.Error("a station name that is not a host name is shown")
	}
}

// /healthz answers while the process runs; /readyz is 200 when every
// check passes, and 503 naming each failed check and why when one fails.
func TestReadyz(t *testing.T) {
	m := observe.New(observe.Options{Command: "worker"})
	down := errors.New("connection refused")
	var queueErr error
	checks := []observe.Check{
		{Name: "store", Do: func(context.Context) error { return nil }},
		{Name: "queue", Do: func(context.Context) error { return queueErr }},
	}
	srv := httptest.NewServer(observe.Handler(m, checks))
	defer srv.Close()
	for _, c := range []struct {
		path     string
		queueErr error
		code     int
		body     []string
	}{
		{"/healthz", down, 200, []string{"ok"}},
		{"/readyz", nil, 200, []string{"ready", "store: ok", "queue: ok"}},
		{"/readyz", down, 503, []string{"store: ok", "queue: not ready: connection refused"}},
		{"/readyz", nil, 200, []string{"ready"}},
	} {
		queueErr = c.queueErr
		code, body := get(t, srv.URL+c.path)
		if code != c.code {
			t.Errorf("%s with queue %v: %d, want %d\n%s", c.path, c.queueErr, code, c.code, body)
		}
		for _, b := range c.body {
			if !strings.Contains(body, b) {
				t.Errorf("%s with queue %v: body lacks %q:\n%s", c.path, c.queueErr, b, body)
			}
		}
	}
}

// A check that does not answer is cut off and reported, so a prober is
// never left hanging on a store that does not answer.
func TestReadyzCheckTimesOut(t *testing.T) {
	m := observe.New(observe.Options{})
	hang := observe.Check{Name: "store", Do: func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	}}
	srv := httptest.NewServer(observe.Handler(m, []observe.Check{hang}))
	defer srv.Close()
	start := time.Now()
	code, body := get(t, srv.URL+"/readyz")
	if code != 503 || !strings.Contains(body, "store: not ready: no answer within") {
		t.Errorf("%d\n%s", code, body)
	}
	if took := time.Since(start); took > observe.CheckTimeout+2*time.Second {
		t.Errorf("/readyz took %v", took)
	}
}

// The store check and the error count on a real MinIO: ready while it
// runs; when it is killed, /readyz is red and says the store does not
// answer, and the failed operations are counted; started again, ready.
func TestStoreCheckMinIO(t *testing.T) {
	mio := storetest.StartMinIO(t)
	url, getenv := mio.URL("")
	b := storetest.Open(t, url, getenv)
	m := observe.New(observe.Options{})
	s := observe.Store(b.Store, m)
	srv := httptest.NewServer(observe.Handler(m, []observe.Check{observe.StoreCheck(s)}))
	defer srv.Close()
	ctx := context.Background()
	if _, err := s.Put(ctx, "a/b", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	// Normal answers are not errors.
	if _, err := s.Put(ctx, "a/b", strings.NewReader("x"), 1); !errors.Is(err, store.ErrExist) {
		t.Fatalf("second put: %v", err)
	}
	if _, err := s.Stat(ctx, "a/none"); !errors.Is(err, store.ErrNotExist) {
		t.Fatalf("stat: %v", err)
	}
	if code, body := get(t, srv.URL+"/readyz"); code != 200 {
		t.Fatalf("with MinIO up: %d\n%s", code, body)
	}
	if n := storeErrors(t, srv.URL); n != 0 {
		t.Errorf("%v store errors counted for normal answers", n)
	}
	mio.Stop()
	code, body := get(t, srv.URL+"/readyz")
	if code != 503 || !strings.HasPrefix(body, "store: not ready: ") {
		t.Errorf("with MinIO down: %d\n%s", code, body)
	}
	if n := storeErrors(t, srv.URL); n < 1 {
		t.Errorf("no store error counted with MinIO down")
	}
	mio.Start()
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body := get(t, srv.URL+"/readyz")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("MinIO back, /readyz still %d\n%s", code, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	rc, err := s.Get(ctx, "a/b")
	if err != nil {
		t.Fatalf("after restart: %v", err)
	}
	rc.Close()
}

func storeErrors(t *testing.T, base string) float64 {
	t.Helper()
	n, _ := observetest.Scrape(t, base+"/metrics").Value(observe.StoreErrors, nil)
	return n
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}
