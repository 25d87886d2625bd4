/*
 * view_users: the user picker (u). Lists every user seen with session,
 * live and deletion counts; Enter filters on that user (replacing any
 * user: term) and goes back.
 */
#include "ui_int.h"

#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "util.h"

struct st {
	struct vm_users us;
};

static struct vm_list *users_list(struct view *v)
{
	return &((struct st *)v->st)->us.list;
}

static void users_title(struct ui *u, struct view *v, char *buf, size_t size)
{
	struct st *s = v->st;

	(void)u;
	snprintf(buf, size, "Users: %zu (Enter: show only this user's sessions)", s->us.list.n);
}

static void users_row(struct ui *u, struct view *v, size_t i, int y, bool sel)
{
	struct st *s = v->st;
	attr_t a = sel ? ui_attr(u, ROLE_CURSOR) : ui_attr(u, ROLE_NORMAL);
	size_t len;
	const char *name = model_str(u->m, s->us.list.ids[i], &len);
	char t[64];
	int x;

	x = draw_log(u, y, 0, 24, name, len, a, true);
	snprintf(t, sizeof(t), " %8u %8u ", s->us.nsess[i], s->us.nlive[i]);
	x += draw_text(u, y, x, 19, t, a, true);
	snprintf(t, sizeof(t), "%9u", s->us.ndels[i]);
	draw_text(u, y, x, COLS - x, t, !sel && s->us.ndels[i] ? ui_attr(u, ROLE_DELETED) : a, true);
}

static void users_draw(struct ui *u, struct view *v, int y, int h, int w)
{
	struct st *s = v->st;

	draw_text(u, y, 0, w, "USER                     SESSIONS     LIVE DELETIONS", ui_attr(u, ROLE_COLHEAD), true);
	draw_list(u, v, &s->us.list, y + 1, h - 1, users_row);
}

static int users_key(struct ui *u, struct view *v, enum action a)
{
	struct st *s = v->st;
	char expr[sizeof(u->filter_text)], name[200], rest[300];
	const char *err = NULL, *p;
	size_t len, n = 0;
	struct filter f;

	if (a != A_OPEN)
		return 0;
	if (s->us.list.n == 0)
		return R_HANDLED | R_BACK;
	p = model_str(u->m, s->us.list.ids[s->us.list.cur], &len);
	if (memchr(p, ' ', len) != NULL || memchr(p, '\0', len) != NULL || len >= sizeof(name)) {
		ui_set_status(u, "this user name cannot be written as a filter term");
		return R_HANDLED | R_REDRAW;
	}
	memcpy(name, p, len);
	name[len] = '\0';
	/* keep the other terms of the current filter */
	rest[0] = '\0';
	for (const char *t = u->filter_text; *t != '\0';) {
		const char *e = strchr(t, ' ');
		size_t tl = e != NULL ? (size_t)(e - t) : strlen(t);

		if (tl > 0 && strncmp(t, "user:", 5) != 0 && n + tl + 2 < sizeof(rest)) {
			memcpy(rest + n, t, tl);
			n += tl;
			rest[n++] = ' ';
			rest[n] = '\0';
		}
		t += tl;
		while (*t == ' ')
			t++;
	}
	snprintf(expr, sizeof(expr), "%suser:%s", rest, name);
	filter_init(&f);
	if (filter_parse(&f, expr, u->now, &err) != 0) {
		ui_set_status(u, "filter: %s", err != NULL ? err : "invalid");
		filter_clear(&f);
		return R_HANDLED | R_REDRAW;
	}
	filter_clear(&u->filter);
	u->filter = f;
	snprintf(u->filter_text, sizeof(u->filter_text), "%s", expr);
	return R_HANDLED | R_BACK | R_UPDATE | R_REDRAW;
}

static void users_row_text(struct ui *u, struct view *v, size_t row, char *buf, size_t size)
{
	struct st *s = v->st;
	size_t len;
	const char *name = model_str(u->m, s->us.list.ids[row], &len);

	esc_term(buf, size, name, len, u->utf8);
}

static void users_write(struct ui *u, struct view *v, FILE *f)
{
	struct st *s = v->st;
	char name[512];

	fprintf(f, "%-24s %8s %8s %9s\n", "USER", "SESSIONS", "LIVE", "DELETIONS");
	for (size_t i = 0; i < s->us.list.n; i++) {
		users_row_text(u, v, i, name, sizeof(name));
		fprintf(f, "%-24s %8u %8u %9u\n", name, s->us.nsess[i], s->us.nlive[i], s->us.ndels[i]);
	}
}

static void users_free(struct view *v)
{
	struct st *s = v->st;

	vm_users_free(&s->us);
	free(s);
}

static bool users_remap(struct ui *u, struct view *v)
{
	struct st *s = v->st;

	vm_users_build(&s->us, u->m);
	return true;
}

static const struct view_ops users_ops = {
	.name = "users",
	.kind = K_USERS,
	.title = users_title,
	.draw = users_draw,
	.key = users_key,
	.list = users_list,
	.row_text = users_row_text,
	.write = users_write,
	.remap = users_remap,
	.free = users_free,
};

struct view *view_users_new(struct ui *u)
{
	struct view *v = xcalloc(1, sizeof(*v));
	struct st *s = xcalloc(1, sizeof(*s));

	vm_users_init(&s->us);
	vm_users_build(&s->us, u->m);
	vm_list_set(&s->us.list, 0);
	v->ops = &users_ops;
	v->st = s;
	return v;
}
