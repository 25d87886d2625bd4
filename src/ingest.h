/*
 * ingest: lines to model. Owns a parser, resolves each line's time (year
 * inference against a reference time), skips model work before --since
 * while keeping session openings, and feeds the model. Both the batch
 * reader and the follower go through here, so they give the same model.
 */
#ifndef SFTPTOP_INGEST_H
#define SFTPTOP_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* Longest line handed to the parser; longer lines are counted unparsed. */
#define INGEST_MAX_LINE 65536

struct ingest_opts {
	int year;               /* --year: 0 = infer */
	bool has_since;
	int64_t since;          /* wall µs */
	bool compact;           /* apply the model's retention window while reading (nothing holds ids) */
};

struct ingest;

struct ingest *ingest_new(struct model *m, const struct ingest_opts *opts);
void ingest_free(struct ingest *in);

/*
 * Reference for year inference (wall µs): the file's mtime when reading a
 * file, now when following. Lines more than a day after it get the year before.
 */
void ingest_set_reference(struct ingest *in, int64_t ref_wall);

/* One line without its newline. */
void ingest_line(struct ingest *in, const char *line, size_t len);

/*
 * Split buf into lines and ingest the complete ones; returns the bytes used
 * (the tail after the last newline is left for the caller to complete). With
 * final, the tail is ingested too.
 */
size_t ingest_buffer(struct ingest *in, const char *buf, size_t len, bool final);

/*
 * Parse a line only as far as its time, for merging files by time: returns
 * true and the UTC-comparable µs when the line has a recognisable header.
 */
bool ingest_line_time(struct ingest *in, const char *line, size_t len, int64_t *utc_us);

/*
 * A pipe for many lines handed in one at a time or in runs (a follower's history):
 * helper threads parse them, and this thread gives them to the model in
 * order, line for line what ingest_line() would give it, only later. Lines
 * go to the model when the pipe needs room, at ingest_pipe_apply() (what is
 * parsed so far, without waiting) and at ingest_pipe_flush() (everything fed,
 * waiting for it): flush before anything that must see every line fed. The
 * year-inference reference of a line is the one set when it is fed.
 * ingest_pipe_new() gives NULL when there is one thread only (SFTPTOP_THREADS,
 * or one CPU): use ingest_line(). ingest_pipe_free() drops what was not applied.
 */
struct ingest_pipe;
struct ingest_pipe *ingest_pipe_new(struct ingest *in);
void ingest_pipe_line(struct ingest_pipe *q, const char *line, size_t len);
/* Whole lines, each ending in '\n' (as tail's lines callback gives them). */
void ingest_pipe_lines(struct ingest_pipe *q, const char *buf, size_t len);
void ingest_pipe_apply(struct ingest_pipe *q);
void ingest_pipe_flush(struct ingest_pipe *q);
void ingest_pipe_free(struct ingest_pipe *q);
/*
 * The step after each read of a follower: when the history is in
 * (caught_up), everything fed goes to the model and the pipe is freed (*q
 * becomes NULL: lines go through ingest_line from then on); when the loop
 * may sleep next, everything fed goes to the model; else what is parsed.
 */
void ingest_pipe_settle(struct ingest_pipe **q, bool caught_up, bool may_sleep);

/*
 * Can path be read as a log (a regular file or a FIFO; "-" always can)?
 * Returns 0, or -1 after one line on stderr naming it and what to do.
 */
int ingest_check_file(const char *path);

/*
 * Read whole files (plain or .gz) into the model, merged by time when there
 * are several ("-" = stdin). Returns 0, or -1 after printing one line on
 * stderr naming the file and what to do.
 */
int ingest_files(struct ingest *in, const char *const *paths, size_t n);

#endif
