/*
 * view_help: every key, drawn from keys_table (keys.c), so the help lists
 * exactly the bindings that exist. One screen at 80x24; scrolls when the
 * terminal is smaller.
 */
#include "ui_int.h"

#include <stdlib.h>

#include "util.h"

struct st {
	struct vm_list rows;     /* indexes into keys_table of rows with help */
};

static struct vm_list *help_list(struct view *v)
{
	return &((struct st *)v->st)->rows;
}

static void help_title(struct ui *u, struct view *v, char *buf, size_t size)
{
	(void)u;
	(void)v;
	snprintf(buf, size, "Help: keys (nothing here changes anything on the server); q or Esc to go back");
}

static void help_row(struct ui *u, struct view *v, size_t i, int y, bool sel)
{
	struct st *s = v->st;
	const struct key_binding *k = &keys_table[s->rows.ids[i]];
	attr_t a = sel ? ui_attr(u, ROLE_CURSOR) : ui_attr(u, ROLE_NORMAL);
	int x;

	x = draw_text(u, y, 0, 17, k->name, a | A_BOLD, true);
	draw_text(u, y, x, COLS - x, k->help, a, true);
}

static void help_draw(struct ui *u, struct view *v, int y, int h, int w)
{
	struct st *s = v->st;
	int half = w / 2, per = h - 1;

	/* two columns when one would scroll and the terminal is wide enough */
	if ((int)s->rows.n > per && w >= 100 && (int)s->rows.n <= 2 * per) {
		per = ((int)s->rows.n + 1) / 2;
		v->body_y = y + 1;
		v->body_h = per;
		s->rows.top = 0;
		draw_text(u, y, 0, half, "KEY              ACTION", ui_attr(u, ROLE_COLHEAD), true);
		draw_text(u, y, half, w - half, "KEY              ACTION", ui_attr(u, ROLE_COLHEAD), true);
		for (size_t i = 0; i < s->rows.n; i++) {
			const struct key_binding *k = &keys_table[s->rows.ids[i]];
			int x = (int)i < per ? 0 : half, yy = y + 1 + (int)i % per;

			x += draw_text(u, yy, x, 17, k->name, A_BOLD, true);
			draw_text(u, yy, x, half - 17 - 1, k->help, A_NORMAL, true);
		}
		return;
	}
	draw_text(u, y, 0, w, "KEY              ACTION", ui_attr(u, ROLE_COLHEAD), true);
	draw_list(u, v, &s->rows, y + 1, h - 1, help_row);
}

static int help_key(struct ui *u, struct view *v, enum action a)
{
	(void)u;
	(void)v;
	if (a == A_QUIT || a == A_HELP || a == A_OPEN)
		return R_HANDLED | R_BACK;
	return 0;
}

static void help_row_text(struct ui *u, struct view *v, size_t row, char *buf, size_t size)
{
	struct st *s = v->st;
	const struct key_binding *k = &keys_table[s->rows.ids[row]];

	(void)u;
	snprintf(buf, size, "%-16s %s", k->name, k->help);
}

static void help_write(struct ui *u, struct view *v, FILE *f)
{
	struct st *s = v->st;
	char line[256];

	for (size_t i = 0; i < s->rows.n; i++) {
		help_row_text(u, v, i, line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
}

static void help_free(struct view *v)
{
	struct st *s = v->st;

	vm_list_free(&s->rows);
	free(s);
}

static const struct view_ops help_ops = {
	.name = "help",
	.kind = 0,
	.title = help_title,
	.draw = help_draw,
	.key = help_key,
	.list = help_list,
	.row_text = help_row_text,
	.write = help_write,
	.free = help_free,
};

struct view *view_help_new(struct ui *u)
{
	struct view *v = xcalloc(1, sizeof(*v));
	struct st *s = xcalloc(1, sizeof(*s));

	for (size_t i = 0; i < keys_count; i++) {
		if (keys_table[i].help == NULL)
			continue;
		if ((keys_table[i].views & K_REPLAY) && !u->o->replay)
			continue;
		vm_list_push(&s->rows, (uint32_t)i);
	}
	vm_list_set(&s->rows, 0);
	v->ops = &help_ops;
	v->st = s;
	return v;
}
