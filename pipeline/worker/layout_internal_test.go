package worker

import (
	"testing"
	"time"

	"shinsei/store"
)

func TestCandidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"scan0001.pdf", true},
		{"station-2/申請書 山田.tif", true},
		{"station-2/.hidden.pdf", false},
		{"~$scan.pdf", false},
		{"scan.pdf.part", false},
		{"scan.PDF.TMP", false},
		{"x.pdf.why.txt", false},
		{"a//b.pdf", false},
		{"a/../b.pdf", false},
	} {
		if got := candidate(tc.name); got != tc.want {
			t.Errorf("candidate(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestVersion(t *testing.T) {
	mod := time.Date(2026, 12, 3, 10, 15, 2, 500, time.UTC)
	for _, tc := range []struct {
		info store.Info
		want string
	}{
		{store.Info{Version: "e88aff9ba8c530ac70daa753e9482369"}, "e88aff9ba8c530ac70daa753e9482369"},
		{store.Info{Version: `"0a1b-3"`}, "0a1b-3"},
		// A local store lists no version: the time and size stand in.
		{store.Info{ModTime: mod, Size: 42}, "20261203T101502.000000500Z-42"},
	} {
		if got := version(tc.info); got != tc.want {
			t.Errorf("version(%+v) = %q, want %q", tc.info, got, tc.want)
		}
		if err := store.CheckKey(doneKey("a/b.pdf", version(tc.info))); err != nil {
			t.Errorf("marker key: %v", err)
		}
	}
}
