/*
 * Check tests for the UI's view models (src/vm.c), without curses: models
 * are built from real-shaped log lines through ingest, then the lists are
 * sorted, filtered, updated incrementally and compared with a full rebuild.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "ingest.h"
#include "model.h"
#include "vm.h"

struct fx {
	struct model *m;
	struct ingest *in;
};

static void fx_open(struct fx *f)
{
	struct ingest_opts io = { .year = 2026 };

	f->m = model_new(NULL);
	f->in = ingest_new(f->m, &io);
}

static void fx_close(struct fx *f)
{
	ingest_free(f->in);
	model_free(f->m);
}

static void feed(struct fx *f, const char *text)
{
	size_t used = ingest_buffer(f->in, text, strlen(text), true);

	ck_assert_uint_eq(used, strlen(text));
}

/* Three sessions: alice (closed, deleted a file), bob (still open), carol (closed, failure). */
static const char *const three =
	"Nov 24 10:00:00 h1 internal-sftp[100]: session opened for local user alice from [10.0.0.1]\n"
	"Nov 24 10:00:01 h1 internal-sftp[100]: open \"/up/a.txt\" flags WRITE,CREATE,TRUNCATE mode 0644\n"
	"Nov 24 10:00:02 h1 internal-sftp[100]: close \"/up/a.txt\" bytes read 0 written 12\n"
	"Nov 24 10:00:03 h1 internal-sftp[100]: rename old \"/up/a.txt\" new \"/up/b.txt\"\n"
	"Nov 24 10:00:04 h1 internal-sftp[100]: remove name \"/up/b.txt\"\n"
	"Nov 24 10:00:05 h1 internal-sftp[100]: session closed for local user alice from [10.0.0.1]\n"
	"Nov 24 10:01:00 h1 internal-sftp[200]: session opened for local user bob from [10.0.0.2]\n"
	"Nov 24 10:01:01 h1 internal-sftp[200]: open \"/up/c.txt\" flags READ mode 0666\n"
	"Nov 24 10:01:02 h1 internal-sftp[200]: close \"/up/c.txt\" bytes read 2048 written 0\n"
	"Nov 24 10:02:00 h2 internal-sftp[300]: session opened for local user carol from [10.0.0.3]\n"
	"Nov 24 10:02:01 h2 internal-sftp[300]: remove name \"/up/missing\"\n"
	"Nov 24 10:02:01 h2 internal-sftp[300]: sent status No such file\n"
	"Nov 24 10:02:02 h2 internal-sftp[300]: session closed for local user carol from [10.0.0.3]\n";

static const char *user_of(struct fx *f, uint32_t sess)
{
	return model_str(f->m, model_session(f->m, sess)->user, NULL);
}

START_TEST(test_sort_default_live_first)
{
	struct fx f;
	struct vm_sessions v;

	fx_open(&f);
	feed(&f, three);
	vm_sessions_init(&v);
	ck_assert(vm_sessions_update(&v, f.m, NULL));
	ck_assert_uint_eq(v.list.n, 3);
	/* live bob first, then most recent activity: carol, alice */
	ck_assert_str_eq(user_of(&f, v.list.ids[0]), "bob");
	ck_assert_str_eq(user_of(&f, v.list.ids[1]), "carol");
	ck_assert_str_eq(user_of(&f, v.list.ids[2]), "alice");
	vm_sessions_free(&v);
	fx_close(&f);
}
END_TEST

static const struct {
	enum vm_scol col;
	bool invert;
	const char *order[3];
} sort_cases[] = {
	{ VS_USER, false, { "alice", "bob", "carol" } },
	{ VS_USER, true, { "carol", "bob", "alice" } },
	{ VS_PID, false, { "alice", "bob", "carol" } },
	{ VS_START, false, { "carol", "bob", "alice" } },
	{ VS_UP, false, { "alice", "carol", "bob" } },
	{ VS_DOWN, false, { "bob", "carol", "alice" } },
	{ VS_DELS, false, { "alice", "carol", "bob" } },
	{ VS_FAILS, false, { "carol", "bob", "alice" } },
	{ VS_HOST, false, { "bob", "alice", "carol" } },
};

START_TEST(test_sort_columns)
{
	struct fx f;
	struct vm_sessions v;

	fx_open(&f);
	feed(&f, three);
	vm_sessions_init(&v);
	vm_sessions_update(&v, f.m, NULL);
	vm_sessions_set_sort(&v, sort_cases[_i].col, sort_cases[_i].invert);
	ck_assert(vm_sessions_update(&v, f.m, NULL));
	for (int k = 0; k < 3; k++)
		ck_assert_msg(strcmp(user_of(&f, v.list.ids[k]), sort_cases[_i].order[k]) == 0,
			      "case %d (%s): row %d is %s, want %s", _i, vm_scol_name(sort_cases[_i].col), k,
			      user_of(&f, v.list.ids[k]), sort_cases[_i].order[k]);
	vm_sessions_free(&v);
	fx_close(&f);
}
END_TEST

START_TEST(test_filter_user_and_path)
{
	struct fx f;
	struct vm_sessions v;
	struct filter flt;
	const char *err = NULL;

	fx_open(&f);
	feed(&f, three);
	vm_sessions_init(&v);
	filter_init(&flt);
	ck_assert_int_eq(filter_parse(&flt, "user:bob", 0, &err), 0);
	vm_sessions_update(&v, f.m, &flt);
	ck_assert_uint_eq(v.list.n, 1);
	ck_assert_str_eq(user_of(&f, v.list.ids[0]), "bob");

	filter_clear(&flt);
	ck_assert_int_eq(filter_parse(&flt, "path:/up/b.txt", 0, &err), 0);
	vm_sessions_invalidate(&v);
	vm_sessions_update(&v, f.m, &flt);
	ck_assert_uint_eq(v.list.n, 1);
	ck_assert_str_eq(user_of(&f, v.list.ids[0]), "alice");

	/* a new session of a filtered-out user stays out; a matching one comes in */
	filter_clear(&flt);
	ck_assert_int_eq(filter_parse(&flt, "user:dave", 0, &err), 0);
	vm_sessions_invalidate(&v);
	vm_sessions_update(&v, f.m, &flt);
	ck_assert_uint_eq(v.list.n, 0);
	feed(&f, "Nov 24 10:05:00 h1 internal-sftp[400]: session opened for local user dave from [10.0.0.4]\n"
		 "Nov 24 10:05:00 h1 internal-sftp[401]: session opened for local user erin from [10.0.0.5]\n");
	ck_assert(vm_sessions_update(&v, f.m, &flt));
	ck_assert_uint_eq(v.list.n, 1);
	ck_assert_str_eq(user_of(&f, v.list.ids[0]), "dave");
	filter_clear(&flt);
	vm_sessions_free(&v);
	fx_close(&f);
}
END_TEST

/* The model hooks would do this; the test touches by hand. */
static void touch_all(struct fx *f, struct vm_sessions *v)
{
	for (size_t i = 0; i < model_nsessions(f->m); i++)
		vm_sessions_touch(v, (uint32_t)i);
}

START_TEST(test_cursor_kept_by_id)
{
	struct fx f;
	struct vm_sessions v;
	uint32_t alice;

	fx_open(&f);
	feed(&f, three);
	vm_sessions_init(&v);
	vm_sessions_set_sort(&v, VS_LAST, false);
	vm_sessions_update(&v, f.m, NULL);
	/* put the cursor on alice (last row: oldest activity) */
	vm_list_set(&v.list, 2);
	alice = v.list.cur_id;
	ck_assert_str_eq(user_of(&f, alice), "alice");
	/* two new sessions arrive: they sort above alice, the cursor follows her */
	feed(&f, "Nov 24 10:06:00 h1 internal-sftp[500]: session opened for local user zed from [10.0.0.9]\n"
		 "Nov 24 10:06:01 h1 internal-sftp[501]: session opened for local user yan from [10.0.0.8]\n");
	ck_assert(vm_sessions_update(&v, f.m, NULL));
	ck_assert_uint_eq(v.list.n, 5);
	ck_assert_uint_eq(v.list.cur_id, alice);
	ck_assert_uint_eq(v.list.cur, 4);
	ck_assert_uint_eq(v.list.ids[v.list.cur], alice);
	/* bob becomes active again: moves to the top; the cursor stays on alice */
	feed(&f, "Nov 24 10:07:00 h1 internal-sftp[200]: stat name \"/up\"\n");
	touch_all(&f, &v);
	vm_sessions_update(&v, f.m, NULL);
	ck_assert_str_eq(user_of(&f, v.list.ids[0]), "bob");
	ck_assert_uint_eq(v.list.ids[v.list.cur], alice);
	/* the row under the cursor disappears (filter): the cursor keeps its row index */
	{
		struct filter flt;
		const char *err;

		filter_init(&flt);
		ck_assert_int_eq(filter_parse(&flt, "user:bob", 0, &err), 0);
		vm_sessions_invalidate(&v);
		vm_sessions_update(&v, f.m, &flt);
		ck_assert_uint_eq(v.list.n, 1);
		ck_assert_uint_eq(v.list.cur, 0);
		filter_clear(&flt);
	}
	vm_sessions_free(&v);
	fx_close(&f);
}
END_TEST

START_TEST(test_incremental_equals_full)
{
	struct fx f;
	struct vm_sessions inc, full;
	char line[256];
	unsigned seed = 12345;

	fx_open(&f);
	vm_sessions_init(&inc);
	vm_sessions_init(&full);
	for (int col = 0; col < VS__COUNT; col++) {
		vm_sessions_set_sort(&inc, (enum vm_scol)col, col % 2);
		vm_sessions_update(&inc, f.m, NULL);
		for (int round = 0; round < 20; round++) {
			for (int k = 0; k < 10; k++) {
				unsigned pid = 1000 + (seed = seed * 1103515245 + 12345) % 40;
				int what = (int)((seed >> 8) % 4);

				if (what == 0)
					snprintf(line, sizeof(line),
						 "Nov 24 11:%02d:%02d h%u internal-sftp[%u]: session opened for local user u%u from [10.1.0.%u]\n",
						 round, k, pid % 3, pid, pid % 7, pid % 250);
				else if (what == 1)
					snprintf(line, sizeof(line),
						 "Nov 24 11:%02d:%02d h%u internal-sftp[%u]: close \"/f%u\" bytes read %u written %u\n",
						 round, k, pid % 3, pid, k, seed % 5000, (seed >> 4) % 7000);
				else if (what == 2)
					snprintf(line, sizeof(line),
						 "Nov 24 11:%02d:%02d h%u internal-sftp[%u]: remove name \"/f%u\"\n",
						 round, k, pid % 3, pid, k);
				else
					snprintf(line, sizeof(line),
						 "Nov 24 11:%02d:%02d h%u internal-sftp[%u]: session closed for local user u%u from [10.1.0.%u]\n",
						 round, k, pid % 3, pid, pid % 7, pid % 250);
				feed(&f, line);
			}
			touch_all(&f, &inc);
			vm_sessions_update(&inc, f.m, NULL);
			vm_sessions_set_sort(&full, (enum vm_scol)col, col % 2);
			vm_sessions_invalidate(&full);
			vm_sessions_update(&full, f.m, NULL);
			ck_assert_uint_eq(inc.list.n, full.list.n);
			for (size_t i = 0; i < full.list.n; i++)
				ck_assert_msg(inc.list.ids[i] == full.list.ids[i], "column %s round %d row %zu differs",
					      vm_scol_name((enum vm_scol)col), round, i);
		}
	}
	vm_sessions_free(&inc);
	vm_sessions_free(&full);
	fx_close(&f);
}
END_TEST

START_TEST(test_deletions_newest_first)
{
	struct fx f;
	struct vm_deletions d;
	struct filter flt;
	const char *err;

	fx_open(&f);
	feed(&f, three);
	vm_deletions_init(&d);
	ck_assert(vm_deletions_update(&d, f.m, NULL));
	/* carol's remove failed: not destructive; alice's remove is */
	ck_assert_uint_eq(d.list.n, 1);
	ck_assert_str_eq(user_of(&f, model_event(f.m, d.list.ids[0])->sess), "alice");
	ck_assert(!vm_deletions_update(&d, f.m, NULL));

	feed(&f, "Nov 24 10:08:00 h1 internal-sftp[200]: remove name \"/up/c.txt\"\n");
	ck_assert(vm_deletions_update(&d, f.m, NULL));
	ck_assert_uint_eq(d.list.n, 2);
	ck_assert_str_eq(user_of(&f, model_event(f.m, d.list.ids[0])->sess), "bob");
	ck_assert_str_eq(user_of(&f, model_event(f.m, d.list.ids[1])->sess), "alice");

	/* a remove that a late "sent status" turns into a failure leaves the list */
	feed(&f, "Nov 24 10:09:00 h1 internal-sftp[200]: remove name \"/up/d.txt\"\n");
	vm_deletions_update(&d, f.m, NULL);
	ck_assert_uint_eq(d.list.n, 3);
	feed(&f, "Nov 24 10:09:00 h1 internal-sftp[200]: sent status Permission denied\n");
	ck_assert(vm_deletions_update(&d, f.m, NULL));
	ck_assert_uint_eq(d.list.n, 2);

	filter_init(&flt);
	ck_assert_int_eq(filter_parse(&flt, "user:alice", 0, &err), 0);
	vm_deletions_invalidate(&d);
	vm_deletions_update(&d, f.m, &flt);
	ck_assert_uint_eq(d.list.n, 1);
	filter_clear(&flt);
	vm_deletions_free(&d);
	fx_close(&f);
}
END_TEST

START_TEST(test_session_summary)
{
	struct fx f;
	struct vm_session s;
	struct vm_sessions v;
	uint32_t alice;

	fx_open(&f);
	feed(&f, three);
	vm_sessions_init(&v);
	vm_sessions_set_sort(&v, VS_USER, false);
	vm_sessions_update(&v, f.m, NULL);
	alice = v.list.ids[0];
	vm_session_init(&s, alice);
	ck_assert(vm_session_update(&s, f.m, NULL, true));
	ck_assert_uint_eq(s.list.n, 2);
	ck_assert_str_eq(s.name[0], "/up/a.txt");
	ck_assert_str_eq(s.text[0], "uploaded 12 B \xe2\x86\x92 renamed to /up/b.txt");
	ck_assert_str_eq(s.name[1], "/up/b.txt");
	ck_assert_str_eq(s.text[1], "DELETED");
	ck_assert(s.flags[1] & VMR_DELETED);
	ck_assert(!vm_session_update(&s, f.m, NULL, true));
	/* C locale: ASCII arrow */
	vm_session_invalidate(&s);
	vm_session_update(&s, f.m, NULL, false);
	ck_assert_str_eq(s.text[0], "uploaded 12 B -> renamed to /up/b.txt");
	/* raw: every event in order */
	s.raw = true;
	ck_assert(vm_session_update(&s, f.m, NULL, true));
	ck_assert_uint_eq(s.list.n, 4);
	vm_session_free(&s);
	vm_sessions_free(&v);
	fx_close(&f);
}
END_TEST

START_TEST(test_noise_hidden)
{
	struct fx f;
	struct vm_session s;

	fx_open(&f);
	feed(&f, "Nov 24 10:00:00 h1 internal-sftp[100]: session opened for local user alice from [10.0.0.1]\n"
		 "Nov 24 10:00:01 h1 internal-sftp[100]: realpath \"/\"\n"
		 "Nov 24 10:00:01 h1 internal-sftp[100]: stat name \"/up\"\n"
		 "Nov 24 10:00:02 h1 internal-sftp[100]: remove name \"/up/x\"\n");
	vm_session_init(&s, 0);
	s.raw = true;
	vm_session_update(&s, f.m, NULL, true);
	ck_assert_uint_eq(s.list.n, 1);
	s.noise = true;
	vm_session_update(&s, f.m, NULL, true);
	ck_assert_uint_eq(s.list.n, 3);
	vm_session_free(&s);
	fx_close(&f);
}
END_TEST

START_TEST(test_hostile_names_escaped)
{
	struct fx f;
	struct vm_session s;
	struct vm_srow r;
	struct vm_erow e;

	fx_open(&f);
	feed(&f, "Nov 24 10:00:00 h1 internal-sftp[100]: session opened for local user alice from [10.0.0.1]\n"
		 "Nov 24 10:00:02 h1 internal-sftp[100]: remove name \"/up/\\033[2J\\033]52;c;eA==\\a\\342\\200\\256gpj.exe\"\n");
	vm_session_init(&s, 0);
	vm_session_update(&s, f.m, NULL, true);
	ck_assert_uint_eq(s.list.n, 1);
	ck_assert_ptr_null(strchr(s.name[0], '\033'));
	ck_assert_ptr_null(strchr(s.name[0], '\a'));
	ck_assert_ptr_null(strstr(s.name[0], "\xe2\x80\xae"));
	ck_assert_ptr_nonnull(strstr(s.name[0], "\\033[2J"));
	ck_assert_ptr_nonnull(strstr(s.name[0], "\\u{202E}"));
	vm_session_row(f.m, 0, 0, true, &r);
	ck_assert_ptr_null(strchr(r.last, '\033'));
	vm_event_row(f.m, 0, true, &e);
	ck_assert_ptr_null(strchr(e.what, '\033'));
	ck_assert_str_eq(e.result, "DELETED");
	vm_session_free(&s);
	fx_close(&f);
}
END_TEST

START_TEST(test_timeline_follows_rename)
{
	struct fx f;
	struct vm_timeline t;
	uint32_t file;
	str_id host;

	fx_open(&f);
	feed(&f, three);
	host = strtab_find(model_cstrings(f.m), "h1", 2);
	file = model_find_file(f.m, host, "/up/b.txt", 9);
	ck_assert_uint_ne(file, MODEL_NONE);
	vm_timeline_init(&t, file);
	ck_assert(vm_timeline_update(&t, f.m, NULL));
	/* open, close, rename (of a.txt), remove */
	ck_assert_uint_eq(t.list.n, 4);
	ck_assert_int_eq(model_event(f.m, t.list.ids[3])->op, OP_REMOVE);
	ck_assert(!vm_timeline_update(&t, f.m, NULL));
	vm_timeline_free(&t);
	fx_close(&f);
}
END_TEST

START_TEST(test_users)
{
	struct fx f;
	struct vm_users u;

	fx_open(&f);
	feed(&f, three);
	feed(&f, "Nov 24 10:09:00 h1 internal-sftp[900]: session opened for local user bob from [10.0.0.2]\n");
	vm_users_init(&u);
	vm_users_build(&u, f.m);
	ck_assert_uint_eq(u.list.n, 3);
	ck_assert_str_eq(model_str(f.m, u.list.ids[1], NULL), "bob");
	ck_assert_uint_eq(u.nsess[1], 2);
	ck_assert_uint_eq(u.nlive[1], 2);
	ck_assert_uint_eq(u.ndels[0], 1);
	vm_users_free(&u);
	fx_close(&f);
}
END_TEST

START_TEST(test_list_moves)
{
	struct vm_list l = { .cur_id = MODEL_NONE };

	for (uint32_t i = 0; i < 100; i++)
		vm_list_push(&l, i * 3);
	vm_list_set(&l, 0);
	ck_assert(!vm_list_move(&l, -5));
	ck_assert(vm_list_move(&l, 150));
	ck_assert_uint_eq(l.cur, 99);
	ck_assert_uint_eq(l.cur_id, 297);
	vm_list_scroll(&l, 10);
	ck_assert_uint_eq(l.top, 90);
	vm_list_set(&l, 5);
	vm_list_scroll(&l, 10);
	ck_assert_uint_eq(l.top, 5);
	ck_assert_uint_eq(vm_list_find(&l, 30), 10);
	ck_assert_uint_eq(vm_list_find(&l, 31), SIZE_MAX);
	vm_list_free(&l);
}
END_TEST

START_TEST(test_remap_after_compaction)
{
	struct fx f;
	struct vm_sessions v;
	struct vm_session one;
	struct vm_timeline tl;
	struct vm_deletions d;
	uint32_t bob, carol, file;

	fx_open(&f);
	feed(&f, three);
	/* much later: alice and carol (closed) leave a one-hour window, bob (open) stays */
	feed(&f, "Nov 24 14:00:00 h1 internal-sftp[200]: remove name \"/up/c.txt\"\n");
	vm_sessions_init(&v);
	vm_sessions_set_sort(&v, VS_USER, false);
	vm_sessions_update(&v, f.m, NULL);
	ck_assert_uint_eq(v.list.n, 3);
	vm_list_set(&v.list, 1);
	bob = v.list.cur_id;
	carol = v.list.ids[2];
	ck_assert_str_eq(user_of(&f, bob), "bob");
	vm_session_init(&one, carol);
	vm_session_update(&one, f.m, NULL, true);
	file = model_event(f.m, model_session(f.m, bob)->first_ev)->file;
	vm_timeline_init(&tl, file);
	vm_timeline_update(&tl, f.m, NULL);
	vm_deletions_init(&d);
	vm_deletions_update(&d, f.m, NULL);
	ck_assert_uint_eq(d.list.n, 2);

	model_set_keep(f.m, INT64_C(3600) * 1000000);
	ck_assert(model_maybe_compact(f.m, true));
	vm_sessions_remap(&v, f.m);
	vm_sessions_update(&v, f.m, NULL);
	ck_assert_uint_eq(v.list.n, 1);
	ck_assert_str_eq(user_of(&f, v.list.ids[0]), "bob");
	ck_assert_uint_eq(v.list.cur_id, model_remap_session(f.m, bob));
	ck_assert_uint_eq(v.list.cur, 0);
	/* carol's session view closes, bob's file timeline follows the new id */
	ck_assert(!vm_session_remap(&one, f.m));
	ck_assert(vm_timeline_remap(&tl, f.m));
	vm_timeline_update(&tl, f.m, NULL);
	ck_assert_uint_eq(tl.list.n, 3);
	vm_deletions_remap(&d);
	vm_deletions_update(&d, f.m, NULL);
	ck_assert_uint_eq(d.list.n, 1);
	ck_assert_str_eq(user_of(&f, model_event(f.m, d.list.ids[0])->sess), "bob");
	/* the last real event was found again in the new numbering */
	ck_assert_uint_eq(vm_sessions_last(&v, v.list.ids[0]), model_session(f.m, v.list.ids[0])->last_ev);
	vm_deletions_free(&d);
	vm_timeline_free(&tl);
	vm_session_free(&one);
	vm_sessions_free(&v);
	fx_close(&f);
}
END_TEST

START_TEST(test_formatters)
{
	char b[32];

	ck_assert_str_eq(vm_fmt_bytes(b, sizeof(b), 12), "12 B");
	ck_assert_str_eq(vm_fmt_bytes(b, sizeof(b), 1536), "1.5 KiB");
	ck_assert_str_eq(vm_fmt_bytes(b, sizeof(b), 20u << 20), "20 MiB");
	ck_assert_str_eq(vm_fmt_duration(b, sizeof(b), INT64_C(3723) * 1000000), "1:02:03");
	ck_assert_str_eq(vm_fmt_duration(b, sizeof(b), INT64_C(200) * 3600 * 1000000), "8d08h");
	ck_assert(vm_match("Alice uploaded", "ALICE"));
	ck_assert(vm_match("x", ""));
	ck_assert(!vm_match("bob", "bobby"));
}
END_TEST

Suite *suite_vm(void);
Suite *suite_vm(void)
{
	Suite *s = suite_create("vm");
	TCase *tc;

	tc = tcase_create("sort");
	tcase_add_test(tc, test_sort_default_live_first);
	tcase_add_loop_test(tc, test_sort_columns, 0, (int)(sizeof(sort_cases) / sizeof(sort_cases[0])));
	tcase_add_test(tc, test_incremental_equals_full);
	suite_add_tcase(s, tc);
	tc = tcase_create("filter");
	tcase_add_test(tc, test_filter_user_and_path);
	suite_add_tcase(s, tc);
	tc = tcase_create("cursor");
	tcase_add_test(tc, test_cursor_kept_by_id);
	tcase_add_test(tc, test_list_moves);
	suite_add_tcase(s, tc);
	tc = tcase_create("deletions");
	tcase_add_test(tc, test_deletions_newest_first);
	suite_add_tcase(s, tc);
	tc = tcase_create("session");
	tcase_add_test(tc, test_session_summary);
	tcase_add_test(tc, test_noise_hidden);
	tcase_add_test(tc, test_hostile_names_escaped);
	suite_add_tcase(s, tc);
	tc = tcase_create("timeline");
	tcase_add_test(tc, test_timeline_follows_rename);
	suite_add_tcase(s, tc);
	tc = tcase_create("users");
	tcase_add_test(tc, test_users);
	suite_add_tcase(s, tc);
	tc = tcase_create("compaction");
	tcase_add_test(tc, test_remap_after_compaction);
	suite_add_tcase(s, tc);
	tc = tcase_create("format");
	tcase_add_test(tc, test_formatters);
	suite_add_tcase(s, tc);
	return s;
}
