package ocr_test

import (
	"sync"
	"syscall"
	"testing"

	"shinsei/ocr"
)

// gosseract silences Tesseract's Init by pointing file descriptor 2 at
// /dev/null and back; two Inits at once can leave the whole process's stderr
// at /dev/null. The pool must not initialise clients concurrently.
func TestConcurrentInitsKeepStderr(t *testing.T) {
	before := stderrID(t)
	p := newPool(t, ocr.Options{Workers: 4, RecycleAfter: 1}) // every call initialises a new client
	img := render(t, "1", 5)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 4 {
				if _, err := p.Recognize(t.Context(), img, ocr.Spec{Lang: "eng"}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if after := stderrID(t); after != before {
		t.Errorf("stderr was %v before the calls and is %v after", before, after)
	}
	if st := p.Stats(); st.Clients != 16 {
		t.Errorf("%d clients made, want 16", st.Clients)
	}
}

// stderrID identifies the file behind descriptor 2.
func stderrID(t *testing.T) [2]uint64 {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Fstat(2, &st); err != nil {
		t.Fatal(err)
	}
	return [2]uint64{uint64(st.Dev), uint64(st.Ino)}
}
