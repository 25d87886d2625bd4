/*
 * tailorder: the follower keeps writing order across a rename+create
 * rotation when the writer switches files at the worst moment.
 *
 * rsyslog writes its last line into the renamed file, closes it and writes
 * its first line into the new one. If all three happen after the follower
 * last looked at the new file's size and before it reads the new file, the
 * new file holds a line written after one the old file still has unread: the
 * follower must not hand it out first. Real timing hits this window now and
 * then; here it is forced: the program is linked with -Wl,--wrap=fstat, and
 * the writer's three steps run right after the follower's first look at the
 * new file's size once armed. Run twice: lines one by one, and in runs.
 * Exit 0 when both give L0, L1, L2 in that order.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tail.h"
#include "../tailrun.h"

int __real_fstat(int fd, struct stat *st);
int __wrap_fstat(int fd, struct stat *st);

static char logp[4096], log1[4200];
static int armed, old_fd = -1;
static ino_t new_ino;

static void put_line(int fd, const char *s)
{
	size_t n = strlen(s);

	if (write(fd, s, n) != (ssize_t)n) {
		perror("tailorder: write");
		exit(2);
	}
}

int __wrap_fstat(int fd, struct stat *st)
{
	int rc = __real_fstat(fd, st);

	if (rc == 0 && armed && st->st_ino == new_ino) {
		int fd2;

		armed = 0;
		put_line(old_fd, "L1 last line into the old file\n");
		close(old_fd);
		old_fd = -1;
		fd2 = open(logp, O_WRONLY | O_APPEND);
		if (fd2 < 0) {
			perror("tailorder: open");
			exit(2);
		}
		put_line(fd2, "L2 first line into the new file\n");
		close(fd2);
	}
	return rc;
}

struct coll {
	char buf[4096];
	size_t len;
};

static void on_line(void *ctx, const char *line, size_t len)
{
	struct coll *c = ctx;

	if (c->len + len + 2 > sizeof(c->buf))
		return;
	memcpy(c->buf + c->len, line, len);
	c->len += len;
	c->buf[c->len++] = '|';
	c->buf[c->len] = '\0';
}

static void on_lines(void *ctx, const char *buf, size_t len)
{
	tailrun_each(on_line, ctx, buf, len);
}

static void on_status(void *ctx, enum tail_status st, const char *path, const char *msg)
{
	(void)ctx;
	(void)st;
	(void)path;
	(void)msg;
}

static void pump(struct tail *t, int ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (;;) {
		tailrun_step(t, 10);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 > ms)
			return;
	}
}

static int one(const char *dir, int runs)
{
	const char *want = "L0|L1 last line into the old file|L2 first line into the new file|";
	struct coll c = { .len = 0 };
	struct tail_callbacks cb = { on_line, on_status, &c, runs ? on_lines : NULL };
	struct tail *t = tail_new(&cb, NULL);
	struct stat st;
	int fd;

	snprintf(logp, sizeof(logp), "%s/log%d", dir, runs);
	snprintf(log1, sizeof(log1), "%s.1", logp);
	old_fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (t == NULL || old_fd < 0)
		return 2;
	put_line(old_fd, "L0\n");
	if (tail_add_file(t, logp, NULL) != 0)
		return 2;
	pump(t, 100);
	/* logrotate: rename, create; the writer still has the old file open */
	if (rename(logp, log1) != 0 || (fd = open(logp, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0)
		return 2;
	close(fd);
	if (stat(logp, &st) != 0)
		return 2;
	new_ino = st.st_ino;
	pump(t, 100);           /* the rotation is seen; the old file is kept open */
	armed = 1;
	pump(t, 300);
	tail_free(t);
	if (armed) {
		fprintf(stderr, "tailorder: the follower never looked at the new file\n");
		return 1;
	}
	if (strcmp(c.buf, want) != 0) {
		fprintf(stderr, "tailorder (%s): got %s\n  expected %s\n", runs ? "runs" : "lines", c.buf, want);
		return 1;
	}
	printf("tailorder (%s): %s\n", runs ? "runs" : "lines", c.buf);
	return 0;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: tailorder DIR\n");
		return 2;
	}
	rc = one(argv[1], 0);
	if (rc == 0)
		rc = one(argv[1], 1);
	return rc;
}
