/*
 * Hostile input: lines and files chosen by someone who wants sftptop to
 * crash, hang, mislead or write to the terminal.
 *
 * tests/hostile/lines.tsv holds one line a row with what must become of it
 * (format described at the top of that file); each row goes through the real
 * parse_line and ingest_line into a fresh model, and the class the model
 * counts, the parsed op, names and numbers, and the model's event are
 * compared. tests/hostile/FILE.log with FILE.expect are whole files, fed in
 * small chunks through ingest_buffer; .expect lists the stats and the events.
 * Last, everything the corpus can put into a model goes through every
 * report format, whose output must carry no control byte sftptop did not
 * mean. Run from the top of the tree (tests/run.sh does).
 */
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "esc.h"
#include "ingest.h"
#include "ltime.h"
#include "model.h"
#include "parse.h"
#include "report.h"


Suite *suite_hostile(void);

#define DIR_HOSTILE "tests/hostile"

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The corpus's own escapes: %XX, %%, %{TEXT*N}. */
static void unpct(struct buf *out, const char *s, size_t len)
{
	out->len = 0;
	put(out, "", 0);
	for (size_t i = 0; i < len;) {
		if (s[i] != '%' || i + 1 >= len) {
			put(out, s + i++, 1);
		} else if (s[i + 1] == '%') {
			put(out, "%", 1);
			i += 2;
		} else if (s[i + 1] == '{') {
			const char *end = memchr(s + i, '}', len - i);
			const char *star;
			ck_assert_msg(end != NULL, "unterminated %%{ in corpus");
			star = end;
			for (const char *q = s + i + 2; q < end; q++)
				if (*q == '*')
					star = q;
			ck_assert_msg(star != end, "%%{TEXT*N} without *");
			long n = strtol(star + 1, NULL, 10);
			for (long k = 0; k < n; k++)
				put(out, s + i + 2, (size_t)(star - (s + i + 2)));
			i = (size_t)(end - s) + 1;
		} else {
			int h = hexval((unsigned char)s[i + 1]), l = i + 2 < len ? hexval((unsigned char)s[i + 2]) : -1;
			ck_assert_msg(h >= 0 && l >= 0, "bad %%XX in corpus: %.10s", s + i);
			char c = (char)(h * 16 + l);
			put(out, &c, 1);
			i += 3;
		}
	}
}

/* A short printable rendering for failure messages: head and tail of long strings. */
static const char *show(const char *s, size_t len)
{
	static char out[4][300];
	static int k;
	char *o = out[k++ % 4];

	if (len <= 120) {
		esc_term(o, sizeof(out[0]), s, len, false);
	} else {
		size_t n = esc_term(o, 100, s, 30, false);
		n += (size_t)snprintf(o + n, sizeof(out[0]) - n, "...(%zu bytes)...", len);
		esc_term(o + n, sizeof(out[0]) - n, s + len - 60, 60, false);
	}
	return o;
}

static const char *class_name(const struct model_stats *before, const struct model_stats *after)
{
	if (after->unparsed_lines > before->unparsed_lines)
		return "unparsed";
	if (after->foreign_lines > before->foreign_lines)
		return "foreign";
	if (after->debug_lines > before->debug_lines)
		return "debug";
	if (after->blank_lines > before->blank_lines)
		return "blank";
	if (after->sftp_lines > before->sftp_lines)
		return "sftp";
	return "none";
}

static int64_t reference(void)
{
	return ltime_make(2026, 11, 24, 12, 0, 0, 0);
}

static bool str_eq(struct parse_str got, const struct buf *want)
{
	return got.len == want->len && memcmp(got.p, want->p, got.len) == 0;
}

static unsigned flag_bits(const char *v)
{
	static const char *const names[] = { "READ", "WRITE", "APPEND", "CREATE", "TRUNCATE", "EXCL" };
	unsigned bits = 0;

	if (strcmp(v, "0") == 0)
		return 0;
	for (size_t i = 0; i < 6; i++) {
		const char *p = strstr(v, names[i]);
		/* "TRUNCATE" does not contain another name, nor "APPEND": plain search is enough */
		if (p != NULL && (p == v || p[-1] == '|') && (p[strlen(names[i])] == '\0' || p[strlen(names[i])] == '|'))
			bits |= 1u << i;
	}
	return bits;
}

/* In the table tests a failed expectation is printed and the case ends; all cases run. */
#define EXPECT(cond, ...)                                        \
	do {                                                     \
		if (!(cond)) {                                   \
			fprintf(stderr, __VA_ARGS__);            \
			fputc('\n', stderr);                     \
			goto out;                                \
		}                                                \
	} while (0)

static bool check_extra(const char *where, const struct parse_result *r, const char *extra)
{
	bool ok = false;
	char *copy = strdup(extra), *save = NULL;
	struct buf v = { 0 };

	for (char *kv = strtok_r(copy, ",", &save); kv != NULL; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		EXPECT(eq != NULL, "%s: bad EXTRA %s", where, kv);
		*eq = '\0';
		unpct(&v, eq + 1, strlen(eq + 1));
		const char *val = v.p;
		if (strcmp(kv, "n1") == 0)
			EXPECT(r->n1 == strtoull(val, NULL, 10), "%s: n1 %llu, want %s", where,
			              (unsigned long long)r->n1, val);
		else if (strcmp(kv, "n2") == 0)
			EXPECT(r->n2 == strtoull(val, NULL, 10), "%s: n2 %llu, want %s", where,
			              (unsigned long long)r->n2, val);
		else if (strcmp(kv, "mode") == 0)
			EXPECT(r->mode == strtoul(val, NULL, 8), "%s: mode 0%o, want %s", where, r->mode, val);
		else if (strcmp(kv, "flags") == 0)
			EXPECT(r->oflags == flag_bits(val), "%s: flags %#x, want %s", where, r->oflags, val);
		else if (strcmp(kv, "trunc") == 0)
			EXPECT(r->truncated == (val[0] == '1'), "%s: truncated %d, want %s", where, r->truncated, val);
		else if (strcmp(kv, "ambig") == 0)
			EXPECT(r->ambiguous == (val[0] == '1'), "%s: ambiguous %d, want %s", where, r->ambiguous, val);
		else if (strcmp(kv, "repeat") == 0)
			EXPECT(r->repeat == strtoul(val, NULL, 10), "%s: repeat %u, want %s", where, r->repeat, val);
		else if (strcmp(kv, "pid") == 0)
			EXPECT(r->pid == strtoul(val, NULL, 10), "%s: pid %u, want %s", where, r->pid, val);
		else if (strcmp(kv, "host") == 0)
			EXPECT(strcmp(val, "-") == 0 ? r->host.len == 0 : str_eq(r->host, &v), "%s: host '%s', want %s",
			              where, show(r->host.p, r->host.len), val);
		else if (strcmp(kv, "prog") == 0)
			EXPECT(str_eq(r->prog, &v), "%s: prog '%s', want %s", where, show(r->prog.p, r->prog.len), val);
		else if (strcmp(kv, "text") == 0)
			EXPECT(str_eq(r->text, &v), "%s: text '%s', want %s", where, show(r->text.p, r->text.len), val);
		else
			EXPECT(0, "%s: unknown EXTRA key %s", where, kv);
	}
	ok = true;
out:
	free(v.p);
	free(copy);
	return ok;
}

/* Does an event that op makes carry the path as its file? (Lifecycle, status, refusals make none.) */
static bool op_has_event_path(const char *op)
{
	static const char *const none[] = { "session-open", "session-close", "status", "version", "refused",
	                                    "error", "fatal", "users-groups-by-id" };
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		if (strcmp(op, none[i]) == 0)
			return false;
	return true;
}

static bool run_case(int lineno, char **f)
{
	bool ok = false;
	struct parser *p = parse_new();
	struct model *m = model_new(NULL);
	struct ingest *in = ingest_new(m, NULL);
	struct buf line = { 0 }, path = { 0 }, path2 = { 0 };
	struct parse_result r;
	struct model_stats before;
	char where[64];
	const char *cls;

	snprintf(where, sizeof(where), "lines.tsv:%d", lineno);
	unpct(&line, f[5], strlen(f[5]));
	ingest_set_reference(in, reference());
	before = *model_stats(m);
	ingest_line(in, line.p, line.len);
	cls = class_name(&before, model_stats(m));
	EXPECT(strcmp(cls, f[0]) == 0, "%s: counted %s, want %s: %s", where, cls, f[0], show(line.p, line.len));
	EXPECT(model_stats(m)->lines == before.lines + 1, "%s: line counted %llu times", where,
	              (unsigned long long)(model_stats(m)->lines - before.lines));

	if (strcmp(f[0], "sftp") == 0) {
		parse_line(p, line.p, line.len, &r);
		EXPECT(r.cls == PC_SFTP, "%s: parse class %d", where, r.cls);
		if (strcmp(f[1], "*") != 0)
			EXPECT(strcmp(parse_op_name(r.op), f[1]) == 0, "%s: op %s, want %s", where,
			              parse_op_name(r.op), f[1]);
		if (strcmp(f[2], "*") != 0) {
			unpct(&path, strcmp(f[2], "-") == 0 ? "" : f[2], strcmp(f[2], "-") == 0 ? 0 : strlen(f[2]));
			EXPECT(str_eq(r.path, &path), "%s: path '%s', want '%s'", where, show(r.path.p, r.path.len),
			              show(path.p, path.len));
		}
		if (strcmp(f[3], "*") != 0) {
			unpct(&path2, strcmp(f[3], "-") == 0 ? "" : f[3], strcmp(f[3], "-") == 0 ? 0 : strlen(f[3]));
			EXPECT(str_eq(r.path2, &path2), "%s: path2 '%s', want '%s'", where,
			              show(r.path2.p, r.path2.len), show(path2.p, path2.len));
		}
		if (strcmp(f[4], "-") != 0 && !check_extra(where, &r, f[4]))
			goto out;
		/* the model made the same event */
		if (strcmp(f[2], "*") != 0 && path.len > 0 && op_has_event_path(f[1])) {
			size_t n = model_nevents(m), len;
			const char *mp;
			EXPECT(n == r.repeat, "%s: %zu events, want %u", where, n, r.repeat);
			mp = model_event_path(m, 0, &len);
			EXPECT(len == path.len && memcmp(mp, path.p, len) == 0, "%s: model path '%s'", where,
			              show(mp, len));
			EXPECT(((model_event(m, 0)->bits & EV_TRUNCATED) != 0) == r.truncated,
			              "%s: event truncated bit", where);
		}
	} else {
		EXPECT(model_nevents(m) == 0, "%s: a %s line made %zu events", where, f[0], model_nevents(m));
	}
	ok = true;
out:
	free(line.p);
	free(path.p);
	free(path2.p);
	ingest_free(in);
	model_free(m);
	parse_free(p);
	return ok;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = { 0 };
	char chunk[65536];
	size_t n;

	ck_assert_msg(fp != NULL, "cannot open %s (run from the top of the tree)", path);
	put(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		put(&b, chunk, n);
	fclose(fp);
	*len = b.len;
	return b.p;
}

START_TEST(test_lines)
{
	size_t len;
	char *text = slurp(DIR_HOSTILE "/lines.tsv", &len);
	int lineno = 0, cases = 0, failed = 0;

	for (char *ln = text, *next; ln != NULL && *ln != '\0'; ln = next) {
		char *f[6], *q = ln;
		int k;
		next = strchr(ln, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		if (ln[0] == '#' || ln[0] == '\0')
			continue;
		for (k = 0; k < 5; k++) {
			char *tab = strchr(q, '\t');
			ck_assert_msg(tab != NULL, "lines.tsv:%d: fewer than 6 fields", lineno);
			*tab = '\0';
			f[k] = q;
			q = tab + 1;
		}
		f[5] = q;
		if (!run_case(lineno, f))
			failed++;
		cases++;
	}
	free(text);
	ck_assert_int_gt(cases, 100);
	ck_assert_msg(failed == 0, "%d of %d cases of lines.tsv failed (listed on stderr)", failed, cases);
}
END_TEST

/* ---- whole files ---- */

static void feed_chunked(struct ingest *in, const char *data, size_t len, size_t chunk)
{
	struct buf carry = { 0 };
	size_t i = 0;

	put(&carry, "", 0);
	while (i < len) {
		size_t n = len - i < chunk ? len - i : chunk;
		put(&carry, data + i, n);
		i += n;
		size_t used = ingest_buffer(in, carry.p, carry.len, i == len);
		memmove(carry.p, carry.p + used, carry.len - used);
		carry.len -= used;
	}
	if (len == 0)
		ingest_buffer(in, "", 0, true);
	ck_assert_uint_eq(carry.len, 0);
	free(carry.p);
}

static uint64_t stat_named(const struct model *m, const char *name)
{
	const struct model_stats *s = model_stats(m);

	if (strcmp(name, "lines") == 0) return s->lines;
	if (strcmp(name, "sftp_lines") == 0) return s->sftp_lines;
	if (strcmp(name, "foreign_lines") == 0) return s->foreign_lines;
	if (strcmp(name, "debug_lines") == 0) return s->debug_lines;
	if (strcmp(name, "unparsed_lines") == 0) return s->unparsed_lines;
	if (strcmp(name, "blank_lines") == 0) return s->blank_lines;
	if (strcmp(name, "events") == 0) return s->events;
	if (strcmp(name, "deletions") == 0) return s->deletions;
	if (strcmp(name, "failures") == 0) return s->failures;
	if (strcmp(name, "sessions") == 0) return model_nsessions(m);
	ck_abort_msg("unknown stat %s", name);
	return 0;
}

/*
 * FILE.expect: "STAT N" lines (lines, sftp_lines, foreign_lines, debug_lines,
 * unparsed_lines, blank_lines, events, deletions, failures, sessions) and
 * "event I OP PATH" lines (PATH in the corpus's % form, "-" for none).
 */
static void check_file(const char *name, size_t chunk)
{
	char path[512], where[600];
	size_t len, elen;
	char *data, *exp, *save = NULL;
	struct model *m = model_new(NULL);
	struct ingest *in = ingest_new(m, NULL);
	struct buf want = { 0 };

	snprintf(path, sizeof(path), DIR_HOSTILE "/%s.log", name);
	data = slurp(path, &len);
	snprintf(path, sizeof(path), DIR_HOSTILE "/%s.expect", name);
	exp = slurp(path, &elen);
	ingest_set_reference(in, reference());
	feed_chunked(in, data, len, chunk);
	for (char *ln = strtok_r(exp, "\n", &save); ln != NULL; ln = strtok_r(NULL, "\n", &save)) {
		char key[64], op[64], pth[4096];
		unsigned long long n;
		unsigned ev;
		snprintf(where, sizeof(where), "%s.expect (chunks of %zu): %s", name, chunk, ln);
		if (ln[0] == '#')
			continue;
		if (sscanf(ln, "event %u %63s %4095s", &ev, op, pth) == 3) {
			size_t plen;
			ck_assert_msg(ev < model_nevents(m), "%s: only %zu events", where, model_nevents(m));
			ck_assert_msg(strcmp(parse_op_name((enum op)model_event(m, ev)->op), op) == 0, "%s: op %s", where,
			              parse_op_name((enum op)model_event(m, ev)->op));
			unpct(&want, strcmp(pth, "-") == 0 ? "" : pth, strcmp(pth, "-") == 0 ? 0 : strlen(pth));
			const char *mp = model_event_path(m, ev, &plen);
			ck_assert_msg(plen == want.len && memcmp(mp, want.p, plen) == 0, "%s: path '%s'", where, show(mp, plen));
		} else if (sscanf(ln, "%63s %llu", key, &n) == 2) {
			ck_assert_msg(stat_named(m, key) == n, "%s: got %llu", where, (unsigned long long)stat_named(m, key));
		} else {
			ck_abort_msg("%s: cannot read this line", where);
		}
	}
	free(want.p);
	free(exp);
	free(data);
	ingest_free(in);
	model_free(m);
}

START_TEST(test_files)
{
	DIR *d = opendir(DIR_HOSTILE);
	struct dirent *e;
	int files = 0;

	ck_assert_msg(d != NULL, "no " DIR_HOSTILE " (run from the top of the tree)");
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char name[256];
		if (n < 5 || n > 200 || strcmp(e->d_name + n - 4, ".log") != 0)
			continue;
		memcpy(name, e->d_name, n - 4);
		name[n - 4] = '\0';
		check_file(name, 1 << 20);
		check_file(name, 7);
		check_file(name, 1);
		files++;
	}
	closedir(d);
	ck_assert_int_gt(files, 3);
}
END_TEST

/* A line far longer than anything a syslog daemon writes, fed whole and in pieces. */
START_TEST(test_huge_line)
{
	size_t n = 1 << 20;
	char *big = malloc(n + 64);
	struct model *m = model_new(NULL);
	struct ingest *in = ingest_new(m, NULL);

	ck_assert_ptr_nonnull(big);
	static const char head[] = "Nov 24 11:02:31 h internal-sftp[1]: remove name \"";
	memcpy(big, head, sizeof(head) - 1);
	memset(big + sizeof(head) - 1, 'A', n - sizeof(head));
	big[n - 1] = '"';
	big[n] = '\n';
	ingest_set_reference(in, reference());
	ck_assert_uint_eq(ingest_buffer(in, big, n + 1, false), n + 1);
	feed_chunked(in, big, n + 1, 4096);
	ck_assert_uint_eq(model_stats(m)->unparsed_lines, 2);
	ck_assert_uint_eq(model_nevents(m), 0);
	ck_assert_uint_eq(model_unparsed_count(m), 2);
	/* the copy kept for inspection is bounded */
	size_t len;
	uint64_t no;
	(void)model_unparsed(m, 0, &len, &no);
	ck_assert_uint_le(len, 65536);
	free(big);
	ingest_free(in);
	model_free(m);
}
END_TEST

#define TMP_LOG "/tmp/sftptop-hostile-XXXXXX"

/* A new temporary log open for writing; its name goes to path (sizeof(TMP_LOG) bytes). */
static FILE *tmp_log(char *path)
{
	int fd;
	FILE *f;

	strcpy(path, TMP_LOG);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	return f;
}

/* The model of the file at path, read by ingest_files as from the command line; the file is removed. */
static struct model *model_of_file(const char *path)
{
	struct model *m = model_new(NULL);
	struct ingest *in = ingest_new(m, NULL);
	const char *files[] = { path };

	ingest_set_reference(in, reference());
	ck_assert_int_eq(ingest_files(in, files, 1), 0);
	ingest_free(in);
	unlink(path);
	return m;
}

/* Lines of megabytes in a file read by ingest_files (plain and threaded readers): counted, memory bounded. */
START_TEST(test_huge_lines_in_file)
{
	static const char head[] = "Nov 24 11:02:31 h internal-sftp[9]: session opened for local user big from [192.0.2.9]\n";
	static const char mid[] = "Nov 24 11:02:32 h internal-sftp[9]: remove name \"/up/after-the-long-line\"\n";
	char path[sizeof(TMP_LOG)];
	size_t sizes[] = { 3u << 20, 6u << 20 };   /* below and above the threaded reader's 4 MiB */

	for (size_t k = 0; k < 2; k++) {
		FILE *f = tmp_log(path);
		struct model *m;
		char *big = malloc(sizes[k]);

		ck_assert_ptr_nonnull(big);
		memset(big, 'x', sizes[k]);
		fputs(head, f);
		fwrite(big, 1, sizes[k], f);
		fputc('\n', f);
		fputs(mid, f);
		fwrite(big, 1, 300000, f);   /* and a last one without its newline */
		fclose(f);
		m = model_of_file(path);
		ck_assert_uint_eq(model_stats(m)->lines, 4);
		ck_assert_uint_eq(model_stats(m)->unparsed_lines, 2);
		ck_assert_uint_eq(model_nevents(m), 1);
		ck_assert_uint_eq(model_nsessions(m), 1);
		free(big);
		model_free(m);
	}
}
END_TEST

/* Lines of an impossible date are unparsed, and kept whole for inspection, by both readers. */
START_TEST(test_impossible_dates_in_file)
{
	static const char *const bad[] = {
		"Feb 30 10:00:00 h cron[1]: a foreign line",
		"Feb 30 10:00:01 h internal-sftp[5]: realpath \"/an/sftp/line\"",
	};
	char path[sizeof(TMP_LOG)];
	size_t fill[] = { 1000, 80000 };   /* below and above the threaded reader's 4 MiB */

	setenv("SFTPTOP_THREADS", "2", 1);
	for (size_t k = 0; k < 2; k++) {
		FILE *f = tmp_log(path);
		struct model *m;
		size_t len;

		for (size_t i = 0; i < fill[k]; i++)
			fprintf(f, "Nov 24 11:02:31 h internal-sftp[%zu]: stat name \"/a/rather/long/path/to/fill/the/file/%zu\"\n",
			        i % 500 + 1, i);
		fprintf(f, "%s\n%s\n", bad[0], bad[1]);
		fclose(f);
		m = model_of_file(path);
		ck_assert_uint_eq(model_stats(m)->unparsed_lines, 2);
		ck_assert_uint_eq(model_unparsed_count(m), 2);
		for (size_t i = 0; i < 2; i++) {
			const char *got = model_unparsed(m, i, &len, NULL);
			ck_assert_msg(len == strlen(bad[i]) && memcmp(got, bad[i], len) == 0, "%zu lines: kept '%.*s'",
			              fill[k], (int)len, got);
		}
		model_free(m);
	}
}
END_TEST

/* ---- output: nothing from the log reaches a terminal, a JSON reader or a CSV reader raw ---- */

/*
 * Scan text for control bytes. allow_sgr: ESC [ digits/; m (sftptop's own
 * colours) is allowed, anything else after ESC is not. No C0 control but
 * \n (and, with allow_tab for CSV, the CR of its CRLF record ends), no DEL, no C1 (raw or UTF-8), no bidi or zero-width
 * code point. Returns NULL or what was found.
 */
static const char *scan_at(const char *s, size_t len, bool allow_sgr, bool allow_tab, size_t *at)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k;

		*at = i;
		if (u[i] == 0x1b) {
			size_t j = i + 1;
			if (!allow_sgr || j >= len || u[j] != '[')
				return "ESC not starting a colour";
			j++;
			while (j < len && (isdigit(u[j]) || u[j] == ';'))
				j++;
			if (j >= len || u[j] != 'm')
				return "ESC [ ... not ending in m";
			i = j + 1;
			continue;
		}
		if (u[i] == '\n' || (allow_tab && u[i] == '\r' && i + 1 < len && u[i + 1] == '\n')) {
			i++;
			continue;
		}
		if (u[i] < 0x20 || u[i] == 0x7f)
			return "C0 control or DEL";
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		k = esc_utf8_char(u + i, len - i, &cp);
		if (k == 0)
			return "invalid UTF-8 (a raw C1 byte or a broken sequence)";
		if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
		    (cp >= 0x200b && cp <= 0x200f) || cp == 0x061c || cp == 0x2060 || cp == 0xfeff)
			return "C1, bidi or zero-width code point";
		i += k;
	}
	return NULL;
}

static const char *scan_output(const char *s, size_t len, bool allow_sgr, bool allow_tab)
{
	size_t at = 0;

	return scan_at(s, len, allow_sgr, allow_tab, &at);
}

/* Every line of the corpus that the model takes, in one model. */
static struct model *corpus_model(void)
{
	size_t len;
	char *text = slurp(DIR_HOSTILE "/lines.tsv", &len), *save = NULL;
	struct model *m = model_new(NULL);
	struct ingest *in = ingest_new(m, NULL);
	struct buf line = { 0 };

	ingest_set_reference(in, reference());
	for (char *ln = strtok_r(text, "\n", &save); ln != NULL; ln = strtok_r(NULL, "\n", &save)) {
		char *t = strrchr(ln, '\t');
		if (ln[0] == '#' || t == NULL)
			continue;
		unpct(&line, t + 1, strlen(t + 1));
		ingest_line(in, line.p, line.len);
	}
	/* and the whole files */
	DIR *d = opendir(DIR_HOSTILE);
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name), flen;
		char path[512];
		if (n < 5 || strcmp(e->d_name + n - 4, ".log") != 0)
			continue;
		snprintf(path, sizeof(path), DIR_HOSTILE "/%s", e->d_name);
		char *data = slurp(path, &flen);
		ingest_buffer(in, data, flen, true);
		free(data);
	}
	if (d != NULL)
		closedir(d);
	free(line.p);
	free(text);
	ingest_free(in);
	return m;
}

static void check_report(const struct model *m, const struct report_opts *o, bool allow_sgr, bool allow_tab,
                         const char *what)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	report_write(f, m, NULL, o);
	for (size_t s = 0; s < model_nsessions(m); s++)
		report_follow_session(f, m, o, (uint32_t)s, MC_UPDATED);
	for (size_t e = 0; e < model_nevents(m); e++)
		report_follow_event(f, m, o, (uint32_t)e);
	fclose(f);
	ck_assert_msg(len > 1000, "%s: report too short (%zu bytes)", what, len);
	size_t at = 0;
	const char *bad = scan_at(out, len, allow_sgr, allow_tab, &at);
	if (bad != NULL) {
		size_t from = at > 60 ? at - 60 : 0;
		ck_abort_msg("%s: %s at byte %zu: ...%s", what, bad, at, show(out + from, at + 1 - from));
	}
	/* none of the payloads' raw bytes, nor their decoded forms, made it */
	ck_assert_msg(memmem(out, len, "\033]52;", 5) == NULL, "%s: OSC 52", what);
	ck_assert_msg(memmem(out, len, "\xe2\x80\xae", 3) == NULL, "%s: raw U+202E", what);
	free(out);
}

START_TEST(test_reports_inert)
{
	struct model *m = corpus_model();
	struct report_opts text_color = { .format = RF_TEXT, .color = true, .utf8 = true, .noise = true };
	struct report_opts text_plain = { .format = RF_TEXT, .color = false, .utf8 = false, .noise = true };
	struct report_opts json = { .format = RF_JSON };
	struct report_opts csv = { .format = RF_CSV };

	ck_assert_uint_gt(model_nevents(m), 40);
	check_report(m, &text_color, true, false, "text, colour, UTF-8");
	check_report(m, &text_plain, false, false, "text, plain, ASCII");
	check_report(m, &json, false, false, "JSON");
	check_report(m, &csv, false, true, "CSV");
	/* the unparsed lines kept for inspection, as a view would show them */
	for (size_t i = 0; i < model_unparsed_count(m); i++) {
		size_t len;
		uint64_t no;
		const char *s = model_unparsed(m, i, &len, &no);
		char out[4096 * 12];
		size_t n = esc_term(out, sizeof(out), s, len, true);
		ck_assert_msg(scan_output(out, n, false, false) == NULL, "unparsed line %zu: %s", i,
		              scan_output(out, n, false, false));
	}
	model_free(m);
}
END_TEST

/* esc_term of a 4-byte UTF-8 character in ASCII mode: 16 bytes of escapes, no NUL, nothing cut. */
START_TEST(test_esc_4byte_ascii)
{
	char out[64];
	size_t n = esc_term(out, sizeof(out), "\xf2\xb8\xa6\xa6x", 5, false);

	ck_assert_uint_eq(n, 17);
	ck_assert_str_eq(out, "\\362\\270\\246\\246x");
	n = esc_term(out, sizeof(out), "\xf0\x9f\x98\x80", 4, false);
	ck_assert_str_eq(out, "\\360\\237\\230\\200");
	ck_assert_uint_eq(n, 16);
	/* a buffer too small for the whole unit gets none of it */
	n = esc_term(out, 10, "ab\xf0\x9f\x98\x80", 6, false);
	ck_assert_str_eq(out, "ab");
	ck_assert_uint_eq(n, 2);
}
END_TEST

/* Every escaper on every byte value and on the dangerous code points. */
START_TEST(test_esc_all_bytes)
{
	static const char *const dangerous[] = { "\xe2\x80\xae", "\xe2\x80\x8b", "\xe2\x81\xa6", "\xc2\x9b", "\xef\xbb\xbf",
	                                         "\xe2\x80\x8f", "\xd8\x9c", "\xe2\x81\xa0" };
	char in[2], out[64];

	for (int c = 0; c < 256; c++) {
		in[0] = (char)c;
		in[1] = 'x';
		for (int u = 0; u < 2; u++) {
			size_t n = esc_term(out, sizeof(out), in, 2, u);
			ck_assert_msg(scan_output(out, n, false, false) == NULL, "esc_term byte %#x", c);
		}
		char *j = NULL, *v = NULL;
		size_t jl = 0, vl = 0;
		FILE *f = open_memstream(&j, &jl);
		esc_json_str(f, in, 2);
		fclose(f);
		ck_assert_msg(scan_output(j, jl, false, false) == NULL, "esc_json byte %#x", c);
		f = open_memstream(&v, &vl);
		esc_csv_field(f, in, 2);
		fclose(f);
		ck_assert_msg(scan_output(v, vl, false, false) == NULL, "esc_csv byte %#x", c);
		free(j);
		free(v);
	}
	for (size_t i = 0; i < sizeof(dangerous) / sizeof(dangerous[0]); i++) {
		size_t n = esc_term(out, sizeof(out), dangerous[i], strlen(dangerous[i]), true);
		ck_assert_msg(scan_output(out, n, false, false) == NULL, "esc_term %s", out);
	}
}
END_TEST

/* esc_json_mem in any buffer size writes what one call with room for all writes, in whole units. */
START_TEST(test_esc_json_chunks)
{
	static const char src[] = "plain \"q\" \\ \t\n\x01\x1b[31m caf\xc3\xa9 \xe2\x80\xae \xf0\x9f\x98\x80 \xf3\xa0\x80\x81 \xff\xc3 end";
	const size_t len = sizeof(src) - 1;
	char whole[sizeof(src) * 6], part[sizeof(src) * 6];
	size_t used, n = esc_json_mem(whole, sizeof(whole), src, len, &used);

	ck_assert_uint_eq(used, len);
	ck_assert(memmem(whole, n, "\\u001b", 6) != NULL);
	ck_assert(memmem(whole, n, "\\u202e", 6) != NULL);
	ck_assert(memmem(whole, n, "\xf0\x9f\x98\x80", 4) != NULL);
	ck_assert(memmem(whole, n, "\\udb40\\udc01", 12) != NULL);
	ck_assert(memmem(whole, n, "\\\\377", 5) != NULL);
	ck_assert(memmem(whole, n, "caf\xc3\xa9", 5) != NULL);
	ck_assert(scan_output(whole, n, false, false) == NULL);
	for (size_t cap = ESC_JSON_UNIT; cap <= n + 1; cap++) {
		size_t o = 0, i = 0;
		while (i < len) {
			size_t k = esc_json_mem(part + o, cap, src + i, len - i, &used);
			ck_assert_msg(used > 0 && k <= cap, "cap %zu: no progress or overrun", cap);
			o += k;
			i += used;
		}
		ck_assert_msg(o == n && memcmp(part, whole, n) == 0, "cap %zu: other bytes", cap);
	}
}
END_TEST

Suite *suite_hostile(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("corpus");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_lines);
	tcase_add_test(tc, test_files);
	tcase_add_test(tc, test_huge_line);
	tcase_add_test(tc, test_huge_lines_in_file);
	tcase_add_test(tc, test_reports_inert);
	tcase_add_test(tc, test_esc_4byte_ascii);
	tcase_add_test(tc, test_esc_all_bytes);
	tcase_add_test(tc, test_esc_json_chunks);
	tcase_add_test(tc, test_impossible_dates_in_file);
	suite_add_tcase(s, tc);
	return s;
}
