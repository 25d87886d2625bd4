/*
 * filter: one selection for reports, the follower and the UI. Session terms
 * (user, ip, host) test the session; event terms (path, text, deletions,
 * time) test each event. A session is shown when its session terms match
 * and, if there are event terms, at least one of its events matches.
 */
#include "filter.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void filter_init(struct filter *f)
{
	memset(f, 0, sizeof(*f));
}

void filter_clear(struct filter *f)
{
	free(f->user);
	free(f->path);
	free(f->ip);
	free(f->host);
	free(f->text);
	filter_init(f);
}

bool filter_empty(const struct filter *f)
{
	return f->user == NULL && f->path == NULL && f->ip == NULL && f->host == NULL && f->text == NULL &&
	       !f->has_since && !f->has_until && !f->deletions;
}

bool filter_has_event_terms(const struct filter *f)
{
	return f->path != NULL || f->text != NULL || f->deletions || f->has_since || f->has_until;
}

bool filter_path_match(const char *term, const char *path, size_t len)
{
	size_t tl = strlen(term);

	if (strpbrk(term, "*?[") != NULL)
		return fnmatch(term, path, 0) == 0;
	while (tl > 1 && term[tl - 1] == '/')
		tl--;
	if (len < tl || memcmp(term, path, tl) != 0)
		return false;
	return len == tl || path[tl] == '/' || term[tl - 1] == '/';
}

static bool contains(const char *hay, size_t len, const char *needle)
{
	size_t nl = strlen(needle);

	if (nl == 0)
		return true;
	for (size_t i = 0; i + nl <= len; i++)
		if (strncasecmp(hay + i, needle, nl) == 0)
			return true;
	return false;
}

static bool str_is(const struct model *m, str_id id, const char *want)
{
	size_t len;
	const char *s = model_str(m, id, &len);

	return id != 0 && strlen(want) == len && memcmp(s, want, len) == 0;
}

bool filter_session(const struct model *m, const struct filter *f, uint32_t sess)
{
	const struct model_session *s = model_session(m, sess);

	if (f->user != NULL && !str_is(m, s->user, f->user))
		return false;
	if (f->ip != NULL && !str_is(m, s->ip, f->ip))
		return false;
	if (f->host != NULL && !str_is(m, s->host, f->host))
		return false;
	return true;
}

bool filter_event(const struct model *m, const struct filter *f, uint32_t ev)
{
	const struct model_event *e = model_event(m, ev);
	size_t len, len2;
	const char *p, *p2;

	if (!filter_session(m, f, e->sess))
		return false;
	if (f->deletions && e->dkind == DK_NONE)
		return false;
	if (f->has_since && model_event_time(e) < f->since)
		return false;
	if (f->has_until && model_event_time(e) > f->until)
		return false;
	if (f->path == NULL && f->text == NULL)
		return true;
	p = model_event_path(m, ev, &len);
	p2 = model_event_to(m, ev, &len2);
	if (f->path != NULL && !(len > 0 && filter_path_match(f->path, p, len)) &&
	    !(len2 > 0 && filter_path_match(f->path, p2, len2)))
		return false;
	if (f->text != NULL) {
		const struct model_session *s = model_session(m, e->sess);
		size_t ul, il, hl;
		const char *u = model_str(m, s->user, &ul), *ip = model_str(m, s->ip, &il),
		           *h = model_str(m, s->host, &hl);
		if (!contains(p, len, f->text) && !contains(p2, len2, f->text) && !contains(u, ul, f->text) &&
		    !contains(ip, il, f->text) && !contains(h, hl, f->text))
			return false;
	}
	return true;
}

void filter_event_span(const struct model *m, const struct filter *f, uint32_t sess, uint32_t *first, uint32_t *last)
{
	const struct model_session *s = model_session(m, sess);

	if (f != NULL && f->deletions) {
		*first = s->first_del;
		*last = s->last_del;
	} else {
		*first = s->first_ev;
		*last = s->last_ev;
	}
}

bool filter_session_shown(const struct model *m, const struct filter *f, uint32_t sess)
{
	const struct model_session *s = model_session(m, sess);

	if (!filter_session(m, f, sess))
		return false;
	if (!filter_has_event_terms(f))
		return true;
	/* only destructive events: the session keeps their count, no need to walk its events */
	if (f->deletions && s->ndeletions == 0)
		return false;
	/* a plain text term also matches the session's own user, address or host */
	if (f->text != NULL && f->path == NULL && !f->deletions && !f->has_since && !f->has_until) {
		size_t ul, il, hl;
		const char *u = model_str(m, s->user, &ul), *ip = model_str(m, s->ip, &il),
		           *h = model_str(m, s->host, &hl);
		if (contains(u, ul, f->text) || contains(ip, il, f->text) || contains(h, hl, f->text))
			return true;
	}
	uint32_t ev, last;
	for (filter_event_span(m, f, sess, &ev, &last); ev != MODEL_NONE && ev <= last; ev = model_event(m, ev)->next)
		if (filter_event(m, f, ev))
			return true;
	/* time only: a session is in the window when its life overlaps it */
	if (f->path == NULL && f->text == NULL && !f->deletions) {
		int64_t a = s->start ? s->start : s->first, b = s->state == SS_OPEN ? INT64_MAX : s->last;
		if ((!f->has_since || b >= f->since) && (!f->has_until || a <= f->until))
			return true;
	}
	return false;
}

static int set(char **dst, const char *v, size_t len)
{
	free(*dst);
	*dst = xstrndup(v, len);
	return 0;
}

int filter_parse(struct filter *f, const char *expr, int64_t now_wall, const char **err)
{
	struct filter nf;
	const char *p = expr;
	char *text = NULL;
	size_t tlen = 0;

	filter_init(&nf);
	*err = NULL;
	while (*p != '\0') {
		const char *w, *colon;
		size_t wl;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		w = p;
		while (*p != '\0' && *p != ' ')
			p++;
		wl = (size_t)(p - w);
		colon = memchr(w, ':', wl);
		if (colon != NULL && colon > w) {
			size_t kl = (size_t)(colon - w), vl = wl - kl - 1;
			const char *v = colon + 1;
			char tbuf[64];
			if (kl == 4 && memcmp(w, "user", 4) == 0)
				set(&nf.user, v, vl);
			else if (kl == 4 && memcmp(w, "path", 4) == 0)
				set(&nf.path, v, vl);
			else if (kl == 2 && memcmp(w, "ip", 2) == 0)
				set(&nf.ip, v, vl);
			else if (kl == 4 && memcmp(w, "host", 4) == 0)
				set(&nf.host, v, vl);
			else if ((kl == 5 && memcmp(w, "since", 5) == 0) || (kl == 5 && memcmp(w, "until", 5) == 0)) {
				int64_t t;
				snprintf(tbuf, sizeof(tbuf), "%.*s", (int)vl, v);
				if (ltime_parse_arg(tbuf, now_wall, &t) != 0) {
					*err = "bad time (use 2026-11-24T11:00, 11:00 or 2h)";
					filter_clear(&nf);
					free(text);
					return -1;
				}
				if (w[0] == 's') {
					nf.has_since = true;
					nf.since = t;
				} else {
					nf.has_until = true;
					nf.until = t;
				}
			} else
				goto plain;
			continue;
		}
		if ((wl == 7 && memcmp(w, "deleted", 7) == 0) || (wl == 9 && memcmp(w, "deletions", 9) == 0)) {
			nf.deletions = true;
			continue;
		}
	plain:
		text = xrealloc(text, tlen + wl + 2);
		if (tlen > 0)
			text[tlen++] = ' ';
		memcpy(text + tlen, w, wl);
		tlen += wl;
		text[tlen] = '\0';
	}
	nf.text = text;
	filter_clear(f);
	*f = nf;
	return 0;
}

char *filter_describe(const struct filter *f, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
#define ADD(...) do { if (o < size) o += (size_t)snprintf(buf + o, size - o, __VA_ARGS__); } while (0)
	if (f->user != NULL) ADD("%suser:%s", o ? " " : "", f->user);
	if (f->path != NULL) ADD("%spath:%s", o ? " " : "", f->path);
	if (f->ip != NULL) ADD("%sip:%s", o ? " " : "", f->ip);
	if (f->host != NULL) ADD("%shost:%s", o ? " " : "", f->host);
	if (f->deletions) ADD("%sdeleted", o ? " " : "");
	if (f->has_since || f->has_until) {
		char t[40];
		if (f->has_since) {
			ltime_iso(t, f->since, NULL, 0);
			ADD("%ssince:%s", o ? " " : "", t);
		}
		if (f->has_until) {
			ltime_iso(t, f->until, NULL, 0);
			ADD("%suntil:%s", o ? " " : "", t);
		}
	}
	if (f->text != NULL) ADD("%s%s", o ? " " : "", f->text);
#undef ADD
	return buf;
}
