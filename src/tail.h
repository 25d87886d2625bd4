/*
 * tail: follow log files (and stdin or a pipe) and hand out complete lines,
 * in order, surviving every way logrotate and syslog daemons move files.
 * No curses, no printing: lines go to the line callback, news about the
 * files (waiting, rotated, truncated, polling...) to the status callback.
 *
 * One poll() loop shape, shared by the batch follower (follow.c) and the UI
 * (which adds the terminal's fd to the same array):
 *
 *	struct pollfd pfd[8];
 *	for (;;) {
 *		int n = tail_pollfds(t, pfd, 8);          // the tail's fds first
 *		pfd[n] = (struct pollfd){ .fd = tty, .events = POLLIN };  // yours after
 *		int to = tail_pending(t) ? 0 : tail_timeout_ms(t);  // -1: nothing timed
 *		poll(pfd, n + 1, to);
 *		tail_dispatch(t, pfd, n);                 // also runs due timers
 *		tail_read_some(t, 4 << 20);               // bounded: stay responsive
 *		... handle tty, draw once ...
 *		if (tail_done(t)) break;                  // only stdin sources, all at EOF
 *	}
 *
 * tail_timeout_ms() is -1 when nothing timed is pending, so an idle follower
 * sleeps in poll() and costs no CPU. tail_read_some() reads in large blocks
 * (256 KiB) with no allocation per line; when it stops at its budget,
 * tail_pending() is true and the caller should poll with timeout 0.
 *
 * Files are opened by name and read from offset 0 (the history), then
 * followed. What is handled (without losing or repeating a line):
 *  - appends, also a line written in pieces: the incomplete tail is held
 *    until its newline arrives (or, for stdin, until EOF);
 *  - rename + create: the new file is read from 0, and the renamed old file
 *    is read to its end first and kept open until its writer closes it
 *    (IN_CLOSE_WRITE) or it has been quiet for opts.old_quiet_ms; the old
 *    file's lines are delivered before the new file's;
 *  - copytruncate: size below our offset (or a different first line at the
 *    same place) means start again at 0; checked on every wake-up;
 *  - delete and re-create, a file missing at start ("waiting for FILE"),
 *    the directory replaced, the path being a symlink that is re-pointed
 *    or that points at nothing for a while (its directory rotated: then
 *    looked at on a timer);
 *  - IN_Q_OVERFLOW: every source is re-checked by stat;
 *  - filesystems where inotify sees nothing (NFS, CIFS, FUSE...), no
 *    inotify at all, or no watch left for the file: a stat check every
 *    opts.poll_ms, said via status (TS_POLLING); when what kept inotify
 *    away is gone (a watch freed, the directory back) and no symlink is on
 *    the way, inotify again and the timer stopped (TS_WATCHING).
 *
 * What is not handled (each loses lines; none happens to a follower that
 * runs while logrotate does its daily or hourly work):
 *  - two rotations before the follower looks (it was stopped, say): the
 *    file in between was never opened, and is not looked for;
 *  - copytruncate: the lines written between logrotate's copy and its
 *    truncate (lost for every reader); the unread rest when the copy is not
 *    beside the file under a name rotated.c knows, or is compressed at once;
 *  - a truncation that keeps a part already read hands that part out again.
 */
#ifndef SFTPTOP_TAIL_H
#define SFTPTOP_TAIL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a status message is about. */
enum tail_status {
	TS_OPENED,        /* a file opened (at start or after waiting) */
	TS_WAITING,       /* the file does not exist (yet): waiting for it */
	TS_ROTATED,       /* renamed away and a new file appeared: reading both */
	TS_OLD_DONE,      /* finished with a rotated-away file */
	TS_TRUNCATED,     /* copytruncate or similar: reading again from 0 */
	TS_DELETED,       /* the file was removed: waiting for it to come back */
	TS_REPLACED,      /* the directory or a symlink changed: re-opened */
	TS_OVERFLOW,      /* inotify queue overflow: re-checked everything */
	TS_POLLING,       /* inotify can't see changes here: stat on a timer */
	TS_WATCHING,      /* what stopped inotify is gone: watched again, timer stopped */
	TS_CAUGHT_UP,     /* reached the end of what existed when it was opened */
	TS_EOF,           /* stdin / pipe ended */
	TS_ERROR,         /* read or open error (msg says which) */
};

struct tail_callbacks {
	/* One complete line, without its newline ('\r' kept). line is valid
	 * only during the call. Lines of one source come in file order. */
	void (*line)(void *ctx, const char *line, size_t len);
	/* Something happened to a source; msg is a ready-to-show sentence
	 * naming the file. May be NULL. Never called from a signal handler. */
	void (*status)(void *ctx, enum tail_status st, const char *path, const char *msg);
	void *ctx;
	/* Optional: runs of complete lines as read, each line ending in '\n'
	 * ('\r' kept), in one call instead of one line() call each; valid only
	 * during the call. A line the tail pieced together (written in parts,
	 * or read across two blocks) and a last line without its newline still
	 * come through line(), in order with the runs. */
	void (*lines)(void *ctx, const char *buf, size_t len);
};

struct tail_opts {
	int poll_ms;        /* stat interval in polling mode (0 = 1000) */
	int old_quiet_ms;   /* drop a rotated-away file quiet this long (0 = 5000) */
	bool force_poll;    /* no inotify at all (tests, or --poll) */
	bool from_end;      /* start files at their end, not at 0 (no history) */
};

struct tail;

/* cb is copied; opts may be NULL. Returns NULL only if inotify and polling
 * are both impossible (never, in practice). Free with tail_free(). */
struct tail *tail_new(const struct tail_callbacks *cb, const struct tail_opts *opts);
void tail_free(struct tail *t);

/*
 * Follow a file by name. A file that does not exist yet is waited for
 * (TS_WAITING); a directory that does not exist is an error. "-" means
 * stdin. A named pipe is read as it comes (no history), across writers,
 * for as long as the tail lives. Returns 0, or -1 with a message in *err (static or in t).
 */
int tail_add_file(struct tail *t, const char *path, const char **err);
/* Follow an already open fd (a pipe, stdin) until EOF; name is for messages.
 * The tail does not close fd 0; other fds it closes at EOF or tail_free(). */
int tail_add_fd(struct tail *t, int fd, const char *name);

/* Fill pfd with the fds to poll (at most max); returns how many. */
int tail_pollfds(struct tail *t, struct pollfd *pfd, int max);
/* ms until the next timed check (old-file quiet, polling), -1 when none. */
int tail_timeout_ms(const struct tail *t);
/* Look at poll()'s results for the first n entries (as filled by
 * tail_pollfds) and at due timers; notes what needs reading. No line
 * callbacks from here except for sources that ended. */
void tail_dispatch(struct tail *t, const struct pollfd *pfd, int n);
/* Read at most about max_bytes (0 = no limit) from sources that have data,
 * calling the line callback; returns bytes read. */
size_t tail_read_some(struct tail *t, size_t max_bytes);
/* More data is known to be waiting (the last read stopped at its budget). */
bool tail_pending(const struct tail *t);
/* Every source has reached the end of what existed when it was added
 * (history loaded). Stays true afterwards. */
bool tail_caught_up(const struct tail *t);
/* Nothing left to follow: all sources were fds (stdin) and all hit EOF. */
bool tail_done(const struct tail *t);

/* Counters, for tests and the status line. */
struct tail_stats {
	uint64_t bytes;
	uint32_t rotations, truncations, overflows, reopens;
	bool polling;
};
void tail_get_stats(const struct tail *t, struct tail_stats *st);

#endif
