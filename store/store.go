// Package store is shinsei's object storage: one small interface with a
// local-directory backend (store/local, the default) and an S3 backend
// (store/s3, for MinIO clusters), both held to one conformance suite
// (store/storetest).
//
// Two kinds of object share one key space:
//
//   - write-once objects (scans, redacted pages, records, audit entries),
//     written with Put, which never replaces an existing object;
//   - small mutable objects (proxy cases, claims on inbox files), read with
//     Load and replaced with Swap, a compare-and-swap on the version Load
//     returned, so two workers can never both move a case on.
//
// Keys are slash-separated paths of UTF-8 segments. They are shinsei's own
// names, never user input taken as is, and CheckKey refuses anything that could
// escape a directory or mean different things on different backends.
package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Errors every backend returns (wrapped) so callers can use errors.Is.
var (
	// ErrNotExist: no object under that key.
	ErrNotExist = errors.New("object does not exist")
	// ErrExist: Put or a creating Swap found the key already taken.
	ErrExist = errors.New("object already exists")
	// ErrConflict: Swap found a version other than the one it was given;
	// someone else changed the object since it was loaded.
	ErrConflict = errors.New("object was changed by someone else")
	// ErrInvalidKey: the key is not one this package accepts (see CheckKey).
	ErrInvalidKey = errors.New("invalid object key")
	// ErrTooLarge: Load was asked for an object bigger than MaxMutableSize.
	ErrTooLarge = errors.New("object too large for Load")
)

// MaxKeyLen is S3's limit on key length in bytes; the prefix of an S3 store
// counts against it too.
const MaxKeyLen = 1024

// MaxMutableSize bounds what Load reads into memory and Swap writes. Mutable
// objects are case files and claims, a few kilobytes each.
const MaxMutableSize = 4 << 20

// Info describes a stored object.
type Info struct {
	Key     string
	Size    int64
	ModTime time.Time
	// Version identifies the content: an ETag on S3, a content hash on disk.
	// Put, Load and Swap always set it; Stat and List set it where the
	// backend knows it without reading the object (S3), and leave it empty
	// where that would cost a read (local).
	Version string
}

// Store is implemented by every backend. All methods are safe for concurrent
// use, also from several processes (or machines, on S3) sharing one store.
type Store interface {
	// Put stores a new write-once object of size bytes (-1 if unknown) read
	// from r. It returns ErrExist, and leaves the object alone, if the key is
	// taken. Either the whole object is stored or none of it. Where the
	// backend enforces retention (S3 object lock), Put applies it.
	Put(ctx context.Context, key string, r io.Reader, size int64) (Info, error)

	// Get opens an object for reading; the caller closes it.
	Get(ctx context.Context, key string) (io.ReadCloser, error)

	// Stat describes an object without reading it.
	Stat(ctx context.Context, key string) (Info, error)

	// List yields every object whose key starts with prefix (a plain string
	// prefix, not only whole segments), in byte order of the keys. Stop
	// early by breaking out of the loop.
	List(ctx context.Context, prefix string) iter.Seq2[Info, error]

	// Load reads a mutable object whole, with the version to give Swap.
	Load(ctx context.Context, key string) ([]byte, Info, error)

	// Swap replaces the object at key if its version is still old, and
	// returns ErrConflict if it is not, ErrNotExist if it is gone. With old
	// == "" Swap creates the object and returns ErrExist if the key is
	// taken. Swap applies no retention: mutable objects are not records.
	Swap(ctx context.Context, key, old string, data []byte) (Info, error)

	// String names the store for logs and messages, without credentials.
	String() string

	// Close releases what the store holds.
	Close() error
}

// CheckKey returns an error wrapping ErrInvalidKey unless key is a relative,
// slash-separated path of non-empty UTF-8 segments, none starting with a dot
// (so no "." or "..", and no hidden files that a backend keeps for itself),
// with no control characters or backslashes, at most MaxKeyLen bytes.
func CheckKey(key string) error {
	bad := func(why string) error {
		return fmt.Errorf("%w %q: %s", ErrInvalidKey, key, why)
	}
	switch {
	case key == "":
		return fmt.Errorf("%w: empty key", ErrInvalidKey)
	case len(key) > MaxKeyLen:
		return bad(fmt.Sprintf("longer than %d bytes", MaxKeyLen))
	case !utf8.ValidString(key):
		return bad("not valid UTF-8")
	}
	for _, r := range key {
		if unicode.IsControl(r) || r == '\\' || r == utf8.RuneError {
			return bad("contains a control character or backslash")
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" {
			return bad("empty path segment (leading, trailing or double slash)")
		}
		if seg[0] == '.' {
			return bad("path segment starts with a dot")
		}
	}
	return nil
}

// CheckPrefix is CheckKey for List prefixes, which may be empty and may end
// with a slash or in the middle of a segment.
func CheckPrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	p := strings.TrimSuffix(prefix, "/")
	if p == "" {
		return fmt.Errorf("%w: prefix %q", ErrInvalidKey, prefix)
	}
	if err := CheckKey(p); err != nil {
		return fmt.Errorf("prefix: %w", err)
	}
	return nil
}

// ReadAllLimit reads r whole, failing with ErrTooLarge past limit bytes.
func ReadAllLimit(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return data, nil
}
