/*
 * main: the command line. Parses options into filters and modes, then hands
 * over to one of: the batch report (here), the follower (follow.c), the
 * set-up doctor (doctor.c) or the ncurses UI (ui/). Exit status: 0 done,
 * 1 a file could not be read (or the doctor found problems), 2 usage error.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <malloc.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "doctor.h"
#include "filter.h"
#include "follow.h"
#include "ingest.h"
#include "model.h"
#include "report.h"
#include "rotated.h"
#include "util.h"
#include "../ui/ui.h"

#define DEFAULT_LOG "/var/log/sftp.log"
/* Closed sessions kept while following: a week of a busy server fits in a few hundred MB. */
#define KEEP_LIVE_DEFAULT (INT64_C(7) * 86400 * 1000000)

enum {
	OPT_REPORT = 256, OPT_IP, OPT_HOST, OPT_SINCE, OPT_UNTIL, OPT_DELETIONS, OPT_CHROOT, OPT_YEAR,
	OPT_NOISE, OPT_IDLE, OPT_REPLAY, OPT_DOCTOR, OPT_KEEP,
};

static const struct option long_opts[] = {
	{ "report", optional_argument, NULL, OPT_REPORT },
	{ "follow", no_argument, NULL, 'f' },
	{ "rotated", no_argument, NULL, 'R' },
	{ "user", required_argument, NULL, 'u' },
	{ "path", required_argument, NULL, 'p' },
	{ "ip", required_argument, NULL, OPT_IP },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "deletions", no_argument, NULL, OPT_DELETIONS },
	{ "chroot", required_argument, NULL, OPT_CHROOT },
	{ "year", required_argument, NULL, OPT_YEAR },
	{ "noise", no_argument, NULL, OPT_NOISE },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "no-color", no_argument, NULL, 'C' },
	{ "no-mouse", no_argument, NULL, 'M' },
	{ "delay", required_argument, NULL, 'd' },
	{ "replay", optional_argument, NULL, OPT_REPLAY },
	{ "doctor", no_argument, NULL, OPT_DOCTOR },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fputs("Usage: sftptop [OPTIONS] [FILE...]\n"
	      "Show what SFTP users did, from OpenSSH's internal-sftp / sftp-server log.\n"
	      "With no FILE, reads " DEFAULT_LOG "; - reads standard input.\n"
	      "\n"
	      "Modes:\n"
	      "      --report[=FORMAT]   print a report and exit: text (default), json, csv, or summary\n"
	      "                          (only the JSON summary line: counts of lines, sessions, events)\n"
	      "  -f, --follow            with --report: after the history, print new events as they come\n"
	      "  -R, --rotated           also read FILE's rotated predecessors (FILE.1, FILE.2.gz, ...)\n"
	      "      --replay[=SPEED]    UI: play the log back with its own timing, SPEED times faster (60)\n"
	      "      --doctor            check this machine's sshd, syslog and logrotate set-up, and exit\n"
	      "\n"
	      "Filters (combine with AND):\n"
	      "  -u, --user USER         sessions of USER\n"
	      "  -p, --path PATH         events on PATH or under it (a glob when it has * ? [)\n"
	      "      --ip ADDR           sessions from client address ADDR\n"
	      "      --host HOST         lines logged by host HOST\n"
	      "      --since TIME        events at or after TIME (2026-11-24, 2026-11-24T11:00, 11:00, 2h, 3d)\n"
	      "      --until TIME        events at or before TIME\n"
	      "      --deletions         only destructive events (removed, replaced, overwritten, truncated)\n"
	      "\n"
	      "Reading:\n"
	      "      --chroot [GLOB=]DIR map logged paths of users matching GLOB to DIR + path (%u = user)\n"
	      "      --year YEAR         year for timestamps that have none (default: inferred)\n"
	      "      --idle-timeout DUR  follow: mark a session lost after DUR without a line (default 4h)\n"
	      "      --keep DUR          drop closed sessions DUR older than the newest line (default 7d\n"
	      "                          when following or in the UI, everything in a report; 0 = all)\n"
	      "      --noise             text report: include navigation (stat, realpath, opendir, ...)\n"
	      "\n"
	      "Display:\n"
	      "  -C, --no-color          no colour (also when NO_COLOR is set)\n"
	      "  -M, --no-mouse          UI: do not use the mouse\n"
	      "  -d, --delay SECONDS     UI: refresh clock and durations every SECONDS (default 1)\n"
	      "\n"
	      "  -h, --help              this help\n"
	      "  -V, --version           version, and the ncurses and PCRE2 versions in use\n"
	      "\n"
	      "Exit status: 0 success, 1 a file could not be read, 2 usage error.\n"
	      "See sftptop(1) for the keys, the JSON format and the server set-up.\n",
	      f);
}

/*
 * The UI and --follow wait for a file that goes away later (rotation), but
 * a file that cannot be read when they start is a mistake to report at once,
 * the way the batch reader (ingest.c) words it. Returns 0, or 1 after one line.
 */
/* Every file readable as a log, before the UI or the follower starts (ingest_check_file). */
static int check_files(const char *const *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ingest_check_file(files[i]) != 0)
			return 1;
	return 0;
}

static noreturn void bad_usage(const char *what, const char *arg)
{
	fprintf(stderr, "sftptop: %s '%s'", what, arg);
	fputs(" (see sftptop --help)\n", stderr);
	exit(2);
}

static void version(void)
{
	char pcre[64] = "?";

	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	printf("sftptop %s\n%s\nPCRE2 %s\nzlib %s\n", SFTPTOP_VERSION, ui_curses_version(), pcre, zlibVersion());
}

int main(int argc, char **argv)
{
	struct filter flt;
	struct report_opts ro = { .format = RF_TEXT };
	struct ingest_opts io = { 0 };
	struct model_opts mo = { 0 };
	const char **chroot = NULL;
	size_t nchroot = 0;
	bool report = false, no_color = false;
	bool follow = false, rotated = false;   /* follow mode (follow.c) */
	bool no_mouse = false, replay = false;  /* UI (ui/ui.c) */
	double replay_speed = 0, delay = 0;
	int64_t idle_timeout = 0;
	int64_t keep = -1;          /* --keep: -1 = the mode's default */
	int64_t now = ltime_local_wall(time(NULL));
	int c, rc;

	setlocale(LC_ALL, "");
#ifdef M_MMAP_THRESHOLD
	/*
	 * The model's big tables in mappings of their own: they grow without a
	 * copy and go back to the system when a larger one replaces them (glibc
	 * would otherwise raise the threshold and keep freed tables in the heap).
	 */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
	/* --doctor takes options of its own (doctor.c): --doctor-root, --sshd-config, ... */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--doctor") == 0)
			return doctor_main(argc, argv);
	filter_init(&flt);
	opterr = 0;   /* one line of our own on a bad option, not getopt's two */
	while ((c = getopt_long(argc, argv, ":fRu:p:CMd:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_REPORT:
			report = true;
			if (optarg == NULL || strcmp(optarg, "text") == 0)
				ro.format = RF_TEXT;
			else if (strcmp(optarg, "json") == 0)
				ro.format = RF_JSON;
			else if (strcmp(optarg, "csv") == 0)
				ro.format = RF_CSV;
			else if (strcmp(optarg, "summary") == 0)
				ro.format = RF_SUMMARY;
			else
				bad_usage("unknown report format (text, json, csv or summary):", optarg);
			break;
		case 'u': free(flt.user); flt.user = xstrdup(optarg); break;
		case 'p': free(flt.path); flt.path = xstrdup(optarg); break;
		case OPT_IP: free(flt.ip); flt.ip = xstrdup(optarg); break;
		case OPT_HOST: free(flt.host); flt.host = xstrdup(optarg); break;
		case OPT_SINCE:
			if (ltime_parse_arg(optarg, now, &flt.since) != 0)
				bad_usage("bad time (use 2026-11-24, 2026-11-24T11:00, 11:00 or 2h):", optarg);
			flt.has_since = true;
			break;
		case OPT_UNTIL:
			if (ltime_parse_arg(optarg, now, &flt.until) != 0)
				bad_usage("bad time (use 2026-11-24, 2026-11-24T11:00, 11:00 or 2h):", optarg);
			flt.has_until = true;
			break;
		case OPT_DELETIONS: flt.deletions = true; break;
		case OPT_CHROOT:
			chroot = xrealloc(chroot, (nchroot + 1) * sizeof(*chroot));
			chroot[nchroot++] = optarg;
			break;
		case OPT_YEAR: {
			char *end;
			long y = strtol(optarg, &end, 10);   /* NOLINT(clang-analyzer-core.NonNullParamChecker): getopt sets optarg for a required argument */
			if (*end != '\0' || y < 1970 || y > 2105)
				bad_usage("bad year:", optarg);
			io.year = (int)y;
			break;
		}
		case OPT_NOISE: ro.noise = true; break;
		case 'C': no_color = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': version(); return 0;
		case 'f': follow = true; break;
		case 'R': rotated = true; break;
		case OPT_IDLE:
			if (follow_parse_duration(optarg, &idle_timeout) != 0)
				bad_usage("bad duration (use 90s, 30m, 4h or 2d):", optarg);
			break;
		case 'M': no_mouse = true; break;
		case 'd': {
			char *end;
			delay = strtod(optarg, &end);   /* NOLINT(clang-analyzer-core.NonNullParamChecker): as above */
			if (*end != '\0' || !(delay >= 0.1 && delay <= 3600))
				bad_usage("bad delay (seconds, 0.1 to 3600):", optarg);
			break;
		}
		case OPT_REPLAY: {
			char *end;
			replay = true;
			replay_speed = optarg != NULL ? strtod(optarg, &end) : 60;
			if (optarg != NULL && (*end != '\0' || !(replay_speed > 0)))
				bad_usage("bad replay speed:", optarg);
			break;
		}
		case OPT_KEEP:
			if (follow_parse_duration(optarg, &keep) != 0)
				bad_usage("bad duration (use 12h, 7d, 0 for everything):", optarg);
			break;
		case OPT_DOCTOR:
			/* accepted here, acted on by the modes that use them */
			break;
		case ':':
			fprintf(stderr, "sftptop: option %s needs a value (see sftptop --help)\n", argv[optind - 1]);
			return 2;
		default:
			if (strncmp(argv[optind - 1], "--", 2) != 0)
				fprintf(stderr, "sftptop: unknown option -%c (see sftptop --help)\n", optopt);
			else if (strchr(argv[optind - 1], '=') != NULL)
				fprintf(stderr, "sftptop: unknown option or unexpected value: %s (see sftptop --help)\n",
				        argv[optind - 1]);
			else
				fprintf(stderr, "sftptop: unknown option %s (see sftptop --help)\n", argv[optind - 1]);
			return 2;
		}
	}

	if (!report && !isatty(STDOUT_FILENO) && getenv("SFTPTOP_BENCH_UI") == NULL)
		report = true;
	if (!report && !follow) {
		/* the ncurses UI (ui/ui.c) */
		const char *ui_def[] = { DEFAULT_LOG };
		struct ui_opts uo = {
			.files = optind < argc ? (const char *const *)argv + optind : ui_def,
			.nfiles = optind < argc ? (size_t)(argc - optind) : 1,
			.filter = &flt, .color = !no_color && getenv("NO_COLOR") == NULL,
			.mouse = !no_mouse, .delay_ms = (int)(delay * 1000), .replay = replay,
			.replay_speed = replay_speed, .chroot = chroot, .nchroot = nchroot, .year = io.year,
			.idle_timeout = idle_timeout, .rotated = rotated, .noise = ro.noise,
			.keep = keep >= 0 ? keep : KEEP_LIVE_DEFAULT,
		};
		rc = check_files(uo.files, uo.nfiles);
		if (rc == 0)
			rc = ui_run(&uo);
		filter_clear(&flt);
		free(chroot);
		return rc;
	}
	ro.color = !no_color && getenv("NO_COLOR") == NULL && isatty(STDOUT_FILENO) && ro.format == RF_TEXT;
	ro.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (!isatty(STDOUT_FILENO))
		ro.utf8 = true;   /* files and pipes get the real names; control bytes are still escaped */

	mo.chroot = chroot;
	mo.nchroot = nchroot;
	struct model *m = model_new(&mo);
	/* following runs for weeks: keep a window; a report keeps all unless told */
	if (follow || keep > 0) {
		model_set_keep(m, keep >= 0 ? keep : KEEP_LIVE_DEFAULT);
		io.compact = !follow;
	}
	io.has_since = flt.has_since;
	io.since = flt.since;
	struct ingest *in = ingest_new(m, &io);
	const char *def[] = { DEFAULT_LOG };
	const char *const *files = optind < argc ? (const char *const *)argv + optind : def;
	size_t nfiles = optind < argc ? (size_t)(argc - optind) : 1;

	/* follow mode (follow.c): history, then new events as they come */
	if (follow) {
		if (check_files(files, nfiles) != 0) {
			rc = 1;
			goto done;
		}
		struct follow_opts fo = { .files = files, .nfiles = nfiles, .rotated = rotated, .m = m,
			.in = in, .flt = filter_empty(&flt) ? NULL : &flt, .ro = &ro,
			.idle_timeout = idle_timeout, .diag = stderr };
		rc = follow_run(&fo);
		goto done;
	}
	char **rfiles = NULL;
	size_t nrfiles = rotated ? rotated_expand(files, nfiles, &rfiles) : 0;
	rc = ingest_files(in, rotated ? (const char *const *)rfiles : files, rotated ? nrfiles : nfiles) == 0 ? 0 : 1;
	rotated_free(rfiles, nrfiles);
	if (rc == 0) {
		/* the loading threads are done: only this thread writes, so stdio need not lock per call */
		__fsetlocking(stdout, FSETLOCKING_BYCALLER);
		ro.threads = util_threads(2);
		report_write(stdout, m, filter_empty(&flt) ? NULL : &flt, &ro);
		if (fflush(stdout) != 0 && errno != EPIPE) {
			util_fatal_message("cannot write the report: %s", strerror(errno));
			rc = 1;
		}
	}
done:
	ingest_free(in);
	model_free(m);
	filter_clear(&flt);
	free(chroot);
	return rc;
}
