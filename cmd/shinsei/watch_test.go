package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
)

// syncBuffer is a buffer the watcher writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// watching runs 'shinsei watch' in this process until the returned stop
// is called; stop returns its stdout and exit code.
func watching(t *testing.T, storeDir string, args ...string) (stop func() (string, int)) {
	t.Helper()
	home := t.TempDir()
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		err := run(ctx, append([]string{"--log-level", "warn", "--store", storeDir, "watch"}, args...), getenv, strings.NewReader(""), &out, &errOut)
		done <- exitCode(err, &errOut)
	}()
	return func() (string, int) {
		cancel()
		code := <-done
		if errOut.String() != "" {
			t.Logf("watch stderr:\n%s", errOut.String())
		}
		return out.String(), code
	}
}

// eventually polls cond until it holds or limit passes.
func eventually(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", limit, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// under lists the files below dir (slash paths relative to it), leaving
// out the watcher's lock.
func under(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel != filepath.Join(".shinsei", "lock") {
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func today() string { return time.Now().Format("2006-01-02") }

// archivedDocs lists the document ids with a complete entry (a record) in
// a local store, and those begun but not complete.
func archivedDocs(t *testing.T, storeDir string) (complete, partial []string) {
	t.Helper()
	des, err := os.ReadDir(filepath.Join(storeDir, "archive", "docs"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, de := range des {
		if _, err := os.Stat(filepath.Join(storeDir, "archive", "docs", de.Name(), "record.json")); err == nil {
			complete = append(complete, de.Name())
		} else {
			partial = append(partial, de.Name())
		}
	}
	return complete, partial
}

// A station's folder: a file there at start, one dropped while it runs, a
// file that is not a scan and a copy of a file already archived each end
// in their place, the page records print as JSON Lines, and every page is
// archived.
func TestWatchFolder(t *testing.T) {
	dir, storeDir := t.TempDir(), t.TempDir()
	clean := filepath.Join("..", "..", "testdata", "corpus", "clean")
	copyFile(t, filepath.Join(clean, "0000-application.png"), filepath.Join(dir, "at-start.png"))
	stop := watching(t, storeDir, "--json", "-j", "2", "--poll", "300ms", "--settle", "700ms", dir)
	copyFile(t, filepath.Join(clean, "0001-answer.png"), filepath.Join(dir, "dropped.png"))
	if err := os.WriteFile(filepath.Join(dir, "メモ.pdf"), []byte("please bring your card\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	day := today()
	eventually(t, 90*time.Second, "the first files to be done", func() bool {
		return slices.Contains(under(t, dir), "done/"+day+"/at-start.png")
	})
	copyFile(t, filepath.Join(clean, "0000-application.png"), filepath.Join(dir, "again.png"))
	want := []string{"done/" + day + "/at-start.png", "done/" + day + "/dropped.png", "done/" + day + "/duplicate/again.png", "quarantine/メモ.pdf", "quarantine/メモ.pdf.why.txt"}
	eventually(t, 90*time.Second, "every file to be in its place", func() bool {
		return slices.Equal(under(t, dir), want)
	})
	out, code := stop()
	if code != 0 {
		t.Errorf("watch exited %d after SIGINT, want 0", code)
	}
	var recs []forms.Record
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r forms.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %q", err, line)
		}
		recs = append(recs, r)
	}
	names := map[string]forms.Record{}
	for _, r := range recs {
		names[r.Source.Name] = r
	}
	if len(recs) != 4 || names["at-start.png"].Template == nil || names["dropped.png"].Template == nil || names["again.png"].Template == nil || names["メモ.pdf"].Status != forms.Rejected {
		t.Errorf("records:\n%s", out)
	}
	complete, partial := archivedDocs(t, storeDir)
	if len(complete) != 3 || len(partial) != 0 {
		t.Errorf("archive holds %v complete and %v partial entries, want 3 complete (two pages and the rejected file's record)", complete, partial)
	}
	why, err := os.ReadFile(filepath.Join(dir, "quarantine", "メモ.pdf.why.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ja, en, ok := strings.Cut(string(why), "\n----\n")
	if !ok || !strings.Contains(ja, "テキストのようです") || !strings.Contains(ja, "受付フォルダーに入れてください") || !strings.Contains(en, "looks like plain text") || !strings.Contains(en, "Put the corrected file") {
		t.Errorf("why.txt is not what is wrong and what to do, in Japanese then English:\n%s", why)
	}
	for _, half := range []string{ja, en} {
		if strings.Contains(half, " / ") {
			t.Errorf("a message was not split into its languages:\n%s", half)
		}
	}
}

// A file written slowly, over several seconds, is taken only once it is
// whole; and with change notifications off (as on a network share) the
// folder is still polled.
func TestWatchSlowWriterPolled(t *testing.T) {
	dir, storeDir := t.TempDir(), t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "corpus", "clean", "0000-application.png"))
	if err != nil {
		t.Fatal(err)
	}
	stop := watching(t, storeDir, "--json", "-j", "1", "--no-notify", "--poll", "250ms", "--settle", "2s", dir)
	f, err := os.Create(filepath.Join(dir, "slow.png"))
	if err != nil {
		t.Fatal(err)
	}
	const chunks = 6
	for i := range chunks {
		// A pause shorter than --settle between writes, as a scanner
		// writing over a slow share.
		if _, err := f.Write(data[i*len(data)/chunks : (i+1)*len(data)/chunks]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(700 * time.Millisecond)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	day := today()
	eventually(t, 60*time.Second, "slow.png to be done", func() bool {
		return slices.Equal(under(t, dir), []string{"done/" + day + "/slow.png"})
	})
	out, code := stop()
	if code != 0 {
		t.Errorf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var rec forms.Record
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &rec) != nil {
		t.Fatalf("want one record, got:\n%s", out)
	}
	if rec.Source.SHA256 != forms.FileSHA256(data) || rec.Template == nil || rec.Status == forms.Rejected {
		t.Errorf("the record is not of the whole file: %+v", rec)
	}
	if complete, partial := archivedDocs(t, storeDir); len(complete) != 1 || len(partial) != 0 {
		t.Errorf("archive: %v complete, %v partial", complete, partial)
	}
}

// kill -9 of 'shinsei watch' at random moments while it works through a
// batch, restarted each time: every file ends once in done or quarantine,
// every page has exactly one archived record, none is missing or half
// written, and no temporary file or journal entry is left.
// SHINSEI_WATCH_FILES sets how many generated files (default 24);
// SHINSEI_WATCH_SEED the seed of the kill times.
func TestWatchKill9(t *testing.T) {
	n := 24
	if v := os.Getenv("SHINSEI_WATCH_FILES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("SHINSEI_WATCH_FILES=%q", v)
		}
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("SHINSEI_WATCH_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("%d files, kill seed %d (SHINSEI_WATCH_SEED)", n, seed)
	rng := rand.New(rand.NewPCG(seed, 9))

	work := t.TempDir()
	bin := filepath.Join(work, "shinsei")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	src, dir, storeDir := filepath.Join(work, "src"), filepath.Join(work, "inbox"), filepath.Join(work, "store")
	for _, d := range []string{src, dir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The batch: generated documents (single pages and multi-page files
	// in every format), two files that are not scans, and a copy of the
	// first document under another name.
	g, err := scangen.New(scangen.Options{Seed: 1616, Mix: scanfx.Standard})
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]int{} // file name → pages
	content := map[string]string{}
	add := func(name string, data []byte, n int) {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		pages[name] = n
		content[name] = forms.FileSHA256(data)
	}
	var first scangen.Doc
	for i := range n {
		d, err := g.Document(i)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = d
		}
		add(d.Name, d.Data, len(d.Truth.Pages))
	}
	add("not-a-scan.pdf", []byte("%PDF-1.4 torn off\n"), 1)
	add("notes.tif", []byte("please bring your card\n"), 1)
	add("copy-of-"+first.Name, first.Data, len(first.Truth.Pages))
	// Every file is dropped before the first start: taken on start, like
	// files that came while shinsei was down.
	for name := range pages {
		if err := os.Link(filepath.Join(src, name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}

	start := func(log io.Writer) *exec.Cmd {
		cmd := exec.Command(bin, "--store", storeDir, "--log-level", "info", "watch", "-j", "2", "--poll", "500ms", "--settle", "500ms", dir)
		cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1", "SHINSEI_STATION=kill-test")
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	// left is how many files are still in the folder.
	left := func() int {
		des, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, de := range des {
			if !de.IsDir() {
				n++
			}
		}
		return n
	}
	finished := func() bool {
		j, _ := os.ReadDir(filepath.Join(dir, ".shinsei", "journal"))
		return left() == 0 && len(j) == 0
	}
	var logs bytes.Buffer
	kills := 0
	// On a machine too slow to start and finish a file within the window,
	// every start that finished none widens it, so the batch still ends.
	window := 4000
	deadline := time.Now().Add(8 * time.Minute)
	for !finished() {
		if time.Now().After(deadline) {
			t.Fatalf("not finished after %d kills; folder: %v\nlog:\n%s", kills, under(t, dir), logs.String())
		}
		fmt.Fprintf(&logs, "--- start %d\n", kills+1)
		before := left()
		cmd := start(&logs)
		// Between a moment after start and a few pages' time.
		wait := time.Duration(200+rng.IntN(window)) * time.Millisecond
		until := time.Now().Add(wait)
		for time.Now().Before(until) && !finished() {
			time.Sleep(50 * time.Millisecond)
		}
		if finished() {
			// Done before this kill: stop it as a station would.
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("watch after SIGTERM: %v\n%s", err, logs.String())
			}
			break
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		kills++
		if left() < before {
			window = 4000
		} else {
			window = min(window*3/2, 30000)
		}
	}
	// A last start finds nothing to do and leaves everything as it is.
	cmd := start(&logs)
	time.Sleep(3 * time.Second)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("last watch: %v", err)
	}
	if kills == 0 {
		t.Error("the batch was done before the first kill: nothing was tested")
	}
	l := logs.String()
	t.Logf("%d kills; on restart: %d files taken again, %d decided moves finished, %d archive entries completed", kills,
		strings.Count(l, "taking a file again"), strings.Count(l, "finishing a move"), strings.Count(l, "completing an entry"))

	// Every file once, in done or quarantine, by name and content.
	where := map[string][]string{}
	for _, rel := range under(t, dir) {
		switch {
		case strings.HasPrefix(rel, ".shinsei/"):
			t.Errorf("left in the watcher's state: %s", rel)
		case strings.HasSuffix(rel, ".why.txt"):
			if !strings.HasPrefix(rel, "quarantine/") {
				t.Errorf("a why.txt outside quarantine: %s", rel)
			}
		case strings.HasPrefix(rel, "done/") || strings.HasPrefix(rel, "quarantine/"):
			data, err := os.ReadFile(filepath.Join(dir, rel))
			if err != nil {
				t.Fatal(err)
			}
			base := filepath.Base(rel)
			if content[base] != forms.FileSHA256(data) {
				t.Errorf("%s: not one of the batch's files, or changed", rel)
			}
			where[base] = append(where[base], rel)
		default:
			t.Errorf("unexpected file %s", rel)
		}
	}
	want := map[string]bool{} // document ids
	for name, n := range pages {
		got := where[name]
		if len(got) != 1 {
			t.Errorf("%s is in %d places: %v", name, len(got), got)
			continue
		}
		bad := name == "not-a-scan.pdf" || name == "notes.tif"
		if bad != strings.HasPrefix(got[0], "quarantine/") {
			t.Errorf("%s ended in %s", name, got[0])
		}
		if bad {
			if _, err := os.Stat(filepath.Join(dir, got[0]+".why.txt")); err != nil {
				t.Errorf("%s has no why.txt", got[0])
			}
		}
		for p := 1; p <= n; p++ {
			want[forms.DocumentID(content[name], p)] = true
		}
	}
	complete, partial := archivedDocs(t, storeDir)
	if len(partial) != 0 {
		t.Errorf("half-written archive entries: %v", partial)
	}
	for _, id := range complete {
		if !want[id] {
			t.Errorf("archived %s, which is no page of the batch", id)
		}
		delete(want, id)
	}
	for id := range want {
		t.Errorf("page %s was not archived", id)
	}
	tmps, _ := os.ReadDir(filepath.Join(storeDir, ".shinsei", "tmp"))
	t.Logf("%d pages archived once each; %d temporary files of killed writes in the store's own tmp (the store removes them after a day)", len(complete), len(tmps))
}
