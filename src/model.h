/*
 * model: sessions, files and events, built from parsed lines one at a time,
 * in order, forever.
 *
 * The model owns all memory. Everything is named by 32-bit ids (indexes),
 * never pointers: the arrays grow, so a pointer from model_event() or
 * model_session() is valid only until the next model_add*(). Views and
 * reports keep ids.
 *
 *  - A session is (host, program, pid) between "session opened" and
 *    "session closed". A second "session opened" on a key still open marks
 *    the old session lost. Lines for a key with no open session make a
 *    session with unknown user and start (flags & SF_NO_OPEN).
 *  - An event is one request line (a "message repeated N times" line is N
 *    events). "sent status X" is not an event: it marks the session's
 *    previous request failed with text X. Session lifecycle lines are not
 *    events either; they set the session's fields.
 *  - A file is (host, path); path is the real server path when a --chroot
 *    mapping applies, else as logged. Each file has a chain of its events
 *    (by path) and of the renames/links that name it as the target.
 *  - Destructive kinds: remove, rmdir, a rename/posix-rename onto a path
 *    known to exist (replaced), an open with TRUNCATE of a path known to
 *    exist (overwritten), set size 0 (truncated). A failed request is never
 *    destructive.
 */
#ifndef SFTPTOP_MODEL_H
#define SFTPTOP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ltime.h"
#include "parse.h"
#include "strtab.h"

#define MODEL_NONE UINT32_MAX

enum sess_state { SS_OPEN, SS_CLOSED, SS_LOST };

/* Session flags. */
enum {
	SF_NO_OPEN = 1 << 0,     /* its "session opened" is not in the log */
	SF_HAS_CLOSE = 1 << 1,   /* "session closed" seen */
	SF_REPLACED = 1 << 2,    /* lost because its pid logged a new "session opened" */
};

enum destr_kind { DK_NONE, DK_REMOVE, DK_RMDIR, DK_REPLACED, DK_OVERWRITTEN, DK_TRUNCATED };

/* In oflags of close, set and users-groups-by-id: the numbers are in the 64-bit pool. */
#define EV_BIGNUM 0x80

/* Event bits. */
enum {
	EV_FAILED = 1 << 0,      /* a "sent status" followed: model_event_status() has the text */
	EV_TRUNCATED = 1 << 1,   /* line cut at the 500-byte cap */
	EV_NOISE = 1 << 2,       /* navigation: stat, lstat, realpath, readlink, opendir, closedir, ... */
	EV_INIT = 1 << 3,        /* a Refusing line sent while answering INIT, not a client request */
	EV_AMBIGUOUS = 1 << 4,   /* two names split at one of several '" new "' (names hold that text) */
};

/*
 * One event: 28 bytes (ten million fit in 280 MB). file is the id of the file its path names (see
 * model_file(); its path string is model_file(m, file)->path), or
 * MODEL_NONE. arg depends on op:
 *   rename, posix-rename, symlink, hardlink: file id of the second path ("to")
 *   open, mkdir: mode;  version: the version;
 *   set: mode (SET_MODE), str id of the modtime text (SET_MODTIME), or an
 *   index into the number pool (SET_SIZE: size; SET_OWNER: uid, gid);
 *   close, forced-close: pool index of (bytes read, bytes written);
 *   users-groups-by-id: pool index of (users, groups);
 *   refused: str id of the request name;  error, fatal: str id of the message.
 * Use model_event_num() for pool numbers and model_event_reason() for refusals.
 */
struct model_event {
	uint32_t sec;       /* wall seconds since 1970: use model_event_time() */
	uint32_t usz;       /* microseconds (low 20 bits), zone index (high 8): model_event_zone() */
	uint32_t sess;
	uint32_t file;      /* file id or MODEL_NONE */
	uint32_t arg;
	uint32_t next;      /* next event of the same session, or MODEL_NONE */
	uint8_t op;         /* enum op */
	uint8_t oflags;     /* OF_* for open; enum set_attr for set (| EV_BIGNUM: model_event_set_attr()) */
	uint8_t dkind;      /* enum destr_kind */
	uint8_t bits;       /* EV_*; the top two bits hold the refusal reason (model_event_reason()) */
};

/* The attribute of a set event. */
static inline enum set_attr model_event_set_attr(const struct model_event *e)
{
	return (enum set_attr)(e->oflags & 0x07);
}

/* Wall µs of an event (ltime.h). */
static inline int64_t model_event_time(const struct model_event *e)
{
	return (int64_t)e->sec * 1000000 + (e->usz & 0xfffff);
}

/* Its ltime zone index. */
static inline uint8_t model_event_zone(const struct model_event *e)
{
	return (uint8_t)(e->usz >> 24);
}

struct model_session {
	str_id host, prog, user, ip;    /* 0 when unknown */
	uint32_t pid;
	uint8_t state;                  /* enum sess_state */
	uint8_t flags;                  /* SF_* */
	uint8_t zone_start, zone_end;
	int64_t start, end;             /* open and close lines; 0 when not in the log */
	int64_t first, last;            /* first and last line of any kind */
	uint64_t bytes_read, bytes_written;
	uint32_t nevents, nfiles, ndeletions, nfailures;
	uint32_t first_ev, last_ev;     /* MODEL_NONE when it has none */
	uint32_t first_del, last_del;   /* its first and last event ever marked destructive (MODEL_NONE:
	                                 * none); one undone by a failure status keeps the bounds */
	uint32_t last_request;          /* where a "sent status" would land */
	uint32_t client_version;        /* 0 unknown */
};

struct model_file {
	str_id host, path;
	uint32_t first_ev, last_ev;     /* its first and last event by path (others lie between) */
	uint32_t first_link;            /* chain of events naming it as "to" (model_link_*) */
	uint32_t nevents;
	uint32_t ndeletions;
	uint32_t toucher;               /* the last session that touched it, MODEL_NONE */
	uint32_t seen;                  /* wall seconds of its last event (retention) */
	uint8_t exists;                 /* 0 unknown, 1 yes, 2 no */
};

struct model_stats {
	uint64_t lines;          /* every line read */
	uint64_t sftp_lines;     /* lines from internal-sftp / sftp-server (understood or not) */
	uint64_t foreign_lines;  /* other programs' lines */
	uint64_t debug_lines;    /* sftp debugN: lines, skipped */
	uint64_t unparsed_lines; /* lines we could not understand */
	uint64_t blank_lines;
	uint64_t events;
	uint64_t deletions;
	uint64_t failures;
	uint64_t orphan_status;  /* "sent status" with no request to attach to */
	uint64_t dropped_sessions;  /* sessions dropped by the retention window (--keep) */
	uint64_t dropped_events;
	uint64_t retention_scans;   /* times the --keep window's check looked at every session */
};

struct model_opts {
	/* --chroot rules "[USERGLOB=]PATTERN" (%u = user), first match wins. */
	const char *const *chroot;
	size_t nchroot;
};

/* Why model hooks are called. */
enum model_change { MC_OPENED, MC_CLOSED, MC_LOST, MC_UPDATED };

struct model_hooks {
	/* A new event (status may still change: see model_session.last_request). */
	void (*event)(void *ctx, uint32_t ev);
	/* An event's status turned to failed after it was added. */
	void (*status)(void *ctx, uint32_t ev);
	void (*session)(void *ctx, uint32_t sess, enum model_change what);
	void *ctx;
	/* model_maybe_compact() renumbered everything (see model_remap_*()). */
	void (*compacted)(void *ctx);
};

struct model;

struct model *model_new(const struct model_opts *opts);   /* opts may be NULL */
void model_free(struct model *m);
void model_set_hooks(struct model *m, const struct model_hooks *hooks);

struct strtab *model_strings(struct model *m);
const struct strtab *model_cstrings(const struct model *m);
struct ltime_zones *model_zones(struct model *m);
const struct ltime_zones *model_czones(const struct model *m);
const char *model_str(const struct model *m, str_id id, size_t *len);

/*
 * Add one parsed line with its resolved time (wall µs) and zone index.
 * Counts it in the stats whatever its class; only PC_SFTP lines change
 * sessions and events. Never fails: anything inconsistent is counted.
 */
void model_add(struct model *m, const struct parse_result *r, int64_t wall, uint8_t zone);
/*
 * The strtab_hash of a line's path and path2 as parsed (empty ones too),
 * computed where the line was parsed, so the model need not hash them again.
 * model_prefetch() starts loading the string look-ups of a line about to be
 * added (stage 0 a few lines ahead, stage 1 closer); it changes nothing.
 */
struct model_hint {
	uint32_t h[2];
};
void model_add_hinted(struct model *m, const struct parse_result *r, int64_t wall, uint8_t zone,
                      const struct model_hint *hint);
void model_prefetch(const struct model *m, const struct parse_result *r, const struct model_hint *hint, int stage);
/* Count a line without adding anything (e.g. an sftp line before --since). */
void model_count(struct model *m, enum parse_class cls);
/* Count a line that never reached the parser (e.g. too long); keeps a copy for inspection. */
void model_add_unparsed(struct model *m, const char *line, size_t len);

/* Mark an open session lost (the follower decides when). */
void model_mark_lost(struct model *m, uint32_t sess);

size_t model_nsessions(const struct model *m);
size_t model_nevents(const struct model *m);
size_t model_nfiles(const struct model *m);
const struct model_session *model_session(const struct model *m, uint32_t id);
const struct model_event *model_event(const struct model *m, uint32_t id);
const struct model_file *model_file(const struct model *m, uint32_t id);
const struct model_stats *model_stats(const struct model *m);

/* The path of an event ("" when none) and its second path ("to", "" when none). */
const char *model_event_path(const struct model *m, uint32_t ev, size_t *len);
const char *model_event_to(const struct model *m, uint32_t ev, size_t *len);
/* File id of the "to" path (MODEL_NONE when none). */
uint32_t model_event_file2(const struct model *m, uint32_t ev);
/* Refusal reason text: "read-only", "denylisted", "non-allowlisted" or "". */
const char *model_event_reason(const struct model *m, uint32_t ev);
/* Failure text of a failed event ("" when not failed). */
const char *model_event_status(const struct model *m, uint32_t ev);
/* Pool numbers: close bytes (read, written), set size, set owner (uid, gid), users-groups. */
uint64_t model_event_num(const struct model *m, uint32_t ev, int which);

/* Links: events (rename, posix-rename, hardlink, symlink) whose "to" is a file. */
uint32_t model_link_event(const struct model *m, uint32_t link);
uint32_t model_link_next(const struct model *m, uint32_t link);

/* Find a file by host and path (as keyed), MODEL_NONE when unknown. */
uint32_t model_find_file(const struct model *m, str_id host, const char *path, size_t len);

/*
 * The timeline of a file, following renames both ways: its own events, the
 * events of the names it was renamed from (before the rename) and to (after).
 * Fills a sorted array of event ids; returns the count. *out is xrealloc'd
 * (*cap elements); the caller frees it.
 */
size_t model_timeline(const struct model *m, uint32_t file, uint32_t **out, size_t *cap);

/* Noise ops (hidden by default in views): stat, lstat, realpath, ... */
bool model_op_is_noise(enum op op);
const char *model_destr_name(enum destr_kind k);   /* "remove", "replaced", ... */
const char *model_state_name(enum sess_state s);   /* "open", "closed", "lost" */

/*
 * Retention (--keep): sessions that are closed or lost and have had no line
 * for keep_us (counted back from the newest line seen) are dropped with
 * their events, and so are files and strings nothing refers to any more.
 * 0 keeps everything (the default).
 */
void model_set_keep(struct model *m, int64_t keep_us);
int64_t model_keep(const struct model *m);
/*
 * Drop what the window no longer keeps, when at least a quarter of the
 * events would go (always with force). This renumbers sessions, events and
 * files, so call it only where no event id is held; afterwards
 * model_remap_session() and model_remap_file() give the new id of an old
 * one (MODEL_NONE when dropped) until the next compaction. Returns true
 * when it dropped anything.
 */
bool model_maybe_compact(struct model *m, bool force);
uint32_t model_remap_session(const struct model *m, uint32_t old);
uint32_t model_remap_file(const struct model *m, uint32_t old);
/* How many compactions so far (views compare it to know ids moved). */
uint32_t model_generation(const struct model *m);

/* Last unparsed lines kept for inspection (a ring of MODEL_UNPARSED_KEEP). */
#define MODEL_UNPARSED_KEEP 256
size_t model_unparsed_count(const struct model *m);
/* i = 0 is the oldest kept. Returns the line; *line_no gets its number in the input. */
const char *model_unparsed(const struct model *m, size_t i, size_t *len, uint64_t *line_no);

/* Bytes the model uses, for the memory figures. */
size_t model_bytes(const struct model *m);
/* The same, part by part, one "name bytes" line each (for --debug and the benchmark). */
void model_memory_report(const struct model *m, FILE *f);

#endif
