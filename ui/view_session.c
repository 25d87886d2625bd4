/*
 * view_session: one session. By default one row per file it touched, with
 * what happened to it in order ("uploaded 12 B → renamed to … → DELETED");
 * r switches to the raw chronological event list, a shows the navigation
 * noise (stat, realpath, listings) that is hidden by default.
 */
#include "ui_int.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

struct st {
	struct vm_session vs;
};

static struct vm_list *sess_list(struct view *v)
{
	return &((struct st *)v->st)->vs.list;
}

static bool sess_update(struct ui *u, struct view *v)
{
	struct st *s = v->st;

	return vm_session_update(&s->vs, u->m, &u->filter, u->utf8);
}

static void sess_title(struct ui *u, struct view *v, char *buf, size_t size)
{
	struct st *s = v->st;
	struct vm_srow r;

	vm_session_row(u->m, s->vs.sess, u->now, u->utf8, &r);
	snprintf(buf, size, "Session %s@%s (%s pid %s) %s, started %s, %s; %s files, %s deletions, %s failures; %s%s",
		 r.user, r.ip, r.host, r.pid, r.state, r.start, r.duration, r.files, r.dels, r.fails,
		 s->vs.raw ? "all events" : "files touched",
		 s->vs.noise ? " (navigation shown)" : "");
}

static void sess_row(struct ui *u, struct view *v, size_t i, int y, bool sel)
{
	struct st *s = v->st;
	attr_t base = sel ? ui_attr(u, ROLE_CURSOR) : ui_attr(u, ROLE_NORMAL);
	attr_t a = base;
	int nw = COLS * 2 / 5, x;

	if (s->vs.raw) {
		view_event_row(u, s->vs.list.ids[i], y, COLS, sel, false);
		return;
	}
	if (!sel && (s->vs.flags[i] & VMR_DELETED))
		a = ui_attr(u, ROLE_DELETED);
	else if (!sel && (s->vs.flags[i] & VMR_FAILED))
		a = ui_attr(u, ROLE_FAILED);
	if (nw < 12)
		nw = 12;
	if (nw > 60)
		nw = 60;
	x = draw_tail(u, y, 0, nw, s->vs.name[i], base, true);
	x += draw_text(u, y, x, 1, " ", base, true);
	draw_text(u, y, x, COLS - x, s->vs.text[i], a, true);
}

static void sess_draw(struct ui *u, struct view *v, int y, int h, int w)
{
	struct st *s = v->st;
	int nw = w * 2 / 5;

	if (nw < 12)
		nw = 12;
	if (nw > 60)
		nw = 60;
	if (s->vs.raw) {
		view_event_heading(u, y, w, false);
	} else {
		draw_text(u, y, 0, nw + 1, "FILE", ui_attr(u, ROLE_COLHEAD), true);
		draw_text(u, y, nw + 1, w - nw - 1, "WHAT HAPPENED, IN ORDER", ui_attr(u, ROLE_COLHEAD), true);
	}
	draw_list(u, v, &s->vs.list, y + 1, h - 1, sess_row);
}

static int sess_key(struct ui *u, struct view *v, enum action a)
{
	struct st *s = v->st;
	uint32_t file;

	switch (a) {
	case A_RAW:
		s->vs.raw = !s->vs.raw;
		s->vs.list.cur_id = MODEL_NONE;
		s->vs.list.cur = s->vs.list.top = 0;
		return R_HANDLED | R_UPDATE | R_REDRAW;
	case A_NOISE:
		s->vs.noise = !s->vs.noise;
		ui_set_status(u, "navigation (stat, realpath, listings) %s", s->vs.noise ? "shown" : "hidden");
		return R_HANDLED | R_UPDATE | R_REDRAW;
	case A_OPEN:
	case A_TIMELINE:
		if (s->vs.list.n == 0)
			return R_HANDLED;
		file = model_event(u->m, s->vs.list.ids[s->vs.list.cur])->file;
		if (file == MODEL_NONE) {
			ui_set_status(u, "this row names no file");
			return R_HANDLED | R_REDRAW;
		}
		ui_open_file(u, file);
		return R_HANDLED | R_REDRAW;
	default:
		return 0;
	}
}

static void sess_row_text(struct ui *u, struct view *v, size_t row, char *buf, size_t size)
{
	struct st *s = v->st;

	if (s->vs.raw)
		vm_event_line(u->m, s->vs.list.ids[row], u->utf8, false, buf, size);
	else
		snprintf(buf, size, "%s %s", s->vs.name[row], s->vs.text[row]);
}

static bool sess_row_bad(struct ui *u, struct view *v, size_t row)
{
	struct st *s = v->st;
	struct vm_erow r;

	if (!s->vs.raw)
		return (s->vs.flags[row] & (VMR_DELETED | VMR_FAILED)) != 0;
	vm_event_row(u->m, s->vs.list.ids[row], u->utf8, &r);
	return (r.flags & (VMR_DELETED | VMR_FAILED)) != 0;
}

static void sess_write(struct ui *u, struct view *v, FILE *f)
{
	struct st *s = v->st;
	struct report_opts ro = { .format = RF_TEXT, .color = false, .utf8 = u->utf8, .noise = s->vs.noise };

	report_session(f, u->m, &u->filter, &ro, s->vs.sess);
}

static void sess_free(struct view *v)
{
	struct st *s = v->st;

	vm_session_free(&s->vs);
	free(s);
}

static void sess_invalidate(struct view *v)
{
	struct st *s = v->st;

	vm_session_invalidate(&s->vs);
}

static bool sess_remap(struct ui *u, struct view *v)
{
	struct st *s = v->st;

	return vm_session_remap(&s->vs, u->m);
}

static const struct view_ops sess_ops = {
	.name = "session",
	.kind = K_SESSION,
	.update = sess_update,
	.title = sess_title,
	.draw = sess_draw,
	.key = sess_key,
	.list = sess_list,
	.row_text = sess_row_text,
	.row_bad = sess_row_bad,
	.write = sess_write,
	.invalidate = sess_invalidate,
	.remap = sess_remap,
	.free = sess_free,
};

struct view *view_session_new(struct ui *u, uint32_t sess)
{
	struct view *v = xcalloc(1, sizeof(*v));
	struct st *s = xcalloc(1, sizeof(*s));

	vm_session_init(&s->vs, sess);
	s->vs.noise = u->o->noise;
	v->ops = &sess_ops;
	v->st = s;
	return v;
}
