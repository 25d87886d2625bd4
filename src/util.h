/*
 * util: allocation that never fails silently, fatal errors, growable arrays.
 *
 * xmalloc and friends never return NULL: on exhaustion they call the fatal
 * hook (the UI registers one that restores the terminal) and exit(1).
 */
#ifndef SFTPTOP_UTIL_H
#define SFTPTOP_UTIL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grow *ptr (holding *cap elements of elem bytes) to hold at least need. */
void xgrow(void *ptr, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Called once before a fatal exit, e.g. to restore the terminal. */
void util_set_fatal_hook(void (*hook)(void));
/* Print "sftptop: MESSAGE" on stderr after running the fatal hook, exit(status). */
noreturn void util_fatal(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "sftptop: MESSAGE" on stderr and carry on (for errors the caller handles). */
void util_fatal_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 64-bit hash of a byte string (FNV-1a variant, good enough for interning). */
uint64_t util_hash(const void *data, size_t len);

/* Threads for batch work (loading a large file, writing a report):
 * SFTPTOP_THREADS when set to a number >= 1 (at most max), else the online CPUs (at most 4). */
int util_threads(int max);

/*
 * pthread_create for a helper thread that must never take a signal: all are
 * blocked in it (a signal meant for the program, SIGHUP shrugged off by the
 * follower's signalfd or SIGWINCH for the UI, then always reaches the thread
 * that handles it). Returns pthread_create's result.
 */
int util_thread_create(pthread_t *thread, void *(*fn)(void *), void *arg);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
