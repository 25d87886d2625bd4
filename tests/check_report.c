/*
 * Report tests: whole JSON, CSV and text output for the sample logs, the
 * filters, and the escaping of hostile names in every format.
 */
#include <check.h>

#include "testutil.h"

#define SRCDIR_ENV "SFTPTOP_SRCDIR"

static char *sample(const char *name)
{
	char path[512];
	const char *dir = getenv(SRCDIR_ENV);

	snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : ".", name);
	return tu_slurp(path);
}

/* The JSON object of the project brief, byte for byte. */
static const char brief_json[] =
	"{\"type\":\"session\",\"host\":\"sftpserver\",\"program\":\"internal-sftp\",\"pid\":32,\"user\":\"guest\","
	"\"ip\":\"172.17.0.1\",\"start\":\"2026-11-24T11:02:31\",\"end\":\"2026-11-24T11:03:16\",\"state\":\"closed\","
	"\"bytes_read\":0,\"bytes_written\":12,\"deletions\":1,\"failures\":0,\"events\":[{\"time\":\"2026-11-24T11:03:00\","
	"\"op\":\"open\",\"path\":\"/archives/testfile\",\"flags\":[\"WRITE\",\"CREATE\",\"TRUNCATE\"],\"mode\":\"0644\","
	"\"status\":\"ok\"},{\"time\":\"2026-11-24T11:03:00\",\"op\":\"close\",\"path\":\"/archives/testfile\","
	"\"bytes_read\":0,\"bytes_written\":12,\"status\":\"ok\"},{\"time\":\"2026-11-24T11:03:12\",\"op\":\"remove\","
	"\"path\":\"/archives/testfile\",\"status\":\"ok\",\"destructive\":\"remove\"}]}\n"
	"{\"type\":\"summary\",\"lines\":5,\"sftp_lines\":5,\"foreign_lines\":0,\"unparsed_lines\":0,\"sessions\":1,"
	"\"events\":3,\"deletions\":1}\n";

START_TEST(test_example_json)
{
	char *text = sample("sample-logs/example.log");
	struct model *m;
	char *out;

	ck_assert_ptr_nonnull(text);
	m = tu_model(text);
	out = tu_report(m, NULL, RF_JSON);
	ck_assert_str_eq(out, brief_json);
	free(out);
	out = tu_report(m, NULL, RF_CSV);
	ck_assert_str_eq(out,
		"time,host,pid,user,ip,op,path,to,bytes_read,bytes_written,status,destructive\r\n"
		"2026-11-24T11:03:00,sftpserver,32,guest,172.17.0.1,open,/archives/testfile,,,,ok,\r\n"
		"2026-11-24T11:03:00,sftpserver,32,guest,172.17.0.1,close,/archives/testfile,,0,12,ok,\r\n"
		"2026-11-24T11:03:12,sftpserver,32,guest,172.17.0.1,remove,/archives/testfile,,,,ok,remove\r\n");
	free(out);
	out = tu_report(m, NULL, RF_TEXT);
	ck_assert_str_eq(out,
		"guest@172.17.0.1  sftpserver internal-sftp[32]  2026-11-24 11:02:31 to 11:03:16 (45s)  closed\n"
		"  up 12 B, down 0 B, 1 file, 1 deletion, 0 failures\n"
		"    /archives/testfile: uploaded 12 B \xe2\x86\x92 DELETED at 11:03:12\n"
		"\n"
		"1 session shown of 1; 5 lines read, 3 events, 1 deletions, 0 unparsed lines\n");
	free(out);
	model_free(m);
	free(text);
}
END_TEST

/* Whole reports of the busy-day sample against files a person checked line by line. */
static void golden(const char *log, const char *want_file, enum report_format fmt)
{
	char *text = sample(log), *want = sample(want_file), *out;
	struct model *m;

	ck_assert_msg(text != NULL && want != NULL, "missing %s or %s", log, want_file);
	m = tu_model(text);
	out = tu_report(m, NULL, fmt);
	if (strcmp(out, want) != 0) {
		size_t i = 0;
		while (out[i] == want[i])
			i++;
		ck_abort_msg("%s differs from %s at byte %zu: got '%.80s' want '%.80s'", log, want_file, i, out + i,
		             want + i);
	}
	free(out);
	model_free(m);
	free(text);
	free(want);
}

START_TEST(test_busy_day_json) { golden("sample-logs/busy-day.log", "tests/data/busy-day.json", RF_JSON); }
END_TEST
START_TEST(test_busy_day_text) { golden("sample-logs/busy-day.log", "tests/data/busy-day.txt", RF_TEXT); }
END_TEST
START_TEST(test_busy_day_rfc3339) { golden("sample-logs/busy-day-rfc3339.log", "tests/data/busy-day-rfc3339.json", RF_JSON); }
END_TEST

/* Both header formats of the same day give the same sessions and events. */
START_TEST(test_formats_agree)
{
	char *a = sample("sample-logs/busy-day.log"), *b = sample("sample-logs/busy-day-rfc3339.log");
	struct model *ma = tu_model(a), *mb = tu_model(b);

	ck_assert_uint_eq(model_nsessions(ma), model_nsessions(mb));
	ck_assert_uint_eq(model_stats(ma)->events, model_stats(mb)->events);
	ck_assert_uint_eq(model_stats(ma)->deletions, model_stats(mb)->deletions);
	ck_assert_uint_eq(model_stats(ma)->failures, model_stats(mb)->failures);
	for (uint32_t s = 0; s < model_nsessions(ma); s++) {
		ck_assert_uint_eq(model_session(ma, s)->nevents, model_session(mb, s)->nevents);
		ck_assert_uint_eq(model_session(ma, s)->bytes_written, model_session(mb, s)->bytes_written);
		ck_assert_uint_eq(model_session(ma, s)->bytes_read, model_session(mb, s)->bytes_read);
	}
	model_free(ma);
	model_free(mb);
	free(a);
	free(b);
}
END_TEST

/* A report of thousands of sessions written by two threads is the one thread's, byte for byte. */
START_TEST(test_threads_same)
{
	size_t cap = 4u << 20, n = 0;
	char *text = malloc(cap);
	struct model *m;
	struct filter f;
	const enum report_format fmts[] = { RF_JSON, RF_CSV, RF_TEXT };

	ck_assert_ptr_nonnull(text);
	/* 3000 sessions, three at a time interleaved, some with deletions and hostile names */
	for (int i = 0; i < 3000; i += 3) {
		for (int j = i; j < i + 3; j++)
			n += (size_t)snprintf(text + n, cap - n,
			                      "Nov 24 10:%02d:%02d h%d internal-sftp[%d]: session opened for local user u%d from [10.0.%d.%d]\n",
			                      i / 60 % 60, i % 60, j % 2, 1000 + j, j % 37, j % 7, j % 200);
		for (int j = i; j < i + 3; j++) {
			n += (size_t)snprintf(text + n, cap - n,
			                      "Nov 24 10:%02d:%02d h%d internal-sftp[%d]: open \"/up/f%d\\033[31m\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
			                      "Nov 24 10:%02d:%02d h%d internal-sftp[%d]: close \"/up/f%d\\033[31m\" bytes read 0 written %d\n",
			                      i / 60 % 60, i % 60, j % 2, 1000 + j, j, i / 60 % 60, i % 60, j % 2, 1000 + j, j, j * 7);
			if (j % 5 == 0)
				n += (size_t)snprintf(text + n, cap - n,
				                      "Nov 24 10:%02d:%02d h%d internal-sftp[%d]: remove name \"/up/f%d\\033[31m\"\n",
				                      i / 60 % 60, i % 60, j % 2, 1000 + j, j);
		}
		for (int j = i; j < i + 3; j++)
			if (j % 11 != 0)        /* some never end */
				n += (size_t)snprintf(text + n, cap - n,
				                      "Nov 24 10:%02d:%02d h%d internal-sftp[%d]: session closed for local user u%d from [10.0.%d.%d]\n",
				                      i / 60 % 60, i % 60 + 1 < 60 ? i % 60 + 1 : 59, j % 2, 1000 + j, j % 37, j % 7, j % 200);
		if (i == 1500) {        /* and one session heavier than a chunk, written by the calling thread */
			n += (size_t)snprintf(text + n, cap - n,
			                      "Nov 24 10:25:00 h0 internal-sftp[9000]: session opened for local user heavy from [10.9.9.9]\n");
			for (int r = 0; r < 5000; r++)
				n += (size_t)snprintf(text + n, cap - n,
				                      "Nov 24 10:25:%02d h0 internal-sftp[9000]: remove name \"/bulk/%d\"\n", r % 60, r);
		}
		ck_assert_uint_lt(n, cap - 4096);
	}
	m = tu_model(text);
	ck_assert_uint_eq(model_nsessions(m), 3001);
	filter_init(&f);
	for (int pass = 0; pass < 3; pass++) {
		if (pass == 1)
			f.deletions = true;
		if (pass == 2) {        /* half the sessions: still two threads */
			f.deletions = false;
			f.host = strdup("h0");
		}
		for (size_t k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++) {
			char *one = tu_report_threads(m, pass ? &f : NULL, fmts[k], 1);
			char *two = tu_report_threads(m, pass ? &f : NULL, fmts[k], 2);
			ck_assert_ptr_nonnull(strstr(one, "u1"));
			ck_assert_ptr_nonnull(strstr(one, "/bulk/4999"));
			ck_assert_ptr_null(strchr(one, 033));
			ck_assert_msg(strcmp(one, two) == 0, "pass %d format %zu: two threads wrote another report", pass, k);
			if (pass == 0 && fmts[k] == RF_JSON) {
				size_t lines = 0;
				for (const char *q = one; (q = strchr(q, '\n')) != NULL; q++)
					lines++;
				ck_assert_uint_eq(lines, 3002);        /* every session, then the summary */
			}
			free(one);
			free(two);
		}
	}
	filter_clear(&f);
	model_free(m);
	free(text);
}
END_TEST

/*
 * Feed text line by line, the reference moving halfway: through ingest_line,
 * or as the UI and the follower do, through a pipe for the first 60% (the
 * history) and ingest_line for the rest (the lines that come after it).
 */
enum feed { FEED_LINES, FEED_PIPE, FEED_RUNS };

/* Give a run of whole lines [from, to) (each with its newline) to the pipe. */
static void feed_run(struct ingest_pipe *q, const char *from, const char *to)
{
	if (to > from)
		ingest_pipe_lines(q, from, (size_t)(to - from));
}

/*
 * text through ingest_line (FEED_LINES), or through a pipe as the follower
 * and the UI feed it until the history is in: line by line (FEED_PIPE), or
 * in runs of 1 to about 4,000 lines (FEED_RUNS: runs smaller and larger
 * than a batch, cut anywhere, some single lines in between); then the rest
 * line by line.
 */
static struct model *fed(const char *text, enum feed how)
{
	struct model *m = model_new(NULL);
	struct ingest *in = ingest_new(m, NULL);
	struct ingest_pipe *q = NULL;
	size_t total = 0, i = 0, runlen = 0, want = 1;
	const char *run = text;
	uint32_t rnd = 12345;

	for (const char *c = text; (c = strchr(c, '\n')) != NULL; c++)
		total++;
	if (how != FEED_LINES) {
		q = ingest_pipe_new(in);
		ck_assert_ptr_nonnull(q);
	}
	ingest_set_reference(in, ltime_days(2026, 11, 24) * LTIME_US_PER_DAY);
	for (const char *line = text, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1, i++) {
		if (i == total / 2) {   /* Dec 31 and Jan 1 lines now get other years */
			if (q != NULL)
				feed_run(q, run, line);
			run = line;
			runlen = 0;
			ingest_set_reference(in, ltime_days(2027, 1, 2) * LTIME_US_PER_DAY);
		}
		if (q != NULL && i == total * 3 / 5) {
			feed_run(q, run, line);
			ingest_pipe_flush(q);
			ingest_pipe_free(q);
			q = NULL;
		}
		if (q == NULL) {
			ingest_line(in, line, (size_t)(nl - line));
			continue;
		}
		if (how == FEED_PIPE) {
			ingest_pipe_line(q, line, (size_t)(nl - line));
			run = nl + 1;
		} else if (++runlen == want) {
			rnd = rnd * 1103515245u + 12345u;
			if (rnd % 7 == 0) {          /* a single line, by the other door */
				feed_run(q, run, line);
				ingest_pipe_line(q, line, (size_t)(nl - line));
			} else {
				feed_run(q, run, nl + 1);
			}
			run = nl + 1;
			runlen = 0;
			want = 1 + (rnd >> 8) % (rnd % 5 == 0 ? 4000 : 60);
		}
		if (i % 777 == 0) {
			if (how == FEED_RUNS) {
				feed_run(q, run, nl + 1);
				run = nl + 1;
				runlen = 0;
			}
			ingest_pipe_apply(q);
		}
	}
	if (q != NULL) {
		feed_run(q, run, text + strlen(text));
		ingest_pipe_flush(q);
		ingest_pipe_free(q);
	}
	ingest_free(in);
	return m;
}

/* A run handed in without its last newline: that last piece is a line, as ingest_buffer() takes it. */
START_TEST(test_pipe_unfinished_run)
{
	const char *text =
		"Nov 24 10:00:00 h internal-sftp[9]: session opened for local user u from [10.0.0.9]\n"
		"Nov 24 10:00:01 h internal-sftp[9]: remove name \"/a\"\n"
		"Nov 24 10:00:02 h internal-sftp[9]: remove name \"/b\"";
	const char *more = "Nov 24 10:00:03 h internal-sftp[9]: remove name \"/c\"\n";
	struct model *a = model_new(NULL), *b = model_new(NULL);
	struct ingest *ia = ingest_new(a, NULL), *ib = ingest_new(b, NULL);
	struct ingest_pipe *q;

	setenv("SFTPTOP_THREADS", "2", 1);
	q = ingest_pipe_new(ib);
	ck_assert_ptr_nonnull(q);
	ingest_buffer(ia, text, strlen(text), true);
	ingest_buffer(ia, more, strlen(more), true);
	ingest_pipe_lines(q, text, strlen(text));
	ingest_pipe_lines(q, more, strlen(more));
	ingest_pipe_flush(q);
	ingest_pipe_free(q);
	unsetenv("SFTPTOP_THREADS");
	ck_assert_uint_eq(model_stats(a)->deletions, 3);
	ck_assert_uint_eq(model_stats(b)->deletions, 3);
	ck_assert_uint_eq(model_stats(b)->lines, model_stats(a)->lines);
	ingest_free(ia);
	ingest_free(ib);
	model_free(a);
	model_free(b);
}
END_TEST

/* A year without a year: Feb 29 is not the year of the rest of February. */
START_TEST(test_year_cache)
{
	struct model *m = model_new(NULL);
	struct ingest *in = ingest_new(m, NULL);
	const char *lines[] = {
		"Feb 28 10:00:00 h internal-sftp[1]: session opened for local user a from [10.0.0.1]",
		"Feb 29 10:00:00 h internal-sftp[2]: session opened for local user b from [10.0.0.2]",
		"Feb 27 10:00:00 h internal-sftp[3]: session opened for local user c from [10.0.0.3]",
	};

	ingest_set_reference(in, ltime_days(2027, 3, 1) * LTIME_US_PER_DAY);
	for (size_t i = 0; i < 3; i++)
		ingest_line(in, lines[i], strlen(lines[i]));
	ingest_free(in);
	char *r = tu_report(m, NULL, RF_JSON);
	ck_assert_ptr_nonnull(strstr(r, "\"start\":\"2027-02-28T10:00:00\""));
	ck_assert_ptr_nonnull(strstr(r, "\"start\":\"2024-02-29T10:00:00\""));
	ck_assert_ptr_nonnull(strstr(r, "\"start\":\"2027-02-27T10:00:00\""));
	ck_assert_uint_eq(model_stats(m)->unparsed_lines, 0);
	free(r);
	model_free(m);
}
END_TEST

/* The pipe (helpers parse, this thread applies) builds the model ingest_line builds. */
/* Run 0: the pipe fed line by line; run 1: in runs of lines. */
START_TEST(test_pipe_same)
{
	enum feed how = _i == 0 ? FEED_PIPE : FEED_RUNS;
	size_t cap = 8u << 20, n = 0;
	char *text = malloc(cap), *busy = sample("sample-logs/busy-day.log");
	char *garbage = sample("tests/hostile/garbage.log"), *names = sample("tests/hostile/names.log");

	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(busy);
	ck_assert_ptr_nonnull(garbage);
	ck_assert_ptr_nonnull(names);
	setenv("SFTPTOP_THREADS", "3", 1);   /* two helpers, whatever the machine */
	for (int rep = 0; rep < 40; rep++) {
		n += (size_t)snprintf(text + n, cap - n, "%s%s%s", busy, rep % 4 == 0 ? garbage : "", rep % 3 == 0 ? names : "");
		n += (size_t)snprintf(text + n, cap - n,
		                      "Dec 31 23:59:5%d h internal-sftp[%d]: session opened for local user y%d from [10.1.1.1]\n"
		                      "Jan  1 00:00:0%d h internal-sftp[%d]: remove name \"/y/%d\"\n"
		                      /* the month of the reference + 1 day: its year changes within it */
		                      "Nov 26 10:00:0%d h internal-sftp[%d]: stat name \"/y/%d\"\n",
		                      rep % 10, 5000 + rep, rep, rep % 10, 5000 + rep, rep, rep % 10, 5000 + rep, rep);
		/* an empty name renamed onto, in the history and after it: one file, so the second replaces it */
		if (rep == 0 || rep == 39)
			n += (size_t)snprintf(text + n, cap - n,
			                      "Nov 24 10:00:0%d h internal-sftp[6000]: rename old \"/e/%d\" new \"\"\n",
			                      rep % 10, rep);
		if (rep == 20) {      /* over-long: keeps its place in the order */
			memset(text + n, 'x', INGEST_MAX_LINE + 100);
			n += INGEST_MAX_LINE + 100;
			text[n++] = '\n';
		}
		ck_assert_uint_lt(n, cap - (1u << 20));
	}
	text[n] = '\0';
	struct model *a = fed(text, FEED_LINES), *b = fed(text, how);
	const struct model_stats *sa = model_stats(a), *sb = model_stats(b);
	char *ra = tu_report(a, NULL, RF_JSON), *rb = tu_report(b, NULL, RF_JSON);

	ck_assert_uint_gt(sa->lines, 9000);
	ck_assert_uint_gt(sa->unparsed_lines, 0);
	ck_assert_uint_eq(sa->lines, sb->lines);
	ck_assert_uint_eq(sa->unparsed_lines, sb->unparsed_lines);
	ck_assert_uint_eq(sa->foreign_lines, sb->foreign_lines);
	ck_assert_uint_eq(sa->events, sb->events);
	ck_assert_uint_eq(sa->deletions, sb->deletions);
	ck_assert_uint_eq(model_unparsed_count(a), model_unparsed_count(b));
	for (size_t k = 0; k < model_unparsed_count(a); k++) {
		size_t la, lb;
		uint64_t na, nb;
		const char *ua = model_unparsed(a, k, &la, &na), *ub = model_unparsed(b, k, &lb, &nb);
		ck_assert_uint_eq(na, nb);
		ck_assert(la == lb && memcmp(ua, ub, la) == 0);
	}
	ck_assert_ptr_nonnull(strstr(ra, "\"time\":\"2025-11-26T10:00:0"));   /* after ref + 1 day: a year back */
	ck_assert_ptr_nonnull(strstr(ra, "\"destructive\":\"replaced\""));
	ck_assert_ptr_nonnull(strstr(ra, "\"start\":\"2025-12-31T23:59:5"));   /* before the move: a year back */
	ck_assert_ptr_nonnull(strstr(ra, "\"start\":\"2026-12-31T23:59:5"));   /* after it */
	ck_assert_msg(strcmp(ra, rb) == 0, "the pipe built another model");
	unsetenv("SFTPTOP_THREADS");
	free(ra);
	free(rb);
	model_free(a);
	model_free(b);
	free(text);
	free(busy);
	free(garbage);
	free(names);
}
END_TEST

START_TEST(test_filters)
{
	char *text = sample("sample-logs/busy-day.log");
	struct model *m = tu_model(text);
	struct filter f;
	char *out;

	filter_init(&f);
	f.user = strdup("bob");
	out = tu_report(m, &f, RF_CSV);
	ck_assert_ptr_null(strstr(out, ",alice,"));
	ck_assert_ptr_nonnull(strstr(out, ",bob,"));
	free(out);
	filter_clear(&f);

	/* a path: both the upload (alice, as .filepart renamed to it) and bob's removal; only those events */
	f.path = strdup("/upload/report-2026-11-24.pdf");
	out = tu_report(m, &f, RF_JSON);
	ck_assert_ptr_nonnull(strstr(out, "\"user\":\"alice\""));
	ck_assert_ptr_nonnull(strstr(out, "\"user\":\"bob\""));
	ck_assert_ptr_null(strstr(out, "invoices.csv"));
	ck_assert_ptr_null(strstr(out, "\"user\":\"carol\""));
	free(out);
	filter_clear(&f);

	f.deletions = true;
	out = tu_report(m, &f, RF_CSV);
	{
		int rows = 0;
		for (char *p = out; (p = strstr(p, "\r\n")) != NULL; p += 2)
			rows++;
		ck_assert_int_eq(rows - 1, (int)model_stats(m)->deletions);
	}
	free(out);
	filter_clear(&f);

	/* a glob */
	f.path = strdup("/upload/*.jpg");
	f.user = strdup("frank");
	out = tu_report(m, &f, RF_CSV);
	ck_assert_ptr_nonnull(strstr(out, "scan-001.jpg"));
	ck_assert_ptr_null(strstr(out, "big.iso"));
	free(out);
	filter_clear(&f);

	/* the UI language */
	{
		const char *err;
		ck_assert_int_eq(filter_parse(&f, "user:bob path:/upload deleted", 0, &err), 0);
		ck_assert_str_eq(f.user, "bob");
		ck_assert_str_eq(f.path, "/upload");
		ck_assert(f.deletions);
		char buf[128];
		ck_assert_str_eq(filter_describe(&f, buf, sizeof(buf)), "user:bob path:/upload deleted");
		ck_assert_int_eq(filter_parse(&f, "since:bogus", 0, &err), -1);
		filter_clear(&f);
	}
	ck_assert(filter_path_match("/upload", "/upload/a", 9));
	ck_assert(!filter_path_match("/upload", "/uploads/a", 10));
	ck_assert(filter_path_match("/upload/", "/upload/a", 9));
	model_free(m);
	free(text);
}
END_TEST

/* Characters beyond U+FFFF escaped in JSON as surrogate pairs (U+E0041, a tag character). */
START_TEST(test_json_astral)
{
	struct model *m = tu_model("Nov 24 11:00:01 h internal-sftp[1]: remove name \"/u/x\\363\\240\\201\\201y\"\n");
	char *out = tu_report(m, NULL, RF_JSON);

	ck_assert_ptr_nonnull(strstr(out, "\"path\":\"/u/x\\udb40\\udc41y\""));
	free(out);
	model_free(m);
}
END_TEST

START_TEST(test_hostile_names)
{
	struct model *m = tu_model(
		"Nov 24 11:00:01 h internal-sftp[1]: remove name \"/a\\\"b,c\\033]52;c;eA==\\a\\342\\200\\256x\\377\"\n");
	char *out;

	out = tu_report(m, NULL, RF_JSON);
	/* JSON: the real bytes, controls and bidi as \u escapes, invalid UTF-8 as its octal escape text */
	ck_assert_ptr_nonnull(strstr(out, "\"path\":\"/a\\\\\\\"b,c\\u001b]52;c;eA==\\u0007\\u202ex\\\\377\""));
	free(out);
	out = tu_report(m, NULL, RF_CSV);
	ck_assert_ptr_nonnull(strstr(out, ",\"/a\\\"\"b,c\\033]52;c;eA==\\007\\342\\200\\256x\\377\","));
	free(out);
	out = tu_report(m, NULL, RF_TEXT);
	ck_assert_ptr_nonnull(strstr(out, "/a\\\\\"b,c\\033]52;c;eA==\\a\\u{202E}x\\377"));
	for (const char *p = out; *p != '\0'; p++)
		ck_assert_msg(*p != '\033' && *p != '\a', "raw control byte in text report");
	free(out);
	model_free(m);
}
END_TEST

Suite *suite_report(void);
Suite *suite_report(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_add_test(tc, test_example_json);
	tcase_add_test(tc, test_busy_day_json);
	tcase_add_test(tc, test_busy_day_text);
	tcase_add_test(tc, test_busy_day_rfc3339);
	tcase_add_test(tc, test_formats_agree);
	tcase_add_test(tc, test_filters);
	tcase_add_test(tc, test_threads_same);
	tcase_add_loop_test(tc, test_pipe_same, 0, 2);
	tcase_add_test(tc, test_pipe_unfinished_run);
	tcase_add_test(tc, test_year_cache);
	tcase_add_test(tc, test_hostile_names);
	tcase_add_test(tc, test_json_astral);
	suite_add_tcase(s, tc);
	return s;
}
