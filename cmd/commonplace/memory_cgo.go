//go:build linux && cgo

package main

/*
#include <malloc.h>

static void limit_arenas(void) {
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, 2);
#endif
}

static void trim(void) {
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}
*/
import "C"

// SQLite allocates with the C library's malloc, from whichever OS thread
// the Go scheduler runs the call on. glibc gives each such thread its own
// arena (up to 8 per core), and each keeps the memory SQLite frees, so
// after a burst of searches a hub held 70 MB instead of 48 (see
// docs/BENCHMARKS.md). Two arenas are plenty for a hub's few connections.
func init() { C.limit_arenas() }

// releaseCMemory gives the C heap's free pages back to the system.
func releaseCMemory() { C.trim() }
