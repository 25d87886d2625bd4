/*
 * followlat [-n LINES] [-L LONE] [-i SECONDS] [-m LINES] [-b BYTES] [BINARY]:
 * measures `sftptop --report=json --follow` from the outside and prints
 * the figures, one "name value  # what it is" line each (no assertion on
 * timing; exit 1 only when something did not work: an event missing, the
 * program dead or silent). BINARY defaults to build/sftptop.
 *
 * Three measurements, each with its own temp log and its own sftptop whose
 * stdout is a pipe read here:
 *
 *  - latency, write() of a line to its JSON event read from the pipe
 *    (CLOCK_MONOTONIC on both sides). The follower holds an event until
 *    its session's next line (which may carry "sent status") or 3 ms, so
 *    there are two honest figures:
 *      "next": -n LINES lines of one session written in lock step: line i
 *        is written, then we wait for the event of line i-1, which line i
 *        releases; the latency of line i-1 is from its own write() to its
 *        event, so it includes the (short) wait for the session's next line.
 *        This is a busy session;
 *      "lone": -L LINES lines each written alone, waiting for its event
 *        before writing the next: every event is released by the 3 ms
 *        hold. This is the last line of a burst, the worst ordinary case.
 *    Lines are open/close pairs on unique paths (/lat/K), which is how
 *    events are matched to writes; navigation (stat...) is not printed
 *    without --noise, so it cannot be timed.
 *  - idle CPU: sftptop follows a quiet file holding one open session for
 *    -i SECONDS; CPU time from /proc/PID/schedstat (ns; utime+stime of
 *    /proc/PID/stat counts whole clock ticks) and wake-ups from the
 *    context switch counts of /proc/PID/status, both as differences over
 *    the idle time. The program is killed by PID afterwards.
 *  - throughput: a child process appends -m LINES (build/tools/genlog -n
 *    output when genlog sits beside this program, else generated here) to
 *    the followed file in -b BYTES writes cut at line ends, as fast as it
 *    can, while this process counts "type":"event" objects on the pipe.
 *    The expected count comes from `sftptop --report=json --follow -`
 *    reading the same file on stdin (every event of a pipe is printed), so
 *    the check is "every event, once" without parsing the log here.
 *    follow_lines_per_s = LINES / (first write to last event read). The
 *    batch figure is `sftptop --report=json FILE > /dev/null` on the
 *    same file, wall time.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOST "sftp1"            /* not this machine: no pid check for lost sessions */
#define LAT_PID 4242
#define READY_PID 4000
#define WAIT_MS 5000            /* an expected event later than this is a failure */

static const char *bin = "build/sftptop";
static char dir[PATH_MAX];
static pid_t main_pid, cur_fol, writer;  /* stopped by PID on any way out */

/* The follower under test. */
struct fol {
	pid_t pid;
	int out;                /* read end of its stdout */
	char buf[1 << 16];
	size_t len, off;
	char errpath[PATH_MAX + 16];
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "followlat: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
}

/* "Nov 24 11:03:00" for now, so sessions are never idle long enough to be
 * marked lost during a run. */
static void stamp(char *s, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(s, n, "%b %e %H:%M:%S", &tm);
}

static void append_line(int fd, unsigned pid, const char *what)
{
	char ts[32], line[512];
	int n;

	stamp(ts, sizeof(ts));
	n = snprintf(line, sizeof(line), "%s " HOST " internal-sftp[%u]: %s\n", ts, pid, what);
	write_all(fd, line, (size_t)n);
}


static void fol_start(struct fol *f, const char *log, const char *input)
{
	int p[2];

	snprintf(f->errpath, sizeof(f->errpath), "%s/stderr", dir);
	if (pipe(p) != 0)
		die("pipe: %s", strerror(errno));
	f->pid = fork();
	if (f->pid < 0)
		die("fork: %s", strerror(errno));
	if (f->pid == 0) {
		int e = open(f->errpath, O_WRONLY | O_CREAT | O_APPEND, 0600);

		dup2(p[1], 1);
		if (e >= 0)
			dup2(e, 2);
		if (input != NULL) {
			int in = open(input, O_RDONLY);

			if (in < 0)
				_exit(126);
			dup2(in, 0);
		}
		close(p[0]);
		close(p[1]);
		execl(bin, bin, "--report=json", "--follow", log, (char *)NULL);
		_exit(127);
	}
	cur_fol = f->pid;
	close(p[1]);
	f->out = p[0];
	f->len = f->off = 0;
}

/* Stop it by PID; returns its exit status (-1 if killed by a signal). */
static int fol_stop(struct fol *f, int sig)
{
	int st;

	if (f->pid <= 0)
		return -1;
	if (sig != 0)
		kill(f->pid, sig);
	while (waitpid(f->pid, &st, 0) < 0 && errno == EINTR)
		;
	f->pid = 0;
	cur_fol = 0;
	close(f->out);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Next complete output line (NUL-terminated, in f->buf), waiting at most
 * ms; NULL on timeout or EOF. *at = when the read that completed it
 * returned. */
static char *fol_line(struct fol *f, int ms, int64_t *at)
{
	static int64_t last_read;

	for (;;) {
		char *nl = memchr(f->buf + f->off, '\n', f->len - f->off);

		if (nl != NULL) {
			char *l = f->buf + f->off;

			*nl = '\0';
			f->off = (size_t)(nl - f->buf) + 1;
			*at = last_read;
			return l;
		}
		if (f->off > 0) {
			memmove(f->buf, f->buf + f->off, f->len - f->off);
			f->len -= f->off;
			f->off = 0;
		}
		if (f->len == sizeof(f->buf))
			die("%s", "an output line longer than 64 KiB");
		struct pollfd pfd = { .fd = f->out, .events = POLLIN };
		int r = poll(&pfd, 1, ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return NULL;
		ssize_t n = read(f->out, f->buf + f->len, sizeof(f->buf) - f->len);

		last_read = now_ns();
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		f->len += (size_t)n;
	}
}

static void fol_fail(struct fol *f, const char *what)
{
	char cmd[PATH_MAX + 64];

	fprintf(stderr, "followlat: %s\n", what);
	fol_stop(f, SIGKILL);
	snprintf(cmd, sizeof(cmd), "cat '%s' >&2", f->errpath);
	if (system(cmd) != 0)
		fprintf(stderr, "followlat: (no stderr)\n");
	exit(1);
}

/* Wait until it prints: lines written before it caught up with the file
 * are history and print nothing, so write a new session every 100 ms until
 * one is printed. */
static void fol_ready(struct fol *f, int logfd)
{
	for (unsigned i = 0; i < WAIT_MS / 100; i++) {
		int64_t at, until = now_ns() + 100000000;
		char *l;

		append_line(logfd, READY_PID + i, "session opened for local user ready from [192.0.2.8]");
		while (now_ns() < until && (l = fol_line(f, 100, &at)) != NULL)
			if (strstr(l, "\"type\":\"session\"") != NULL && strstr(l, "\"user\":\"ready\"") != NULL)
				return;
	}
	fol_fail(f, "sftptop printed nothing for a new session (not following?)");
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct_ms(int64_t *v, size_t n, double p)
{
	size_t i = (size_t)(p * (double)n + 0.999999);

	if (n == 0)
		return 0;
	i = i == 0 ? 0 : i - 1;
	if (i >= n)
		i = n - 1;
	return (double)v[i] / 1e6;
}

/* Line k of the latency stream: open /lat/K then close /lat/K. */
static void lat_line(int fd, unsigned k)
{
	char what[128];

	if (k % 2 == 0)
		snprintf(what, sizeof(what), "open \"/lat/%u\" flags READ mode 0666", k / 2);
	else
		snprintf(what, sizeof(what), "close \"/lat/%u\" bytes read 4096 written 0", k / 2);
	append_line(fd, LAT_PID, what);
}

/* Which latency line an output line is the event of, or -1. */
static long lat_key(const char *l)
{
	const char *p = strstr(l, "\"path\":\"/lat/");
	const char *op = strstr(l, "\"op\":\"");

	if (p == NULL || op == NULL || strstr(l, "\"type\":\"event\"") == NULL)
		return -1;
	long k = strtol(p + 13, NULL, 10) * 2;

	return strncmp(op + 6, "close\"", 6) == 0 ? k + 1 : k;
}

/* Wait for the event of line key; returns when it was read. */
static int64_t lat_wait(struct fol *f, long key)
{
	char *l, msg[96];
	int64_t at;

	while ((l = fol_line(f, WAIT_MS, &at)) != NULL) {
		long k = lat_key(l);

		if (k == key)
			return at;
		if (k > key) {
			snprintf(msg, sizeof(msg), "event of latency line %ld came before line %ld", k, key);
			fol_fail(f, msg);
		}
	}
	snprintf(msg, sizeof(msg), "no event for latency line %ld within %d ms", key, WAIT_MS);
	fol_fail(f, msg);
	return 0;
}

static void latency(unsigned n, unsigned nlone)
{
	char log[PATH_MAX + 16];
	struct fol f;
	int64_t *next = calloc(n + 1, sizeof(*next)), *lone = calloc(nlone + 1, sizeof(*lone));
	int64_t *wrote = calloc(n + 1, sizeof(*wrote));
	int fd;

	if (next == NULL || lone == NULL || wrote == NULL)
		die("%s", "out of memory");
	snprintf(log, sizeof(log), "%s/lat.log", dir);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (fd < 0)
		die("cannot create the log: %s", strerror(errno));
	fol_start(&f, log, NULL);
	fol_ready(&f, fd);
	append_line(fd, LAT_PID, "session opened for local user bench from [192.0.2.7]");

	/* lock step: write line i, then wait for the event of line i-1 */
	wrote[0] = now_ns();
	lat_line(fd, 0);
	for (unsigned i = 1; i <= n; i++) {
		wrote[i] = now_ns();
		lat_line(fd, i);
		next[i - 1] = lat_wait(&f, (long)i - 1) - wrote[i - 1];
	}
	lat_wait(&f, n);        /* the last one, released by the hold */

	/* alone: each line waits for its event (the 3 ms hold) */
	for (unsigned i = 0; i < nlone; i++) {
		unsigned k = n + 1 + i;
		int64_t t = now_ns();

		lat_line(fd, k);
		lone[i] = lat_wait(&f, k) - t;
	}
	if (fol_stop(&f, SIGTERM) != 0)
		fprintf(stderr, "followlat: sftptop did not exit 0 on SIGTERM\n");
	close(fd);
	qsort(next, n, sizeof(*next), cmp_i64);
	qsort(lone, nlone, sizeof(*lone), cmp_i64);
	printf("follow_latency_median_ms %.3f  # write() to JSON event, %u lines of a busy session"
	       " (each followed by its session's next line as soon as its predecessor's event was out)\n",
	       pct_ms(next, n, 0.5), n);
	printf("follow_latency_p99_ms %.3f\n", pct_ms(next, n, 0.99));
	printf("follow_latency_lone_median_ms %.3f  # write() to JSON event, %u lines each alone"
	       " (released by the 3 ms wait for a \"sent status\")\n", pct_ms(lone, nlone, 0.5), nlone);
	printf("follow_latency_lone_p99_ms %.3f\n", pct_ms(lone, nlone, 0.99));
	fflush(stdout);
	free(next);
	free(lone);
	free(wrote);
}

/* schedstat's on-CPU ns, and voluntary + involuntary context switches. */
static bool proc_cpu(pid_t pid, int64_t *ns, long *switches)
{
	char path[64], line[256];
	unsigned long long run;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	fp = fopen(path, "r");
	if (fp == NULL)
		return false;
	if (fscanf(fp, "%llu", &run) != 1) {
		fclose(fp);
		return false;
	}
	fclose(fp);
	*ns = (int64_t)run;
	*switches = 0;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fp = fopen(path, "r");
	if (fp == NULL)
		return false;
	while (fgets(line, sizeof(line), fp) != NULL) {
		long v;

		if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1 ||
		    sscanf(line, "nonvoluntary_ctxt_switches: %ld", &v) == 1)
			*switches += v;
	}
	fclose(fp);
	return true;
}

/* utime + stime of /proc/PID/stat, in ms (clock tick resolution). */
static double proc_ticks_ms(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long ut, st;
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fp = fopen(path, "r");
	if (fp == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');

	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

static void idle(unsigned secs)
{
	char log[PATH_MAX + 16];
	struct fol f;
	int64_t ns0, ns1;
	long sw0, sw1;
	double t0, t1;
	int fd;

	snprintf(log, sizeof(log), "%s/idle.log", dir);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (fd < 0)
		die("cannot create the log: %s", strerror(errno));
	append_line(fd, 4100, "session opened for local user idle from [192.0.2.9]");         /* history: a session that stays open */
	append_line(fd, 4100, "open \"/idle/a\" flags READ mode 0666");
	fol_start(&f, log, NULL);
	fol_ready(&f, fd);
	usleep(100000);                 /* let the ready event's hold pass */
	if (!proc_cpu(f.pid, &ns0, &sw0))
		fol_fail(&f, "cannot read /proc/PID/schedstat");
	t0 = proc_ticks_ms(f.pid);
	sleep(secs);
	if (!proc_cpu(f.pid, &ns1, &sw1))
		fol_fail(&f, "sftptop died while idle");
	t1 = proc_ticks_ms(f.pid);
	if (fol_stop(&f, SIGTERM) != 0)
		fprintf(stderr, "followlat: sftptop did not exit 0 on SIGTERM\n");
	close(fd);
	printf("idle_cpu_ms %.3f  # CPU time (schedstat) of %u s of following a quiet file with one open session\n",
	       (double)(ns1 - ns0) / 1e6, secs);
	printf("idle_cpu_ms_per_60s %.3f\n", (double)(ns1 - ns0) / 1e6 * 60.0 / secs);
	printf("idle_cpu_ticks_ms %.0f  # the same from utime+stime (whole clock ticks)\n", t1 - t0);
	printf("idle_wakeups %ld  # context switches in those %u s\n", sw1 - sw0, secs);
	fflush(stdout);
}

/* The throughput log: genlog's when it is beside us, else made here. */
static void make_log(const char *path, unsigned long m, const char *self)
{
	char genlog[PATH_MAX], num[32];
	const char *slash = strrchr(self, '/');
	pid_t pid;
	int st;

	snprintf(genlog, sizeof(genlog), "%.*sgenlog", slash ? (int)(slash - self + 1) : 0, self);
	snprintf(num, sizeof(num), "%lu", m);
	if (access(genlog, X_OK) == 0) {
		pid = fork();
		if (pid == 0) {
			execl(genlog, genlog, "-n", num, "-s", "1", "-o", path, (char *)NULL);
			_exit(127);
		}
		if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			return;
		fprintf(stderr, "followlat: %s failed, making the lines here\n", genlog);
	}
	FILE *fp = fopen(path, "w");
	char ts[32];

	if (fp == NULL)
		die("cannot create the log: %s", strerror(errno));
	stamp(ts, sizeof(ts));
	for (unsigned long i = 0; i < m; i++) {
		unsigned pid2 = 10000 + (unsigned)(i / 50);

		switch (i % 50) {
		case 0:
			fprintf(fp, "%s " HOST " internal-sftp[%u]: session opened for local user u%u from [10.0.0.%u]\n",
				ts, pid2, pid2 % 97, pid2 % 250 + 1);
			break;
		case 49:
			fprintf(fp, "%s " HOST " internal-sftp[%u]: session closed for local user u%u from [10.0.0.%u]\n",
				ts, pid2, pid2 % 97, pid2 % 250 + 1);
			break;
		default:
			if (i % 2)
				fprintf(fp, "%s " HOST " internal-sftp[%u]: open \"/d/f%lu\" flags READ mode 0666\n",
					ts, pid2, i);
			else
				fprintf(fp, "%s " HOST " internal-sftp[%u]: close \"/d/f%lu\" bytes read 1024 written 0\n",
					ts, pid2, i - 1);
		}
	}
	if (fclose(fp) != 0)
		die("cannot write the log: %s", strerror(errno));
}

static char *slurp(const char *path, size_t *len)
{
	struct stat sb;
	int fd = open(path, O_RDONLY);
	char *p;

	if (fd < 0 || fstat(fd, &sb) != 0)
		die("cannot read %s", path);
	p = malloc((size_t)sb.st_size + 1);
	if (p == NULL)
		die("%s", "out of memory");
	for (size_t got = 0; got < (size_t)sb.st_size;) {
		ssize_t r = read(fd, p + got, (size_t)sb.st_size - got);

		if (r <= 0)
			die("cannot read %s", path);
		got += (size_t)r;
	}
	close(fd);
	*len = (size_t)sb.st_size;
	return p;
}

/* Events in sftptop's output until EOF or quiet for ms; *last = when the
 * last one was read. */
static unsigned long count_events(struct fol *f, unsigned long want, int ms, int64_t *last)
{
	unsigned long n = 0;
	int64_t at;
	char *l;

	*last = 0;
	while ((want == 0 || n < want) && (l = fol_line(f, ms, &at)) != NULL)
		if (strncmp(l, "{\"type\":\"event\"", 15) == 0) {
			n++;
			*last = at;
		}
	return n;
}

static double batch_secs(const char *log)
{
	int64_t t0 = now_ns();
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execl(bin, bin, "--report=json", log, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("%s --report=json failed", bin);
	return (double)(now_ns() - t0) / 1e9;
}

static void throughput(unsigned long m, size_t block, const char *self)
{
	char src[PATH_MAX + 16], log[PATH_MAX + 16];
	unsigned long expect, got;
	int64_t t0, last;
	struct fol f;
	size_t len;
	char *data;
	int fd, st;

	snprintf(src, sizeof(src), "%s/thr-src.log", dir);
	snprintf(log, sizeof(log), "%s/thr.log", dir);
	make_log(src, m, self);
	data = slurp(src, &len);

	/* what every event of these lines, once, looks like: a pipe's follow */
	fol_start(&f, "-", src);
	expect = count_events(&f, 0, 60000, &last);
	if (fol_stop(&f, 0) != 0)
		die("%s --report=json --follow - failed", bin);

	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (fd < 0)
		die("cannot create the log: %s", strerror(errno));
	fol_start(&f, log, NULL);
	fol_ready(&f, fd);
	t0 = now_ns();
	pid_t w = fork();

	if (w < 0)
		fol_fail(&f, "fork failed");
	writer = w;
	if (w == 0) {
		for (size_t off = 0; off < len;) {
			size_t n = len - off > block ? block : len - off;

			if (off + n < len) {    /* whole lines per write(), as syslog daemons do */
				const char *nl = memrchr(data + off, '\n', n);

				if (nl != NULL)
					n = (size_t)(nl - (data + off)) + 1;
			}
			write_all(fd, data + off, n);
			off += n;
		}
		_exit(0);
	}
	got = count_events(&f, expect, 10000, &last);
	while (waitpid(w, &st, 0) < 0 && errno == EINTR)
		;
	writer = 0;
	double cpu = proc_ticks_ms(f.pid);

	if (got == expect) {            /* nothing more may come: no duplicates */
		int64_t dummy;
		unsigned long extra = count_events(&f, 0, 300, &dummy);

		if (extra != 0) {
			fprintf(stderr, "followlat: %lu events more than expected\n", extra);
			got += extra;
		}
	}
	if (fol_stop(&f, SIGTERM) != 0)
		fprintf(stderr, "followlat: sftptop did not exit 0 on SIGTERM\n");
	close(fd);
	double secs = (double)(last - t0) / 1e9;

	printf("follow_lines_per_s %.0f  # %lu lines appended as fast as possible (%zu-byte writes),"
	       " first write to last event read\n", last > t0 ? (double)m / secs : 0.0, m, block);
	printf("follow_cpu_ms %.0f  # the follower's CPU time for them (clock ticks)\n", cpu);
	printf("follow_events %lu  # of %lu expected\n", got, expect);
	double b = batch_secs(log);

	printf("batch_lines_per_s %.0f  # sftptop --report=json FILE > /dev/null on the same file\n", (double)m / b);
	fflush(stdout);
	free(data);
	if (got != expect) {
		fprintf(stderr, "followlat: follow printed %lu events, a pipe of the same lines %lu\n", got, expect);
		exit(1);
	}
}

/* Only async-signal-safe calls: also run from the SIGINT/SIGTERM handler. */
static void cleanup(void)
{
	pid_t pid;

	if (getpid() != main_pid)
		return;         /* a child that failed: the parent cleans up */
	if (cur_fol > 0)
		kill(cur_fol, SIGKILL);
	if (writer > 0)
		kill(writer, SIGKILL);
	if (dir[0] == '\0')
		return;
	pid = fork();
	if (pid == 0) {
		execl("/bin/rm", "rm", "-rf", dir, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

static void on_signal(int sig)
{
	(void)sig;
	cleanup();
	_exit(1);
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || *end != '\0')
		die("not a number: %s", s);
	return v;
}

int main(int argc, char **argv)
{
	unsigned long n = 10000, nlone = 2000, secs = 60, m = 1000000, block = 65536;
	const char *tmp = getenv("TMPDIR");
	int c;

	while ((c = getopt(argc, argv, "n:L:i:m:b:h")) != -1) {
		switch (c) {
		case 'n': n = num(optarg); break;
		case 'L': nlone = num(optarg); break;
		case 'i': secs = num(optarg); break;
		case 'm': m = num(optarg); break;
		case 'b': block = num(optarg); break;
		default:
			fprintf(stderr, "usage: followlat [-n LINES] [-L LONE] [-i SECONDS] [-m LINES] [-b BYTES] [BINARY]\n"
				"  0 skips a measurement\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind < argc)
		bin = argv[optind];
	if (access(bin, X_OK) != 0)
		die("%s is not executable", bin);
	if (block == 0)
		block = 1;
	signal(SIGPIPE, SIG_IGN);
	main_pid = getpid();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	snprintf(dir, sizeof(dir), "%s/followlat.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		dir[0] = '\0';
		die("mkdtemp: %s", strerror(errno));
	}
	atexit(cleanup);
	if (n > 0 || nlone > 0)
		latency((unsigned)n, (unsigned)nlone);
	if (secs > 0)
		idle((unsigned)secs);
	if (m > 0)
		throughput(m, block, argv[0]);
	return 0;
}
