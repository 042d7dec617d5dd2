// Package storetest is the conformance suite every store backend runs, so
// that code written against the local store behaves the same on MinIO.
package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"shinsei/store"
)

// Options tune the suite to a backend's speed.
type Options struct {
	// ManyKeys is the number of keys in the listing test; S3 pages lists at
	// 1000 keys, so anything above that exercises paging.
	ManyKeys int
}

// Run runs the suite against s. Each subtest works under its own prefix, so s
// may be shared with other tests and need not be empty.
func Run(t *testing.T, s store.Store, opts Options) {
	if opts.ManyKeys == 0 {
		opts.ManyKeys = 2500
	}
	base := fmt.Sprintf("conformance-%d-%d/", time.Now().UnixNano(), rand.Int64())
	sub := func(name string, fn func(t *testing.T, ctx context.Context, p string)) {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			fn(t, ctx, base+name+"/")
		})
	}
	sub("PutGetStat", func(t *testing.T, ctx context.Context, p string) { testPutGetStat(t, ctx, s, p) })
	sub("PutIfAbsent", func(t *testing.T, ctx context.Context, p string) { testPutIfAbsent(t, ctx, s, p) })
	sub("NotExist", func(t *testing.T, ctx context.Context, p string) { testNotExist(t, ctx, s, p) })
	sub("InvalidKeys", func(t *testing.T, ctx context.Context, p string) { testInvalidKeys(t, ctx, s) })
	sub("FailedPutLeavesNothing", func(t *testing.T, ctx context.Context, p string) { testFailedPut(t, ctx, s, p) })
	sub("List", func(t *testing.T, ctx context.Context, p string) { testList(t, ctx, s, p) })
	sub("ListMany", func(t *testing.T, ctx context.Context, p string) { testListMany(t, ctx, s, p, opts.ManyKeys) })
	sub("Japanese", func(t *testing.T, ctx context.Context, p string) { testJapanese(t, ctx, s, p) })
	sub("Large", func(t *testing.T, ctx context.Context, p string) { testLarge(t, ctx, s, p) })
	sub("LoadSwap", func(t *testing.T, ctx context.Context, p string) { testLoadSwap(t, ctx, s, p) })
	sub("ConcurrentPut", func(t *testing.T, ctx context.Context, p string) { testConcurrentPut(t, ctx, s, p) })
	sub("ConcurrentLargePut", func(t *testing.T, ctx context.Context, p string) { testConcurrentLargePut(t, ctx, s, p) })
	sub("ConcurrentSwap", func(t *testing.T, ctx context.Context, p string) { testConcurrentSwap(t, ctx, s, p) })
	sub("Cancelled", func(t *testing.T, ctx context.Context, p string) { testCancelled(t, s, p) })
}

func put(t *testing.T, ctx context.Context, s store.Store, key string, data []byte) store.Info {
	t.Helper()
	info, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return info
}

func get(t *testing.T, ctx context.Context, s store.Store, key string) []byte {
	t.Helper()
	rc, err := s.Get(ctx, key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading %q: %v", key, err)
	}
	return data
}

func testPutGetStat(t *testing.T, ctx context.Context, s store.Store, p string) {
	key := p + "doc/page-1.json"
	data := []byte(`{"status":"accepted"}`)
	before := time.Now().Add(-time.Minute)
	info := put(t, ctx, s, key, data)
	if info.Key != key || info.Size != int64(len(data)) || info.Version == "" {
		t.Errorf("Put returned %+v, want key %q, size %d and a version", info, key, len(data))
	}
	if got := get(t, ctx, s, key); !bytes.Equal(got, data) {
		t.Errorf("Get = %q, want %q", got, data)
	}
	st, err := s.Stat(ctx, key)
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	if st.Key != key || st.Size != int64(len(data)) {
		t.Errorf("Stat = %+v, want key %q size %d", st, key, len(data))
	}
	if st.ModTime.Before(before) || st.ModTime.After(time.Now().Add(time.Minute)) {
		t.Errorf("Stat ModTime %v is not about now", st.ModTime)
	}
	// An empty object is an object.
	put(t, ctx, s, p+"empty", nil)
	if got := get(t, ctx, s, p+"empty"); len(got) != 0 {
		t.Errorf("empty object read back as %d bytes", len(got))
	}
	// Unknown size is allowed.
	if _, err := s.Put(ctx, p+"unsized", strings.NewReader("abc"), -1); err != nil {
		t.Fatalf("Put with size -1: %v", err)
	}
	if got := get(t, ctx, s, p+"unsized"); string(got) != "abc" {
		t.Errorf("unsized object = %q", got)
	}
}

func testPutIfAbsent(t *testing.T, ctx context.Context, s store.Store, p string) {
	key := p + "once"
	put(t, ctx, s, key, []byte("first"))
	_, err := s.Put(ctx, key, strings.NewReader("second"), 6)
	if !errors.Is(err, store.ErrExist) {
		t.Fatalf("second Put: err = %v, want ErrExist", err)
	}
	if got := get(t, ctx, s, key); string(got) != "first" {
		t.Errorf("after refused Put, object = %q, want %q", got, "first")
	}
}

func testNotExist(t *testing.T, ctx context.Context, s store.Store, p string) {
	key := p + "missing"
	if _, err := s.Get(ctx, key); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("Get: err = %v, want ErrNotExist", err)
	}
	if _, err := s.Stat(ctx, key); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("Stat: err = %v, want ErrNotExist", err)
	}
	if _, _, err := s.Load(ctx, key); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("Load: err = %v, want ErrNotExist", err)
	}
	if _, err := s.Swap(ctx, key, "some-version", []byte("x")); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("Swap: err = %v, want ErrNotExist", err)
	}
	if _, err := s.Stat(ctx, key); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("a failed Swap created the object: Stat err = %v", err)
	}
	// A key that is a prefix of existing keys is not itself an object.
	put(t, ctx, s, p+"dir/file", []byte("x"))
	if _, err := s.Stat(ctx, p+"dir"); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("Stat of a folder-like prefix: err = %v, want ErrNotExist", err)
	}
	if _, err := s.Get(ctx, p+"dir"); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("Get of a folder-like prefix: err = %v, want ErrNotExist", err)
	}
}

func testInvalidKeys(t *testing.T, ctx context.Context, s store.Store) {
	for _, key := range []string{
		"", "/etc/passwd", "../outside", "a/../../outside", "a/./b", "a//b", "a/b/",
		".shinsei/locks/00", "a/.hidden", "nul\x00byte", "new\nline", `back\slash`,
		"bad-utf8-\xff", strings.Repeat("k", store.MaxKeyLen+1),
	} {
		if _, err := s.Put(ctx, key, strings.NewReader("x"), 1); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("Put(%q): err = %v, want ErrInvalidKey", key, err)
		}
		if _, err := s.Get(ctx, key); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("Get(%q): err = %v, want ErrInvalidKey", key, err)
		}
		if _, err := s.Stat(ctx, key); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("Stat(%q): err = %v, want ErrInvalidKey", key, err)
		}
		if _, _, err := s.Load(ctx, key); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("Load(%q): err = %v, want ErrInvalidKey", key, err)
		}
		if _, err := s.Swap(ctx, key, "", []byte("x")); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("Swap(%q): err = %v, want ErrInvalidKey", key, err)
		}
	}
	for _, prefix := range []string{"../", "/abs", "a/../", "a//"} {
		var err error
		for _, e := range s.List(ctx, prefix) {
			err = e
			break
		}
		if !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("List(%q): err = %v, want ErrInvalidKey", prefix, err)
		}
	}
}

// failingReader delivers some bytes, then fails, like a scanner's network
// share that drops mid-copy.
type failingReader struct{ n int }

var errReader = errors.New("reader failed on purpose")

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errReader
	}
	n := min(len(p), f.n)
	clear(p[:n])
	f.n -= n
	return n, nil
}

func testFailedPut(t *testing.T, ctx context.Context, s store.Store, p string) {
	key := p + "partial"
	if _, err := s.Put(ctx, key, &failingReader{n: 1000}, 5000); err == nil {
		t.Fatal("Put from a failing reader succeeded")
	}
	if _, err := s.Stat(ctx, key); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("a failed Put left an object behind: Stat err = %v", err)
	}
	// And the key is still free.
	put(t, ctx, s, key, []byte("whole"))
}

func listKeys(t *testing.T, ctx context.Context, s store.Store, prefix string) []string {
	t.Helper()
	var keys []string
	for info, err := range s.List(ctx, prefix) {
		if err != nil {
			t.Fatalf("List(%q): %v", prefix, err)
		}
		keys = append(keys, info.Key)
	}
	return keys
}

func testList(t *testing.T, ctx context.Context, s store.Store, p string) {
	// Chosen so that byte order and path-walk order differ: "a-b" < "a/x"
	// < "a0" in bytes, though a walk of folder "a" would put a/x first or last.
	keys := []string{"a/x", "a/y/z", "a-b", "a0", "ab", "b", "a/y0"}
	for _, k := range keys {
		put(t, ctx, s, p+k, []byte(k))
	}
	all := listKeys(t, ctx, s, p)
	want := make([]string, len(keys))
	for i, k := range keys {
		want[i] = p + k
	}
	slices.Sort(want)
	if !slices.Equal(all, want) {
		t.Errorf("List(%q) = %q, want %q", p, all, want)
	}
	for _, c := range []struct {
		prefix string
		want   []string
	}{
		{"a/", []string{"a/x", "a/y/z", "a/y0"}},
		{"a/y", []string{"a/y/z", "a/y0"}},
		{"a", []string{"a-b", "a/x", "a/y/z", "a/y0", "a0", "ab"}},
		{"a/y/", []string{"a/y/z"}},
		{"c", nil},
		{"a/x", []string{"a/x"}},
	} {
		var want []string
		for _, k := range c.want {
			want = append(want, p+k)
		}
		if got := listKeys(t, ctx, s, p+c.prefix); !slices.Equal(got, want) {
			t.Errorf("List(%q) = %q, want %q", p+c.prefix, got, want)
		}
	}
	for info, err := range s.List(ctx, p+"a/x") {
		if err != nil || info.Size != 3 {
			t.Errorf("List info = %+v, %v; want size 3", info, err)
		}
	}
	// Breaking out early is allowed and stops the listing.
	n := 0
	for _, err := range s.List(ctx, p) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("early break: saw %d entries", n)
	}
}

func testListMany(t *testing.T, ctx context.Context, s store.Store, p string, n int) {
	var want []string
	for i := range n {
		// Spread over folders so the local backend walks many of them.
		want = append(want, fmt.Sprintf("%s%02d/%05d", p, i%37, i))
	}
	parallel(t, 16, len(want), func(i int) error {
		_, err := s.Put(ctx, want[i], strings.NewReader(strconv.Itoa(i)), -1)
		return err
	})
	slices.Sort(want)
	got := listKeys(t, ctx, s, p)
	if !slices.Equal(got, want) {
		t.Errorf("List of %d keys returned %d, first differences: %v", len(want), len(got), firstDiff(got, want))
	}
}

func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("at %d got %q want %q", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(got), len(want))
}

func parallel(t *testing.T, workers, n int, fn func(i int) error) {
	t.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func testJapanese(t *testing.T, ctx context.Context, s store.Store, p string) {
	keys := []string{
		"受付/2026-11-26/申請書-山田太郎.pdf",
		"受付/2026-11-26/照会書兼回答書 ヤマダ ハナコ.json",
		"受付/令和8年/ﾊﾝｶｸ-カタカナ.txt", // half- and full-width kana stay distinct
		"受付/令和8年/ハンカク-カタカナ.txt",
	}
	for i, k := range keys {
		put(t, ctx, s, p+k, []byte(strconv.Itoa(i)))
	}
	for i, k := range keys {
		if got := get(t, ctx, s, p+k); string(got) != strconv.Itoa(i) {
			t.Errorf("Get(%q) = %q, want %q", k, got, strconv.Itoa(i))
		}
	}
	got := listKeys(t, ctx, s, p+"受付/令和8年/")
	want := []string{p + "受付/令和8年/ハンカク-カタカナ.txt", p + "受付/令和8年/ﾊﾝｶｸ-カタカナ.txt"}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("List(受付/令和8年/) = %q, want %q", got, want)
	}
	if got := listKeys(t, ctx, s, p+"受付/2026-11-26/申"); len(got) != 1 {
		t.Errorf("List by a Japanese partial prefix = %q, want one key", got)
	}
}

func testLarge(t *testing.T, ctx context.Context, s store.Store, p string) {
	// Past 16 MiB, the S3 backend uploads in parts.
	const size = 17<<20 + 12345
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	for _, sz := range []int64{size, -1} {
		key := fmt.Sprintf("%sbig-%d", p, sz)
		info, err := s.Put(ctx, key, bytes.NewReader(data), sz)
		if err != nil {
			t.Fatalf("Put of %d bytes (size %d): %v", size, sz, err)
		}
		if info.Size != size {
			t.Errorf("Put info size %d, want %d", info.Size, size)
		}
		rc, err := s.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		n, err := io.Copy(h, rc)
		rc.Close()
		if err != nil || n != size || !bytes.Equal(h.Sum(nil), sha(data)) {
			t.Errorf("read back %d bytes, err %v, hash match %v", n, err, bytes.Equal(h.Sum(nil), sha(data)))
		}
		if _, err := s.Put(ctx, key, bytes.NewReader(data), sz); !errors.Is(err, store.ErrExist) {
			t.Errorf("second large Put (size %d): err = %v, want ErrExist", sz, err)
		}
	}
}

func sha(b []byte) []byte { h := sha256.Sum256(b); return h[:] }

func testLoadSwap(t *testing.T, ctx context.Context, s store.Store, p string) {
	key := p + "case.json"
	v1, err := s.Swap(ctx, key, "", []byte(`{"status":"pending"}`))
	if err != nil {
		t.Fatalf("creating Swap: %v", err)
	}
	if v1.Version == "" {
		t.Fatal("creating Swap returned no version")
	}
	if _, err := s.Swap(ctx, key, "", []byte(`{}`)); !errors.Is(err, store.ErrExist) {
		t.Errorf("second creating Swap: err = %v, want ErrExist", err)
	}
	data, info, err := s.Load(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"status":"pending"}` || info.Version != v1.Version {
		t.Errorf("Load = %q version %q, want the created object, version %q", data, info.Version, v1.Version)
	}
	v2, err := s.Swap(ctx, key, info.Version, []byte(`{"status":"answered"}`))
	if err != nil {
		t.Fatalf("Swap with current version: %v", err)
	}
	if v2.Version == v1.Version {
		t.Errorf("Swap to different content kept version %q", v2.Version)
	}
	// The old version is stale now.
	if _, err := s.Swap(ctx, key, v1.Version, []byte(`{"status":"cancelled"}`)); !errors.Is(err, store.ErrConflict) {
		t.Errorf("Swap with a stale version: err = %v, want ErrConflict", err)
	}
	if _, err := s.Swap(ctx, key, "not-a-version", []byte(`{}`)); !errors.Is(err, store.ErrConflict) {
		t.Errorf("Swap with a made-up version: err = %v, want ErrConflict", err)
	}
	data, info, err = s.Load(ctx, key)
	if err != nil || string(data) != `{"status":"answered"}` || info.Version != v2.Version {
		t.Errorf("after Swap: Load = %q, %q, %v; want answered at version %q", data, info.Version, err, v2.Version)
	}
	// Write-once objects can be loaded too.
	put(t, ctx, s, p+"record.json", []byte("r"))
	if d, _, err := s.Load(ctx, p+"record.json"); err != nil || string(d) != "r" {
		t.Errorf("Load of a Put object = %q, %v", d, err)
	}
	if _, err := s.Swap(ctx, key, v2.Version, make([]byte, store.MaxMutableSize+1)); !errors.Is(err, store.ErrTooLarge) {
		t.Errorf("Swap of an oversized object: err = %v, want ErrTooLarge", err)
	}
}

func testConcurrentPut(t *testing.T, ctx context.Context, s store.Store, p string) {
	const n = 8
	for round := range 3 {
		key := fmt.Sprintf("%sclaim-%d", p, round)
		var wins atomic.Int32
		var winner atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				<-start
				_, err := s.Put(ctx, key, strings.NewReader(strconv.Itoa(i)), -1)
				if err == nil {
					wins.Add(1)
					winner.Store(int32(i))
				} else if !errors.Is(err, store.ErrExist) {
					errs[i] = err
				}
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d, goroutine %d: %v", round, i, err)
			}
		}
		if wins.Load() != 1 {
			t.Fatalf("round %d: %d of %d concurrent Puts won, want exactly 1", round, wins.Load(), n)
		}
		if got := get(t, ctx, s, key); string(got) != strconv.Itoa(int(winner.Load())) {
			t.Errorf("round %d: stored %q, but goroutine %d won", round, got, winner.Load())
		}
	}
}

// Large objects go up in parts on S3, where the server does not check
// If-None-Match atomically; the backend must still let exactly one through.
func testConcurrentLargePut(t *testing.T, ctx context.Context, s store.Store, p string) {
	const n = 4
	const size = 17 << 20
	key := p + "large-claim"
	var wins atomic.Int32
	var winner atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			data := bytes.Repeat([]byte{byte('a' + i)}, size)
			sz := int64(size)
			if i%2 == 1 {
				sz = -1
			}
			<-start
			_, err := s.Put(ctx, key, bytes.NewReader(data), sz)
			if err == nil {
				wins.Add(1)
				winner.Store(int32(i))
			} else if !errors.Is(err, store.ErrExist) {
				errs[i] = err
			}
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	if wins.Load() != 1 {
		t.Fatalf("%d of %d concurrent large Puts won, want exactly 1", wins.Load(), n)
	}
	got := get(t, ctx, s, key)
	if len(got) != size || got[0] != byte('a'+winner.Load()) || got[size-1] != got[0] {
		t.Errorf("stored %d bytes starting %q, want goroutine %d's %d bytes", len(got), got[:1], winner.Load(), size)
	}
	if keys := listKeys(t, ctx, s, p); len(keys) != 1 {
		t.Errorf("List after the race = %q, want just the object", keys)
	}
}

func testConcurrentSwap(t *testing.T, ctx context.Context, s store.Store, p string) {
	key := p + "counter"
	if _, err := s.Swap(ctx, key, "", []byte("0")); err != nil {
		t.Fatal(err)
	}
	const workers, each = 6, 10
	var conflicts atomic.Int32
	parallel(t, workers, workers, func(int) error {
		for range each {
			for {
				data, info, err := s.Load(ctx, key)
				if err != nil {
					return err
				}
				n, err := strconv.Atoi(string(data))
				if err != nil {
					return fmt.Errorf("counter holds %q: %w", data, err)
				}
				_, err = s.Swap(ctx, key, info.Version, []byte(strconv.Itoa(n+1)))
				if errors.Is(err, store.ErrConflict) {
					conflicts.Add(1)
					continue
				}
				if err != nil {
					return err
				}
				break
			}
		}
		return nil
	})
	data, _, err := s.Load(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != strconv.Itoa(workers*each) {
		t.Errorf("counter = %s after %d increments: updates were lost", data, workers*each)
	}
	t.Logf("%d increments, %d conflicts retried", workers*each, conflicts.Load())
}

func testCancelled(t *testing.T, s store.Store, p string) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	key := p + "never"
	if _, err := s.Put(ctx, key, strings.NewReader("x"), 1); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with cancelled context: err = %v, want context.Canceled", err)
	}
	if _, err := s.Swap(ctx, key, "", []byte("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Swap with cancelled context: err = %v, want context.Canceled", err)
	}
	if _, err := s.Stat(ctx, key); !errors.Is(err, context.Canceled) {
		t.Errorf("Stat with cancelled context: err = %v, want context.Canceled", err)
	}
	var listErr error
	for _, err := range s.List(ctx, p) {
		listErr = err
		break
	}
	if !errors.Is(listErr, context.Canceled) {
		t.Errorf("List with cancelled context: first err = %v, want context.Canceled", listErr)
	}
	if _, err := s.Stat(context.Background(), key); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("cancelled Put stored something: Stat err = %v", err)
	}
}
