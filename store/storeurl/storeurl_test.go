package storeurl_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shinsei/store/storetest"
	"shinsei/store/storeurl"
)

func TestDefault(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HOME": "/home/clerk"}, "file:///home/clerk/.local/share/shinsei"},
		{map[string]string{"HOME": "/home/clerk", "XDG_DATA_HOME": "/data"}, "file:///data/shinsei"},
		{map[string]string{"HOME": "/home/clerk", "XDG_DATA_HOME": "relative"}, "file:///home/clerk/.local/share/shinsei"},
	} {
		got, err := storeurl.Default(func(k string) string { return c.env[k] })
		if err != nil || got != c.want {
			t.Errorf("Default(%v) = %q, %v; want %q", c.env, got, err, c.want)
		}
	}
	if _, err := storeurl.Default(func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "--store") {
		t.Errorf("Default without HOME: err = %v, want advice to use --store", err)
	}
}

func TestOpenLocal(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Chdir(dir)
	for _, c := range []struct{ raw, want string }{
		{"file://" + dir + "/a", dir + "/a"},
		{dir + "/b", dir + "/b"},
		{"file://localhost" + dir + "/c", dir + "/c"},
		// A folder without a scheme is relative to the working directory,
		// as restic -r ./repo or git -C dir take it.
		{"archive", dir + "/archive"},
		{"./d", dir + "/d"},
		{"demo-output/proxy-store", dir + "/demo-output/proxy-store"},
		{"e/../f", dir + "/f"},
		{"g/", dir + "/g"},
	} {
		s, err := storeurl.Open(ctx, c.raw, func(string) string { return "" })
		if err != nil {
			t.Errorf("Open(%q): %v", c.raw, err)
			continue
		}
		if got := s.String(); got != "file://"+c.want {
			t.Errorf("Open(%q) = %s, want file://%s", c.raw, got, c.want)
		}
		if fi, err := os.Stat(c.want); err != nil || !fi.IsDir() {
			t.Errorf("Open(%q) made no folder at %s: %v", c.raw, c.want, err)
		}
	}
	home := t.TempDir()
	s, err := storeurl.Open(ctx, "", func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	})
	if err != nil || s.String() != "file://"+home+"/.local/share/shinsei" {
		t.Errorf("Open(\"\") = %v, %v", s, err)
	}
}

// The error quotes the value as the user typed it, a password excepted.
func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "plain-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ url, want string }{
		{"file://relative/dir", `store "file://relative/dir": a file URL needs an absolute path after three slashes, as in file:///srv/shinsei (or give the folder without file://)`},
		{"file:///srv/x?mode=1", `store "file:///srv/x?mode=1": a file URL takes no parameters`},
		{"gs://bucket", `store "gs://bucket": unknown scheme "gs": use a folder, file:///path/to/folder or s3://bucket/prefix?endpoint=host:port`},
		{"ftp://user:pw-123@host/x", `store "ftp://…@host/x": unknown scheme "ftp": use a folder, file:///path/to/folder or s3://bucket/prefix?endpoint=host:port`},
		{"s3://bucket", "S3 store: no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or MINIO_ROOT_USER and MINIO_ROOT_PASSWORD)"},
		{file + "/sub", "local store: mkdir " + file + ": not a directory"},
	} {
		_, err := storeurl.Open(ctx, c.url, func(string) string { return "" })
		if err == nil || err.Error() != c.want {
			t.Errorf("Open(%q): err = %v\nwant %s", c.url, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "pw-123") {
			t.Errorf("Open(%q): error echoes the password: %v", c.url, err)
		}
	}
}

func TestOpenS3(t *testing.T) {
	raw, getenv := storetest.S3(t, "")
	s, err := storeurl.Open(context.Background(), raw, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.String(), "s3://shinsei-test-") {
		t.Errorf("Open(%q) = %s", raw, s)
	}
}
