/*
 * report: the model as JSON Lines, CSV or text for people. JSON and CSV
 * keep every event field; the text report groups a session's events by
 * file ("uploaded 12 B → renamed to … → DELETED at 11:03:12") and follows a
 * file across renames within the session. All log text goes through esc.c.
 */
#include "report.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "util.h"

#define RED "\033[1;31m"
#define YELLOW "\033[33m"
#define GREEN "\033[32m"
#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"

static const char *const flag_names[] = { "READ", "WRITE", "APPEND", "CREATE", "TRUNCATE", "EXCL" };

/*
 * JSON goes through a buffer of its own: a report is millions of short
 * pieces, and each stdio call costs more than the piece. ob_* append to
 * the buffer and write it to the stream when full and at the end.
 */
#define OB_SIZE 16384

struct ob {
	FILE *f;
	size_t n;
	char buf[OB_SIZE];
};

static void ob_flush(struct ob *o)
{
	if (o->n > 0)
		fwrite(o->buf, 1, o->n, o->f);
	o->n = 0;
}

static inline void ob_put(struct ob *o, const char *s, size_t len)
{
	if (len > OB_SIZE - o->n) {
		ob_flush(o);
		if (len > OB_SIZE) {
			fwrite(s, 1, len, o->f);
			return;
		}
	}
	memcpy(o->buf + o->n, s, len);
	o->n += len;
}

/* a string literal */
#define OB_LIT(o, lit) ob_put((o), "" lit, sizeof(lit) - 1)

static inline void ob_str(struct ob *o, const char *s)
{
	ob_put(o, s, strlen(s));
}

static inline void ob_u64(struct ob *o, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	ob_put(o, p, (size_t)(buf + sizeof(buf) - p));
}

/* octal, at least width digits */
static void ob_oct(struct ob *o, unsigned v, int width)
{
	char buf[16], *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + (v & 7));
		v >>= 3;
		width--;
	} while (v != 0 || width > 0);
	ob_put(o, p, (size_t)(buf + sizeof(buf) - p));
}

/* a JSON string with its quotes */
static void ob_json_str(struct ob *o, const char *s, size_t len)
{
	OB_LIT(o, "\"");
	while (len > 0) {
		size_t used, k;

		if (OB_SIZE - o->n < ESC_JSON_UNIT)
			ob_flush(o);
		k = esc_json_mem(o->buf + o->n, OB_SIZE - o->n, s, len, &used);
		o->n += k;
		s += used;
		len -= used;
	}
	OB_LIT(o, "\"");
}

/* "name":NUMBER (name carries its comma and quotes) */
#define OB_FIELD_U64(o, name, v) (OB_LIT(o, name), ob_u64((o), (v)))

static void json_strid(struct ob *o, const struct model *m, str_id id)
{
	size_t len;
	const char *s;

	if (id == 0) {
		OB_LIT(o, "null");
		return;
	}
	s = model_str(m, id, &len);
	ob_json_str(o, s, len);
}

static void json_time(struct ob *o, const struct model *m, int64_t t, uint8_t zone, bool known)
{
	char buf[48];
	size_t n;

	if (!known) {
		OB_LIT(o, "null");
		return;
	}
	buf[0] = '"';
	n = ltime_iso(buf + 1, t, model_czones(m), zone);
	buf[n + 1] = '"';
	ob_put(o, buf, n + 2);
}

static void json_event_fields(struct ob *o, const struct model *m, uint32_t ev)
{
	const struct model_event *e = model_event(m, ev);
	size_t len;
	const char *s;

	OB_LIT(o, "\"time\":");
	json_time(o, m, model_event_time(e), model_event_zone(e), true);
	OB_LIT(o, ",\"op\":\"");
	ob_str(o, parse_op_name((enum op)e->op));
	OB_LIT(o, "\",\"path\":");
	if (e->file != MODEL_NONE) {
		s = model_event_path(m, ev, &len);
		ob_json_str(o, s, len);
	} else {
		OB_LIT(o, "null");
	}
	if (model_event_file2(m, ev) != MODEL_NONE) {
		s = model_event_to(m, ev, &len);
		OB_LIT(o, ",\"to\":");
		ob_json_str(o, s, len);
	}
	switch (e->op) {
	case OP_OPEN:
		OB_LIT(o, ",\"flags\":[");
		for (unsigned i = 0, n = 0; i < ARRAY_LEN(flag_names); i++)
			if (e->oflags & (1u << i)) {
				if (n++)
					OB_LIT(o, ",");
				OB_LIT(o, "\"");
				ob_str(o, flag_names[i]);
				OB_LIT(o, "\"");
			}
		OB_LIT(o, "],\"mode\":\"");
		OB_LIT(o, "0");
		ob_oct(o, e->arg, 1);
		OB_LIT(o, "\"");
		break;
	case OP_MKDIR:
		OB_LIT(o, ",\"mode\":\"");
		OB_LIT(o, "0");
		ob_oct(o, e->arg, 1);
		OB_LIT(o, "\"");
		break;
	case OP_CLOSE:
	case OP_FORCED_CLOSE:
		OB_FIELD_U64(o, ",\"bytes_read\":", model_event_num(m, ev, 0));
		OB_FIELD_U64(o, ",\"bytes_written\":", model_event_num(m, ev, 1));
		break;
	case OP_SET:
		switch (model_event_set_attr(e)) {
		case SET_SIZE:
			OB_FIELD_U64(o, ",\"attr\":\"size\",\"value\":", model_event_num(m, ev, 0));
			break;
		case SET_MODE:
			OB_LIT(o, ",\"attr\":\"mode\",\"value\":\"");
			ob_oct(o, e->arg, 4);
			OB_LIT(o, "\"");
			break;
		case SET_MODTIME:
			OB_LIT(o, ",\"attr\":\"modtime\",\"value\":");
			json_strid(o, m, e->arg);
			break;
		case SET_OWNER:
			OB_FIELD_U64(o, ",\"attr\":\"owner\",\"value\":\"", model_event_num(m, ev, 0));
			OB_FIELD_U64(o, ":", model_event_num(m, ev, 1));
			OB_LIT(o, "\"");
			break;
		case SET_UNKNOWN:
			OB_LIT(o, ",\"attr\":null,\"value\":null");
			break;
		}
		break;
	case OP_VERSION:
		OB_FIELD_U64(o, ",\"version\":", e->arg);
		break;
	case OP_USERS_GROUPS:
		OB_FIELD_U64(o, ",\"users\":", model_event_num(m, ev, 0));
		OB_FIELD_U64(o, ",\"groups\":", model_event_num(m, ev, 1));
		break;
	case OP_REFUSED:
		OB_LIT(o, ",\"request\":");
		json_strid(o, m, e->arg);
		OB_LIT(o, ",\"reason\":");
		if ((e->bits >> 6) != 0) {
			OB_LIT(o, "\"");
			ob_str(o, model_event_reason(m, ev));
			OB_LIT(o, "\"");
		} else {
			OB_LIT(o, "null");
		}
		if (e->bits & EV_INIT)
			OB_LIT(o, ",\"init\":true");
		break;
	case OP_ERROR:
	case OP_FATAL:
		OB_LIT(o, ",\"message\":");
		json_strid(o, m, e->arg);
		break;
	default:
		break;
	}
	OB_LIT(o, ",\"status\":");
	if (e->bits & EV_FAILED) {
		s = model_event_status(m, ev);
		ob_json_str(o, s, strlen(s));
	} else {
		OB_LIT(o, "\"ok\"");
	}
	if (e->dkind != DK_NONE) {
		OB_LIT(o, ",\"destructive\":\"");
		ob_str(o, model_destr_name((enum destr_kind)e->dkind));
		OB_LIT(o, "\"");
	}
	if (e->bits & EV_TRUNCATED)
		OB_LIT(o, ",\"truncated\":true");
	if (e->bits & EV_AMBIGUOUS)
		OB_LIT(o, ",\"ambiguous\":true");
}

/* {"type":TYPE,"host":..,"program":..,"pid":..,"user":..,"ip":.. (the object left open) */
static void json_who(struct ob *o, const struct model *m, const char *type, const struct model_session *s)
{
	OB_LIT(o, "{\"type\":\"");
	ob_str(o, type);
	OB_LIT(o, "\",\"host\":");
	json_strid(o, m, s->host);
	OB_LIT(o, ",\"program\":");
	json_strid(o, m, s->prog);
	OB_FIELD_U64(o, ",\"pid\":", s->pid);
	OB_LIT(o, ",\"user\":");
	json_strid(o, m, s->user);
	OB_LIT(o, ",\"ip\":");
	json_strid(o, m, s->ip);
}

static void json_session_head(struct ob *o, const struct model *m, uint32_t sess)
{
	const struct model_session *s = model_session(m, sess);

	json_who(o, m, "session", s);
	OB_LIT(o, ",\"start\":");
	json_time(o, m, s->start, s->zone_start, !(s->flags & SF_NO_OPEN));
	OB_LIT(o, ",\"end\":");
	json_time(o, m, s->end, s->zone_end, (s->flags & SF_HAS_CLOSE) != 0);
	OB_LIT(o, ",\"state\":\"");
	ob_str(o, model_state_name((enum sess_state)s->state));
	OB_LIT(o, "\"");
	OB_FIELD_U64(o, ",\"bytes_read\":", s->bytes_read);
	OB_FIELD_U64(o, ",\"bytes_written\":", s->bytes_written);
	OB_FIELD_U64(o, ",\"deletions\":", s->ndeletions);
	OB_FIELD_U64(o, ",\"failures\":", s->nfailures);
}

static void json_session(struct ob *o, const struct model *m, const struct filter *flt, uint32_t sess)
{
	uint32_t ev, last;
	int n = 0;

	json_session_head(o, m, sess);
	OB_LIT(o, ",\"events\":[");
	for (filter_event_span(m, flt, sess, &ev, &last); ev != MODEL_NONE && ev <= last; ev = model_event(m, ev)->next) {
		if (flt != NULL && !filter_event(m, flt, ev))
			continue;
		if (n++)
			OB_LIT(o, ",{");
		else
			OB_LIT(o, "{");
		json_event_fields(o, m, ev);
		OB_LIT(o, "}");
	}
	OB_LIT(o, "]}\n");
}

void report_json_summary(FILE *f, const struct model *m)
{
	const struct model_stats *st = model_stats(m);

	fprintf(f,
	        "{\"type\":\"summary\",\"lines\":%" PRIu64 ",\"sftp_lines\":%" PRIu64 ",\"foreign_lines\":%" PRIu64
	        ",\"unparsed_lines\":%" PRIu64 ",\"sessions\":%zu,\"events\":%" PRIu64 ",\"deletions\":%" PRIu64 "}\n",
	        st->lines, st->sftp_lines, st->foreign_lines, st->unparsed_lines, model_nsessions(m), st->events,
	        st->deletions);
}

/* ---- CSV ---- */

void report_csv_header(FILE *f)
{
	fputs("time,host,pid,user,ip,op,path,to,bytes_read,bytes_written,status,destructive\r\n", f);
}

static void csv_str(FILE *f, const struct model *m, str_id id)
{
	size_t len;
	const char *s = model_str(m, id, &len);

	esc_csv_field(f, s, len);
}

static void csv_event(FILE *f, const struct model *m, uint32_t ev)
{
	const struct model_event *e = model_event(m, ev);
	const struct model_session *s = model_session(m, e->sess);
	char t[48];
	size_t len;
	const char *p;

	ltime_iso(t, model_event_time(e), model_czones(m), model_event_zone(e));
	fprintf(f, "%s,", t);
	csv_str(f, m, s->host);
	fprintf(f, ",%u,", s->pid);
	csv_str(f, m, s->user);
	fputc(',', f);
	csv_str(f, m, s->ip);
	fprintf(f, ",%s,", parse_op_name((enum op)e->op));
	p = model_event_path(m, ev, &len);
	esc_csv_field(f, p, len);
	fputc(',', f);
	p = model_event_to(m, ev, &len);
	esc_csv_field(f, p, len);
	if (e->op == OP_CLOSE || e->op == OP_FORCED_CLOSE)
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",", model_event_num(m, ev, 0), model_event_num(m, ev, 1));
	else
		fputs(",,,", f);
	if (e->bits & EV_FAILED) {
		p = model_event_status(m, ev);
		esc_csv_field(f, p, strlen(p));
	} else {
		fputs("ok", f);
	}
	fprintf(f, ",%s\r\n", model_destr_name((enum destr_kind)e->dkind));
}

/* ---- text ---- */

static void fmt_bytes(char *buf, size_t size, uint64_t b)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)b;
	int u = 0;

	if (b < 1024) {
		snprintf(buf, size, "%" PRIu64 " B", b);
		return;
	}
	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, "%.1f %s", v, units[u]);
}

static void fmt_dur(char *buf, size_t size, int64_t us)
{
	int64_t s = us / LTIME_US_PER_SEC;

	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, size, "%" PRId64 "s", s);
	else if (s < 3600)
		snprintf(buf, size, "%" PRId64 "m%02" PRId64 "s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%" PRId64 "h%02" PRId64 "m", s / 3600, s / 60 % 60);
	else
		snprintf(buf, size, "%" PRId64 "d%02" PRId64 "h", s / 86400, s / 3600 % 24);
}

/* "2026-11-24 11:02:31" */
static void fmt_when(char *buf, int64_t t)
{
	ltime_iso(buf, t, NULL, 0);
	buf[10] = ' ';
}

static void text_str(FILE *f, const struct report_opts *o, const char *s, size_t len)
{
	esc_term_fputs(f, s, len, o->utf8);
}

static void text_strid(FILE *f, const struct model *m, const struct report_opts *o, str_id id, const char *unknown)
{
	size_t len;
	const char *s;

	if (id == 0) {
		fputs(unknown, f);
		return;
	}
	s = model_str(m, id, &len);
	text_str(f, o, s, len);
}

static void color(FILE *f, const struct report_opts *o, const char *c)
{
	if (o->color)
		fputs(c, f);
}

/* What one event did, in words, for the text report and the follower. */
static void text_action(FILE *f, const struct model *m, const struct report_opts *o, uint32_t ev, bool with_path)
{
	const struct model_event *e = model_event(m, ev);
	char b1[32], b2[32], t[48];
	size_t len;
	const char *p;
	bool failed = (e->bits & EV_FAILED) != 0;

	if (e->op == OP_ERROR || e->op == OP_FATAL) {
		color(f, o, YELLOW);
		fprintf(f, "%s: ", e->op == OP_ERROR ? "ERROR" : "FATAL");
		text_strid(f, m, o, e->arg, "");
	} else if (e->op == OP_REFUSED) {
		color(f, o, YELLOW);
		fputs("REFUSED ", f);
		text_strid(f, m, o, e->arg, "?");
		if ((e->bits >> 6) != 0)
			fprintf(f, " (%s)", model_event_reason(m, ev));
	} else if (failed) {
		color(f, o, YELLOW);
		fprintf(f, "FAILED %s", parse_op_name((enum op)e->op));
	} else if (e->dkind == DK_REPLACED) {
		color(f, o, RED);
		fputs("renamed", f);
	} else if (e->dkind != DK_NONE) {
		color(f, o, RED);
		switch (e->dkind) {
		case DK_REMOVE: fputs("DELETED", f); break;
		case DK_RMDIR: fputs("DELETED (rmdir)", f); break;
		case DK_REPLACED: fputs("REPLACED", f); break;
		case DK_OVERWRITTEN: fputs("OVERWRITTEN", f); break;
		case DK_TRUNCATED: fputs("TRUNCATED", f); break;
		default: break;
		}
	} else {
		switch (e->op) {
		case OP_OPEN:
			fputs(e->oflags & (OF_WRITE | OF_APPEND) ? "opened for writing" : "opened", f);
			break;
		case OP_CLOSE:
		case OP_FORCED_CLOSE: {
			uint64_t r = model_event_num(m, ev, 0), w = model_event_num(m, ev, 1);
			fmt_bytes(b1, sizeof(b1), r);
			fmt_bytes(b2, sizeof(b2), w);
			if (w > 0 && r > 0)
				fprintf(f, "read %s, wrote %s", b1, b2);
			else if (w > 0)
				fprintf(f, "uploaded %s", b2);
			else if (r > 0)
				fprintf(f, "downloaded %s", b1);
			else
				fputs("closed (0 B)", f);
			if (e->op == OP_FORCED_CLOSE)
				fputs(" (forced close)", f);
			break;
		}
		case OP_RENAME:
		case OP_POSIX_RENAME:
			fputs("renamed", f);
			break;
		case OP_SET:
			switch (model_event_set_attr(e)) {
			case SET_SIZE: fmt_bytes(b1, sizeof(b1), model_event_num(m, ev, 0)); fprintf(f, "size set to %s", b1); break;
			case SET_MODE: fprintf(f, "chmod %04o", e->arg); break;
			case SET_MODTIME: fputs("modtime set to ", f); text_strid(f, m, o, e->arg, "?"); break;
			case SET_OWNER:
				fprintf(f, "chown %" PRIu64 ":%" PRIu64, model_event_num(m, ev, 0), model_event_num(m, ev, 1));
				break;
			case SET_UNKNOWN:
				fputs("set (attribute cut off)", f);
				break;
			}
			break;
		case OP_MKDIR: fprintf(f, "mkdir 0%o", e->arg); break;
		case OP_SYMLINK: fputs("symlink", f); break;
		case OP_HARDLINK: fputs("hard link", f); break;
		case OP_REFUSED:
			fputs("refused ", f);
			text_strid(f, m, o, e->arg, "?");
			break;
		case OP_ERROR:
		case OP_FATAL:
			fprintf(f, "%s: ", parse_op_name((enum op)e->op));
			text_strid(f, m, o, e->arg, "");
			break;
		default:
			fputs(parse_op_name((enum op)e->op), f);
			break;
		}
	}
	if (with_path && e->file != MODEL_NONE) {
		fputc(' ', f);
		p = model_event_path(m, ev, &len);
		text_str(f, o, p, len);
	}
	if (model_event_file2(m, ev) != MODEL_NONE) {
		p = model_event_to(m, ev, &len);
		fputs(e->op == OP_SYMLINK ? " -> " : e->op == OP_HARDLINK ? " as " : " to ", f);
		text_str(f, o, p, len);
		if (e->dkind == DK_REPLACED)
			fputs(", REPLACING the file there", f);
	}
	if (failed) {
		const char *st = model_event_status(m, ev);
		fputs(" (", f);
		text_str(f, o, st, strlen(st));
		fputc(')', f);
	}
	if (e->dkind != DK_NONE || failed) {
		ltime_iso(t, model_event_time(e), NULL, 0);
		fprintf(f, " at %s", t + 11);
	}
	if (e->bits & EV_TRUNCATED)
		fputs(" [line cut at 500 bytes]", f);
	if (failed || e->dkind != DK_NONE || e->op == OP_ERROR || e->op == OP_FATAL || e->op == OP_REFUSED)
		color(f, o, RESET);
}

/* map[file] = line, growing the map (new entries UINT32_MAX: no line yet). */
static void line_map_set(uint32_t **map, size_t *cap, uint32_t file, uint32_t line)
{
	size_t old = *cap;

	xgrow(map, cap, (size_t)file + 1, sizeof(**map));
	for (size_t i = old; i < *cap; i++)
		(*map)[i] = UINT32_MAX;
	(*map)[file] = line;
}

static void text_session(FILE *f, const struct model *m, const struct filter *flt, const struct report_opts *o,
                         uint32_t sess)
{
	const struct model_session *s = model_session(m, sess);
	char a[48], b[48], d[32], up[32], down[32];
	/* one line per file, in order of first touch; renames continue the line */
	uint32_t *line_of_file = NULL, *files = NULL;
	size_t nfiles = 0, cap = 0, mapcap = 0;
	struct { uint32_t ev; uint32_t line; } *acts = NULL;
	size_t nacts = 0, actcap = 0;
	int64_t first = s->start ? s->start : s->first;
	int64_t last = s->state == SS_CLOSED && s->end ? s->end : s->last;

	color(f, o, BOLD);
	text_strid(f, m, o, s->user, "(unknown user)");
	fputc('@', f);
	text_strid(f, m, o, s->ip, "?");
	color(f, o, RESET);
	fputs("  ", f);
	text_strid(f, m, o, s->host, "-");
	fputc(' ', f);
	text_strid(f, m, o, s->prog, "?");
	fprintf(f, "[%u]  ", s->pid);
	fmt_when(a, first);
	fmt_when(b, last);
	fmt_dur(d, sizeof(d), last - first);
	fprintf(f, "%s%s to %s (%s)  ", (s->flags & SF_NO_OPEN) ? "(opened before the log) " : "", a,
	        strncmp(a, b, 10) == 0 ? b + 11 : b, d);
	if (s->state == SS_LOST)
		color(f, o, YELLOW);
	else if (s->state == SS_OPEN)
		color(f, o, GREEN);
	fputs(s->state == SS_OPEN ? "open (no \"session closed\" yet)" : model_state_name((enum sess_state)s->state), f);
	if (s->state != SS_CLOSED)
		color(f, o, RESET);
	fmt_bytes(up, sizeof(up), s->bytes_written);
	fmt_bytes(down, sizeof(down), s->bytes_read);
	fprintf(f, "\n  up %s, down %s, %u file%s, ", up, down, s->nfiles, s->nfiles == 1 ? "" : "s");
	if (s->ndeletions > 0)
		color(f, o, RED);
	fprintf(f, "%u deletion%s", s->ndeletions, s->ndeletions == 1 ? "" : "s");
	if (s->ndeletions > 0)
		color(f, o, RESET);
	fprintf(f, ", %u failure%s\n", s->nfailures, s->nfailures == 1 ? "" : "s");

	uint32_t ev, ev_last;
	for (filter_event_span(m, flt, sess, &ev, &ev_last); ev != MODEL_NONE && ev <= ev_last; ev = model_event(m, ev)->next) {
		const struct model_event *e = model_event(m, ev);
		uint32_t line;
		if ((e->bits & EV_NOISE) && !o->noise)
			continue;
		if (flt != NULL && !filter_event(m, flt, ev))
			continue;
		uint32_t key = e->file != MODEL_NONE ? e->file : UINT32_MAX;
		line = UINT32_MAX;
		if (key != UINT32_MAX && key < mapcap && line_of_file[key] != UINT32_MAX)
			line = line_of_file[key];
		if (line == UINT32_MAX) {
			xgrow(&files, &cap, nfiles + 1, sizeof(*files));
			files[nfiles] = ev;
			line = (uint32_t)nfiles++;
			if (key != UINT32_MAX)
				line_map_set(&line_of_file, &mapcap, key, line);
		}
		/* the name it was renamed to continues the same line */
		if ((e->op == OP_RENAME || e->op == OP_POSIX_RENAME) && !(e->bits & EV_FAILED) && e->arg != MODEL_NONE)
			line_map_set(&line_of_file, &mapcap, e->arg, line);
		xgrow(&acts, &actcap, nacts + 1, sizeof(*acts));
		acts[nacts].ev = ev;
		acts[nacts].line = line;
		nacts++;
	}
	for (size_t l = 0; l < nfiles; l++) {
		const struct model_event *e0 = model_event(m, files[l]);
		size_t len;
		const char *p;
		int n = 0;
		fputs("    ", f);
		if (e0->file != MODEL_NONE) {
			p = model_event_path(m, files[l], &len);
			text_str(f, o, p, len);
			fputs(": ", f);
		}
		for (size_t i = 0; i < nacts; i++) {
			if (acts[i].line != l)
				continue;
			/* an open that worked is said by its close, when the close is next on the line */
			const struct model_event *e = model_event(m, acts[i].ev);
			if (e->op == OP_OPEN && !(e->bits & EV_FAILED) && e->dkind == DK_NONE && !o->noise) {
				size_t j = i + 1;
				while (j < nacts && acts[j].line != l)
					j++;
				if (j < nacts) {
					const struct model_event *c = model_event(m, acts[j].ev);
					if ((c->op == OP_CLOSE || c->op == OP_FORCED_CLOSE) && c->file == e->file)
						continue;
				}
			}
			if (n++)
				fputs(o->utf8 ? " → " : " -> ", f);
			text_action(f, m, o, acts[i].ev, false);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
	free(line_of_file);
	free(files);
	free(acts);
}

/* One session: JSON through ob (whose stream is f), CSV and text straight to f. */
static void session_out(FILE *f, struct ob *ob, const struct model *m, const struct filter *flt,
                        const struct report_opts *o, uint32_t sess)
{
	switch (o->format) {
	case RF_JSON:
		json_session(ob, m, flt, sess);
		break;
	case RF_CSV: {
		uint32_t ev, last;
		for (filter_event_span(m, flt, sess, &ev, &last); ev != MODEL_NONE && ev <= last; ev = model_event(m, ev)->next)
			if (flt == NULL || filter_event(m, flt, ev))
				csv_event(f, m, ev);
		break;
	}
	case RF_TEXT:
		text_session(f, m, flt, o, sess);
		break;
	case RF_SUMMARY:
		break;
	}
}

void report_session(FILE *f, const struct model *m, const struct filter *flt, const struct report_opts *o,
                    uint32_t sess)
{
	struct ob ob;

	ob.f = f;
	ob.n = 0;
	session_out(f, &ob, m, flt, o, sess);
	ob_flush(&ob);
}

/* Sessions ids[from..to) through one buffer. */
static void sessions_out(FILE *f, const struct model *m, const struct filter *flt, const struct report_opts *o,
                         const uint32_t *ids, size_t from, size_t to)
{
	struct ob ob;

	ob.f = f;
	ob.n = 0;
	for (size_t i = from; i < to; i++)
		session_out(f, &ob, m, flt, o, ids[i]);
	ob_flush(&ob);
}

static int64_t start_of(const struct model *m, uint32_t s)
{
	const struct model_session *ss = model_session(m, s);

	return ss->start ? ss->start : ss->first;
}

static const struct model *sort_model;

static int cmp_start(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int64_t tx = start_of(sort_model, x), ty = start_of(sort_model, y);

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * A large report is written by two threads without changing a byte: the
 * sessions (in report order) are cut into chunks of at most CHUNK sessions
 * and about CHUNK_EVENTS events; this thread writes every other chunk
 * straight to the output, a helper renders the others into memory (AHEAD
 * buffers, reused), a few chunks ahead, and this thread copies each out in
 * its turn. A session of more than CHUNK_EVENTS events is a chunk of its own
 * and always written by this thread, so the helper never holds more than
 * about AHEAD * CHUNK_EVENTS events of text.
 */
#define CHUNK 128               /* sessions per chunk, at most */
#define CHUNK_EVENTS 4096       /* events per chunk, about */
#define AHEAD 4                 /* chunks the helper may hold rendered */
#define PAR_MIN (4 * CHUNK)

/* A run of sessions ids[from..to); hseq: its number among the helper's chunks, or -1 (this thread's). */
struct chunk {
	uint32_t from, to;
	int64_t hseq;
};

/* A block of rendered sessions; its memory is kept and reused, so a long report does not churn the heap. */
struct slot {
	bool ready;
	char *buf;
	size_t len, cap;
	FILE *f;        /* the helper's stream into buf */
};

struct par {
	const struct model *m;
	const struct filter *flt;
	const struct report_opts *o;
	const uint32_t *ids;
	struct chunk *chunk;
	size_t nchunks;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool failed;    /* the helper could not open its streams: this thread writes every chunk */
	struct slot slot[AHEAD];
};

static ssize_t slot_write(void *cookie, const char *data, size_t n)
{
	struct slot *s = cookie;

	if (n > s->cap - s->len)
		xgrow(&s->buf, &s->cap, s->len + n, 1);
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	return (ssize_t)n;
}

static void write_chunk(FILE *f, const struct par *p, const struct chunk *c)
{
	sessions_out(f, p->m, p->flt, p->o, p->ids, c->from, c->to);
}

/* The events of sess a report shows at most: its weight for cutting chunks. */
static size_t weight(const struct model *m, const struct filter *flt, uint32_t sess)
{
	const struct model_session *s = model_session(m, sess);

	return 1 + (flt != NULL && flt->deletions ? s->ndeletions : s->nevents);
}

/* Cut ids[0..k) into chunks (malloc'd, *n of them), alternating owners; heavy sessions are this thread's. */
static struct chunk *cut_chunks(const struct model *m, const struct filter *flt, const uint32_t *ids, size_t k,
                                size_t *n)
{
	struct chunk *c = xmalloc((k ? k : 1) * sizeof(*c));
	size_t nc = 0, i = 0;
	int64_t hseq = 0;
	bool helper = false;

	while (i < k) {
		size_t from = i, w = weight(m, flt, ids[i]);

		if (w > CHUNK_EVENTS) {
			c[nc++] = (struct chunk){ (uint32_t)i, (uint32_t)(i + 1), -1 };
			i++;
			continue;
		}
		for (i++; i < k && i - from < CHUNK; i++) {
			size_t wi = weight(m, flt, ids[i]);
			if (wi > CHUNK_EVENTS || w + wi > CHUNK_EVENTS)
				break;
			w += wi;
		}
		c[nc++] = (struct chunk){ (uint32_t)from, (uint32_t)i, helper ? hseq++ : -1 };
		helper = !helper;
	}
	*n = nc;
	return c;
}

static void *par_helper(void *arg)
{
	struct par *p = arg;
	const cookie_io_functions_t io = { .write = slot_write };
	size_t opened = 0;

	for (; opened < AHEAD; opened++) {
		p->slot[opened].f = fopencookie(&p->slot[opened], "w", io);
		if (p->slot[opened].f == NULL)
			break;
		__fsetlocking(p->slot[opened].f, FSETLOCKING_BYCALLER);
	}
	if (opened < AHEAD) {
		pthread_mutex_lock(&p->mu);
		p->failed = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	for (size_t c = 0; opened == AHEAD && c < p->nchunks; c++) {
		if (p->chunk[c].hseq < 0)
			continue;
		struct slot *s = &p->slot[p->chunk[c].hseq % AHEAD];

		pthread_mutex_lock(&p->mu);
		while (s->ready)
			pthread_cond_wait(&p->cv, &p->mu);
		pthread_mutex_unlock(&p->mu);
		s->len = 0;
		write_chunk(s->f, p, &p->chunk[c]);
		fflush(s->f);
		pthread_mutex_lock(&p->mu);
		s->ready = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	for (size_t i = 0; i < opened; i++)
		fclose(p->slot[i].f);
	return NULL;
}

/*
 * The sessions ids[0..k) in order, by two threads; false if no helper could
 * start. (The helper's allocations, like every one, exit the program when
 * memory runs out.)
 */
static bool write_parallel(FILE *f, const struct model *m, const struct filter *flt,
                           const struct report_opts *o, const uint32_t *ids, size_t k)
{
	struct par p = { .m = m, .flt = flt, .o = o, .ids = ids };
	pthread_t th;

	p.chunk = cut_chunks(m, flt, ids, k, &p.nchunks);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	if (util_thread_create(&th, par_helper, &p) != 0) {
		pthread_cond_destroy(&p.cv);
		pthread_mutex_destroy(&p.mu);
		free(p.chunk);
		return false;
	}
	for (size_t c = 0; c < p.nchunks; c++) {
		const struct chunk *ch = &p.chunk[c];
		struct slot *s;
		bool failed;

		if (ch->hseq < 0) {
			write_chunk(f, &p, ch);
			continue;
		}
		s = &p.slot[ch->hseq % AHEAD];
		pthread_mutex_lock(&p.mu);
		while (!s->ready && !p.failed)
			pthread_cond_wait(&p.cv, &p.mu);
		failed = p.failed;
		pthread_mutex_unlock(&p.mu);
		if (failed) {
			write_chunk(f, &p, ch);
			continue;
		}
		fwrite(s->buf, 1, s->len, f);
		pthread_mutex_lock(&p.mu);
		s->ready = false;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
	}
	pthread_join(th, NULL);
	for (size_t i = 0; i < AHEAD; i++)
		free(p.slot[i].buf);
	free(p.chunk);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	return true;
}

void report_write(FILE *f, const struct model *m, const struct filter *flt, const struct report_opts *o)
{
	size_t n = model_nsessions(m), k = 0;
	uint32_t *ids = xmalloc((n ? n : 1) * sizeof(*ids));
	bool sorted = true;

	for (uint32_t i = 0; i < n; i++) {
		if (flt != NULL && !filter_session_shown(m, flt, i))
			continue;
		if (k > 0 && start_of(m, i) < start_of(m, ids[k - 1]))
			sorted = false;
		ids[k++] = i;
	}
	if (!sorted) {
		sort_model = m;
		qsort(ids, k, sizeof(*ids), cmp_start);
	}
	if (o->format == RF_CSV)
		report_csv_header(f);
	if (o->format != RF_SUMMARY && !(o->threads > 1 && k >= PAR_MIN && write_parallel(f, m, flt, o, ids, k)))
		sessions_out(f, m, flt, o, ids, 0, k);
	if (o->format == RF_JSON || o->format == RF_SUMMARY)
		report_json_summary(f, m);
	if (o->format == RF_TEXT) {
		const struct model_stats *st = model_stats(m);
		fprintf(f, "%zu session%s shown of %zu; %" PRIu64 " lines read, %" PRIu64 " events, %" PRIu64
		           " deletions, %" PRIu64 " unparsed lines\n",
		        k, k == 1 ? "" : "s", n, st->lines, st->events, st->deletions, st->unparsed_lines);
	}
	free(ids);
}

void report_follow_event(FILE *f, const struct model *m, const struct report_opts *o, uint32_t ev)
{
	const struct model_event *e = model_event(m, ev);
	const struct model_session *s = model_session(m, e->sess);
	char t[48];

	if (o->format == RF_JSON) {
		struct ob ob;
		ob.f = f;
		ob.n = 0;
		json_who(&ob, m, "event", s);
		OB_LIT(&ob, ",");
		json_event_fields(&ob, m, ev);
		OB_LIT(&ob, "}\n");
		ob_flush(&ob);
	} else if (o->format == RF_CSV) {
		csv_event(f, m, ev);
	} else {
		fmt_when(t, model_event_time(e));
		fprintf(f, "%s ", t);
		text_strid(f, m, o, s->user, "?");
		fputc('@', f);
		text_strid(f, m, o, s->ip, "?");
		fputc(' ', f);
		text_strid(f, m, o, s->host, "-");
		fprintf(f, "[%u] ", s->pid);
		text_action(f, m, o, ev, true);
		fputc('\n', f);
	}
}

void report_follow_session(FILE *f, const struct model *m, const struct report_opts *o, uint32_t sess,
                           enum model_change what)
{
	const struct model_session *s = model_session(m, sess);
	static const char *const words[] = { "opened", "closed", "lost", "updated" };
	char t[48];

	if (o->format == RF_JSON) {
		struct ob ob;
		ob.f = f;
		ob.n = 0;
		json_session_head(&ob, m, sess);
		OB_LIT(&ob, "}\n");
		ob_flush(&ob);
	} else if (o->format == RF_TEXT) {
		fmt_when(t, what == MC_CLOSED && s->end ? s->end : s->last);
		fprintf(f, "%s ", t);
		text_strid(f, m, o, s->user, "?");
		fputc('@', f);
		text_strid(f, m, o, s->ip, "?");
		fputc(' ', f);
		text_strid(f, m, o, s->host, "-");
		fprintf(f, "[%u] session %s\n", s->pid, words[what]);
	}
}
