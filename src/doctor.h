/*
 * doctor: `sftptop --doctor`, a read-only check of the machine's SFTP
 * logging set-up (sshd's sftp command and log level, the log socket in
 * every chroot jail, the syslog rule that stores the lines in a file,
 * logrotate, and logins that produced no sftp lines).
 *
 * It is the one place where sftptop runs another program: `sshd -T`
 * (read-only, with -C user=NAME for the users of each Match block). It
 * never writes anything. Every path can be redirected, so tests run it on
 * fixture trees (tests/doctor/).
 */
#ifndef SFTPTOP_DOCTOR_H
#define SFTPTOP_DOCTOR_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

/*
 * Every field may be NULL (or 0) for the default. Paths named in the
 * configuration files themselves (Include, $IncludeConfig, jails, log
 * files, sockets) are looked up under root, except those under
 * /etc/rsyslog.d and /etc/logrotate.d when rsyslog_dir / logrotate_dir
 * say otherwise.
 */
struct doctor_opts {
	const char *root;            /* prefix for every path; default "" (= /) */
	const char *sshd_config;     /* ROOT/etc/ssh/sshd_config */
	/*
	 * sshd program, run as PROG -T -f SSHD_CONFIG [-C user=NAME]; default
	 * /usr/sbin/sshd; "" = do not run it, read sshd_config ourselves.
	 */
	const char *sshd_prog;
	/*
	 * Instead of running sshd: a directory with its saved output, "global"
	 * for `sshd -T` and "user-NAME" for `sshd -T -C user=NAME` (falling
	 * back to "global" when missing).
	 */
	const char *sshd_t_dir;
	const char *rsyslog_conf;    /* ROOT/etc/rsyslog.conf */
	const char *rsyslog_dir;     /* stands for /etc/rsyslog.d in includes */
	const char *syslogng_conf;   /* ROOT/etc/syslog-ng/syslog-ng.conf */
	const char *logrotate_conf;  /* ROOT/etc/logrotate.conf */
	const char *logrotate_dir;   /* stands for /etc/logrotate.d in includes */
	const char *auth_log;        /* ROOT/var/log/auth.log */
	const char *passwd;          /* ROOT/etc/passwd */
	const char *group;           /* ROOT/etc/group */
	const char *proc;            /* ROOT/proc, scanned for running syslog daemons */
	const char *journal_dir;     /* ROOT/run/systemd/journal: its socket means journald runs */
	time_t now;                  /* 0 = time(NULL); "growing" and "recent" count from here */
	bool color;                  /* colour the severities (the caller decides: tty, NO_COLOR) */
	bool utf8;                   /* the terminal takes UTF-8 (for esc_term) */
};

/*
 * Run every check and print the findings to out, one block each:
 *   SEVERITY [id] text
 *            detail lines
 *       fix: what to change
 * Severities: OK, INFO (nothing to do), WARN (works, could be better),
 * PROBLEM (sftptop will miss lines). Returns 0 when there is no PROBLEM,
 * 1 otherwise.
 */
int doctor_run(FILE *out, const struct doctor_opts *o);

/*
 * `sftptop --doctor [-C] [--doctor-root DIR] [--sshd-config FILE] [--sshd PROG]
 * [--no-sshd] [--sshd-output DIR] [--auth-log FILE] [--rsyslog-conf FILE]
 * [--syslog-ng-conf FILE] [--logrotate-conf FILE]`: argv[0] is the program name, the
 * remaining arguments are these options (--doctor itself is skipped).
 * Returns the exit status: 0 all needed is in place, 1 problems found,
 * 2 usage error.
 */
int doctor_main(int argc, char **argv);

#endif
