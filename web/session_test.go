package web

import (
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

func TestLimitKeys(t *testing.T) {
	for _, c := range []struct {
		remote string
		want   []string
	}{
		{"203.0.113.7:51000", []string{"name:sato", "addr:203.0.113.7"}},
		{"[2001:db8::1]:51000", []string{"name:sato", "addr:2001:db8::1"}},
		// Behind a local TLS proxy every client is 127.0.0.1.
		{"127.0.0.1:51000", []string{"name:sato"}},
		{"[::1]:51000", []string{"name:sato"}},
	} {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = c.remote
		if got := limitKeys("sato", r); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.remote, got, c.want)
		}
	}
}

func TestLimiterWindow(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	l := newLimiter(3, 10*time.Minute, func() time.Time { return now })
	keys := []string{"name:sato", "addr:203.0.113.7"}
	for i := range 3 {
		if l.blocked(keys) {
			t.Fatalf("blocked after %d failures", i)
		}
		l.fail(keys)
		now = now.Add(time.Minute)
	}
	if !l.blocked(keys) || !l.blocked([]string{"addr:203.0.113.7"}) {
		t.Error("not blocked after 3 failures in the window")
	}
	if l.blocked([]string{"name:tanaka"}) {
		t.Error("another name is blocked")
	}
	// The first failure leaves the window 10 minutes after it was made.
	now = now.Add(8 * time.Minute)
	if l.blocked(keys) {
		t.Error("still blocked once the first failure left the window")
	}
}
