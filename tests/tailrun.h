/*
 * For the follower's tests (tests/check_tail.c, tests/tools/tailstress.c,
 * tests/tools/tailorder.c): a run of whole lines, as the tail's lines
 * callback hands it out, given line by line to a line callback, so a test
 * collects both ways alike.
 */
#ifndef SFTPTOP_TAILRUN_H
#define SFTPTOP_TAILRUN_H

#include <stddef.h>
#include <string.h>

/* buf[0..len) holds whole lines, each ending in '\n' (the tail's promise). */
static inline void tailrun_each(void (*line)(void *, const char *, size_t), void *ctx, const char *buf, size_t len)
{
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl != NULL ? (size_t)(nl - buf) : len;

		line(ctx, buf, n);
		if (nl == NULL)
			break;
		len -= n + 1;
		buf = nl + 1;
	}
}

#endif
