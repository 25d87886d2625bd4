/*
 * report: the model as text, JSON Lines or CSV. The JSON format is a public
 * interface, documented in man/sftptop.1; change both together.
 */
#ifndef SFTPTOP_REPORT_H
#define SFTPTOP_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "filter.h"
#include "model.h"

enum report_format { RF_TEXT, RF_JSON, RF_CSV, RF_SUMMARY };

struct report_opts {
	enum report_format format;
	bool color;         /* text: ANSI colour (only when stdout is a terminal and no NO_COLOR) */
	bool utf8;          /* text on a terminal: show UTF-8 as is (else \ooo) */
	bool noise;         /* text: include navigation noise */
	int threads;        /* report_write: 2 or more lets a helper thread render half the sessions */
};

/* The whole report: sessions in order of start, then (JSON) the summary.
 * The caller must be the only thread writing to f. */
void report_write(FILE *f, const struct model *m, const struct filter *flt, const struct report_opts *o);

/* One session (text block / JSON object with its events / CSV rows). */
void report_session(FILE *f, const struct model *m, const struct filter *flt, const struct report_opts *o, uint32_t sess);
/* The CSV header row. */
void report_csv_header(FILE *f);

/* For --follow: one event line (JSON object with "type":"event", or text). */
void report_follow_event(FILE *f, const struct model *m, const struct report_opts *o, uint32_t ev);
/* For --follow: a session change ({"type":"session",...} without events, or text). */
void report_follow_session(FILE *f, const struct model *m, const struct report_opts *o, uint32_t sess, enum model_change what);

/* The JSON summary object line. */
void report_json_summary(FILE *f, const struct model *m);

#endif
