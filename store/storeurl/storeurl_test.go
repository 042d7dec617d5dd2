package storeurl_test

import (
	"context"
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
	for _, raw := range []string{"file://" + dir + "/a", dir + "/b", "file://localhost" + dir + "/c"} {
		s, err := storeurl.Open(ctx, raw, func(string) string { return "" })
		if err != nil {
			t.Errorf("Open(%q): %v", raw, err)
			continue
		}
		if !strings.HasPrefix(s.String(), "file://"+dir+"/") {
			t.Errorf("Open(%q) = %s", raw, s)
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

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct{ url, want string }{
		{"relative/dir", "not a URL"},
		{"file://relative/dir", "three slashes"},
		{"file:///srv/x?mode=1", "no parameters"},
		{"gs://bucket", `unknown scheme "gs"`},
		{"ftp://user:pw-123@host/x", `unknown scheme "ftp"`},
		{"s3://bucket", "no credentials"},
	} {
		_, err := storeurl.Open(ctx, c.url, func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%q): err = %v, want one mentioning %q", c.url, err, c.want)
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
