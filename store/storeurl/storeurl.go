// Package storeurl opens a store from the URL given with --store or
// SHINSEI_STORE, so that commands and tests name stores the same way.
package storeurl

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"shinsei/store"
	"shinsei/store/local"
	"shinsei/store/s3"
)

// Default is the local directory used when no store is named:
// $XDG_DATA_HOME/shinsei, else $HOME/.local/share/shinsei.
func Default(getenv func(string) string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return "file://" + filepath.Join(d, "shinsei"), nil
	}
	if h := getenv("HOME"); filepath.IsAbs(h) {
		return "file://" + filepath.Join(h, ".local", "share", "shinsei"), nil
	}
	return "", fmt.Errorf("no store given and no HOME to put the default one in: use --store file:///path/to/folder")
}

// Open opens the store a URL names:
//
//	file:///abs/path, /abs/path    a local directory (created if missing)
//	rel/path, ./rel, archive       a local directory relative to the working
//	                               directory, as restic -r ./repo would take it
//	s3://bucket/prefix?endpoint=host:port&secure=false
//	                               an S3 bucket (see s3.ParseURL)
//
// An empty URL means Default. Errors quote raw as given, with only a
// password hidden.
func Open(ctx context.Context, raw string, getenv func(string) string) (store.Store, error) {
	if raw == "" {
		d, err := Default(getenv)
		if err != nil {
			return nil, err
		}
		raw = d
	}
	shown := redact(raw)
	scheme, _, ok := strings.Cut(raw, "://")
	if !ok {
		// No scheme: a folder, absolute or relative to where shinsei runs.
		dir, err := filepath.Abs(raw)
		if err != nil {
			return nil, fmt.Errorf("store %q: cannot resolve the folder against the working directory: %w", shown, err)
		}
		return local.Open(dir)
	}
	switch scheme {
	case "file":
		u, err := url.Parse(raw)
		if err != nil { // its message would echo the URL unredacted
			return nil, fmt.Errorf("store %q: not a valid URL", shown)
		}
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("store %q: a file URL needs an absolute path after three slashes, as in file:///srv/shinsei (or give the folder without file://)", shown)
		}
		if u.RawQuery != "" {
			return nil, fmt.Errorf("store %q: a file URL takes no parameters", shown)
		}
		if u.Path == "" || !filepath.IsAbs(u.Path) {
			return nil, fmt.Errorf("store %q: a file URL needs an absolute path, as in file:///srv/shinsei (or give the folder without file://)", shown)
		}
		return local.Open(u.Path)
	case "s3":
		cfg, err := s3.ParseURL(raw, getenv)
		if err != nil {
			return nil, err
		}
		return s3.Open(ctx, cfg)
	default:
		return nil, fmt.Errorf("store %q: unknown scheme %q: use a folder, file:///path/to/folder or s3://bucket/prefix?endpoint=host:port", shown, scheme)
	}
}

// redact returns raw as given, except that a user and password between
// "://" and "@" become "…", so a password pasted into a URL is not echoed.
// Text without "://" is returned unchanged.
func redact(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	if at := strings.IndexByte(rest, '@'); at >= 0 && !strings.Contains(rest[:at], "/") {
		rest = "…@" + rest[at+1:]
	}
	return scheme + "://" + rest
}
