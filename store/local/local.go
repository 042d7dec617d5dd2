// Package local is the local-directory backend of store: the default for a
// single scanning station, and the model of what "atomic" means for the S3
// backend.
//
// An object with key "a/b/c.pdf" is the file ROOT/a/b/c.pdf, so staff can
// look at the store with a file manager. Files are never written in place:
// content goes to a temporary file under ROOT/.shinsei/tmp, is synced, and
// then appears under its key in one step — link(2) for write-once objects
// (which fails if the key is taken, so put-if-absent needs no lock) and
// rename(2) for Swap, which holds a per-key file lock (flock) across the
// version check and the rename, so processes sharing the directory cannot
// lose an update. Directories are synced after entries appear in them, so a
// power cut leaves either the whole object or none of it.
//
// The store keeps its own files under ROOT/.shinsei; CheckKey refuses keys
// with dot segments, so no key can reach them or leave ROOT.
package local

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"shinsei/store"
)

const (
	metaDir  = ".shinsei"
	fileMode = 0o640 // the archive holds personal data: no world read
	dirMode  = 0o750
	// lockShards bounds the number of lock files; two keys sharing a shard
	// only wait for each other briefly.
	lockShards = 256
	// staleTemp is how old a temporary file must be before Open removes it:
	// long enough that it cannot belong to a write still in progress.
	staleTemp = 24 * time.Hour
)

// Store is a store.Store on a local directory.
type Store struct {
	root string
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the store rooted at the absolute path root,
// and removes temporary files left by writes that crashed long ago.
func Open(root string) (*Store, error) {
	if !filepath.IsAbs(root) {
		return nil, fmt.Errorf("local store: path %q is not absolute", root)
	}
	root = filepath.Clean(root)
	s := &Store{root: root}
	for _, d := range []string{root, s.tmpDir(), s.lockDir()} {
		if err := os.MkdirAll(d, dirMode); err != nil {
			return nil, fmt.Errorf("local store: %w", err)
		}
	}
	s.removeStaleTemp()
	return s, nil
}

func (s *Store) String() string  { return "file://" + filepath.ToSlash(s.root) }
func (s *Store) Close() error    { return nil }
func (s *Store) tmpDir() string  { return filepath.Join(s.root, metaDir, "tmp") }
func (s *Store) lockDir() string { return filepath.Join(s.root, metaDir, "locks") }

func (s *Store) path(key string) (string, error) {
	if err := store.CheckKey(key); err != nil {
		return "", err
	}
	return filepath.Join(s.root, filepath.FromSlash(key)), nil
}

// Put writes a write-once object: temp file, fsync, link into place (fails
// with EEXIST if the key is taken), fsync the directory.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64) (store.Info, error) {
	p, err := s.path(key)
	if err != nil {
		return store.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return store.Info{}, err
	}
	if _, err := os.Lstat(p); err == nil {
		return store.Info{}, fmt.Errorf("put %s: %w", key, store.ErrExist)
	}
	tmp, n, version, err := s.writeTemp(ctx, r)
	if err != nil {
		return store.Info{}, fmt.Errorf("put %s: %w", key, err)
	}
	defer os.Remove(tmp)
	if size >= 0 && n != size {
		return store.Info{}, fmt.Errorf("put %s: read %d bytes, expected %d", key, n, size)
	}
	if err := s.mkdirs(filepath.Dir(p)); err != nil {
		return store.Info{}, fmt.Errorf("put %s: %w", key, err)
	}
	if err := os.Link(tmp, p); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return store.Info{}, fmt.Errorf("put %s: %w", key, store.ErrExist)
		}
		return store.Info{}, fmt.Errorf("put %s: %w", key, err)
	}
	if err := syncDir(filepath.Dir(p)); err != nil {
		return store.Info{}, fmt.Errorf("put %s: %w", key, err)
	}
	return s.info(key, p, version)
}

// writeTemp copies r into a new synced temporary file and returns its path,
// length and content version. On error nothing is left behind.
func (s *Store) writeTemp(ctx context.Context, r io.Reader) (path string, n int64, version string, err error) {
	f, err := os.CreateTemp(s.tmpDir(), "put-*")
	if err != nil {
		return "", 0, "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	h := sha256.New()
	n, err = io.Copy(io.MultiWriter(f, h), ctxReader{ctx, r})
	if err != nil {
		return "", 0, "", err
	}
	if err = f.Chmod(fileMode); err != nil {
		return "", 0, "", err
	}
	if err = f.Sync(); err != nil {
		return "", 0, "", err
	}
	if err = f.Close(); err != nil {
		return "", 0, "", err
	}
	return f.Name(), n, versionOf(h), nil
}

func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, mapErr(err))
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("get %s: %w", key, store.ErrNotExist)
	}
	return f, nil
}

func (s *Store) Stat(ctx context.Context, key string) (store.Info, error) {
	p, err := s.path(key)
	if err != nil {
		return store.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return store.Info{}, err
	}
	return s.info(key, p, "")
}

func (s *Store) info(key, p, version string) (store.Info, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return store.Info{}, fmt.Errorf("stat %s: %w", key, mapErr(err))
	}
	if !fi.Mode().IsRegular() {
		return store.Info{}, fmt.Errorf("stat %s: %w", key, store.ErrNotExist)
	}
	return store.Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime(), Version: version}, nil
}

// List walks the directory tree in an order that equals the byte order of
// the keys: within a directory, a subdirectory "a" sorts as "a/", since
// every key below it continues with a slash.
func (s *Store) List(ctx context.Context, prefix string) iter.Seq2[store.Info, error] {
	return func(yield func(store.Info, error) bool) {
		if err := store.CheckPrefix(prefix); err != nil {
			yield(store.Info{}, err)
			return
		}
		// Start at the deepest directory the prefix names in full.
		dirKey, _ := splitLast(prefix)
		s.walk(ctx, dirKey, prefix, yield)
	}
}

// walk lists directory dirKey ("" for the root) and reports whether to go on.
func (s *Store) walk(ctx context.Context, dirKey, prefix string, yield func(store.Info, error) bool) bool {
	if err := ctx.Err(); err != nil {
		return yield(store.Info{}, err)
	}
	dir := filepath.Join(s.root, filepath.FromSlash(dirKey))
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return true
		}
		return yield(store.Info{}, fmt.Errorf("list %s: %w", prefix, err))
	}
	type entry struct {
		key   string
		sort  string
		isDir bool
	}
	var list []entry
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		key := name
		if dirKey != "" {
			key = dirKey + "/" + name
		}
		isDir := e.IsDir()
		sortKey := key
		if isDir {
			sortKey += "/"
		}
		// Keep a directory if the prefix continues into it or it lies below
		// the prefix; keep a file if it starts with the prefix.
		if isDir {
			if !strings.HasPrefix(sortKey, prefix) && !strings.HasPrefix(prefix, sortKey) {
				continue
			}
		} else if !e.Type().IsRegular() || !strings.HasPrefix(key, prefix) {
			continue
		}
		list = append(list, entry{key, sortKey, isDir})
	}
	slices.SortFunc(list, func(a, b entry) int { return strings.Compare(a.sort, b.sort) })
	for _, e := range list {
		if e.isDir {
			if !s.walk(ctx, e.key, prefix, yield) {
				return false
			}
			continue
		}
		info, err := s.info(e.key, filepath.Join(s.root, filepath.FromSlash(e.key)), "")
		if errors.Is(err, store.ErrNotExist) {
			continue // removed by hand while listing
		}
		if !yield(info, err) {
			return false
		}
	}
	return true
}

func (s *Store) Load(ctx context.Context, key string) ([]byte, store.Info, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, store.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, store.Info{}, err
	}
	data, info, err := s.load(key, p)
	if err != nil {
		return nil, store.Info{}, fmt.Errorf("load %s: %w", key, err)
	}
	return data, info, nil
}

// load reads one open file whole, so the version is that of the bytes
// returned even if a Swap renames a new file into place meanwhile.
func (s *Store) load(key, p string) ([]byte, store.Info, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, store.Info{}, mapErr(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, store.Info{}, err
	}
	if !fi.Mode().IsRegular() {
		return nil, store.Info{}, store.ErrNotExist
	}
	data, err := store.ReadAllLimit(f, store.MaxMutableSize)
	if err != nil {
		return nil, store.Info{}, err
	}
	h := sha256.New()
	h.Write(data)
	return data, store.Info{Key: key, Size: int64(len(data)), ModTime: fi.ModTime(), Version: versionOf(h)}, nil
}

func (s *Store) Swap(ctx context.Context, key, old string, data []byte) (store.Info, error) {
	p, err := s.path(key)
	if err != nil {
		return store.Info{}, err
	}
	if len(data) > store.MaxMutableSize {
		return store.Info{}, fmt.Errorf("swap %s: %w", key, store.ErrTooLarge)
	}
	if err := ctx.Err(); err != nil {
		return store.Info{}, err
	}
	if old == "" {
		// Creating is a put-if-absent; link(2) makes it atomic without a lock.
		info, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return store.Info{}, fmt.Errorf("swap: %w", err)
		}
		return info, nil
	}

	unlock, err := s.lock(ctx, key)
	if err != nil {
		return store.Info{}, fmt.Errorf("swap %s: %w", key, err)
	}
	defer unlock()

	_, cur, err := s.load(key, p)
	if err != nil {
		return store.Info{}, fmt.Errorf("swap %s: %w", key, err)
	}
	if cur.Version != old {
		return store.Info{}, fmt.Errorf("swap %s: %w", key, store.ErrConflict)
	}
	tmp, _, version, err := s.writeTemp(ctx, bytes.NewReader(data))
	if err != nil {
		return store.Info{}, fmt.Errorf("swap %s: %w", key, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return store.Info{}, fmt.Errorf("swap %s: %w", key, err)
	}
	if err := syncDir(filepath.Dir(p)); err != nil {
		return store.Info{}, fmt.Errorf("swap %s: %w", key, err)
	}
	return s.info(key, p, version)
}

// lock takes the exclusive flock of the key's shard. flock locks belong to
// the open file, so goroutines of one process exclude each other as well as
// other processes do. The wait polls so that ctx can end it.
func (s *Store) lock(ctx context.Context, key string) (unlock func(), err error) {
	sum := sha256.Sum256([]byte(key))
	name := filepath.Join(s.lockDir(), fmt.Sprintf("%02x", int(sum[0])%lockShards))
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return nil, err
	}
	delay := time.Millisecond
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock: %w", err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 50*time.Millisecond)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// mkdirs creates dir and its missing parents below the root, syncing each
// parent after a new entry appears in it.
func (s *Store) mkdirs(dir string) error {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return nil
	}
	rel, err := filepath.Rel(s.root, dir)
	if err != nil {
		return err
	}
	cur := s.root
	for seg := range strings.SplitSeq(rel, string(filepath.Separator)) {
		next := filepath.Join(cur, seg)
		err := os.Mkdir(next, dirMode)
		switch {
		case err == nil:
			if err := syncDir(cur); err != nil {
				return err
			}
		case errors.Is(err, fs.ErrExist):
			if fi, serr := os.Stat(next); serr != nil || !fi.IsDir() {
				return fmt.Errorf("%w: %s is an object, not a folder", store.ErrInvalidKey, filepath.ToSlash(strings.TrimPrefix(next, s.root+string(filepath.Separator))))
			}
		default:
			return err
		}
		cur = next
	}
	return nil
}

func (s *Store) removeStaleTemp() {
	entries, err := os.ReadDir(s.tmpDir())
	if err != nil {
		return
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleTemp {
			os.Remove(filepath.Join(s.tmpDir(), e.Name()))
		}
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

func mapErr(err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) {
		return store.ErrNotExist
	}
	return err
}

func versionOf(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)[:16]) }

func splitLast(prefix string) (dir, rest string) {
	i := strings.LastIndexByte(prefix, '/')
	if i < 0 {
		return "", prefix
	}
	return prefix[:i], prefix[i+1:]
}

// ctxReader ends a long copy when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
