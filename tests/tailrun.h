/*
 * For the follower's tests (tests/check_tail.c, tests/tools/tailstress.c,
 * tests/tools/tailorder.c): a run of whole lines, as the tail's lines
 * callback hands it out, given line by line to a line callback, so a test
 * collects both ways alike; and one turn of the follower's poll loop.
 */
#ifndef SFTPTOP_TAILRUN_H
#define SFTPTOP_TAILRUN_H

#include <poll.h>
#include <stddef.h>
#include <string.h>

#include "tail.h"

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

/* One turn of the loop tail.h shows: wait at most max_ms, then dispatch and read. */
static inline void tailrun_step(struct tail *t, int max_ms)
{
	struct pollfd pfd[8];
	int n = tail_pollfds(t, pfd, 8), to = tail_pending(t) ? 0 : tail_timeout_ms(t);

	if (to < 0 || to > max_ms)
		to = max_ms;
	poll(pfd, (nfds_t)n, to);
	tail_dispatch(t, pfd, n);
	tail_read_some(t, 1 << 20);
}

#endif
