package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"shinsei/internal/scangen"
	"shinsei/observe"
	"shinsei/observe/observetest"
	"shinsei/store/storetest"
)

// observed runs 'shinsei GLOBAL... watch ARGS... --listen 127.0.0.1:0'
// in this process, logging JSON at info, and returns the address it
// serves on, its stderr, and stop (which returns its exit code).
func observed(t *testing.T, getenv func(string) string, global []string, args ...string) (addr string, stderr *syncBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	stderr = &syncBuffer{}
	done := make(chan int, 1)
	all := append(append(slices.Clone(global), "--log-level", "info", "--log-format", "json", "watch", "--listen", "127.0.0.1:0"), args...)
	go func() {
		err := run(ctx, all, getenv, strings.NewReader(""), &out, stderr)
		done <- exitCode(err, stderr)
	}()
	stop = func() int {
		cancel()
		return <-done
	}
	deadline := time.Now().Add(60 * time.Second)
	for addr == "" {
		for _, line := range strings.Split(stderr.String(), "\n") {
			var l struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &l) == nil && strings.HasPrefix(l.Msg, "serving /metrics") {
				addr = l.Addr
			}
		}
		select {
		case code := <-done:
			t.Fatalf("watch exited %d before serving:\n%s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("watch does not say where it serves /metrics:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return addr, stderr, stop
}

func httpGet(t *testing.T, url string) (int, string) {
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

// truthValues are the strings the generator wrote on a corpus document:
// names, kana, addresses, dates, phone numbers, PINs.
func truthValues(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var truth struct {
		Pages []struct {
			Fields map[string]struct {
				Value   any
				Written string
			}
		}
	}
	if err := json.Unmarshal(data, &truth); err != nil {
		t.Fatal(err)
	}
	var vs []string
	for _, p := range truth.Pages {
		for _, f := range p.Fields {
			if s, ok := f.Value.(string); ok && len(s) >= 4 {
				vs = append(vs, s)
			}
			if len(f.Written) >= 4 {
				vs = append(vs, f.Written)
			}
		}
	}
	return vs
}

// 'shinsei watch --listen' after a few files: /metrics counts every page
// by status and form, times every stage of them, counts the files by where
// they went; /healthz and /readyz answer; the log is JSON Lines. And no
// label, nor anything on /metrics, holds what was written on the forms —
// names, addresses, PINs, a My Number — or a file's name (one is named
// after its applicant).
func TestWatchMetrics(t *testing.T) {
	dir, storeDir := t.TempDir(), t.TempDir()
	clean := filepath.Join("..", "..", "testdata", "corpus", "clean")
	secrets := append(truthValues(t, filepath.Join(clean, "0000-application.truth.json")), truthValues(t, filepath.Join(clean, "0001-answer.truth.json"))...)
	if len(secrets) < 6 || !slices.Contains(secrets, "6331") {
		t.Fatalf("the corpus truth changed: %q", secrets)
	}
	// Named after its applicant, as a clerk might save it.
	applicant := "後藤 隆"
	if !slices.Contains(secrets, applicant) {
		t.Fatalf("the corpus truth changed: %q", secrets)
	}
	g, err := scangen.New(scangen.Options{Seed: 1616})
	if err != nil {
		t.Fatal(err)
	}
	mn, err := g.MyNumberPage(scangen.MyNumberOptions{Seed: 3, Format: "png"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range mn.Truth.Pages {
		for _, s := range p.Secrets {
			secrets = append(secrets, s.Text)
		}
	}
	files := map[string][]byte{"後藤隆の申請.png": nil, "answer.png": nil, mn.Name: mn.Data, "メモ.pdf": []byte("please bring your card\n")}
	for name, src := range map[string]string{"後藤隆の申請.png": "0000-application.png", "answer.png": "0001-answer.png"} {
		if files[name], err = os.ReadFile(filepath.Join(clean, src)); err != nil {
			t.Fatal(err)
		}
	}
	secrets = append(secrets, "後藤隆", mn.Name)
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	home := t.TempDir()
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	addr, stderr, stop := observed(t, getenv, []string{"--store", storeDir}, "-j", "2", "--poll", "300ms", "--settle", "500ms", "--station", "counter-1", dir)
	base := "http://" + addr
	if code, body := httpGet(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz: %d %s", code, body)
	}
	eventually(t, 120*time.Second, "every file to be done or quarantined", func() bool {
		done, quarantined := 0, 0
		for _, f := range under(t, dir) {
			switch {
			case strings.HasPrefix(f, "done/"):
				done++
			case strings.HasPrefix(f, "quarantine/"):
				quarantined++
			}
		}
		return done == 3 && quarantined == 2
	})
	// Pages are counted before their file moves, but the folder's count
	// of waiting files is taken at its next look.
	var fams observetest.Families
	eventually(t, 10*time.Second, "no file to be waiting", func() bool {
		fams = observetest.Scrape(t, base+"/metrics")
		n, ok := fams.Value(observe.Waiting, nil)
		return ok && n == 0
	})
	if code, body := httpGet(t, base+"/readyz"); code != 200 || !strings.Contains(body, "store: ok") {
		t.Errorf("/readyz: %d\n%s", code, body)
	}
	if code := stop(); code != 0 {
		t.Errorf("watch exited %d", code)
	}

	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64 // -1: at least one
	}{
		{observe.Pages, nil, 4},
		{observe.Pages, map[string]string{"form": "jpki-application"}, 2},
		{observe.Pages, map[string]string{"form": "jpki-answer"}, 1},
		{observe.Pages, map[string]string{"status": "rejected", "form": "unknown"}, 1},
		{observe.StageSeconds, map[string]string{"stage": "decode"}, 4},
		{observe.StageSeconds, map[string]string{"stage": "read"}, 4},
		{observe.StageSeconds, map[string]string{"stage": "register"}, 3},
		{observe.StageSeconds, map[string]string{"stage": "marks"}, 3},
		{observe.StageSeconds, map[string]string{"stage": "text"}, 3},
		{observe.StageSeconds, map[string]string{"stage": "match"}, 4},
		{observe.StageSeconds, map[string]string{"stage": "archive"}, 4},
		{observe.OCRSeconds, nil, -1},
		{observe.Files, map[string]string{"outcome": "done"}, 3},
		{observe.Files, map[string]string{"outcome": "quarantine"}, 1},
		{observe.Info, map[string]string{"command": "watch", "station": "counter-1"}, 1},
	} {
		got, ok := fams.Value(c.name, c.labels)
		if !ok || (c.want >= 0 && got != c.want) || (c.want < 0 && got < 1) {
			t.Errorf("%s%v = %v (found %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	if got, _ := fams.Value(observe.StoreErrors, nil); got != 0 {
		t.Errorf("%v store errors on a working folder", got)
	}
	// Statuses are the records' own words.
	for _, l := range fams.Labels() {
		if k, v, _ := strings.Cut(l, "="); k == "status" && !slices.Contains([]string{"accepted", "needs_review", "rejected"}, v) {
			t.Errorf("status label %q", v)
		}
	}

	for _, l := range fams.Labels() {
		for _, s := range secrets {
			if strings.Contains(l, s) {
				t.Errorf("label %s holds %q, written on a form or naming a file", l, s)
			}
		}
	}
	for _, s := range secrets {
		// Digits alone may be any number on the page (bytes, seconds); a
		// name, an address or a file name may not.
		if strings.Trim(s, "0123456789-") != "" && strings.Contains(fams.Text, s) {
			t.Errorf("/metrics holds %q", s)
		}
	}

	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) < 5 {
		t.Errorf("only %d log lines", len(lines))
	}
	for _, line := range lines {
		var l map[string]any
		if err := json.Unmarshal([]byte(line), &l); err != nil || l["msg"] == nil || l["level"] == nil || l["time"] == nil {
			t.Errorf("not a JSON log line with time, level and msg: %q", line)
		}
	}
}

// /readyz of 'shinsei watch' on a MinIO store: ready while MinIO runs, red
// with the reason while it is down (killed), ready again once it is back —
// without restarting watch.
func TestWatchReadyzStoreDown(t *testing.T) {
	mio := storetest.StartMinIO(t)
	url, getenv := mio.URL("")
	home := t.TempDir()
	env := func(k string) string {
		if k == "HOME" {
			return home
		}
		return getenv(k)
	}
	addr, stderr, stop := observed(t, env, []string{"--store", url}, "--poll", "300ms", t.TempDir())
	defer func() {
		if code := stop(); code != 0 {
			t.Errorf("watch exited %d:\n%s", code, stderr.String())
		}
	}()
	ready := "http://" + addr + "/readyz"
	if code, body := httpGet(t, ready); code != 200 {
		t.Fatalf("MinIO up: /readyz %d\n%s", code, body)
	}
	mio.Stop()
	code, body := httpGet(t, ready)
	if code != 503 || !strings.HasPrefix(body, "store: not ready: ") {
		t.Errorf("MinIO down: /readyz %d\n%s", code, body)
	}
	if code, _ := httpGet(t, "http://"+addr+"/healthz"); code != 200 {
		t.Errorf("MinIO down: /healthz %d; the process itself is alive", code)
	}
	mio.Start()
	eventually(t, 30*time.Second, "/readyz to be green again", func() bool {
		code, _ := httpGet(t, ready)
		return code == 200
	})
}
