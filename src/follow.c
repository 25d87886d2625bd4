/*
 * follow: `--report=json|text --follow`. Glue between tail (lines), ingest
 * (model) and report (one line per event or session change), in one poll()
 * loop that also watches a signalfd for SIGINT/SIGTERM.
 *
 * History first: with -R each file's rotated predecessors go through
 * ingest_files(); the live file itself is read by the tail from offset 0,
 * so no line falls between history and following. Nothing is printed until
 * the tail has caught up (unless opts.history), except with stdin ("-"),
 * where every event is printed.
 *
 * Holding events: a request's failure arrives on the next line of its
 * session ("sent status X"), so a new event is held until that session's
 * next line moved its last_request on, the status arrived, the session
 * ended, or hold_ms passed (a poll timeout, never a sleep). hold_ms runs
 * only while no input is waiting, so reading a backlog (a big file on
 * stdin, catching up) attaches every status as the batch reader does.
 * Events of a session stay in order; events of different sessions may swap
 * within the hold window. A status written more than hold_ms after its
 * request is not reflected in the output.
 *
 * Lost sessions: when a session's host is this machine (short hostname),
 * an open session whose pid is gone, or belongs to a process started after
 * the session, is marked lost; sessions of other hosts are marked lost
 * after idle_timeout without a line. Checked every few seconds, and only
 * while sessions are open.
 *
 * Output is flushed before every poll(), so an event is on stdout before
 * the loop sleeps again; within a burst, one write per read batch.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "follow.h"
#include "rotated.h"
#include "tail.h"
#include "util.h"

#define HOLD_DEFAULT_MS 3
#define LOST_CHECK_MS 5000
#define IDLE_DEFAULT ((int64_t)4 * 3600 * 1000000)
#define READ_BATCH (256 * 1024)

/* How long a session of a gone process waits for its "session closed" line. */
#define LOST_GRACE_US (INT64_C(5) * 1000000)

struct held {
	uint32_t ev;
	int64_t due_ms;
};

struct fol {
	const struct follow_opts *o;
	struct model *m;
	struct ingest_pipe *pipe;       /* the history's lines, parsed by helpers (NULL once caught up) */
	bool printing;
	struct held *held;
	size_t nheld, heldcap;
	uint32_t *open;                 /* sessions that may be open */
	size_t nopen, opencap;
	uint8_t *inopen;                /* by session id */
	size_t inopencap;
	char host[256];                 /* short hostname */
	int64_t next_lost_ms;
	long clk_tck;
	time_t btime;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool shown_event(struct fol *f, uint32_t ev)
{
	const struct model_event *e = model_event(f->m, ev);

	if ((e->bits & EV_NOISE) && !f->o->ro->noise)
		return false;
	return f->o->flt == NULL || filter_event(f->m, f->o->flt, ev);
}

static void print_event(struct fol *f, uint32_t ev)
{
	if (shown_event(f, ev))
		report_follow_event(stdout, f->m, f->o->ro, ev);
}

/* Print held events that can no longer change (all when force). */
static void flush_held(struct fol *f, bool force, int64_t now, uint32_t only_sess)
{
	size_t j = 0;

	for (size_t i = 0; i < f->nheld; i++) {
		uint32_t ev = f->held[i].ev;
		const struct model_event *e = model_event(f->m, ev);
		const struct model_session *s = model_session(f->m, e->sess);
		bool final = force || (e->bits & EV_FAILED) || s->last_request != ev ||
			     s->state != SS_OPEN || f->held[i].due_ms <= now || e->sess == only_sess;

		if (final)
			print_event(f, ev);
		else
			f->held[j++] = f->held[i];
	}
	f->nheld = j;
}

static void track_open(struct fol *f, uint32_t sess)
{
	if (sess >= f->inopencap) {
		size_t old = f->inopencap;

		xgrow(&f->inopen, &f->inopencap, (size_t)sess + 1, 1);
		memset(f->inopen + old, 0, f->inopencap - old);
	}
	if (f->inopen[sess])
		return;
	f->inopen[sess] = 1;
	if (f->nopen == f->opencap)
		xgrow(&f->open, &f->opencap, f->nopen + 1, sizeof(*f->open));
	f->open[f->nopen++] = sess;
	if (f->next_lost_ms == 0)
		f->next_lost_ms = mono_ms() + LOST_CHECK_MS;
}

static void hook_event(void *ctx, uint32_t ev)
{
	struct fol *f = ctx;
	const struct model_event *e = model_event(f->m, ev);

	track_open(f, e->sess);
	if (!f->printing)
		return;
	if (f->nheld == f->heldcap)
		xgrow(&f->held, &f->heldcap, f->nheld + 1, sizeof(*f->held));
	f->held[f->nheld++] = (struct held){ ev, mono_ms() + (f->o->hold_ms > 0 ? f->o->hold_ms : HOLD_DEFAULT_MS) };
}

static void hook_session(void *ctx, uint32_t sess, enum model_change what)
{
	struct fol *f = ctx;

	if (what == MC_OPENED)
		track_open(f, sess);
	if (!f->printing || what == MC_UPDATED)
		return;
	if (what != MC_OPENED)
		flush_held(f, false, 0, sess);    /* expiry: only in the loop */
	if (f->o->flt == NULL || filter_session(f->m, f->o->flt, sess))
		report_follow_session(stdout, f->m, f->o->ro, sess, what);
}

static void on_line(void *ctx, const char *line, size_t len)
{
	struct fol *f = ctx;

	/* No flush_held() here: a scan of every held event per line made a
	 * burst quadratic in the sessions active within it (half the CPU of a
	 * follower at full speed). Output only leaves at the flush before
	 * poll(), so the scan after each read batch releases them as soon. */
	if (f->pipe != NULL)
		ingest_pipe_line(f->pipe, line, len);
	else
		ingest_line(f->o->in, line, len);
}

static void on_lines(void *ctx, const char *buf, size_t len)
{
	struct fol *f = ctx;

	if (f->pipe != NULL)
		ingest_pipe_lines(f->pipe, buf, len);
	else
		ingest_buffer(f->o->in, buf, len, true);
}

static void on_status(void *ctx, enum tail_status st, const char *path, const char *msg)
{
	struct fol *f = ctx;

	(void)path;
	if (st != TS_WAITING && st != TS_DELETED && st != TS_POLLING && st != TS_WATCHING && st != TS_ERROR &&
	    st != TS_OVERFLOW)
		return;         /* routine: opened, rotated, caught up... */
	/* once running, the name is missing for a moment at every rotation (rename, then
	 * create): say so only at start-up; a deletion is reported as TS_DELETED */
	if (st == TS_WAITING && f->printing)
		return;
	if (f->o->diag != NULL)
		fprintf(f->o->diag, "sftptop: %s\n", msg);
}

static bool same_host(const char *a, size_t alen, const char *b)
{
	size_t blen = strcspn(b, ".");

	alen = strcspn(a, ".") < alen ? strcspn(a, ".") : alen;
	return alen == blen && strncasecmp(a, b, alen) == 0;
}

/* Start of pid as wall time, or 0 when there is no such process. */
static time_t proc_start(struct fol *f, uint32_t pid)
{
	char path[64], buf[1024];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fp = fopen(path, "r");
	if (fp == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');        /* the command may hold spaces */
	unsigned long long start;

	if (p == NULL || f->clk_tck <= 0 || f->btime == 0)
		return 1;
	/* after ")": state is field 3, starttime field 22 */
	/* NOLINTNEXTLINE(cert-err34-c): the kernel's own numbers, in range */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &start) != 1)
		return 1;
	return f->btime + (time_t)(start / (unsigned long long)f->clk_tck);
}

static void boot_time(struct fol *f)
{
	FILE *fp = fopen("/proc/stat", "r");
	char line[256];

	f->clk_tck = sysconf(_SC_CLK_TCK);
	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "btime %ld", &f->btime) == 1)   /* NOLINT(cert-err34-c): the kernel's own number */
			break;
	fclose(fp);
}

/* The retention window renumbered sessions: carry the open list over. */
static void hook_compacted(void *ctx)
{
	struct fol *f = ctx;
	size_t j = 0;

	memset(f->inopen, 0, f->inopencap);
	for (size_t i = 0; i < f->nopen; i++) {
		uint32_t sid = model_remap_session(f->m, f->open[i]);
		if (sid == MODEL_NONE)
			continue;
		if (sid >= f->inopencap) {
			size_t old = f->inopencap;
			xgrow(&f->inopen, &f->inopencap, (size_t)sid + 1, 1);
			memset(f->inopen + old, 0, f->inopencap - old);
		}
		f->inopen[sid] = 1;
		f->open[j++] = sid;
	}
	f->nopen = j;
}

static void check_lost(struct fol *f)
{
	int64_t now_wall = ltime_local_wall(time(NULL));
	int64_t idle = f->o->idle_timeout > 0 ? f->o->idle_timeout : IDLE_DEFAULT;
	size_t j = 0;

	for (size_t i = 0; i < f->nopen; i++) {
		uint32_t sid = f->open[i];
		const struct model_session *s = model_session(f->m, sid);
		size_t hlen;
		const char *h = s->host != 0 ? model_str(f->m, s->host, &hlen) : NULL;
		bool lost = false;

		if (s->state != SS_OPEN) {
			f->inopen[sid] = 0;
			continue;
		}
		if (h != NULL && f->host[0] != '\0' && same_host(h, hlen, f->host) && s->pid != 0) {
			time_t st = proc_start(f, s->pid);
			int64_t began = s->start != 0 ? s->start : s->first;

			/* a process that just ended may still have its "session closed" on the way */
			lost = (st == 0 || (st > 1 && ltime_local_wall(st) > began + 2000000)) &&
			       now_wall - s->last > LOST_GRACE_US;
		} else {
			lost = now_wall - s->last > idle;
		}
		if (lost) {
			model_mark_lost(f->m, sid);     /* hook prints it when printing */
			f->inopen[sid] = 0;
			continue;
		}
		f->open[j++] = sid;
	}
	f->nopen = j;
	f->next_lost_ms = f->nopen > 0 ? mono_ms() + LOST_CHECK_MS : 0;
}

int follow_parse_duration(const char *s, int64_t *us)
{
	char *end;
	double v = strtod(s, &end);
	double mul = 1;

	if (end == s || v < 0)
		return -1;
	switch (*end) {
	case '\0': case 's': mul = 1; break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = 86400; break;
	default: return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	*us = (int64_t)(v * mul * 1e6);
	return 0;
}

static int load_rotated(const struct follow_opts *o)
{
	for (size_t i = 0; i < o->nfiles; i++) {
		char **list;
		size_t n;

		if (strcmp(o->files[i], "-") == 0)
			continue;
		n = rotated_find(o->files[i], &list);
		int rc = n > 0 ? ingest_files(o->in, (const char *const *)list, n) : 0;

		rotated_free(list, n);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int signal_fd(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);    /* read and shrugged off: a log reader does not die of a hangup */
	sigprocmask(SIG_BLOCK, &set, old);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static bool out_ok(void)
{
	if (fflush(stdout) == 0)
		return true;
	if (errno != EPIPE)
		fprintf(stderr, "sftptop: cannot write: %s\n", strerror(errno));
	return false;
}

int follow_run(const struct follow_opts *o)
{
	struct fol f = { .o = o, .m = o->m };
	struct model_hooks hooks = { .event = hook_event, .session = hook_session, .ctx = &f,
	                             .compacted = hook_compacted };
	struct tail_callbacks cb = { on_line, on_status, &f, on_lines };
	struct tail_opts to = { .force_poll = o->poll };
	sigset_t oldmask;
	int sfd, rc = 0;
	struct tail *t;

	if (gethostname(f.host, sizeof(f.host) - 1) != 0)
		f.host[0] = '\0';
	f.host[strcspn(f.host, ".")] = '\0';
	boot_time(&f);
	signal(SIGPIPE, SIG_IGN);
	model_set_hooks(o->m, &hooks);
	f.printing = o->history;
	for (size_t i = 0; i < o->nfiles; i++) {
		struct stat st;
		if (strcmp(o->files[i], "-") == 0 || (stat(o->files[i], &st) == 0 && S_ISFIFO(st.st_mode)))
			f.printing = true;      /* a pipe has no history to skip */
	}
	if (o->rotated && load_rotated(o) != 0) {
		model_set_hooks(o->m, NULL);
		return 1;
	}
	t = tail_new(&cb, &to);
	for (size_t i = 0; i < o->nfiles; i++) {
		const char *err;

		if (tail_add_file(t, o->files[i], &err) != 0) {
			fprintf(stderr, "sftptop: %s\n", err);
			tail_free(t);
			model_set_hooks(o->m, NULL);
			return 1;
		}
	}
	sfd = signal_fd(&oldmask);
	/* a history nobody sees is parsed by helper threads */
	if (!f.printing)
		f.pipe = ingest_pipe_new(o->in);
	ingest_set_reference(o->in, ltime_local_wall(time(NULL)));
	for (;;) {
		struct pollfd pfd[16];
		int n = tail_pollfds(t, pfd, 15), nfd = n, timeout;
		int64_t now = mono_ms();

		if (!out_ok()) {
			rc = errno == EPIPE ? 0 : 1;
			break;
		}
		if (sfd >= 0)
			pfd[nfd++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		timeout = tail_pending(t) ? 0 : tail_timeout_ms(t);
		if (f.nheld > 0) {
			int64_t d = f.held[0].due_ms - now;
			int h = d < 0 ? 0 : (int)d;

			if (timeout < 0 || h < timeout)
				timeout = h;
		}
		if (f.next_lost_ms != 0 && f.printing) {
			int64_t d = f.next_lost_ms - now;
			int l = d < 0 ? 0 : d > 60000 ? 60000 : (int)d;

			if (timeout < 0 || l < timeout)
				timeout = l;
		}
		if (poll(pfd, (nfds_t)nfd, timeout) < 0 && errno != EINTR)
			break;
		if (sfd >= 0 && (pfd[nfd - 1].revents & POLLIN)) {
			struct signalfd_siginfo si;
			bool quit = false;
			while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				if (si.ssi_signo != SIGHUP)
					quit = true;
			if (quit)
				break;
		}
		tail_dispatch(t, pfd, n);
		ingest_set_reference(o->in, ltime_local_wall(time(NULL)));
		tail_read_some(t, READ_BATCH);
		ingest_pipe_settle(&f.pipe, tail_caught_up(t), !tail_pending(t));
		now = mono_ms();
		/* The hold's clock runs only once the input is drained: while a
		 * backlog is read (a pipe of a big file, catching up), a status
		 * a few thousand lines on must still reach its event. */
		if (f.nheld > 0)
			flush_held(&f, false, tail_pending(t) ? 0 : now, MODEL_NONE);
		/* the retention window renumbers events: only while none is held */
		if (f.nheld == 0)
			model_maybe_compact(o->m, false);
		if (!f.printing && tail_caught_up(t)) {
			check_lost(&f);         /* history's dead sessions, silently */
			f.printing = true;
		} else if (f.next_lost_ms != 0 && now >= f.next_lost_ms) {
			check_lost(&f);
		}
		if (tail_done(t))
			break;
	}
	flush_held(&f, true, 0, MODEL_NONE);
	if (!out_ok() && errno != EPIPE)
		rc = 1;
	if (sfd >= 0) {
		struct signalfd_siginfo si;

		while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			;       /* take the signal, so unblocking does not deliver it */
		close(sfd);
	}
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	ingest_pipe_free(f.pipe);
	tail_free(t);
	model_set_hooks(o->m, NULL);
	free(f.held);
	free(f.open);
	free(f.inopen);
	return rc;
}
