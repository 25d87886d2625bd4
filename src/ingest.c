/*
 * ingest: the one road from bytes to the model, shared by the batch reader
 * and the follower, so both build the same model from the same lines.
 * It gives lines without a year their year (against a reference time: the
 * file's mtime, or now when following), skips model work before --since
 * (but keeps session openings and closings), and reads whole files in large
 * blocks (plain, gzip, stdin), merged by time when there are several.
 *
 * A large file is loaded by several threads (see read_threaded): all parse
 * batches of lines, and this thread feeds them to the model in file order.
 * The model sees exactly what the one-thread path gives it;
 * SFTPTOP_THREADS=1 turns the others off.
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

/*
 * What a line's time is in wall µs: a pure function of the time, the
 * reference and --year; the rest only caches (and a cache never answers
 * for a line its key does not decide). Each loading thread has one.
 */
struct clock {
	int64_t ref;
	int year;                    /* --year, 0 = infer */
	int edge_mon;                /* the month of ref + 1 day, when in ref's year: its lines' years differ */
	int last_mon, last_year;     /* cache: same month as the previous line, same year (never edge_mon) */
	int day_y, day_m, day_d;     /* cache: the previous line's date ... */
	int64_t day_us;              /* ... and its midnight in wall µs */
	bool t_ok;                   /* cache: the previous resolved time ... */
	struct parse_time t;
	int64_t t_wall;              /* ... and its wall µs */
};

struct ingest {
	struct model *m;
	struct parser *p;
	struct ingest_opts o;
	struct clock ck;
	struct parse_result r;
	bool z_ok;                   /* cache: the zone of the previous line's time format */
	bool z_tz;
	int z_min, z_frac;
	uint8_t zone;
};

static void clock_init(struct clock *c, int64_t ref, int year)
{
	int y, m, y1, m1, d, h, mi, sec, us;

	memset(c, 0, sizeof(*c));
	c->ref = ref;
	c->year = year;
	/*
	 * A line without a year gets ref's year unless it would then be more
	 * than a day after ref: so the year is the same for a whole month,
	 * except the month of ref + 1 day (before that instant or after).
	 */
	ltime_split(ref, &y, &m, &d, &h, &mi, &sec, &us);
	ltime_split(ref + LTIME_US_PER_DAY, &y1, &m1, &d, &h, &mi, &sec, &us);
	c->edge_mon = y1 == y ? m1 : 0;
}

struct ingest *ingest_new(struct model *m, const struct ingest_opts *opts)
{
	struct ingest *in = xcalloc(1, sizeof(*in));

	in->m = m;
	in->p = parse_new();
	if (opts != NULL)
		in->o = *opts;
	clock_init(&in->ck, ltime_local_wall(time(NULL)), in->o.year);
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
	clock_init(&in->ck, ref_wall, in->o.year);
}

static bool same_time(const struct parse_time *a, const struct parse_time *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->mday == b->mday &&
	       a->mon == b->mon && a->year == b->year && a->usec == b->usec &&
	       a->frac_digits == b->frac_digits && a->has_tz == b->has_tz && a->tz_min == b->tz_min;
}

/* Resolve t to wall µs; false when the date is impossible. */
static bool resolve(struct clock *c, const struct parse_time *t, int64_t *wall)
{
	int year = t->year;

	/* lines of one second come in runs: the same time resolves the same way */
	if (c->t_ok && same_time(t, &c->t)) {
		*wall = c->t_wall;
		return true;
	}
	if (year == 0) {
		if (c->year != 0) {
			year = c->year;
		} else if (t->mon == c->last_mon && !(t->mon == 2 && t->mday == 29)) {
			year = c->last_year;
		} else {
			year = ltime_infer_year(t, c->ref);
			/* Feb 29 goes to a leap year: not the year of the rest of February */
			if (t->mon != c->edge_mon && !(t->mon == 2 && t->mday == 29)) {
				c->last_mon = t->mon;
				c->last_year = year;
			}
		}
	}
	if (year != c->day_y || t->mon != c->day_m || t->mday != c->day_d) {
		/* events keep unsigned seconds since 1970 */
		if (year < 1970 || year > 2105 || !ltime_valid_date(year, t->mon, t->mday))
			return false;
		c->day_y = year;
		c->day_m = t->mon;
		c->day_d = t->mday;
		c->day_us = ltime_days(year, t->mon, t->mday) * LTIME_US_PER_DAY;
	}
	*wall = c->day_us + ((int64_t)t->hour * 3600 + t->min * 60 + t->sec) * LTIME_US_PER_SEC + t->usec;
	c->t_ok = true;
	c->t = *t;
	c->t_wall = *wall;
	return true;
}

/* Does the model take this line with a time (an impossible date makes it unparsed)? */
static bool timed(const struct parse_result *r)
{
	return r->cls != PC_BLANK && r->cls != PC_UNPARSED && r->hdr != HDR_NONE;
}

/*
 * Everything after parsing and resolving: --since, model. line is needed
 * only when unparsed; wall_ok is false when the date was impossible.
 */
static void ingest_apply(struct ingest *in, const struct parse_result *r, const char *line, size_t len,
                         int64_t wall, bool wall_ok, const struct model_hint *hint)
{
	if (r->cls == PC_BLANK) {
		model_count(in->m, PC_BLANK);
		return;
	}
	if (r->cls == PC_UNPARSED || !wall_ok) {
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
	/* zones are numbered as the model first sees them: here, in line order */
	if (!in->z_ok || r->time.has_tz != in->z_tz || r->time.tz_min != in->z_min ||
	    r->time.frac_digits != in->z_frac) {
		in->zone = ltime_zone(model_zones(in->m), &r->time);
		in->z_ok = true;
		in->z_tz = r->time.has_tz;
		in->z_min = r->time.tz_min;
		in->z_frac = r->time.frac_digits;
	}
	if (hint != NULL)
		model_add_hinted(in->m, r, wall, in->zone, hint);
	else
		model_add(in->m, r, wall, in->zone);
	if (in->o.compact)
		model_maybe_compact(in->m, false);
}

/* Everything after parsing: time, --since, model. line is needed only when unparsed. */
static void ingest_result(struct ingest *in, const struct parse_result *r, const char *line, size_t len)
{
	int64_t wall = 0;
	bool ok = !timed(r) || resolve(&in->ck, &r->time, &wall);

	ingest_apply(in, r, line, len, wall, ok, NULL);
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
	if (r->hdr == HDR_NONE || !resolve(&in->ck, &r->time, &wall))
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
	if (stat(path, &st) == 0 && S_ISFIFO(st.st_mode)) {
		/* not opened to look: a writer our open released could write and go, and our close
		 * would throw its lines away before the real reader opens the pipe */
		if (access(path, R_OK) == 0)
			return 0;
		complain(path, errno);
		return -1;
	}
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

/* ---- loading with several threads ---- */

/*
 * A large file is cut into batches of whole lines (up to SLOT_BYTES each).
 * Every thread takes the next batch and parses it; the calling thread also
 * hands finished batches to the model, strictly in file order, and parses
 * only while the next batch in order is not ready. So the model sees the
 * same lines in the same order as with one thread, and the parsing, which
 * can run in parallel, fills the time the other threads would wait.
 */

#define MAX_THREADS 8
#define SLOT_BYTES (48 * 1024)   /* a batch: about 500 lines */
#define UNPARSED_KEEP 4096   /* bytes of an over-long line kept for inspection */

enum { SLOT_FREE, SLOT_QUEUED, SLOT_PARSING, SLOT_READY };

struct prec {
	struct parse_result r;
	const char *raw;         /* unparsed, over-long or impossible-date lines: the line */
	uint32_t rawlen;
	int64_t wall;            /* the line's time, resolved by the thread that parsed it */
	struct model_hint hint;  /* the hashes of its names, hashed by that thread too */
	uint8_t moved;           /* bits: which of r's strings were copied into the arena */
	bool toolong;
	bool wall_ok;            /* false: an impossible date (the line goes unparsed) */
};

struct slot {
	int state;
	char *raw;               /* the batch's lines, as read */
	size_t rawlen, rawcap;
	struct prec *rec;
	size_t n, cap;
	char *arena;             /* decoded names (they live in the parser until copied) */
	size_t used, acap;
};

/*
 * Waking a thread costs more than parsing a few lines (a futex call, and on
 * a virtual machine an interrupt between processors), so threads sleep on
 * conditions of their own and are woken only when it is worth it: the
 * calling thread when the batch it waits for is ready, the helpers when half
 * the slots are free again (or the load is over), not at every batch.
 */
struct loader {
	pthread_mutex_t rd;          /* taking lines from the file (src) */
	pthread_mutex_t mu;          /* the rest; taken inside rd, never around it */
	pthread_cond_t ready;        /* the calling thread waits here ... */
	pthread_cond_t room;         /* ... the helpers here */
	struct src *s;
	struct slot *slot;
	size_t nslot;
	uint64_t claimed, applied;   /* batches taken from the file, and given to the model */
	int sleepers;                /* helpers waiting for room */
	bool waiting;                /* the calling thread waits for batch number applied */
	bool done;                   /* the file has no more (or could not be read) */
	int err;
};

/* A parsing thread (of the loader or of a pipe): its owner, parser and clock. */
struct worker {
	pthread_t th;
	void *owner;
	struct parser *p;
	struct clock ck;
};

/* Start up to n workers running fn, clocks at in's reference; returns how many started. */
static int workers_start(struct worker *w, int n, void *(*fn)(void *), void *owner, const struct ingest *in)
{
	int started = 0;

	for (int i = 0; i < n; i++) {
		w[started].owner = owner;
		w[started].p = parse_new();
		clock_init(&w[started].ck, in->ck.ref, in->o.year);
		if (util_thread_create(&w[started].th, fn, &w[started]) != 0) {
			parse_free(w[started].p);
			break;
		}
		started++;
	}
	return started;
}

static void workers_join(struct worker *w, int n)
{
	for (int i = 0; i < n; i++) {
		pthread_join(w[i].th, NULL);
		parse_free(w[i].p);
	}
}

static void slots_free(struct slot *slot, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(slot[i].raw);
		free(slot[i].rec);
		free(slot[i].arena);
	}
	free(slot);
}

/*
 * The next batch of whole lines from the file, taken by one thread at a time
 * (L->rd) and in the order of the slots; called without L->mu, which it holds
 * only to reserve the slot, so copying and reading never keep the calling
 * thread from the batches it applies. NULL when the slot is not free (another
 * thread was first) or the load is over. At the end of the file (or a read
 * error) the slot reserved goes out as an empty batch.
 */
static struct slot *claim(struct loader *L)
{
	struct src *s = L->s;
	struct slot *b;

	pthread_mutex_lock(&L->rd);
	pthread_mutex_lock(&L->mu);
	b = &L->slot[L->claimed % L->nslot];
	if (L->done || b->state != SLOT_FREE) {
		pthread_mutex_unlock(&L->mu);
		pthread_mutex_unlock(&L->rd);
		return NULL;
	}
	b->state = SLOT_PARSING;
	L->claimed++;
	pthread_mutex_unlock(&L->mu);
	b->rawlen = 0;
	for (;;) {
		const char *from = s->buf + s->start;
		size_t avail = s->end - s->start;
		const char *nl = avail > SLOT_BYTES ? memrchr(from, '\n', SLOT_BYTES) : NULL;

		if (nl == NULL && avail > 0)
			nl = memrchr(from, '\n', avail);
		size_t take = nl != NULL ? (size_t)(nl - from) + 1 : s->eof ? avail : 0;

		if (take > 0) {
			if (take > b->rawcap) {
				free(b->raw);
				b->rawcap = take;
				b->raw = xmalloc(b->rawcap);
			}
			memcpy(b->raw, from, take);
			b->rawlen = take;
			s->start += take;
			break;
		}
		if (s->eof)
			break;
		if (src_fill(s) != 0) {
			pthread_mutex_lock(&L->mu);
			L->err = -1;
			pthread_mutex_unlock(&L->mu);
			break;
		}
	}
	if (b->rawlen == 0) {
		pthread_mutex_lock(&L->mu);
		L->done = true;
		pthread_mutex_unlock(&L->mu);
	}
	pthread_mutex_unlock(&L->rd);
	return b;
}

/* Keep string i of pr in the arena (as an offset until the batch is done). */
static void keep(struct slot *b, struct prec *pr, struct parse_str *ps, int i, const char *line, size_t len)
{
	if (ps->len == 0 || (ps->p >= line && ps->p + ps->len <= line + len))
		return;   /* empty, or a part of the line: the batch keeps the line */
	memcpy(b->arena + b->used, ps->p, ps->len);
	ps->p = (const char *)(uintptr_t)b->used;
	b->used += ps->len;
	pr->moved |= (uint8_t)(1u << i);
}

static void parse_batch(struct slot *b, struct parser *p, struct clock *ck)
{
	const char *at = b->raw, *end = b->raw + b->rawlen;

	b->n = 0;
	b->used = 0;
	while (at < end) {
		const char *nl = memchr(at, '\n', (size_t)(end - at));
		size_t len = nl != NULL ? (size_t)(nl - at) : (size_t)(end - at);
		struct prec *pr;

		if (b->n == b->cap)
			xgrow(&b->rec, &b->cap, b->n + 1, sizeof(*b->rec));
		pr = &b->rec[b->n++];
		pr->raw = NULL;
		pr->rawlen = 0;
		pr->moved = 0;
		pr->toolong = len > INGEST_MAX_LINE;
		if (pr->toolong) {
			pr->raw = at;
			pr->rawlen = UNPARSED_KEEP;
		} else {
			parse_line(p, at, len, &pr->r);
			pr->wall = 0;
			pr->wall_ok = !timed(&pr->r) || resolve(ck, &pr->r.time, &pr->wall);
			if (pr->r.cls == PC_UNPARSED || !pr->wall_ok) {
				/* unparsed lines are kept whole, and so are lines of an impossible date */
				pr->raw = at;
				pr->rawlen = (uint32_t)len;
			}
			if (pr->r.cls == PC_SFTP) {
				/* decoded names (an error line's text and path together can take twice the body) */
				size_t need = 4 * len + 64;
				if (b->used + need > b->acap) {
					b->acap = (b->used + need) * 3 / 2;
					b->arena = xrealloc(b->arena, b->acap);
				}
				/* an empty name is hashed too: the model may look it up */
				pr->hint.h[0] = strtab_hash(pr->r.path.p, pr->r.path.len);
				pr->hint.h[1] = strtab_hash(pr->r.path2.p, pr->r.path2.len);
				keep(b, pr, &pr->r.host, 0, at, len);
				keep(b, pr, &pr->r.prog, 1, at, len);
				keep(b, pr, &pr->r.path, 2, at, len);
				keep(b, pr, &pr->r.path2, 3, at, len);
				keep(b, pr, &pr->r.text, 4, at, len);
				keep(b, pr, &pr->r.text2, 5, at, len);
			}
		}
		at = nl != NULL ? nl + 1 : end;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct prec *pr = &b->rec[i];
		struct parse_str *str[6] = { &pr->r.host, &pr->r.prog, &pr->r.path, &pr->r.path2, &pr->r.text, &pr->r.text2 };
		for (int k = 0; pr->moved != 0 && k < 6; k++)
			if (pr->moved & (1u << k))
				str[k]->p = b->arena + (uintptr_t)str[k]->p;
	}
}

/*
 * With L->mu held (released meanwhile): take and parse the next batch. False
 * when there is none to take; the lock was then held throughout, so the
 * caller may sleep on what it saw.
 */
static bool parse_next(struct loader *L, struct parser *p, struct clock *ck)
{
	struct slot *b;

	if (L->done || L->slot[L->claimed % L->nslot].state != SLOT_FREE)
		return false;
	pthread_mutex_unlock(&L->mu);
	b = claim(L);
	if (b != NULL)
		parse_batch(b, p, ck);
	pthread_mutex_lock(&L->mu);
	if (b != NULL) {
		b->state = SLOT_READY;
		if (L->waiting && b == &L->slot[L->applied % L->nslot])
			pthread_cond_signal(&L->ready);
	}
	return true;
}

static void *helper_main(void *arg)
{
	struct worker *h = arg;
	struct loader *L = h->owner;

	pthread_mutex_lock(&L->mu);
	for (;;) {
		if (parse_next(L, h->p, &h->ck))
			continue;
		if (L->done)
			break;
		L->sleepers++;
		pthread_cond_wait(&L->room, &L->mu);
		L->sleepers--;
	}
	pthread_mutex_unlock(&L->mu);
	return NULL;
}

/* How many lines ahead the string look-ups start loading: the slot, then the bytes. */
#define AHEAD_SLOT 8
#define AHEAD_BYTES 4

static void prefetch(struct ingest *in, const struct slot *b, size_t k, int stage)
{
	if (k < b->n && !b->rec[k].toolong)
		model_prefetch(in->m, &b->rec[k].r, &b->rec[k].hint, stage);
}

static void apply_batch(struct ingest *in, const struct slot *b)
{
	for (size_t k = 0; k < AHEAD_SLOT; k++)
		prefetch(in, b, k, 0);
	for (size_t k = 0; k < b->n; k++) {
		const struct prec *pr = &b->rec[k];
		const char *raw = pr->raw != NULL ? pr->raw : "";

		prefetch(in, b, k + AHEAD_SLOT, 0);
		prefetch(in, b, k + AHEAD_BYTES, 1);
		if (pr->toolong)
			model_add_unparsed(in->m, raw, pr->rawlen);
		else
			ingest_apply(in, &pr->r, raw, pr->rawlen, pr->wall, pr->wall_ok, &pr->hint);
	}
}

static bool want_threads(const struct src *s)
{
	struct stat st;

	if (s->fd <= STDIN_FILENO || fstat(s->fd, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	return s->gz != NULL || st.st_size >= 4 * 1024 * 1024;
}

static int read_threaded(struct ingest *in, struct src *s, int nthreads)
{
	struct loader L;
	struct worker h[MAX_THREADS];
	int started;

	memset(&L, 0, sizeof(L));
	pthread_mutex_init(&L.rd, NULL);
	/* held for a few instructions at a time: spin a little rather than sleep (glibc) */
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
#ifdef __GLIBC__
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ADAPTIVE_NP);
#endif
	pthread_mutex_init(&L.mu, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_cond_init(&L.ready, NULL);
	pthread_cond_init(&L.room, NULL);
	L.s = s;
	L.nslot = (size_t)nthreads + 4;
	L.slot = xcalloc(L.nslot, sizeof(*L.slot));
	ingest_set_reference(in, s->ref);
	started = workers_start(h, nthreads - 1, helper_main, &L, in);
	pthread_mutex_lock(&L.mu);
	for (;;) {
		struct slot *b = &L.slot[L.applied % L.nslot];
		if (L.applied < L.claimed && b->state == SLOT_READY) {
			pthread_mutex_unlock(&L.mu);
			apply_batch(in, b);
			pthread_mutex_lock(&L.mu);
			b->state = SLOT_FREE;
			L.applied++;
			if (L.sleepers > 0 && (L.done || (L.nslot - (L.claimed - L.applied)) * 2 >= L.nslot))
				pthread_cond_broadcast(&L.room);
			continue;
		}
		if (parse_next(&L, in->p, &in->ck))
			continue;
		if (L.done && L.applied == L.claimed)
			break;
		/* the next batch is being parsed by a helper, which will say when it is ready */
		L.waiting = true;
		pthread_cond_wait(&L.ready, &L.mu);
		L.waiting = false;
	}
	L.done = true;
	pthread_cond_broadcast(&L.room);
	pthread_mutex_unlock(&L.mu);
	workers_join(h, started);
	slots_free(L.slot, L.nslot);
	pthread_mutex_destroy(&L.mu);
	pthread_mutex_destroy(&L.rd);
	pthread_cond_destroy(&L.ready);
	pthread_cond_destroy(&L.room);
	return L.err;
}

/* ---- a pipe: lines handed in one at a time, parsed by helpers ---- */

/*
 * The follower's history comes as lines from the tail, not as a file to cut
 * into batches. Here this thread copies them into batches (about SLOT_BYTES
 * each), helpers parse the batches, and this thread gives them to the model
 * in order, whenever it needs a slot or the caller asks. The batch being
 * filled is slot[filled % nslot]; helpers take queued batches in order.
 */
struct ingest_pipe {
	struct ingest *in;
	pthread_mutex_t mu;
	pthread_cond_t ready;        /* this thread waits for batch number applied */
	pthread_cond_t work;         /* helpers wait for a queued batch */
	struct slot *slot;
	int64_t *ref;                /* per slot: the year-inference reference its lines came under */
	size_t nslot;
	uint64_t filled, taken, applied;   /* batches queued, taken by a helper, given to the model */
	bool open;                   /* slot[filled % nslot] holds lines not yet queued */
	bool waiting, quit;
	int sleepers;
	struct worker h[MAX_THREADS];
	int nh;
};

static void *pipe_helper_main(void *arg)
{
	struct worker *h = arg;
	struct ingest_pipe *q = h->owner;

	pthread_mutex_lock(&q->mu);
	while (!q->quit) {
		if (q->taken == q->filled) {
			q->sleepers++;
			pthread_cond_wait(&q->work, &q->mu);
			q->sleepers--;
			continue;
		}
		size_t i = q->taken++ % q->nslot;
		struct slot *b = &q->slot[i];
		b->state = SLOT_PARSING;
		pthread_mutex_unlock(&q->mu);
		if (q->ref[i] != h->ck.ref)
			clock_init(&h->ck, q->ref[i], q->in->o.year);
		parse_batch(b, h->p, &h->ck);
		pthread_mutex_lock(&q->mu);
		b->state = SLOT_READY;
		if (q->waiting && b == &q->slot[q->applied % q->nslot])
			pthread_cond_signal(&q->ready);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct ingest_pipe *ingest_pipe_new(struct ingest *in)
{
	int nthreads = util_threads(MAX_THREADS);
	struct ingest_pipe *q;

	if (nthreads < 2)
		return NULL;
	q = xcalloc(1, sizeof(*q));
	q->in = in;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->ready, NULL);
	pthread_cond_init(&q->work, NULL);
	q->nslot = (size_t)nthreads * 4;
	q->slot = xcalloc(q->nslot, sizeof(*q->slot));
	q->ref = xcalloc(q->nslot, sizeof(*q->ref));
	q->nh = workers_start(q->h, nthreads - 1, pipe_helper_main, q, in);
	if (q->nh == 0) {
		ingest_pipe_free(q);
		return NULL;
	}
	return q;
}

/* With q->mu held: wake a helper when a few batches wait (or now, when asked). */
static void pipe_kick(struct ingest_pipe *q, bool now)
{
	if (q->sleepers > 0 && q->taken < q->filled && (now || (q->filled - q->taken) * 2 >= q->nslot))
		pthread_cond_broadcast(&q->work);
}

static void pipe_queue(struct ingest_pipe *q)
{
	if (!q->open)
		return;
	pthread_mutex_lock(&q->mu);
	q->slot[q->filled % q->nslot].state = SLOT_QUEUED;
	q->filled++;
	q->open = false;
	pipe_kick(q, false);
	pthread_mutex_unlock(&q->mu);
}

/* Give the model the next batch in order: false when it is not parsed yet and wait is false. */
static bool pipe_apply_one(struct ingest_pipe *q, bool wait)
{
	struct slot *b = &q->slot[q->applied % q->nslot];

	pthread_mutex_lock(&q->mu);
	if (q->applied == q->filled) {
		pthread_mutex_unlock(&q->mu);
		return false;
	}
	while (b->state != SLOT_READY) {
		if (!wait) {
			pipe_kick(q, false);
			pthread_mutex_unlock(&q->mu);
			return false;
		}
		pipe_kick(q, true);
		q->waiting = true;
		pthread_cond_wait(&q->ready, &q->mu);
		q->waiting = false;
	}
	pthread_mutex_unlock(&q->mu);
	apply_batch(q->in, b);
	pthread_mutex_lock(&q->mu);
	b->state = SLOT_FREE;
	b->rawlen = 0;
	q->applied++;
	pthread_mutex_unlock(&q->mu);
	return true;
}

/* The batch being filled (opened when none is): lines go to its end. */
static struct slot *pipe_open(struct ingest_pipe *q)
{
	size_t i = q->filled % q->nslot;

	if (q->open && q->ref[i] != q->in->ck.ref)
		pipe_queue(q);   /* a batch's lines share one reference */
	i = q->filled % q->nslot;
	if (!q->open) {
		/* the slot is free once every batch before it is applied */
		while (q->applied + q->nslot <= q->filled)
			pipe_apply_one(q, true);
		q->ref[i] = q->in->ck.ref;
		q->open = true;
	}
	return &q->slot[i];
}

/* Put p[0..n) at the end of batch b, and a newline after it when asked; queue b once full. */
static void pipe_append(struct ingest_pipe *q, struct slot *b, const char *p, size_t n, bool newline)
{
	size_t need = b->rawlen + n + (newline ? 1 : 0);

	if (need > b->rawcap)
		xgrow(&b->raw, &b->rawcap, need, 1);
	memcpy(b->raw + b->rawlen, p, n);
	if (newline)
		b->raw[b->rawlen + n] = '\n';
	b->rawlen = need;
	if (b->rawlen >= SLOT_BYTES)
		pipe_queue(q);
}

void ingest_pipe_line(struct ingest_pipe *q, const char *line, size_t len)
{
	if (len > INGEST_MAX_LINE) {
		/* rare: keep the order, and keep the line out of the batches */
		ingest_pipe_flush(q);
		ingest_line(q->in, line, len);
		return;
	}
	pipe_append(q, pipe_open(q), line, len, true);
}

void ingest_pipe_lines(struct ingest_pipe *q, const char *buf, size_t len)
{
	if (len > 0 && buf[len - 1] != '\n') {
		/* not as promised: a last line without its newline is a line, as ingest_buffer() takes it */
		const char *nl = memrchr(buf, '\n', len);
		size_t whole = nl != NULL ? (size_t)(nl + 1 - buf) : 0;
		ingest_pipe_lines(q, buf, whole);
		ingest_pipe_line(q, buf + whole, len - whole);
		return;
	}
	while (len > 0) {
		struct slot *b = pipe_open(q);
		size_t room = SLOT_BYTES - b->rawlen, take = len;   /* an open batch is below SLOT_BYTES */

		if (len > room) {
			const char *cut = memrchr(buf, '\n', room);
			if (cut != NULL)
				take = (size_t)(cut + 1 - buf);
			else if (b->rawlen > 0) {
				pipe_queue(q);   /* the next line does not fit: it starts the next batch */
				continue;
			} else {
				/* one line longer than a batch: it is a batch */
				const char *nl = memchr(buf, '\n', len);
				take = nl != NULL ? (size_t)(nl + 1 - buf) : len;
			}
		}
		pipe_append(q, b, buf, take, false);
		buf += take;
		len -= take;
	}
}

void ingest_pipe_apply(struct ingest_pipe *q)
{
	while (pipe_apply_one(q, false))
		;
}

void ingest_pipe_flush(struct ingest_pipe *q)
{
	pipe_queue(q);
	while (pipe_apply_one(q, true))
		;
}

void ingest_pipe_settle(struct ingest_pipe **q, bool caught_up, bool may_sleep)
{
	if (*q == NULL)
		return;
	if (caught_up || may_sleep)
		ingest_pipe_flush(*q);
	else
		ingest_pipe_apply(*q);
	if (caught_up) {
		ingest_pipe_free(*q);
		*q = NULL;
	}
}

void ingest_pipe_free(struct ingest_pipe *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	q->quit = true;
	pthread_cond_broadcast(&q->work);
	pthread_mutex_unlock(&q->mu);
	workers_join(q->h, q->nh);
	slots_free(q->slot, q->nslot);
	free(q->ref);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->ready);
	pthread_cond_destroy(&q->work);
	free(q);
}

static int read_one(struct ingest *in, struct src *s)
{
	int nthreads = util_threads(MAX_THREADS);

	if (nthreads > 1 && want_threads(s))
		return read_threaded(in, s, nthreads);
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
