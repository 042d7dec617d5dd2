package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"testing"

	"shinsei/store/storetest"
)

// shinsei runs the program as main would and returns what it printed and
// its exit code.
func shinsei(t *testing.T, getenv func(string) string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	if getenv == nil {
		home := t.TempDir()
		getenv = func(k string) string {
			if k == "HOME" {
				return home
			}
			return ""
		}
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errOut)
	code = exitCode(err, &errOut)
	return out.String(), errOut.String(), code
}

func TestHelpListsEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		out, _, code := shinsei(t, nil, args...)
		if code != 0 {
			t.Errorf("%v: exit %d", args, code)
		}
		for _, name := range append(commandNames(), "help") {
			if !strings.Contains(out, "\n  "+name+" ") {
				t.Errorf("%v does not list %q:\n%s", args, name, out)
			}
		}
		for _, flag := range []string{"--store URL", "--log-level"} {
			if !strings.Contains(out, flag) {
				t.Errorf("%v does not show the global flag %s", args, flag)
			}
		}
	}
	// The commands DESIGN.md names are all there.
	for _, name := range []string{"scan", "watch", "worker", "serve", "cases", "templates", "archive", "audit", "version"} {
		if findCommand(name) == nil {
			t.Errorf("command %q missing", name)
		}
	}
}

func TestHelpForEachCommand(t *testing.T) {
	for _, name := range commandNames() {
		for _, args := range [][]string{{"help", name}, {name, "--help"}} {
			out, errOut, code := shinsei(t, nil, args...)
			if code != 0 || errOut != "" {
				t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
			}
			if !strings.HasPrefix(out, "Usage: shinsei "+name) || !strings.Contains(out, "--store") {
				t.Errorf("%v: help is\n%s", args, out)
			}
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--no-such-flag"}, "flag provided but not defined: -no-such-flag"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"help", "frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"version", "--no-such-flag"}, "flag provided but not defined"},
		{[]string{"version", "extra"}, "takes no arguments"},
		{[]string{"--log-level", "loud", "version"}, "--log-level"},
		{[]string{"store"}, "shinsei store check"},
		{[]string{"watch"}, "name one folder"},
		{[]string{"scan"}, "at least one file"},
		{[]string{"worker"}, "name the queue"},
		{[]string{"worker", "--queue", "nats://127.0.0.1:4222", "--tries", "0"}, "--tries must be at least 1"},
		{[]string{"worker", "--queue", "nats://127.0.0.1:4222", "inbox/"}, "no arguments"},
		{[]string{"worker", "--queue", "nats://127.0.0.1:4222", "--inbox", "archive"}, "overlaps archive/"},
		{[]string{"serve", "extra"}, "takes no arguments"},
		{nil, "no command"},
	} {
		_, errOut, code := shinsei(t, nil, c.args...)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2", c.args, code)
		}
		if strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "shinsei: ") || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: stderr %q, want one line mentioning %q", c.args, errOut, c.want)
		}
	}
}

func TestVersion(t *testing.T) {
	out, _, code := shinsei(t, nil, "version")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"shinsei", "go1.", "tesseract 5.", "jpn", "eng", "bundled: jpn_hand"} {
		if !strings.Contains(out, want) {
			t.Errorf("version output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "warning") {
		t.Errorf("version warns: %s", out)
	}
	out, _, _ = shinsei(t, nil, "version", "--json")
	if !strings.HasPrefix(out, `{"shinsei":`) || !strings.Contains(out, `"languages":[`) || !strings.Contains(out, `"bundled_models":["jpn_hand"]`) {
		t.Errorf("version --json = %s", out)
	}
}

func TestStoreCheckLocal(t *testing.T) {
	dir := t.TempDir()
	for i, want := range []string{"check number 1", "check number 2"} {
		out, errOut, code := shinsei(t, nil, "--log-level", "warn", "--store", "file://"+dir, "store", "check")
		if code != 0 {
			t.Fatalf("run %d: exit %d: %s", i+1, code, errOut)
		}
		if !strings.Contains(out, "store: file://"+dir) || !strings.Contains(out, want) || !strings.Contains(out, "the store works.") {
			t.Errorf("run %d output:\n%s", i+1, out)
		}
	}
	// The second run found the write-once probe and was refused a rewrite.
	out, _, _ := shinsei(t, nil, "store", "check", "--store", dir)
	if !strings.Contains(out, "second put was refused") {
		t.Errorf("output:\n%s", out)
	}
}

// With no --store, the default folder under HOME is used.
func TestStoreCheckDefault(t *testing.T) {
	home := t.TempDir()
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	out, errOut, code := shinsei(t, getenv, "store", "check")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "store: file://"+home+"/.local/share/shinsei") {
		t.Errorf("output:\n%s", out)
	}
}

// SHINSEI_STORE names the store, and its credentials come from the
// environment: this is how a city's workers reach MinIO.
func TestStoreCheckS3(t *testing.T) {
	url, s3env := storetest.S3(t, "")
	getenv := func(k string) string {
		if k == "SHINSEI_STORE" {
			return url
		}
		return s3env(k)
	}
	out, errOut, code := shinsei(t, getenv, "store", "check")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "store: s3://shinsei-test-") || !strings.Contains(out, "the store works.") {
		t.Errorf("output:\n%s", out)
	}
}

func TestBadStoreURL(t *testing.T) {
	for _, c := range []struct{ url, want string }{
		{"ftp://host/x", `unknown scheme "ftp"`},
		{"file://relative/x", "absolute path"},
		{"s3://user:secret-pw@bucket", "carries credentials"},
		{"s3://bucket?endpoint=127.0.0.1:9", "no credentials"},
	} {
		_, errOut, code := shinsei(t, nil, "--store", c.url, "store", "check")
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("--store %s: exit %d, stderr %q; want exit 1 mentioning %q", c.url, code, errOut, c.want)
		}
		if strings.Contains(errOut, "secret-pw") {
			t.Errorf("--store %s: error echoes the password: %s", c.url, errOut)
		}
	}
}

// --store takes a folder as a user would give it: absolute, as a file URL,
// or relative to the working directory.
func TestStoreFolders(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, c := range []struct{ store, want string }{
		{dir + "/abs", "file://" + dir + "/abs"},
		{"file://" + dir + "/url", "file://" + dir + "/url"},
		{"archive", "file://" + dir + "/archive"},
		{"./dot", "file://" + dir + "/dot"},
		{"demo-output/proxy-store", "file://" + dir + "/demo-output/proxy-store"},
	} {
		out, errOut, code := shinsei(t, nil, "--log-level", "warn", "--store", c.store, "store", "check")
		if code != 0 || !strings.Contains(out, "store: "+c.want+"\n") {
			t.Errorf("--store %s: exit %d, stderr %q, output:\n%s\nwant store: %s", c.store, code, errOut, out, c.want)
		}
	}
}

// Every global flag works before the command and after it, and a value
// after the command wins over one before it.
func TestGlobalFlagsEitherSide(t *testing.T) {
	dir := t.TempDir()
	global := globalFlagSet()
	tested := map[string]bool{}
	for _, c := range []struct {
		flag  string
		args  []string
		check func(out, errOut string, code int) string
	}{
		{"store", []string{"--store", dir + "/a", "store", "check"}, wantStore(dir + "/a")},
		{"store", []string{"store", "check", "--store", dir + "/b"}, wantStore(dir + "/b")},
		{"store", []string{"--store", dir + "/x", "store", "check", "--store=" + dir + "/c"}, wantStore(dir + "/c")},
		{"log-level", []string{"--log-level", "loud", "store", "check", "--store", dir + "/a"}, wantUsage("--log-level")},
		{"log-level", []string{"store", "check", "--store", dir + "/a", "--log-level", "loud"}, wantUsage("--log-level")},
		{"log-level", []string{"--log-level", "loud", "store", "check", "--log-level", "warn", "--store", dir + "/a"}, wantStore(dir + "/a")},
		{"log-format", []string{"--log-format", "xml", "store", "check", "--store", dir + "/a"}, wantUsage("--log-format")},
		{"log-format", []string{"store", "check", "--store", dir + "/a", "--log-format", "xml"}, wantUsage("--log-format")},
		{"log-format", []string{"--log-format", "xml", "store", "check", "--log-format", "json", "--store", dir + "/a"}, wantJSONLog(dir + "/a")},
		{"log-format", []string{"--log-format", "json", "store", "check", "--store", dir + "/a"}, wantJSONLog(dir + "/a")},
		// --retain-days is refused on a folder wherever it stands: the
		// refusal shows the flag was read, not rejected as unknown.
		{"retain-days", []string{"--retain-days", "3", "--store", dir + "/a", "store", "check"}, wantUsage("a local folder cannot enforce retention")},
		{"retain-days", []string{"--store", dir + "/a", "store", "check", "--retain-days", "3"}, wantUsage("a local folder cannot enforce retention")},
		{"retain-days", []string{"store", "check", "--retain-days=3", "--store", dir + "/a"}, wantUsage("a local folder cannot enforce retention")},
	} {
		tested[c.flag] = true
		out, errOut, code := shinsei(t, nil, c.args...)
		if msg := c.check(out, errOut, code); msg != "" {
			t.Errorf("%q: %s (exit %d, stderr %q)", c.args, msg, code, errOut)
		}
	}
	global.VisitAll(func(f *flag.Flag) {
		if !tested[f.Name] {
			t.Errorf("global flag --%s has no case in this table", f.Name)
		}
	})
}

func wantStore(dir string) func(out, errOut string, code int) string {
	return func(out, _ string, code int) string {
		if code != 0 || !strings.Contains(out, "store: file://"+dir+"\n") {
			return "want the store at " + dir + ", got:\n" + out
		}
		return ""
	}
}

// wantJSONLog: the store check passed and logged it as JSON Lines.
func wantJSONLog(dir string) func(out, errOut string, code int) string {
	return func(out, errOut string, code int) string {
		if msg := wantStore(dir)(out, errOut, code); msg != "" {
			return msg
		}
		var l struct{ Level, Msg, Store string }
		if err := json.Unmarshal([]byte(strings.TrimSpace(errOut)), &l); err != nil || l.Level != "INFO" || l.Msg != "store check passed" || l.Store != "file://"+dir {
			return fmt.Sprintf("want one JSON log line saying the store check passed, got %q (%v)", errOut, err)
		}
		return ""
	}
}

func wantUsage(msg string) func(out, errOut string, code int) string {
	return func(_, errOut string, code int) string {
		if code != 2 || !strings.Contains(errOut, msg) || strings.Contains(errOut, "not defined") {
			return "want a usage error mentioning " + msg
		}
		return ""
	}
}
