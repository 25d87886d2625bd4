/*
 * filter: the selection shared by reports, the follower and the UI.
 * Terms combine with AND. A session matches when any of its events match;
 * it is then shown with only the matching events.
 */
#ifndef SFTPTOP_FILTER_H
#define SFTPTOP_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct filter {
	char *user;          /* exact user name */
	char *path;          /* the path or anything under it; a glob when it has * ? [ */
	char *ip;            /* client address */
	char *host;          /* syslog host */
	char *text;          /* plain text: in user, ip, host or either path (UI "\" filter) */
	bool has_since, has_until;
	int64_t since, until; /* wall µs */
	bool deletions;      /* only destructive events */
};

void filter_init(struct filter *f);
void filter_clear(struct filter *f);       /* frees strings, back to init */
bool filter_empty(const struct filter *f);
bool filter_has_event_terms(const struct filter *f);   /* path, time, deletions or text terms */

/*
 * Parse the UI's filter language: space-separated "user:NAME", "path:P",
 * "ip:A", "host:H", "since:T", "until:T", "deleted" or plain words (text).
 * Returns 0, or -1 with *err set to a static message.
 */
int filter_parse(struct filter *f, const char *expr, int64_t now_wall, const char **err);
/* Write f back in that language (for the header); returns buf. */
char *filter_describe(const struct filter *f, char *buf, size_t size);

bool filter_session(const struct model *m, const struct filter *f, uint32_t sess);
bool filter_event(const struct model *m, const struct filter *f, uint32_t ev);
/*
 * The part of a session's event chain where filter_event can say yes: from
 * *first, along ->next, while the id is <= *last (ids grow along a chain).
 * With the deletions term that is the span of its destructive events, not
 * the whole session. f may be NULL (every event).
 */
void filter_event_span(const struct model *m, const struct filter *f, uint32_t sess, uint32_t *first, uint32_t *last);
/* filter_session and at least one matching event (or no event terms). */
bool filter_session_shown(const struct model *m, const struct filter *f, uint32_t sess);

/* Does path (len bytes) match the path term (prefix at a '/' boundary, or glob)? */
bool filter_path_match(const char *term, const char *path, size_t len);

#endif
