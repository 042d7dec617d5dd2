// Command shinsei reads scanned JPKI certificate forms, archives them and
// matches returned answer sheets to pending proxy cases. See `shinsei help`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	limitOpenMP()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
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
