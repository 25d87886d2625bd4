/*
 * vm: view models for the UI, without curses. Each list the UI shows is an
 * array of ids (sessions, files, events, user names) plus a cursor that
 * stays on the same id while rows come, go and move; the UI draws rows
 * from these ids and the text helpers below.
 *
 * Every string these functions produce has been through esc_term(): it is
 * safe for a terminal as is. Widths are not cut here; the UI cuts by display
 * width. Views keep ids, never pointers into the model.
 */
#ifndef SFTPTOP_VM_H
#define SFTPTOP_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "model.h"

/* ---- a list of ids with a cursor kept by id ---- */

struct vm_list {
	uint32_t *ids;
	size_t n, cap;
	size_t cur;          /* cursor row (0 when empty) */
	size_t top;          /* first visible row */
	uint32_t cur_id;     /* id under the cursor, MODEL_NONE when empty */
};

void vm_list_free(struct vm_list *l);
void vm_list_clear(struct vm_list *l);
void vm_list_push(struct vm_list *l, uint32_t id);
/* Move the cursor by delta rows (clamped); returns true when it moved. */
bool vm_list_move(struct vm_list *l, long delta);
/* Put the cursor on row (clamped). */
bool vm_list_set(struct vm_list *l, size_t row);
/* Row of id, or SIZE_MAX. */
size_t vm_list_find(const struct vm_list *l, uint32_t id);
/*
 * After the ids changed: put the cursor back on cur_id when it is still
 * listed, else on the row it had (clamped).
 */
void vm_list_restore(struct vm_list *l);
/* Make the cursor visible in a window of height rows (adjusts top). */
void vm_list_scroll(struct vm_list *l, size_t height);

/* ---- the sessions list ---- */

enum vm_scol {
	VS_STATE, VS_HOST, VS_PID, VS_USER, VS_IP, VS_START, VS_DURATION,
	VS_UP, VS_DOWN, VS_FILES, VS_DELS, VS_FAILS, VS_LAST, VS__COUNT
};

struct vm_sessions {
	struct vm_list list;
	enum vm_scol sort;   /* VS_STATE = live first, then most recent activity */
	bool invert;
	int64_t now;         /* wall µs, for live durations */
	/* private */
	bool full;
	uint32_t *pending;
	size_t npending, pending_cap;
	uint8_t *mark;       /* per session: 1 = pending */
	size_t mark_cap;
	uint32_t *tmp;
	size_t tmp_cap;
	size_t known;        /* sessions seen so far */
	const struct model *m;
	uint32_t *last;      /* per session: last event that is not navigation noise */
	size_t last_cap;
};

void vm_sessions_init(struct vm_sessions *v);
void vm_sessions_free(struct vm_sessions *v);
/* A session changed (opened, closed, new event): re-place it at the next update. */
void vm_sessions_touch(struct vm_sessions *v, uint32_t sess);
/*
 * The model compacted (model_maybe_compact): ids were renumbered. Carries
 * the cursor over by model_remap_session() and rebuilds at the next update.
 */
void vm_sessions_remap(struct vm_sessions *v, const struct model *m);
/* A new event (model hook): remembers each session's last non-noise event. */
void vm_sessions_event(struct vm_sessions *v, const struct model *m, uint32_t ev);
/* That event, or MODEL_NONE when the session has had only noise. */
uint32_t vm_sessions_last(const struct vm_sessions *v, uint32_t sess);
/* The filter changed or the model was replaced: rebuild everything. */
void vm_sessions_invalidate(struct vm_sessions *v);
void vm_sessions_set_sort(struct vm_sessions *v, enum vm_scol col, bool invert);
/* The clock moved (re-sorts only when that changes the order). */
void vm_sessions_set_now(struct vm_sessions *v, int64_t now);
/*
 * Bring the rows up to date: new sessions and touched ones are filtered and
 * merged in, O(n + k log k) for k touched; a full sort only after
 * invalidate/set_sort. Returns true when the rows changed.
 */
bool vm_sessions_update(struct vm_sessions *v, const struct model *m, const struct filter *f);
const char *vm_scol_name(enum vm_scol c);

/* The text of a session row, escaped. */
struct vm_srow {
	char state[8];
	char host[128];
	char pid[12];
	char user[128];
	char ip[128];
	char start[24];
	char duration[24];
	char up[16], down[16];
	char files[12], dels[12], fails[12];
	char last[512];
	uint32_t ndels, nfails;
	uint8_t sstate;      /* enum sess_state */
};
void vm_session_row(const struct model *m, uint32_t sess, int64_t now, bool utf8, struct vm_srow *r);
/* Describe event ev as the row's last action instead of the session's last event. */
void vm_srow_last(const struct model *m, uint32_t ev, bool utf8, struct vm_srow *r);

/* ---- one session: files touched, or the raw events ---- */

enum { VMR_DELETED = 1, VMR_FAILED = 2, VMR_NOISE = 4 };

struct vm_session {
	uint32_t sess;
	bool raw;            /* event list instead of per-file summary */
	bool noise;          /* show navigation noise */
	struct vm_list list; /* ids: event ids (raw) or the first event of each file row */
	char **text;         /* summary rows: escaped "path: did → did → DELETED" parts */
	char **name;         /* summary rows: escaped path */
	uint8_t *flags;      /* VMR_* per row */
	size_t tcap;
	size_t ntext;        /* rows holding text and name */
	/* private: what the rows were built from */
	uint32_t built_nevents, built_last;
	bool built_raw, built_noise, built_valid;
};

void vm_session_init(struct vm_session *v, uint32_t sess);
void vm_session_free(struct vm_session *v);
void vm_session_invalidate(struct vm_session *v);
/* After a compaction: false when the session was dropped. */
bool vm_session_remap(struct vm_session *v, const struct model *m);
/* Rebuild when the session has new events or a toggle changed; true when rebuilt. */
bool vm_session_update(struct vm_session *v, const struct model *m, const struct filter *f, bool utf8);
/* File id of a summary row (MODEL_NONE for the session's own messages). */
uint32_t vm_session_row_file(const struct model *m, const struct vm_session *v, size_t row);

/* ---- a file's timeline across sessions ---- */

struct vm_timeline {
	uint32_t file;
	struct vm_list list;     /* event ids, oldest first */
	size_t built_nevents;
	bool built_valid;
};
void vm_timeline_init(struct vm_timeline *v, uint32_t file);
void vm_timeline_free(struct vm_timeline *v);
bool vm_timeline_update(struct vm_timeline *v, const struct model *m, const struct filter *f);
/* After a compaction: false when the file was dropped. */
bool vm_timeline_remap(struct vm_timeline *v, const struct model *m);

/* ---- every destructive event, newest first ---- */

struct vm_deletions {
	struct vm_list list;     /* event ids, newest first */
	/* private */
	uint32_t *all;           /* candidates in log order */
	size_t nall, allcap;
	size_t scanned;          /* events looked at so far */
	bool full;
};
void vm_deletions_init(struct vm_deletions *v);
void vm_deletions_free(struct vm_deletions *v);
void vm_deletions_invalidate(struct vm_deletions *v);
/* After a compaction: forget every event id, scan the model again. */
void vm_deletions_remap(struct vm_deletions *v);
bool vm_deletions_update(struct vm_deletions *v, const struct model *m, const struct filter *f);

/* ---- users, for the picker ---- */

struct vm_users {
	struct vm_list list;     /* str ids of user names, sorted by name */
	uint32_t *nsess, *nlive, *ndels;   /* parallel to list.ids */
	size_t cap;
};
void vm_users_init(struct vm_users *v);
void vm_users_free(struct vm_users *v);
void vm_users_build(struct vm_users *v, const struct model *m);

/* ---- one event as text ---- */

struct vm_erow {
	char time[40];
	char user[128];
	char ip[128];
	char op[40];
	char what[1024];     /* path, "→ to", sizes, flags */
	char result[300];    /* "", "FAILED: text", "DELETED", "REPLACED", ... */
	uint8_t flags;       /* VMR_* */
};
void vm_event_row(const struct model *m, uint32_t ev, bool utf8, struct vm_erow *r);
/* One plain line (fields joined by two spaces), for export and search. */
size_t vm_event_line(const struct model *m, uint32_t ev, bool utf8, bool who, char *buf, size_t size);
/* Session row as one line (for search and export). */
size_t vm_session_line(const struct model *m, uint32_t sess, int64_t now, bool utf8, char *buf, size_t size);

/* ---- small formatters ---- */
char *vm_fmt_bytes(char *buf, size_t size, uint64_t n);     /* "12 B", "3.4 KiB" */
char *vm_fmt_duration(char *buf, size_t size, int64_t us);  /* "0:05:12", "3d04h" */
/* "11:02:31" when on the same day as now, else "11-23 11:02". */
char *vm_fmt_time(char *buf, size_t size, int64_t wall, int64_t now);

/* Case-insensitive substring test (ASCII folding), for / search. */
bool vm_match(const char *hay, const char *needle);

#endif
