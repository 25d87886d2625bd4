/*
 * doctor: each case copies the correct set-up in tests/doctor/good to a
 * temp root, lays a fixture tree tests/doctor/CASE over it (the bad
 * arrangement), makes the jail sockets it wants live or stale, runs
 * doctor_run on that root and checks the exit status and the findings.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "doctor.h"

#define JAILS "srv/jail/alice/dev/log srv/jail/bob/dev/log"

struct dcase {
	const char *name;         /* overlay tests/doctor/NAME, when it exists */
	const char *rm;           /* paths (under the root) to remove */
	const char *live;         /* sockets to bind and keep open */
	const char *stale;        /* sockets to bind and close again */
	const char *write_path;   /* a file written by the test (for bytes git should not hold) */
	const char *write_text;
	const char *saved;        /* saved sshd -T output: tests/doctor/NAME */
	long now_offset;
	int rc;
	const char *want[6];
	const char *not_want[3];
};

static const struct dcase cases[] = {
	{ .name = "good", .live = JAILS, .rc = 0,
	  .want = { "OK      [sshd-level] everyone (global settings): Subsystem sftp internal-sftp -l VERBOSE",
		    "OK      [sshd-level] users alice, bob: ForceCommand internal-sftp -l VERBOSE -u 002",
		    "OK      [jail-socket] /srv/jail/alice/dev/log is live (users alice)",
		    "/var/log/sftp.log (rule at /etc/rsyslog.d/sftp.conf:6)",
		    "OK      [logrotate] /var/log/sftp.log: rotated by the rule at /etc/logrotate.d/rsyslog:1",
		    "OK      [logins] every recent login" },
	  .not_want = { "PROBLEM", "WARN" } },
	{ .name = "no-level", .live = JAILS, .rc = 1,
	  .want = { "PROBLEM [sshd-level] everyone (global settings): Subsystem sftp /usr/lib/openssh/sftp-server logs errors only",
		    "fix: in /etc/ssh/sshd_config:2: Subsystem sftp /usr/lib/openssh/sftp-server -l VERBOSE",
		    "PROBLEM [sshd-level] users alice, bob: ForceCommand internal-sftp -u 002 logs errors only",
		    "fix: in /etc/ssh/sshd_config:5: ForceCommand internal-sftp -l VERBOSE -u 002",
		    "lines tagged sftp-server (facility auth) are stored in:" } },
	{ .name = "level-info", .live = JAILS, .rc = 0,
	  .want = { "WARN    [sshd-level] users alice, bob: ForceCommand internal-sftp -l INFO logs at INFO",
		    "fix: in /etc/ssh/sshd_config:5: ForceCommand internal-sftp -l VERBOSE" },
	  .not_want = { "PROBLEM" } },
	{ .name = "no-devlog", .rc = 1,
	  .want = { "PROBLEM [jail-socket] no /srv/jail/alice/dev/log: sftp sessions of alice in this jail log nothing",
		    "input(type=\"imuxsock\" Socket=\"/srv/jail/alice/dev/log\" CreatePath=\"on\")",
		    "PROBLEM [jail-socket] no /srv/jail/bob/dev/log",
		    "systemctl restart rsyslog" } },
	{ .name = "no-devlog", .rm = "srv/jail/bob/dev", .live = "srv/jail/alice/dev/log", .rc = 1,
	  .want = { "WARN    [jail-socket] /srv/jail/alice/dev/log is live, but no syslog configuration creates it",
		    "/srv/jail/bob/dev does not exist either",
		    "(or create the directory: mkdir -m 755 /srv/jail/bob/dev)" } },
	{ .name = "good", .stale = JAILS, .rc = 1,
	  .want = { "PROBLEM [jail-socket] /srv/jail/alice/dev/log exists but nothing listens on it",
		    "a stale socket", "configured at /etc/rsyslog.d/sftp.conf:2" } },
	{ .name = "good", .rc = 1,
	  .want = { "PROBLEM [jail-socket] no /srv/jail/bob/dev/log",
		    "configured at /etc/rsyslog.d/sftp.conf:3, but the daemon has not made it" } },
	{ .name = "good", .rm = "srv/jail/bob", .live = "srv/jail/alice/dev/log", .rc = 0,
	  .want = { "WARN    [jail-missing] jail /srv/jail/bob (users bob) does not exist" } },
	{ .name = "wrong-name", .live = JAILS, .rc = 0,
	  .want = { "WARN    [syslog-wrong-name] the rule at /etc/rsyslog.d/sftp.conf:4 never matches the sftp lines",
		    "it tests: programname, isequal, \"sftp\"",
		    "WARN    [syslog-wrong-name] the rule at /etc/rsyslog.d/sftp.conf:5",
		    "WARN    [syslog-wrong-name] the rule at /etc/rsyslog.d/sftp.conf:6",
		    "/var/log/auth.log (rule at /etc/rsyslog.conf:12)",
		    "but the lines are tagged internal-sftp" } },
	{ .name = "no-logrotate", .live = JAILS, .rc = 0,
	  .want = { "WARN    [logrotate] no logrotate rule covers /var/log/sftp.log" },
	  .not_want = { "PROBLEM" } },
	{ .name = "copytruncate", .live = JAILS, .rc = 0,
	  .want = { "OK      [logrotate] /var/log/sftp.log: rotated by the rule at /etc/logrotate.d/sftp:1, with copytruncate" } },
	{ .name = "no-postrotate", .live = JAILS, .rc = 0,
	  .want = { "WARN    [logrotate] /var/log/sftp.log: rotated by the rule at /etc/logrotate.d/sftp:1, but nothing tells" } },
	{ .name = "journal-only", .rm = "etc/rsyslog.conf etc/rsyslog.d proc/321", .rc = 1,
	  .want = { "PROBLEM [journal-only] no rsyslog or syslog-ng configuration: the sftp lines go only to the systemd journal",
		    "journalctl -f -o short-iso -t internal-sftp -t sftp-server | sftptop -" } },
	{ .name = "journal-only", .rm = "proc/321", .live = JAILS, .rc = 1,
	  .want = { "PROBLEM [journal-only] rsyslogd is not running: the sftp lines go only to the systemd journal",
		    "systemctl enable --now rsyslog" } },
	{ .name = "good", .rm = "proc/321", .live = JAILS, .rc = 1,
	  .want = { "PROBLEM [syslog-not-running] rsyslogd is not running" },
	  .not_want = { "journalctl" } },
	{ .name = "other-rsyslog", .live = JAILS, .rc = 1,
	  .want = { "PROBLEM [syslog-not-running] rsyslogd is not running",
		    "an rsyslogd runs, but with another configuration: /tmp/e2e/rsyslog.conf" } },
	{ .name = "login-no-sftp", .live = JAILS, .rc = 1,
	  .want = { "PROBLEM [login-no-sftp] alice logged in (2 times in /var/log/auth.log) but left no sftp lines",
		    "PROBLEM [login-no-sftp] bob logged in (1 times",
		    "the symptom of a jail without a dev/log socket" },
	  .not_want = { "carol" } },
	{ .name = "good", .saved = "tests/doctor/sshd-T", .live = "srv/jail/alice/dev/log", .rc = 0,
	  .want = { "WARN    [sshd-level] everyone (global settings): Subsystem sftp internal-sftp -l INFO logs at INFO",
		    "OK      [sshd-level] users alice: ForceCommand internal-sftp -l VERBOSE" },
	  .not_want = { "bob/dev/log" } },
	{ .name = "syslog-ng", .rm = "etc/rsyslog.conf etc/rsyslog.d", .live = JAILS, .rc = 0,
	  .want = { "OK      [syslog-running] syslog-ng is running",
		    "/var/log/sftp.log (rule at /etc/syslog-ng/conf.d/sftp.conf:4)",
		    "created by /etc/syslog-ng/syslog-ng.conf:9" },
	  .not_want = { "/var/log/auth.log (rule", "PROBLEM" } },
	{ .name = "match-include", .live = JAILS, .rc = 0,
	  .want = { "OK      [sshd-level] everyone (global settings): Subsystem sftp internal-sftp -l VERBOSE",
		    "set at /etc/ssh/sshd_config:3",
		    "OK      [sshd-level] users alice, bob: ForceCommand internal-sftp -l VERBOSE",
		    "set at /etc/ssh/sshd_config.d/sftp.conf:3" },
	  .not_want = { "PROBLEM", "not enabled" } },
	{ .name = "facility", .live = JAILS, .rc = 0,
	  .want = { "lines tagged internal-sftp, facility local5",
		    "lines tagged internal-sftp (facility local5) are stored in:",
		    "/var/log/sftp.log (rule at /etc/rsyslog.d/sftp.conf:3)" },
	  .not_want = { "/var/log/auth.log (rule", "PROBLEM" } },
	{ .name = "good", .live = JAILS, .now_offset = 10 * 86400, .rc = 0,
	  .want = { "WARN    [logfile-stale] /var/log/sftp.log was last written 10 days ago" } },
	/* names from files never reach the terminal raw */
	{ .name = "good", .live = JAILS, .rc = 1, .write_path = "etc/ssh/sshd_config.d/evil.conf",
	  .write_text = "Match User e\033]52;c;eA==\007vil\n\tForceCommand internal-sftp\n",
	  .want = { "users e\\033]52;c;eA==\\avil: ForceCommand internal-sftp logs errors only" },
	  .not_want = { "\033", "\007" } },
	{ .name = "good", .live = JAILS, .rc = 1, .write_path = "etc/ssh/sshd_config",
	  .write_text = "Subsystem sftp internal-sftp -e -l VERBOSE\n",
	  .want = { "PROBLEM [sshd-stderr] everyone (global settings): Subsystem sftp internal-sftp -e -l VERBOSE logs to stderr",
		    "fix: in /etc/ssh/sshd_config:1: Subsystem sftp internal-sftp -l VERBOSE" } },
};

/* cp -r FROM/. TO/ or rm -rf PATH (paths we made; no quotes in them) */
static int sh(const char *cmd, const char *a, const char *b)
{
	char buf[4096];

	if (b != NULL)
		snprintf(buf, sizeof(buf), "%s '%s/.' '%s/'", cmd, a, b);
	else
		snprintf(buf, sizeof(buf), "%s '%s'", cmd, a);
	return system(buf);
}

static int bind_sock(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_uint_lt(strlen(path), sizeof(sa.sun_path));
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	ck_assert_msg(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind %s", path);
	return fd;
}

/* Calls fn(root/word) for each word of list. */
static void each(const char *root, const char *list, int *fds, size_t *nfds, int what)
{
	char copy[1024], *save = NULL, path[2048];

	if (list == NULL)
		return;
	snprintf(copy, sizeof(copy), "%s", list);
	for (char *w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save)) {
		snprintf(path, sizeof(path), "%s/%s", root, w);
		if (what == 'r') {
			ck_assert_int_eq(sh("rm -rf", path, NULL), 0);
		} else {
			int fd = bind_sock(path);
			if (what == 's')
				close(fd);
			else
				fds[(*nfds)++] = fd;
		}
	}
}

START_TEST(test_doctor_case)
{
	const struct dcase *c = &cases[_i];
	char root[] = "/tmp/sftptop-doctor-XXXXXX", over[512];
	struct doctor_opts o;
	int fds[8];
	size_t nfds = 0, len = 0;
	char *out = NULL;
	FILE *f;
	int rc;

	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_int_eq(sh("cp -r", "tests/doctor/good", root), 0);
	snprintf(over, sizeof(over), "tests/doctor/%s", c->name);
	if (access(over, F_OK) == 0)
		ck_assert_int_eq(sh("cp -r", over, root), 0);
	each(root, c->rm, fds, &nfds, 'r');
	each(root, c->live, fds, &nfds, 'l');
	each(root, c->stale, fds, &nfds, 's');
	if (c->write_path != NULL) {
		char path[1024];
		FILE *w;
		snprintf(path, sizeof(path), "%s/%s", root, c->write_path);
		ck_assert_ptr_nonnull(w = fopen(path, "w"));
		fputs(c->write_text, w);
		fclose(w);
	}

	memset(&o, 0, sizeof(o));
	o.root = root;
	o.sshd_prog = "";
	o.sshd_t_dir = c->saved;
	/* a minute more: file times come from a coarser clock than time() and can be a second ahead */
	o.now = time(NULL) + c->now_offset + (c->now_offset != 0 ? 60 : 0);
	o.utf8 = true;
	ck_assert_ptr_nonnull(f = open_memstream(&out, &len));
	rc = doctor_run(f, &o);
	fclose(f);
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	sh("rm -rf", root, NULL);

	for (size_t i = 0; i < 6 && c->want[i] != NULL; i++)
		ck_assert_msg(strstr(out, c->want[i]) != NULL, "case %d (%s): missing \"%s\" in:\n%s", _i, c->name,
			      c->want[i], out);
	for (size_t i = 0; i < 3 && c->not_want[i] != NULL; i++)
		ck_assert_msg(strstr(out, c->not_want[i]) == NULL, "case %d (%s): unexpected \"%s\" in:\n%s", _i,
			      c->name, c->not_want[i], out);
	ck_assert_msg(rc == c->rc, "case %d (%s): exit %d, want %d:\n%s", _i, c->name, rc, c->rc, out);
	free(out);
}
END_TEST

/* Unknown options are a usage error (exit 2). */
START_TEST(test_doctor_options)
{
	char *argv[] = { "sftptop", "--doctor", "--no-such-option", NULL };

	ck_assert_int_eq(doctor_main(3, argv), 2);
}
END_TEST

Suite *suite_doctor(void);
Suite *suite_doctor(void)
{
	Suite *s = suite_create("doctor");
	TCase *tc = tcase_create("cases");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_doctor_case, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_doctor_options);
	suite_add_tcase(s, tc);
	return s;
}
