package ocr

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// The bundled models are written once, whole, under a folder named by
// their content, and found there by the next start.
func TestBundledDir(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir, err := bundledDir()
	if err != nil {
		t.Fatal(err)
	}
	want, err := fs.ReadFile(bundled, "tessdata/"+Handwriting+".traineddata")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, Handwriting+".traineddata")
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s: %d bytes (err %v), want the %d bundled", path, len(got), err, len(want))
	}
	st, _ := os.Stat(path)
	again, err := bundledDir()
	if err != nil || again != dir {
		t.Fatalf("second start: %q, %v; want %q", again, err, dir)
	}
	if st2, _ := os.Stat(path); !st2.ModTime().Equal(st.ModTime()) {
		t.Error("the second start wrote the model again")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	if !isBundled(Handwriting) || isBundled("jpn") {
		t.Error("isBundled is wrong about jpn_hand or jpn")
	}
}
