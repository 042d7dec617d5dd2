package main

import (
	"io"
	"log/slog"
	"os"
	"testing"
)

// The engine sets a soft limit on the Go heap that grows with its
// workers, and leaves the runtime's own alone when GOMEMLIMIT is set.
func TestEngineHeapLimit(t *testing.T) {
	if goHeapLimit(1) >= goHeapLimit(4) {
		t.Fatalf("limit for 1 worker %d, for 4 %d: it must grow with the workers", goHeapLimit(1), goHeapLimit(4))
	}
	for _, c := range []struct {
		gomemlimit string
		workers    int
		want       int64 // -1: not set
	}{
		{"", 2, goHeapLimit(2)},
		{"", 3, goHeapLimit(3)},
		{"1GiB", 2, -1}, // the runtime read GOMEMLIMIT itself; ours is not applied
	} {
		var got int64 = -1
		e := &env{log: slog.New(slog.NewTextHandler(io.Discard, nil)), getenv: func(k string) string {
			if k == "GOMEMLIMIT" {
				return c.gomemlimit
			}
			return os.Getenv(k)
		}, setHeapLimit: func(n int64) int64 { got = n; return 0 }}
		_, closeEngine, err := newEngine(e, c.workers, false)
		if err != nil {
			t.Fatal(err)
		}
		closeEngine()
		if got != c.want {
			t.Errorf("GOMEMLIMIT %q, %d workers: heap limit %d, want %d", c.gomemlimit, c.workers, got, c.want)
		}
	}
}
