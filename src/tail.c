/*
 * tail: the follower. Owns the inotify descriptor, one source per followed
 * name (or fd), and for each source the file it reads now ("cur") plus the
 * rotated-away files it still drains ("old", oldest first). Lines go out
 * through the callback in tail.h; the engine (ingest) never sees an fd.
 *
 * Wake-ups only mark work: an inotify event on a watched directory or on a
 * file's own inode (moved, deleted, attributes) sets NS (look at the name
 * again: stat, compare inode, reopen), any event sets EV (fstat the open
 * file: size below our offset, or a different first few bytes, means it was
 * truncated). tail_read_some() then does the looking and the reading, in
 * 256 KiB blocks, olds before cur so lines stay in writing order. Every
 * inotify event marks every source: there are few, and it keeps the
 * bookkeeping of shared watch descriptors out of the way.
 *
 * Timers, only while needed: the polling fallback (stat every poll_ms) and
 * the quiet limit of rotated-away files. With neither, tail_timeout_ms() is
 * -1 and an idle follower sleeps in poll().
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "rotated.h"
#include "tail.h"
#include "util.h"

#define TAIL_BLOCK (256 * 1024)
#define TAIL_HEAD 64                    /* first bytes kept to spot copytruncate */
#define TAIL_MAX_PART (4 * 1024 * 1024) /* a "line" longer than this is cut */
#define RECOVER_TRIES 4                 /* rotated names looked at for a copytruncate's copy */
#define TAIL_MAX_DIRS 3

#define FILE_MASK (IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF)
#define DIR_MASK (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | \
		  IN_MOVE_SELF | IN_ATTRIB | IN_ONLYDIR)

enum { W_NS = 1 << 0, W_EV = 1 << 1, W_MORE = 1 << 2 };

/* One open file (or fd) being read, with its incomplete last line. */
struct rd {
	int fd;
	int wd;                 /* inotify watch on its inode, or -1 */
	dev_t dev;
	ino_t ino;
	off_t off;              /* bytes consumed (files) */
	int64_t last_ms;        /* last time it grew (olds) */
	bool close_write;       /* its writer closed it (olds) */
	bool eof;               /* fd sources */
	bool keep_fd;           /* stdin: not ours to close */
	char head[TAIL_HEAD];
	size_t headlen;
	char *part;
	size_t plen, pcap;
};

struct dirwatch {
	char *path;
	int wd;
	dev_t dev;
	ino_t ino;
};

struct src {
	char *path;             /* NULL for fd sources */
	char *name;             /* for messages */
	bool is_fd, regular_fd, readable;
	bool polling, waiting, told_waiting, dir_missing;
	bool remote;            /* on a file system where inotify misses changes */
	bool caught_up;
	off_t history;          /* size when opened: caught up past this */
	int work;               /* W_* */
	struct rd cur;
	struct rd *old;
	size_t nold, oldcap;
	struct dirwatch dirs[TAIL_MAX_DIRS];
	int ndirs;
};

struct tail {
	struct tail_callbacks cb;
	struct tail_opts o;
	int ifd;                /* inotify, or -1 */
	bool any_polling;
	int64_t next_poll_ms;
	struct src **src;
	size_t nsrc, srccap;
	bool caught_up, told_caught_up;
	char *buf;
	char msg[PATH_MAX + 256];
	char err[PATH_MAX + 128];
	struct tail_stats st;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

__attribute__((format(printf, 4, 5)))
static void status(struct tail *t, enum tail_status st, const char *path, const char *fmt, ...)
{
	va_list ap;

	if (t->cb.status == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	t->cb.status(t->cb.ctx, st, path, t->msg);
}

static void rd_init(struct rd *r)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->wd = -1;
}

/* Is any other reader of this tail still using watch wd? */
static bool wd_used(const struct tail *t, int wd, const struct rd *except)
{
	for (size_t i = 0; i < t->nsrc; i++) {
		const struct src *s = t->src[i];

		if (&s->cur != except && s->cur.wd == wd)
			return true;
		for (size_t j = 0; j < s->nold; j++)
			if (&s->old[j] != except && s->old[j].wd == wd)
				return true;
		for (int k = 0; k < s->ndirs; k++)
			if (s->dirs[k].wd == wd)
				return true;
	}
	return false;
}

static void rd_close(struct tail *t, struct rd *r)
{
	if (r->wd >= 0 && t->ifd >= 0 && !wd_used(t, r->wd, r))
		inotify_rm_watch(t->ifd, r->wd);
	if (r->fd >= 0 && !r->keep_fd)
		close(r->fd);
	free(r->part);
	rd_init(r);
}

static void emit(struct tail *t, const char *line, size_t len)
{
	t->cb.line(t->cb.ctx, line, len);
}

static void part_add(struct rd *r, const char *p, size_t n)
{
	if (r->plen + n > r->pcap)
		xgrow(&r->part, &r->pcap, r->plen + n, 1);
	memcpy(r->part + r->plen, p, n);
	r->plen += n;
}

/*
 * Hand out the complete lines of p[0..n), keeping the incomplete tail: a
 * held part is completed first, then (with a lines callback) everything up
 * to the last newline goes out in one call.
 */
static void split(struct tail *t, struct rd *r, const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end) {
		if (r->plen == 0 && t->cb.lines != NULL) {
			const char *last = memrchr(p, '\n', (size_t)(end - p));
			if (last != NULL) {
				t->cb.lines(t->cb.ctx, p, (size_t)(last + 1 - p));
				p = last + 1;
				continue;
			}
		}
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL) {
			part_add(r, p, (size_t)(end - p));
			if (r->plen > TAIL_MAX_PART) {
				emit(t, r->part, r->plen);
				r->plen = 0;
			}
			return;
		}
		if (r->plen > 0) {
			part_add(r, p, (size_t)(nl - p));
			emit(t, r->part, r->plen);
			r->plen = 0;
		} else {
			emit(t, p, (size_t)(nl - p));
		}
		p = nl + 1;
	}
}

static void flush_part(struct tail *t, struct rd *r)
{
	if (r->plen > 0) {
		emit(t, r->part, r->plen);
		r->plen = 0;
	}
}

static void note_head(struct rd *r, const char *p, size_t n, off_t at)
{
	if (at >= TAIL_HEAD)
		return;
	size_t take = TAIL_HEAD - (size_t)at;

	if (take > n)
		take = n;
	memcpy(r->head + at, p, take);
	if ((size_t)at + take > r->headlen)
		r->headlen = (size_t)at + take;
}

/*
 * Read r from its offset: 1 at its end (or at upto, when upto >= 0), 0 when
 * the budget ran out, -1 on error; with one, 2 after each full block.
 */
static int read_file_n(struct tail *t, struct rd *r, size_t *budget, bool one, off_t upto)
{
	for (;;) {
		size_t want = TAIL_BLOCK;

		if (*budget == 0)
			return 0;
		if (want > *budget)
			want = *budget;
		if (upto >= 0) {
			if (r->off >= upto)
				return 1;
			if ((off_t)want > upto - r->off)
				want = (size_t)(upto - r->off);
		}
		ssize_t n = pread(r->fd, t->buf, want, r->off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return 1;
		note_head(r, t->buf, (size_t)n, r->off);
		r->off += n;
		r->last_ms = now_ms();
		t->st.bytes += (uint64_t)n;
		*budget -= (size_t)n;
		split(t, r, t->buf, (size_t)n);
		if ((size_t)n < want)
			return 1;       /* short read on a regular file: that was the end */
		if (one)
			return 2;
	}
}

static int read_file(struct tail *t, struct rd *r, size_t *budget)
{
	return read_file_n(t, r, budget, false, -1);
}

static const char *fs_remote_name(long type)
{
	switch ((unsigned long)type) {
	case 0x6969: return "NFS";
	case 0x517B: return "SMB";
	case 0xFF534D42: return "CIFS";
	case 0xFE534D42: return "SMB2";
	case 0x65735546: return "FUSE";
	case 0x01021997: return "9P";
	case 0x00C36400: return "Ceph";
	case 0x5346414F: return "AFS";
	case 0x01161970: return "GFS2";
	case 0x7461636F: return "OCFS2";
	case 0x47504653: return "GPFS";
	case 0x0BD00BD0: return "Lustre";
	}
	return NULL;
}

static char *dir_of(const char *path)
{
	const char *sl = strrchr(path, '/');

	if (sl == NULL)
		return xstrdup(".");
	if (sl == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(sl - path));
}

/*
 * The directories whose entries decide what path names: its own directory;
 * if that is a symlink, the directory holding the symlink; if path is a
 * symlink, the directory of its target.
 */
static int wanted_dirs(const char *path, char **out, bool *unresolved)
{
	int n = 0;
	struct stat st;
	char real[PATH_MAX];

	*unresolved = false;
	out[n++] = dir_of(path);
	if (lstat(out[0], &st) == 0 && S_ISLNK(st.st_mode))
		out[n++] = dir_of(out[0]);
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (realpath(path, real) == NULL) {
			*unresolved = true;   /* where it points is gone for now: no directory to watch */
		} else {
			char *d = dir_of(real);
			bool dup = false;

			for (int i = 0; i < n; i++)
				dup |= strcmp(out[i], d) == 0;
			if (dup)
				free(d);
			else
				out[n++] = d;
		}
	}
	return n;
}

static void dirs_drop(struct tail *t, struct src *s)
{
	for (int i = 0; i < s->ndirs; i++) {
		int wd = s->dirs[i].wd;

		s->dirs[i].wd = -1;
		if (wd >= 0 && t->ifd >= 0 && !wd_used(t, wd, NULL))
			inotify_rm_watch(t->ifd, wd);
		free(s->dirs[i].path);
	}
	s->ndirs = 0;
}

static void set_polling(struct tail *t, struct src *s, const char *why)
{
	if (s->polling)
		return;
	s->polling = true;
	t->st.polling = true;
	if (!t->any_polling)
		t->next_poll_ms = now_ms() + t->o.poll_ms;
	t->any_polling = true;
	status(t, TS_POLLING, s->path, "%s: %s; checking every %d ms", s->name, why, t->o.poll_ms);
}

/*
 * Make the directory watches match what names s->path now. Returns true
 * when they changed after having been set (directory or symlink replaced).
 */
static bool dirs_update(struct tail *t, struct src *s)
{
	char *want[TAIL_MAX_DIRS];
	struct stat st[TAIL_MAX_DIRS];
	bool ok[TAIL_MAX_DIRS], unresolved;
	int n = wanted_dirs(s->path, want, &unresolved);
	bool same = n == s->ndirs, had = s->ndirs > 0;

	for (int i = 0; i < n; i++) {
		ok[i] = stat(want[i], &st[i]) == 0;
		if (!ok[i] || !same || strcmp(want[i], s->dirs[i].path) != 0 ||
		    s->dirs[i].wd < 0 || st[i].st_dev != s->dirs[i].dev || st[i].st_ino != s->dirs[i].ino)
			same = false;
	}
	if (same) {
		for (int i = 0; i < n; i++)
			free(want[i]);
		return false;
	}
	dirs_drop(t, s);
	s->dir_missing = !ok[0];
	s->remote = false;
	for (int i = 0; i < n; i++) {
		struct dirwatch *d = &s->dirs[s->ndirs++];

		d->path = want[i];
		d->wd = -1;
		d->dev = ok[i] ? st[i].st_dev : 0;
		d->ino = ok[i] ? st[i].st_ino : 0;
		if (ok[i] && t->ifd >= 0)
			d->wd = inotify_add_watch(t->ifd, d->path, DIR_MASK);
	}
	if (s->dir_missing) {
		set_polling(t, s, "its directory does not exist");
	} else if (unresolved) {
		set_polling(t, s, "the symlink points where nothing is (yet)");
	} else if (s->dirs[0].wd < 0) {
		set_polling(t, s, t->ifd < 0 ? "no inotify" : "cannot watch its directory");
	} else {
		struct statfs fs;
		const char *remote = NULL;

		if (statfs(s->dirs[0].path, &fs) == 0)
			remote = fs_remote_name((long)fs.f_type);
		if (remote != NULL) {
			char why[64];

			s->remote = true;
			snprintf(why, sizeof(why), "on %s, where inotify misses changes", remote);
			set_polling(t, s, why);
		}
	}
	return had;
}

static void old_push(struct src *s, struct rd *r)
{
	if (s->nold == s->oldcap)
		xgrow(&s->old, &s->oldcap, s->nold + 1, sizeof(*s->old));
	s->old[s->nold++] = *r;
	s->old[s->nold - 1].last_ms = now_ms();
	rd_init(r);
}

static void old_remove(struct tail *t, struct src *s, size_t i)
{
	const char *name = s->name;

	flush_part(t, &s->old[i]);
	rd_close(t, &s->old[i]);
	memmove(&s->old[i], &s->old[i + 1], (s->nold - i - 1) * sizeof(*s->old));
	s->nold--;
	status(t, TS_OLD_DONE, s->path, "%s: finished reading the rotated file", name);
}

/* Open s->path as the new current file; false if it is not there. */
static bool open_cur(struct tail *t, struct src *s, bool initial)
{
	struct stat st;
	int fd = open(s->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		close(fd);
		return false;
	}
	rd_init(&s->cur);
	s->cur.fd = fd;
	s->cur.dev = st.st_dev;
	s->cur.ino = st.st_ino;
	if (initial && t->o.from_end && S_ISREG(st.st_mode))
		s->cur.off = st.st_size;
	if (!s->caught_up)
		s->history = S_ISREG(st.st_mode) ? st.st_size : 0;
	if (t->ifd >= 0) {
		s->cur.wd = inotify_add_watch(t->ifd, s->path, FILE_MASK);
		/* no watch on the file (fs.inotify.max_user_watches reached, say): its
		 * directory's watch does not see appends, so look on a timer */
		if (s->cur.wd < 0)
			set_polling(t, s, errno == ENOSPC ? "no inotify watch left (fs.inotify.max_user_watches)"
			                                  : "inotify cannot watch the file");
	}
	s->work |= W_EV;
	return true;
}

/* Whether a name on the way to path, path itself included, is a symlink. */
static bool path_has_link(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);
	struct stat st;

	if (n >= sizeof(buf))
		return true;
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		char c = buf[i];
		buf[i] = '\0';
		bool link = lstat(buf, &st) == 0 && S_ISLNK(st.st_mode);
		buf[i] = c;
		if (link)
			return true;
	}
	return false;
}

/*
 * A source polls while something keeps inotify from watching it: its
 * directory missing or unwatchable, no watch left for its file. Once none of
 * that holds any more (the directory made again, a watch freed), watch it
 * again and stop the timer. Not when a symlink is on the way: it can be
 * re-pointed, or what it points into renamed, with no event in a directory
 * watched. Called right after the name was checked: cur, when open, is the
 * file the name names.
 */
static void unpoll(struct tail *t, struct src *s)
{
	if (!s->polling || t->ifd < 0 || s->dir_missing || s->remote || s->ndirs == 0)
		return;
	for (int i = 0; i < s->ndirs; i++)
		if (s->dirs[i].wd < 0)
			return;
	/* a renamed file still read with no watch of its own is seen only by the timer */
	for (size_t i = 0; i < s->nold; i++)
		if (s->old[i].fd >= 0 && s->old[i].wd < 0)
			return;
	if (path_has_link(s->path))
		return;
	if (s->cur.fd >= 0 && s->cur.wd < 0) {
		struct stat st;
		int wd = inotify_add_watch(t->ifd, s->path, FILE_MASK);

		if (wd < 0)
			return;
		/* renamed between the look at the name and the watch: that watch is another file's */
		if (stat(s->path, &st) != 0 || st.st_dev != s->cur.dev || st.st_ino != s->cur.ino) {
			if (!wd_used(t, wd, &s->cur))
				inotify_rm_watch(t->ifd, wd);
			return;
		}
		s->cur.wd = wd;
	}
	s->polling = false;
	t->any_polling = false;
	for (size_t i = 0; i < t->nsrc; i++)
		t->any_polling |= t->src[i]->polling;
	t->st.polling = t->any_polling;
	status(t, TS_WATCHING, s->path, "%s: watched by inotify again; no more checking on a timer", s->name);
}

/* Look at the name again: appeared, gone, replaced by another file. */
static void ns_check(struct tail *t, struct src *s)
{
	struct stat st;
	bool replaced = dirs_update(t, s);

	if (stat(s->path, &st) < 0 && errno != ENOENT && errno != ENOTDIR && s->cur.fd >= 0) {
		/*
		 * The name cannot be checked (its directory unreadable for a
		 * while, say), but that is no sign the file went: go on reading
		 * it through the open descriptor, and look at the name again later.
		 */
		if (!s->told_waiting) {
			s->told_waiting = true;
			status(t, TS_ERROR, s->path, "cannot check %s (%s); still reading the open file", s->name,
			       strerror(errno));
		}
		return;
	}
	if (stat(s->path, &st) < 0 || S_ISDIR(st.st_mode)) {
		if (s->cur.fd >= 0) {
			struct stat ost;
			bool deleted = fstat(s->cur.fd, &ost) == 0 && ost.st_nlink == 0;

			old_push(s, &s->cur);
			if (deleted) {
				status(t, TS_DELETED, s->path, "%s was deleted; waiting for it to come back", s->name);
				s->told_waiting = true;
			}
		}
		s->waiting = true;
		if (!s->told_waiting) {
			s->told_waiting = true;
			status(t, TS_WAITING, s->path, "waiting for %s", s->name);
		}
		return;
	}
	if (s->cur.fd >= 0 && st.st_dev == s->cur.dev && st.st_ino == s->cur.ino) {
		s->told_waiting = false;
		if (replaced)
			status(t, TS_REPLACED, s->path, "%s: its directory changed; same file", s->name);
		return;
	}
	/* The name is back on a file we still hold (it was out of reach, not gone): resume it where we were. */
	if (s->cur.fd < 0) {
		for (size_t i = 0; i < s->nold; i++) {
			if (s->old[i].fd < 0 || s->old[i].dev != st.st_dev || s->old[i].ino != st.st_ino)
				continue;
			s->cur = s->old[i];
			s->cur.close_write = false;
			memmove(&s->old[i], &s->old[i + 1], (s->nold - i - 1) * sizeof(*s->old));
			s->nold--;
			s->waiting = false;
			s->told_waiting = false;
			status(t, TS_OPENED, s->path, "%s is back; reading on", s->name);
			return;
		}
	}
	/* A new file under the name. */
	bool had = s->cur.fd >= 0, first = !had && !s->waiting && s->nold == 0 && !s->caught_up;

	if (had)
		old_push(s, &s->cur);
	if (!open_cur(t, s, first)) {
		s->waiting = true;
		return;
	}
	s->waiting = false;
	s->told_waiting = false;
	t->st.reopens++;
	if (replaced && !first) {
		status(t, TS_REPLACED, s->path, "%s: its directory or link changed; reading the new file", s->name);
	} else if (s->nold > 0) {
		t->st.rotations++;
		status(t, TS_ROTATED, s->path, "%s was rotated; reading the new file", s->name);
	} else {
		status(t, TS_OPENED, s->path, first ? "reading %s" : "%s appeared; reading it", s->name);
	}
}

/*
 * The file was truncated after we read r->off bytes of it. With
 * copytruncate, the bytes we had not read yet are in the copy: the newest
 * uncompressed rotated file, if it starts with the same bytes and is at
 * least as long. Read it from our offset as an old file, dropped at its end.
 */
static bool recover_copy(struct src *s)
{
	bool found = false;
	struct rd *r = &s->cur;
	char **list, h[TAIL_HEAD], real[PATH_MAX];
	/* logrotate rotates the file, not a symlink to it: its copy is beside the file */
	size_t n = rotated_find(realpath(s->path, real) != NULL ? real : s->path, &list), tried = 0;

	/*
	 * The copy is the newest rotated name, unless an older scheme left a
	 * stale one that sorts after it (a sftp.log.1 beside dateext names): a
	 * few of the newest are looked at, and the copy is the one that starts
	 * with the bytes this file started with.
	 */
	for (size_t i = n; i-- > 0 && !found && tried < RECOVER_TRIES;) {
		if (rotated_is_gz(list[i]))
			continue;
		tried++;
		int fd = open(list[i], O_RDONLY | O_CLOEXEC | O_NOCTTY);
		struct stat st;

		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && st.st_size >= r->off && r->headlen > 0 &&
		    pread(fd, h, r->headlen, 0) == (ssize_t)r->headlen &&
		    memcmp(h, r->head, r->headlen) == 0 &&
		    !(st.st_dev == r->dev && st.st_ino == r->ino)) {
			struct rd c;

			rd_init(&c);
			c.fd = fd;
			c.dev = st.st_dev;
			c.ino = st.st_ino;
			c.off = r->off;
			c.close_write = true;
			c.part = r->part;
			c.plen = r->plen;
			c.pcap = r->pcap;
			r->part = NULL;
			r->plen = r->pcap = 0;
			old_push(s, &c);
			s->old[s->nold - 1].close_write = true;
			fd = -1;
			found = true;
		}
		if (fd >= 0)
			close(fd);
	}
	rotated_free(list, n);
	return found;
}

/* After an event: did the file shrink or get rewritten under us? True when it did. */
static bool trunc_check(struct tail *t, struct src *s)
{
	struct rd *r = &s->cur;
	struct stat st;
	bool trunc = false;

	if (r->fd < 0 || r->off == 0 || fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	if (st.st_size < r->off) {
		trunc = true;
	} else if (r->headlen > 0) {
		char h[TAIL_HEAD];
		ssize_t n = pread(r->fd, h, r->headlen, 0);

		trunc = n >= 0 && ((size_t)n < r->headlen || memcmp(h, r->head, r->headlen) != 0);
	}
	if (!trunc)
		return false;
	/* the history being loaded ends where this file now ends, at the latest */
	if (s->history > st.st_size)
		s->history = st.st_size;
	bool copy = recover_copy(s);

	/* no copy to finish it from: the unfinished line held is all there is of it (it must not
	 * run into the first line of the new content) */
	if (!copy)
		flush_part(t, r);
	r->off = 0;
	r->headlen = 0;
	t->st.truncations++;
	status(t, TS_TRUNCATED, s->path, "%s was truncated; reading it again from the start%s", s->name,
	       copy ? " (the unread rest from its copy)" : "");
	return true;
}

static void check_caught_up(struct tail *t)
{
	if (t->caught_up)
		return;
	for (size_t i = 0; i < t->nsrc; i++)
		if (!t->src[i]->caught_up)
			return;
	t->caught_up = true;
	if (!t->told_caught_up) {
		t->told_caught_up = true;
		status(t, TS_CAUGHT_UP, NULL, "history loaded; following");
	}
}

/* Read an fd source once (poll said readable). */
static size_t read_fd(struct tail *t, struct src *s, size_t *budget)
{
	struct rd *r = &s->cur;
	size_t want = TAIL_BLOCK, got = 0;

	if (want > *budget)
		want = *budget;
	for (;;) {
		ssize_t n = read(r->fd, t->buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			s->readable = false;
			break;
		}
		if (n <= 0) {
			if (n < 0)
				status(t, TS_ERROR, NULL, "%s: %s", s->name, strerror(errno));
			flush_part(t, r);
			r->eof = true;
			s->readable = false;
			s->caught_up = true;
			status(t, TS_EOF, NULL, "%s: end of input", s->name);
			if (!r->keep_fd)
				close(r->fd);
			r->fd = -1;
			break;
		}
		t->st.bytes += (uint64_t)n;
		got = (size_t)n;
		*budget -= got;
		split(t, r, t->buf, got);
		if (!s->regular_fd)
			s->readable = false;    /* read once per poll: poll again to know */
		break;
	}
	return got;
}

static void do_source(struct tail *t, struct src *s, size_t *budget)
{
	if (s->is_fd) {
		if (s->readable && !s->cur.eof)
			read_fd(t, s, budget);
		return;
	}
	int work = s->work;

	s->work = 0;
	if (work & W_NS) {
		ns_check(t, s);
		unpoll(t, s);
	}
	if (work & (W_EV | W_NS))
		trunc_check(t, s);
	/* Olds first: their lines were written before the new file's. */
	for (size_t i = 0; i < s->nold; i++) {
		struct rd *o = &s->old[i];
		int rc = read_file(t, o, budget);

		if (rc == 0) {
			s->work |= W_MORE;
			return;
		}
		if (rc < 0 || o->close_write) {
			old_remove(t, s, i);
			i--;
		}
	}
	if (s->cur.fd >= 0) {
		/*
		 * Reading the olds can take a while (and several calls): a
		 * copytruncate meanwhile, refilled past our offset, would hand us
		 * lines from the middle of the new content. Look right before reading.
		 */
		int rc;
		struct stat cst;
		off_t upto = -1;

		/*
		 * The new file has grown: its writer has moved on, so the olds
		 * hold all they ever will. Lines it wrote to them after we last
		 * saw their end come before the new file's: drain them again now.
		 * And read the new file only as far as it was before that drain:
		 * what it gained since may have been written after lines the
		 * writer put in an old file while we drained (the next pass
		 * drains the olds again, then reads on).
		 */
		if (s->nold > 0 && fstat(s->cur.fd, &cst) == 0) {
			upto = cst.st_size;
			if (cst.st_size > s->cur.off)
				for (size_t i = 0; i < s->nold; i++) {
					rc = read_file(t, &s->old[i], budget);
					if (rc == 0) {
						s->work |= W_MORE;
						return;
					}
				}
		}
		do {
			/* a copy it left to read is an old file: read it first, on the next pass */
			if (trunc_check(t, s)) {
				s->work |= W_MORE;
				return;
			}
			rc = read_file_n(t, &s->cur, budget, true, upto);
		} while (rc == 2);
		if (rc == 1 && upto >= 0 && fstat(s->cur.fd, &cst) == 0 && cst.st_size > s->cur.off)
			rc = 0;   /* more came meanwhile: another pass, olds first */
		if (rc == 0) {
			s->work |= W_MORE;
			return;
		}
		if (rc < 0) {
			status(t, TS_ERROR, s->path, "%s: %s", s->name, strerror(errno));
			return;
		}
		if (!s->caught_up && s->cur.off >= s->history)
			s->caught_up = true;
	} else if (!s->caught_up && s->nold == 0) {
		s->caught_up = true;    /* waiting for it: no history */
	}
}

struct tail *tail_new(const struct tail_callbacks *cb, const struct tail_opts *opts)
{
	struct tail *t = xcalloc(1, sizeof(*t));

	t->cb = *cb;
	if (opts != NULL)
		t->o = *opts;
	if (t->o.poll_ms <= 0)
		t->o.poll_ms = 1000;
	if (t->o.old_quiet_ms <= 0)
		t->o.old_quiet_ms = 5000;
	t->ifd = t->o.force_poll ? -1 : inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	t->buf = xmalloc(TAIL_BLOCK);
	return t;
}

void tail_free(struct tail *t)
{
	if (t == NULL)
		return;
	if (t->ifd >= 0)
		close(t->ifd);          /* drops every watch at once */
	t->ifd = -1;
	for (size_t i = 0; i < t->nsrc; i++) {
		struct src *s = t->src[i];

		for (size_t j = 0; j < s->nold; j++)
			rd_close(t, &s->old[j]);
		free(s->old);
		rd_close(t, &s->cur);
		dirs_drop(t, s);
		free(s->path);
		free(s->name);
		free(s);
	}
	free(t->src);
	free(t->buf);
	free(t);
}

static struct src *src_add(struct tail *t, const char *name)
{
	struct src *s = xcalloc(1, sizeof(*s));

	rd_init(&s->cur);
	s->name = xstrdup(name);
	if (t->nsrc == t->srccap)
		xgrow(&t->src, &t->srccap, t->nsrc + 1, sizeof(*t->src));   /* NOLINT(bugprone-sizeof-expression): an array of pointers */
	t->src[t->nsrc++] = s;
	t->caught_up = false;
	return s;
}

static struct src *add_fd(struct tail *t, int fd, const char *name)
{
	struct stat st;
	struct src *s = src_add(t, name);

	s->is_fd = true;
	s->cur.fd = fd;
	s->cur.keep_fd = fd == 0;
	s->regular_fd = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	s->readable = s->regular_fd;
	return s;
}

int tail_add_fd(struct tail *t, int fd, const char *name)
{
	add_fd(t, fd, name);
	return 0;
}

int tail_add_file(struct tail *t, const char *path, const char **err)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return tail_add_fd(t, 0, "standard input");
	if (stat(path, &st) == 0 && S_ISFIFO(st.st_mode)) {
		/*
		 * A named pipe (rsyslog's ompipe, say). Opened for writing too, so
		 * the open does not wait for a writer (nor a signal behind it), and
		 * a writer that goes away is not an end: it is followed as long as
		 * we run. Nothing in it is history.
		 */
		int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

		if (fd < 0) {
			snprintf(t->err, sizeof(t->err), "%s: %s", path, strerror(errno));
			if (err != NULL)
				*err = t->err;
			return -1;
		}
		add_fd(t, fd, path)->caught_up = true;
		return 0;
	}
	char *dir = dir_of(path);

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(t->err, sizeof(t->err), "%s: directory %s does not exist", path, dir);
		free(dir);
		if (err != NULL)
			*err = t->err;
		return -1;
	}
	free(dir);
	struct src *s = src_add(t, path);

	s->path = xstrdup(path);
	if (t->ifd < 0)
		set_polling(t, s, t->o.force_poll ? "polling requested" : "inotify is not available");
	s->work = W_NS | W_EV;
	return 0;
}

int tail_pollfds(struct tail *t, struct pollfd *pfd, int max)
{
	int n = 0;

	if (t->ifd >= 0 && n < max)
		pfd[n++] = (struct pollfd){ .fd = t->ifd, .events = POLLIN };
	for (size_t i = 0; i < t->nsrc && n < max; i++) {
		struct src *s = t->src[i];

		if (s->is_fd && !s->cur.eof && !s->regular_fd)
			pfd[n++] = (struct pollfd){ .fd = s->cur.fd, .events = POLLIN };
	}
	return n;
}

int tail_timeout_ms(const struct tail *t)
{
	int64_t now = now_ms(), due = INT64_MAX;

	if (t->any_polling)
		due = t->next_poll_ms;
	for (size_t i = 0; i < t->nsrc; i++) {
		const struct src *s = t->src[i];

		for (size_t j = 0; j < s->nold; j++)
			if (s->old[j].last_ms + t->o.old_quiet_ms < due)
				due = s->old[j].last_ms + t->o.old_quiet_ms;
	}
	if (due == INT64_MAX)
		return -1;
	if (due <= now)
		return 0;
	return due - now > INT32_MAX ? INT32_MAX : (int)(due - now);
}

static void mark_all(struct tail *t, int work)
{
	for (size_t i = 0; i < t->nsrc; i++)
		if (!t->src[i]->is_fd)
			t->src[i]->work |= work;
}

static void on_close_write(struct tail *t, int wd)
{
	for (size_t i = 0; i < t->nsrc; i++) {
		struct src *s = t->src[i];

		for (size_t j = 0; j < s->nold; j++)
			if (s->old[j].wd == wd)
				s->old[j].close_write = true;
	}
}

static void on_ignored(struct tail *t, int wd)
{
	for (size_t i = 0; i < t->nsrc; i++) {
		struct src *s = t->src[i];

		if (s->cur.wd == wd)
			s->cur.wd = -1;
		for (size_t j = 0; j < s->nold; j++)
			if (s->old[j].wd == wd)
				s->old[j].wd = -1;
		for (int k = 0; k < s->ndirs; k++)
			if (s->dirs[k].wd == wd)
				s->dirs[k].wd = -1;
	}
}

static void drain_inotify(struct tail *t)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	int work = 0;

	for (;;) {
		ssize_t n = read(t->ifd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)(void *)p;

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				t->st.overflows++;
				work |= W_NS | W_EV;
				status(t, TS_OVERFLOW, NULL, "too many file events at once; checked every file again");
				continue;
			}
			work |= W_EV;
			if (ev->mask & (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB |
					IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
				work |= W_NS;
			if (ev->mask & IN_CLOSE_WRITE)
				on_close_write(t, ev->wd);
			if (ev->mask & IN_IGNORED)
				on_ignored(t, ev->wd);
		}
	}
	mark_all(t, work);
}

void tail_dispatch(struct tail *t, const struct pollfd *pfd, int n)
{
	for (int i = 0; i < n; i++) {
		if (pfd[i].fd < 0)
			continue;
		if (pfd[i].fd == t->ifd) {
			if (pfd[i].revents & POLLIN)
				drain_inotify(t);
			continue;
		}
		for (size_t j = 0; j < t->nsrc; j++) {
			struct src *s = t->src[j];

			if (!s->is_fd || s->cur.fd != pfd[i].fd || s->cur.eof)
				continue;
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				s->readable = true;
			else if (!s->caught_up)
				s->caught_up = true;    /* nothing more right now: history done */
		}
	}
	int64_t now = now_ms();

	if (t->any_polling && now >= t->next_poll_ms) {
		for (size_t i = 0; i < t->nsrc; i++)
			if (t->src[i]->polling)
				t->src[i]->work |= W_NS | W_EV;
		t->next_poll_ms = now + t->o.poll_ms;
	}
	for (size_t i = 0; i < t->nsrc; i++) {
		struct src *s = t->src[i];

		for (size_t j = 0; j < s->nold; j++)
			if (s->old[j].last_ms + t->o.old_quiet_ms <= now)
				s->old[j].close_write = true, s->work |= W_MORE;
	}
	check_caught_up(t);
}

size_t tail_read_some(struct tail *t, size_t max_bytes)
{
	size_t budget = max_bytes == 0 ? SIZE_MAX : max_bytes, start = budget;

	for (size_t i = 0; i < t->nsrc && budget > 0; i++)
		do_source(t, t->src[i], &budget);
	check_caught_up(t);
	return start - budget;
}

bool tail_pending(const struct tail *t)
{
	for (size_t i = 0; i < t->nsrc; i++) {
		const struct src *s = t->src[i];

		if (s->is_fd ? (s->readable && !s->cur.eof) : s->work != 0)
			return true;
	}
	return false;
}

bool tail_caught_up(const struct tail *t)
{
	return t->caught_up;
}

bool tail_done(const struct tail *t)
{
	if (t->nsrc == 0)
		return false;
	for (size_t i = 0; i < t->nsrc; i++)
		if (!t->src[i]->is_fd || !t->src[i]->cur.eof)
			return false;
	return true;
}

void tail_get_stats(const struct tail *t, struct tail_stats *st)
{
	*st = t->st;
}
