/*
 * follow: the non-UI follow mode, `sftptop --report=json|text --follow`.
 * Loads the history (with -R the rotated files first), then prints each new
 * event as it arrives, one line each, until SIGINT/SIGTERM (exit 0) or, for
 * stdin, EOF.
 */
#ifndef SFTPTOP_FOLLOW_H
#define SFTPTOP_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "ingest.h"
#include "model.h"
#include "report.h"

struct follow_opts {
	const char *const *files;       /* "-" = stdin */
	size_t nfiles;
	bool rotated;                   /* -R: read each file's rotated predecessors first */
	struct model *m;                /* built by the caller; hooks are set here */
	struct ingest *in;              /* on m */
	const struct filter *flt;       /* NULL = everything */
	const struct report_opts *ro;   /* RF_JSON or RF_TEXT */
	int64_t idle_timeout;           /* µs; 0 = 4 hours */
	int hold_ms;                    /* wait for an event's "sent status"; 0 = 3 */
	bool history;                   /* also print the events of the history */
	bool poll;                      /* no inotify: stat on a timer */
	FILE *diag;                     /* status messages (rotated, waiting...); NULL = none */
};

/* "90", "90s", "30m", "4h", "2d" -> µs. Returns 0, or -1 when malformed. */
int follow_parse_duration(const char *s, int64_t *us);

/* Runs until a signal or the end of stdin. Returns the exit status. */
int follow_run(const struct follow_opts *o);

#endif
