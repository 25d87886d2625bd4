/*
 * ui: the terminal program. Owns the terminal (set-up, colours with a
 * bold/reverse fallback, SIGWINCH, restoring it on any fatal exit), the view
 * stack, the prompt line, --replay, and the one poll() loop:
 *
 *   poll(terminal, SIGWINCH pipe, the follower's fds; timeout only for the
 *        clock, replay and the follower's own timers)
 *   -> read the log in a bounded batch (history loads while keys work)
 *   -> drain the keys; each handler returns R_* bits
 *   -> if anything is dirty: update the top view's rows, draw once.
 *
 * The model hooks only mark sessions touched (vm.c merges them on the next
 * update) and the screen dirty. Nothing here writes to the server; the only
 * file written is the report x asks for.
 */
#include "ui_int.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <zlib.h>

#include "esc.h"
#include "ltime.h"
#include "report.h"
#include "rotated.h"
#include "util.h"

#define DEFAULT_LOG "/var/log/sftp.log"
#define READ_BATCH ((size_t)4 << 20)
#define LOAD_DRAW_MS 100   /* while the history loads, model changes are drawn this often */
#define IDLE_DEFAULT (INT64_C(4) * 3600 * LTIME_US_PER_SEC)
#define REPLAY_MAX_GAP_US INT64_C(1500000)    /* longest real wait between replayed lines */
#define REPLAY_BATCH 20000

static int winch_pipe[2] = { -1, -1 };
static bool term_up;
static SCREEN *term_screen;
static FILE *term_in;        /* where keys come from: stdin, or /dev/tty when stdin is the log */

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ltime_local_wall(ts.tv_sec) + ts.tv_nsec / 1000;
}

/* ---- terminal ---- */

static void term_restore(void)
{
	if (term_up) {
		term_up = false;
		if (!isendwin())
			endwin();
	}
}

static volatile sig_atomic_t got_winch, got_quit;

/* SIGWINCH, and SIGINT/SIGTERM/SIGHUP (leave cleanly, terminal restored): wake the loop. */
static void on_signal(int sig)
{
	int e = errno;

	if (sig == SIGWINCH)
		got_winch = 1;
	else
		got_quit = 1;
	if (winch_pipe[1] >= 0 && write(winch_pipe[1], "w", 1) < 0) {
		/* the pipe is full: the loop will wake anyway */
	}
	errno = e;
}

static attr_t role_attr[ROLE__COUNT];

attr_t ui_attr(const struct ui *u, enum role r)
{
	(void)u;
	return role_attr[r];
}

static void colours(struct ui *u)
{
	static const struct { enum role r; short fg, bg; attr_t extra; attr_t mono; } tab[] = {
		{ ROLE_HEADER, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
		{ ROLE_TITLE, COLOR_CYAN, -1, A_BOLD, A_BOLD },
		{ ROLE_CURSOR, COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		{ ROLE_DELETED, COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
		{ ROLE_FAILED, COLOR_YELLOW, -1, 0, A_UNDERLINE },
		{ ROLE_LIVE, COLOR_GREEN, -1, A_BOLD, A_BOLD },
		{ ROLE_DIM, COLOR_BLUE, -1, 0, A_DIM },
		{ ROLE_COLHEAD, COLOR_BLACK, COLOR_GREEN, 0, A_REVERSE },
	};

	role_attr[ROLE_NORMAL] = A_NORMAL;
	u->color = u->o->color && has_colors() && start_color() == OK;
	if (u->color)
		use_default_colors();
	for (size_t i = 0; i < ARRAY_LEN(tab); i++) {
		if (u->color && (short)(i + 1) < COLOR_PAIRS) {
			short bg = tab[i].bg;

			init_pair((short)(i + 1), tab[i].fg, bg);
			role_attr[tab[i].r] = COLOR_PAIR(i + 1) | tab[i].extra;
		} else {
			role_attr[tab[i].r] = tab[i].mono;
		}
	}
}

static int term_open(struct ui *u)
{
	FILE *in = stdin;
	const char *term = getenv("TERM");

	term_in = NULL;

	if (!isatty(STDIN_FILENO)) {
		in = fopen("/dev/tty", "r");
		if (in == NULL) {
			fprintf(stderr, "sftptop: no terminal to read keys from (%s)\n", strerror(errno));
			return -1;
		}
		term_in = in;
	}
	term_screen = newterm(term != NULL && *term != '\0' ? term : "vt100", stdout, in);
	if (term_screen == NULL) {
		fprintf(stderr, "sftptop: cannot use the terminal '%s' (set TERM, or use --report)\n",
			term != NULL ? term : "");
		return -1;
	}
	term_up = true;
	util_set_fatal_hook(term_restore);
	set_escdelay(50);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	colours(u);
	if (u->mouse) {
		mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED |
			  BUTTON5_PRESSED, NULL);
		mouseinterval(200);
	}
	if (pipe(winch_pipe) == 0) {
		struct sigaction sa;

		fcntl(winch_pipe[0], F_SETFL, O_NONBLOCK);
		fcntl(winch_pipe[1], F_SETFL, O_NONBLOCK);
		fcntl(winch_pipe[0], F_SETFD, FD_CLOEXEC);
		fcntl(winch_pipe[1], F_SETFD, FD_CLOEXEC);
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESTART;
		sigaction(SIGWINCH, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}
	getmaxyx(stdscr, u->rows, u->cols);
	return 0;
}

static void term_close(void)
{
	/* the terminal first: a second SIGTERM/SIGHUP of a storm may kill us the moment the handlers go */
	term_restore();
	signal(SIGWINCH, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (term_screen != NULL) {
		delscreen(term_screen);
		term_screen = NULL;
	}
	if (term_in != NULL) {
		fclose(term_in);
		term_in = NULL;
	}
	for (int i = 0; i < 2; i++)
		if (winch_pipe[i] >= 0) {
			close(winch_pipe[i]);
			winch_pipe[i] = -1;
		}
	util_set_fatal_hook(NULL);
}

static void term_resize(struct ui *u)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	getmaxyx(stdscr, u->rows, u->cols);
	for (int i = 0; i < u->depth; i++)
		if (u->stack[i]->ops->resize != NULL)
			u->stack[i]->ops->resize(u, u->stack[i], u->rows, u->cols);
	u->clear = u->dirty = true;
}

/* ---- views ---- */

struct view *ui_top(struct ui *u)
{
	return u->stack[u->depth - 1];
}

static void view_free(struct view *v)
{
	if (v->ops->free != NULL)
		v->ops->free(v);
	free(v);
}

void ui_push(struct ui *u, struct view *v)
{
	if (u->depth == UI_STACK) {
		/* forget the oldest view above the sessions list */
		view_free(u->stack[1]);
		memmove(&u->stack[1], &u->stack[2], (UI_STACK - 2) * sizeof(u->stack[0]));   /* NOLINT(bugprone-sizeof-expression): an array of pointers */
		u->depth--;
	}
	u->stack[u->depth++] = v;
	if (v->ops->update != NULL)
		v->ops->update(u, v);
	u->dirty = true;
}

static void ui_pop(struct ui *u)
{
	if (u->depth <= 1)
		return;
	view_free(u->stack[--u->depth]);
	u->dirty = true;
}

void ui_open_session(struct ui *u, uint32_t sess)
{
	if (sess < model_nsessions(u->m))
		ui_push(u, view_session_new(u, sess));
}

void ui_open_file(struct ui *u, uint32_t file)
{
	if (file != MODEL_NONE && file < model_nfiles(u->m))
		ui_push(u, view_file_new(u, file));
}

void ui_set_status(struct ui *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->status, sizeof(u->status), fmt, ap);
	va_end(ap);
	u->status_until = mono_us() / 1000 + 4000;
	u->dirty = true;
}

/* The filter changed: every list is rebuilt. */
static void filter_changed(struct ui *u)
{
	vm_sessions_invalidate(&u->sessions);
	for (int i = 1; i < u->depth; i++) {
		struct view *v = u->stack[i];

		if (v->ops->invalidate != NULL)
			v->ops->invalidate(v);
	}
	u->dirty = true;
}

static int apply_filter(struct ui *u, const char *text, bool quiet)
{
	struct filter f;
	const char *err = NULL;

	filter_init(&f);
	if (filter_parse(&f, text, u->now, &err) != 0) {
		filter_clear(&f);
		if (!quiet)
			ui_set_status(u, "filter: %s", err != NULL ? err : "not understood");
		return -1;
	}
	filter_clear(&u->filter);
	u->filter = f;
	snprintf(u->filter_text, sizeof(u->filter_text), "%s", text);
	filter_changed(u);
	return 0;
}

/* ---- model hooks ---- */

static void hook_event(void *ctx, uint32_t ev)
{
	struct ui *u = ctx;

	vm_sessions_event(&u->sessions, u->m, ev);
	vm_sessions_touch(&u->sessions, model_event(u->m, ev)->sess);
	u->model_dirty = u->model_changed = true;
}

static void hook_status(void *ctx, uint32_t ev)
{
	struct ui *u = ctx;

	vm_sessions_touch(&u->sessions, model_event(u->m, ev)->sess);
	u->model_dirty = u->model_changed = true;
}

static void hook_compacted(void *ctx)
{
	struct ui *u = ctx;

	u->compacted = true;
}

/* After a compaction: every id a view holds is carried over, or its view closes. */
static void ui_remap(struct ui *u)
{
	int j = 1;

	u->compacted = false;
	vm_sessions_remap(&u->sessions, u->m);
	for (int i = 1; i < u->depth; i++) {
		struct view *v = u->stack[i];

		if (v->ops->remap != NULL && !v->ops->remap(u, v)) {
			view_free(v);
			continue;
		}
		u->stack[j++] = v;
	}
	if (j < u->depth)
		ui_set_status(u, "older sessions left the --keep window; their views were closed");
	u->depth = j;
	u->dirty = u->model_changed = true;
}

static void hook_session(void *ctx, uint32_t sess, enum model_change what)
{
	struct ui *u = ctx;

	(void)what;
	vm_sessions_touch(&u->sessions, sess);
	u->model_dirty = u->model_changed = true;
}

static void tail_line(void *ctx, const char *line, size_t len)
{
	struct ui *u = ctx;

	if (u->pipe != NULL)
		ingest_pipe_line(u->pipe, line, len);
	else
		ingest_line(u->in, line, len);
}

static void tail_lines(void *ctx, const char *buf, size_t len)
{
	struct ui *u = ctx;

	if (u->pipe != NULL)
		ingest_pipe_lines(u->pipe, buf, len);
	else
		ingest_buffer(u->in, buf, len, true);
}

static void tail_status(void *ctx, enum tail_status st, const char *path, const char *msg)
{
	struct ui *u = ctx;
	char safe[256];

	(void)path;
	if (st == TS_CAUGHT_UP || st == TS_OPENED || msg == NULL)
		return;
	esc_term(safe, sizeof(safe), msg, strlen(msg), u->utf8);
	ui_set_status(u, "%s", safe);
}

/* Live sessions silent for --idle-timeout are lost (the server never logged their end). */
static void check_lost(struct ui *u)
{
	int64_t idle = u->o->idle_timeout > 0 ? u->o->idle_timeout : IDLE_DEFAULT;
	size_t n = model_nsessions(u->m);

	for (size_t i = 0; i < n; i++) {
		const struct model_session *s = model_session(u->m, (uint32_t)i);

		if (s->state == SS_OPEN && u->now - s->last > idle)
			model_mark_lost(u->m, (uint32_t)i);
	}
}

/* ---- replay ---- */

struct replay {
	const char *const *files;
	size_t nfiles, cur;
	gzFile gz;
	char *line;
	size_t len, cap;
	bool have, has_t, eof, started;
	int64_t t;              /* the pending line's time (UTC-comparable µs) */
	int64_t base_log;       /* log µs at base_real */
	int64_t base_real;      /* monotonic µs */
	int64_t wall_minus_utc; /* calibrated from the events the lines make */
	int64_t log_now;
};

static bool replay_read(struct ui *u, struct replay *rp)
{
	char buf[8192];

	for (;;) {
		if (rp->gz == NULL) {
			if (rp->cur >= rp->nfiles)
				return false;
			rp->gz = strcmp(rp->files[rp->cur], "-") == 0 ? gzdopen(dup(STDIN_FILENO), "rb")
								      : gzopen(rp->files[rp->cur], "rb");
			rp->cur++;
			if (rp->gz == NULL) {
				ui_set_status(u, "replay: cannot open a file: %s", strerror(errno));
				continue;
			}
		}
		rp->len = 0;
		while (gzgets(rp->gz, buf, sizeof(buf)) != NULL) {
			size_t k = strlen(buf);

			xgrow(&rp->line, &rp->cap, rp->len + k + 1, 1);
			memcpy(rp->line + rp->len, buf, k);
			rp->len += k;
			if (k > 0 && buf[k - 1] == '\n')
				break;
		}
		if (rp->len > 0) {
			if (rp->line[rp->len - 1] == '\n')
				rp->len--;
			return true;
		}
		gzclose(rp->gz);
		rp->gz = NULL;
	}
}

static void replay_feed(struct ui *u, struct replay *rp)
{
	size_t nev = model_nevents(u->m);

	ingest_line(u->in, rp->line, rp->len);
	if (rp->has_t && model_nevents(u->m) > nev)
		rp->wall_minus_utc = model_event_time(model_event(u->m, (uint32_t)(model_nevents(u->m) - 1))) - rp->t;
	rp->have = false;
}

/* Feed the lines that are due; returns ms until the next one (-1: none, or paused). */
static int replay_step(struct ui *u, struct replay *rp)
{
	int64_t real = mono_us();
	size_t fed = 0;

	if (u->paused || rp->eof)
		return -1;
	for (;;) {
		if (!rp->have) {
			if (!replay_read(u, rp)) {
				rp->eof = true;
				ui_set_status(u, "replay: end of the log");
				return -1;
			}
			rp->have = true;
			rp->has_t = ingest_line_time(u->in, rp->line, rp->len, &rp->t);
		}
		if (!rp->has_t) {
			replay_feed(u, rp);
			continue;
		}
		if (!rp->started) {
			rp->started = true;
			rp->base_log = rp->t;
			rp->base_real = real;
		}
		rp->log_now = rp->base_log + (int64_t)((double)(real - rp->base_real) * u->speed);
		if (rp->t <= rp->log_now) {
			replay_feed(u, rp);
			if (++fed >= REPLAY_BATCH)
				return 0;
			continue;
		}
		/* not due yet: shorten long quiet gaps so a demo never stalls */
		{
			int64_t wait = (int64_t)((double)(rp->t - rp->log_now) / u->speed);

			if (wait > REPLAY_MAX_GAP_US) {
				rp->base_log += (int64_t)((double)(wait - REPLAY_MAX_GAP_US) * u->speed);
				wait = REPLAY_MAX_GAP_US;
			}
			return (int)(wait / 1000) + 1;
		}
	}
}

/* Re-anchor the replay clock (before a pause or a speed change). */
static void replay_rebase(struct ui *u, struct replay *rp)
{
	int64_t real = mono_us();

	if (rp->started && !u->paused)
		rp->base_log += (int64_t)((double)(real - rp->base_real) * u->speed);
	rp->base_real = real;
	rp->log_now = rp->base_log;
}

/* ---- drawing ---- */

static void draw_header(struct ui *u)
{
	const struct model_stats *st = model_stats(u->m);
	attr_t h = ui_attr(u, ROLE_HEADER);
	char left[600], right[160], clock[40], mode[64], line[900];
	size_t n = model_nsessions(u->m);
	int rw;

	if (u->model_changed) {
		/* a pass over the sessions only after the model changed */
		u->nlive = 0;
		for (size_t i = 0; i < n; i++)
			u->nlive += model_session(u->m, (uint32_t)i)->state == SS_OPEN;
		u->model_changed = false;
	}
	{
		char files[400];
		const char *f0 = u->o->nfiles > 0 ? u->o->files[0] : DEFAULT_LOG;

		esc_term(files, sizeof(files), f0, strlen(f0), u->utf8);
		if (u->o->nfiles > 1)
			snprintf(left, sizeof(left), " sftptop  %s (+%zu)", files, u->o->nfiles - 1);
		else
			snprintf(left, sizeof(left), " sftptop  %s", files);
	}
	ltime_iso(clock, u->now, NULL, 0);
	clock[19] = '\0';
	clock[10] = ' ';
	if (u->rp != NULL)
		snprintf(mode, sizeof(mode), "%s %gx", u->paused ? "REPLAY PAUSED" : u->rp->eof ? "REPLAY END" : "REPLAY",
			 u->speed);
	else
		snprintf(mode, sizeof(mode), "%s", u->paused ? "PAUSED" : u->loading ? "LOADING" :
			 u->tail == NULL || tail_done(u->tail) ? "STATIC" : "LIVE");
	snprintf(right, sizeof(right), "%s  %s ", mode, clock);
	rw = draw_width(u, right);
	draw_text(u, 0, 0, u->cols - rw, left, h, true);
	draw_text(u, 0, u->cols - rw, rw, right, h | A_BOLD, true);

	{
		char fdesc[300] = "";

		if (u->filter_text[0] != '\0') {
			char esc[280];

			esc_term(esc, sizeof(esc), u->filter_text, strlen(u->filter_text), u->utf8);
			snprintf(fdesc, sizeof(fdesc), "  filter: %s", esc);
		}
		snprintf(line, sizeof(line), " %zu live / %zu sessions  %llu lines, %llu unparsed  %llu deletions%s",
			 u->nlive, n, (unsigned long long)st->lines, (unsigned long long)st->unparsed_lines,
			 (unsigned long long)st->deletions, fdesc);
	}
	draw_text(u, 1, 0, u->cols, line, A_NORMAL, true);
}

static void draw_status(struct ui *u)
{
	int y = u->rows - 1;
	char line[800];

	if (u->prompt != P_NONE) {
		static const char *const label[] = { "", "/", "filter: ", "write report to: " };
		char esc[700];
		int x;

		esc_term(esc, sizeof(esc), u->pbuf, u->plen, u->utf8);
		x = draw_text(u, y, 0, u->cols, label[u->prompt], A_BOLD, false);
		x += draw_text(u, y, x, u->cols - x - 1, esc, A_NORMAL, false);
		draw_text(u, y, x, u->cols - x, "", A_NORMAL, true);
		move(y, x < u->cols ? x : u->cols - 1);
		return;
	}
	if (u->loading && u->load_total > 0) {
		struct tail_stats ts;
		int barw = u->cols / 3, fill;
		double frac;
		char bar[256];

		tail_get_stats(u->tail, &ts);
		frac = (double)ts.bytes / (double)u->load_total;
		if (frac > 1)
			frac = 1;
		if (barw > (int)sizeof(bar) - 1)
			barw = (int)sizeof(bar) - 1;
		fill = (int)(frac * barw);
		for (int i = 0; i < barw; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[barw] = '\0';
		snprintf(line, sizeof(line), " loading history %3d%% [%s]", (int)(frac * 100), bar);
		draw_text(u, y, 0, u->cols, line, ui_attr(u, ROLE_TITLE), true);
		return;
	}
	if (u->status[0] != '\0' && mono_us() / 1000 < u->status_until) {
		snprintf(line, sizeof(line), " %s", u->status);
		draw_text(u, y, 0, u->cols, line, ui_attr(u, ROLE_TITLE), true);
		return;
	}
	u->status[0] = '\0';
	draw_text(u, y, 0, u->cols,
		  u->rp != NULL ? " F1 help  / search  \\ filter  u users  D deletions  Space pause  + - speed  q quit"
				: " F1 help  / search  \\ filter  u users  D deletions  x save  Space pause  q quit",
		  ui_attr(u, ROLE_DIM), true);
}

static void draw_all(struct ui *u)
{
	struct view *v = ui_top(u);
	char title[1200];
	int body;

	if (u->clear) {
		clearok(curscr, TRUE);
		u->clear = false;
	}
	erase();
	getmaxyx(stdscr, u->rows, u->cols);
	draw_header(u);
	title[0] = '\0';
	v->ops->title(u, v, title, sizeof(title));
	draw_text(u, 2, 0, u->cols, title, ui_attr(u, ROLE_TITLE), true);
	body = u->rows - 4;
	if (body >= 2)
		v->ops->draw(u, v, 3, body, u->cols);
	draw_status(u);
	curs_set(u->prompt != P_NONE ? 1 : 0);
	refresh();
}

/* ---- keys ---- */

static struct vm_list *top_list(struct ui *u)
{
	struct view *v = ui_top(u);

	return v->ops->list != NULL ? v->ops->list(v) : NULL;
}

static int page(struct ui *u)
{
	int h = ui_top(u)->body_h;

	return h > 1 ? h - 1 : 1;
}

static int list_key(struct ui *u, enum action a)
{
	struct vm_list *l = top_list(u);

	if (l == NULL)
		return 0;
	switch (a) {
	case A_UP: vm_list_move(l, -1); break;
	case A_DOWN: vm_list_move(l, 1); break;
	case A_PGUP: vm_list_move(l, -page(u)); break;
	case A_PGDN: vm_list_move(l, page(u)); break;
	case A_HOME: vm_list_set(l, 0); break;
	case A_END: vm_list_set(l, l->n ? l->n - 1 : 0); break;
	default: return 0;
	}
	return R_HANDLED | R_REDRAW;
}

/* Search the top view's rows from row start in direction dir (wrapping). */
static bool search_from(struct ui *u, size_t start, int dir, bool include_start)
{
	struct view *v = ui_top(u);
	struct vm_list *l = top_list(u);
	char text[2048];

	if (l == NULL || l->n == 0 || v->ops->row_text == NULL || u->search[0] == '\0')
		return false;
	for (size_t k = include_start ? 0 : 1; k <= l->n; k++) {
		size_t r = dir > 0 ? (start + k) % l->n : (start + l->n - k % l->n) % l->n;

		v->ops->row_text(u, v, r, text, sizeof(text));
		if (vm_match(text, u->search)) {
			vm_list_set(l, r);
			return true;
		}
	}
	return false;
}

static void find_bad(struct ui *u, int dir)
{
	struct view *v = ui_top(u);
	struct vm_list *l = top_list(u);

	if (l == NULL || l->n == 0 || v->ops->row_bad == NULL)
		return;
	for (size_t k = 1; k < l->n; k++) {
		size_t r = dir > 0 ? l->cur + k : l->cur - k;

		if (dir > 0 ? r >= l->n : k > l->cur)
			break;
		if (v->ops->row_bad(u, v, r)) {
			vm_list_set(l, r);
			return;
		}
	}
	ui_set_status(u, "no %s deletion or failure", dir > 0 ? "further" : "earlier");
}

static void start_prompt(struct ui *u, enum prompt_kind k, const char *init)
{
	struct vm_list *l = top_list(u);

	u->prompt = k;
	snprintf(u->pbuf, sizeof(u->pbuf), "%s", init);
	u->plen = strlen(u->pbuf);
	u->prompt_origin = l != NULL ? l->cur : 0;
	u->dirty = true;
}

static void export_view(struct ui *u, const char *path)
{
	struct view *v = ui_top(u);
	FILE *f;
	char esc[300];

	esc_term(esc, sizeof(esc), path, strlen(path), u->utf8);
	if (v->ops->write == NULL) {
		ui_set_status(u, "this view has nothing to write");
		return;
	}
	f = fopen(path, "w");
	if (f == NULL) {
		ui_set_status(u, "cannot write %s: %s", esc, strerror(errno));
		return;
	}
	v->ops->write(u, v, f);
	if (fclose(f) != 0)
		ui_set_status(u, "cannot write %s: %s", esc, strerror(errno));
	else
		ui_set_status(u, "wrote the %s view to %s", v->ops->name, esc);
}

static void prompt_changed(struct ui *u)
{
	if (u->prompt == P_SEARCH) {
		struct vm_list *l = top_list(u);

		snprintf(u->search, sizeof(u->search), "%s", u->pbuf);
		if (l != NULL) {
			vm_list_set(l, u->prompt_origin);
			search_from(u, u->prompt_origin, 1, true);
		}
	} else if (u->prompt == P_FILTER) {
		apply_filter(u, u->pbuf, true);
	}
	u->dirty = true;
}

static void prompt_key(struct ui *u, wint_t c, bool fn)
{
	if ((fn && c == KEY_ENTER) || (!fn && (c == '\n' || c == '\r'))) {
		enum prompt_kind k = u->prompt;

		u->prompt = P_NONE;
		if (k == P_FILTER && apply_filter(u, u->pbuf, false) == 0)
			ui_set_status(u, u->plen ? "filter on" : "filter off");
		else if (k == P_SEARCH && u->search[0] != '\0' && !search_from(u, u->prompt_origin, 1, true))
			ui_set_status(u, "not found");
		else if (k == P_EXPORT && u->plen > 0)
			export_view(u, u->pbuf);
		u->dirty = true;
		return;
	}
	if (!fn && c == 27) {
		u->prompt = P_NONE;
		u->dirty = true;
		return;
	}
	if ((fn && c == KEY_BACKSPACE) || (!fn && (c == 127 || c == 8))) {
		while (u->plen > 0 && ((unsigned char)u->pbuf[u->plen - 1] & 0xc0) == 0x80)
			u->plen--;
		if (u->plen > 0)
			u->plen--;
		u->pbuf[u->plen] = '\0';
		prompt_changed(u);
		return;
	}
	if (!fn && c == 21) {   /* Ctrl-U */
		u->plen = 0;
		u->pbuf[0] = '\0';
		prompt_changed(u);
		return;
	}
	if (!fn && c >= 32 && c != 127) {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		size_t k;

		memset(&st, 0, sizeof(st));
		k = wcrtomb(mb, (wchar_t)c, &st);
		if (k == (size_t)-1 || u->plen + k >= sizeof(u->pbuf))
			return;
		memcpy(u->pbuf + u->plen, mb, k);
		u->plen += k;
		u->pbuf[u->plen] = '\0';
		prompt_changed(u);
	}
}

static int global_key(struct ui *u, enum action a)
{
	switch (a) {
	case A_QUIT:
		if (u->depth > 1)
			return R_HANDLED | R_BACK;
		return R_HANDLED | R_QUIT;
	case A_BACK:
		return R_HANDLED | R_BACK;
	case A_EXIT:
		return R_HANDLED | R_QUIT;
	case A_HELP:
		if (strcmp(ui_top(u)->ops->name, "help") != 0)
			ui_push(u, view_help_new(u));
		return R_HANDLED | R_REDRAW;
	case A_SEARCH:
		start_prompt(u, P_SEARCH, "");
		return R_HANDLED | R_REDRAW;
	case A_NEXT:
	case A_PREV:
		if (u->search[0] == '\0')
			ui_set_status(u, "no search yet: press /");
		else if (top_list(u) != NULL && !search_from(u, top_list(u)->cur, a == A_NEXT ? 1 : -1, false))
			ui_set_status(u, "not found");
		return R_HANDLED | R_REDRAW;
	case A_FILTER:
		start_prompt(u, P_FILTER, u->filter_text);
		return R_HANDLED | R_REDRAW;
	case A_USERS:
		ui_push(u, view_users_new(u));
		return R_HANDLED | R_REDRAW;
	case A_DELETIONS:
		ui_push(u, view_deletions_new(u));
		return R_HANDLED | R_REDRAW;
	case A_PAUSE:
		if (u->rp != NULL)
			replay_rebase(u, u->rp);
		u->paused = !u->paused;
		ui_set_status(u, u->paused ? "paused: Space resumes" : "resumed");
		return R_HANDLED | R_REDRAW | R_UPDATE;
	case A_NEXT_BAD:
	case A_PREV_BAD:
		find_bad(u, a == A_NEXT_BAD ? 1 : -1);
		return R_HANDLED | R_REDRAW;
	case A_REDRAW:
		return R_HANDLED | R_REDRAW | R_CLEAR;
	case A_EXPORT: {
		char def[64];

		snprintf(def, sizeof(def), "sftptop-%s.txt", ui_top(u)->ops->name);
		start_prompt(u, P_EXPORT, def);
		return R_HANDLED | R_REDRAW;
	}
	case A_FASTER:
	case A_SLOWER:
		if (u->rp == NULL)
			return 0;
		replay_rebase(u, u->rp);
		u->speed = a == A_FASTER ? u->speed * 2 : u->speed / 2;
		if (u->speed > 100000)
			u->speed = 100000;
		if (u->speed < 0.25)
			u->speed = 0.25;
		ui_set_status(u, "replay speed %gx", u->speed);
		return R_HANDLED | R_REDRAW;
	default:
		return 0;
	}
}

static void apply_result(struct ui *u, int r)
{
	if (r & R_BACK)
		ui_pop(u);
	if (r & R_QUIT)
		u->quit = true;
	if (r & R_CLEAR)
		u->clear = true;
	if (r & (R_REDRAW | R_UPDATE | R_BACK))
		u->dirty = true;
	if (r & R_UPDATE) {
		/* the filter may have changed (user picker) */
		filter_changed(u);
	}
}

static void do_action(struct ui *u, enum action a)
{
	struct view *v = ui_top(u);
	int r = 0;

	if (a == A_NONE)
		return;
	if (v->ops->key != NULL)
		r = v->ops->key(u, v, a);
	if (!(r & R_HANDLED))
		r = list_key(u, a);
	if (!(r & R_HANDLED))
		r = global_key(u, a);
	apply_result(u, r);
}

static void mouse_event(struct ui *u)
{
	MEVENT me;
	struct view *v = ui_top(u);
	struct vm_list *l = top_list(u);

	if (getmouse(&me) != OK)
		return;
	if (me.bstate & BUTTON4_PRESSED) {
		if (l != NULL)
			vm_list_move(l, -3);
		u->dirty = true;
		return;
	}
	if (me.bstate & BUTTON5_PRESSED) {
		if (l != NULL)
			vm_list_move(l, 3);
		u->dirty = true;
		return;
	}
	if (!(me.bstate & (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON1_PRESSED)))
		return;
	if (me.y == v->body_y - 1) {
		if (view_sessions_click_heading(u, v, me.x))
			u->dirty = true;
		return;
	}
	if (l == NULL || me.y < v->body_y || me.y >= v->body_y + v->body_h)
		return;
	{
		size_t row = l->top + (size_t)(me.y - v->body_y);
		bool again = row == l->cur;

		if (row >= l->n)
			return;
		vm_list_set(l, row);
		u->dirty = true;
		if ((me.bstate & BUTTON1_DOUBLE_CLICKED) || ((me.bstate & BUTTON1_CLICKED) && again))
			do_action(u, A_OPEN);
	}
}

static void read_keys(struct ui *u)
{
	wint_t c;
	int r, n = 0;

	while (n++ < 256 && !u->quit && (r = get_wch(&c)) != ERR) {
		bool fn = r == KEY_CODE_YES;

		if (fn && c == KEY_RESIZE) {
			term_resize(u);
			continue;
		}
		if (fn && c == KEY_MOUSE) {
			if (u->prompt == P_NONE && u->mouse)
				mouse_event(u);
			continue;
		}
		if (u->prompt != P_NONE) {
			prompt_key(u, c, fn);
			continue;
		}
		do_action(u, keys_lookup((int)c, fn));
	}
}

/* ---- set-up and the loop ---- */

static void ui_init(struct ui *u, const struct ui_opts *o)
{
	struct model_opts mo = { .chroot = o->chroot, .nchroot = o->nchroot };
	struct ingest_opts io = { .year = o->year };
	struct model_hooks hooks = { .event = hook_event, .status = hook_status, .session = hook_session,
				     .ctx = u, .compacted = hook_compacted };

	memset(u, 0, sizeof(*u));
	u->o = o;
	u->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	u->mouse = o->mouse;
	u->speed = o->replay_speed > 0 ? o->replay_speed : 60;
	filter_init(&u->filter);
	if (o->filter != NULL) {
		const struct filter *f = o->filter;

		u->filter.user = f->user ? xstrdup(f->user) : NULL;
		u->filter.path = f->path ? xstrdup(f->path) : NULL;
		u->filter.ip = f->ip ? xstrdup(f->ip) : NULL;
		u->filter.host = f->host ? xstrdup(f->host) : NULL;
		u->filter.text = f->text ? xstrdup(f->text) : NULL;
		u->filter.has_since = f->has_since;
		u->filter.has_until = f->has_until;
		u->filter.since = f->since;
		u->filter.until = f->until;
		u->filter.deletions = f->deletions;
		if (!filter_empty(&u->filter))
			filter_describe(&u->filter, u->filter_text, sizeof(u->filter_text));
	}
	io.has_since = u->filter.has_since;
	io.since = u->filter.since;
	u->m = model_new(&mo);
	if (o->keep > 0)
		model_set_keep(u->m, o->keep);
	u->in = ingest_new(u->m, &io);
	model_set_hooks(u->m, &hooks);
	vm_sessions_init(&u->sessions);
	u->now = wall_now();
}

static void ui_fini(struct ui *u)
{
	while (u->depth > 0)
		view_free(u->stack[--u->depth]);
	vm_sessions_free(&u->sessions);
	ingest_pipe_free(u->pipe);
	if (u->tail != NULL)
		tail_free(u->tail);
	model_set_hooks(u->m, NULL);
	ingest_free(u->in);
	model_free(u->m);
	filter_clear(&u->filter);
}

/* Rotated predecessors (-R) and .gz files cannot be followed: read them first. */
static int load_static(struct ui *u, const char *const *files, size_t n, const char ***live, size_t *nlive)
{
	char **exp = NULL;
	size_t nexp = 0;
	const char **stat_files = xcalloc(n * 64 + 1, sizeof(char *));
	size_t ns = 0;
	int rc = 0;

	*live = xcalloc(n + 1, sizeof(char *));
	*nlive = 0;
	if (u->o->rotated)
		nexp = rotated_expand(files, n, &exp);
	for (size_t i = 0; i < n; i++) {
		if (rotated_is_gz(files[i]))
			stat_files[ns++] = files[i];
		else
			(*live)[(*nlive)++] = files[i];
	}
	/* predecessors: everything rotated_expand added that is not a given file */
	for (size_t i = 0; i < nexp && ns < n * 64; i++) {
		bool given = false;

		for (size_t j = 0; j < n; j++)
			given |= strcmp(exp[i], files[j]) == 0;
		if (!given)
			stat_files[ns++] = exp[i];
	}
	if (ns > 0)
		rc = ingest_files(u->in, stat_files, ns);
	rotated_free(exp, nexp);
	free(stat_files);
	return rc;
}

static int run_loop(struct ui *u)
{
	int64_t next_tick = mono_us();
	int delay_ms = u->o->delay_ms > 0 ? u->o->delay_ms : 1000;
	bool caught_up = false;

	u->dirty = true;
	while (!u->quit) {
		struct pollfd pfd[20];
		int n = 0, nt = 0, timeout, rt = -1;
		int64_t now_us;

		/* read a bounded batch of the log */
		if (u->tail != NULL && !u->paused) {
			ingest_set_reference(u->in, wall_now());
			tail_read_some(u->tail, READ_BATCH);
		}
		/* nothing waits in the pipe while the loop may sleep, nor once the history is in */
		if (u->tail != NULL)
			ingest_pipe_settle(&u->pipe, tail_caught_up(u->tail), u->paused || !tail_pending(u->tail));
		if (u->tail != NULL && !u->paused && !caught_up && tail_caught_up(u->tail)) {
			caught_up = true;
			u->loading = false;
			u->now = wall_now();
			check_lost(u);
			u->dirty = true;
		}
		if (u->rp != NULL)
			rt = replay_step(u, u->rp);
		/* the --keep window: only here, where no view is between an id and its use */
		if (u->o->keep > 0)
			model_maybe_compact(u->m, false);
		if (u->compacted)
			ui_remap(u);

		/* the clock */
		now_us = mono_us();
		if (now_us >= next_tick) {
			next_tick = now_us + (int64_t)delay_ms * 1000;
			if (u->rp != NULL) {
				if (u->rp->started)
					u->now = u->rp->log_now + u->rp->wall_minus_utc;
			} else if (!u->paused) {
				u->now = wall_now();
				if (caught_up)
					check_lost(u);
			}
			u->dirty = true;
		}
		/* while the history loads the model changes all the time: a screen every LOAD_DRAW_MS will do */
		if (u->model_dirty && (!u->loading || mono_us() - u->drawn_us >= LOAD_DRAW_MS * 1000))
			u->dirty = true;
		if (u->rp != NULL && u->rp->started && u->dirty)
			u->now = u->rp->log_now + u->rp->wall_minus_utc;

		if (u->dirty) {
			struct view *v = ui_top(u);

			if (v->ops->update != NULL)
				v->ops->update(u, v);
			draw_all(u);
			u->dirty = u->model_dirty = false;
			u->drawn_us = mono_us();
		}

		/* wait */
		pfd[n++] = (struct pollfd){ .fd = term_in != NULL ? fileno(term_in) : STDIN_FILENO, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = winch_pipe[0], .events = POLLIN };
		if (u->tail != NULL) {
			nt = tail_pollfds(u->tail, pfd + n, (int)ARRAY_LEN(pfd) - n);
		}
		timeout = (int)((next_tick - mono_us()) / 1000) + 1;
		if (timeout < 0)
			timeout = 0;
		if (u->tail != NULL && !u->paused) {
			int tt = tail_pending(u->tail) ? 0 : tail_timeout_ms(u->tail);

			if (tt >= 0 && tt < timeout)
				timeout = tt;
		}
		if (rt >= 0 && rt < timeout)
			timeout = rt;
		if (u->model_dirty && timeout > LOAD_DRAW_MS)
			timeout = LOAD_DRAW_MS;
		if (u->status[0] != '\0') {
			int64_t left = u->status_until - mono_us() / 1000;

			if (left >= 0 && left < timeout)
				timeout = (int)left + 1;
		}
		if (poll(pfd, (nfds_t)n + (nfds_t)nt, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[1].fd >= 0 && (pfd[1].revents & POLLIN)) {
			char c[64];

			while (read(winch_pipe[0], c, sizeof(c)) > 0)
				;
		}
		if (got_quit)
			break;
		if (got_winch) {
			got_winch = 0;
			term_resize(u);
		}
		if (u->tail != NULL)
			tail_dispatch(u->tail, pfd + n, nt);
		read_keys(u);
	}
	return 0;
}

/* ---- benchmark: SFTPTOP_BENCH_UI=1 ---- */

static double ms_since(int64_t t0)
{
	return (double)(mono_us() - t0) / 1000.0;
}

static int bench(struct ui *u, const char *const *files, size_t n)
{
	FILE *out, *in;
	SCREEN *scr;
	int64_t t0;
	double full, upd = 0, draw = 0, tl;
	uint32_t best = MODEL_NONE, bestn = 0;
	int iters = 50;
	struct view *fv;

	if (ingest_files(u->in, files, n) != 0)
		return 1;
	out = fopen("/dev/null", "w");
	/* cppcheck-suppress incompatibleFileOpen ; /dev/null: curses wants an input and an output stream */
	in = fopen("/dev/null", "r");
	scr = out != NULL && in != NULL ? newterm("xterm-256color", out, in) : NULL;
	if (scr == NULL && out != NULL && in != NULL)
		scr = newterm("vt100", out, in);
	if (scr == NULL) {
		fprintf(stderr, "sftptop: bench: no terminal description\n");
		if (out != NULL)
			fclose(out);
		if (in != NULL)
			fclose(in);
		return 1;
	}
	term_up = true;
	util_set_fatal_hook(term_restore);
	resize_term(50, 200);
	getmaxyx(stdscr, u->rows, u->cols);
	colours(u);
	u->now = wall_now();
	u->model_changed = true;
	ui_push(u, view_sessions_new(u));

	t0 = mono_us();
	vm_sessions_invalidate(&u->sessions);
	ui_top(u)->ops->update(u, ui_top(u));
	draw_all(u);
	full = ms_since(t0);
	for (int i = 0; i < iters; i++) {
		size_t ns = model_nsessions(u->m);

		for (int k = 0; k < 20 && ns > 0; k++)
			vm_sessions_touch(&u->sessions, (uint32_t)(((size_t)i * 7919 + (size_t)k * 104729) % ns));
		t0 = mono_us();
		u->model_changed = true;
		ui_top(u)->ops->update(u, ui_top(u));
		draw_all(u);
		upd += ms_since(t0);
		vm_list_move(&u->sessions.list, 1);
		t0 = mono_us();
		draw_all(u);
		draw += ms_since(t0);
	}
	for (size_t f = 0; f < model_nfiles(u->m); f++)
		if (model_file(u->m, (uint32_t)f)->nevents > bestn) {
			bestn = model_file(u->m, (uint32_t)f)->nevents;
			best = (uint32_t)f;
		}
	t0 = mono_us();
	fv = view_file_new(u, best);
	ui_push(u, fv);
	draw_all(u);
	tl = ms_since(t0);
	{
		size_t tln = fv->ops->list(fv)->n;

		term_close();
		fclose(out);
		fclose(in);
		printf("ui_sessions_rows %zu\nui_sessions_full_ms %.3f\nui_sessions_update_ms %.3f\n"
		       "ui_sessions_draw_ms %.3f\nui_timeline_events %zu\nui_timeline_ms %.3f\n",
		       u->sessions.list.n, full, upd / iters, draw / iters, tln, tl);
	}
	return 0;
}

int ui_run(const struct ui_opts *o)
{
	struct ui ui, *u = &ui;
	const char *def[] = { DEFAULT_LOG };
	const char *const *files = o->nfiles > 0 ? o->files : def;
	size_t nfiles = o->nfiles > 0 ? o->nfiles : 1;
	const char **live = NULL;
	size_t nlive = 0;
	int rc = 0;
	struct replay rp;

	ui_init(u, o);
	if (getenv("SFTPTOP_BENCH_UI") != NULL) {
		rc = bench(u, files, nfiles);
		ui_fini(u);
		return rc;
	}
	if (o->replay) {
		memset(&rp, 0, sizeof(rp));
		rp.files = files;
		rp.nfiles = nfiles;
		u->rp = &rp;
	} else {
		struct tail_callbacks cb = { .line = tail_line, .status = tail_status, .ctx = u, .lines = tail_lines };

		if (load_static(u, files, nfiles, &live, &nlive) != 0) {
			free(live);
			ui_fini(u);
			return 1;
		}
		if (nlive > 0) {
			u->tail = tail_new(&cb, NULL);
			for (size_t i = 0; i < nlive; i++) {
				const char *err = NULL;
				struct stat st;

				if (tail_add_file(u->tail, live[i], &err) != 0) {
					fprintf(stderr, "sftptop: %s\n", err != NULL ? err : live[i]);
					free(live);
					ui_fini(u);
					return 1;
				}
				if (strcmp(live[i], "-") != 0 && stat(live[i], &st) == 0)
					u->load_total += (uint64_t)st.st_size;
			}
			u->loading = true;
			/* the history loads with helper threads parsing */
			u->pipe = ingest_pipe_new(u->in);
		}
		free(live);
	}
	if (term_open(u) != 0) {
		ui_fini(u);
		return 1;
	}
	ui_push(u, view_sessions_new(u));
	rc = run_loop(u);
	term_close();
	if (u->rp != NULL) {
		if (rp.gz != NULL)
			gzclose(rp.gz);
		free(rp.line);
	}
	ui_fini(u);
	return rc;
}
