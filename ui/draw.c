/*
 * draw: the only way text reaches curses. Log bytes are escaped with
 * esc_term() (draw_log), then every string is measured by display width
 * (wcwidth: wide characters take two columns, combining ones none) and cut
 * with an ellipsis so a field never spills into the next one.
 */
#include "ui_int.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "esc.h"
#include "util.h"

#define DRAW_MAX 1024

/* Decode safe text into wide characters and their widths; returns count. */
static size_t decode(const char *s, wchar_t *wc, signed char *wd, size_t max)
{
	mbstate_t st;
	size_t n = 0, len = strlen(s);

	memset(&st, 0, sizeof(st));
	while (len > 0 && n < max) {
		wchar_t c;
		size_t k = mbrtowc(&c, s, len, &st);
		int w;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			/* cannot happen after esc_term; be safe anyway */
			c = L'?';
			k = 1;
			memset(&st, 0, sizeof(st));
		}
		w = wcwidth(c);
		if (w < 0) {
			c = L'?';
			w = 1;
		}
		wc[n] = c;
		wd[n] = (signed char)w;
		n++;
		s += k;
		len -= k;
	}
	return n;
}

int draw_width(const struct ui *u, const char *safe)
{
	wchar_t wc[DRAW_MAX];
	signed char wd[DRAW_MAX];
	size_t n = decode(safe, wc, wd, DRAW_MAX);
	int w = 0;

	(void)u;
	for (size_t i = 0; i < n; i++)
		w += wd[i];
	return w;
}

int draw_text(const struct ui *u, int y, int x, int w, const char *safe, attr_t attr, bool pad)
{
	wchar_t wc[DRAW_MAX + 1];
	signed char wd[DRAW_MAX];
	size_t n, i, keep;
	int used = 0, total = 0;

	if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + w > COLS)
		w = COLS - x;
	n = decode(safe, wc, wd, DRAW_MAX);
	for (i = 0; i < n; i++)
		total += wd[i];
	if (total <= w) {
		keep = n;
		used = total;
	} else {
		/* leave one column for the ellipsis */
		for (keep = 0; keep < n && used + wd[keep] <= w - 1; keep++)
			used += wd[keep];
		/* a combining mark belongs to the character kept before it */
		while (keep < n && wd[keep] == 0)
			keep++;
	}
	attrset(attr);
	move(y, x);
	if (keep > 0)
		addnwstr(wc, (int)keep);
	if (total > w) {
		addstr(u->utf8 ? "\xe2\x80\xa6" : "~");
		used++;
	}
	if (pad)
		for (; used < w; used++)
			addch(' ');
	attrset(A_NORMAL);
	return used;
}

int draw_tail(const struct ui *u, int y, int x, int w, const char *safe, attr_t attr, bool pad)
{
	wchar_t wc[DRAW_MAX + 1];
	signed char wd[DRAW_MAX];
	size_t n, start;
	int total = 0, used = 0;

	if (w <= 1)
		return draw_text(u, y, x, w, safe, attr, pad);
	n = decode(safe, wc, wd, DRAW_MAX);
	for (size_t i = 0; i < n; i++)
		total += wd[i];
	if (total <= w)
		return draw_text(u, y, x, w, safe, attr, pad);
	/* keep the end (a file's name), an ellipsis first */
	for (start = n; start > 0 && used + wd[start - 1] <= w - 1; start--)
		used += wd[start - 1];
	while (start < n && wd[start] == 0)
		start++;
	attrset(attr);
	move(y, x);
	addstr(u->utf8 ? "\xe2\x80\xa6" : "~");
	if (start < n)
		addnwstr(wc + start, (int)(n - start));
	used++;
	if (pad)
		for (; used < w; used++)
			addch(' ');
	attrset(A_NORMAL);
	return used;
}

int draw_log(const struct ui *u, int y, int x, int w, const char *raw, size_t len, attr_t attr, bool pad)
{
	char buf[DRAW_MAX * 4];

	esc_term(buf, sizeof(buf), raw, len, u->utf8);
	return draw_text(u, y, x, w, buf, attr, pad);
}

int draw_right(const struct ui *u, int y, int x, int w, const char *safe, attr_t attr)
{
	int tw = draw_width(u, safe);

	if (tw >= w)
		return draw_text(u, y, x, w, safe, attr, true);
	attrset(attr);
	for (int i = 0; i < w - tw; i++)
		mvaddch(y, x + i, ' ');
	return draw_text(u, y, x + w - tw, tw, safe, attr, false) + (w - tw);
}

void draw_list(struct ui *u, struct view *v, struct vm_list *l, int y, int h,
	       void (*row)(struct ui *u, struct view *v, size_t i, int y, bool sel))
{
	v->body_y = y;
	v->body_h = h;
	if (h <= 0)
		return;
	vm_list_scroll(l, (size_t)h);
	for (int r = 0; r < h; r++) {
		size_t i = l->top + (size_t)r;

		if (i < l->n) {
			row(u, v, i, y + r, i == l->cur);
		} else {
			move(y + r, 0);
			clrtoeol();
		}
	}
}
