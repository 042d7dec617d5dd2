package watch

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/pipeline"
	"shinsei/pipeline/batch"
)

// fakeRunner stands for batch.Runner without reading: a file named bad*
// is unreadable, fail* has a page the store refused, anything else is one
// page archived.
type fakeRunner struct {
	mu    sync.Mutex
	taken []string
}

func (f *fakeRunner) Run(ctx context.Context, inputs iter.Seq[batch.Input], sink batch.Sink) error {
	for in := range inputs {
		data, err := in.Read(ctx)
		if err != nil {
			return err
		}
		f.mu.Lock()
		f.taken = append(f.taken, in.Name)
		f.mu.Unlock()
		rec := forms.Record{Source: forms.Source{Name: in.Name, SHA256: forms.FileSHA256(data), Page: 1}, Status: forms.Accepted}
		page := batch.PageResult{Record: rec}
		switch {
		case strings.HasPrefix(in.Name, "bad"):
			page.Record.Status = forms.Rejected
			page.Record.Issues = []forms.Issue{{Code: pipeline.CodeUnreadable, Message: in.Name + ": ファイルが壊れています。スキャンし直してください / the file is broken — scan it again"}}
		case strings.HasPrefix(in.Name, "fail"):
			page.Failed = errors.New("store down")
		}
		if err := sink.Page(page); err != nil {
			return err
		}
		if err := sink.File(batch.FileResult{Name: in.Name, SHA256: rec.Source.SHA256, Pages: []batch.PageResult{page}}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (f *fakeRunner) names() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.taken...)
}

// counts keeps what a watcher reports for metrics.
type counts struct {
	mu       sync.Mutex
	outcomes map[string]int
	waiting  int
}

func (c *counts) options(o Options) Options {
	c.outcomes = map[string]int{}
	o.Finished = func(outcome string) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.outcomes[outcome]++
	}
	o.Waiting = func(n int) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.waiting = n
	}
	return o
}

func (c *counts) get() (map[string]int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.outcomes), c.waiting
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

var day = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC) // far from midnight

// start runs a watcher of dir with r until the returned stop is called.
func start(t *testing.T, dir string, r Runner, opts Options) (stop func()) {
	t.Helper()
	opts.Poll, opts.Settle = 50*time.Millisecond, 100*time.Millisecond
	// A clock that runs from a fixed day, so the done folder is known.
	t0 := time.Now()
	opts.Now = func() time.Time { return day.Add(time.Since(t0)) }
	w, err := New(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, r) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
}

// waitFor polls cond until it holds or the test has waited too long.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func doneDir(dir string) string {
	return filepath.Join(dir, DoneDir, day.Format("2006-01-02"))
}

// Files go to done, quarantine (with why.txt) or stay for another try;
// names already taken in done get a suffix; scratch names are left alone;
// with fsnotify off the folder is still polled.
func TestWatcherSortsFiles(t *testing.T) {
	for _, notify := range []bool{true, false} {
		t.Run(map[bool]string{true: "fsnotify", false: "polling only"}[notify], func(t *testing.T) {
			dir := t.TempDir()
			done := doneDir(dir)
			write(t, filepath.Join(done, "a.png"), "an earlier a.png")
			write(t, filepath.Join(dir, "present.png"), "present at start")
			r := &fakeRunner{}
			var c counts
			stop := start(t, dir, r, c.options(Options{NoNotify: !notify}))
			write(t, filepath.Join(dir, "a.png"), "dropped a")
			write(t, filepath.Join(dir, "bad.pdf"), "not a scan")
			write(t, filepath.Join(dir, "fail.png"), "store refuses")
			write(t, filepath.Join(dir, ".hidden.png"), "x")
			write(t, filepath.Join(dir, "scan.pdf.part"), "x")
			waitFor(t, "the files to be sorted", func() bool {
				return exists(filepath.Join(done, "a_2.png")) && exists(filepath.Join(done, "present.png")) && exists(filepath.Join(dir, QuarantineDir, "bad.pdf"))
			})
			// fail.png is tried again, later each time, and stays.
			waitFor(t, "a second try of fail.png", func() bool { return strings.Count(strings.Join(r.names(), ","), "fail.png") >= 2 })
			// Only fail.png waits once the others are sorted; the scratch
			// names are not files to take.
			waitFor(t, "one file waiting", func() bool { _, n := c.get(); return n == 1 })
			stop()
			outcomes, _ := c.get()
			if outcomes[OutcomeDone] != 2 || outcomes[OutcomeQuarantine] != 1 || outcomes[OutcomeRetry] < 2 || outcomes[OutcomeDuplicate] != 0 {
				t.Errorf("outcomes %v, want 2 done, 1 quarantine, at least 2 retries", outcomes)
			}
			if got, _ := os.ReadFile(filepath.Join(done, "a.png")); string(got) != "an earlier a.png" {
				t.Errorf("done/a.png was overwritten: %q", got)
			}
			why, err := os.ReadFile(filepath.Join(dir, QuarantineDir, "bad.pdf"+WhySuffix))
			if err != nil {
				t.Fatal(err)
			}
			ja, en, _ := strings.Cut(string(why), "----")
			if !strings.Contains(ja, "ファイルが壊れています。スキャンし直してください") || strings.Contains(ja, "broken") || !strings.Contains(en, "the file is broken — scan it again") {
				t.Errorf("why.txt is not Japanese then English:\n%s", why)
			}
			for _, n := range []string{"fail.png", ".hidden.png", "scan.pdf.part"} {
				if !exists(filepath.Join(dir, n)) {
					t.Errorf("%s left the folder", n)
				}
			}
			for _, n := range r.names() {
				if n == ".hidden.png" || n == "scan.pdf.part" {
					t.Errorf("took %s", n)
				}
			}
			if j, _ := os.ReadDir(filepath.Join(dir, stateDir, "tmp")); len(j) != 0 {
				t.Errorf("temporary files left: %v", j)
			}
		})
	}
}

// A file the archive knows goes to done/DAY/duplicate.
func TestWatcherDuplicate(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "again.png"), "seen")
	seen := forms.FileSHA256([]byte("seen"))
	var c counts
	stop := start(t, dir, &fakeRunner{}, c.options(Options{Archived: func(_ context.Context, sum string) (bool, error) { return sum == seen, nil }}))
	write(t, filepath.Join(dir, "new.png"), "new")
	waitFor(t, "both files done", func() bool {
		return exists(filepath.Join(doneDir(dir), DuplicateDir, "again.png")) && exists(filepath.Join(doneDir(dir), "new.png"))
	})
	stop()
	if outcomes, _ := c.get(); !maps.Equal(outcomes, map[string]int{OutcomeDone: 1, OutcomeDuplicate: 1}) {
		t.Errorf("outcomes %v, want one done and one duplicate", outcomes)
	}
}

// On start, the moves a killed run decided are finished — why.txt first,
// even when the file had moved and its why.txt had not been written —,
// a file whose pages were not all done stays to be taken again with what
// its entry knew, and temporary files are removed.
func TestWatcherRecovers(t *testing.T) {
	dir := t.TempDir()
	w, err := New(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := w.lock()
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "decided.png"), "decided")
	write(t, filepath.Join(dir, QuarantineDir, "moved.pdf"), "moved")
	write(t, filepath.Join(dir, "half.png"), "half")
	write(t, filepath.Join(dir, stateDir, "tmp", "w-123"), "torn")
	for _, e := range []*entry{
		{Name: "decided.png", SHA256: forms.FileSHA256([]byte("decided")), To: "quarantine/decided.png", Why: "なぜ / why"},
		{Name: "moved.pdf", SHA256: forms.FileSHA256([]byte("moved")), To: "quarantine/moved.pdf", Why: "なぜ / why"},
		{Name: "half.png", SHA256: forms.FileSHA256([]byte("half")), Duplicate: true},
	} {
		if err := w.writeEntry(e); err != nil {
			t.Fatal(err)
		}
	}
	unlock()
	stop := start(t, dir, &fakeRunner{}, Options{})
	waitFor(t, "half.png to be done", func() bool { return exists(filepath.Join(doneDir(dir), DuplicateDir, "half.png")) })
	// A second watcher of the same folder is refused while one runs.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if w2, _ := New(dir, Options{}); w2 != nil {
		if err := w2.Run(ctx, &fakeRunner{}); err == nil || !strings.Contains(err.Error(), "another shinsei watch") {
			t.Errorf("a second watcher: %v", err)
		}
	}
	stop()
	for _, p := range []string{"quarantine/decided.png", "quarantine/decided.png.why.txt", "quarantine/moved.pdf.why.txt"} {
		if !exists(filepath.Join(dir, p)) {
			t.Errorf("%s missing", p)
		}
	}
	for _, d := range []string{"tmp", "journal"} {
		if left, _ := os.ReadDir(filepath.Join(dir, stateDir, d)); len(left) != 0 {
			t.Errorf("%s not empty: %v", d, left)
		}
	}
	if exists(filepath.Join(dir, "decided.png")) {
		t.Error("decided.png still in the folder")
	}
}

// A journal entry is JSON a person can read.
func TestEntryJSON(t *testing.T) {
	data, err := json.Marshal(entry{Name: "a.png", SHA256: "ab", To: "done/2026-12-03/a.png"})
	if err != nil || string(data) != `{"name":"a.png","sha256":"ab","to":"done/2026-12-03/a.png"}` {
		t.Errorf("%s %v", data, err)
	}
}
