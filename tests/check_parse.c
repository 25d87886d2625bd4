/*
 * Parser tests: one row per message shape (reference §5) and per storage
 * format (§7), with real lines from the reference and from the real server
 * logs in sample-logs/. Every field the parser fills is checked.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

struct row {
	const char *line;
	enum parse_class cls;
	enum op op;
	const char *path, *path2, *text, *text2;   /* NULL = must be empty */
	uint64_t n1, n2;
	uint32_t mode;
	unsigned oflags;
	int attr;
	const char *host;                          /* NULL = do not check header fields */
	const char *prog;
	uint32_t pid;
	uint32_t repeat;                           /* 0 = expect 1 */
	bool truncated, ambiguous;
};

#define T "Nov 24 11:03:00 sftpserver internal-sftp[32]: "

static const struct row rows[] = {
	/* lifecycle */
	{ T "session opened for local user guest from [172.17.0.1]", PC_SFTP, OP_SESSION_OPEN, .text = "guest",
	  .text2 = "172.17.0.1", .host = "sftpserver", .prog = "internal-sftp", .pid = 32 },
	{ T "session closed for local user guest from [2001:db8::7]", PC_SFTP, OP_SESSION_CLOSE, .text = "guest",
	  .text2 = "2001:db8::7" },
	{ T "session opened for local user root from [UNKNOWN]", PC_SFTP, OP_SESSION_OPEN, .text = "root",
	  .text2 = "UNKNOWN" },
	{ T "received client version 3", PC_SFTP, OP_VERSION, .n1 = 3 },
	{ T "forced close \"/up/a b\" bytes read 32768 written 0", PC_SFTP, OP_FORCED_CLOSE, .path = "/up/a b",
	  .n1 = 32768 },
	{ T "forced closedir \"/up/\"", PC_SFTP, OP_FORCED_CLOSEDIR, .path = "/up/" },
	/* INFO requests */
	{ T "open \"/archives/testfile\" flags WRITE,CREATE,TRUNCATE mode 0644", PC_SFTP, OP_OPEN,
	  .path = "/archives/testfile", .mode = 0644, .oflags = OF_WRITE | OF_CREATE | OF_TRUNCATE },
	{ T "open \"/x\" flags READ,WRITE,APPEND,CREATE,TRUNCATE,EXCL mode 0100644", PC_SFTP, OP_OPEN, .path = "/x",
	  .mode = 0100644, .oflags = 0x3f },
	{ T "open \"/x\" flags  mode 0666", PC_SFTP, OP_OPEN, .path = "/x", .mode = 0666 },
	{ T "close \"/archives/testfile\" bytes read 0 written 12", PC_SFTP, OP_CLOSE, .path = "/archives/testfile",
	  .n2 = 12 },
	{ T "close \"/big\" bytes read 18446744073709551615 written 1", PC_SFTP, OP_CLOSE, .path = "/big",
	  .n1 = UINT64_MAX, .n2 = 1 },
	{ T "closedir \"/etc/ssh/\"", PC_SFTP, OP_CLOSEDIR, .path = "/etc/ssh/" },
	{ T "closedir \"(null)\"", PC_SFTP, OP_CLOSEDIR, .path = "(null)" },
	{ T "opendir \"/etc/ssh/\"", PC_SFTP, OP_OPENDIR, .path = "/etc/ssh/" },
	{ T "remove name \"/archives/testfile\"", PC_SFTP, OP_REMOVE, .path = "/archives/testfile" },
	{ T "mkdir name \"/d\" mode 0755", PC_SFTP, OP_MKDIR, .path = "/d", .mode = 0755 },
	{ T "rmdir name \"/d\"", PC_SFTP, OP_RMDIR, .path = "/d" },
	{ T "rename old \"/a\" new \"/b\"", PC_SFTP, OP_RENAME, .path = "/a", .path2 = "/b" },
	{ T "posix-rename old \"/a.filepart\" new \"/a\"", PC_SFTP, OP_POSIX_RENAME, .path = "/a.filepart",
	  .path2 = "/a" },
	/* symlink(old, new): the link made is "new"; OpenSSH logs the target as "old" */
	{ T "symlink old \"a.txt\" new \"/d/sym\"", PC_SFTP, OP_SYMLINK, .path = "/d/sym", .path2 = "a.txt" },
	{ T "hardlink old \"/d/a.txt\" new \"/d/hard\"", PC_SFTP, OP_HARDLINK, .path = "/d/a.txt", .path2 = "/d/hard" },
	{ T "statvfs \"/\"", PC_SFTP, OP_STATVFS, .path = "/" },
	{ T "set \"/f\" size 0", PC_SFTP, OP_SET, .path = "/f", .attr = SET_SIZE },
	{ T "set \"/f\" size 1024", PC_SFTP, OP_SET, .path = "/f", .n1 = 1024, .attr = SET_SIZE },
	{ T "set \"/f\" mode 4755", PC_SFTP, OP_SET, .path = "/f", .mode = 04755, .attr = SET_MODE },
	{ T "set \"/f\" mode 100644", PC_SFTP, OP_SET, .path = "/f", .mode = 0100644, .attr = SET_MODE },
	{ T "set \"/f\" modtime 20250105-09:03:07", PC_SFTP, OP_SET, .path = "/f", .text = "20250105-09:03:07",
	  .attr = SET_MODTIME },
	{ T "set \"/f\" owner 1001 group 100", PC_SFTP, OP_SET, .path = "/f", .n1 = 1001, .n2 = 100, .attr = SET_OWNER },
	{ T "sent status No such file", PC_SFTP, OP_STATUS, .text = "No such file" },
	{ T "sent status Permission denied", PC_SFTP, OP_STATUS, .text = "Permission denied" },
	/* VERBOSE requests */
	{ T "stat name \"/upload/testfile\"", PC_SFTP, OP_STAT, .path = "/upload/testfile" },
	{ T "lstat name \"/upload/testfile\"", PC_SFTP, OP_LSTAT, .path = "/upload/testfile" },
	{ T "realpath \".\"", PC_SFTP, OP_REALPATH, .path = "." },
	{ T "readlink \"/l\"", PC_SFTP, OP_READLINK, .path = "/l" },
	{ T "fsync \"/f\"", PC_SFTP, OP_FSYNC, .path = "/f" },
	{ T "expand \"/home/alice/x\"", PC_SFTP, OP_EXPAND, .path = "/home/alice/x" },
	{ T "home-directory \"/home/alice\"", PC_SFTP, OP_HOME, .path = "/home/alice" },
	{ T "users-groups-by-id: 2 users, 0 groups", PC_SFTP, OP_USERS_GROUPS, .n1 = 2 },
	{ T "Refusing remove request in read-only mode", PC_SFTP, OP_REFUSED, .text = "remove", .text2 = "read-only" },
	{ T "Refusing open request in read-only mode", PC_SFTP, OP_REFUSED, .text = "open", .text2 = "read-only" },
	{ T "Refusing denylisted hardlink@openssh.com request", PC_SFTP, OP_REFUSED, .text = "hardlink@openssh.com",
	  .text2 = "denylisted" },
	{ T "Refusing blacklisted rename request", PC_SFTP, OP_REFUSED, .text = "rename", .text2 = "denylisted" },
	{ T "Refusing non-allowlisted copy-data request", PC_SFTP, OP_REFUSED, .text = "copy-data",
	  .text2 = "non-allowlisted" },
	{ T "Refusing non-whitelisted copy-data request", PC_SFTP, OP_REFUSED, .text = "copy-data",
	  .text2 = "non-allowlisted" },
	/* errors */
	{ T "error: Unknown extended request \"foo@example.com\"", PC_SFTP, OP_ERROR,
	  .text = "Unknown extended request \"foo@example.com\"" },
	{ T "error: process_write: write \"/up/big.iso\": No space left on device", PC_SFTP, OP_ERROR,
	  .path = "/up/big.iso", .text = "process_write: write \"/up/big.iso\": No space left on device" },
	{ T "error: process_read: seek \"/a\": Invalid argument", PC_SFTP, OP_ERROR, .path = "/a",
	  .text = "process_read: seek \"/a\": Invalid argument" },
	{ T "fatal: Received 3 request before init", PC_SFTP, OP_FATAL, .text = "Received 3 request before init" },
	/* names: decoding, '"' inside, text that imitates the suffix */
	{ T "open \"/r\\303\\251sum\\303\\251.pdf\" flags WRITE,CREATE,TRUNCATE mode 0644", PC_SFTP, OP_OPEN,
	  .path = "/r\xc3\xa9sum\xc3\xa9.pdf", .mode = 0644, .oflags = OF_WRITE | OF_CREATE | OF_TRUNCATE },
	{ T "open \"/x/a\" b\" flags READ mode 0666", PC_SFTP, OP_OPEN, .path = "/x/a\" b", .mode = 0666,
	  .oflags = OF_READ },
	{ T "open \"/x flags WRITE,CREATE mode 0644\" flags READ mode 0666", PC_SFTP, OP_OPEN,
	  .path = "/x flags WRITE,CREATE mode 0644", .mode = 0666, .oflags = OF_READ },
	{ T "stat name \"/tab\\there\\nnl\\\\bs\\033esc\\177\"", PC_SFTP, OP_STAT,
	  .path = "/tab\there\nnl\\bs\033esc\177" },
	{ T "stat name \"/hash#011.txt\"", PC_SFTP, OP_STAT, .path = "/hash#011.txt" },
	{ T "stat name \"/odd\\q\\9\"", PC_SFTP, OP_STAT, .path = "/odd\\q\\9" },
	{ T "rename old \"/a\" new \"/b\" new \"/c\"", PC_SFTP, OP_RENAME, .path = "/a\" new \"/b", .path2 = "/c",
	  .ambiguous = true },
	/* storage headers */
	{ "2026-11-24T11:02:31.123456+01:00 sftp1 internal-sftp[24817]: realpath \".\"", PC_SFTP, OP_REALPATH,
	  .path = ".", .host = "sftp1", .prog = "internal-sftp", .pid = 24817 },
	{ "Jan  5 09:03:07 sftp1 sftp-server[7]: realpath \".\"", PC_SFTP, OP_REALPATH, .path = ".", .host = "sftp1",
	  .prog = "sftp-server", .pid = 7 },
	{ "Jan 05 09:03:07 sftp1 /usr/lib/openssh/sftp-server[7]: realpath \".\"", PC_SFTP, OP_REALPATH, .path = ".",
	  .host = "sftp1", .prog = "sftp-server", .pid = 7 },
	{ "Jan 05 09:03:07.512734 sftp1 internal-sftp[24817]: realpath \".\"", PC_SFTP, OP_REALPATH, .path = ".",
	  .host = "sftp1", .prog = "internal-sftp", .pid = 24817 },
	{ "2025-01-05T09:03:07+0100 sftp1 internal-sftp[24817]: realpath \".\"", PC_SFTP, OP_REALPATH, .path = ".",
	  .host = "sftp1", .prog = "internal-sftp", .pid = 24817 },
	{ "2025-01-05T09:03:07.512734+0100 sftp1 internal-sftp[24817]: realpath \".\"", PC_SFTP, OP_REALPATH,
	  .path = ".", .host = "sftp1" },
	{ "2025-01-05T09:03:07Z sftp1 internal-sftp[24817]: realpath \".\"", PC_SFTP, OP_REALPATH, .path = ".",
	  .host = "sftp1" },
	{ "<38>1 2025-01-05T09:03:07.512734+01:00 sftp1 internal-sftp 24817 - -  open \"/u/x\" flags READ mode 0666",
	  PC_SFTP, OP_OPEN, .path = "/u/x", .mode = 0666, .oflags = OF_READ, .host = "sftp1", .prog = "internal-sftp",
	  .pid = 24817 },
	{ "Jan  5 09:03:07 sftp1 auth.info internal-sftp[24817]: realpath \".\"", PC_SFTP, OP_REALPATH, .path = ".",
	  .host = "sftp1", .prog = "internal-sftp", .pid = 24817 },
	{ "Jan  5 09:03:07 internal-sftp[24817]: realpath \".\"", PC_SFTP, OP_REALPATH, .path = ".", .host = "",
	  .prog = "internal-sftp", .pid = 24817 },
	{ "Jan  5 09:03:09 sftp1 internal-sftp[24817]: message repeated 3 times: [ sent status Failure]", PC_SFTP,
	  OP_STATUS, .text = "Failure", .repeat = 3 },
	{ "Jan  5 09:03:07 sftp1 internal-sftp[24817]: sftp-server.c:process_open():749 (bin=internal-sftp, "
	  "pid=24817): open \"/u\" flags READ mode 0666",
	  PC_SFTP, OP_OPEN, .path = "/u", .mode = 0666, .oflags = OF_READ },
	/* other classes */
	{ T "debug1: request 3: read \"/x\" (handle 0) off 0 len 32768", .cls = PC_DEBUG },
	{ "Nov 24 11:02:30 sftpserver sshd[31]: Accepted publickey for guest from 172.17.0.1 port 50122 ssh2",
	  .cls = PC_FOREIGN },
	{ "Nov 24 11:02:30 sftpserver sshd[31]: pam_unix(sshd:session): session opened for user guest(uid=1000) by (uid=0)",
	  .cls = PC_FOREIGN },
	{ "Nov 24 11:02:30 sftpserver kernel: [ 1.0] session opened for local user x from [1.2.3.4]", .cls = PC_FOREIGN },
	{ "Nov 24 11:02:30 sftpserver internal-sftpd[3]: realpath \".\"", .cls = PC_FOREIGN },
	{ "Nov 24 11:02:30 sftpserver internal-sftp: realpath \".\"", .cls = PC_UNPARSED },
	{ "Nov 24 11:02:30 sftpserver internal-sftp[0]: realpath \".\"", .cls = PC_UNPARSED },
	{ T "open \"/x\" flags WRITE,BOGUS mode 0644", .cls = PC_UNPARSED },
	{ T "close \"/x\" bytes read 18446744073709551616 written 0", .cls = PC_UNPARSED },
	{ T "something new in OpenSSH 11", .cls = PC_UNPARSED },
	{ "Feb 31 11:02:30 sftpserver internal-sftp[3]: realpath \".\"", PC_SFTP, OP_REALPATH, .path = "." },
	{ "Nov 24 25:02:30 sftpserver internal-sftp[3]: realpath \".\"", .cls = PC_UNPARSED },
	{ "garbage without a header", .cls = PC_UNPARSED },
	{ "", .cls = PC_BLANK },
	{ "   \r", .cls = PC_BLANK },
};

static void check_str(const char *what, struct parse_str got, const char *want, int i)
{
	if (want == NULL)
		want = "";
	ck_assert_msg(got.len == strlen(want) && memcmp(got.p, want, got.len) == 0,
	              "row %d: %s is '%.*s', want '%s'", i, what, (int)got.len, got.p, want);
}

START_TEST(test_rows)
{
	struct parser *p = parse_new();
	struct parse_result r;
	const struct row *w = &rows[_i];

	parse_line(p, w->line, strlen(w->line), &r);
	ck_assert_msg(r.cls == w->cls, "row %d: class %d, want %d: %s", _i, r.cls, w->cls, w->line);
	if (w->cls == PC_SFTP) {
		ck_assert_msg(r.op == w->op, "row %d: op %s, want %s", _i, parse_op_name(r.op), parse_op_name(w->op));
		check_str("path", r.path, w->path, _i);
		check_str("path2", r.path2, w->path2, _i);
		check_str("text", r.text, w->text, _i);
		check_str("text2", r.text2, w->text2, _i);
		ck_assert_msg(r.n1 == w->n1 && r.n2 == w->n2, "row %d: numbers %llu %llu", _i,
		              (unsigned long long)r.n1, (unsigned long long)r.n2);
		ck_assert_msg(r.mode == w->mode, "row %d: mode %o, want %o", _i, r.mode, w->mode);
		ck_assert_msg(r.oflags == w->oflags, "row %d: flags %x", _i, r.oflags);
		if (w->op == OP_SET)
			ck_assert_int_eq(r.attr, w->attr);
		ck_assert_uint_eq(r.repeat, w->repeat ? w->repeat : 1);
		ck_assert_int_eq(r.truncated, w->truncated);
		ck_assert_int_eq(r.ambiguous, w->ambiguous);
	}
	if (w->host != NULL) {
		check_str("host", r.host, w->host, _i);
		if (w->prog != NULL) {
			check_str("prog", r.prog, w->prog, _i);
			ck_assert_uint_eq(r.pid, w->pid);
		}
	}
	parse_free(p);
}
END_TEST

START_TEST(test_times)
{
	struct parser *p = parse_new();
	struct parse_result r;
	const char *l;

	l = "2026-11-24T11:02:31.123456+01:00 h internal-sftp[1]: realpath \".\"";
	parse_line(p, l, strlen(l), &r);
	ck_assert_int_eq(r.hdr, HDR_RFC3339);
	ck_assert_int_eq(r.time.year, 2026);
	ck_assert_int_eq(r.time.mon, 11);
	ck_assert_int_eq(r.time.mday, 24);
	ck_assert_int_eq(r.time.hour, 11);
	ck_assert_int_eq(r.time.sec, 31);
	ck_assert_int_eq(r.time.usec, 123456);
	ck_assert_int_eq(r.time.frac_digits, 6);
	ck_assert(r.time.has_tz);
	ck_assert_int_eq(r.time.tz_min, 60);

	l = "2025-01-05T09:03:07.5-0330 h internal-sftp[1]: realpath \".\"";
	parse_line(p, l, strlen(l), &r);
	ck_assert_int_eq(r.time.usec, 500000);
	ck_assert_int_eq(r.time.frac_digits, 1);
	ck_assert_int_eq(r.time.tz_min, -210);

	l = "Jan  5 09:03:07 h internal-sftp[1]: realpath \".\"";
	parse_line(p, l, strlen(l), &r);
	ck_assert_int_eq(r.hdr, HDR_TRADITIONAL);
	ck_assert_int_eq(r.time.year, 0);
	ck_assert_int_eq(r.time.mon, 1);
	ck_assert_int_eq(r.time.mday, 5);
	ck_assert(!r.time.has_tz);

	l = "Dec 31 23:59:60.250 h internal-sftp[1]: realpath \".\"";
	parse_line(p, l, strlen(l), &r);
	ck_assert_int_eq(r.hdr, HDR_PRECISE);
	ck_assert_int_eq(r.time.sec, 60);
	ck_assert_int_eq(r.time.usec, 250000);
	parse_free(p);
}
END_TEST

/*
 * A parser keeps the last timestamp it read: a line must parse the same after
 * any other line as on its own. Pairs that share a timestamp's bytes but not
 * its end (a fraction, a zone, a stray byte) come one after the other.
 */
START_TEST(test_time_runs)
{
	static const char *const lines[] = {
		"Nov 24 11:02:31 h internal-sftp[1]: realpath \".\"",
		"Nov 24 11:02:31 h internal-sftp[2]: realpath \".\"",
		"Nov 24 11:02:31.5 h internal-sftp[1]: realpath \".\"",
		"Nov 24 11:02:31.5 h internal-sftp[1]: realpath \".\"",
		"Nov 24 11:02:31 h internal-sftp[1]: realpath \".\"",
		"Nov 24 11:02:31x h internal-sftp[1]: realpath \".\"",
		"Nov 24 11:02:31 h internal-sftp[1]: realpath \".\"",
		"Nov 24 11:02:31",
		"Nov 24 11:02:31 ",
		"2026-11-24T11:02:31 h internal-sftp[1]: realpath \".\"",
		"2026-11-24T11:02:31Z h internal-sftp[1]: realpath \".\"",
		"2026-11-24T11:02:31+01:00 h internal-sftp[1]: realpath \".\"",
		"2026-11-24T11:02:31+01:00 h internal-sftp[1]: realpath \".\"",
		"2026-11-24T11:02:31+0100 h internal-sftp[1]: realpath \".\"",
		"2026-11-24T11:02:31.000001+01:00 h internal-sftp[1]: realpath \".\"",
		"2026-11-24T11:02:31.000001+01:00 h internal-sftp[1]: realpath \".\"",
		"2026-11-24T11:02:31 h internal-sftp[1]: realpath \".\"",
		"<14>1 2026-11-24T11:02:31Z h internal-sftp 1 - - realpath \".\"",
		"2026-11-24T11:02:31Z h internal-sftp[1]: realpath \".\"",
	};
	struct parser *run = parse_new();
	size_t n = sizeof(lines) / sizeof(lines[0]) + sizeof(rows) / sizeof(rows[0]);

	/* these, then every row of the table, through one parser */
	for (size_t i = 0; i < n; i++) {
		const char *l = i < sizeof(lines) / sizeof(lines[0]) ? lines[i] : rows[i - sizeof(lines) / sizeof(lines[0])].line;
		struct parser *fresh = parse_new();
		struct parse_result a, b;

		parse_line(run, l, strlen(l), &a);
		parse_line(fresh, l, strlen(l), &b);
		ck_assert_msg(a.cls == b.cls && a.hdr == b.hdr, "line %zu: class %d/%d header %d/%d: %s", i, a.cls, b.cls,
		              a.hdr, b.hdr, l);
		ck_assert_msg(a.time.year == b.time.year && a.time.mon == b.time.mon && a.time.mday == b.time.mday &&
		              a.time.hour == b.time.hour && a.time.min == b.time.min && a.time.sec == b.time.sec &&
		              a.time.usec == b.time.usec && a.time.frac_digits == b.time.frac_digits &&
		              a.time.has_tz == b.time.has_tz && a.time.tz_min == b.time.tz_min,
		              "line %zu: time differs after the line before: %s", i, l);
		ck_assert_msg(a.pid == b.pid && a.host.len == b.host.len && memcmp(a.host.p, b.host.p, a.host.len) == 0,
		              "line %zu: host or pid differs: %s", i, l);
		parse_free(fresh);
	}
	parse_free(run);
}
END_TEST

/* Pids of every length a tag may hold, and a stray byte at every place in them. */
START_TEST(test_pids)
{
	struct parser *p = parse_new();
	struct parse_result r;
	const char digits[] = "9876543210";
	char line[160], pid[16];

	for (size_t n = 1; n <= 9; n++) {
		uint64_t want = 0;
		memcpy(pid, digits + 10 - n, n);
		pid[n] = '\0';
		for (size_t i = 0; i < n; i++)
			want = want * 10 + (uint64_t)(pid[i] - '0');
		snprintf(line, sizeof(line), "Nov 24 11:02:31 h internal-sftp[%s]: realpath \".\"", pid);
		parse_line(p, line, strlen(line), &r);
		ck_assert_msg(r.cls == (want != 0 ? PC_SFTP : PC_UNPARSED), "pid %s: class %d", pid, r.cls);
		ck_assert_msg(r.pid == want, "pid %s read as %u", pid, r.pid);
		/* with leading zeros */
		snprintf(line, sizeof(line), "Nov 24 11:02:31 h internal-sftp[00%s]: realpath \".\"", pid);
		parse_line(p, line, strlen(line), &r);
		ck_assert_msg(r.pid == want, "pid 00%s read as %u", pid, r.pid);
		for (size_t i = 0; i < n; i++) {
			static const char bad[] = { '/', ':', 'a', ' ', '\x80', '-' };
			for (size_t k = 0; k < sizeof(bad); k++) {
				char q[16];
				memcpy(q, pid, n + 1);
				q[i] = bad[k];
				snprintf(line, sizeof(line), "Nov 24 11:02:31 h internal-sftp[%s]: realpath \".\"", q);
				parse_line(p, line, strlen(line), &r);
				ck_assert_msg(r.cls != PC_SFTP, "pid '%s' taken as %u", q, r.pid);
			}
		}
	}
	parse_free(p);
}
END_TEST

START_TEST(test_truncated)
{
	/* a body cut at OpenSSH's 500-byte cap, inside an escape and before "flags" */
	struct parser *p = parse_new();
	struct parse_result r;
	char line[700], name[600];
	size_t n;

	memset(name, 'a', sizeof(name));
	n = (size_t)snprintf(line, sizeof(line), T "open \"/%.490s\\30", name);
	ck_assert_uint_eq(n, strlen(T) + 500);
	parse_line(p, line, n, &r);
	ck_assert_int_eq(r.cls, PC_SFTP);
	ck_assert_int_eq(r.op, OP_OPEN);
	ck_assert(r.truncated);
	ck_assert_uint_eq(r.path.len, 1 + 490 + 3);   /* the cut escape is kept as text */
	ck_assert_int_eq(memcmp(r.path.p + r.path.len - 3, "\\30", 3), 0);

	/* a complete line that happens to be 500 bytes long is still flagged */
	n = (size_t)snprintf(line, sizeof(line), T "remove name \"/%.485s\"", name);
	ck_assert_uint_eq(n, strlen(T) + 500);
	parse_line(p, line, n, &r);
	ck_assert_int_eq(r.op, OP_REMOVE);
	ck_assert(r.truncated);
	ck_assert_uint_eq(r.path.len, 486);
	parse_free(p);
}
END_TEST

START_TEST(test_unvis)
{
	char out[64];
	size_t n;

	n = parse_unvis(out, "a\\\\b\\nc\\303\\251\\0", 17);
	ck_assert_uint_eq(n, 9);
	ck_assert_int_eq(memcmp(out, "a\\b\nc\xc3\xa9\\0", 9), 0);
	n = parse_unvis(out, "\\400", 4);   /* not a byte: kept */
	ck_assert_uint_eq(n, 4);
	ck_assert(parse_op_from_name("posix-rename") == OP_POSIX_RENAME);
	ck_assert_str_eq(parse_op_name(OP_FORCED_CLOSE), "forced-close");
}
END_TEST

START_TEST(test_long_and_binary)
{
	struct parser *p = parse_new();
	struct parse_result r;
	size_t n = 1 << 20;
	char *big = malloc(n);

	memset(big, 'x', n);
	memcpy(big, T, strlen(T));
	parse_line(p, big, n, &r);
	ck_assert_int_eq(r.cls, PC_UNPARSED);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)(i * 7919 % 256);
	parse_line(p, big, n, &r);
	ck_assert(r.cls == PC_UNPARSED || r.cls == PC_FOREIGN);
	free(big);
	parse_free(p);
}
END_TEST

/* Every byte value at every position of a word: a raw control or 8-bit byte makes the line unparsed. */
START_TEST(test_raw_bytes)
{
	struct parser *p = parse_new();
	struct parse_result r;
	char line[128];
	const char *head = T "stat name \"/abcdefghijklmnop";
	size_t hl = strlen(head);

	for (int pos = 0; pos < 16; pos++) {
		for (int c = 0; c < 256; c++) {
			memcpy(line, head, hl);
			line[hl + 2 + 0] = '\0';
			line[hl - 16 + pos] = (char)c;
			line[hl] = '"';
			bool printable = c >= 0x20 && c <= 0x7e;
			parse_line(p, line, hl + 1, &r);
			ck_assert_msg((r.cls == PC_SFTP) == printable, "byte 0x%02x at %d: class %d", c, pos, r.cls);
		}
	}
	parse_free(p);
}
END_TEST

/* A control byte anywhere in bodies of every length up to 80 (the byte check works in blocks with a tail). */
START_TEST(test_raw_byte_positions)
{
	struct parser *p = parse_new();
	struct parse_result r;
	char line[256];
	const char *head = T "realpath \"/";
	size_t hl = strlen(head), body0 = strlen(T);

	for (size_t namelen = 1; namelen <= 68; namelen++) {
		size_t len = hl + namelen + 1;
		memcpy(line, head, hl);
		memset(line + hl, 'a', namelen);
		line[len - 1] = '"';
		parse_line(p, line, len, &r);
		ck_assert_msg(r.cls == PC_SFTP && r.op == OP_REALPATH && r.path.len == namelen + 1, "name of %zu", namelen);
		for (size_t pos = body0; pos < len; pos++) {
			char keep = line[pos];
			line[pos] = '\x01';
			parse_line(p, line, len, &r);
			ck_assert_msg(r.cls != PC_SFTP, "body of %zu bytes, control byte at %zu: parsed", len - body0, pos - body0);
			line[pos] = '\x7f';
			parse_line(p, line, len, &r);
			ck_assert_msg(r.cls != PC_SFTP, "body of %zu bytes, DEL at %zu: parsed", len - body0, pos - body0);
			line[pos] = keep;
		}
	}
	parse_free(p);
}
END_TEST

Suite *suite_parse(void);
Suite *suite_parse(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("shapes");

	tcase_add_loop_test(tc, test_rows, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_times);
	tcase_add_test(tc, test_time_runs);
	tcase_add_test(tc, test_pids);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_unvis);
	tcase_add_test(tc, test_long_and_binary);
	tcase_add_test(tc, test_raw_bytes);
	tcase_add_test(tc, test_raw_byte_positions);
	suite_add_tcase(s, tc);
	return s;
}
