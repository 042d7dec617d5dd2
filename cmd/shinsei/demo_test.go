package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMakeDemoFreshClone runs the README's first command the way a new user
// does: a fresh git clone of this repository (its committed HEAD, not the
// work tree), `make demo` with nothing set (the demo's output folder is the
// default, relative one), and a HOME of its own so the default store is new.
// Only the Go module and build caches are shared, as the issue allows, so the
// test does not download and compile the world again. It passes when the
// demo exits 0 and its proxy procedure left the case answered.
func TestMakeDemoFreshClone(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	scratch := t.TempDir()
	clone := filepath.Join(scratch, "shinsei")
	home := filepath.Join(scratch, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}

	commit := strings.TrimSpace(mustRun(t, exec.CommandContext(ctx, "git", "-C", repo, "rev-parse", "HEAD")))
	mustRun(t, exec.CommandContext(ctx, "git", "clone", "--quiet", "--no-local", repo, clone))
	t.Logf("cloned %s at %s", repo, commit)

	env := demoEnv(t, ctx, home)
	cmd := exec.CommandContext(ctx, "make", "demo")
	cmd.Dir = clone
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	t.Logf("make demo took %s", time.Since(start).Round(time.Second))
	if err != nil {
		t.Fatalf("make demo on a fresh clone: %v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "no case was opened") {
		t.Fatalf("make demo opened no proxy case:\n%s", out.String())
	}

	// The demo's proxy store is relative to the clone, where a user would
	// look for it; the case it opened must have been answered by the sheet.
	pstore := filepath.Join(clone, "demo-output", "proxy-store")
	if fi, err := os.Stat(pstore); err != nil || !fi.IsDir() {
		t.Fatalf("no proxy store at %s (the relative --store went elsewhere?): %v\n%s", pstore, err, out.String())
	}
	list := exec.CommandContext(ctx, filepath.Join(clone, "bin", "shinsei"), "--log-level", "warn", "--store", pstore, "cases", "list", "--json", "--user", "demo-test", "--reason", "make demo test")
	list.Env = env
	var statuses []string
	sc := bufio.NewScanner(strings.NewReader(mustRun(t, list)))
	for sc.Scan() {
		var c struct{ Status string }
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("cases list --json: %v: %s", err, sc.Text())
		}
		statuses = append(statuses, c.Status)
	}
	if len(statuses) != 1 || statuses[0] != "answered" {
		t.Fatalf("the demo's proxy cases are %q, want one answered\n%s", statuses, out.String())
	}
	// The default store, in the scratch HOME, is what `store check` used.
	if _, err := os.Stat(filepath.Join(home, ".local", "share", "shinsei")); err != nil {
		t.Errorf("the demo's store check used no default store under HOME: %v", err)
	}
}

// demoEnv is the test's environment with a new HOME and without anything
// that would steer the demo away from its defaults, keeping the Go caches
// that are already filled.
func demoEnv(t *testing.T, ctx context.Context, home string) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "SHINSEI_") || k == "HOME" || k == "XDG_DATA_HOME" || k == "GOCACHE" || k == "GOMODCACHE" {
			continue
		}
		env = append(env, kv)
	}
	for _, k := range []string{"GOCACHE", "GOMODCACHE"} {
		v := strings.TrimSpace(mustRun(t, exec.CommandContext(ctx, "go", "env", k)))
		env = append(env, k+"="+v)
	}
	return append(env, "HOME="+home)
}

func mustRun(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, stderr.String())
	}
	return string(out)
}
