/*
 * Model tests: one TCase per rule of the model (model.h): sessions and PID
 * reuse, missing openings, failures, destructive kinds, renames and the file
 * timeline, --chroot mapping, repeats, --since and the year.
 */
#include <check.h>

#include "testutil.h"

#define H "Nov 24 11:00:0%d sftpserver internal-sftp[%d]: "

static const char example[] =
	"Nov 24 11:02:31 sftpserver internal-sftp[32]: session opened for local user guest from [172.17.0.1]\n"
	"Nov 24 11:03:00 sftpserver internal-sftp[32]: open \"/archives/testfile\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
	"Nov 24 11:03:00 sftpserver internal-sftp[32]: close \"/archives/testfile\" bytes read 0 written 12\n"
	"Nov 24 11:03:12 sftpserver internal-sftp[32]: remove name \"/archives/testfile\"\n"
	"Nov 24 11:03:16 sftpserver internal-sftp[32]: session closed for local user guest from [172.17.0.1]\n";

START_TEST(test_example)
{
	struct model *m = tu_model(example);
	const struct model_session *s;
	uint32_t ev;

	ck_assert_uint_eq(model_nsessions(m), 1);
	s = model_session(m, 0);
	ck_assert_str_eq(model_str(m, s->user, NULL), "guest");
	ck_assert_str_eq(model_str(m, s->ip, NULL), "172.17.0.1");
	ck_assert_str_eq(model_str(m, s->host, NULL), "sftpserver");
	ck_assert_uint_eq(s->pid, 32);
	ck_assert_int_eq(s->state, SS_CLOSED);
	ck_assert_uint_eq(s->bytes_written, 12);
	ck_assert_uint_eq(s->bytes_read, 0);
	ck_assert_uint_eq(s->nevents, 3);
	ck_assert_uint_eq(s->nfiles, 1);
	ck_assert_uint_eq(s->ndeletions, 1);
	ck_assert_uint_eq(s->nfailures, 0);
	ck_assert_int_eq(s->end - s->start, 45 * LTIME_US_PER_SEC);
	ev = tu_find_op(m, 0, OP_REMOVE);
	ck_assert_int_eq(model_event(m, ev)->dkind, DK_REMOVE);
	ck_assert_uint_eq(model_stats(m)->lines, 5);
	ck_assert_uint_eq(model_stats(m)->events, 3);
	model_free(m);
}
END_TEST

START_TEST(test_pid_reuse)
{
	struct model *m = tu_model(
		"Nov 24 11:00:01 h internal-sftp[7]: session opened for local user a from [1.1.1.1]\n"
		"Nov 24 11:00:02 h internal-sftp[7]: realpath \".\"\n"
		"Nov 24 11:00:03 h internal-sftp[7]: session opened for local user b from [2.2.2.2]\n"
		"Nov 24 11:00:04 h internal-sftp[7]: remove name \"/x\"\n"
		"Nov 24 11:00:05 h sftp-server[7]: realpath \".\"\n"
		"Nov 24 11:00:06 h2 internal-sftp[7]: realpath \".\"\n"
		"Nov 24 11:00:07 h internal-sftp[7]: session closed for local user b from [2.2.2.2]\n");

	/* a, b, the sftp-server one and the other host's one: the key is (host, program, pid) */
	ck_assert_uint_eq(model_nsessions(m), 4);
	ck_assert_int_eq(model_session(m, 0)->state, SS_LOST);
	ck_assert(model_session(m, 0)->flags & SF_REPLACED);
	ck_assert_uint_eq(model_session(m, 0)->nevents, 1);
	ck_assert_int_eq(model_session(m, 1)->state, SS_CLOSED);
	ck_assert_uint_eq(model_session(m, 1)->ndeletions, 1);
	ck_assert(model_session(m, 2)->flags & SF_NO_OPEN);
	ck_assert_int_eq(model_session(m, 2)->state, SS_OPEN);
	ck_assert_int_eq(model_session(m, 3)->state, SS_OPEN);
	model_free(m);
}
END_TEST

START_TEST(test_missing_open)
{
	struct model *m = tu_model(
		"Nov 24 11:00:01 h internal-sftp[9]: open \"/f\" flags READ mode 0666\n"
		"Nov 24 11:00:02 h internal-sftp[9]: close \"/f\" bytes read 100 written 0\n"
		"Nov 24 11:00:03 h internal-sftp[9]: session closed for local user zed from [3.3.3.3]\n"
		"Nov 24 11:00:04 h internal-sftp[10]: realpath \".\"\n");
	const struct model_session *s = model_session(m, 0);

	ck_assert_uint_eq(model_nsessions(m), 2);
	ck_assert(s->flags & SF_NO_OPEN);
	ck_assert_int_eq(s->state, SS_CLOSED);
	ck_assert_str_eq(model_str(m, s->user, NULL), "zed");
	ck_assert_str_eq(model_str(m, s->ip, NULL), "3.3.3.3");
	ck_assert_int_eq(s->start, 0);
	ck_assert_uint_eq(s->bytes_read, 100);
	/* never closed: stays open, user unknown */
	ck_assert_int_eq(model_session(m, 1)->state, SS_OPEN);
	ck_assert_uint_eq(model_session(m, 1)->user, 0);
	model_free(m);
}
END_TEST

START_TEST(test_failures)
{
	struct model *m = tu_model(
		"Nov 24 11:00:01 h internal-sftp[9]: session opened for local user u from [1.1.1.1]\n"
		"Nov 24 11:00:02 h internal-sftp[9]: remove name \"/missing\"\n"
		"Nov 24 11:00:02 h internal-sftp[9]: sent status No such file\n"
		"Nov 24 11:00:03 h internal-sftp[9]: remove name \"/locked\"\n"
		"Nov 24 11:00:03 h internal-sftp[9]: sent status Permission denied\n"
		"Nov 24 11:00:04 h internal-sftp[9]: open \"/pub/x\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
		"Nov 24 11:00:04 h internal-sftp[9]: Refusing open request in read-only mode\n"
		"Nov 24 11:00:04 h internal-sftp[9]: sent status Permission denied\n"
		"Nov 24 11:00:05 h internal-sftp[9]: sent status Failure\n"
		"Nov 24 11:00:06 h internal-sftp[77]: sent status Failure\n");
	const struct model_session *s = model_session(m, 0);
	uint32_t ev = s->first_ev;

	ck_assert_uint_eq(model_nsessions(m), 1);
	ck_assert_uint_eq(s->nevents, 3);
	ck_assert_uint_eq(s->nfailures, 3);
	ck_assert_uint_eq(s->ndeletions, 0);
	ck_assert_uint_eq(model_stats(m)->deletions, 0);
	ck_assert(model_event(m, ev)->bits & EV_FAILED);
	ck_assert_int_eq(model_event(m, ev)->dkind, DK_NONE);
	ck_assert_str_eq(model_event_status(m, ev), "No such file");
	ev = model_event(m, ev)->next;
	ck_assert_str_eq(model_event_status(m, ev), "Permission denied");
	ev = model_event(m, ev)->next;
	ck_assert_int_eq(model_event(m, ev)->op, OP_OPEN);
	ck_assert_str_eq(model_event_status(m, ev), "Permission denied");
	/* a status after the request already got one, and one for a pid with no session */
	ck_assert_uint_eq(model_stats(m)->orphan_status, 2);
	model_free(m);
}
END_TEST

static const char kinds[] =
	"Nov 24 11:00:01 h internal-sftp[5]: session opened for local user u from [1.1.1.1]\n"
	/* upload a, then overwrite it with a truncating open: overwritten */
	"Nov 24 11:00:01 h internal-sftp[5]: open \"/a\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
	"Nov 24 11:00:01 h internal-sftp[5]: close \"/a\" bytes read 0 written 5\n"
	"Nov 24 11:00:02 h internal-sftp[5]: open \"/a\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
	"Nov 24 11:00:02 h internal-sftp[5]: close \"/a\" bytes read 0 written 6\n"
	/* an unknown file opened with TRUNCATE: not known to exist, not destructive */
	"Nov 24 11:00:03 h internal-sftp[5]: open \"/new\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
	/* b uploaded, then posix-renamed onto a: replaced */
	"Nov 24 11:00:04 h internal-sftp[5]: open \"/b\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
	"Nov 24 11:00:04 h internal-sftp[5]: close \"/b\" bytes read 0 written 7\n"
	"Nov 24 11:00:05 h internal-sftp[5]: posix-rename old \"/b\" new \"/a\"\n"
	/* plain rename onto an existing file fails in OpenSSH: not destructive */
	"Nov 24 11:00:06 h internal-sftp[5]: stat name \"/c\"\n"
	"Nov 24 11:00:06 h internal-sftp[5]: rename old \"/c\" new \"/a\"\n"
	"Nov 24 11:00:06 h internal-sftp[5]: sent status Failure\n"
	/* set size 0: truncated; set size 10 is not */
	"Nov 24 11:00:07 h internal-sftp[5]: set \"/a\" size 10\n"
	"Nov 24 11:00:07 h internal-sftp[5]: set \"/a\" size 0\n"
	/* rmdir, and remove */
	"Nov 24 11:00:08 h internal-sftp[5]: mkdir name \"/d\" mode 0755\n"
	"Nov 24 11:00:08 h internal-sftp[5]: rmdir name \"/d\"\n"
	"Nov 24 11:00:09 h internal-sftp[5]: remove name \"/a\"\n"
	/* a failed posix-rename onto an existing file is not a deletion either */
	"Nov 24 11:00:09 h internal-sftp[5]: open \"/e\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
	"Nov 24 11:00:09 h internal-sftp[5]: close \"/e\" bytes read 0 written 1\n"
	"Nov 24 11:00:09 h internal-sftp[5]: posix-rename old \"/zz\" new \"/e\"\n"
	"Nov 24 11:00:09 h internal-sftp[5]: sent status No such file\n";

START_TEST(test_destructive_kinds)
{
	struct model *m = tu_model(kinds);
	enum destr_kind want[] = { DK_NONE, DK_NONE, DK_OVERWRITTEN, DK_NONE, DK_NONE, DK_NONE, DK_NONE,
	                           DK_REPLACED, DK_NONE, DK_NONE, DK_NONE, DK_TRUNCATED, DK_NONE, DK_RMDIR,
	                           DK_REMOVE, DK_NONE, DK_NONE, DK_NONE };
	size_t i = 0;

	for (uint32_t ev = model_session(m, 0)->first_ev; ev != MODEL_NONE; ev = model_event(m, ev)->next, i++) {
		ck_assert_msg(i < sizeof(want) / sizeof(want[0]), "too many events");
		ck_assert_msg(model_event(m, ev)->dkind == want[i], "event %zu (%s %s): kind %d, want %d", i,
		              parse_op_name(model_event(m, ev)->op), model_event_path(m, ev, NULL),
		              model_event(m, ev)->dkind, want[i]);
	}
	ck_assert_uint_eq(i, sizeof(want) / sizeof(want[0]));
	ck_assert_uint_eq(model_session(m, 0)->ndeletions, 5);
	ck_assert_uint_eq(model_stats(m)->deletions, 5);
	model_free(m);
}
END_TEST

START_TEST(test_timeline_renames)
{
	struct model *m = tu_model(
		"Nov 24 11:00:01 h internal-sftp[1]: session opened for local user up from [1.1.1.1]\n"
		"Nov 24 11:00:01 h internal-sftp[1]: open \"/r.pdf.filepart\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
		"Nov 24 11:00:02 h internal-sftp[1]: close \"/r.pdf.filepart\" bytes read 0 written 9\n"
		"Nov 24 11:00:02 h internal-sftp[1]: posix-rename old \"/r.pdf.filepart\" new \"/r.pdf\"\n"
		"Nov 24 11:00:03 h internal-sftp[1]: session closed for local user up from [1.1.1.1]\n"
		"Nov 24 11:00:04 h internal-sftp[2]: session opened for local user rm from [2.2.2.2]\n"
		"Nov 24 11:00:05 h internal-sftp[2]: rename old \"/r.pdf\" new \"/old/r.pdf\"\n"
		"Nov 24 11:00:06 h internal-sftp[2]: remove name \"/old/r.pdf\"\n"
		"Nov 24 11:00:07 h internal-sftp[2]: open \"/r.pdf.filepart\" flags READ mode 0666\n"
		"Nov 24 11:00:07 h internal-sftp[2]: sent status No such file\n");
	str_id host = strtab_find(model_cstrings(m), "h", 1);
	uint32_t f = model_find_file(m, host, "/r.pdf", 6), *tl = NULL;
	size_t cap = 0, n;

	ck_assert_uint_ne(f, MODEL_NONE);
	/* /r.pdf: the upload under its temporary name, both renames and the removal under its last name */
	n = model_timeline(m, f, &tl, &cap);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(model_event(m, tl[0])->op, OP_OPEN);
	ck_assert_int_eq(model_event(m, tl[2])->op, OP_POSIX_RENAME);
	ck_assert_int_eq(model_event(m, tl[3])->op, OP_RENAME);
	ck_assert_int_eq(model_event(m, tl[4])->op, OP_REMOVE);
	/* /old/r.pdf: same history */
	f = model_find_file(m, host, "/old/r.pdf", 10);
	ck_assert_uint_eq(model_timeline(m, f, &tl, &cap), 5);
	/* /r.pdf.filepart: its own later failed open belongs to a new file under that name */
	f = model_find_file(m, host, "/r.pdf.filepart", 15);
	n = model_timeline(m, f, &tl, &cap);
	ck_assert_uint_eq(n, 6);
	ck_assert_int_eq(model_event(m, tl[5])->op, OP_OPEN);
	ck_assert(model_event(m, tl[5])->bits & EV_FAILED);
	free(tl);
	model_free(m);
}
END_TEST

START_TEST(test_chroot)
{
	const char *rules[] = { "bob=/data/%u/files", "/srv/jails/%u" };
	struct model_opts mo = { rules, 2 };
	struct model *m = tu_model_opts(
		"Nov 24 11:00:01 h internal-sftp[1]: session opened for local user alice from [1.1.1.1]\n"
		"Nov 24 11:00:02 h internal-sftp[1]: remove name \"/upload/a\"\n"
		"Nov 24 11:00:02 h internal-sftp[1]: stat name \"relative\"\n"
		"Nov 24 11:00:03 h internal-sftp[2]: session opened for local user bob from [1.1.1.1]\n"
		"Nov 24 11:00:04 h internal-sftp[2]: posix-rename old \"/x\" new \"/y\"\n"
		"Nov 24 11:00:05 h internal-sftp[3]: remove name \"/unknown-user\"\n",
		&mo, NULL);
	uint32_t ev = model_session(m, 0)->first_ev;

	ck_assert_str_eq(model_event_path(m, ev, NULL), "/srv/jails/alice/upload/a");
	ck_assert_str_eq(model_event_path(m, model_event(m, ev)->next, NULL), "relative");
	ev = model_session(m, 1)->first_ev;
	ck_assert_str_eq(model_event_path(m, ev, NULL), "/data/bob/files/x");
	ck_assert_str_eq(model_event_to(m, ev, NULL), "/data/bob/files/y");
	ck_assert_str_eq(model_event_path(m, model_session(m, 2)->first_ev, NULL), "/unknown-user");
	model_free(m);
}
END_TEST

START_TEST(test_repeat_and_noise)
{
	struct model *m = tu_model(
		"Nov 24 11:00:01 h internal-sftp[1]: session opened for local user u from [1.1.1.1]\n"
		"Nov 24 11:00:01 h internal-sftp[1]: received client version 3\n"
		"Nov 24 11:00:01 h internal-sftp[1]: Refusing hardlink request in read-only mode\n"
		"Nov 24 11:00:02 h internal-sftp[1]: stat name \"/s\"\n"
		"Nov 24 11:00:03 h internal-sftp[1]: message repeated 4 times: [ stat name \"/s\"]\n"
		"Nov 24 11:00:04 h internal-sftp[1]: debug1: request 3: read \"/x\" (handle 0) off 0 len 32768\n"
		"Nov 24 11:00:05 h CRON[4]: (root) CMD (true)\n"
		"not a log line\n"
		"\n");
	const struct model_stats *st = model_stats(m);
	uint32_t ev = model_session(m, 0)->first_ev;

	ck_assert_uint_eq(model_session(m, 0)->nevents, 7);
	ck_assert(model_event(m, ev)->bits & EV_NOISE);            /* version */
	ev = model_event(m, ev)->next;
	ck_assert(model_event(m, ev)->bits & EV_INIT);             /* refusal while answering INIT */
	ck_assert_uint_eq(model_session(m, 0)->nfiles, 0);        /* stat is navigation, not a touch */
	ck_assert_uint_eq(st->lines, 9);
	ck_assert_uint_eq(st->sftp_lines, 6);
	ck_assert_uint_eq(st->debug_lines, 1);
	ck_assert_uint_eq(st->foreign_lines, 1);
	ck_assert_uint_eq(st->unparsed_lines, 1);
	ck_assert_uint_eq(st->blank_lines, 1);
	ck_assert_uint_eq(model_unparsed_count(m), 1);
	ck_assert_str_eq(model_unparsed(m, 0, NULL, NULL), "not a log line");
	model_free(m);
}
END_TEST

START_TEST(test_since)
{
	struct ingest_opts io = { .year = 2026, .has_since = true, .since = ltime_make(2026, 11, 24, 12, 0, 0, 0) };
	struct model *m = tu_model_opts(
		"Nov 24 11:00:01 h internal-sftp[1]: session opened for local user early from [1.1.1.1]\n"
		"Nov 24 11:00:02 h internal-sftp[1]: remove name \"/before\"\n"
		"Nov 24 12:00:02 h internal-sftp[1]: remove name \"/after\"\n"
		"Nov 24 12:00:03 h internal-sftp[1]: session closed for local user early from [1.1.1.1]\n",
		NULL, &io);
	const struct model_session *s = model_session(m, 0);

	ck_assert_uint_eq(model_nsessions(m), 1);
	ck_assert_str_eq(model_str(m, s->user, NULL), "early");
	ck_assert(!(s->flags & SF_NO_OPEN));
	ck_assert_uint_eq(s->nevents, 1);
	ck_assert_str_eq(model_event_path(m, s->first_ev, NULL), "/after");
	ck_assert_uint_eq(model_stats(m)->lines, 4);
	model_free(m);
}
END_TEST

START_TEST(test_year)
{
	struct model *m = model_new(NULL);
	struct ingest *in = ingest_new(m, NULL);
	const char *text =
		"Dec 31 23:59:58 h internal-sftp[1]: realpath \"a\"\n"
		"Jan  1 00:00:01 h internal-sftp[1]: realpath \"b\"\n"
		"Feb 29 00:00:01 h internal-sftp[1]: realpath \"c\"\n";
	int y, mo, d, hh, mi, ss, us;

	/* the file was last written on 2027-03-01: Dec 31 is 2026, Jan 1 2027, Feb 29 2024 (2027 has none) */
	ingest_set_reference(in, ltime_make(2027, 3, 1, 0, 0, 0, 0));
	ingest_buffer(in, text, strlen(text), true);
	ltime_split(model_event_time(model_event(m, 0)), &y, &mo, &d, &hh, &mi, &ss, &us);
	ck_assert_int_eq(y, 2026);
	ltime_split(model_event_time(model_event(m, 1)), &y, &mo, &d, &hh, &mi, &ss, &us);
	ck_assert_int_eq(y, 2027);
	ltime_split(model_event_time(model_event(m, 2)), &y, &mo, &d, &hh, &mi, &ss, &us);
	ck_assert_int_eq(y, 2024);
	ck_assert_int_eq(mo, 2);
	ck_assert_int_eq(d, 29);
	ingest_free(in);
	model_free(m);
}
END_TEST

START_TEST(test_ambiguous)
{
	struct model *m = tu_model(
		"Nov 24 11:00:01 h internal-sftp[1]: open \"/x\" new \"/y\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
		"Nov 24 11:00:01 h internal-sftp[1]: close \"/x\" new \"/y\" bytes read 0 written 3\n"
		"Nov 24 11:00:02 h internal-sftp[1]: posix-rename old \"/x\" new \"/y\" new \"/etc/passwd\"\n"
		"Nov 24 11:00:03 h internal-sftp[1]: posix-rename old \"/p\" new \"/q\" new \"/r\"\n");
	uint32_t ev = tu_find_op(m, 0, OP_POSIX_RENAME);

	/* the old name is the file known to exist */
	ck_assert_str_eq(model_event_path(m, ev, NULL), "/x\" new \"/y");
	ck_assert_str_eq(model_event_to(m, ev, NULL), "/etc/passwd");
	ck_assert(model_event(m, ev)->bits & EV_AMBIGUOUS);
	/* nothing known: the last split, still flagged */
	ev = model_event(m, ev)->next;
	ck_assert_str_eq(model_event_path(m, ev, NULL), "/p\" new \"/q");
	ck_assert(model_event(m, ev)->bits & EV_AMBIGUOUS);
	model_free(m);
}
END_TEST

static int hook_events, hook_status, hook_sess[4];
static void on_event(void *ctx, uint32_t ev) { (void)ctx; (void)ev; hook_events++; }
static void on_status(void *ctx, uint32_t ev) { (void)ctx; (void)ev; hook_status++; }
static void on_session(void *ctx, uint32_t s, enum model_change what) { (void)ctx; (void)s; hook_sess[what]++; }

START_TEST(test_hooks)
{
	struct model *m = model_new(NULL);
	struct ingest_opts io = { .year = 2026 };
	struct ingest *in = ingest_new(m, &io);
	struct model_hooks h = { on_event, on_status, on_session, NULL, NULL };

	model_set_hooks(m, &h);
	ingest_buffer(in, kinds, strlen(kinds), true);
	ingest_buffer(in, example, strlen(example), true);
	ck_assert_int_eq(hook_events, (int)model_stats(m)->events);
	ck_assert_int_eq(hook_status, 2);
	ck_assert_int_eq(hook_sess[MC_OPENED], 2);
	ck_assert_int_eq(hook_sess[MC_CLOSED], 1);
	model_mark_lost(m, 0);
	ck_assert_int_eq(hook_sess[MC_LOST], 1);
	ck_assert_int_eq(model_session(m, 0)->state, SS_LOST);
	ingest_free(in);
	model_free(m);
}
END_TEST

/* Lines of text whose tag has one of the pids in keep. */
static char *only_pids(const char *text, const char *const *keep, size_t n)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	const char *p = text;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
		for (size_t i = 0; i < n; i++)
			if (memmem(p, len, keep[i], strlen(keep[i])) != NULL) {
				memcpy(o, p, len);
				o += len;
				break;
			}
		p += len;
	}
	*o = '\0';
	return out;
}

/* The session objects of a JSON report (everything but the summary line). */
static char *sessions_json(const struct model *m)
{
	char *out = tu_report(m, NULL, RF_JSON);
	size_t cut = strcspn(out, "\x01");
	const char *sum = strstr(out, "{\"type\":\"summary\"");

	if (sum != NULL)
		cut = (size_t)(sum - out);
	out[cut] = '\0';
	return out;
}

START_TEST(test_keep)
{
	char *text = tu_slurp("sample-logs/busy-day.log");
	const char *pids[] = { "[6200]:", "[8800]:" };
	char *part, *a, *b;
	struct model *full, *kept;

	ck_assert_ptr_nonnull(text);
	full = tu_model(text);
	{
		/* a day kept: no line is old enough to leave it (known without a scan, the
		 * sshd and CRON lines among them notwithstanding) */
		struct model *day = tu_model(text);
		model_set_keep(day, 24 * 3600 * LTIME_US_PER_SEC);
		ck_assert_uint_gt(model_stats(day)->foreign_lines, 0);
		ck_assert(!model_maybe_compact(day, true));
		ck_assert_uint_eq(model_stats(day)->retention_scans, 0);
		ck_assert_uint_eq(model_nsessions(day), 12);
		model_free(day);
	}
	/* the day ends at 18:15; with two hours kept only the two sessions never closed stay */
	model_set_keep(full, 2 * 3600 * LTIME_US_PER_SEC);
	ck_assert(model_maybe_compact(full, false));
	ck_assert_uint_eq(model_stats(full)->retention_scans, 1);
	ck_assert_uint_eq(model_nsessions(full), 2);
	ck_assert_uint_eq(model_stats(full)->dropped_sessions, 10);
	ck_assert_uint_eq(model_generation(full), 1);
	ck_assert_uint_eq(model_remap_session(full, 0), MODEL_NONE);
	part = only_pids(text, pids, 2);
	kept = tu_model(part);
	a = sessions_json(full);
	b = sessions_json(kept);
	ck_assert_str_eq(a, b);
	ck_assert_uint_eq(model_nevents(full), model_nevents(kept));
	/* files known to exist stay known after their sessions go */
	ck_assert_uint_ge(model_nfiles(full), model_nfiles(kept));
	/* nothing more to drop */
	ck_assert(!model_maybe_compact(full, false));
	/* and it goes on taking lines: a new session, and a line of one that was kept */
	{
		struct ingest_opts io = { .year = 2026 };
		struct ingest *in = ingest_new(full, &io);
		const char *more =
			"Nov 24 18:20:00 sftp2 internal-sftp[8800]: remove name \"/data/results.tar.gz\"\n"
			"Nov 24 18:21:00 sftp1 internal-sftp[9999]: session opened for local user z from [1.2.3.4]\n";
		ingest_buffer(in, more, strlen(more), true);
		ingest_free(in);
	}
	ck_assert_uint_eq(model_nsessions(full), 3);
	ck_assert_uint_eq(model_session(full, 1)->ndeletions, 1);
	ck_assert_int_eq(model_event(full, model_session(full, 1)->last_ev)->dkind, DK_REMOVE);
	/* a session logged out of order, hours before the window: the next compaction drops it */
	{
		struct ingest_opts io = { .year = 2026 };
		struct ingest *in = ingest_new(full, &io);
		const char *late =
			"Nov 24 06:00:00 sftp1 internal-sftp[7777]: session opened for local user old from [1.2.3.5]\n"
			"Nov 24 06:00:01 sftp1 internal-sftp[7777]: session closed for local user old from [1.2.3.5]\n";
		ingest_buffer(in, late, strlen(late), true);
		ingest_free(in);
	}
	ck_assert_uint_eq(model_nsessions(full), 4);
	ck_assert(model_maybe_compact(full, true));
	ck_assert_uint_eq(model_nsessions(full), 3);
	free(a);
	free(b);
	free(part);
	free(text);
	model_free(full);
	model_free(kept);
}
END_TEST

/* The span of a session's destructive events: what --deletions walks instead of every event. */
START_TEST(test_deletion_span)
{
	const char *text =
		"Nov 24 10:00:00 h internal-sftp[1]: session opened for local user a from [10.0.0.1]\n"
		"Nov 24 10:00:00 h internal-sftp[2]: session opened for local user b from [10.0.0.2]\n"
		"Nov 24 10:00:01 h internal-sftp[1]: open \"/a/x\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
		"Nov 24 10:00:01 h internal-sftp[1]: close \"/a/x\" bytes read 0 written 5\n"
		"Nov 24 10:00:02 h internal-sftp[1]: remove name \"/a/locked\"\n"
		"Nov 24 10:00:02 h internal-sftp[1]: sent status Permission denied\n"
		"Nov 24 10:00:03 h internal-sftp[2]: remove name \"/b/one\"\n"
		"Nov 24 10:00:04 h internal-sftp[1]: stat name \"/a/x\"\n"
		"Nov 24 10:00:05 h internal-sftp[1]: remove name \"/a/x\"\n"
		"Nov 24 10:00:06 h internal-sftp[1]: stat name \"/a/y\"\n"
		"Nov 24 10:00:07 h internal-sftp[2]: stat name \"/b\"\n"
		"Nov 24 10:00:08 h internal-sftp[1]: remove name \"/a/denied\"\n"
		"Nov 24 10:00:08 h internal-sftp[1]: sent status Permission denied\n"
		"Nov 24 10:00:09 h internal-sftp[1]: session closed for local user a from [10.0.0.1]\n"
		"Nov 24 10:00:09 h internal-sftp[3]: session opened for local user c from [10.0.0.3]\n"
		"Nov 24 10:00:10 h internal-sftp[3]: stat name \"/c\"\n";
	struct model *m = tu_model(text);
	const struct model_session *a = model_session(m, 0), *b = model_session(m, 1), *c = model_session(m, 2);
	struct filter f;
	uint32_t first, last;
	char *out;

	/* a: the failed removes were destructive until their status came; the bounds keep them */
	ck_assert_uint_eq(a->ndeletions, 1);
	ck_assert_uint_eq(model_event(m, a->first_del)->dkind, DK_NONE);
	ck_assert_uint_eq(model_event(m, a->last_del)->dkind, DK_NONE);
	ck_assert_uint_lt(a->first_del, a->last_del);
	ck_assert_uint_eq(b->first_del, b->last_del);
	ck_assert_uint_eq(model_event(m, b->first_del)->dkind, DK_REMOVE);
	ck_assert_uint_eq(c->first_del, MODEL_NONE);
	filter_init(&f);
	filter_event_span(m, &f, 0, &first, &last);
	ck_assert_uint_eq(first, a->first_ev);
	ck_assert_uint_eq(last, a->last_ev);
	filter_event_span(m, NULL, 2, &first, &last);
	ck_assert_uint_eq(first, c->first_ev);
	f.deletions = true;
	filter_event_span(m, &f, 0, &first, &last);
	ck_assert_uint_eq(first, a->first_del);
	ck_assert_uint_eq(last, a->last_del);
	ck_assert(filter_session_shown(m, &f, 0));
	ck_assert(filter_session_shown(m, &f, 1));
	ck_assert(!filter_session_shown(m, &f, 2));
	/* the report: only the one removal that stood, and b's */
	out = tu_report(m, &f, RF_CSV);
	ck_assert_str_eq(out, "time,host,pid,user,ip,op,path,to,bytes_read,bytes_written,status,destructive\r\n"
	                      "2026-11-24T10:00:05,h,1,a,10.0.0.1,remove,/a/x,,,,ok,remove\r\n"
	                      "2026-11-24T10:00:03,h,2,b,10.0.0.2,remove,/b/one,,,,ok,remove\r\n");
	free(out);
	/* after a compaction that drops a, b's bounds still name its removal */
	model_set_keep(m, 60 * LTIME_US_PER_SEC);
	{
		struct ingest_opts io = { .year = 2026 };
		struct ingest *in = ingest_new(m, &io);
		const char *more = "Nov 24 10:05:00 h internal-sftp[3]: remove name \"/c/late\"\n";
		ingest_buffer(in, more, strlen(more), true);
		ingest_free(in);
	}
	ck_assert(model_maybe_compact(m, true));
	ck_assert_uint_eq(model_nsessions(m), 2);
	b = model_session(m, 0);
	c = model_session(m, 1);
	ck_assert_uint_eq(model_event(m, b->first_del)->dkind, DK_REMOVE);
	ck_assert_uint_eq(b->first_del, b->last_del);
	ck_assert_uint_eq(model_event(m, c->last_del)->dkind, DK_REMOVE);
	ck_assert_uint_eq(model_event(m, c->last_del)->sess, 1);
	out = tu_report(m, &f, RF_CSV);
	ck_assert_str_eq(out, "time,host,pid,user,ip,op,path,to,bytes_read,bytes_written,status,destructive\r\n"
	                      "2026-11-24T10:00:03,h,2,b,10.0.0.2,remove,/b/one,,,,ok,remove\r\n"
	                      "2026-11-24T10:05:00,h,3,c,10.0.0.3,remove,/c/late,,,,ok,remove\r\n");
	free(out);
	filter_clear(&f);
	model_free(m);
}
END_TEST

/* A line cut at the 500-byte cap: its names may be prefixes, its attribute gone. */
START_TEST(test_cut_lines)
{
	char text[4096], name[700];
	size_t o = 0;
	struct model *m;

	memset(name, 'x', sizeof(name));
	o += (size_t)snprintf(text + o, sizeof(text) - o,
		"Nov 24 10:00:00 h internal-sftp[1]: open \"/data/report.pdf\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
		"Nov 24 10:00:00 h internal-sftp[1]: close \"/data/report.pdf\" bytes read 0 written 5\n");
	/* set ... mode, cut before "mode": not a truncation */
	o += (size_t)snprintf(text + o, sizeof(text) - o, "Nov 24 10:00:01 h internal-sftp[1]: set \"/up/%.494s\n", name);
	/* a rename whose new name, cut, reads as an existing file: not a replacement */
	o += (size_t)snprintf(text + o, sizeof(text) - o,
		"Nov 24 10:00:02 h internal-sftp[1]: rename old \"/up/%.462s\" new \"/data/report.pdf\n", name);
	m = tu_model(text);
	ck_assert_uint_eq(model_nevents(m), 4);
	const struct model_event *e = model_event(m, 2);
	ck_assert(e->bits & EV_TRUNCATED);
	ck_assert_int_eq(model_event_set_attr(e), SET_UNKNOWN);
	ck_assert_int_eq(e->dkind, DK_NONE);
	e = model_event(m, 3);
	ck_assert_int_eq(e->op, OP_RENAME);
	ck_assert(e->bits & EV_TRUNCATED);
	ck_assert_int_eq(e->dkind, DK_NONE);
	ck_assert_uint_eq(model_stats(m)->deletions, 0);
	model_free(m);
}
END_TEST

/* The same ambiguous rename twice (rsyslog's repeat): both copies split alike. */
START_TEST(test_resplit_repeat)
{
	struct model *m = tu_model(
		"Nov 24 10:00:00 h internal-sftp[1]: open \"/u/a\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
		"Nov 24 10:00:00 h internal-sftp[1]: close \"/u/a\" bytes read 0 written 1\n"
		"Nov 24 10:00:01 h internal-sftp[1]: message repeated 2 times: [ rename old \"/u/a\" new \"b\" new \"/u/c\"]\n");
	uint32_t ev = tu_find_op(m, 0, OP_RENAME);
	char both[64];

	/* the first: the old name is the file that exists */
	ck_assert_str_eq(model_event_path(m, ev, NULL), "/u/a");
	ck_assert_str_eq(model_event_to(m, ev, NULL), "b\" new \"/u/c");
	/* the second (the first moved /u/a away): any split, but of the same text, not of bytes it overwrote */
	ev = model_event(m, ev)->next;
	ck_assert_int_eq(model_event(m, ev)->op, OP_RENAME);
	snprintf(both, sizeof(both), "%s\" new \"%s", model_event_path(m, ev, NULL), model_event_to(m, ev, NULL));
	ck_assert_str_eq(both, "/u/a\" new \"b\" new \"/u/c");
	model_free(m);
}
END_TEST

/* Refusals right after the handshake: extensions are the server's; a request's refusal gets its status. */
START_TEST(test_init_refusals)
{
	struct model *m = tu_model(
		"Nov 24 10:00:00 h internal-sftp[1]: session opened for local user u from [1.1.1.1]\n"
		"Nov 24 10:00:00 h internal-sftp[1]: received client version 3\n"
		"Nov 24 10:00:00 h internal-sftp[1]: Refusing posix-rename request in read-only mode\n"
		"Nov 24 10:00:00 h internal-sftp[1]: Refusing hardlink request in read-only mode\n"
		"Nov 24 10:00:01 h internal-sftp[1]: Refusing remove request in read-only mode\n"
		"Nov 24 10:00:01 h internal-sftp[1]: sent status Permission denied\n"
		"Nov 24 10:00:02 h internal-sftp[2]: received client version 3\n"
		"Nov 24 10:00:02 h internal-sftp[2]: Refusing fsync request in read-only mode\n"
		"Nov 24 10:00:03 h internal-sftp[2]: sent status Permission denied\n");
	uint32_t ev = model_session(m, 0)->first_ev;

	ck_assert_int_eq(model_event(m, ev)->op, OP_VERSION);
	ck_assert(!(model_event(m, ev)->bits & EV_FAILED));
	ev = model_event(m, ev)->next;
	ck_assert(model_event(m, ev)->bits & EV_INIT);
	ev = model_event(m, ev)->next;
	ck_assert(model_event(m, ev)->bits & EV_INIT);
	ev = model_event(m, ev)->next;
	ck_assert(!(model_event(m, ev)->bits & EV_INIT));
	ck_assert_str_eq(model_event_status(m, ev), "Permission denied");
	ck_assert_uint_eq(model_session(m, 0)->nfailures, 1);
	/* an extension refused at INIT, then a status: it was the client's request after all */
	ev = model_event(m, model_session(m, 1)->first_ev)->next;
	ck_assert_str_eq(model_event_status(m, ev), "Permission denied");
	ck_assert(!(model_event(m, ev)->bits & EV_INIT));
	model_free(m);
}
END_TEST

/* After the window drops the uploader's session, the file is still known to exist. */
START_TEST(test_keep_exists)
{
	char *text = malloc(1 << 16);
	size_t o = 0;
	struct model *m = model_new(NULL);
	struct ingest_opts io = { .year = 2026, .compact = true };
	struct ingest *in;

	model_set_keep(m, 3600 * LTIME_US_PER_SEC);
	in = ingest_new(m, &io);
	o += (size_t)sprintf(text + o,
		"Nov 24 00:00:00 h internal-sftp[1]: session opened for local user alice from [1.1.1.1]\n"
		"Nov 24 00:00:00 h internal-sftp[1]: open \"/data/report.pdf\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
		"Nov 24 00:00:01 h internal-sftp[1]: close \"/data/report.pdf\" bytes read 0 written 5\n"
		"Nov 24 00:00:02 h internal-sftp[1]: session closed for local user alice from [1.1.1.1]\n"
		"Nov 24 03:00:00 h internal-sftp[2]: session opened for local user mallory from [6.6.6.6]\n");
	for (int i = 0; i < 100; i++)
		o += (size_t)sprintf(text + o, "Nov 24 03:00:01 h internal-sftp[2]: stat name \"/s%d\"\n", i % 10);
	ingest_buffer(in, text, o, true);
	ck_assert(model_maybe_compact(m, true));
	ck_assert_uint_eq(model_stats(m)->dropped_sessions, 1);
	o = (size_t)sprintf(text, "Nov 24 03:00:02 h internal-sftp[2]: posix-rename old \"/tmp/evil\" new \"/data/report.pdf\"\n");
	ingest_buffer(in, text, o, true);
	ck_assert_uint_eq(model_nsessions(m), 1);
	ck_assert_uint_eq(model_session(m, 0)->ndeletions, 1);
	ck_assert_int_eq(model_event(m, model_session(m, 0)->last_ev)->dkind, DK_REPLACED);
	ingest_free(in);
	model_free(m);
	free(text);
}
END_TEST

/*
 * Files touched are counted once per session, also when other sessions
 * touch the same file in between, and after the sessions that closed have
 * been forgotten by the pair set (which happens as it fills: 3,000 sessions
 * hand one file round with a session that stays open).
 */
START_TEST(test_files_touched)
{
	size_t cap = 1 << 21, n = 0;
	char *text = malloc(cap);
	struct model *m;
	enum { OTHERS = 3000 };

	ck_assert_ptr_nonnull(text);
#define ADD(...) do { n += (size_t)snprintf(text + n, cap - n, __VA_ARGS__); ck_assert_uint_lt(n, cap); } while (0)
	ADD("Nov 24 10:00:00 h internal-sftp[1]: session opened for local user a from [1.1.1.1]\n");
	ADD("Nov 24 10:00:00 h internal-sftp[1]: open \"/shared\" flags WRITE,CREATE mode 0644\n");
	ADD("Nov 24 10:00:00 h internal-sftp[2]: session opened for local user b from [1.1.1.2]\n");
	for (int i = 0; i < OTHERS; i++) {
		int pid = 100 + i;
		ADD("Nov 24 10:00:01 h internal-sftp[%d]: session opened for local user u%d from [1.1.1.3]\n", pid, i);
		ADD("Nov 24 10:00:01 h internal-sftp[%d]: open \"/shared\" flags WRITE,CREATE mode 0644\n", pid);
		/* b takes it over while the other is open: the pair set must keep both */
		ADD("Nov 24 10:00:01 h internal-sftp[2]: open \"/shared\" flags READ mode 0666\n");
		ADD("Nov 24 10:00:01 h internal-sftp[%d]: open \"/own%d\" flags WRITE,CREATE mode 0644\n", pid, i);
		ADD("Nov 24 10:00:01 h internal-sftp[%d]: open \"/shared\" flags READ mode 0666\n", pid);
		ADD("Nov 24 10:00:01 h internal-sftp[%d]: session closed for local user u%d from [1.1.1.3]\n", pid, i);
	}
	ADD("Nov 24 10:00:02 h internal-sftp[1]: open \"/shared\" flags READ mode 0666\n");
	ADD("Nov 24 10:00:02 h internal-sftp[1]: open \"/a2\" flags WRITE,CREATE mode 0644\n");
	ADD("Nov 24 10:00:02 h internal-sftp[2]: open \"/b2\" flags WRITE,CREATE mode 0644\n");
#undef ADD
	m = tu_model(text);
	ck_assert_uint_eq(model_nsessions(m), 2 + OTHERS);
	ck_assert_uint_eq(model_session(m, 0)->nfiles, 2);   /* /shared (three times) and /a2 */
	ck_assert_uint_eq(model_session(m, 1)->nfiles, 2);   /* /shared (3,000 times) and /b2 */
	for (uint32_t s = 2; s < model_nsessions(m); s++)
		ck_assert_uint_eq(model_session(m, s)->nfiles, 2);
	model_free(m);
	free(text);
}
END_TEST

/*
 * One path on several hosts is one file per host: a path's string keeps its
 * first file and the key table the others, also after a compaction has
 * dropped the first one.
 */
START_TEST(test_hosts_one_path)
{
	char text[4096];
	size_t o = 0;
	struct model *m = model_new(NULL);
	struct ingest_opts io = { .year = 2026, .compact = true };
	struct ingest *in;
	const struct strtab *st;
	uint32_t fa, fb, fc;

	model_set_keep(m, 3600 * LTIME_US_PER_SEC);
	in = ingest_new(m, &io);
	o += (size_t)sprintf(text + o,
		"Nov 24 00:00:00 a internal-sftp[1]: session opened for local user u from [1.1.1.1]\n"
		"Nov 24 00:00:01 a internal-sftp[1]: open \"/x\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
		"Nov 24 00:00:02 a internal-sftp[1]: close \"/x\" bytes read 0 written 5\n"
		"Nov 24 00:00:03 b internal-sftp[1]: session opened for local user u from [1.1.1.1]\n"
		"Nov 24 00:00:04 b internal-sftp[1]: open \"/x\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
		"Nov 24 00:00:05 c internal-sftp[2]: session opened for local user u from [1.1.1.1]\n"
		"Nov 24 00:00:06 c internal-sftp[2]: stat name \"/x\"\n"
		"Nov 24 00:00:07 a internal-sftp[1]: open \"/x\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
		"Nov 24 00:00:08 a internal-sftp[1]: remove name \"/x\"\n"
		"Nov 24 00:00:09 a internal-sftp[1]: session closed for local user u from [1.1.1.1]\n");
	ingest_buffer(in, text, o, true);
	st = model_cstrings(m);
	fa = model_find_file(m, strtab_find(st, "a", 1), "/x", 2);
	fb = model_find_file(m, strtab_find(st, "b", 1), "/x", 2);
	fc = model_find_file(m, strtab_find(st, "c", 1), "/x", 2);
	ck_assert_uint_eq(model_nfiles(m), 3);
	ck_assert(fa != MODEL_NONE && fb != MODEL_NONE && fc != MODEL_NONE && fa != fb && fb != fc && fa != fc);
	ck_assert_uint_eq(model_file(m, fa)->nevents, 4);
	ck_assert_uint_eq(model_file(m, fa)->ndeletions, 2);   /* its own upload overwritten, then removed */
	ck_assert_uint_eq(model_file(m, fb)->ndeletions, 0);   /* b's /x was not known to exist */
	ck_assert_uint_eq(model_file(m, fc)->nevents, 1);

	/* hours later: a's session (and a's removed /x with it) leaves the window, b's and c's go on */
	o = (size_t)sprintf(text, "Nov 24 03:00:00 b internal-sftp[1]: stat name \"/y\"\n");
	ingest_buffer(in, text, o, true);
	ck_assert(model_maybe_compact(m, true));
	ck_assert_uint_eq(model_nfiles(m), 3);   /* /x on b and c, /y on b */
	st = model_cstrings(m);
	ck_assert_uint_eq(model_find_file(m, strtab_find(st, "a", 1), "/x", 2), MODEL_NONE);
	fb = model_find_file(m, strtab_find(st, "b", 1), "/x", 2);
	fc = model_find_file(m, strtab_find(st, "c", 1), "/x", 2);
	ck_assert(fb != MODEL_NONE && fc != MODEL_NONE && fb != fc);
	o = (size_t)sprintf(text,
		"Nov 24 03:00:01 c internal-sftp[2]: remove name \"/x\"\n"
		"Nov 24 03:00:02 b internal-sftp[1]: open \"/x\" flags WRITE,TRUNCATE mode 0644\n"
		"Nov 24 03:00:03 a internal-sftp[9]: stat name \"/x\"\n");
	ingest_buffer(in, text, o, true);
	ck_assert_uint_eq(model_nfiles(m), 4);   /* only a's /x is new */
	ck_assert_uint_eq(model_file(m, fc)->ndeletions, 1);
	ck_assert_uint_eq(model_file(m, fc)->nevents, 2);
	ck_assert_uint_eq(model_file(m, fb)->ndeletions, 1);   /* b's /x existed: overwritten */
	ck_assert_uint_eq(model_file(m, fb)->nevents, 2);
	ingest_free(in);
	model_free(m);
}
END_TEST

Suite *suite_model(void);
Suite *suite_model(void)
{
	Suite *s = suite_create("model");
	struct { const char *name; const TTest *t; } cases[] = {
		{ "example", test_example }, { "pid reuse", test_pid_reuse }, { "missing open", test_missing_open },
		{ "failures", test_failures }, { "destructive kinds", test_destructive_kinds },
		{ "timeline", test_timeline_renames }, { "chroot", test_chroot }, { "repeat and noise", test_repeat_and_noise },
		{ "since", test_since }, { "year", test_year }, { "ambiguous", test_ambiguous }, { "hooks", test_hooks }, { "keep", test_keep },
		{ "cut lines", test_cut_lines }, { "resplit repeat", test_resplit_repeat },
		{ "init refusals", test_init_refusals }, { "keep exists", test_keep_exists },
		{ "deletion span", test_deletion_span },
		{ "files touched", test_files_touched }, { "hosts one path", test_hosts_one_path },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TCase *tc = tcase_create(cases[i].name);
		tcase_add_test(tc, cases[i].t);
		suite_add_tcase(s, tc);
	}
	return s;
}
