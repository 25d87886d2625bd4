/*
 * util: the allocation wrappers and the fatal-error path shared by every
 * module. Nothing here knows about curses; the UI installs a fatal hook.
 */
#include "util.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void (*fatal_hook)(void);

void util_set_fatal_hook(void (*hook)(void))
{
	fatal_hook = hook;
}

noreturn void util_fatal(int status, const char *fmt, ...)
{
	va_list ap;

	if (fatal_hook != NULL) {
		void (*hook)(void) = fatal_hook;
		fatal_hook = NULL;
		hook();
	}
	fflush(stdout);
	fputs("sftptop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

void util_fatal_message(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("sftptop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static noreturn void oom(size_t size)
{
	util_fatal(1, "out of memory (wanted %zu bytes)", size);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		oom(size);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		oom(nmemb * size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (p == NULL)
		oom(size);
	return p;
}

void xgrow(void *ptr, size_t *cap, size_t need, size_t elem)
{
	void **pp = ptr;
	size_t ncap = *cap ? *cap : 16;

	if (need <= *cap)
		return;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem)
			oom(SIZE_MAX);
		ncap *= 2;
	}
	*pp = xrealloc(*pp, ncap * elem);
	*cap = ncap;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

uint64_t util_hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i = 0;

	/* Eight bytes at a time, then the tail: FNV-1a over words. */
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	h ^= h >> 32;
	return h;
}

int util_threads(int max)
{
	const char *env = getenv("SFTPTOP_THREADS");
	long n;

	if (env != NULL && *env != '\0') {
		char *endp;
		n = strtol(env, &endp, 10);
		if (*endp == '\0' && n >= 1)
			return n > max ? max : (int)n;
	}
	n = sysconf(_SC_NPROCESSORS_ONLN);
	n = n < 1 ? 1 : n > 4 ? 4 : n;
	return n > max ? max : (int)n;
}

int util_thread_create(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
