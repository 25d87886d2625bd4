/*
 * ui_int: what the UI's files share: the UI state, the view ops table, the
 * key actions, and the safe drawing helpers. Views get the state through
 * struct ui, hold ids (never model pointers) and say what they changed
 * through the R_* bits; only ui.c decides when to draw.
 */
#ifndef SFTPTOP_UI_INT_H
#define SFTPTOP_UI_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "provide_curses.h"

#include "filter.h"
#include "ingest.h"
#include "model.h"
#include "tail.h"
#include "ui.h"
#include "vm.h"

/* What a key handler did. */
enum {
	R_HANDLED = 1 << 0,   /* the key meant something here */
	R_REDRAW = 1 << 1,    /* the screen must be drawn again */
	R_QUIT = 1 << 2,      /* leave the program */
	R_BACK = 1 << 3,      /* close this view */
	R_UPDATE = 1 << 4,    /* rows must be rebuilt from the model */
	R_CLEAR = 1 << 5,     /* clear the terminal and draw everything */
};

enum action {
	A_NONE,
	A_UP, A_DOWN, A_PGUP, A_PGDN, A_HOME, A_END,
	A_OPEN, A_BACK, A_QUIT, A_EXIT,
	A_HELP, A_SEARCH, A_NEXT, A_PREV, A_FILTER, A_USERS, A_DELETIONS,
	A_SORT_PREV, A_SORT_NEXT, A_INVERT, A_PAUSE, A_NEXT_BAD, A_PREV_BAD,
	A_REDRAW, A_EXPORT, A_FASTER, A_SLOWER,
	A_RAW, A_NOISE, A_SESSION, A_TIMELINE,
	A__COUNT
};

/* Which views a key is listed for in the help. */
enum { K_ALL = 0, K_SESSIONS = 1, K_SESSION = 2, K_FILE = 4, K_DELETIONS = 8, K_USERS = 16, K_REPLAY = 32 };

struct key_binding {
	int key;             /* curses key code or character */
	bool fn;             /* key is a KEY_* code (get_wch KEY_CODE_YES) */
	enum action action;
	const char *name;    /* as shown in the help */
	const char *help;    /* NULL: an alias, listed with the previous row */
	unsigned views;      /* K_* (K_ALL = everywhere) */
};
extern const struct key_binding keys_table[];
extern const size_t keys_count;
enum action keys_lookup(int key, bool fn);

struct ui;
struct view;

struct view_ops {
	const char *name;
	unsigned kind;        /* K_* */
	/* Rebuild rows from the model; true when they changed. */
	bool (*update)(struct ui *u, struct view *v);
	/* Title line text (safe). */
	void (*title)(struct ui *u, struct view *v, char *buf, size_t size);
	/* Draw the column heading at row y and the rows in [y+1, y+h). */
	void (*draw)(struct ui *u, struct view *v, int y, int h, int w);
	/* A key: R_* bits; 0 when not handled (the loop then tries the list keys and globals). */
	int (*key)(struct ui *u, struct view *v, enum action a);
	void (*resize)(struct ui *u, struct view *v, int h, int w);
	/* The filter changed: rebuild the rows at the next update. */
	void (*invalidate)(struct view *v);
	/* The model compacted (--keep) and renumbered its ids: carry them over;
	 * false when what the view shows was dropped (the view closes). */
	bool (*remap)(struct ui *u, struct view *v);
	/* The rows, for moving, search and the mouse. */
	struct vm_list *(*list)(struct view *v);
	/* Plain (safe) text of a row, for search. */
	void (*row_text)(struct ui *u, struct view *v, size_t row, char *buf, size_t size);
	/* Is a row a deletion or a failure (e/E)? */
	bool (*row_bad)(struct ui *u, struct view *v, size_t row);
	/* Write the view as a plain-text report. */
	void (*write)(struct ui *u, struct view *v, FILE *f);
	void (*free)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	void *st;
	int body_h;          /* rows of the list area at the last draw */
	int body_y;          /* screen row of the first list row */
};

enum prompt_kind { P_NONE, P_SEARCH, P_FILTER, P_EXPORT };

#define UI_STACK 16

struct ui {
	const struct ui_opts *o;
	struct model *m;
	struct ingest *in;
	struct tail *tail;
	struct ingest_pipe *pipe;    /* the history's lines, parsed by helpers (NULL once caught up) */
	struct filter filter;        /* active selection */
	char filter_text[512];       /* as typed */

	struct view *stack[UI_STACK];
	int depth;

	struct vm_sessions sessions; /* kept up to date by the model hooks */

	bool utf8, color, mouse;
	bool dirty, clear, quit;
	bool model_changed;          /* since the header last counted live sessions */
	bool model_dirty;            /* the model changed since the last screen (drawn at once, or
	                              * every LOAD_DRAW_MS while the history loads) */
	int64_t drawn_us;            /* monotonic time of the last screen */
	bool compacted;              /* the model renumbered its ids (--keep) */
	size_t nlive;
	bool paused;
	bool loading;                /* history not yet read */
	uint64_t load_total;         /* bytes of the files at start */
	int64_t now;                 /* wall µs shown (log clock in replay) */
	int rows, cols;

	char status[256];            /* safe text */
	int64_t status_until;        /* monotonic ms */

	enum prompt_kind prompt;
	char pbuf[512];              /* prompt text, UTF-8 */
	size_t plen;
	size_t prompt_origin;        /* search: row the search started from */
	char search[512];

	/* replay */
	struct replay *rp;
	double speed;
};

/* ---- ui.c ---- */
void ui_push(struct ui *u, struct view *v);
struct view *ui_top(struct ui *u);
void ui_set_status(struct ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Attributes for a role, colour or fallback. */
enum role { ROLE_NORMAL, ROLE_HEADER, ROLE_TITLE, ROLE_CURSOR, ROLE_DELETED, ROLE_FAILED, ROLE_LIVE, ROLE_DIM, ROLE_COLHEAD, ROLE__COUNT };
attr_t ui_attr(const struct ui *u, enum role r);
/* Open the file timeline / session views (jumps from other views). */
void ui_open_session(struct ui *u, uint32_t sess);
void ui_open_file(struct ui *u, uint32_t file);

/* ---- draw.c ---- */
/* Text already escaped (safe): cut to w columns by display width with an ellipsis; pad to w with spaces when pad. Returns columns used. */
int draw_text(const struct ui *u, int y, int x, int w, const char *safe, attr_t attr, bool pad);
/* Same, but a long text loses its beginning (paths keep their file name). */
int draw_tail(const struct ui *u, int y, int x, int w, const char *safe, attr_t attr, bool pad);
/* Raw log bytes: escaped with esc_term() first. */
int draw_log(const struct ui *u, int y, int x, int w, const char *raw, size_t len, attr_t attr, bool pad);
/* Right-aligned safe text in w columns. */
int draw_right(const struct ui *u, int y, int x, int w, const char *safe, attr_t attr);
/* Display width of safe text. */
int draw_width(const struct ui *u, const char *safe);
/* A list's rows: call row(i, y, selected) for the visible rows of l, adjusting l->top. */
void draw_list(struct ui *u, struct view *v, struct vm_list *l, int y, int h,
	       void (*row)(struct ui *u, struct view *v, size_t i, int y, bool sel));

/* ---- the views ---- */
struct view *view_sessions_new(struct ui *u);
/* A click on the sessions heading at screen column x: sort by that column (again: invert). */
bool view_sessions_click_heading(struct ui *u, struct view *v, int x);
struct view *view_session_new(struct ui *u, uint32_t sess);
struct view *view_file_new(struct ui *u, uint32_t file);
struct view *view_deletions_new(struct ui *u);
struct view *view_help_new(struct ui *u);
struct view *view_users_new(struct ui *u);

/* Helpers for views that list events (session raw, timeline, deletions). */
void view_event_row(struct ui *u, uint32_t ev, int y, int w, bool sel, bool who);
void view_event_heading(struct ui *u, int y, int w, bool who);

#endif
