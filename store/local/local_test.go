package local_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"shinsei/store"
	"shinsei/store/local"
	"shinsei/store/storetest"
)

func TestConformance(t *testing.T) {
	s, err := local.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, s, storetest.Options{})
}

func TestOpenRejectsRelative(t *testing.T) {
	if _, err := local.Open("relative/dir"); err == nil {
		t.Fatal("Open of a relative path succeeded")
	}
}

// Objects are plain files under their keys, readable by staff with a file
// manager, and the store's own files stay out of listings.
func TestLayoutAndHiddenMeta(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s, err := local.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "archive/2026/doc.json", strings.NewReader("{}"), 2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Swap(ctx, "cases/A1.json", "", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "archive", "2026", "doc.json"))
	if err != nil || string(data) != "{}" {
		t.Fatalf("object file: %q, %v", data, err)
	}
	fi, err := os.Stat(filepath.Join(root, "archive", "2026", "doc.json"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o007 != 0 {
		t.Errorf("object file mode %v is readable by others", fi.Mode())
	}
	var keys []string
	for info, err := range s.List(ctx, "") {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, info.Key)
	}
	if strings.Join(keys, ",") != "archive/2026/doc.json,cases/A1.json" {
		t.Errorf("List = %q, want only the two objects", keys)
	}
	// No temporary files remain after successful writes.
	tmp, _ := os.ReadDir(filepath.Join(root, ".shinsei", "tmp"))
	if len(tmp) != 0 {
		t.Errorf("%d temporary files left behind", len(tmp))
	}
}

// A key that would need a folder where an object already is gets a clear
// error instead of a confusing "not a directory".
func TestObjectFolderClash(t *testing.T) {
	ctx := context.Background()
	s, err := local.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "a", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	_, err = s.Put(ctx, "a/b", strings.NewReader("y"), 1)
	if !errors.Is(err, store.ErrInvalidKey) {
		t.Fatalf("Put under an object: err = %v, want ErrInvalidKey", err)
	}
}

// TestMain doubles as the helper process of TestSwapAcrossProcesses.
func TestMain(m *testing.M) {
	if root := os.Getenv("SHINSEI_HELPER_ROOT"); root != "" {
		if err := incrementCounter(root, 50); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func incrementCounter(root string, times int) error {
	s, err := local.Open(root)
	if err != nil {
		return err
	}
	ctx := context.Background()
	for range times {
		for {
			data, info, err := s.Load(ctx, "counter")
			if err != nil {
				return err
			}
			n, err := strconv.Atoi(string(data))
			if err != nil {
				return fmt.Errorf("counter holds %q", data)
			}
			_, err = s.Swap(ctx, "counter", info.Version, []byte(strconv.Itoa(n+1)))
			if errors.Is(err, store.ErrConflict) {
				continue
			}
			if err != nil {
				return err
			}
			break
		}
	}
	return nil
}

// The file lock must hold between processes, not only goroutines: two
// stations' workers may share one folder.
func TestSwapAcrossProcesses(t *testing.T) {
	root := t.TempDir()
	s, err := local.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Swap(ctx, "counter", "", []byte("0")); err != nil {
		t.Fatal(err)
	}
	const procs = 3
	var cmds []*exec.Cmd
	for range procs {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "SHINSEI_HELPER_ROOT="+root)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Log(out.String())
			}
		})
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper process: %v", err)
		}
	}
	data, _, err := s.Load(ctx, "counter")
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != strconv.Itoa(procs*50) {
		t.Errorf("counter = %s after %d increments from %d processes", data, procs*50, procs)
	}
}
