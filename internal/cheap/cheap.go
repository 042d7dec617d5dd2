// Package cheap reports how much memory the C allocator has handed out, so
// tests can catch a leak in C code (Tesseract, Leptonica, cgo bridges) that
// the Go heap profile cannot see. Tests only: shinsei never links it.
package cheap

/*
#include <malloc.h>

static size_t inUse(void) {
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}
*/
import "C"

// InUse is the number of bytes glibc's malloc has allocated and not yet
// freed: small blocks from the arenas plus blocks given their own mmap.
// It counts every thread's arena.
func InUse() uint64 { return uint64(C.inUse()) }
