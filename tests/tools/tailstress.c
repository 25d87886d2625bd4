/*
 * tailstress DIR [ROTATIONS]: a writer process appends numbered lines at
 * full speed while a rotator process rotates the file ROTATIONS times
 * (default 1000), alternating rename+create and copytruncate; this process
 * follows it with tail.c (taking runs of lines, as the UI and the follower
 * do) and checks every number arrives once, in order.
 *
 * Making the count meaningful: logrotate itself loses the lines written
 * between its copy and its truncate. Here the rotator pauses the writer
 * (pipe handshake) around copy+truncate, so no line is lost by the
 * rotation itself; lines the follower had not read yet when the file was
 * truncated must come from the copy. For rename+create the writer goes on
 * writing the renamed file until told to reopen (as rsyslog does until
 * logrotate's postrotate), so the follower must drain it. The copy is
 * written beside and renamed onto FILE.1, as logrotate creates a new file.
 * Each rotation waits until the follower has read a line written into the
 * current file (shared counters): a follower that is outrun by two
 * rotations before it looks misses the file in between, which a daily or
 * hourly logrotate never does; the test states that limit instead of
 * hiding it in timing.
 * The same holds for copytruncate: a file truncated and refilled past the
 * follower's offset between its check and its read hands it new lines from
 * the middle, and the ones before are skipped (no reader can tell). Here
 * files are rotated at 4 KiB, so a refill past the offset takes a
 * millisecond; in a real log it takes hours. So after a copytruncate the
 * writer writes one line and waits until the follower has read it, i.e.
 * has seen the truncation, before it goes on at full speed.
 * Exit 0 when nothing was lost, repeated or reordered.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tail.h"
#include "../tailrun.h"

struct shared {
	long gen_start;         /* first line number written into the current file */
	long readpos;           /* next line number the follower expects */
};
static struct shared *sh;

static char path[4096], path1[4200], tmp[4200];

struct st {
	long next, dups, gaps, end;
	bool done;
};

static void on_line(void *ctx, const char *line, size_t len)
{
	struct st *s = ctx;
	long n;

	if (len > 4 && memcmp(line, "END ", 4) == 0) {
		s->end = atol(line + 4);
		s->done = true;
		return;
	}
	if (len < 2 || line[0] != 'L') {
		fprintf(stderr, "tailstress: odd line '%.*s'\n", (int)len, line);
		s->gaps++;
		return;
	}
	n = atol(line + 1);
	if (n < s->next)
		s->dups++;
	else if (n > s->next) {
		s->gaps += n - s->next;
		if (getenv("TAILSTRESS_DEBUG"))
			fprintf(stderr, "gap: expected %ld got %ld\n", s->next, n);
	}
	s->next = n + 1;
	__atomic_store_n(&sh->readpos, s->next, __ATOMIC_RELEASE);
}

/* Runs of whole lines, as the UI and the follower take them. */
static void on_lines(void *ctx, const char *buf, size_t len)
{
	tailrun_each(on_line, ctx, buf, len);
}

static void on_status(void *ctx, enum tail_status st, const char *p, const char *msg)
{
	(void)ctx;
	(void)st;
	(void)p;
	if (getenv("TAILSTRESS_DEBUG"))
		fprintf(stderr, "status: %s\n", msg);
}

static void us_sleep(int us)
{
	struct timespec ts = { 0, us * 1000L };

	nanosleep(&ts, NULL);
}

static void writer(int ctl, int ack)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	char line[64], c;
	long n = 0;

	fcntl(ctl, F_SETFL, O_NONBLOCK);
	for (;;) {
		if (read(ctl, &c, 1) == 1) {
			if (c == 'q')
				break;
			if (c == 'h') {
				close(fd);
				fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
				__atomic_store_n(&sh->gen_start, n, __ATOMIC_RELEASE);
			} else if (c == 'p') {
				if (write(ack, "a", 1) != 1)
					_exit(2);
				fcntl(ctl, F_SETFL, 0);
				if (read(ctl, &c, 1) != 1)
					_exit(2);
				fcntl(ctl, F_SETFL, O_NONBLOCK);
				__atomic_store_n(&sh->gen_start, n, __ATOMIC_RELEASE);
				/* one line into the truncated file, then let the follower see it */
				int len = snprintf(line, sizeof(line), "L%09ld some padding to look like a log line\n", n);
				if (write(fd, line, (size_t)len) != len)
					_exit(3);
				n++;
				while (__atomic_load_n(&sh->readpos, __ATOMIC_ACQUIRE) < n)
					us_sleep(50);
			}
		}
		int len = snprintf(line, sizeof(line), "L%09ld some padding to look like a log line\n", n);

		if (write(fd, line, (size_t)len) != len)
			_exit(3);
		n++;
	}
	int len = snprintf(line, sizeof(line), "END %ld\n", n);

	if (write(fd, line, (size_t)len) != len)
		_exit(3);
	close(fd);
	_exit(0);
}

static off_t size_of(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? st.st_size : -1;
}

static void copy(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			_exit(4);
	close(in);
	close(out);
}

static void rotator(int ctl, int ack, int rotations)
{
	char c;

	for (int k = 0; k < rotations; k++) {
		while (size_of(path) < 4096 ||
		       __atomic_load_n(&sh->readpos, __ATOMIC_ACQUIRE) <= __atomic_load_n(&sh->gen_start, __ATOMIC_ACQUIRE))
			us_sleep(100);
		if (k % 2 == 0) {
			if (rename(path, path1) != 0)
				_exit(5);
			close(open(path, O_WRONLY | O_CREAT, 0644));
			us_sleep(100);          /* postrotate comes a little later */
			if (write(ctl, "h", 1) != 1)
				_exit(5);
		} else {
			if (write(ctl, "p", 1) != 1 || read(ack, &c, 1) != 1)
				_exit(6);
			copy(path, tmp);
			if (rename(tmp, path1) != 0 || truncate(path, 0) != 0)
				_exit(6);
			if (write(ctl, "r", 1) != 1)
				_exit(6);
		}
	}
	if (write(ctl, "q", 1) != 1)
		_exit(7);
	_exit(0);
}

int main(int argc, char **argv)
{
	int rotations = argc > 2 ? atoi(argv[2]) : 1000;
	int ctl[2], ack[2];
	pid_t w, r;
	struct st s = { 0 };
	struct tail_callbacks cb = { on_line, on_status, &s, on_lines };
	struct tail *t;
	struct tail_stats ts;
	struct timespec a, b;

	if (argc < 2) {
		fprintf(stderr, "usage: tailstress DIR [ROTATIONS]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/stress.log", argv[1]);
	snprintf(path1, sizeof(path1), "%s.1", path);
	snprintf(tmp, sizeof(tmp), "%s.1.tmp", path);
	close(open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	t = tail_new(&cb, NULL);
	if (tail_add_file(t, path, NULL) != 0)
		return 2;
	if (pipe(ctl) != 0 || pipe(ack) != 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &a);
	if ((w = fork()) == 0)
		writer(ctl[0], ack[1]);
	if ((r = fork()) == 0)
		rotator(ctl[1], ack[0], rotations);
	while (!s.done) {
		tailrun_step(t, 200);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (b.tv_sec - a.tv_sec > 300) {
			fprintf(stderr, "tailstress: timed out\n");
			break;
		}
	}
	int ws, rs;

	kill(w, SIGTERM);               /* no-ops when they finished */
	kill(r, SIGTERM);
	waitpid(w, &ws, 0);
	waitpid(r, &rs, 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	tail_get_stats(t, &ts);
	tail_free(t);
	double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;

	printf("tailstress: %d rotations requested; tail saw %u rotations, %u truncations; "
	       "%ld lines written, %ld read in order, %ld lost, %ld duplicated; %.1f s, %.0f lines/s\n",
	       rotations, ts.rotations, ts.truncations, s.end, s.next, s.gaps, s.dups, secs, (double)s.next / secs);
	return s.done && s.gaps == 0 && s.dups == 0 && s.next == s.end ? 0 : 1;
}
