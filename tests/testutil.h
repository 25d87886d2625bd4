/*
 * Helpers shared by the Check suites: build a model from log text through
 * the real ingest path, and capture a report into a string.
 */
#ifndef SFTPTOP_TESTUTIL_H
#define SFTPTOP_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "ingest.h"
#include "model.h"
#include "report.h"

/* Model of TEXT (lines separated by \n), year 2026 unless the lines say. */
static inline struct model *tu_model_opts(const char *text, const struct model_opts *mo, const struct ingest_opts *io)
{
	struct model *m = model_new(mo);
	struct ingest_opts def = { .year = 2026 };
	struct ingest *in = ingest_new(m, io != NULL ? io : &def);

	ingest_buffer(in, text, strlen(text), true);
	ingest_free(in);
	return m;
}

static inline struct model *tu_model(const char *text)
{
	return tu_model_opts(text, NULL, NULL);
}

/* The whole report as a malloc'd string. (Not inlined: gcc 12 then sees a dangling pointer that is not there.) */
__attribute__((noinline, unused)) static char *tu_report_threads(const struct model *m, const struct filter *f,
                                                                 enum report_format fmt, int threads)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct report_opts o = { .format = fmt, .utf8 = true, .threads = threads };

	report_write(out, m, f, &o);
	fclose(out);
	return buf;
}

__attribute__((unused)) static char *tu_report(const struct model *m, const struct filter *f, enum report_format fmt)
{
	return tu_report_threads(m, f, fmt, 1);
}

/* Read a whole file into a malloc'd string (NULL when missing). */
static inline char *tu_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The first event of session s with op, or MODEL_NONE. */
static inline uint32_t tu_find_op(const struct model *m, uint32_t s, enum op op)
{
	for (uint32_t ev = model_session(m, s)->first_ev; ev != MODEL_NONE; ev = model_event(m, ev)->next)
		if (model_event(m, ev)->op == op)
			return ev;
	return MODEL_NONE;
}

#endif
