/*
 * view_file: the timeline of one file across every session and user,
 * following renames (model_timeline via vm_timeline): who did what to it,
 * from where, when, and whether it worked. Also the event row drawing that
 * the other event lists (raw session events, deletions) share.
 */
#include "ui_int.h"

#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "util.h"

#define TIME_W 19
#define USER_W 10
#define IP_W 15
#define OP_W 12

void view_event_heading(struct ui *u, int y, int w, bool who)
{
	attr_t a = ui_attr(u, ROLE_COLHEAD);
	int x = 0;

	x += draw_text(u, y, x, TIME_W + 1, "TIME", a, true);
	if (who && w >= 70) {
		x += draw_text(u, y, x, USER_W + 1, "USER", a, true);
		x += draw_text(u, y, x, IP_W + 1, "CLIENT", a, true);
	}
	x += draw_text(u, y, x, OP_W + 1, "OP", a, true);
	draw_text(u, y, x, w - x, "WHAT / RESULT", a, true);
}

void view_event_row(struct ui *u, uint32_t ev, int y, int w, bool sel, bool who)
{
	struct vm_erow r;
	attr_t base = sel ? ui_attr(u, ROLE_CURSOR) : ui_attr(u, ROLE_NORMAL);
	attr_t res = base;
	int x = 0, rw, tw = TIME_W;

	vm_event_row(u->m, ev, u->utf8, &r);
	if (!sel) {
		if (r.flags & VMR_DELETED)
			res = base = ui_attr(u, ROLE_DELETED);
		else if (r.flags & VMR_FAILED)
			res = ui_attr(u, ROLE_FAILED);
		else if (r.flags & VMR_NOISE)
			base = res = ui_attr(u, ROLE_DIM);
	}
	if (w < 60)
		tw = 8;   /* just the time of day */
	x += draw_text(u, y, x, tw, w < 60 ? r.time + 11 : r.time, base, true);
	x += draw_text(u, y, x, 1, " ", base, true);
	if (who && w >= 70) {
		x += draw_text(u, y, x, USER_W, r.user, base, true);
		x += draw_text(u, y, x, 1, " ", base, true);
		x += draw_text(u, y, x, IP_W, r.ip, base, true);
		x += draw_text(u, y, x, 1, " ", base, true);
	}
	x += draw_text(u, y, x, OP_W, r.op, base, true);
	x += draw_text(u, y, x, 1, " ", base, true);
	rw = r.result[0] != '\0' ? draw_width(u, r.result) : 0;
	if (rw > (w - x) / 2)
		rw = (w - x) / 2;
	x += draw_text(u, y, x, w - x - (rw ? rw + 2 : 0), r.what, base, true);
	if (rw > 0) {
		x += draw_text(u, y, x, 2, "  ", base, true);
		draw_text(u, y, x, w - x, r.result, res | (sel ? 0 : A_BOLD), true);
	}
}

struct st {
	struct vm_timeline tl;
};

static struct vm_list *file_list(struct view *v)
{
	return &((struct st *)v->st)->tl.list;
}

static bool file_update(struct ui *u, struct view *v)
{
	struct st *s = v->st;

	return vm_timeline_update(&s->tl, u->m, &u->filter);
}

static void file_title(struct ui *u, struct view *v, char *buf, size_t size)
{
	struct st *s = v->st;
	const struct model_file *f = model_file(u->m, s->tl.file);
	size_t hl, pl;
	const char *host = model_str(u->m, f->host, &hl);
	const char *path = model_str(u->m, f->path, &pl);
	char h[256], p[1024];

	esc_term(h, sizeof(h), host, hl, u->utf8);
	esc_term(p, sizeof(p), path, pl, u->utf8);
	snprintf(buf, size, "File %s on %s: %zu events, %u deletions (renames followed)", p,
		 h[0] ? h : "?", s->tl.list.n, f->ndeletions);
}

static void file_row(struct ui *u, struct view *v, size_t i, int y, bool sel)
{
	struct st *s = v->st;

	view_event_row(u, s->tl.list.ids[i], y, COLS, sel, true);
}

static void file_draw(struct ui *u, struct view *v, int y, int h, int w)
{
	struct st *s = v->st;

	view_event_heading(u, y, w, true);
	draw_list(u, v, &s->tl.list, y + 1, h - 1, file_row);
}

static int file_key(struct ui *u, struct view *v, enum action a)
{
	struct st *s = v->st;

	if ((a == A_OPEN || a == A_SESSION) && s->tl.list.n > 0) {
		ui_open_session(u, model_event(u->m, s->tl.list.ids[s->tl.list.cur])->sess);
		return R_HANDLED | R_REDRAW;
	}
	return 0;
}

static void file_row_text(struct ui *u, struct view *v, size_t row, char *buf, size_t size)
{
	struct st *s = v->st;

	vm_event_line(u->m, s->tl.list.ids[row], u->utf8, true, buf, size);
}

static bool file_row_bad(struct ui *u, struct view *v, size_t row)
{
	struct st *s = v->st;
	struct vm_erow r;

	vm_event_row(u->m, s->tl.list.ids[row], u->utf8, &r);
	return (r.flags & (VMR_DELETED | VMR_FAILED)) != 0;
}

static void file_write(struct ui *u, struct view *v, FILE *f)
{
	struct st *s = v->st;
	char line[2048];

	file_title(u, v, line, sizeof(line));
	fprintf(f, "%s\n\n", line);
	for (size_t i = 0; i < s->tl.list.n; i++) {
		vm_event_line(u->m, s->tl.list.ids[i], u->utf8, true, line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
}

static void file_free(struct view *v)
{
	struct st *s = v->st;

	vm_timeline_free(&s->tl);
	free(s);
}

static void file_invalidate(struct view *v)
{
	struct st *s = v->st;

	s->tl.built_valid = false;
}

static bool file_remap(struct ui *u, struct view *v)
{
	struct st *s = v->st;

	return vm_timeline_remap(&s->tl, u->m);
}

static const struct view_ops file_ops = {
	.name = "file",
	.kind = K_FILE,
	.update = file_update,
	.title = file_title,
	.draw = file_draw,
	.key = file_key,
	.list = file_list,
	.row_text = file_row_text,
	.row_bad = file_row_bad,
	.write = file_write,
	.invalidate = file_invalidate,
	.remap = file_remap,
	.free = file_free,
};

struct view *view_file_new(struct ui *u, uint32_t file)
{
	struct view *v = xcalloc(1, sizeof(*v));
	struct st *s = xcalloc(1, sizeof(*s));

	(void)u;
	vm_timeline_init(&s->tl, file);
	v->ops = &file_ops;
	v->st = s;
	return v;
}
