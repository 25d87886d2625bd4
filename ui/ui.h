/*
 * ui: the interactive terminal program. main.c parses the command line and
 * calls ui_run() when stdout is a terminal and no --report was asked for.
 */
#ifndef SFTPTOP_UI_H
#define SFTPTOP_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"

struct ui_opts {
	const char *const *files;   /* logs to read and follow ("-" = stdin) */
	size_t nfiles;              /* 0: /var/log/sftp.log */
	const struct filter *filter;   /* command-line filters (copied; may be NULL) */
	bool color;                 /* false for -C/--no-color or NO_COLOR set */
	bool mouse;                 /* false for -M */
	int delay_ms;               /* -d SECONDS * 1000: clock and durations refresh (0 = 1000) */
	bool replay;                /* --replay[=SPEED] */
	double replay_speed;        /* 0 = 60 */
	const char *const *chroot;  /* --chroot rules, as model_opts */
	size_t nchroot;
	int year;                   /* --year, 0 = infer */
	int64_t idle_timeout;       /* --idle-timeout in µs: a live session silent that long is lost; 0 = 4 h */
	bool rotated;               /* -R: read each file's rotated predecessors first */
	bool noise;                 /* start with navigation noise shown */
	int64_t keep;               /* --keep in µs: retention window (model_set_keep), 0 = everything */
};

/*
 * Run until the user quits. Returns the exit status (0, or 1 after printing
 * one line on stderr when the terminal or a file could not be opened).
 * With SFTPTOP_BENCH_UI=1 in the environment it instead loads the files,
 * times the sessions and timeline screens headless and prints the figures.
 */
int ui_run(const struct ui_opts *o);

/* "ncurses 6.4.20221231", for --version. */
const char *ui_curses_version(void);

#endif
