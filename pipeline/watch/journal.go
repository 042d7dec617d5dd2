package watch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"shinsei/forms"
)

// entry is a file being worked on, as the journal keeps it.
type entry struct {
	// Name is the file's name in DIR.
	Name string `json:"name"`
	// SHA256 is its content hash, so a file of the same name dropped after
	// this one left is not taken for it.
	SHA256 string `json:"sha256"`
	// Duplicate: its content was archived before this watcher took it.
	Duplicate bool `json:"duplicate,omitempty"`
	// To is where it goes, relative to DIR (slash-separated); "" until
	// its pages are all done.
	To string `json:"to,omitempty"`
	// Why is the text of its why.txt, for a file going to quarantine.
	Why string `json:"why,omitempty"`
}

func (w *Watcher) state(parts ...string) string {
	return filepath.Join(append([]string{w.dir, stateDir}, parts...)...)
}

func (w *Watcher) entryPath(name string) string {
	h := sha256.Sum256([]byte(name))
	return w.state("journal", hex.EncodeToString(h[:16])+".json")
}

// lock makes the state folders and takes the folder for this watcher.
func (w *Watcher) lock() (func(), error) {
	for _, d := range []string{w.state("journal"), w.state("tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("watch: %w", err)
		}
	}
	f, err := os.OpenFile(w.state("lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("watch: another shinsei watch is running on %s", w.dir)
		}
		return nil, fmt.Errorf("watch: locking %s: %w", w.dir, err)
	}
	return func() { f.Close() }, nil
}

// recover empties the temporary folder and finishes the moves a stopped
// run had decided; see the package comment.
func (w *Watcher) recover(ctx context.Context) error {
	tmps, err := os.ReadDir(w.state("tmp"))
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	for _, t := range tmps {
		// Only this package writes there, and the lock says no other
		// watcher is running: whatever is there was left by a crash.
		if err := os.Remove(w.state("tmp", t.Name())); err != nil {
			return fmt.Errorf("watch: removing a temporary file left by a crash: %w", err)
		}
	}
	des, err := os.ReadDir(w.state("journal"))
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	for _, de := range des {
		if ctx.Err() != nil {
			return nil
		}
		e, err := readEntryFile(w.state("journal", de.Name()))
		if err != nil {
			return fmt.Errorf("watch: journal %s: %w", de.Name(), err)
		}
		src := filepath.Join(w.dir, e.Name)
		data, err := os.ReadFile(src)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			// Moved before the stop (or taken away by a person): make sure
			// a quarantined file has its why.txt, and forget it.
			if e.To != "" && e.Why != "" {
				if _, err := os.Stat(w.abs(e.To)); err == nil {
					if err := w.writeWhy(e); err != nil {
						return err
					}
				}
			}
			if err := w.removeEntry(e.Name); err != nil {
				return err
			}
			continue
		case err != nil:
			return fmt.Errorf("watch: %w", err)
		}
		if e.To == "" {
			// Its pages were not all done: it stays, and is taken again
			// (and its entry reused) when the folder is first looked at.
			continue
		}
		if forms.FileSHA256(data) != e.SHA256 {
			// Another file of the same name came after this one left.
			if err := w.removeEntry(e.Name); err != nil {
				return err
			}
			continue
		}
		w.log.Info("watch: finishing a move a stopped run began", "file", e.Name, "to", e.To)
		w.finish(e)
	}
	return nil
}

func (w *Watcher) abs(rel string) string { return filepath.Join(w.dir, filepath.FromSlash(rel)) }

func readEntryFile(path string) (*entry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var e entry
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, err
	}
	if e.Name == "" || e.Name != filepath.Base(e.Name) || !Candidate(e.Name) {
		return nil, fmt.Errorf("names no file of the folder: %q", e.Name)
	}
	return &e, nil
}

func (w *Watcher) readEntry(name string) (*entry, error) {
	return readEntryFile(w.entryPath(name))
}

func (w *Watcher) writeEntry(e *entry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return w.writeAtomic(w.entryPath(e.Name), append(data, '\n'))
}

func (w *Watcher) removeEntry(name string) error {
	if err := os.Remove(w.entryPath(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("watch: %w", err)
	}
	return syncDir(w.state("journal"))
}

// writeAtomic puts data at path whole or not at all: a temporary file,
// synced, renamed over path, the folder synced.
func (w *Watcher) writeAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(w.state("tmp"), "w-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

func (w *Watcher) writeWhy(e *entry) error {
	if err := w.writeAtomic(w.abs(e.To)+WhySuffix, []byte(e.Why)); err != nil {
		return fmt.Errorf("watch: writing %s%s: %w", e.To, WhySuffix, err)
	}
	return nil
}

// move carries out e: the why.txt first, then the file, never over
// another file. A file already at its destination counts as moved.
func (w *Watcher) move(e *entry) error {
	dst := w.abs(e.To)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if e.Why != "" {
		if err := w.writeWhy(e); err != nil {
			return err
		}
	}
	src := filepath.Join(w.dir, e.Name)
	for tries := 0; ; tries++ {
		err := renameNoReplace(src, dst)
		if err == nil {
			break
		}
		if errors.Is(err, fs.ErrNotExist) {
			if _, serr := os.Stat(dst); serr == nil {
				return nil
			}
		}
		if !errors.Is(err, fs.ErrExist) || tries > 3 {
			return err
		}
		// Taken since it was chosen (a file of the same content dropped
		// again while a stopped run's move waited): another name.
		to, ferr := w.freeName(filepath.Dir(filepath.FromSlash(e.To)), e.Name, e.Why != "")
		if ferr != nil {
			return ferr
		}
		e.To, dst = to, w.abs(to)
		if err := w.writeEntry(e); err != nil {
			return err
		}
		if e.Why != "" {
			if err := w.writeWhy(e); err != nil {
				return err
			}
		}
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return err
	}
	return syncDir(w.dir)
}

// freeName is a name for file name in dir (relative to DIR) that no file
// has yet, nor its why.txt when withWhy: name itself, else name_2, name_3…
// before the extension.
func (w *Watcher) freeName(dir, name string, withWhy bool) (string, error) {
	if err := os.MkdirAll(filepath.Join(w.dir, dir), 0o755); err != nil {
		return "", err
	}
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 1; i < 100000; i++ {
		cand := name
		if i > 1 {
			cand = stem + "_" + strconv.Itoa(i) + ext
		}
		p := filepath.Join(w.dir, dir, cand)
		if taken(p) || (withWhy && taken(p+WhySuffix)) {
			continue
		}
		return filepath.ToSlash(filepath.Join(dir, cand)), nil
	}
	return "", fmt.Errorf("no free name for %s in %s", name, dir)
}

func taken(p string) bool {
	_, err := os.Lstat(p)
	return !errors.Is(err, fs.ErrNotExist)
}

// renameNoReplace renames src to dst unless dst exists. Where the file
// system cannot say so in one call (some network shares), it looks first:
// only this watcher writes under done and quarantine, so nothing else
// races it there.
func renameNoReplace(src, dst string) error {
	err := unix.Renameat2(unix.AT_FDCWD, src, unix.AT_FDCWD, dst, unix.RENAME_NOREPLACE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP):
		if taken(dst) {
			return &os.LinkError{Op: "rename", Old: src, New: dst, Err: fs.ErrExist}
		}
		return os.Rename(src, dst)
	}
	return &os.LinkError{Op: "rename", Old: src, New: dst, Err: err}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}
