/*
 * view_deletions: every destructive event (removed, replaced by a rename,
 * overwritten by a truncating open, truncated), newest first, across all
 * sessions. Enter opens the file's timeline, s the session.
 */
#include "ui_int.h"

#include <stdlib.h>

#include "util.h"

struct st {
	struct vm_deletions d;
};

static struct vm_list *del_list(struct view *v)
{
	return &((struct st *)v->st)->d.list;
}

static bool del_update(struct ui *u, struct view *v)
{
	struct st *s = v->st;

	return vm_deletions_update(&s->d, u->m, &u->filter);
}

static void del_title(struct ui *u, struct view *v, char *buf, size_t size)
{
	struct st *s = v->st;

	(void)u;
	snprintf(buf, size, "Deletions: %zu destructive events, newest first (Enter: file timeline, s: session)",
		 s->d.list.n);
}

static void del_row(struct ui *u, struct view *v, size_t i, int y, bool sel)
{
	struct st *s = v->st;

	view_event_row(u, s->d.list.ids[i], y, COLS, sel, true);
}

static void del_draw(struct ui *u, struct view *v, int y, int h, int w)
{
	struct st *s = v->st;

	view_event_heading(u, y, w, true);
	draw_list(u, v, &s->d.list, y + 1, h - 1, del_row);
}

static int del_key(struct ui *u, struct view *v, enum action a)
{
	struct st *s = v->st;
	const struct model_event *e;

	if (s->d.list.n == 0)
		return 0;
	e = model_event(u->m, s->d.list.ids[s->d.list.cur]);
	if (a == A_SESSION || (a == A_OPEN && e->file == MODEL_NONE)) {
		ui_open_session(u, e->sess);
		return R_HANDLED | R_REDRAW;
	}
	if (a == A_OPEN || a == A_TIMELINE) {
		ui_open_file(u, e->file);
		return R_HANDLED | R_REDRAW;
	}
	return 0;
}

static void del_row_text(struct ui *u, struct view *v, size_t row, char *buf, size_t size)
{
	struct st *s = v->st;

	vm_event_line(u->m, s->d.list.ids[row], u->utf8, true, buf, size);
}

static bool del_row_bad(struct ui *u, struct view *v, size_t row)
{
	(void)u;
	(void)v;
	(void)row;
	return true;
}

static void del_write(struct ui *u, struct view *v, FILE *f)
{
	struct st *s = v->st;
	char line[2048];

	fprintf(f, "Deletions (%zu), newest first\n\n", s->d.list.n);
	for (size_t i = 0; i < s->d.list.n; i++) {
		vm_event_line(u->m, s->d.list.ids[i], u->utf8, true, line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
}

static void del_free(struct view *v)
{
	struct st *s = v->st;

	vm_deletions_free(&s->d);
	free(s);
}

static void del_invalidate(struct view *v)
{
	struct st *s = v->st;

	vm_deletions_invalidate(&s->d);
}

static bool del_remap(struct ui *u, struct view *v)
{
	struct st *s = v->st;

	(void)u;
	vm_deletions_remap(&s->d);
	return true;
}

static const struct view_ops del_ops = {
	.name = "deletions",
	.kind = K_DELETIONS,
	.update = del_update,
	.title = del_title,
	.draw = del_draw,
	.key = del_key,
	.list = del_list,
	.row_text = del_row_text,
	.row_bad = del_row_bad,
	.write = del_write,
	.invalidate = del_invalidate,
	.remap = del_remap,
	.free = del_free,
};

struct view *view_deletions_new(struct ui *u)
{
	struct view *v = xcalloc(1, sizeof(*v));
	struct st *s = xcalloc(1, sizeof(*s));

	(void)u;
	vm_deletions_init(&s->d);
	v->ops = &del_ops;
	v->st = s;
	return v;
}
