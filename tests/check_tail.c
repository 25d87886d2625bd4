/*
 * tail: real files in a temp directory, real renames, truncations and
 * deletions; lines collected through the callback and compared. The
 * 1,000-rotation stress run with separate writer and rotator processes is
 * tests/tools/tailstress.c (run by tests/t-tail-stress.sh).
 */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rotated.h"
#include "tail.h"
#include "tailrun.h"
#include "util.h"

struct coll {
	char buf[1 << 16];
	size_t len;
	int nlines;
	int nruns;           /* calls of the lines callback (every test runs with and without it) */
	int st[TS_ERROR + 1];
};

static void on_line(void *ctx, const char *line, size_t len)
{
	struct coll *c = ctx;

	ck_assert_uint_lt(c->len + len + 1, sizeof(c->buf));
	memcpy(c->buf + c->len, line, len);
	c->len += len;
	c->buf[c->len++] = '|';
	c->buf[c->len] = '\0';
	c->nlines++;
}

/* A run: whole lines, each with its newline; collected as if one by one. */
static void on_lines(void *ctx, const char *buf, size_t len)
{
	struct coll *c = ctx;

	ck_assert_uint_gt(len, 0);
	ck_assert_int_eq(buf[len - 1], '\n');
	c->nruns++;
	tailrun_each(on_line, ctx, buf, len);
}

static void on_status(void *ctx, enum tail_status st, const char *path, const char *msg)
{
	struct coll *c = ctx;

	(void)path;
	(void)msg;
	c->st[st]++;
}

static char dir[64];

static void setup(void)
{
	char real[PATH_MAX];

	strcpy(dir, "/tmp/check_tail.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* no symlink on the way (the follower treats a path through one with more care) */
	ck_assert_ptr_nonnull(realpath(dir, real));
	ck_assert_uint_lt(strlen(real), sizeof(dir));
	strcpy(dir, real);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *p(const char *name)
{
	static char bufs[4][256];
	static int i;
	char *b = bufs[i++ % 4];

	snprintf(b, 256, "%s/%s", dir, name);
	return b;
}

static void put(const char *path, const char *mode, const char *text)
{
	FILE *f = fopen(path, mode);

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Run the poll loop for up to ms, or until want is the collected text. */
static void pump(struct tail *t, struct coll *c, const char *want, int ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (;;) {
		tailrun_step(t, 20);
		if (want != NULL && strcmp(c->buf, want) == 0)
			return;
		clock_gettime(CLOCK_MONOTONIC, &b);
		if ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 > ms)
			return;
	}
}

/* Whether the follower checks on a timer now (some source polls). */
static bool polling(const struct tail *t)
{
	struct tail_stats ts;

	tail_get_stats(t, &ts);
	return ts.polling;
}

/* Loop run 0: lines one by one; run 1: with the lines callback too. */
static struct tail *mk_runs(struct coll *c, const struct tail_opts *o, bool runs)
{
	struct tail_callbacks cb = { on_line, on_status, c, runs ? on_lines : NULL };

	memset(c, 0, sizeof(*c));
	return tail_new(&cb, o);
}
#define mk(c, o) mk_runs((c), (o), _i == 1)

START_TEST(history_and_partial)
{
	struct coll c;
	struct tail *t = mk(&c, NULL);

	put(p("log"), "w", "one\ntwo\nthr");
	ck_assert_int_eq(tail_add_file(t, p("log"), NULL), 0);
	pump(t, &c, "one|two|", 500);
	ck_assert_str_eq(c.buf, "one|two|");
	ck_assert(tail_caught_up(t));
	ck_assert_int_eq(c.st[TS_CAUGHT_UP], 1);
	put(p("log"), "a", "ee");
	pump(t, &c, NULL, 50);
	ck_assert_str_eq(c.buf, "one|two|");
	put(p("log"), "a", "\nfour\n");
	pump(t, &c, "one|two|three|four|", 1000);
	ck_assert_str_eq(c.buf, "one|two|three|four|");
	if (_i == 1)   /* "one two" and "four" in runs; "three", pieced together, alone */
		ck_assert_int_eq(c.nruns, 2);
	ck_assert_int_eq(tail_timeout_ms(t), -1);   /* idle: nothing timed */
	tail_free(t);
}
END_TEST

START_TEST(rename_create)
{
	struct coll c;
	struct tail *t = mk(&c, NULL);
	int fd;

	put(p("log"), "w", "a1\n");
	fd = open(p("log"), O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(tail_add_file(t, p("log"), NULL), 0);
	pump(t, &c, "a1|", 500);
	/* logrotate renames; the writer goes on writing the old file... */
	ck_assert_int_eq(rename(p("log"), p("log.1")), 0);
	ck_assert_int_eq(write(fd, "a2\n", 3), 3);
	put(p("log"), "w", "");
	pump(t, &c, "a1|a2|", 500);
	ck_assert_int_eq(write(fd, "a3\n", 3), 3);
	pump(t, &c, "a1|a2|a3|", 500);
	/* ...until told to reopen; then the new file. */
	ck_assert_int_eq(close(fd), 0);
	put(p("log"), "a", "b1\nb2\n");
	pump(t, &c, "a1|a2|a3|b1|b2|", 1000);
	ck_assert_str_eq(c.buf, "a1|a2|a3|b1|b2|");
	ck_assert_int_eq(c.st[TS_ROTATED], 1);
	pump(t, &c, NULL, 30);
	ck_assert_int_eq(c.st[TS_OLD_DONE], 1);      /* IN_CLOSE_WRITE seen */
	ck_assert_int_eq(tail_timeout_ms(t), -1);
	tail_free(t);
}
END_TEST

START_TEST(old_quiet)
{
	struct coll c;
	struct tail_opts o = { .old_quiet_ms = 100 };
	struct tail *t = mk(&c, &o);
	int fd;

	put(p("log"), "w", "x\n");
	fd = open(p("log"), O_RDONLY);          /* a reader, not a writer: no close-write */
	ck_assert_int_eq(tail_add_file(t, p("log"), NULL), 0);
	pump(t, &c, "x|", 500);
	ck_assert_int_eq(rename(p("log"), p("log.1")), 0);
	put(p("log"), "w", "y\n");
	pump(t, &c, "x|y|", 500);
	ck_assert_int_ge(tail_timeout_ms(t), 0);
	pump(t, &c, NULL, 300);
	ck_assert_int_eq(c.st[TS_OLD_DONE], 1);
	ck_assert_int_eq(tail_timeout_ms(t), -1);
	close(fd);
	tail_free(t);
}
END_TEST

START_TEST(copytruncate)
{
	struct coll c;
	struct tail *t = mk(&c, NULL);

	put(p("log"), "w", "l1\nl2\n");
	ck_assert_int_eq(tail_add_file(t, p("log"), NULL), 0);
	pump(t, &c, "l1|l2|", 500);
	ck_assert_int_eq(truncate(p("log"), 0), 0);
	put(p("log"), "a", "m1\n");
	pump(t, &c, "l1|l2|m1|", 1000);
	ck_assert_str_eq(c.buf, "l1|l2|m1|");
	ck_assert_int_eq(c.st[TS_TRUNCATED], 1);
	tail_free(t);
}
END_TEST

/* Truncated while a line was half written, no copy beside it: the half is a line of its own. */
START_TEST(copytruncate_partial)
{
	struct coll c;
	struct tail *t = mk(&c, NULL);

	put(p("log"), "w", "l1\nhal");
	ck_assert_int_eq(tail_add_file(t, p("log"), NULL), 0);
	pump(t, &c, "l1|", 500);
	pump(t, &c, NULL, 30);       /* "hal" read and held */
	ck_assert_int_eq(truncate(p("log"), 0), 0);
	put(p("log"), "a", "m1\n");
	pump(t, &c, "l1|hal|m1|", 1000);
	ck_assert_str_eq(c.buf, "l1|hal|m1|");
	ck_assert_int_eq(c.st[TS_TRUNCATED], 1);
	tail_free(t);
}
END_TEST

/* Truncated and rewritten past our offset before we looked: the first bytes differ. */
START_TEST(copytruncate_regrown)
{
	struct coll c;
	struct tail *t = mk(&c, NULL);

	put(p("log"), "w", "aaaa1\n");
	ck_assert_int_eq(tail_add_file(t, p("log"), NULL), 0);
	pump(t, &c, "aaaa1|", 500);
	put(p("log"), "w", "bbbb1\nbbbb2\n");       /* O_TRUNC then more than before */
	pump(t, &c, "aaaa1|bbbb1|bbbb2|", 1000);
	ck_assert_str_eq(c.buf, "aaaa1|bbbb1|bbbb2|");
	tail_free(t);
}
END_TEST

/* Emptied while its history was still being read: the history is over at the new content's end. */
START_TEST(copytruncate_during_history)
{
	struct coll c;
	struct tail *t = mk(&c, NULL);
	FILE *f = fopen(p("log"), "w");

	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 3000; i++)
		fprintf(f, "h%d\n", i);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(tail_add_file(t, p("log"), NULL), 0);
	tail_read_some(t, 4096);
	ck_assert(!tail_caught_up(t));
	ck_assert_int_eq(truncate(p("log"), 0), 0);
	put(p("log"), "a", "m1\n");
	pump(t, &c, NULL, 300);
	ck_assert(strstr(c.buf, "|m1|") != NULL);
	ck_assert(tail_caught_up(t));
	tail_free(t);
}
END_TEST

/* Lines written after our last read but before the truncation are read from the copy. */
START_TEST(copytruncate_recover)
{
	struct coll c;
	struct tail *t = mk(&c, NULL);
	char cmd[512];

	put(p("log"), "w", "c1\n");
	ck_assert_int_eq(tail_add_file(t, p("log"), NULL), 0);
	pump(t, &c, "c1|", 500);
	put(p("log"), "a", "c2\nc3\n");
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && : > '%s'", p("log"), p("log.1"), p("log"));
	ck_assert_int_eq(system(cmd), 0);
	put(p("log"), "a", "d1\n");
	pump(t, &c, "c1|c2|c3|d1|", 1000);
	ck_assert_str_eq(c.buf, "c1|c2|c3|d1|");
	tail_free(t);
}
END_TEST

/*
 * The same through the names logrotate leaves elsewhere: the log path a
 * symlink (the copy is beside the real file), an epoch in the date
 * (dateformat -%Y%m%d-%s), and a stale sftp.log.1 from before dateext,
 * which sorts as the newest name but is not the copy.
 */
START_TEST(copytruncate_recover_names)
{
	static const struct { const char *copy, *stale; bool link; } cases[] = {
		{ "real/log.1", NULL, true },
		{ "real/log-20261124-1764000000", NULL, false },
		{ "real/log-20261124", "real/log.1", false },
	};
	char cmd[1024];

	ck_assert_int_eq(mkdir(p("real"), 0755), 0);
	ck_assert_int_eq(symlink("real/log", p("link")), 0);
	for (size_t k = 0; k < ARRAY_LEN(cases); k++) {
		struct coll c;
		struct tail *t = mk(&c, NULL);
		char head[64];

		snprintf(cmd, sizeof(cmd), "rm -f '%s'/real/log*", dir);
		ck_assert_int_eq(system(cmd), 0);
		if (cases[k].stale != NULL)
			put(p(cases[k].stale), "w", "an older log, not the copy\n");
		snprintf(head, sizeof(head), "case%zu c1\n", k);
		put(p("real/log"), "w", head);
		ck_assert_int_eq(tail_add_file(t, p(cases[k].link ? "link" : "real/log"), NULL), 0);
		pump(t, &c, NULL, 200);
		put(p("real/log"), "a", "c2\nc3\n");   /* written before the rotation, not read yet */
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && : > '%s'", p("real/log"), p(cases[k].copy), p("real/log"));
		ck_assert_int_eq(system(cmd), 0);
		put(p("real/log"), "a", "d1\n");
		snprintf(head, sizeof(head), "case%zu c1|c2|c3|d1|", k);
		pump(t, &c, head, 1000);
		ck_assert_str_eq(c.buf, head);
		tail_free(t);
	}
}
END_TEST

START_TEST(delete_recreate_and_waiting)
{
	struct coll c;
	struct tail *t = mk(&c, NULL);

	ck_assert_int_eq(tail_add_file(t, p("log"), NULL), 0);
	pump(t, &c, NULL, 30);
	ck_assert_int_eq(c.st[TS_WAITING], 1);
	ck_assert(tail_caught_up(t));
	put(p("log"), "w", "w1\n");
	pump(t, &c, "w1|", 1000);
	ck_assert_str_eq(c.buf, "w1|");
	ck_assert_int_eq(unlink(p("log")), 0);
	pump(t, &c, NULL, 30);
	ck_assert_int_eq(c.st[TS_DELETED], 1);
	put(p("log"), "w", "w2\n");
	pump(t, &c, "w1|w2|", 1000);
	ck_assert_str_eq(c.buf, "w1|w2|");
	tail_free(t);
}
END_TEST

START_TEST(dir_replaced)
{
	struct coll c;
	struct tail *t = mk(&c, NULL);

	ck_assert_int_eq(mkdir(p("d"), 0755), 0);
	put(p("d/log"), "w", "d1\n");
	ck_assert_int_eq(tail_add_file(t, p("d/log"), NULL), 0);
	pump(t, &c, "d1|", 500);
	ck_assert_int_eq(rename(p("d"), p("d.old")), 0);
	ck_assert_int_eq(mkdir(p("d"), 0755), 0);
	put(p("d/log"), "w", "d2\n");
	pump(t, &c, "d1|d2|", 1000);
	ck_assert_str_eq(c.buf, "d1|d2|");
	tail_free(t);
}
END_TEST

START_TEST(symlink_changed)
{
	struct coll c;
	struct tail *t = mk(&c, NULL);

	put(p("a.log"), "w", "s1\n");
	put(p("b.log"), "w", "s2\n");
	ck_assert_int_eq(symlink("a.log", p("cur")), 0);
	ck_assert_int_eq(tail_add_file(t, p("cur"), NULL), 0);
	pump(t, &c, "s1|", 500);
	ck_assert_int_eq(symlink("b.log", p("cur.new")), 0);
	ck_assert_int_eq(rename(p("cur.new"), p("cur")), 0);
	pump(t, &c, "s1|s2|", 1000);
	put(p("b.log"), "a", "s3\n");
	pump(t, &c, "s1|s2|s3|", 1000);
	ck_assert_str_eq(c.buf, "s1|s2|s3|");
	tail_free(t);
}
END_TEST

/*
 * The path is a symlink into a directory that is rotated: renamed away (the
 * writer lets go of the file in it), then made again with a new file. While
 * the link points at nothing there is no directory to watch: it is looked at
 * on a timer, so the new file is found. The timer stays: a link can be
 * re-pointed with no event in any directory watched.
 */
START_TEST(symlink_dir_rotated)
{
	struct coll c;
	struct tail_opts o = { .poll_ms = 50, .old_quiet_ms = 100 };
	struct tail *t = mk(&c, &o);
	FILE *w;

	ck_assert_int_eq(mkdir(p("logs"), 0755), 0);
	ck_assert_int_eq(mkdir(p("logs/current"), 0755), 0);
	ck_assert_int_eq(mkdir(p("var"), 0755), 0);
	put(p("logs/current/log"), "w", "a1\n");
	ck_assert_int_eq(symlink("../logs/current/log", p("var/log")), 0);
	ck_assert_int_eq(tail_add_file(t, p("var/log"), NULL), 0);
	pump(t, &c, "a1|", 500);
	w = fopen(p("logs/current/log"), "a");
	ck_assert_ptr_nonnull(w);
	fputs("a2\n", w);
	fflush(w);
	pump(t, &c, "a1|a2|", 1000);
	ck_assert_int_eq(rename(p("logs/current"), p("logs/old")), 0);
	ck_assert_int_eq(fclose(w), 0);
	pump(t, &c, NULL, 100);
	ck_assert_int_eq(mkdir(p("logs/current"), 0755), 0);
	put(p("logs/current/log"), "w", "b1\n");
	pump(t, &c, "a1|a2|b1|", 2000);
	ck_assert_str_eq(c.buf, "a1|a2|b1|");
	ck_assert_int_ge(c.st[TS_POLLING], 1);
	pump(t, &c, NULL, 300);   /* the renamed file let go */
	ck_assert_int_eq(c.st[TS_WATCHING], 0);
	ck_assert_int_ge(tail_timeout_ms(t), 0);
	ck_assert(polling(t));
	put(p("logs/current/log"), "a", "b2\n");
	pump(t, &c, "a1|a2|b1|b2|", 1000);
	ck_assert_str_eq(c.buf, "a1|a2|b1|b2|");
	tail_free(t);
}
END_TEST

/*
 * The log's directory renamed away and made again (no symlink on the way):
 * looked at on a timer while it is missing, then watched by inotify again,
 * the timer stopped once the renamed file is let go.
 */
START_TEST(dir_back_watched)
{
	struct coll c;
	struct tail_opts o = { .poll_ms = 50, .old_quiet_ms = 100 };
	struct tail *t = mk(&c, &o);

	ck_assert_int_eq(mkdir(p("logs"), 0755), 0);
	put(p("logs/log"), "w", "a1\n");
	ck_assert_int_eq(tail_add_file(t, p("logs/log"), NULL), 0);
	pump(t, &c, "a1|", 500);
	ck_assert_int_eq(rename(p("logs"), p("logs.old")), 0);
	pump(t, &c, NULL, 100);
	ck_assert_int_ge(c.st[TS_POLLING], 1);
	ck_assert_int_eq(mkdir(p("logs"), 0755), 0);
	put(p("logs/log"), "w", "b1\n");
	pump(t, &c, "a1|b1|", 2000);
	ck_assert_str_eq(c.buf, "a1|b1|");
	ck_assert_int_eq(c.st[TS_WATCHING], 1);
	ck_assert(!polling(t));
	pump(t, &c, NULL, 300);   /* the renamed file let go: no timer is left */
	ck_assert_int_eq(tail_timeout_ms(t), -1);
	put(p("logs/log"), "a", "b2\n");
	pump(t, &c, "a1|b1|b2|", 1000);
	ck_assert_str_eq(c.buf, "a1|b1|b2|");
	tail_free(t);
}
END_TEST

START_TEST(polling_fallback)
{
	struct coll c;
	struct tail_opts o = { .force_poll = true, .poll_ms = 20 };
	struct tail *t = mk(&c, &o);

	put(p("log"), "w", "p1\n");
	ck_assert_int_eq(tail_add_file(t, p("log"), NULL), 0);
	ck_assert_int_eq(c.st[TS_POLLING], 1);
	pump(t, &c, "p1|", 500);
	ck_assert_int_ge(tail_timeout_ms(t), 0);
	put(p("log"), "a", "p2\n");
	pump(t, &c, "p1|p2|", 1000);
	ck_assert_int_eq(rename(p("log"), p("log.1")), 0);
	put(p("log"), "w", "p3\n");
	pump(t, &c, "p1|p2|p3|", 1000);
	ck_assert_str_eq(c.buf, "p1|p2|p3|");
	tail_free(t);
}
END_TEST

START_TEST(pipe_source)
{
	struct coll c;
	struct tail *t = mk(&c, NULL);
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(tail_add_fd(t, fds[0], "pipe"), 0);
	ck_assert_int_eq(write(fds[1], "q1\nq", 4), 4);
	pump(t, &c, "q1|", 500);
	ck_assert_int_eq(write(fds[1], "2\nq3", 4), 4);
	close(fds[1]);
	pump(t, &c, "q1|q2|q3|", 1000);
	ck_assert_str_eq(c.buf, "q1|q2|q3|");   /* the last, unterminated line at EOF */
	ck_assert(tail_done(t));
	ck_assert_int_eq(c.st[TS_EOF], 1);
	tail_free(t);
}
END_TEST

START_TEST(missing_dir)
{
	struct coll c;
	struct tail *t = mk(&c, NULL);
	const char *err = NULL;

	ck_assert_int_eq(tail_add_file(t, p("nodir/log"), &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "does not exist"));
	tail_free(t);
}
END_TEST

START_TEST(rotated_names)
{
	static const char *names[] = {
		"log", "log.1", "log.2.gz", "log.10.gz", "log-20261124", "log-20261123.gz",
		"log-20261124-1764000000", "log-2026112412345678901234",
		"log.bak", "logx.1", "log.3.bz2", "other.1",
	};
	char **l;
	size_t n;

	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		put(p(names[i]), "w", "");
	n = rotated_find(p("log"), &l);
	ck_assert_uint_eq(n, 6);
	ck_assert_str_eq(l[0], p("log-20261123.gz"));
	ck_assert_str_eq(l[1], p("log-20261124"));
	ck_assert_str_eq(l[2], p("log-20261124-1764000000"));   /* dateformat -%Y%m%d-%s */
	ck_assert_str_eq(l[3], p("log.10.gz"));
	ck_assert_str_eq(l[4], p("log.2.gz"));
	ck_assert_str_eq(l[5], p("log.1"));
	ck_assert(rotated_is_gz(l[0]));
	rotated_free(l, n);
}
END_TEST

Suite *suite_tail(void);

Suite *suite_tail(void)
{
	Suite *s = suite_create("tail");
	struct { const char *name; const TTest *test; } cases[] = {
		{ "history_and_partial", history_and_partial },
		{ "rename_create", rename_create },
		{ "old_quiet", old_quiet },
		{ "copytruncate", copytruncate },
		{ "copytruncate_partial", copytruncate_partial },
		{ "copytruncate_regrown", copytruncate_regrown },
		{ "dir_back_watched", dir_back_watched },
		{ "copytruncate_during_history", copytruncate_during_history },
		{ "copytruncate_recover", copytruncate_recover },
		{ "copytruncate_recover_names", copytruncate_recover_names },
		{ "delete_recreate_and_waiting", delete_recreate_and_waiting },
		{ "dir_replaced", dir_replaced },
		{ "symlink_changed", symlink_changed },
		{ "symlink_dir_rotated", symlink_dir_rotated },
		{ "polling_fallback", polling_fallback },
		{ "pipe_source", pipe_source },
		{ "missing_dir", missing_dir },
		{ "rotated_names", rotated_names },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		TCase *tc = tcase_create(cases[i].name);

		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_loop_test(tc, cases[i].test, 0, 2);
		suite_add_tcase(s, tc);
	}
	return s;
}
