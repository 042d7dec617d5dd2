package ocr

/*
#include <malloc.h>
*/
import "C"

// trimCHeap hands the C allocator's free memory back to the system. A
// closed Tesseract client frees its models, tens of megabytes, but glibc
// keeps freed memory in the arena of the thread that freed it, and the next
// client loads on another thread's arena: without a trim, every client made
// after one was closed adds its models' size to the process for good.
func trimCHeap() { C.malloc_trim(0) }
