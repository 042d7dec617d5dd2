// Package watch runs a scanning station's folder: files a scanner drops
// into DIR are read, matched and archived through pipeline/batch, and each
// then ends in exactly one place — DIR/done/YYYY-MM-DD/ once all its pages
// are archived (DIR/done/YYYY-MM-DD/duplicate/ when the same content was
// archived before), or DIR/quarantine/ with NAME.why.txt (Japanese, then
// English) when it holds nothing that can be read. Nothing is deleted.
//
// Arrival. Network shares (SMB, NFS) deliver no inotify events, so the
// folder is polled every Options.Poll whatever happens, and fsnotify, where
// it works, only makes the next look come sooner. A file is taken when its
// size and modification time have not changed for Options.Settle and it
// opens; a scanner still writing keeps changing them. Hidden files, office
// lock files (~$…) and the usual partial-download names (.tmp, .part, …)
// are left alone, and so is anything that is not a regular file at the top
// of DIR.
//
// Crash safety. A kill -9 at any moment must leave every file once in DIR,
// done or quarantine, one archived record per page, and no temporary file.
// What makes it so:
//   - The archive is content-addressed and write-once: a file processed
//     again after a crash writes nothing new, and completes an entry the
//     crash left half-written (archive.Put).
//   - A file is moved with one rename, which the kernel does whole or not
//     at all, and never over an existing name (renameat2 RENAME_NOREPLACE).
//   - DIR/.shinsei/journal holds one small entry per file being worked on,
//     written (temp file, fsync, rename) before anything else happens to
//     it: its name, its content hash, whether it was archived already
//     before this watcher took it (so a file re-read after a crash is not
//     mistaken for a duplicate), and, once decided, where it goes and its
//     why.txt. On start, an entry with a destination is finished (why.txt
//     written, file renamed) unless the file is already there, and an entry
//     without one leaves the file in DIR to be processed again; the entry is
//     removed last. A why.txt is written before its file is moved, so a
//     quarantined file never lacks one.
//   - Temporary files live only in DIR/.shinsei/tmp, which start empties:
//     a flock on DIR/.shinsei/lock lets one watcher run per folder (the
//     kernel drops it when the process dies).
//
// Stopping (SIGINT, SIGTERM) abandons the file being read: its pages are
// not archived once the stop is seen, it stays in DIR and is taken again
// on the next start; a move under way is finished.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"shinsei/forms"
	"shinsei/pipeline/batch"
)

// Runner reads files; *batch.Runner is one.
type Runner interface {
	Run(ctx context.Context, inputs iter.Seq[batch.Input], sink batch.Sink) error
}

// Options configure a Watcher.
type Options struct {
	// Poll is how often the folder is listed whatever fsnotify says; 0
	// means DefaultPoll.
	Poll time.Duration
	// Settle is how long a file's size and modification time must stay
	// the same before it is taken; 0 means DefaultSettle.
	Settle time.Duration
	// NoNotify turns fsnotify off: the folder is only polled, as on a
	// network share.
	NoNotify bool
	// Archived reports whether the file with this content hash was
	// archived already (its first page has a complete entry): the file is
	// then a duplicate. Nil: no file is a duplicate.
	Archived func(ctx context.Context, sha256 string) (bool, error)
	// Page receives every page's result, in order. An error stops the
	// watcher.
	Page func(batch.PageResult) error
	// Now is the clock (the day of done/YYYY-MM-DD, in its location);
	// nil means time.Now.
	Now func() time.Time
	// Log receives what the watcher does; nil logs nothing.
	Log *slog.Logger
	// Finished, when set, is told where each file went (an Outcome), for
	// metrics. It must be quick.
	Finished func(outcome string)
	// Waiting, when set, is told after each look at the folder how many
	// files in it are not finished yet (being read included), for metrics.
	Waiting func(n int)
}

// Outcomes of a file, as Options.Finished names them.
const (
	OutcomeDone       = "done"
	OutcomeDuplicate  = "duplicate"
	OutcomeQuarantine = "quarantine"
	// OutcomeRetry: some page could not be archived; the file stays for
	// another try.
	OutcomeRetry = "retry"
)

// Defaults for Options.
const (
	DefaultPoll   = 2 * time.Second
	DefaultSettle = 3 * time.Second
)

// Folder names under DIR.
const (
	DoneDir       = "done"
	QuarantineDir = "quarantine"
	DuplicateDir  = "duplicate"
	WhySuffix     = ".why.txt"
	stateDir      = ".shinsei"
)

// maxRetryWait bounds the wait before a file whose pages could not be
// archived (the store was down) is tried again.
const maxRetryWait = time.Minute

// Watcher watches one folder.
type Watcher struct {
	dir  string
	opts Options
	log  *slog.Logger

	// seen is touched by the loop only.
	seen map[string]*tracked

	mu       sync.Mutex
	inFlight map[string]*entry
	retry    map[string]retryState
}

// tracked is what the loop last saw of a file.
type tracked struct {
	size   int64
	mod    time.Time
	since  time.Time // when size and mod were first seen so
	warned bool
}

type retryState struct {
	at    time.Time
	tries int
}

// New returns a watcher of dir, which must exist.
func New(dir string, opts Options) (*Watcher, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("watch: %s is not a folder", dir)
	}
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	if opts.Settle <= 0 {
		opts.Settle = DefaultSettle
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Page == nil {
		opts.Page = func(batch.PageResult) error { return nil }
	}
	if opts.Finished == nil {
		opts.Finished = func(string) {}
	}
	if opts.Waiting == nil {
		opts.Waiting = func(int) {}
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Watcher{dir: dir, opts: opts, log: log, seen: map[string]*tracked{}, inFlight: map[string]*entry{}, retry: map[string]retryState{}}, nil
}

// Run watches the folder until ctx is cancelled (then it returns nil) or
// something stops it: another watcher holds the folder, the folder cannot
// be prepared, or Options.Page fails.
func (w *Watcher) Run(ctx context.Context, r Runner) error {
	unlock, err := w.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := w.recover(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	inputs := make(chan batch.Input)
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		defer close(inputs)
		w.loop(ctx, inputs)
	}()
	seq := func(yield func(batch.Input) bool) {
		for in := range inputs {
			if !yield(in) {
				return
			}
		}
	}
	err = r.Run(ctx, seq, sink{w})
	stopping := ctx.Err() != nil
	cancel()
	<-loopDone
	if err != nil && !(stopping && errors.Is(err, context.Canceled)) {
		return err
	}
	return nil
}

// loop looks at the folder whenever the poll timer or fsnotify says, and
// hands each file that has settled to the runner.
func (w *Watcher) loop(ctx context.Context, inputs chan<- batch.Input) {
	var events <-chan fsnotify.Event
	var errs <-chan error
	if !w.opts.NoNotify {
		fw, err := fsnotify.NewWatcher()
		if err == nil {
			if err = fw.Add(w.dir); err == nil {
				events, errs = fw.Events, fw.Errors
				defer fw.Close()
			} else {
				fw.Close()
			}
		}
		if err != nil {
			w.log.Warn("watch: no change notifications for the folder; polling only", "dir", w.dir, "err", err)
		}
	}
	// A burst of write events from one scan is one look at the folder.
	const debounce = 200 * time.Millisecond
	timer := time.NewTimer(0)
	defer timer.Stop()
	due := w.opts.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if strings.HasPrefix(filepath.Base(ev.Name), ".") {
				continue // our own state, or a file not yet named
			}
			if soon := w.opts.Now().Add(debounce); soon.Before(due) {
				due = soon
				timer.Reset(debounce)
			}
			continue
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			w.log.Warn("watch: change notifications failed; polling goes on", "err", err)
			continue
		case <-timer.C:
		}
		wait := w.scan(ctx, inputs)
		due = w.opts.Now().Add(wait)
		timer.Reset(wait)
	}
}

// scan lists the folder once, takes what has settled, and returns when to
// look again.
func (w *Watcher) scan(ctx context.Context, inputs chan<- batch.Input) time.Duration {
	next := w.opts.Poll
	des, err := os.ReadDir(w.dir)
	if err != nil {
		w.log.Error("watch: cannot list the folder", "dir", w.dir, "err", err)
		return next
	}
	present := map[string]bool{}
	for _, de := range des {
		name := de.Name()
		if !de.Type().IsRegular() || !Candidate(name) {
			continue
		}
		present[name] = true
		if ctx.Err() != nil {
			return next
		}
		w.mu.Lock()
		_, busy := w.inFlight[name]
		rs := w.retry[name]
		w.mu.Unlock()
		if busy {
			continue
		}
		fi, err := os.Lstat(filepath.Join(w.dir, name))
		if err != nil {
			continue // gone meanwhile
		}
		now := w.opts.Now()
		t := w.seen[name]
		if t == nil || t.size != fi.Size() || !t.mod.Equal(fi.ModTime()) {
			w.seen[name] = &tracked{size: fi.Size(), mod: fi.ModTime(), since: now}
			next = min(next, w.opts.Settle)
			continue
		}
		if wait := t.since.Add(w.opts.Settle).Sub(now); wait > 0 {
			next = min(next, wait)
			continue
		}
		if wait := rs.at.Sub(now); wait > 0 {
			next = min(next, wait)
			continue
		}
		w.take(ctx, name, fi, t, inputs)
	}
	for name := range w.seen {
		if !present[name] {
			delete(w.seen, name)
		}
	}
	w.opts.Waiting(len(present))
	return next
}

// take reads a settled file, notes it in the journal and hands it to the
// runner; a file that does not open yet, or changed while read, waits.
func (w *Watcher) take(ctx context.Context, name string, fi fs.FileInfo, t *tracked, inputs chan<- batch.Input) {
	path := filepath.Join(w.dir, name)
	var data []byte
	var readErr error
	if fi.Size() > batch.MaxFileBytes {
		// Too large to take in: the runner's record says so, and the file
		// goes to quarantine. Its hash is of its name and size, as its
		// content is never read.
		readErr = errTooLarge
	} else {
		var err error
		data, err = batch.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return
		case err != nil:
			if !t.warned {
				w.log.Warn("watch: a file does not open yet; trying again", "file", name, "err", errors.Unwrap(err))
				t.warned = true
			}
			t.since = w.opts.Now()
			return
		}
		after, err := os.Lstat(path)
		if err != nil || after.Size() != fi.Size() || !after.ModTime().Equal(fi.ModTime()) || int64(len(data)) != fi.Size() {
			delete(w.seen, name) // still being written: settle again
			return
		}
	}
	sum := forms.FileSHA256(data)
	if readErr != nil {
		sum = forms.FileSHA256(fmt.Appendf(nil, "%s\x00%d\x00%d", name, fi.Size(), fi.ModTime().UnixNano()))
	}
	e, err := w.readEntry(name)
	switch {
	case err == nil && e.SHA256 == sum && e.To != "":
		// A move decided before a stop or a failed write: finish it.
		w.finish(e)
		return
	case err == nil && e.SHA256 == sum:
		w.log.Info("watch: taking a file again that an earlier run did not finish", "file", name)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		w.log.Error("watch: cannot read the journal", "file", name, "err", err)
		w.later(name)
		return
	default:
		e = &entry{Name: name, SHA256: sum}
		if w.opts.Archived != nil && readErr == nil {
			dup, err := w.opts.Archived(ctx, sum)
			if err != nil {
				if ctx.Err() == nil {
					w.log.Error("watch: cannot ask the archive whether a file is known; trying again", "file", name, "err", err)
					w.later(name)
				}
				return
			}
			e.Duplicate = dup
		}
		if err := w.writeEntry(e); err != nil {
			w.log.Error("watch: cannot write the journal; trying again", "file", name, "err", err)
			w.later(name)
			return
		}
	}
	delete(w.seen, name)
	w.mu.Lock()
	w.inFlight[name] = e
	w.mu.Unlock()
	in := batch.Input{Name: name, Read: func(context.Context) ([]byte, error) { return data, nil }}
	if readErr != nil {
		in.Read = func(context.Context) ([]byte, error) { return batch.ReadFile(path) }
	}
	w.log.Info("watch: taken", "file", name, "bytes", fi.Size())
	select {
	case inputs <- in:
	case <-ctx.Done():
		w.mu.Lock()
		delete(w.inFlight, name)
		w.mu.Unlock()
	}
}

var errTooLarge = errors.New("file too large")

// later puts off the next try of a file, longer each time.
func (w *Watcher) later(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	rs := w.retry[name]
	rs.tries++
	wait := min(maxRetryWait, w.opts.Poll<<min(rs.tries, 8))
	rs.at = w.opts.Now().Add(wait)
	w.retry[name] = rs
}

// sink takes the runner's results.
type sink struct{ w *Watcher }

func (s sink) Page(p batch.PageResult) error { return s.w.opts.Page(p) }

func (s sink) File(f batch.FileResult) error {
	s.w.fileDone(f)
	return nil
}

// fileDone decides where a file goes once all its pages are done, and
// moves it there; a file with a page not kept stays for another try.
func (w *Watcher) fileDone(f batch.FileResult) {
	w.mu.Lock()
	e := w.inFlight[f.Name]
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		delete(w.inFlight, f.Name)
		w.mu.Unlock()
	}()
	if e == nil {
		return
	}
	if !f.Kept() {
		for _, p := range f.Pages {
			if p.Stopped {
				return // stopping: taken again on the next start
			}
		}
		w.log.Warn("watch: file left in the folder for another try: some pages could not be archived", "file", f.Name)
		w.opts.Finished(OutcomeRetry)
		w.later(f.Name)
		return
	}
	w.mu.Lock()
	delete(w.retry, f.Name)
	w.mu.Unlock()
	now := w.opts.Now()
	var dir string
	switch {
	case f.Unreadable():
		dir = QuarantineDir
		e.Why = WhyText(f, now)
	case e.Duplicate:
		dir = filepath.Join(DoneDir, now.Format("2006-01-02"), DuplicateDir)
	default:
		dir = filepath.Join(DoneDir, now.Format("2006-01-02"))
	}
	to, err := w.freeName(dir, f.Name, e.Why != "")
	if err != nil {
		w.log.Error("watch: cannot prepare the destination; trying again", "file", f.Name, "err", err)
		w.later(f.Name)
		return
	}
	e.To = to
	if err := w.writeEntry(e); err != nil {
		w.log.Error("watch: cannot write the journal; trying again", "file", f.Name, "err", err)
		w.later(f.Name)
		return
	}
	w.finish(e)
}

// finish carries out a decided move and forgets the entry.
func (w *Watcher) finish(e *entry) {
	if err := w.move(e); err != nil {
		w.log.Error("watch: cannot move the file; trying again", "file", e.Name, "to", e.To, "err", err)
		w.later(e.Name)
		return
	}
	if err := w.removeEntry(e.Name); err != nil {
		w.log.Error("watch: cannot clear the journal", "file", e.Name, "err", err)
	}
	switch {
	case e.Why != "":
		w.opts.Finished(OutcomeQuarantine)
		w.log.Warn("watch: quarantined: the file holds nothing that can be read", "file", e.Name, "to", e.To)
	case e.Duplicate:
		w.opts.Finished(OutcomeDuplicate)
		w.log.Info("watch: done: a duplicate of a file archived before", "file", e.Name, "to", e.To)
	default:
		w.opts.Finished(OutcomeDone)
		w.log.Info("watch: done", "file", e.Name, "to", e.To)
	}
}

// Candidate says whether a name in the folder may be a scan: not hidden,
// not an office lock file, not a download or copy still under way.
func Candidate(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~") {
		return false
	}
	lower := strings.ToLower(name)
	for _, s := range []string{".tmp", ".temp", ".part", ".partial", ".crdownload", ".filepart", ".download", WhySuffix} {
		if strings.HasSuffix(lower, s) {
			return false
		}
	}
	return true
}
