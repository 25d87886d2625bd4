/*
 * view_sessions: the top-like list of sessions, the default view. Its rows
 * are u->sessions (vm.c), which the model hooks keep up to date; this file
 * only lays the columns out for the terminal width and maps keys.
 */
#include "ui_int.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

struct col {
	enum vm_scol id;
	const char *title;
	int width;
	bool right;
	int prio;            /* lower stays longer when the terminal is narrow */
};

static const struct col cols[] = {
	{ VS_STATE, "STATE", 6, false, 0 },
	{ VS_HOST, "HOST", 10, false, 5 },
	{ VS_PID, "PID", 7, true, 4 },
	{ VS_USER, "USER", 10, false, 0 },
	{ VS_IP, "CLIENT", 15, false, 2 },
	{ VS_START, "START", 11, false, 3 },
	{ VS_DURATION, "DURATION", 9, true, 1 },
	{ VS_UP, "UP", 9, true, 2 },
	{ VS_DOWN, "DOWN", 9, true, 2 },
	{ VS_FILES, "FILES", 6, true, 4 },
	{ VS_DELS, "DEL", 4, true, 0 },
	{ VS_FAILS, "FAIL", 4, true, 2 },
	{ VS_LAST, "LAST ACTION", 0, false, 0 },
};
#define NCOLS ARRAY_LEN(cols)
#define LAST_MIN 8

struct st {
	struct ui *u;        /* the rows live in u->sessions */
	int width;           /* layout computed for */
	enum vm_scol sort;   /* the sort column is always shown */
	bool on[NCOLS];
	int x[NCOLS], w[NCOLS];
};

static void layout(struct st *s, int width, enum vm_scol sort)
{
	int used = 0, last_min = width / 4 > LAST_MIN ? width / 4 : LAST_MIN;

	if (s->width == width && s->sort == sort)
		return;
	s->width = width;
	s->sort = sort;
	memset(s->on, 0, sizeof(s->on));
	for (int prio = -1; prio <= 5; prio++)
		for (size_t i = 0; i < NCOLS; i++)
			if ((cols[i].id == sort ? -1 : cols[i].prio) == prio && cols[i].width > 0 &&
			    used + cols[i].width + 1 + last_min <= width) {
				s->on[i] = true;
				used += cols[i].width + 1;
			}
	used = 0;
	for (size_t i = 0; i < NCOLS; i++) {
		if (cols[i].width == 0) {
			s->on[i] = true;
			s->x[i] = used;
			s->w[i] = width - used;
			continue;
		}
		if (!s->on[i])
			continue;
		s->x[i] = used;
		s->w[i] = cols[i].width;
		used += cols[i].width + 1;
	}
}

static struct vm_list *sessions_list(struct view *v)
{
	struct st *s = v->st;

	return &s->u->sessions.list;
}

static bool sessions_update(struct ui *u, struct view *v)
{
	/* while the history loads, a cursor on the first row stays there */
	bool pinned = u->loading && u->sessions.list.cur == 0;
	bool changed;

	(void)v;
	vm_sessions_set_now(&u->sessions, u->now);
	changed = vm_sessions_update(&u->sessions, u->m, &u->filter);
	if (changed && pinned)
		vm_list_set(&u->sessions.list, 0);
	return changed;
}

static void sessions_title(struct ui *u, struct view *v, char *buf, size_t size)
{
	(void)v;
	snprintf(buf, size, "Sessions (%zu shown), sorted by %s%s", u->sessions.list.n,
		 vm_scol_name(u->sessions.sort), u->sessions.invert ? " (inverted)" : "");
}

static void field(struct ui *u, struct st *s, size_t i, int y, const char *text, attr_t a)
{
	if (!s->on[i])
		return;
	if (cols[i].right)
		draw_right(u, y, s->x[i], s->w[i], text, a);
	else
		draw_text(u, y, s->x[i], s->w[i], text, a, true);
	if (cols[i].width > 0)
		draw_text(u, y, s->x[i] + s->w[i], 1, " ", a, true);
}

static void sessions_row(struct ui *u, struct view *v, size_t i, int y, bool sel)
{
	struct st *s = v->st;
	struct vm_srow r;
	attr_t base = sel ? ui_attr(u, ROLE_CURSOR) : ui_attr(u, ROLE_NORMAL);
	attr_t st = base, del = base, fail = base;

	uint32_t sess = u->sessions.list.ids[i], last = vm_sessions_last(&u->sessions, sess);

	vm_session_row(u->m, sess, u->now, u->utf8, &r);
	if (last != MODEL_NONE)
		vm_srow_last(u->m, last, u->utf8, &r);
	if (!sel) {
		if (r.sstate == SS_OPEN)
			st = ui_attr(u, ROLE_LIVE);
		else if (r.sstate == SS_LOST)
			st = ui_attr(u, ROLE_FAILED);
		if (r.ndels > 0)
			del = ui_attr(u, ROLE_DELETED);
		if (r.nfails > 0)
			fail = ui_attr(u, ROLE_FAILED);
	}
	field(u, s, 0, y, r.state, st);
	field(u, s, 1, y, r.host, base);
	field(u, s, 2, y, r.pid, base);
	field(u, s, 3, y, r.user, base);
	field(u, s, 4, y, r.ip, base);
	field(u, s, 5, y, r.start, base);
	field(u, s, 6, y, r.duration, base);
	field(u, s, 7, y, r.up, base);
	field(u, s, 8, y, r.down, base);
	field(u, s, 9, y, r.files, base);
	field(u, s, 10, y, r.dels, del);
	field(u, s, 11, y, r.fails, fail);
	field(u, s, 12, y, r.last, r.ndels > 0 && !sel && strstr(r.last, "DELETED") != NULL ? del : base);
}

static void sessions_draw(struct ui *u, struct view *v, int y, int h, int w)
{
	struct st *s = v->st;
	attr_t a = ui_attr(u, ROLE_COLHEAD);

	layout(s, w, u->sessions.sort);
	for (size_t i = 0; i < NCOLS; i++) {
		char t[32];
		bool sorted = cols[i].id == u->sessions.sort;

		if (!s->on[i])
			continue;
		snprintf(t, sizeof(t), "%s%s", cols[i].title,
			 !sorted ? "" : u->sessions.invert ? (u->utf8 ? "\xe2\x96\xb2" : "^") : (u->utf8 ? "\xe2\x96\xbc" : "v"));
		if (cols[i].right)
			draw_right(u, y, s->x[i], s->w[i], t, sorted ? a | A_BOLD : a);
		else
			draw_text(u, y, s->x[i], s->w[i], t, sorted ? a | A_BOLD : a, true);
		if (cols[i].width > 0)
			draw_text(u, y, s->x[i] + s->w[i], 1, " ", a, true);
	}
	draw_list(u, v, &u->sessions.list, y + 1, h - 1, sessions_row);
}

static int sessions_key(struct ui *u, struct view *v, enum action a)
{
	struct vm_sessions *vs = &u->sessions;
	int c;

	(void)v;
	switch (a) {
	case A_OPEN:
		if (vs->list.n > 0)
			ui_open_session(u, vs->list.ids[vs->list.cur]);
		return R_HANDLED | R_REDRAW;
	case A_QUIT:
	case A_BACK:
		return a == A_QUIT ? R_HANDLED | R_QUIT : R_HANDLED;
	case A_SORT_NEXT:
	case A_SORT_PREV:
		c = ((int)vs->sort + (a == A_SORT_NEXT ? 1 : VS__COUNT - 1)) % VS__COUNT;
		vm_sessions_set_sort(vs, (enum vm_scol)c, false);
		ui_set_status(u, "sorted by %s", vm_scol_name(vs->sort));
		return R_HANDLED | R_UPDATE | R_REDRAW;
	case A_INVERT:
		vm_sessions_set_sort(vs, vs->sort, !vs->invert);
		return R_HANDLED | R_UPDATE | R_REDRAW;
	default:
		return 0;
	}
}

static void sessions_row_text(struct ui *u, struct view *v, size_t row, char *buf, size_t size)
{
	(void)v;
	vm_session_line(u->m, u->sessions.list.ids[row], u->now, u->utf8, buf, size);
}

static bool sessions_row_bad(struct ui *u, struct view *v, size_t row)
{
	const struct model_session *s = model_session(u->m, u->sessions.list.ids[row]);

	(void)v;
	return s->ndeletions > 0 || s->nfailures > 0;
}

static void sessions_write(struct ui *u, struct view *v, FILE *f)
{
	struct report_opts ro = { .format = RF_TEXT, .color = false, .utf8 = u->utf8, .noise = false };

	(void)v;
	report_write(f, u->m, &u->filter, &ro);
}

static void sessions_resize(struct ui *u, struct view *v, int h, int w)
{
	struct st *s = v->st;

	(void)h;
	s->width = -1;
	layout(s, w, u->sessions.sort);
}

static void sessions_free(struct view *v)
{
	free(v->st);
}

static const struct view_ops sessions_ops = {
	.name = "sessions",
	.kind = K_SESSIONS,
	.update = sessions_update,
	.title = sessions_title,
	.draw = sessions_draw,
	.key = sessions_key,
	.resize = sessions_resize,
	.list = sessions_list,
	.row_text = sessions_row_text,
	.row_bad = sessions_row_bad,
	.write = sessions_write,
	.free = sessions_free,
};

struct view *view_sessions_new(struct ui *u)
{
	struct view *v = xcalloc(1, sizeof(*v));
	struct st *s = xcalloc(1, sizeof(*s));

	s->width = -1;
	s->u = u;
	v->ops = &sessions_ops;
	v->st = s;
	return v;
}

bool view_sessions_click_heading(struct ui *u, struct view *v, int x)
{
	struct st *s = v->st;

	if (v->ops != &sessions_ops)
		return false;
	for (size_t i = 0; i < NCOLS; i++) {
		if (!s->on[i] || x < s->x[i] || x > s->x[i] + s->w[i])
			continue;
		if (u->sessions.sort == cols[i].id)
			vm_sessions_set_sort(&u->sessions, cols[i].id, !u->sessions.invert);
		else
			vm_sessions_set_sort(&u->sessions, cols[i].id, false);
		return true;
	}
	return false;
}
