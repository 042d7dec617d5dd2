// Command shinsei reads scanned JPKI certificate forms, archives them and
// matches returned answer sheets to pending proxy cases. See `shinsei help`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	limitOpenMP()
	stderr := ownStderr()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &env{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: stderr, setHeapLimit: debug.SetMemoryLimit}
	err := runEnv(ctx, e, os.Args[1:])
	stop()
	os.Exit(exitCode(err, stderr))
}

// ownStderr is a second descriptor for the process's stderr. gosseract
// silences Tesseract's start-up by pointing descriptor 2 at /dev/null for
// a moment; logs and the progress bar written then by other workers would
// vanish (a benchmark lost a third of its log lines so). A duplicate made
// before any Tesseract starts keeps pointing at the real stderr.
func ownStderr() *os.File {
	fd, err := syscall.Dup(int(os.Stderr.Fd()))
	if err != nil {
		return os.Stderr
	}
	syscall.CloseOnExec(fd)
	return os.NewFile(uintptr(fd), "/dev/stderr")
}

// limitOpenMP makes Tesseract use one thread per call. Tesseract's OpenMP
// runtime reads OMP_THREAD_LIMIT once, when the library loads — before
// main runs — so setting it here would be too late: the process starts
// itself again with it set. Without it each call spreads over every core,
// and parallel workers fight for them (several times slower on 2 cores).
func limitOpenMP() {
	if os.Getenv("OMP_THREAD_LIMIT") != "" {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	os.Setenv("OMP_THREAD_LIMIT", "1")
	err = syscall.Exec(exe, os.Args, os.Environ())
	// Exec returns only on failure; run on, slower, rather than not at all.
	fmt.Fprintf(os.Stderr, "shinsei: cannot restart with OMP_THREAD_LIMIT=1 (%v); set it in the environment\n", err)
}
