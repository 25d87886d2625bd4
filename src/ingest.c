/*
 * ingest: the one road from bytes to the model, shared by the batch reader
 * and the follower, so both build the same model from the same lines.
 * It gives lines without a year their year (against a reference time: the
 * file's mtime, or now when following), skips model work before --since
 * (but keeps session openings and closings), and reads whole files in large
 * blocks (plain, gzip, stdin), merged by time when there are several.
 */
#include "ingest.h"

#include <errno.h>
#include <fcntl.h>
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
	/* events keep unsigned seconds since 1970 */
	if (year < 1970 || year > 2105 || !ltime_valid_date(year, t->mon, t->mday))
		return false;
	*wall = ltime_make(year, t->mon, t->mday, t->hour, t->min, t->sec, t->usec);
	return true;
}

void ingest_line(struct ingest *in, const char *line, size_t len)
{
	struct parse_result *r = &in->r;
	int64_t wall = 0;

	if (len > INGEST_MAX_LINE) {
		model_add_unparsed(in->m, line, len);
		return;
	}
	parse_line(in->p, line, len, r);
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
		s->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (s->fd < 0) {
			complain(path, errno);
			return -1;
		}
		if (fstat(s->fd, &st) != 0 || S_ISDIR(st.st_mode) || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))) {
			int err = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
			close(s->fd);
			complain(path, err);
			return -1;
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
		/* a line longer than the buffer: grow (lines over INGEST_MAX_LINE end up unparsed) */
		xgrow(&s->buf, &s->cap, s->cap * 2, 1);
		s->buf = xrealloc(s->buf, s->cap + 1);
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

static int read_one(struct ingest *in, struct src *s)
{
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
