/*
 * ingest: the one road from bytes to the model, shared by the batch reader
 * and the follower, so both build the same model from the same lines.
 * It gives lines without a year their year (against a reference time: the
 * file's mtime, or now when following), skips model work before --since
 * (but keeps session openings and closings), and reads whole files in large
 * blocks (plain, gzip, stdin), merged by time when there are several.
 *
 * A large file is loaded by two threads: a parser thread turns batches of
 * lines into parse results (strings copied into the batch), this thread
 * feeds them to the model in the same order. The model sees exactly what
 * the one-thread path gives it; SFTPTOP_THREADS=1 turns the second off.
 */
#include "ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "util.h"

#define BLOCK (256 * 1024)

struct ingest {
	struct model *m;
	struct parser *p;
	struct ingest_opts o;
	int64_t ref;
	struct parse_result r;
	int last_mon, last_year;     /* cache: same month as the previous line, same year */
	int day_y, day_m, day_d;     /* cache: the previous line's date ... */
	int64_t day_us;              /* ... and its midnight in wall µs */
};

struct ingest *ingest_new(struct model *m, const struct ingest_opts *opts)
{
	struct ingest *in = xcalloc(1, sizeof(*in));

	in->m = m;
	in->p = parse_new();
	if (opts != NULL)
		in->o = *opts;
	in->ref = ltime_local_wall(time(NULL));
	return in;
}

void ingest_free(struct ingest *in)
{
	if (in == NULL)
		return;
	parse_free(in->p);
	free(in);
}

void ingest_set_reference(struct ingest *in, int64_t ref_wall)
{
	in->ref = ref_wall;
	in->last_mon = 0;
	in->day_y = 0;
}

/* Resolve r's time to wall µs; false when the date is impossible. */
static bool resolve(struct ingest *in, const struct parse_result *r, int64_t *wall)
{
	const struct parse_time *t = &r->time;
	int year = t->year;

	if (year == 0) {
		if (in->o.year != 0) {
			year = in->o.year;
		} else if (t->mon == in->last_mon) {
			year = in->last_year;
		} else {
			year = ltime_infer_year(t, in->ref);
			in->last_mon = t->mon;
			in->last_year = year;
		}
	}
	if (year != in->day_y || t->mon != in->day_m || t->mday != in->day_d) {
		/* events keep unsigned seconds since 1970 */
		if (year < 1970 || year > 2105 || !ltime_valid_date(year, t->mon, t->mday))
			return false;
		in->day_y = year;
		in->day_m = t->mon;
		in->day_d = t->mday;
		in->day_us = ltime_days(year, t->mon, t->mday) * LTIME_US_PER_DAY;
	}
	*wall = in->day_us + ((int64_t)t->hour * 3600 + t->min * 60 + t->sec) * LTIME_US_PER_SEC + t->usec;
	return true;
}

/* Everything after parsing: time, --since, model. line is needed only when unparsed. */
static void ingest_result(struct ingest *in, const struct parse_result *r, const char *line, size_t len)
{
	int64_t wall = 0;

	if (r->cls == PC_BLANK) {
		model_count(in->m, PC_BLANK);
		return;
	}
	if (r->cls == PC_UNPARSED || (r->hdr != HDR_NONE && !resolve(in, r, &wall))) {
		model_add_unparsed(in->m, line, len);
		return;
	}
	if (r->cls != PC_SFTP) {
		model_count(in->m, r->cls);
		return;
	}
	if (in->o.has_since && wall < in->o.since && r->op != OP_SESSION_OPEN && r->op != OP_SESSION_CLOSE) {
		model_count(in->m, PC_SFTP);
		return;
	}
	model_add(in->m, r, wall, ltime_zone(model_zones(in->m), &r->time));
	if (in->o.compact)
		model_maybe_compact(in->m, false);
}

void ingest_line(struct ingest *in, const char *line, size_t len)
{
	if (len > INGEST_MAX_LINE) {
		model_add_unparsed(in->m, line, len);
		return;
	}
	parse_line(in->p, line, len, &in->r);
	ingest_result(in, &in->r, line, len);
}

size_t ingest_buffer(struct ingest *in, const char *buf, size_t len, bool final)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		if (nl == NULL)
			break;
		ingest_line(in, buf + i, (size_t)(nl - (buf + i)));
		i = (size_t)(nl - buf) + 1;
	}
	if (final && i < len) {
		ingest_line(in, buf + i, len - i);
		i = len;
	}
	return i;
}

bool ingest_line_time(struct ingest *in, const char *line, size_t len, int64_t *utc_us)
{
	struct parse_result *r = &in->r;
	int64_t wall;

	if (len > INGEST_MAX_LINE)
		return false;
	parse_line(in->p, line, len, r);
	if (r->hdr == HDR_NONE || !resolve(in, r, &wall))
		return false;
	if (r->time.has_tz)
		wall -= (int64_t)r->time.tz_min * 60 * LTIME_US_PER_SEC;
	else
		wall -= ltime_local_wall(0) - 0;   /* offset of the local zone, near enough for ordering */
	*utc_us = wall;
	return true;
}

/* ---- reading files ---- */

struct src {
	const char *name;
	int fd;
	gzFile gz;
	char *buf;
	size_t start, end, cap;
	bool eof;
	bool skip;              /* dropping the rest of an over-long line, up to its newline */
	int64_t ref;
	int64_t last_time;
};

static void complain(const char *path, int err)
{
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;

	switch (err) {
	case ENOENT:
		util_fatal_message("no such file: %s (give the log file, e.g. /var/log/sftp.log)", name);
		break;
	case EACCES:
	case EPERM:
		util_fatal_message("permission denied: %s (run as root or join group adm)", name);
		break;
	case EISDIR:
		util_fatal_message("%s is a directory (give the log file in it, e.g. %s/sftp.log)", name, name);
		break;
	case EINVAL:
		util_fatal_message("%s is not a regular file or pipe", name);
		break;
	default:
		util_fatal_message("cannot read %s: %s", name, strerror(err));
		break;
	}
}

/*
 * Open a log for reading, without blocking: a regular file or a FIFO.
 * Anything else, or a failure, gets one line on stderr and -1.
 */
static int open_log(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		complain(path, errno);
		return -1;
	}
	if (fstat(fd, st) != 0 || !(S_ISREG(st->st_mode) || S_ISFIFO(st->st_mode))) {
		int err = S_ISDIR(st->st_mode) ? EISDIR : EINVAL;
		close(fd);
		complain(path, err);
		return -1;
	}
	return fd;
}

int ingest_check_file(const char *path)
{
	struct stat st;
	int fd;

	if (strcmp(path, "-") == 0)
		return 0;
	fd = open_log(path, &st);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int src_open(struct src *s, const char *path)
{
	struct stat st;
	unsigned char magic[2];

	memset(s, 0, sizeof(*s));
	s->name = path;
	s->fd = -1;
	if (strcmp(path, "-") == 0) {
		s->fd = STDIN_FILENO;
		s->ref = ltime_local_wall(time(NULL));
	} else {
		s->fd = open_log(path, &st);
		if (s->fd < 0)
			return -1;
		if (S_ISFIFO(st.st_mode)) {
			/*
			 * Opened without blocking, a FIFO reads as empty until a
			 * writer comes: wait for its first data (or its writer's
			 * close) on this descriptor. Not by opening it again: a
			 * writer released by our first open may have written and
			 * gone already, and closing that first descriptor would
			 * throw its data away and leave us waiting for ever.
			 */
			struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
			while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
				;
		}
		/* blocking reads from here on */
		fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) & ~O_NONBLOCK);
		s->ref = ltime_local_wall(st.st_mtime);
		if (S_ISREG(st.st_mode) && pread(s->fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
			s->gz = gzdopen(s->fd, "rb");
			if (s->gz == NULL) {
				close(s->fd);
				complain(path, ENOMEM);
				return -1;
			}
			gzbuffer(s->gz, 256 * 1024);
		}
	}
	s->cap = BLOCK;
	s->buf = xmalloc(s->cap + 1);
	return 0;
}

static void src_close(struct src *s)
{
	if (s->gz != NULL)
		gzclose(s->gz);
	else if (s->fd > STDIN_FILENO)
		close(s->fd);
	free(s->buf);
	s->buf = NULL;
}

/* Refill: keep [start,end), read more behind it. Returns -1 on a read error. */
static int src_fill(struct src *s)
{
	ssize_t n;

	if (s->start > 0) {
		memmove(s->buf, s->buf + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
	}
	if (s->end == s->cap) {
		/*
		 * The buffer holds one incomplete line (callers take the complete
		 * ones first), so it is longer than INGEST_MAX_LINE and will be
		 * counted unparsed: keep just enough of it to say so, and drop the
		 * rest as it is read, so a file without newlines takes no more
		 * memory than the buffer.
		 */
		if (s->cap > INGEST_MAX_LINE + 1) {
			s->end = INGEST_MAX_LINE + 1;
			s->skip = true;
		} else {
			xgrow(&s->buf, &s->cap, s->cap * 2, 1);
			s->buf = xrealloc(s->buf, s->cap + 1);
		}
	}
	do {
		if (s->gz != NULL) {
			n = gzread(s->gz, s->buf + s->end, (unsigned)(s->cap - s->end));
			if (n < 0) {
				int e;
				const char *msg = gzerror(s->gz, &e);
				util_fatal_message("cannot read %s: %s", s->name, e == Z_ERRNO ? strerror(errno) : msg);
				return -1;
			}
		} else {
			n = read(s->fd, s->buf + s->end, s->cap - s->end);
		}
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		complain(s->name, errno);
		return -1;
	}
	if (n == 0)
		s->eof = true;
	if (s->skip && n > 0) {
		char *from = s->buf + s->end;
		char *nl = memchr(from, '\n', (size_t)n);
		if (nl == NULL) {
			n = 0;
		} else {
			n -= nl - from;
			memmove(from, nl, (size_t)n);
			s->skip = false;
		}
	}
	s->end += (size_t)n;
	return 0;
}

/* The next complete line of s (final line may lack its newline); false at the end. */
static bool src_line(struct src *s, const char **line, size_t *len, int *err)
{
	for (;;) {
		const char *nl = memchr(s->buf + s->start, '\n', s->end - s->start);
		if (nl != NULL) {
			*line = s->buf + s->start;
			*len = (size_t)(nl - *line);
			s->start += *len + 1;
			return true;
		}
		if (s->eof) {
			if (s->end > s->start) {
				*line = s->buf + s->start;
				*len = s->end - s->start;
				s->start = s->end;
				return true;
			}
			return false;
		}
		if (src_fill(s) != 0) {
			*err = -1;
			return false;
		}
	}
}

/* ---- two-thread loading ---- */

#define PBATCH 4096          /* lines per batch */
#define UNPARSED_KEEP 4096   /* bytes of an unparsed line kept for inspection */

struct prec {
	struct parse_result r;
	size_t raw, rawlen;      /* unparsed: the line's bytes in the arena */
	bool toolong;
};

struct pbatch {
	struct prec *rec;
	size_t n;
	char *arena;
	size_t used, cap;
	bool full, eof;
	int err;
};

struct pipe_state {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pbatch b[2];
	struct src *s;
	struct parser *p;
	bool quit;
};

/* Could resolve() reject this date (Feb 29, a day past the month's end, a year out of range)? */
static bool date_doubtful(const struct parse_time *t)
{
	/* 2001 has no Feb 29: a date valid then is valid in any year */
	return !ltime_valid_date(2001, t->mon, t->mday) || (t->year != 0 && (t->year < 1970 || t->year > 2105));
}

/* Copy a string of r into the arena; keep its offset in the pointer until the batch is sealed. */
static void stash(struct pbatch *b, struct parse_str *ps)
{
	size_t off = b->used;

	memcpy(b->arena + b->used, ps->p, ps->len);
	b->used += ps->len;
	ps->p = (const char *)(uintptr_t)off;
}

static void unstash(struct pbatch *b, struct parse_str *ps)
{
	ps->p = b->arena + (uintptr_t)ps->p;
}

static void fill(struct pipe_state *ps, struct pbatch *b)
{
	const char *line;
	size_t len;
	int err = 0;

	b->n = 0;
	b->used = 0;
	b->eof = false;
	b->err = 0;
	while (b->n < PBATCH) {
		if (!src_line(ps->s, &line, &len, &err)) {
			b->eof = true;
			b->err = err;
			break;
		}
		struct prec *pr = &b->rec[b->n++];
		/* the raw line, then its decoded strings: an error line's text and path together can
		 * take twice the body, host and program once more */
		size_t need = (len > INGEST_MAX_LINE ? UNPARSED_KEEP : 4 * len) + 64;
		if (b->used + need > b->cap) {
			b->cap = (b->used + need) * 3 / 2;
			b->arena = xrealloc(b->arena, b->cap);
		}
		pr->toolong = len > INGEST_MAX_LINE;
		if (pr->toolong) {
			pr->raw = b->used;
			pr->rawlen = len < UNPARSED_KEEP ? len : UNPARSED_KEEP;
			memcpy(b->arena + b->used, line, pr->rawlen);
			b->used += pr->rawlen;
			continue;
		}
		parse_line(ps->p, line, len, &pr->r);
		pr->raw = 0;
		pr->rawlen = 0;
		if (pr->r.cls == PC_UNPARSED || (pr->r.cls == PC_SFTP && date_doubtful(&pr->r.time))) {
			/* unparsed lines are kept whole, and so are lines whose date the model may reject */
			pr->raw = b->used;
			pr->rawlen = len;
			memcpy(b->arena + b->used, line, len);
			b->used += len;
		}
		if (pr->r.cls == PC_SFTP) {
			stash(b, &pr->r.host);
			stash(b, &pr->r.prog);
			stash(b, &pr->r.path);
			stash(b, &pr->r.path2);
			stash(b, &pr->r.text);
			stash(b, &pr->r.text2);
		}
	}
	for (size_t i = 0; i < b->n; i++) {
		struct prec *pr = &b->rec[i];
		if (!pr->toolong && pr->r.cls == PC_SFTP) {
			unstash(b, &pr->r.host);
			unstash(b, &pr->r.prog);
			unstash(b, &pr->r.path);
			unstash(b, &pr->r.path2);
			unstash(b, &pr->r.text);
			unstash(b, &pr->r.text2);
		}
	}
}

static void *parser_thread(void *arg)
{
	struct pipe_state *ps = arg;

	for (int i = 0;; i ^= 1) {
		struct pbatch *b = &ps->b[i];
		pthread_mutex_lock(&ps->mu);
		while (b->full && !ps->quit)
			pthread_cond_wait(&ps->cv, &ps->mu);
		pthread_mutex_unlock(&ps->mu);
		if (ps->quit)
			break;
		fill(ps, b);
		pthread_mutex_lock(&ps->mu);
		b->full = true;
		pthread_cond_broadcast(&ps->cv);
		pthread_mutex_unlock(&ps->mu);
		if (b->eof)
			break;
	}
	return NULL;
}

static bool want_threads(const struct src *s)
{
	const char *env = getenv("SFTPTOP_THREADS");
	struct stat st;

	if (env != NULL && strcmp(env, "1") == 0)
		return false;
	if (s->fd <= STDIN_FILENO || fstat(s->fd, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	return s->gz != NULL || st.st_size >= 4 * 1024 * 1024;
}

static int read_threaded(struct ingest *in, struct src *s)
{
	struct pipe_state ps;
	pthread_t th;
	int rc = 0;

	memset(&ps, 0, sizeof(ps));
	pthread_mutex_init(&ps.mu, NULL);
	pthread_cond_init(&ps.cv, NULL);
	ps.s = s;
	ps.p = parse_new();
	for (int i = 0; i < 2; i++) {
		ps.b[i].rec = xmalloc(PBATCH * sizeof(*ps.b[i].rec));
		/* sized here, in this thread's heap: names of a batch rarely need more */
		ps.b[i].cap = PBATCH * 96;
		ps.b[i].arena = xmalloc(ps.b[i].cap);
	}
	ingest_set_reference(in, s->ref);
	if (pthread_create(&th, NULL, parser_thread, &ps) != 0) {
		rc = -2;   /* no thread: the caller reads it the plain way */
		goto out;
	}
	for (int i = 0;; i ^= 1) {
		struct pbatch *b = &ps.b[i];
		bool eof;
		pthread_mutex_lock(&ps.mu);
		while (!b->full)
			pthread_cond_wait(&ps.cv, &ps.mu);
		pthread_mutex_unlock(&ps.mu);
		for (size_t k = 0; k < b->n; k++) {
			struct prec *pr = &b->rec[k];
			if (pr->toolong)
				model_add_unparsed(in->m, b->arena + pr->raw, pr->rawlen);
			else
				ingest_result(in, &pr->r, b->arena + pr->raw, pr->rawlen);
		}
		eof = b->eof;
		if (b->err != 0)
			rc = -1;
		pthread_mutex_lock(&ps.mu);
		b->full = false;
		pthread_cond_broadcast(&ps.cv);
		pthread_mutex_unlock(&ps.mu);
		if (eof)
			break;
	}
	pthread_join(th, NULL);
out:
	for (int i = 0; i < 2; i++) {
		free(ps.b[i].rec);
		free(ps.b[i].arena);
	}
	parse_free(ps.p);
	pthread_mutex_destroy(&ps.mu);
	pthread_cond_destroy(&ps.cv);
	return rc;
}

static int read_one(struct ingest *in, struct src *s)
{
	if (want_threads(s)) {
		int rc = read_threaded(in, s);
		if (rc != -2)
			return rc;
	}
	ingest_set_reference(in, s->ref);
	for (;;) {
		size_t used;
		if (src_fill(s) != 0)
			return -1;
		used = ingest_buffer(in, s->buf + s->start, s->end - s->start, s->eof);
		s->start += used;
		if (s->eof)
			return 0;
	}
}

int ingest_files(struct ingest *in, const char *const *paths, size_t n)
{
	struct src *srcs = xcalloc(n ? n : 1, sizeof(*srcs));
	const char **line = xcalloc(n ? n : 1, sizeof(*line));
	size_t *len = xcalloc(n ? n : 1, sizeof(*len));
	bool *have = xcalloc(n ? n : 1, sizeof(*have));
	int64_t *when = xcalloc(n ? n : 1, sizeof(*when));
	int rc = 0, err = 0;
	size_t opened = 0;

	for (; opened < n; opened++)
		if (src_open(&srcs[opened], paths[opened]) != 0) {
			rc = -1;
			goto out;
		}
	if (n == 1) {
		rc = read_one(in, &srcs[0]);
		goto out;
	}
	/* several files: always take the line with the earliest time next */
	for (size_t i = 0; i < n; i++) {
		have[i] = src_line(&srcs[i], &line[i], &len[i], &err);
		if (have[i]) {
			ingest_set_reference(in, srcs[i].ref);
			if (!ingest_line_time(in, line[i], len[i], &when[i]))
				when[i] = INT64_MIN;
		}
	}
	for (;;) {
		size_t best = n;
		for (size_t i = 0; i < n; i++)
			if (have[i] && (best == n || when[i] < when[best]))
				best = i;
		if (best == n)
			break;
		ingest_set_reference(in, srcs[best].ref);
		ingest_line(in, line[best], len[best]);
		have[best] = src_line(&srcs[best], &line[best], &len[best], &err);
		if (have[best]) {
			int64_t t;
			ingest_set_reference(in, srcs[best].ref);
			/* a line without a time stays with the lines around it */
			when[best] = ingest_line_time(in, line[best], len[best], &t) ? t : when[best];
		}
		if (err != 0) {
			rc = -1;
			break;
		}
	}
out:
	for (size_t i = 0; i < opened; i++)
		src_close(&srcs[i]);
	free(srcs);
	free(line);
	free(len);
	free(have);
	free(when);
	return rc;
}
