/*
 * vm: the UI's lists as arrays of ids, and the text of their rows.
 *
 * The sessions list is kept sorted incrementally: model hooks "touch" the
 * sessions that changed, and an update takes them out of the array in one
 * pass, sorts just those, and merges them back, so a busy log with 100,000
 * sessions costs O(n + k log k) per screen update, not a full sort. The
 * detail lists (one session, a file's timeline, deletions) are rebuilt when
 * the model grew; they are small, or (deletions) appended to.
 *
 * All text here goes through esc_term() before it is stored: the UI may
 * hand it to curses as is. No curses here, so Check tests these lists.
 */
#include "vm.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "ltime.h"
#include "util.h"

/* ---- list ---- */

void vm_list_free(struct vm_list *l)
{
	free(l->ids);
	memset(l, 0, sizeof(*l));
	l->cur_id = MODEL_NONE;
}

void vm_list_clear(struct vm_list *l)
{
	l->n = 0;
}

void vm_list_push(struct vm_list *l, uint32_t id)
{
	xgrow(&l->ids, &l->cap, l->n + 1, sizeof(*l->ids));
	l->ids[l->n++] = id;
}

bool vm_list_set(struct vm_list *l, size_t row)
{
	size_t old = l->cur;

	if (l->n == 0) {
		l->cur = 0;
		l->cur_id = MODEL_NONE;
		return old != 0;
	}
	if (row >= l->n)
		row = l->n - 1;
	l->cur = row;
	l->cur_id = l->ids[row];
	return old != row;
}

bool vm_list_move(struct vm_list *l, long delta)
{
	long r = (long)l->cur + delta;

	if (r < 0)
		r = 0;
	return vm_list_set(l, (size_t)r);
}

size_t vm_list_find(const struct vm_list *l, uint32_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->ids[i] == id)
			return i;
	return SIZE_MAX;
}

void vm_list_restore(struct vm_list *l)
{
	size_t r = l->cur_id == MODEL_NONE ? SIZE_MAX : vm_list_find(l, l->cur_id);

	vm_list_set(l, r != SIZE_MAX ? r : l->cur);
}

void vm_list_scroll(struct vm_list *l, size_t height)
{
	if (height == 0)
		height = 1;
	if (l->cur < l->top)
		l->top = l->cur;
	if (l->cur >= l->top + height)
		l->top = l->cur - height + 1;
	/* no empty space at the bottom when rows could fill it */
	if (l->n >= height && l->top > l->n - height)
		l->top = l->n - height;
	if (l->n < height)
		l->top = 0;
}

/* ---- formatters ---- */

char *vm_fmt_bytes(char *buf, size_t size, uint64_t n)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double d = (double)n / 1024;
	int u = 0;

	if (n < 1024) {
		snprintf(buf, size, "%" PRIu64 " B", n);
		return buf;
	}
	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	snprintf(buf, size, d < 10 ? "%.1f %s" : "%.0f %s", d, unit[u]);
	return buf;
}

char *vm_fmt_duration(char *buf, size_t size, int64_t us)
{
	int64_t s = us / LTIME_US_PER_SEC;

	if (s < 0)
		s = 0;
	if (s < 100 * 3600)
		snprintf(buf, size, "%d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
	else
		snprintf(buf, size, "%dd%02dh", (int)(s / 86400), (int)(s / 3600 % 24));
	return buf;
}

char *vm_fmt_time(char *buf, size_t size, int64_t wall, int64_t now)
{
	int y, mo, d, h, mi, s, us;

	if (wall == 0) {
		snprintf(buf, size, "?");
		return buf;
	}
	ltime_split(wall, &y, &mo, &d, &h, &mi, &s, &us);
	if (now != 0 && wall / LTIME_US_PER_DAY == now / LTIME_US_PER_DAY)
		snprintf(buf, size, "%02d:%02d:%02d", h, mi, s);
	else
		snprintf(buf, size, "%02d-%02d %02d:%02d", mo, d, h, mi);
	return buf;
}

bool vm_match(const char *hay, const char *needle)
{
	size_t nl = strlen(needle);

	if (nl == 0)
		return true;
	for (; *hay != '\0'; hay++) {
		size_t i = 0;

		while (i < nl && hay[i] != '\0' &&
		       tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == nl)
			return true;
	}
	return false;
}

/* Escape len bytes of src into a fixed buffer. */
static void esc_into(char *dst, size_t size, const char *src, size_t len, bool utf8)
{
	esc_term(dst, size, src, len, utf8);
}

static void esc_str(const struct model *m, str_id id, bool utf8, char *dst, size_t size)
{
	size_t len;
	const char *s = model_str(m, id, &len);

	if (id == 0)
		snprintf(dst, size, "?");
	else
		esc_into(dst, size, s, len, utf8);
}

/* ---- growable string ---- */

struct sbuf {
	char *p;
	size_t n, cap;
};

static void sb_add(struct sbuf *b, const char *s, size_t len)
{
	xgrow(&b->p, &b->cap, b->n + len + 1, 1);
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Append log bytes, escaped. */
static void sb_esc(struct sbuf *b, const char *s, size_t len, bool utf8)
{
	size_t cap = len * 8 + 16;

	xgrow(&b->p, &b->cap, b->n + cap, 1);
	b->n += esc_term(b->p + b->n, cap, s, len, utf8);
}

static char *sb_take(struct sbuf *b)
{
	char *p = b->p != NULL ? b->p : xstrdup("");

	memset(b, 0, sizeof(*b));
	return p;
}

/* ---- sessions ---- */

static const char *const scol_names[VS__COUNT] = {
	"state", "host", "pid", "user", "client", "start", "duration",
	"up", "down", "files", "del", "fail", "last",
};

const char *vm_scol_name(enum vm_scol c)
{
	return c < VS__COUNT ? scol_names[c] : "?";
}

void vm_sessions_init(struct vm_sessions *v)
{
	memset(v, 0, sizeof(*v));
	v->list.cur_id = MODEL_NONE;
	v->sort = VS_STATE;
	v->full = true;
}

void vm_sessions_free(struct vm_sessions *v)
{
	vm_list_free(&v->list);
	free(v->pending);
	free(v->mark);
	free(v->tmp);
	free(v->last);
	memset(v, 0, sizeof(*v));
}

void vm_sessions_remap(struct vm_sessions *v, const struct model *m)
{
	size_t n = model_nsessions(m);

	for (size_t i = 0; i < v->npending; i++)
		v->mark[v->pending[i]] = 0;
	v->npending = 0;
	v->list.cur_id = v->list.cur_id == MODEL_NONE ? MODEL_NONE : model_remap_session(m, v->list.cur_id);
	v->list.n = 0;
	v->full = true;
	/* event ids moved too: find each session's last real event again */
	if (v->last_cap > 0)
		memset(v->last, 0xff, v->last_cap * sizeof(*v->last));
	for (size_t s = 0; s < n; s++)
		for (uint32_t ev = model_session(m, (uint32_t)s)->first_ev; ev != MODEL_NONE;
		     ev = model_event(m, ev)->next)
			vm_sessions_event(v, m, ev);
}

void vm_sessions_event(struct vm_sessions *v, const struct model *m, uint32_t ev)
{
	const struct model_event *e = model_event(m, ev);

	if (e->sess >= v->last_cap) {
		size_t old = v->last_cap;

		xgrow(&v->last, &v->last_cap, (size_t)e->sess + 1, sizeof(*v->last));
		memset(v->last + old, 0xff, (v->last_cap - old) * sizeof(*v->last));
	}
	if (!(e->bits & (EV_NOISE | EV_INIT)) && e->op != OP_VERSION && e->op != OP_USERS_GROUPS)
		v->last[e->sess] = ev;
}

uint32_t vm_sessions_last(const struct vm_sessions *v, uint32_t sess)
{
	return sess < v->last_cap ? v->last[sess] : MODEL_NONE;
}

void vm_sessions_touch(struct vm_sessions *v, uint32_t sess)
{
	if (v->full)
		return;
	if (sess >= v->mark_cap) {
		size_t old = v->mark_cap;

		xgrow(&v->mark, &v->mark_cap, (size_t)sess + 1, 1);
		memset(v->mark + old, 0, v->mark_cap - old);
	}
	if (v->mark[sess])
		return;
	v->mark[sess] = 1;
	xgrow(&v->pending, &v->pending_cap, v->npending + 1, sizeof(*v->pending));
	v->pending[v->npending++] = sess;
}

void vm_sessions_invalidate(struct vm_sessions *v)
{
	v->full = true;
}

void vm_sessions_set_sort(struct vm_sessions *v, enum vm_scol col, bool invert)
{
	if (v->sort != col || v->invert != invert)
		v->full = true;
	v->sort = col;
	v->invert = invert;
}

void vm_sessions_set_now(struct vm_sessions *v, int64_t now)
{
	if (v->now != now && v->sort == VS_DURATION)
		v->full = true;
	v->now = now;
}

static int64_t sess_start(const struct model_session *s)
{
	return s->start != 0 ? s->start : s->first;
}

static int64_t sess_duration(const struct model_session *s, int64_t now)
{
	int64_t st = sess_start(s), en;

	if (s->state == SS_OPEN)
		en = now > s->last ? now : s->last;
	else
		en = s->end != 0 ? s->end : s->last;
	if (st == 0 || en < st)
		return 0;
	return en - st;
}

static int cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int cmp_str(const struct model *m, str_id a, str_id b)
{
	size_t la, lb;
	const char *sa, *sb;
	int c;

	if (a == b)
		return 0;
	sa = model_str(m, a, &la);
	sb = model_str(m, b, &lb);
	c = memcmp(sa, sb, la < lb ? la : lb);
	if (c != 0)
		return c;
	return (la > lb) - (la < lb);
}

/* Negative when session a goes above b. A total order (ties by id). */
static int sess_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct vm_sessions *v = ctx;
	const struct model *m = v->m;
	uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
	const struct model_session *a = model_session(m, ia), *b = model_session(m, ib);
	int c = 0;

	switch (v->sort) {
	case VS_STATE:
		c = (a->state != SS_OPEN) - (b->state != SS_OPEN);
		if (c == 0)
			c = -cmp_i64(a->last, b->last);
		break;
	case VS_HOST: c = cmp_str(m, a->host, b->host); break;
	case VS_PID: c = cmp_i64(a->pid, b->pid); break;
	case VS_USER: c = cmp_str(m, a->user, b->user); break;
	case VS_IP: c = cmp_str(m, a->ip, b->ip); break;
	case VS_START: c = -cmp_i64(sess_start(a), sess_start(b)); break;
	case VS_DURATION: c = -cmp_i64(sess_duration(a, v->now), sess_duration(b, v->now)); break;
	case VS_UP: c = -cmp_i64((int64_t)a->bytes_written, (int64_t)b->bytes_written); break;
	case VS_DOWN: c = -cmp_i64((int64_t)a->bytes_read, (int64_t)b->bytes_read); break;
	case VS_FILES: c = -cmp_i64(a->nfiles, b->nfiles); break;
	case VS_DELS: c = -cmp_i64(a->ndeletions, b->ndeletions); break;
	case VS_FAILS: c = -cmp_i64(a->nfailures, b->nfailures); break;
	case VS_LAST: c = -cmp_i64(a->last, b->last); break;
	case VS__COUNT: break;
	}
	if (c == 0)
		c = -cmp_i64(ia, ib);
	return v->invert ? -c : c;
}

static bool shown(const struct model *m, const struct filter *f, uint32_t sess)
{
	return f == NULL || filter_empty(f) || filter_session_shown(m, f, sess);
}

bool vm_sessions_update(struct vm_sessions *v, const struct model *m, const struct filter *f)
{
	size_t n = model_nsessions(m), i, j, k;

	v->m = m;
	if (v->full) {
		vm_list_clear(&v->list);
		for (i = 0; i < n; i++)
			if (shown(m, f, (uint32_t)i))
				vm_list_push(&v->list, (uint32_t)i);
		if (v->list.n > 1)
			qsort_r(v->list.ids, v->list.n, sizeof(uint32_t), sess_cmp, v);
		for (i = 0; i < v->npending; i++)
			v->mark[v->pending[i]] = 0;
		v->npending = 0;
		v->known = n;
		v->full = false;
		vm_list_restore(&v->list);
		return true;
	}
	for (i = v->known; i < n; i++)
		vm_sessions_touch(v, (uint32_t)i);
	v->known = n;
	if (v->npending == 0)
		return false;

	/* take the touched rows out */
	for (i = j = 0; i < v->list.n; i++) {
		uint32_t id = v->list.ids[i];

		if (id >= v->mark_cap || !v->mark[id])
			v->list.ids[j++] = id;
	}
	v->list.n = j;

	/* sort those still shown, merge them back from the end */
	xgrow(&v->tmp, &v->tmp_cap, v->npending, sizeof(*v->tmp));
	for (i = k = 0; i < v->npending; i++) {
		uint32_t id = v->pending[i];

		v->mark[id] = 0;
		if (shown(m, f, id))
			v->tmp[k++] = id;
	}
	v->npending = 0;
	if (k > 1)
		qsort_r(v->tmp, k, sizeof(uint32_t), sess_cmp, v);
	xgrow(&v->list.ids, &v->list.cap, v->list.n + k, sizeof(uint32_t));
	{
		/*
		 * Merge from the end: each touched row finds its place by binary
		 * search (k log n comparisons, each one a model lookup), and the
		 * rows between places move as blocks.
		 */
		uint32_t *ids = v->list.ids;
		size_t a = v->list.n, b = k, w = v->list.n + k;

		while (b > 0) {
			size_t lo = 0, hi = a;
			uint32_t x = v->tmp[b - 1];

			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (sess_cmp(&ids[mid], &x, v) > 0)
					hi = mid;
				else
					lo = mid + 1;
			}
			memmove(&ids[w - (a - lo)], &ids[lo], (a - lo) * sizeof(uint32_t));
			w -= a - lo;
			a = lo;
			ids[--w] = x;
			b--;
		}
	}
	v->list.n += k;
	vm_list_restore(&v->list);
	return true;
}

static void event_what(const struct model *m, uint32_t ev, bool utf8, struct sbuf *b);
static const char *destr_word(enum destr_kind k);

void vm_session_row(const struct model *m, uint32_t sess, int64_t now, bool utf8, struct vm_srow *r)
{
	const struct model_session *s = model_session(m, sess);

	memset(r, 0, sizeof(*r));
	snprintf(r->state, sizeof(r->state), "%s", s->state == SS_OPEN ? "live" : model_state_name((enum sess_state)s->state));
	esc_str(m, s->host, utf8, r->host, sizeof(r->host));
	snprintf(r->pid, sizeof(r->pid), "%" PRIu32, s->pid);
	esc_str(m, s->user, utf8, r->user, sizeof(r->user));
	esc_str(m, s->ip, utf8, r->ip, sizeof(r->ip));
	vm_fmt_time(r->start, sizeof(r->start), sess_start(s), now);
	vm_fmt_duration(r->duration, sizeof(r->duration), sess_duration(s, now));
	vm_fmt_bytes(r->up, sizeof(r->up), s->bytes_written);
	vm_fmt_bytes(r->down, sizeof(r->down), s->bytes_read);
	snprintf(r->files, sizeof(r->files), "%" PRIu32, s->nfiles);
	snprintf(r->dels, sizeof(r->dels), "%" PRIu32, s->ndeletions);
	snprintf(r->fails, sizeof(r->fails), "%" PRIu32, s->nfailures);
	r->ndels = s->ndeletions;
	r->nfails = s->nfailures;
	r->sstate = s->state;
	if (s->last_ev != MODEL_NONE)
		vm_srow_last(m, s->last_ev, utf8, r);
}

void vm_srow_last(const struct model *m, uint32_t ev, bool utf8, struct vm_srow *r)
{
	const struct model_event *e = model_event(m, ev);
	struct sbuf b = { 0 };

	sb_str(&b, parse_op_name((enum op)e->op));
	sb_str(&b, " ");
	event_what(m, ev, utf8, &b);
	if (e->bits & EV_FAILED) {
		sb_str(&b, "  FAILED");
	} else if (e->dkind != DK_NONE) {
		sb_str(&b, "  ");
		sb_str(&b, destr_word((enum destr_kind)e->dkind));
	}
	snprintf(r->last, sizeof(r->last), "%s", b.p);
	free(b.p);
}

size_t vm_session_line(const struct model *m, uint32_t sess, int64_t now, bool utf8, char *buf, size_t size)
{
	struct vm_srow r;
	int n;

	vm_session_row(m, sess, now, utf8, &r);
	n = snprintf(buf, size, "%-6s %s %s %s %s %s %s up %s down %s files %s del %s fail %s  %s",
		     r.state, r.host, r.pid, r.user, r.ip, r.start, r.duration, r.up, r.down,
		     r.files, r.dels, r.fails, r.last);
	return n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;
}

/* ---- events as text ---- */

static const char *arrow(bool utf8)
{
	return utf8 ? " \xe2\x86\x92 " : " -> ";
}

static void open_flags(unsigned of, char *buf, size_t size)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ OF_READ, "read" }, { OF_WRITE, "write" }, { OF_APPEND, "append" },
		{ OF_CREATE, "create" }, { OF_TRUNCATE, "truncate" }, { OF_EXCL, "excl" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		if (!(of & names[i].bit))
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "", names[i].name);
		if (n >= size)
			break;
	}
}

static const char *destr_word(enum destr_kind k)
{
	switch (k) {
	case DK_REMOVE: return "DELETED";
	case DK_RMDIR: return "DELETED";
	case DK_REPLACED: return "REPLACED";
	case DK_OVERWRITTEN: return "OVERWRITTEN";
	case DK_TRUNCATED: return "TRUNCATED";
	case DK_NONE: break;
	}
	return "";
}

static void ev_path(const struct model *m, uint32_t ev, bool utf8, struct sbuf *b)
{
	size_t len;
	const char *p = model_event_path(m, ev, &len);

	sb_esc(b, p, len, utf8);
}

static void ev_to(const struct model *m, uint32_t ev, bool utf8, struct sbuf *b)
{
	size_t len;
	const char *p = model_event_to(m, ev, &len);

	sb_esc(b, p, len, utf8);
}

/* The "what" of an event: its names and numbers. */
static void event_what(const struct model *m, uint32_t ev, bool utf8, struct sbuf *b)
{
	const struct model_event *e = model_event(m, ev);
	char tmp[128], n1[32], n2[32];
	size_t len;
	const char *s;

	switch ((enum op)e->op) {
	case OP_OPEN:
		ev_path(m, ev, utf8, b);
		open_flags(e->oflags, tmp, sizeof(tmp));
		sb_str(b, "  ");
		sb_str(b, tmp);
		break;
	case OP_CLOSE:
	case OP_FORCED_CLOSE:
		ev_path(m, ev, utf8, b);
		snprintf(tmp, sizeof(tmp), "  read %s, wrote %s",
			 vm_fmt_bytes(n1, sizeof(n1), model_event_num(m, ev, 0)),
			 vm_fmt_bytes(n2, sizeof(n2), model_event_num(m, ev, 1)));
		sb_str(b, tmp);
		break;
	case OP_RENAME:
	case OP_POSIX_RENAME:
	case OP_SYMLINK:
	case OP_HARDLINK:
		ev_path(m, ev, utf8, b);
		sb_str(b, arrow(utf8));
		ev_to(m, ev, utf8, b);
		break;
	case OP_MKDIR:
		ev_path(m, ev, utf8, b);
		snprintf(tmp, sizeof(tmp), "  mode 0%o", (unsigned)e->arg);
		sb_str(b, tmp);
		break;
	case OP_SET:
		ev_path(m, ev, utf8, b);
		switch (model_event_set_attr(e)) {
		case SET_SIZE:
			snprintf(tmp, sizeof(tmp), "  size %" PRIu64, model_event_num(m, ev, 0));
			break;
		case SET_MODE:
			snprintf(tmp, sizeof(tmp), "  mode 0%o", (unsigned)e->arg);
			break;
		case SET_OWNER:
			snprintf(tmp, sizeof(tmp), "  owner %" PRIu64 ":%" PRIu64,
				 model_event_num(m, ev, 0), model_event_num(m, ev, 1));
			break;
		case SET_MODTIME:
			s = model_str(m, e->arg, &len);
			sb_str(b, "  modtime ");
			sb_esc(b, s, len, utf8);
			tmp[0] = '\0';
			break;
		case SET_UNKNOWN:
			snprintf(tmp, sizeof(tmp), "  (attribute cut off)");
			break;
		}
		sb_str(b, tmp);
		break;
	case OP_VERSION:
		snprintf(tmp, sizeof(tmp), "client version %" PRIu32, e->arg);
		sb_str(b, tmp);
		break;
	case OP_USERS_GROUPS:
		snprintf(tmp, sizeof(tmp), "%" PRIu64 " users, %" PRIu64 " groups",
			 model_event_num(m, ev, 0), model_event_num(m, ev, 1));
		sb_str(b, tmp);
		break;
	case OP_REFUSED:
		s = model_str(m, e->arg, &len);
		sb_esc(b, s, len, utf8);
		s = model_event_reason(m, ev);
		if (*s != '\0') {
			sb_str(b, " (");
			sb_str(b, s);
			sb_str(b, ")");
		}
		break;
	case OP_ERROR:
	case OP_FATAL:
		s = model_str(m, e->arg, &len);
		sb_esc(b, s, len, utf8);
		break;
	default:
		ev_path(m, ev, utf8, b);
		break;
	}
}

static uint8_t event_flags(const struct model_event *e)
{
	uint8_t fl = 0;

	if (e->dkind != DK_NONE)
		fl |= VMR_DELETED;
	if ((e->bits & EV_FAILED) || e->op == OP_REFUSED || e->op == OP_ERROR || e->op == OP_FATAL)
		fl |= VMR_FAILED;
	if (e->bits & EV_NOISE)
		fl |= VMR_NOISE;
	return fl;
}

void vm_event_row(const struct model *m, uint32_t ev, bool utf8, struct vm_erow *r)
{
	const struct model_event *e = model_event(m, ev);
	const struct model_session *s = model_session(m, e->sess);
	struct sbuf b = { 0 };
	char t[40];

	memset(r, 0, sizeof(*r));
	ltime_iso(t, model_event_time(e), model_czones(m), model_event_zone(e));
	/* "2026-11-24T11:02:31.123+01:00" -> "2026-11-24 11:02:31" */
	t[19] = '\0';
	if (t[10] == 'T')
		t[10] = ' ';
	snprintf(r->time, sizeof(r->time), "%s", t);
	esc_str(m, s->user, utf8, r->user, sizeof(r->user));
	esc_str(m, s->ip, utf8, r->ip, sizeof(r->ip));
	snprintf(r->op, sizeof(r->op), "%s", parse_op_name((enum op)e->op));
	event_what(m, ev, utf8, &b);
	snprintf(r->what, sizeof(r->what), "%s", b.p != NULL ? b.p : "");
	free(b.p);
	r->flags = event_flags(e);
	if (e->bits & EV_FAILED) {
		char st[256];
		const char *status = model_event_status(m, ev);

		esc_into(st, sizeof(st), status, strlen(status), utf8);
		snprintf(r->result, sizeof(r->result), "FAILED: %s", st);
	} else if (e->op == OP_REFUSED) {
		snprintf(r->result, sizeof(r->result), "REFUSED");
	} else if (e->dkind != DK_NONE) {
		snprintf(r->result, sizeof(r->result), "%s", destr_word((enum destr_kind)e->dkind));
	}
}

size_t vm_event_line(const struct model *m, uint32_t ev, bool utf8, bool who, char *buf, size_t size)
{
	struct vm_erow r;
	int n;

	vm_event_row(m, ev, utf8, &r);
	if (who)
		n = snprintf(buf, size, "%s  %s  %s  %-12s %s%s%s", r.time, r.user, r.ip, r.op, r.what,
			     r.result[0] ? "  " : "", r.result);
	else
		n = snprintf(buf, size, "%s  %-12s %s%s%s", r.time, r.op, r.what,
			     r.result[0] ? "  " : "", r.result);
	return n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;
}

/* What one event did to its file, in a few words (summary and "last action"). */
static void event_brief(const struct model *m, uint32_t ev, bool utf8, struct sbuf *b)
{
	const struct model_event *e = model_event(m, ev);
	char n1[32], n2[32], tmp[96];
	uint64_t rd, wr;

	if (e->bits & EV_FAILED) {
		const char *st = model_event_status(m, ev);

		sb_str(b, parse_op_name((enum op)e->op));
		sb_str(b, " FAILED");
		if (*st != '\0') {
			sb_str(b, " (");
			sb_esc(b, st, strlen(st), utf8);
			sb_str(b, ")");
		}
		return;
	}
	switch ((enum op)e->op) {
	case OP_OPEN:
		if (e->dkind == DK_OVERWRITTEN)
			sb_str(b, "OVERWRITTEN");
		/* a plain open says nothing its close does not say better */
		return;
	case OP_CLOSE:
	case OP_FORCED_CLOSE:
		rd = model_event_num(m, ev, 0);
		wr = model_event_num(m, ev, 1);
		if (wr > 0 && rd > 0)
			snprintf(tmp, sizeof(tmp), "uploaded %s, downloaded %s", vm_fmt_bytes(n1, sizeof(n1), wr),
				 vm_fmt_bytes(n2, sizeof(n2), rd));
		else if (wr > 0)
			snprintf(tmp, sizeof(tmp), "uploaded %s", vm_fmt_bytes(n1, sizeof(n1), wr));
		else if (rd > 0)
			snprintf(tmp, sizeof(tmp), "downloaded %s", vm_fmt_bytes(n1, sizeof(n1), rd));
		else
			snprintf(tmp, sizeof(tmp), "closed (0 B)");
		sb_str(b, tmp);
		if (e->op == OP_FORCED_CLOSE)
			sb_str(b, " at exit");
		return;
	case OP_REMOVE:
	case OP_RMDIR:
		sb_str(b, e->dkind != DK_NONE ? "DELETED" : parse_op_name((enum op)e->op));
		return;
	case OP_RENAME:
	case OP_POSIX_RENAME:
		sb_str(b, "renamed to ");
		ev_to(m, ev, utf8, b);
		if (e->dkind == DK_REPLACED)
			sb_str(b, " (REPLACED it)");
		return;
	case OP_SYMLINK:
		sb_str(b, "symlink to ");
		ev_to(m, ev, utf8, b);
		return;
	case OP_HARDLINK:
		sb_str(b, "hard link as ");
		ev_to(m, ev, utf8, b);
		return;
	case OP_MKDIR:
		sb_str(b, "created directory");
		return;
	case OP_SET:
		if (e->dkind == DK_TRUNCATED) {
			sb_str(b, "TRUNCATED");
			return;
		}
		if (model_event_set_attr(e) == SET_SIZE)
			snprintf(tmp, sizeof(tmp), "size set to %" PRIu64, model_event_num(m, ev, 0));
		else if (model_event_set_attr(e) == SET_MODE)
			snprintf(tmp, sizeof(tmp), "chmod 0%o", (unsigned)e->arg);
		else if (model_event_set_attr(e) == SET_OWNER)
			snprintf(tmp, sizeof(tmp), "chown %" PRIu64 ":%" PRIu64,
				 model_event_num(m, ev, 0), model_event_num(m, ev, 1));
		else if (model_event_set_attr(e) == SET_UNKNOWN)
			snprintf(tmp, sizeof(tmp), "set (attribute cut off)");
		else
			snprintf(tmp, sizeof(tmp), "modtime set");
		sb_str(b, tmp);
		return;
	case OP_OPENDIR:
		sb_str(b, "listed");
		return;
	case OP_REFUSED:
		sb_str(b, "REFUSED ");
		event_what(m, ev, utf8, b);
		return;
	case OP_ERROR:
	case OP_FATAL:
		sb_str(b, parse_op_name((enum op)e->op));
		sb_str(b, ": ");
		event_what(m, ev, utf8, b);
		return;
	default:
		break;
	}
	sb_str(b, parse_op_name((enum op)e->op));
}

/* ---- one session ---- */

void vm_session_init(struct vm_session *v, uint32_t sess)
{
	memset(v, 0, sizeof(*v));
	v->sess = sess;
	v->list.cur_id = MODEL_NONE;
}

static void session_texts_free(struct vm_session *v)
{
	for (size_t i = 0; i < v->ntext; i++) {
		free(v->text[i]);
		free(v->name[i]);
	}
	v->ntext = 0;
}

void vm_session_free(struct vm_session *v)
{
	session_texts_free(v);
	free(v->text);
	free(v->name);
	free(v->flags);
	vm_list_free(&v->list);
	memset(v, 0, sizeof(*v));
}

void vm_session_invalidate(struct vm_session *v)
{
	v->built_valid = false;
	v->built_nevents = UINT32_MAX;
}

bool vm_session_remap(struct vm_session *v, const struct model *m)
{
	v->sess = model_remap_session(m, v->sess);
	v->list.cur_id = MODEL_NONE;
	vm_session_invalidate(v);
	return v->sess != MODEL_NONE;
}

static bool event_shown(const struct model *m, const struct filter *f, uint32_t ev, bool noise)
{
	const struct model_event *e = model_event(m, ev);

	if (!noise && (e->bits & EV_NOISE))
		return false;
	if (e->bits & EV_INIT && !noise)
		return false;
	if (!noise && e->op == OP_VERSION)
		return false;
	return f == NULL || !filter_has_event_terms(f) || filter_event(m, f, ev);
}

/* Tiny open-addressing map file id -> row. */
struct fmap {
	uint32_t *key, *val;
	size_t cap;
};

static uint32_t *fmap_slot(struct fmap *h, uint32_t key, bool *found)
{
	size_t i = (key * 2654435761u) & (h->cap - 1);

	while (h->key[i] != MODEL_NONE && h->key[i] != key)
		i = (i + 1) & (h->cap - 1);
	*found = h->key[i] == key;
	h->key[i] = key;
	return &h->val[i];
}

bool vm_session_update(struct vm_session *v, const struct model *m, const struct filter *f, bool utf8)
{
	const struct model_session *s = model_session(m, v->sess);
	struct sbuf *rows = NULL;
	char **last = NULL;
	uint32_t *repeat = NULL;
	size_t nrows = 0, rcap = 0;
	struct fmap h = { 0 };
	uint32_t none_row = 0;      /* the row of events with no file: MODEL_NONE is the map's empty key */
	bool none_seen = false;

	if (v->built_valid && v->built_nevents == s->nevents && v->built_last == s->last_ev &&
	    v->built_raw == v->raw && v->built_noise == v->noise)
		return false;
	session_texts_free(v);
	vm_list_clear(&v->list);
	v->built_valid = true;
	v->built_nevents = s->nevents;
	v->built_last = s->last_ev;
	v->built_raw = v->raw;
	v->built_noise = v->noise;

	if (v->raw) {
		for (uint32_t ev = s->first_ev; ev != MODEL_NONE; ev = model_event(m, ev)->next)
			if (event_shown(m, f, ev, v->noise))
				vm_list_push(&v->list, ev);
		vm_list_restore(&v->list);
		return true;
	}

	h.cap = 64;
	while (h.cap < (size_t)s->nfiles * 2 + 16)
		h.cap *= 2;
	h.key = xmalloc(h.cap * sizeof(uint32_t));
	h.val = xmalloc(h.cap * sizeof(uint32_t));
	memset(h.key, 0xff, h.cap * sizeof(uint32_t));

	for (uint32_t ev = s->first_ev; ev != MODEL_NONE; ev = model_event(m, ev)->next) {
		const struct model_event *e = model_event(m, ev);
		struct sbuf brief = { 0 };
		bool found;
		uint32_t *slot, r;

		if (!event_shown(m, f, ev, v->noise))
			continue;
		if (e->file == MODEL_NONE) {
			slot = &none_row;
			found = none_seen;
			none_seen = true;
		} else {
			slot = fmap_slot(&h, e->file, &found);
		}
		if (!found) {
			struct sbuf name = { 0 };

			*slot = (uint32_t)nrows;
			if (nrows + 1 > rcap) {
				size_t oc = rcap;

				xgrow(&rows, &rcap, nrows + 1, sizeof(*rows));
				last = xrealloc(last, rcap * sizeof(*last));
				repeat = xrealloc(repeat, rcap * sizeof(*repeat));
				memset(rows + oc, 0, (rcap - oc) * sizeof(*rows));
			}
			xgrow(&v->text, &v->tcap, nrows + 1, sizeof(char *));
			v->name = xrealloc(v->name, v->tcap * sizeof(char *));
			v->flags = xrealloc(v->flags, v->tcap);
			if (e->file != MODEL_NONE)
				ev_path(m, ev, utf8, &name);
			else
				sb_str(&name, "(session)");
			v->name[nrows] = sb_take(&name);
			v->flags[nrows] = 0;
			last[nrows] = NULL;
			repeat[nrows] = 0;
			vm_list_push(&v->list, ev);
			nrows++;
		}
		r = *slot;
		v->flags[r] |= event_flags(e) & (VMR_DELETED | VMR_FAILED);
		event_brief(m, ev, utf8, &brief);
		if (brief.p == NULL)
			continue;
		/* r < nrows: the row was made above, with last[] grown to hold it */
		if (last[r] != NULL && strcmp(last[r], brief.p) == 0) {   /* NOLINT(clang-analyzer-core.NullDereference) */
			repeat[r]++;
			free(brief.p);
			continue;
		}
		if (last[r] != NULL) {
			if (repeat[r] > 0) {
				char t[32];

				snprintf(t, sizeof(t), utf8 ? " \xc3\x97%" PRIu32 : " x%" PRIu32, repeat[r] + 1);
				sb_str(&rows[r], t);
			}
			sb_str(&rows[r], arrow(utf8));
			free(last[r]);
		}
		sb_str(&rows[r], brief.p);
		last[r] = brief.p;
		repeat[r] = 0;
	}
	for (size_t r = 0; r < nrows; r++) {
		if (repeat[r] > 0) {
			char t[32];

			snprintf(t, sizeof(t), utf8 ? " \xc3\x97%" PRIu32 : " x%" PRIu32, repeat[r] + 1);
			sb_str(&rows[r], t);
		}
		free(last[r]);
		if (rows[r].n == 0)
			sb_str(&rows[r], "opened");
		v->text[r] = sb_take(&rows[r]);
	}
	v->ntext = nrows;
	free(rows);
	free(last);
	free(repeat);
	free(h.key);
	free(h.val);
	vm_list_restore(&v->list);
	return true;
}

uint32_t vm_session_row_file(const struct model *m, const struct vm_session *v, size_t row)
{
	if (row >= v->list.n)
		return MODEL_NONE;
	return model_event(m, v->list.ids[row])->file;
}

/* ---- timeline ---- */

void vm_timeline_init(struct vm_timeline *v, uint32_t file)
{
	memset(v, 0, sizeof(*v));
	v->file = file;
	v->list.cur_id = MODEL_NONE;
}

void vm_timeline_free(struct vm_timeline *v)
{
	vm_list_free(&v->list);
}

bool vm_timeline_update(struct vm_timeline *v, const struct model *m, const struct filter *f)
{
	size_t n = model_nevents(m), cnt, i, j;

	if (v->built_valid && v->built_nevents == n)
		return false;
	v->built_valid = true;
	v->built_nevents = n;
	cnt = model_timeline(m, v->file, &v->list.ids, &v->list.cap);
	/* the session filter (user, ip, host) still applies; path terms do not */
	for (i = j = 0; i < cnt; i++) {
		uint32_t ev = v->list.ids[i];

		if (f == NULL || filter_empty(f) || filter_session(m, f, model_event(m, ev)->sess))
			v->list.ids[j++] = ev;
	}
	v->list.n = j;
	vm_list_restore(&v->list);
	return true;
}

bool vm_timeline_remap(struct vm_timeline *v, const struct model *m)
{
	v->file = model_remap_file(m, v->file);
	v->list.cur_id = MODEL_NONE;
	v->built_valid = false;
	return v->file != MODEL_NONE;
}

/* ---- deletions ---- */

void vm_deletions_init(struct vm_deletions *v)
{
	memset(v, 0, sizeof(*v));
	v->list.cur_id = MODEL_NONE;
	v->full = true;
}

void vm_deletions_free(struct vm_deletions *v)
{
	vm_list_free(&v->list);
	free(v->all);
	memset(v, 0, sizeof(*v));
}

void vm_deletions_invalidate(struct vm_deletions *v)
{
	v->full = true;
}

void vm_deletions_remap(struct vm_deletions *v)
{
	v->nall = 0;
	v->scanned = 0;
	v->list.cur_id = MODEL_NONE;
	v->full = true;
}

bool vm_deletions_update(struct vm_deletions *v, const struct model *m, const struct filter *f)
{
	size_t n = model_nevents(m);
	bool grew = false;

	for (; v->scanned < n; v->scanned++) {
		if (model_event(m, (uint32_t)v->scanned)->dkind == DK_NONE)
			continue;
		xgrow(&v->all, &v->allcap, v->nall + 1, sizeof(*v->all));
		v->all[v->nall++] = (uint32_t)v->scanned;
		grew = true;
	}
	if (!grew && !v->full) {
		/* a late "sent status" can make a candidate harmless */
		size_t live = 0;

		for (size_t i = 0; i < v->list.n; i++)
			live += model_event(m, v->list.ids[i])->dkind != DK_NONE;
		if (live == v->list.n)
			return false;
	}
	v->full = false;
	vm_list_clear(&v->list);
	for (size_t i = v->nall; i-- > 0;) {
		uint32_t ev = v->all[i];
		const struct model_event *e = model_event(m, ev);

		if (e->dkind == DK_NONE)
			continue;
		if (f != NULL && !filter_empty(f) &&
		    (!filter_session(m, f, e->sess) || (filter_has_event_terms(f) && !filter_event(m, f, ev))))
			continue;
		vm_list_push(&v->list, ev);
	}
	vm_list_restore(&v->list);
	return true;
}

/* ---- users ---- */

void vm_users_init(struct vm_users *v)
{
	memset(v, 0, sizeof(*v));
	v->list.cur_id = MODEL_NONE;
}

void vm_users_free(struct vm_users *v)
{
	vm_list_free(&v->list);
	free(v->nsess);
	free(v->nlive);
	free(v->ndels);
	memset(v, 0, sizeof(*v));
}

static int user_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct model *m = ctx;
	const uint32_t *a = pa, *b = pb;
	int c = cmp_str(m, model_session(m, *a)->user, model_session(m, *b)->user);

	return c != 0 ? c : cmp_i64(*a, *b);
}

void vm_users_build(struct vm_users *v, const struct model *m)
{
	size_t n = model_nsessions(m), k = 0;
	uint32_t *ord = xmalloc((n + 1) * sizeof(uint32_t));

	for (size_t i = 0; i < n; i++)
		if (model_session(m, (uint32_t)i)->user != 0)
			ord[k++] = (uint32_t)i;
	qsort_r(ord, k, sizeof(uint32_t), user_cmp, (void *)m);
	vm_list_clear(&v->list);
	for (size_t i = 0; i < k; i++) {
		const struct model_session *s = model_session(m, ord[i]);
		size_t r = v->list.n;

		if (r == 0 || v->list.ids[r - 1] != s->user) {
			vm_list_push(&v->list, s->user);
			if (v->list.n > v->cap) {
				v->cap = v->list.cap;
				v->nsess = xrealloc(v->nsess, v->cap * sizeof(uint32_t));
				v->nlive = xrealloc(v->nlive, v->cap * sizeof(uint32_t));
				v->ndels = xrealloc(v->ndels, v->cap * sizeof(uint32_t));
			}
			v->nsess[r] = v->nlive[r] = v->ndels[r] = 0;
		} else {
			r--;
		}
		v->nsess[r]++;
		v->nlive[r] += s->state == SS_OPEN;
		v->ndels[r] += s->ndeletions;
	}
	free(ord);
	vm_list_restore(&v->list);
}
