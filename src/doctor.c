/*
 * doctor: checks that this machine logs what sftptop needs, and says how
 * to fix what is missing. See doctor.h for the contract.
 *
 * The checks run in this order, each printing its findings as it goes:
 *  1. sshd: the effective sftp command (ForceCommand, else Subsystem sftp)
 *     for the global configuration and for every user a Match block
 *     covers, from `sshd -T [-C user=NAME]` (or saved output, or our own
 *     reading of sshd_config when sshd can't run); its -l level, -f
 *     facility and ChrootDirectory. This yields the syslog tags and
 *     facilities to look for, the jails, and the sftp-only users.
 *  2. every jail: JAIL/dev/log exists, is a socket, accepts a datagram
 *     connect, and a syslog configuration creates it.
 *  3. syslog: the rsyslog (or syslog-ng) rules, evaluated in order for a
 *     line with that tag, facility and priority info, give the files the
 *     lines end in; rules that look meant for sftp but miss it are named;
 *     the daemon must be running (scan of /proc).
 *  4. each such file: exists, readable, recently written, holds sftp lines.
 *  5. logrotate covers each file, and how (copytruncate or create + HUP).
 *  6. the auth log: sftp-only users who logged in and left no
 *     `session opened` line in the sftp log afterwards.
 *
 * Nothing here writes: the only side effect is running sshd -T. Every
 * string that came from a file is printed through esc_term.
 */
#include "doctor.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <glob.h>
#include <langinfo.h>
#include <locale.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "esc.h"
#include "util.h"

#define CONF_MAX (4u << 20)      /* largest configuration file read */
#define TAIL_MAX (4u << 20)      /* how much of a log's end is read */
#define MAX_USERS 200            /* users checked one by one with sshd -T -C */
#define RECENT_SECS (24 * 3600)  /* a log written within this is "growing" */

/* ---- small helpers ---- */

struct strv {
	char **v;
	size_t n, cap;
};

static void strv_add(struct strv *s, const char *str)
{
	xgrow(&s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = xstrdup(str);
}

static bool strv_has(const struct strv *s, const char *str)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], str) == 0)
			return true;
	return false;
}

static void strv_add_uniq(struct strv *s, const char *str)
{
	if (!strv_has(s, str))
		strv_add(s, str);
}

static void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* "a, b, c and 7 more" */
static char *join_names(const struct strv *s, size_t max)
{
	size_t len = 1;
	char *r;

	for (size_t i = 0; i < s->n && i < max; i++)
		len += strlen(s->v[i]) + 2;
	len += 32;
	r = xmalloc(len);
	r[0] = '\0';
	for (size_t i = 0; i < s->n && i < max; i++) {
		/* r was sized for all of it above */
		if (i > 0)
			strcat(r, ", ");   /* NOLINT(clang-analyzer-security.insecureAPI.strcpy) */
		strcat(r, s->v[i]);   /* NOLINT(clang-analyzer-security.insecureAPI.strcpy) */
	}
	if (s->n > max)
		snprintf(r + strlen(r), 32, " and %zu more", s->n - max);
	return r;
}

static char *slurp(const char *path, size_t max, size_t *lenp)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t len;

	if (f == NULL)
		return NULL;
	buf = xmalloc(max + 1);
	len = fread(buf, 1, max, f);
	fclose(f);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

/* The last max bytes of a file, starting at a line boundary. */
static char *slurp_tail(const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf, *nl;
	ssize_t n;
	off_t start = 0;
	size_t len = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size > (off_t)max)
		start = st.st_size - (off_t)max;
	buf = xmalloc(max + 1);
	while (len < max && (n = pread(fd, buf + len, max - len, start + (off_t)len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	if (start > 0 && (nl = memchr(buf, '\n', len)) != NULL)
		memmove(buf, nl + 1, len - (size_t)(nl + 1 - buf) + 1);
	return buf;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* ---- the run's state ---- */

enum sev { SEV_OK, SEV_INFO, SEV_WARN, SEV_PROBLEM };

struct user {
	char *name, *home;
	unsigned uid, gid;
};

struct group {
	char *name;
	unsigned gid;
	struct strv members;
};

struct sdir {             /* one sshd_config line */
	char *key;        /* lower case */
	char *value;
	char *where;      /* file:line */
};

struct mblock {           /* a Match block */
	char *where;
	char *criteria;
	struct strv ckeys, cvals;
	struct sdir *dirs;
	size_t n, cap;
};

struct eff {              /* what sshd does for one user (or globally) */
	char *force, *subsys, *chroot;
};

struct tagfac {           /* a syslog tag and facility the sftp lines carry */
	char *tag, *fac;
};

struct jail {
	char *path;           /* as configured, expanded */
	struct strv users;
	char *where;
};

enum rkind { R_SELECTOR, R_PROP, R_EXPR, R_ALL, R_NG };

struct rule {
	enum rkind kind;
	char *where;
	char *cond;
	struct strv files;
	bool dynamic, stop;
};

struct sock {
	char *path, *where;
	bool create_path;
};

struct ngdef {            /* a syslog-ng filter or destination */
	char *name, *body;
};

struct logfile {
	char *path;
	struct strv tags;
	char *where;
};

struct doc {
	const struct doctor_opts *o;
	FILE *out;
	int counts[4];
	const char *root;
	time_t now;
	struct user *users;
	size_t nusers, capusers;
	struct group *groups;
	size_t ngroups, capgroups;
	/* sshd */
	struct sdir *global;
	size_t nglobal, capglobal;
	struct mblock *blocks;
	size_t nblocks, capblocks;
	bool in_block;            /* sshd_parse: lines go to the last Match block */
	struct tagfac *tags;
	size_t ntags, captags;
	struct jail *jails;
	size_t njails, capjails;
	struct strv sftp_users;   /* sftp-only or chrooted users */
	struct strv chrooted;
	bool all_sftp;            /* ForceCommand internal-sftp for everyone */
	/* syslog */
	struct rule *rules;
	size_t nrules, caprules;
	struct sock *socks;
	size_t nsocks, capsocks;
	struct ngdef *ngf, *ngd;
	size_t nngf, capngf, nngd, capngd;
	bool have_rsyslog, have_syslogng, rs_create_path;
	struct logfile *files;
	size_t nfiles, capfiles;
};

/* ---- output ---- */

static void put_line(struct doc *d, const char *s)
{
	esc_term_fputs(d->out, s, strlen(s), d->o->utf8);
	fputc('\n', d->out);
}

static void emit(struct doc *d, enum sev sev, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void emit(struct doc *d, enum sev sev, const char *id, const char *fmt, ...)
{
	static const char *const names[] = { "OK", "INFO", "WARN", "PROBLEM" };
	static const char *const colors[] = { "\033[32m", "\033[36m", "\033[33m", "\033[1;31m" };
	va_list ap;
	char *text;
	int n;

	d->counts[sev]++;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	text = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
	if (d->o->color)
		fprintf(d->out, "%s%-7s\033[0m ", colors[sev], names[sev]);
	else
		fprintf(d->out, "%-7s ", names[sev]);
	fprintf(d->out, "[%s] ", id);
	put_line(d, text);
	free(text);
}

static void vline(struct doc *d, const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void vline(struct doc *d, const char *prefix, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *text;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	text = xmalloc((size_t)n + 1);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	fputs(prefix, d->out);
	put_line(d, text);
	free(text);
}

/* A detail line under the last finding. */
static void detail(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void detail(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(d, "        ", fmt, ap);
	va_end(ap);
}

/* A line of the fix for the last finding. */
static void fix(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fix(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(d, "   fix: ", fmt, ap);
	va_end(ap);
}

/* A continuation of the fix (a config snippet). */
static void fix_more(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fix_more(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(d, "            ", fmt, ap);
	va_end(ap);
}

static void section(struct doc *d, const char *title)
{
	fprintf(d->out, "\n== %s\n", title);
}

/* ---- paths ---- */

static bool under_dir(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(p, dir, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

/* Where a configured absolute path is on this run's file system. */
static char *map_path(struct doc *d, const char *p)
{
	const struct doctor_opts *o = d->o;

	if (o->rsyslog_dir != NULL && under_dir(p, "/etc/rsyslog.d"))
		return xasprintf("%s%s", o->rsyslog_dir, p + strlen("/etc/rsyslog.d"));
	if (o->logrotate_dir != NULL && under_dir(p, "/etc/logrotate.d"))
		return xasprintf("%s%s", o->logrotate_dir, p + strlen("/etc/logrotate.d"));
	return xasprintf("%s%s", d->root, p);
}

/* The configured form of a mapped path (for messages). */
static const char *unmap(struct doc *d, const char *p)
{
	size_t n = strlen(d->root);

	if (n > 0 && strncmp(p, d->root, n) == 0 && p[n] == '/')
		return p + n;
	return p;
}

static char *opt_path(struct doc *d, const char *given, const char *dflt)
{
	if (given != NULL)
		return xstrdup(given);
	return map_path(d, dflt);
}

/* ---- users and groups ---- */

static void load_users(struct doc *d, const char *path)
{
	char *buf = slurp(path, CONF_MAX, NULL), *save = NULL;

	if (buf == NULL)
		return;
	for (char *l = strtok_r(buf, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		char *f[7];
		int n = 0;
		char *p = l;

		while (n < 7) {
			f[n++] = p;
			p = strchr(p, ':');
			if (p == NULL)
				break;
			*p++ = '\0';
		}
		if (n < 6 || l[0] == '#')
			continue;
		xgrow(&d->users, &d->capusers, d->nusers + 1, sizeof(*d->users));
		d->users[d->nusers].name = xstrdup(f[0]);
		d->users[d->nusers].uid = (unsigned)strtoul(f[2], NULL, 10);
		d->users[d->nusers].gid = (unsigned)strtoul(f[3], NULL, 10);
		d->users[d->nusers].home = xstrdup(f[5]);
		d->nusers++;
	}
	free(buf);
}

static void load_groups(struct doc *d, const char *path)
{
	char *buf = slurp(path, CONF_MAX, NULL), *save = NULL;

	if (buf == NULL)
		return;
	for (char *l = strtok_r(buf, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		char *name = l, *gid, *mem, *s2 = NULL;
		struct group *g;

		if ((gid = strchr(name, ':')) == NULL || (gid = strchr(gid + 1, ':')) == NULL)
			continue;
		*strchr(name, ':') = '\0';
		gid++;
		if ((mem = strchr(gid, ':')) == NULL)
			continue;
		*mem++ = '\0';
		xgrow(&d->groups, &d->capgroups, d->ngroups + 1, sizeof(*d->groups));
		g = &d->groups[d->ngroups++];
		memset(g, 0, sizeof(*g));
		g->name = xstrdup(name);
		g->gid = (unsigned)strtoul(gid, NULL, 10);
		for (char *m = strtok_r(mem, ",", &s2); m != NULL; m = strtok_r(NULL, ",", &s2))
			if (*trim(m) != '\0')
				strv_add(&g->members, trim(m));
	}
	free(buf);
}

static const struct user *find_user(struct doc *d, const char *name)
{
	for (size_t i = 0; i < d->nusers; i++)
		if (strcmp(d->users[i].name, name) == 0)
			return &d->users[i];
	return NULL;
}

/* ---- sshd_config ---- */

/* OpenSSH pattern lists: "a,b*,!c"; a negated match wins. */
static bool match_list(const char *name, const char *list)
{
	char *copy = xstrdup(list), *save = NULL;
	bool pos = false, neg = false;

	for (char *p = strtok_r(copy, ",", &save); p != NULL; p = strtok_r(NULL, ",", &save)) {
		bool negated = p[0] == '!';
		if (fnmatch(negated ? p + 1 : p, name, 0) == 0) {
			if (negated)
				neg = true;
			else
				pos = true;
		}
	}
	free(copy);
	return pos && !neg;
}

static bool user_in_group_list(struct doc *d, const char *user, const char *list)
{
	const struct user *u = find_user(d, user);

	for (size_t i = 0; i < d->ngroups; i++) {
		const struct group *g = &d->groups[i];
		if (!match_list(g->name, list))
			continue;
		if (strv_has(&g->members, user) || (u != NULL && u->gid == g->gid))
			return true;
	}
	return false;
}

/*
 * Does a Match block apply to user? Criteria that depend on the
 * connection (Host, Address, ...) count as not matching, as with
 * `sshd -T -C user=NAME`; with loose they count as matching (coverage).
 */
static bool block_matches(struct doc *d, const struct mblock *b, const char *user, bool loose)
{
	for (size_t i = 0; i < b->ckeys.n; i++) {
		const char *k = b->ckeys.v[i], *v = b->cvals.v[i];
		if (strcasecmp(k, "all") == 0)
			continue;
		if (strcasecmp(k, "user") == 0) {
			if (!match_list(user, v))
				return false;
		} else if (strcasecmp(k, "group") == 0) {
			if (!user_in_group_list(d, user, v))
				return false;
		} else if (!loose) {
			return false;
		}
	}
	return true;
}

static bool block_by_user(const struct mblock *b)
{
	for (size_t i = 0; i < b->ckeys.n; i++)
		if (strcasecmp(b->ckeys.v[i], "user") == 0 || strcasecmp(b->ckeys.v[i], "group") == 0)
			return true;
	return false;
}

static void add_sdir(struct sdir **v, size_t *n, size_t *cap, const char *key,
		     const char *value, const char *where)
{
	char *k = xstrdup(key);

	for (char *p = k; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	xgrow(v, cap, *n + 1, sizeof(**v));
	(*v)[*n].key = k;
	(*v)[*n].value = xstrdup(value);
	(*v)[*n].where = xstrdup(where);
	(*n)++;
}

static void sshd_parse(struct doc *d, const char *path, const char *shown, int depth);

static void sshd_include(struct doc *d, const char *arg, int depth)
{
	char *copy = xstrdup(arg), *save = NULL;

	for (char *pat = strtok_r(copy, " \t", &save); pat != NULL; pat = strtok_r(NULL, " \t", &save)) {
		char *full = pat[0] == '/' ? xstrdup(pat) : xasprintf("/etc/ssh/%s", pat);
		char *mapped = map_path(d, full);
		glob_t g;

		if (glob(mapped, 0, NULL, &g) == 0) {
			for (size_t i = 0; i < g.gl_pathc; i++)
				sshd_parse(d, g.gl_pathv[i], unmap(d, g.gl_pathv[i]), depth + 1);
			globfree(&g);
		}
		free(mapped);
		free(full);
	}
	free(copy);
}

static void sshd_parse(struct doc *d, const char *path, const char *shown, int depth)
{
	char *buf, *save = NULL;
	int lineno = 0;
	char *l;

	if (depth > 8 || (buf = slurp(path, CONF_MAX, NULL)) == NULL)
		return;
	/* strtok_r skips empty lines, so count them by hand */
	for (char *p = buf; p != NULL && *p != '\0'; ) {
		char *nl = strchr(p, '\n'), *key, *val, where[512];
		size_t kl;

		if (nl != NULL)
			*nl = '\0';
		l = trim(p);
		lineno++;
		p = nl != NULL ? nl + 1 : NULL;
		if (*l == '\0' || *l == '#')
			continue;
		key = l;
		kl = strcspn(key, " \t=");
		val = key + kl;
		if (*val != '\0')
			*val++ = '\0';
		val += strspn(val, " \t=");
		val = trim(val);
		snprintf(where, sizeof(where), "%s:%d", shown, lineno);
		if (strcasecmp(key, "include") == 0) {
			/* as in sshd, a Match block does not outlive its file */
			bool was = d->in_block;
			sshd_include(d, val, depth);
			d->in_block = was;
		} else if (strcasecmp(key, "match") == 0) {
			struct mblock *b;
			char *copy = xstrdup(val), *w;
			char *s2 = NULL;

			xgrow(&d->blocks, &d->capblocks, d->nblocks + 1, sizeof(*d->blocks));
			b = &d->blocks[d->nblocks++];
			memset(b, 0, sizeof(*b));
			b->where = xstrdup(where);
			b->criteria = xstrdup(val);
			d->in_block = true;
			for (w = strtok_r(copy, " \t", &s2); w != NULL; w = strtok_r(NULL, " \t", &s2)) {
				strv_add(&b->ckeys, w);
				if (strcasecmp(w, "all") == 0) {
					strv_add(&b->cvals, "");
					continue;
				}
				w = strtok_r(NULL, " \t", &s2);
				strv_add(&b->cvals, w != NULL ? w : "");
				if (w == NULL)
					break;
			}
			free(copy);
		} else if (d->in_block) {
			struct mblock *b = &d->blocks[d->nblocks - 1];
			add_sdir(&b->dirs, &b->n, &b->cap, key, val, where);
		} else {
			add_sdir(&d->global, &d->nglobal, &d->capglobal, key, val, where);
		}
	}
	(void)save;
	free(buf);
}

/* First value of key (and for subsystem, the "sftp" one) in a directive list. */
static const struct sdir *sdir_find(const struct sdir *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].key, key) != 0)
			continue;
		if (strcmp(key, "subsystem") == 0 &&
		    !(strncasecmp(v[i].value, "sftp", 4) == 0 && isspace((unsigned char)v[i].value[4])))
			continue;
		return &v[i];
	}
	return NULL;
}

/* Where sshd_config sets key for user (NULL = global only); NULL when nowhere. */
static const struct sdir *sshd_source(struct doc *d, const char *user, const char *key)
{
	if (user != NULL)
		for (size_t i = 0; i < d->nblocks; i++) {
			const struct sdir *s;
			if (block_matches(d, &d->blocks[i], user, false) &&
			    (s = sdir_find(d->blocks[i].dirs, d->blocks[i].n, key)) != NULL)
				return s;
		}
	return sdir_find(d->global, d->nglobal, key);
}

static char *none_to_null(const char *v)
{
	if (v == NULL || *v == '\0' || strcasecmp(v, "none") == 0)
		return NULL;
	return xstrdup(v);
}

static char *subsys_cmd(const char *v)
{
	/* "sftp CMD ARGS" */
	if (v == NULL)
		return NULL;
	v += 4;
	while (isspace((unsigned char)*v))
		v++;
	return *v ? xstrdup(v) : NULL;
}

static void eff_internal(struct doc *d, const char *user, struct eff *e)
{
	const struct sdir *s;

	s = sshd_source(d, user, "forcecommand");
	e->force = none_to_null(s ? s->value : NULL);
	s = sshd_source(d, user, "subsystem");
	e->subsys = s ? subsys_cmd(s->value) : NULL;
	s = sshd_source(d, user, "chrootdirectory");
	e->chroot = none_to_null(s ? s->value : NULL);
}

static void eff_from_dump(const char *text, struct eff *e)
{
	char *copy = xstrdup(text), *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		char *v;
		l = trim(l);
		if ((v = strchr(l, ' ')) == NULL)
			continue;
		*v++ = '\0';
		v = trim(v);
		if (strcasecmp(l, "forcecommand") == 0 && e->force == NULL)
			e->force = none_to_null(v);
		else if (strcasecmp(l, "chrootdirectory") == 0 && e->chroot == NULL)
			e->chroot = none_to_null(v);
		else if (strcasecmp(l, "subsystem") == 0 && e->subsys == NULL &&
			 strncasecmp(v, "sftp", 4) == 0 && isspace((unsigned char)v[4]))
			e->subsys = subsys_cmd(v);
	}
	free(copy);
}

static void eff_free(struct eff *e)
{
	free(e->force);
	free(e->subsys);
	free(e->chroot);
	memset(e, 0, sizeof(*e));
}

static bool str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool eff_eq(const struct eff *a, const struct eff *b)
{
	return str_eq(a->force, b->force) && str_eq(a->subsys, b->subsys) && str_eq(a->chroot, b->chroot);
}

/*
 * Run sshd -T (with -C user=USER[MORE] when user is not NULL); *out gets
 * its output (stdout and stderr). Returns its exit status, -1 when it
 * could not run.
 */
static int run_sshd(struct doc *d, const char *config, const char *user, const char *more, char **out)
{
	const char *prog = d->o->sshd_prog != NULL ? d->o->sshd_prog : "/usr/sbin/sshd";
	char *cspec = user != NULL ? xasprintf("user=%s%s", user, more != NULL ? more : "") : NULL;
	char *argv[] = { (char *)prog, "-T", "-f", (char *)config, "-C", cspec, NULL };
	int pfd[2], status;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	pid_t pid;
	ssize_t n;

	if (user == NULL)
		argv[4] = NULL;
	*out = NULL;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		free(cspec);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		free(cspec);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execv(prog, argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		xgrow(&buf, &cap, len + 4097, 1);
		n = read(pfd[0], buf + len, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(pfd[0]);
	buf[len] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	free(cspec);
	*out = buf;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* Last non-empty line of a program's output, for error messages. */
static char *last_line(const char *s)
{
	char *copy = xstrdup(s), *e = copy + strlen(copy), *b;

	while (e > copy && isspace((unsigned char)e[-1]))
		*--e = '\0';
	b = strrchr(copy, '\n');
	b = xstrdup(b != NULL ? b + 1 : copy);
	free(copy);
	return b;
}

enum sshd_mode { SM_RUN, SM_SAVED, SM_OWN };

struct sshd_src {
	enum sshd_mode mode;
	const char *config;
};

/* The effective settings for user (NULL = global) from the chosen source. */
static void eff_get(struct doc *d, struct sshd_src *src, const char *user, struct eff *e)
{
	char *text = NULL;

	memset(e, 0, sizeof(*e));
	if (src->mode == SM_SAVED) {
		char *p = user != NULL ? xasprintf("%s/user-%s", d->o->sshd_t_dir, user) : NULL;
		if (p == NULL || (text = slurp(p, CONF_MAX, NULL)) == NULL) {
			char *g = xasprintf("%s/global", d->o->sshd_t_dir);
			text = slurp(g, CONF_MAX, NULL);
			free(g);
		}
		free(p);
	} else if (src->mode == SM_RUN) {
		int rc = run_sshd(d, src->config, user, NULL, &text);
		if (rc != 0 && user != NULL) {
			/* older sshd wants host and addr with -C, too */
			free(text);
			rc = run_sshd(d, src->config, user, ",host=localhost,addr=127.0.0.1", &text);
		}
		if (rc != 0) {
			free(text);
			text = NULL;
		}
	}
	if (text != NULL)
		eff_from_dump(text, e);
	else
		eff_internal(d, user, e);
	free(text);
}

/* ---- the sftp command ---- */

struct sftpcmd {
	char *tag;         /* NULL: not an sftp server */
	char *level;       /* -l value or NULL */
	char *fac;         /* lower case facility */
	bool stderr_log;   /* -e */
	char *fixed;       /* the command with -l VERBOSE */
};

static void sftpcmd_free(struct sftpcmd *c)
{
	free(c->tag);
	free(c->level);
	free(c->fac);
	free(c->fixed);
}

static void sftpcmd_parse(const char *cmd, struct sftpcmd *c)
{
	char *copy = xstrdup(cmd), *save = NULL, *w;
	struct strv words = { 0 };
	size_t flen = strlen(cmd) + 16;
	const char *base;

	memset(c, 0, sizeof(*c));
	for (w = strtok_r(copy, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
		size_t n = strlen(w);
		if (n >= 2 && (w[0] == '"' || w[0] == '\'') && w[n - 1] == w[0]) {
			w[n - 1] = '\0';
			w++;
		}
		strv_add(&words, w);
	}
	free(copy);
	if (words.n == 0)
		goto out;
	base = strrchr(words.v[0], '/');
	base = base != NULL ? base + 1 : words.v[0];
	if (strcmp(words.v[0], "internal-sftp") == 0)
		c->tag = xstrdup("internal-sftp");
	else if (strstr(base, "sftp-server") != NULL)
		c->tag = xstrdup(base);
	else
		goto out;
	c->fixed = xmalloc(flen);
	snprintf(c->fixed, flen, "%s -l VERBOSE", words.v[0]);
	for (size_t i = 1; i < words.n; i++) {
		const char *a = words.v[i];
		char *arg = NULL;
		int opt = 0;

		if (a[0] == '-' && a[1] != '\0') {
			for (const char *p = a + 1; *p; p++) {
				if (strchr("lfdpPuQ", *p) != NULL) {
					opt = (unsigned char)*p;
					if (p[1] != '\0')
						arg = xstrdup(p + 1);
					else if (i + 1 < words.n)
						arg = xstrdup(words.v[++i]);
					break;
				}
				if (*p == 'e')
					c->stderr_log = true;
			}
		}
		if (opt == 'l') {
			free(c->level);
			c->level = arg;
			continue;
		}
		if (opt == 'f') {
			free(c->fac);
			c->fac = arg;
			for (char *p = c->fac; p != NULL && *p; p++)
				*p = (char)tolower((unsigned char)*p);
		} else {
			free(arg);
		}
		if (strcmp(a, "-e") != 0) {
			/* keep every other argument as it was, in order */
			size_t need = strlen(c->fixed) + strlen(a) + 2;
			if (opt != 0 && strlen(a) == 2)
				need += strlen(words.v[i]) + 1;
			/* NOLINTBEGIN(clang-analyzer-security.insecureAPI.strcpy): sized by need just above */
			c->fixed = xrealloc(c->fixed, need);
			strcat(c->fixed, " ");
			strcat(c->fixed, a);
			if (opt != 0 && strlen(a) == 2) {
				strcat(c->fixed, " ");
				strcat(c->fixed, words.v[i]);
			}
			/* NOLINTEND(clang-analyzer-security.insecureAPI.strcpy) */
		}
	}
	if (c->fac == NULL)
		c->fac = xstrdup("auth");
out:
	strv_free(&words);
}

static void add_tag(struct doc *d, const char *tag, const char *fac)
{
	for (size_t i = 0; i < d->ntags; i++)
		if (strcmp(d->tags[i].tag, tag) == 0 && strcmp(d->tags[i].fac, fac) == 0)
			return;
	xgrow(&d->tags, &d->captags, d->ntags + 1, sizeof(*d->tags));
	d->tags[d->ntags].tag = xstrdup(tag);
	d->tags[d->ntags].fac = xstrdup(fac);
	d->ntags++;
}

static void add_jail(struct doc *d, const char *path, const char *user, const char *where)
{
	struct jail *j = NULL;

	for (size_t i = 0; i < d->njails; i++)
		if (strcmp(d->jails[i].path, path) == 0)
			j = &d->jails[i];
	if (j == NULL) {
		xgrow(&d->jails, &d->capjails, d->njails + 1, sizeof(*d->jails));
		j = &d->jails[d->njails++];
		memset(j, 0, sizeof(*j));
		j->path = xstrdup(path);
		j->where = xstrdup(where != NULL ? where : "sshd -T");
	}
	if (user != NULL)
		strv_add_uniq(&j->users, user);
}

/* ChrootDirectory tokens: %% %h %u %U */
static char *expand_chroot(struct doc *d, const char *tmpl, const char *user)
{
	const struct user *u = user != NULL ? find_user(d, user) : NULL;
	size_t cap = strlen(tmpl) + 256, len = 0;
	char *r = xmalloc(cap);

	for (const char *p = tmpl; *p; p++) {
		char tmp[32];
		const char *add = NULL;
		if (*p == '%' && p[1] != '\0') {
			p++;
			if (*p == '%')
				add = "%";
			else if (*p == 'u')
				add = user != NULL ? user : "%u";
			else if (*p == 'h')
				add = u != NULL ? u->home : "%h";
			else if (*p == 'U') {
				if (u != NULL)
					snprintf(tmp, sizeof(tmp), "%u", u->uid);
				else
					snprintf(tmp, sizeof(tmp), "%%U");
				add = tmp;
			} else {
				snprintf(tmp, sizeof(tmp), "%%%c", *p);
				add = tmp;
			}
		}
		if (add == NULL) {
			tmp[0] = *p;
			tmp[1] = '\0';
			add = tmp;
		}
		xgrow(&r, &cap, len + strlen(add) + 1, 1);
		memcpy(r + len, add, strlen(add));
		len += strlen(add);
	}
	r[len] = '\0';
	return r;
}

/* The findings for one group of users that share the same effective settings. */
static void check_profile(struct doc *d, const struct eff *e, const struct strv *users)
{
	const char *first = users != NULL && users->n > 0 ? users->v[0] : NULL;
	char *who = users != NULL ? join_names(users, 8) : xstrdup("everyone (global settings)");
	const char *via = e->force != NULL ? "ForceCommand" : "Subsystem sftp";
	const char *cmd = e->force != NULL ? e->force : e->subsys;
	const struct sdir *src = sshd_source(d, first, e->force != NULL ? "forcecommand" : "subsystem");
	const char *where = src != NULL ? src->where : "sshd's defaults";
	struct sftpcmd c;

	if (cmd == NULL) {
		emit(d, SEV_INFO, "sshd-no-sftp", "%s%s: sftp is not enabled (no Subsystem sftp, no ForceCommand)",
		     users != NULL ? "users " : "", who);
		free(who);
		return;
	}
	sftpcmd_parse(cmd, &c);
	if (c.tag == NULL) {
		emit(d, SEV_WARN, "sshd-forcecommand", "%s%s: ForceCommand runs \"%s\", not an sftp server",
		     users != NULL ? "users " : "", who, cmd);
		detail(d, "set at %s; sftp sessions of these users leave no sftp lines", where);
		free(who);
		sftpcmd_free(&c);
		return;
	}
	add_tag(d, c.tag, c.fac);
	if (e->force != NULL || e->chroot != NULL) {
		if (users != NULL)
			for (size_t i = 0; i < users->n; i++)
				strv_add_uniq(&d->sftp_users, users->v[i]);
		else if (e->force != NULL)
			d->all_sftp = true;
	}
	if (c.stderr_log) {
		emit(d, SEV_PROBLEM, "sshd-stderr", "%s%s: %s %s logs to stderr (-e), not to syslog",
		     users != NULL ? "users " : "", who, via, cmd);
		detail(d, "set at %s", where);
		fix(d, "in %s: %s %s, then: systemctl reload ssh", where, via, c.fixed);
	} else if (c.level == NULL || strcasecmp(c.level, "QUIET") == 0 || strcasecmp(c.level, "FATAL") == 0 ||
		   strcasecmp(c.level, "ERROR") == 0) {
		emit(d, SEV_PROBLEM, "sshd-level", "%s%s: %s %s logs errors only (%s)",
		     users != NULL ? "users " : "", who, via, cmd,
		     c.level == NULL ? "no -l: the default level is ERROR" : "level too low");
		detail(d, "set at %s", where);
		fix(d, "in %s: %s %s", where, via, c.fixed);
		fix_more(d, "then: systemctl reload ssh (VERBOSE logs every request; INFO would miss stat, realpath, readdir)");
	} else if (strcasecmp(c.level, "INFO") == 0) {
		emit(d, SEV_WARN, "sshd-level", "%s%s: %s %s logs at INFO", users != NULL ? "users " : "", who, via, cmd);
		detail(d, "set at %s; INFO logs opens, closes, removes, renames, but not stat, realpath, readdir, lstat", where);
		fix(d, "in %s: %s %s, then: systemctl reload ssh", where, via, c.fixed);
	} else if (strcasecmp(c.level, "VERBOSE") == 0 || strncasecmp(c.level, "DEBUG", 5) == 0) {
		emit(d, SEV_OK, "sshd-level", "%s%s: %s %s", users != NULL ? "users " : "", who, via, cmd);
		detail(d, "set at %s; lines tagged %s, facility %s", where, c.tag, c.fac);
	} else {
		emit(d, SEV_PROBLEM, "sshd-level", "%s%s: %s %s: unknown log level \"%s\"",
		     users != NULL ? "users " : "", who, via, cmd, c.level);
		fix(d, "in %s: %s %s", where, via, c.fixed);
	}
	if (e->chroot != NULL) {
		const struct sdir *cs = sshd_source(d, first, "chrootdirectory");
		const char *cw = cs != NULL ? cs->where : NULL;
		if (users != NULL) {
			for (size_t i = 0; i < users->n; i++) {
				char *j = expand_chroot(d, e->chroot, users->v[i]);
				add_jail(d, j, users->v[i], cw);
				strv_add_uniq(&d->chrooted, users->v[i]);
				free(j);
			}
		} else if (strchr(e->chroot, '%') == NULL) {
			add_jail(d, e->chroot, NULL, cw);
		} else {
			size_t n = 0;
			for (size_t i = 0; i < d->nusers && n < MAX_USERS; i++) {
				const struct user *u = &d->users[i];
				if (u->uid < 1000 || u->uid == 65534)
					continue;
				char *j = expand_chroot(d, e->chroot, u->name);
				add_jail(d, j, u->name, cw);
				strv_add_uniq(&d->chrooted, u->name);
				free(j);
				n++;
			}
		}
	}
	free(who);
	sftpcmd_free(&c);
}

struct profile {
	struct eff e;
	struct strv users;
};

static void check_sshd(struct doc *d)
{
	const struct doctor_opts *o = d->o;
	char *config = opt_path(d, o->sshd_config, "/etc/ssh/sshd_config");
	struct sshd_src src = { SM_OWN, config };
	struct strv covered = { 0 };
	struct profile *prof = NULL;
	size_t nprof = 0, capprof = 0;
	struct eff global;

	section(d, "sshd");
	if (access(config, R_OK) != 0) {
		emit(d, SEV_PROBLEM, "sshd-config", "cannot read %s: %s", unmap(d, config), strerror(errno));
		detail(d, "without it the sftp set-up cannot be checked (is openssh-server installed? run as root)");
		free(config);
		return;
	}
	sshd_parse(d, config, unmap(d, config), 0);
	if (o->sshd_t_dir != NULL) {
		src.mode = SM_SAVED;
	} else if (o->sshd_prog == NULL || *o->sshd_prog != '\0') {
		char *out = NULL;
		int rc = run_sshd(d, config, NULL, NULL, &out);
		if (rc == 0) {
			src.mode = SM_RUN;
		} else {
			char *why = rc < 0 ? xstrdup(strerror(errno)) :
				    rc == 127 ? xstrdup("could not be started") : last_line(out != NULL ? out : "");
			emit(d, SEV_WARN, "sshd-T", "could not run `%s -T`: %s",
			     o->sshd_prog != NULL ? o->sshd_prog : "/usr/sbin/sshd", why);
			detail(d, "reading %s directly instead (Match blocks by User and Group only)", unmap(d, config));
			if (strstr(why, "privilege separation") != NULL)
				fix(d, "run as root; sshd -T also needs the directory /run/sshd (created when ssh starts)");
			free(why);
		}
		free(out);
	}

	eff_get(d, &src, NULL, &global);
	/* the users each Match block covers */
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct mblock *b = &d->blocks[i];
		struct strv cand = { 0 };

		if (!block_by_user(b)) {
			if (b->ckeys.n == 1 && strcasecmp(b->ckeys.v[0], "all") == 0)
				continue; /* everyone: part of the global settings */
			emit(d, SEV_INFO, "sshd-match", "Match %s (%s): applies by connection, not by user; not checked",
			     b->criteria, b->where);
			continue;
		}
		for (size_t k = 0; k < b->ckeys.n; k++) {
			char *copy, *save = NULL;
			if (strcasecmp(b->ckeys.v[k], "user") != 0)
				continue;
			copy = xstrdup(b->cvals.v[k]);
			for (char *p = strtok_r(copy, ",", &save); p != NULL; p = strtok_r(NULL, ",", &save))
				if (p[0] != '!' && strpbrk(p, "*?[") == NULL)
					strv_add_uniq(&cand, p);
			free(copy);
		}
		for (size_t k = 0; k < d->nusers; k++)
			strv_add_uniq(&cand, d->users[k].name);
		for (size_t k = 0; k < d->ngroups; k++)
			for (size_t m = 0; m < d->groups[k].members.n; m++)
				strv_add_uniq(&cand, d->groups[k].members.v[m]);
		for (size_t k = 0; k < cand.n; k++)
			if (block_matches(d, b, cand.v[k], true))
				strv_add_uniq(&covered, cand.v[k]);
		strv_free(&cand);
	}
	if (covered.n > MAX_USERS) {
		emit(d, SEV_INFO, "sshd-match", "Match blocks cover %zu users; checking the first %d",
		     covered.n, MAX_USERS);
	}
	for (size_t i = 0; i < covered.n && i < MAX_USERS; i++) {
		struct eff e;
		size_t k;

		eff_get(d, &src, covered.v[i], &e);
		if (eff_eq(&e, &global)) {
			eff_free(&e);
			continue;
		}
		for (k = 0; k < nprof; k++)
			if (eff_eq(&prof[k].e, &e))
				break;
		if (k == nprof) {
			xgrow(&prof, &capprof, nprof + 1, sizeof(*prof));
			memset(&prof[nprof], 0, sizeof(*prof));
			prof[nprof++].e = e;
		} else {
			eff_free(&e);
		}
		strv_add(&prof[k].users, covered.v[i]);
	}
	check_profile(d, &global, NULL);
	for (size_t i = 0; i < nprof; i++) {
		check_profile(d, &prof[i].e, &prof[i].users);
		eff_free(&prof[i].e);
		strv_free(&prof[i].users);
	}
	free(prof);
	eff_free(&global);
	strv_free(&covered);
	free(config);
}

/* ---- syslog configuration ---- */

static const char *const pri_names[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };

static int pri_num(const char *s)
{
	if (strcasecmp(s, "panic") == 0)
		return 0;
	if (strcasecmp(s, "error") == 0)
		return 3;
	if (strcasecmp(s, "warn") == 0)
		return 4;
	for (int i = 0; i < 8; i++)
		if (strcasecmp(s, pri_names[i]) == 0)
			return i;
	return -1;
}

static bool fac_eq(const char *a, const char *b)
{
	if (strcasecmp(a, "security") == 0)
		a = "auth";
	if (strcasecmp(b, "security") == 0)
		b = "auth";
	return strcasecmp(a, b) == 0;
}

/* Classic selector "auth,authpriv.*;mail.none" for a facility at info. */
static int eval_selector(const char *sel, const char *fac)
{
	char *copy = xstrdup(sel), *save = NULL;
	bool m = false;

	for (char *part = strtok_r(copy, ";", &save); part != NULL; part = strtok_r(NULL, ";", &save)) {
		char *dot = strrchr(part, '.'), *pri, *s2 = NULL;
		bool named = false, neg = false, eq = false, hit;
		int level;

		if (dot == NULL)
			continue;
		*dot = '\0';
		pri = dot + 1;
		for (char *f = strtok_r(part, ",", &s2); f != NULL; f = strtok_r(NULL, ",", &s2))
			if (strcmp(trim(f), "*") == 0 || fac_eq(trim(f), fac))
				named = true;
		if (!named)
			continue;
		if (*pri == '!') {
			neg = true;
			pri++;
		}
		if (*pri == '=') {
			eq = true;
			pri++;
		}
		if (strcmp(pri, "none") == 0) {
			m = false;
			continue;
		}
		level = strcmp(pri, "*") == 0 ? 7 : pri_num(pri);
		if (level < 0)
			continue;
		hit = eq ? level == 6 : 6 <= level;
		if (neg) {
			if (hit)
				m = false;
		} else if (hit) {
			m = true;
		}
	}
	free(copy);
	return m;
}

static bool looks_like_selector(const char *s)
{
	size_t n = strcspn(s, " \t");
	const char *dot = memchr(s, '.', n);

	if (dot == NULL || n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || strchr("*,.;=!-_", s[i]) != NULL))
			return false;
	return true;
}

/* tri-state: 1 yes, 0 no, -1 can't tell */
static int tri_not(int a)
{
	return a < 0 ? -1 : !a;
}

static int tri_and(int a, int b)
{
	if (a == 0 || b == 0)
		return 0;
	return a < 0 || b < 0 ? -1 : 1;
}

static int tri_or(int a, int b)
{
	if (a == 1 || b == 1)
		return 1;
	return a < 0 || b < 0 ? -1 : 0;
}

static int cmp_op(const char *op, const char *a, const char *b)
{
	size_t lb = strlen(b);

	if (strcmp(op, "==") == 0 || strcasecmp(op, "isequal") == 0)
		return strcmp(a, b) == 0;
	if (strcmp(op, "!=") == 0 || strcmp(op, "<>") == 0)
		return strcmp(a, b) != 0;
	if (strcasecmp(op, "contains") == 0)
		return strstr(a, b) != NULL;
	if (strcasecmp(op, "contains_i") == 0)
		return strcasestr(a, b) != NULL;
	if (strcasecmp(op, "startswith") == 0)
		return strncmp(a, b, lb) == 0;
	if (strcasecmp(op, "startswith_i") == 0)
		return strncasecmp(a, b, lb) == 0;
	if (strcasecmp(op, "endswith") == 0)
		return strlen(a) >= lb && strcmp(a + strlen(a) - lb, b) == 0;
	if (strcasecmp(op, "isempty") == 0)
		return *a == '\0';
	if (strcasecmp(op, "regex") == 0 || strcasecmp(op, "ereregex") == 0) {
		regex_t re;
		int r;
		if (regcomp(&re, b, REG_NOSUB | (strcasecmp(op, "ereregex") == 0 ? REG_EXTENDED : 0)) != 0)
			return -1;
		r = regexec(&re, a, 0, NULL, 0) == 0;
		regfree(&re);
		return r;
	}
	return -1;
}

/* The value of an rsyslog property for our line; NULL when unknown. */
static const char *prop_value(const char *name, const char *tag, const char *fac, char *buf, size_t size)
{
	if (*name == '$')
		name++;
	if (strcasecmp(name, "programname") == 0 || strcasecmp(name, "app-name") == 0)
		return tag;
	if (strcasecmp(name, "syslogtag") == 0) {
		snprintf(buf, size, "%s[1234]:", tag);
		return buf;
	}
	if (strcasecmp(name, "syslogfacility-text") == 0)
		return fac;
	if (strcasecmp(name, "syslogseverity-text") == 0 || strcasecmp(name, "syslogpriority-text") == 0)
		return "info";
	if (strcasecmp(name, "syslogseverity") == 0 || strcasecmp(name, "syslogpriority") == 0)
		return "6";
	return NULL;
}

struct ev {
	const char *p;
	const char *tag, *fac;
	char tok[256];
	int kind; /* 0 end, 's' string, 'w' word/prop/op, '(' ')' ',' */
};

static void ev_next(struct ev *e)
{
	const char *p = e->p;
	size_t n = 0;

	while (isspace((unsigned char)*p))
		p++;
	e->tok[0] = '\0';
	if (*p == '\0') {
		e->kind = 0;
	} else if (*p == '"' || *p == '\'') {
		char q = *p++;
		while (*p && *p != q) {
			if (*p == '\\' && p[1])
				p++;
			if (n < sizeof(e->tok) - 1)
				e->tok[n++] = *p;
			p++;
		}
		if (*p)
			p++;
		e->tok[n] = '\0';
		e->kind = 's';
	} else if (strchr("(),", *p) != NULL) {
		e->kind = (unsigned char)*p++;
	} else if (strchr("=!<>", *p) != NULL) {
		while (*p && strchr("=!<>", *p) != NULL && n < 3)
			e->tok[n++] = *p++;
		e->tok[n] = '\0';
		e->kind = 'w';
	} else {
		while (*p && !isspace((unsigned char)*p) && strchr("()=!<>,'\"", *p) == NULL) {
			if (n < sizeof(e->tok) - 1)
				e->tok[n++] = *p;
			p++;
		}
		e->tok[n] = '\0';
		e->kind = 'w';
	}
	e->p = p;
}

static bool is_cmp(const char *w)
{
	static const char *const ops[] = { "==", "!=", "<>", "contains", "contains_i", "startswith",
					   "startswith_i", "<", ">", "<=", ">=", "=" };
	for (size_t i = 0; i < ARRAY_LEN(ops); i++)
		if (strcasecmp(w, ops[i]) == 0)
			return true;
	return false;
}

static int ev_or(struct ev *e);

/* An operand: *known false when its value can't be told. */
static void ev_operand(struct ev *e, char *val, size_t size, bool *known)
{
	char buf[300];
	*known = false;
	val[0] = '\0';
	if (e->kind == 's') {
		snprintf(val, size, "%s", e->tok);
		*known = true;
		ev_next(e);
	} else if (e->kind == 'w') {
		const char *v = e->tok[0] == '$' ? prop_value(e->tok, e->tag, e->fac, buf, sizeof(buf)) : NULL;
		if (v != NULL) {
			snprintf(val, size, "%s", v);
			*known = true;
		} else if (isdigit((unsigned char)e->tok[0])) {
			snprintf(val, size, "%s", e->tok);
			*known = true;
		}
		ev_next(e);
		if (e->kind == '(') { /* a function call: skip its arguments */
			int depth = 0;
			do {
				if (e->kind == '(')
					depth++;
				else if (e->kind == ')')
					depth--;
				ev_next(e);
			} while (depth > 0 && e->kind != 0);
			*known = false;
		}
	} else {
		ev_next(e);
	}
}

static int ev_primary(struct ev *e)
{
	char a[256], b[256], op[16];
	bool ka, kb;
	int r;

	if (e->kind == 'w' && strcasecmp(e->tok, "not") == 0) {
		ev_next(e);
		return tri_not(ev_primary(e));
	}
	if (e->kind == '(') {
		ev_next(e);
		r = ev_or(e);
		if (e->kind == ')')
			ev_next(e);
		return r;
	}
	ev_operand(e, a, sizeof(a), &ka);
	if (e->kind == 'w' && is_cmp(e->tok)) {
		snprintf(op, sizeof(op), "%.15s", e->tok);
		ev_next(e);
		ev_operand(e, b, sizeof(b), &kb);
		if (!ka || !kb)
			return -1;
		return cmp_op(op, a, b);
	}
	return -1;
}

static int ev_and(struct ev *e)
{
	int r = ev_primary(e);

	while (e->kind == 'w' && strcasecmp(e->tok, "and") == 0) {
		ev_next(e);
		r = tri_and(r, ev_primary(e));
	}
	return r;
}

static int ev_or(struct ev *e)
{
	int r = ev_and(e);

	while (e->kind == 'w' && strcasecmp(e->tok, "or") == 0) {
		ev_next(e);
		r = tri_or(r, ev_and(e));
	}
	return r;
}

/* ":programname, isequal, "x"" (cond holds "prop,op,value") */
static int eval_prop(const char *cond, const char *tag, const char *fac)
{
	char *copy = xstrdup(cond), *c1, *c2, *op, *val, buf[300];
	const char *pv;
	bool neg = false;
	int r = -1;

	c1 = strchr(copy, ',');
	c2 = c1 != NULL ? strchr(c1 + 1, ',') : NULL;
	if (c2 != NULL) {
		*c1 = *c2 = '\0';
		op = trim(c1 + 1);
		val = trim(c2 + 1);
		if (*op == '!') {
			neg = true;
			op++;
		}
		if (*val == '"') {
			char *e = strrchr(val + 1, '"');
			val++;
			if (e != NULL)
				*e = '\0';
		}
		pv = prop_value(trim(copy), tag, fac, buf, sizeof(buf));
		if (pv != NULL) {
			r = cmp_op(op, pv, val);
			if (neg)
				r = tri_not(r);
		}
	}
	free(copy);
	return r;
}

static int eval_ng(struct doc *d, const char *expr, const char *tag, const char *fac, int depth);

static int rule_eval(struct doc *d, const struct rule *r, const char *tag, const char *fac)
{
	struct ev e;

	switch (r->kind) {
	case R_SELECTOR:
		return eval_selector(r->cond, fac);
	case R_PROP:
		return eval_prop(r->cond, tag, fac);
	case R_EXPR:
		memset(&e, 0, sizeof(e));
		e.p = r->cond;
		e.tag = tag;
		e.fac = fac;
		ev_next(&e);
		return ev_or(&e);
	case R_ALL:
		return 1;
	case R_NG:
		return eval_ng(d, r->cond, tag, fac, 0);
	}
	return -1;
}

static struct rule *add_rule(struct doc *d, enum rkind kind, const char *where, const char *cond)
{
	struct rule *r;

	xgrow(&d->rules, &d->caprules, d->nrules + 1, sizeof(*d->rules));
	r = &d->rules[d->nrules++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->where = xstrdup(where);
	r->cond = xstrdup(cond);
	return r;
}

static void add_sock(struct doc *d, const char *path, const char *where, bool create)
{
	xgrow(&d->socks, &d->capsocks, d->nsocks + 1, sizeof(*d->socks));
	d->socks[d->nsocks].path = xstrdup(path);
	d->socks[d->nsocks].where = xstrdup(where);
	d->socks[d->nsocks].create_path = create;
	d->nsocks++;
}

/* End of a balanced (...) or {...} starting at p, skipping quotes and comments. */
static const char *scan_balanced(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '"' || *p == '\'') {
			char q = *p;
			for (p++; *p && *p != q; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p == '\0')
				return p;
		} else if (*p == '#') {
			while (*p && *p != '\n')
				p++;
			if (*p == '\0')
				return p;
		} else if (*p == '(' || *p == '{') {
			depth++;
		} else if (*p == ')' || *p == '}') {
			if (--depth <= 0)
				return p + 1;
		}
	}
	return p;
}

/* Value of name="..." (or name=word) in an rsyslog object's parameters. */
static char *obj_param(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; (p = strcasestr(p, name)) != NULL; p++) {
		const char *v = p + n;
		if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '.'))
			continue;
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v != '=')
			continue;
		v++;
		while (isspace((unsigned char)*v))
			v++;
		if (*v == '"' || *v == '\'') {
			const char *e = strchr(v + 1, *v);
			return e != NULL ? xstrndup(v + 1, (size_t)(e - v - 1)) : NULL;
		}
		return xstrndup(v, strcspn(v, " \t\n)"));
	}
	return NULL;
}

/* Collect file actions and stop from an action text (legacy, action(), or a { } block). */
static void parse_actions(struct rule *r, const char *text)
{
	const char *p = text;

	while (*p) {
		while (*p && (isspace((unsigned char)*p) || *p == '{' || *p == '}' || *p == ';' || *p == '&'))
			p++;
		if (*p == '\0')
			break;
		if (*p == '#') {
			p += strcspn(p, "\n");
		} else if (strncasecmp(p, "action", 6) == 0 && (p[6] == '(' || isspace((unsigned char)p[6]))) {
			const char *s = strchr(p, '(');
			const char *e = s != NULL ? scan_balanced(s) : p + strlen(p);
			char *obj = xstrndup(p, (size_t)(e - p));
			char *type = obj_param(obj, "type");
			if (type != NULL && strcasecmp(type, "omfile") == 0) {
				char *f = obj_param(obj, "file");
				char *df = obj_param(obj, "dynaFile");
				if (f != NULL)
					strv_add_uniq(&r->files, f);
				if (df != NULL)
					r->dynamic = true;
				free(f);
				free(df);
			}
			free(type);
			free(obj);
			p = e;
		} else if (*p == '/' || (*p == '-' && p[1] == '/')) {
			size_t n;
			if (*p == '-')
				p++;
			n = strcspn(p, " \t\n;{}");
			char *f = xstrndup(p, n);
			strv_add_uniq(&r->files, f);
			free(f);
			p += n;
			p += strcspn(p, "\n");
		} else if (*p == '?') {
			r->dynamic = true;
			p += strcspn(p, "\n");
		} else if (*p == '~' || (strncasecmp(p, "stop", 4) == 0 && !isalnum((unsigned char)p[4]))) {
			r->stop = true;
			p += *p == '~' ? 1 : 4;
		} else if (strncasecmp(p, ":omfile:", 8) == 0) {
			p += 8;
			if (*p == '$')
				r->dynamic = true;
			else {
				char *f = xstrndup(p, strcspn(p, " \t\n;"));
				strv_add_uniq(&r->files, f);
				free(f);
			}
			p += strcspn(p, "\n");
		} else if (strncasecmp(p, "if", 2) == 0 && isspace((unsigned char)p[2])) {
			/* a nested if: its actions are not ours to count */
			const char *t = strcasestr(p, "then");
			p = t != NULL ? t + 4 : p + strlen(p);
			while (isspace((unsigned char)*p))
				p++;
			if (*p == '{' || strncasecmp(p, "action", 6) == 0) {
				const char *s = *p == '{' ? p : strchr(p, '(');
				p = s != NULL ? scan_balanced(s) : p + strlen(p);
			} else {
				p += strcspn(p, "\n");
			}
		} else {
			p += strcspn(p, "\n");
		}
	}
}

static void rs_parse(struct doc *d, const char *path, int depth);

static void rs_include(struct doc *d, const char *pattern, int depth)
{
	char *mapped = map_path(d, pattern);
	glob_t g;

	if (glob(mapped, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			rs_parse(d, g.gl_pathv[i], depth + 1);
		globfree(&g);
	}
	free(mapped);
}

static const char *eol(const char *p)
{
	return p + strcspn(p, "\n");
}

/* A legacy line without its trailing # comment. */
static char *legacy_line(const char *s, const char *e)
{
	char *l = xstrndup(s, (size_t)(e - s));
	bool q = false;

	for (char *p = l; *p; p++) {
		if (*p == '"')
			q = !q;
		else if (*p == '#' && !q && (p == l || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	}
	return l;
}

static void rs_parse(struct doc *d, const char *path, int depth)
{
	char *buf = depth <= 8 ? slurp(path, CONF_MAX, NULL) : NULL;
	const char *shown = unmap(d, path), *p;
	struct rule *last = NULL;
	int line = 1;

	if (buf == NULL)
		return;
	for (p = buf; *p; ) {
		const char *s, *e;
		int sline;
		char where[600];

		if (*p == '\n') {
			line++;
			p++;
			continue;
		}
		if (isspace((unsigned char)*p) || *p == '{' || *p == '}') {
			p++;
			continue;
		}
		if (*p == '#') {
			p = eol(p);
			continue;
		}
		s = p;
		sline = line;
		snprintf(where, sizeof(where), "%s:%d", shown, sline);
		if (*p == '$') {
			char *l = legacy_line(s, e = eol(p)), *arg = l + strcspn(l, " \t");
			if (*arg != '\0')
				*arg++ = '\0';
			arg = trim(arg);
			if (strcasecmp(l, "$AddUnixListenSocket") == 0)
				add_sock(d, arg, where, d->rs_create_path);
			else if (strcasecmp(l, "$InputUnixListenSocketCreatePath") == 0)
				d->rs_create_path = strcasecmp(arg, "on") == 0;
			else if (strcasecmp(l, "$IncludeConfig") == 0)
				rs_include(d, arg, depth);
			free(l);
		} else if (*p == ':') {
			char *l = legacy_line(s + 1, e = eol(p)), *v, *act;
			/* :prop, op, "value" ACTION */
			v = strchr(l, '"');
			act = v != NULL ? strchr(v + 1, '"') : NULL;
			if (act != NULL) {
				*++act = '\0';
				last = add_rule(d, R_PROP, where, l);
				parse_actions(last, act + 1);
			}
			free(l);
		} else if (*p == '&') {
			char *l = legacy_line(s + 1, e = eol(p));
			if (last != NULL)
				parse_actions(last, l);
			free(l);
		} else if (strncasecmp(p, "if", 2) == 0 && (isspace((unsigned char)p[2]) || p[2] == '(')) {
			const char *t = p + 2, *a;
			char *cond, *act;
			/* find "then" outside quotes */
			for (; *t; t++) {
				if (*t == '"' || *t == '\'') {
					const char *q = strchr(t + 1, *t);
					t = q != NULL ? q : t + strlen(t) - 1;
				} else if (strncasecmp(t, "then", 4) == 0 && isspace((unsigned char)t[-1]) &&
					   (isspace((unsigned char)t[4]) || t[4] == '{' || t[4] == '\0')) {
					break;
				}
			}
			cond = xstrndup(p + 2, (size_t)(t - p - 2));
			a = *t ? t + 4 : t;
			while (isspace((unsigned char)*a))
				a++;
			if (*a == '{')
				e = scan_balanced(a);
			else if (strncasecmp(a, "action", 6) == 0 && strchr(a, '(') != NULL)
				e = scan_balanced(strchr(a, '('));
			else
				e = eol(a);
			act = xstrndup(a, (size_t)(e - a));
			last = add_rule(d, R_EXPR, where, trim(cond));
			parse_actions(last, act);
			free(cond);
			free(act);
		} else if (isalpha((unsigned char)*p) && p[strcspn(p, "( \t\n")] == '(') {
			/* module(), input(), action(), include(), ruleset(), ... */
			const char *open = p + strcspn(p, "(");
			char *name = xstrndup(p, (size_t)(open - p));
			char *obj;
			e = scan_balanced(open);
			obj = xstrndup(p, (size_t)(e - p));
			if (strcasecmp(name, "input") == 0) {
				char *type = obj_param(obj, "type"), *sock = obj_param(obj, "socket");
				char *cp = obj_param(obj, "createpath");
				if (type != NULL && strcasecmp(type, "imuxsock") == 0 && sock != NULL)
					add_sock(d, sock, where, cp != NULL && strcasecmp(cp, "on") == 0);
				free(type);
				free(sock);
				free(cp);
			} else if (strcasecmp(name, "include") == 0) {
				char *f = obj_param(obj, "file");
				if (f != NULL)
					rs_include(d, f, depth);
				free(f);
			} else if (strcasecmp(name, "action") == 0) {
				last = add_rule(d, R_ALL, where, "(every message)");
				parse_actions(last, obj);
			}
			free(name);
			free(obj);
		} else if (looks_like_selector(p)) {
			char *l = legacy_line(s, e = eol(p));
			char *act = l + strcspn(l, " \t");
			if (*act != '\0')
				*act++ = '\0';
			last = add_rule(d, R_SELECTOR, where, l);
			if (strncasecmp(trim(act), "action", 6) == 0) {
				const char *open = strchr(p, '(');
				e = open != NULL ? scan_balanced(open) : e;
				char *obj = xstrndup(s, (size_t)(e - s));
				parse_actions(last, obj + strcspn(obj, " \t"));
				free(obj);
			} else {
				parse_actions(last, act);
			}
			free(l);
		} else {
			e = eol(p);
		}
		for (const char *q = s; q < e; q++)
			if (*q == '\n')
				line++;
		p = e;
	}
	free(buf);
}

/* ---- syslog-ng (a subset: filters, file destinations, log paths, unix-dgram) ---- */

static void ng_strip_comments(char *s)
{
	bool q = false;

	for (char *p = s; *p; p++) {
		if (*p == '"' && (p == s || p[-1] != '\\'))
			q = !q;
		else if (*p == '#' && !q) {
			while (*p && *p != '\n')
				*p++ = ' ';
			if (*p == '\0')
				break;
		}
	}
}

static int line_of(const char *buf, const char *p)
{
	int n = 1;

	for (const char *q = buf; q < p; q++)
		n += *q == '\n';
	return n;
}

static const char *ng_find_def(struct ngdef *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return v[i].body;
	return NULL;
}

/* An ng filter expression; ng tokens reuse the rsyslog tokenizer. */
static int ng_expr(struct doc *d, struct ev *e, int depth);

static int ng_primary(struct doc *d, struct ev *e, int depth)
{
	char fn[64], arg[256];
	struct strv args = { 0 };
	int r = -1;

	if (e->kind == 'w' && strcasecmp(e->tok, "not") == 0) {
		ev_next(e);
		return tri_not(ng_primary(d, e, depth));
	}
	if (e->kind == '(') {
		ev_next(e);
		r = ng_expr(d, e, depth);
		if (e->kind == ')')
			ev_next(e);
		return r;
	}
	if (e->kind != 'w') {
		ev_next(e);
		return -1;
	}
	snprintf(fn, sizeof(fn), "%.63s", e->tok);
	ev_next(e);
	if (e->kind != '(')
		return -1;
	for (ev_next(e); e->kind != ')' && e->kind != 0; ) {
		if (e->kind == '(') { /* nested option like type(glob): skip */
			int depthp = 1;
			while (depthp > 0 && e->kind != 0) {
				ev_next(e);
				if (e->kind == '(')
					depthp++;
				else if (e->kind == ')')
					depthp--;
			}
			ev_next(e);
			continue;
		}
		if (e->kind == 's' || e->kind == 'w') {
			snprintf(arg, sizeof(arg), "%.255s", e->tok);
			strv_add(&args, arg);
		}
		ev_next(e);
	}
	if (e->kind == ')')
		ev_next(e);
	if (strcasecmp(fn, "facility") == 0) {
		r = 0;
		for (size_t i = 0; i < args.n; i++)
			if (fac_eq(args.v[i], e->fac))
				r = 1;
	} else if (strcasecmp(fn, "level") == 0 || strcasecmp(fn, "priority") == 0) {
		r = 0;
		for (size_t i = 0; i < args.n; i++) {
			char *dots = strstr(args.v[i], "..");
			if (dots != NULL) {
				*dots = '\0';
				int a = pri_num(args.v[i]), b = pri_num(dots + 2);
				if ((a <= 6 && 6 <= b) || (b <= 6 && 6 <= a))
					r = 1;
			} else if (pri_num(args.v[i]) == 6) {
				r = 1;
			}
		}
	} else if (strcasecmp(fn, "program") == 0 && args.n > 0) {
		r = cmp_op("ereregex", e->tag, args.v[0]);
	} else if (strcasecmp(fn, "filter") == 0 && args.n > 0 && depth < 8) {
		const char *body = ng_find_def(d->ngf, d->nngf, args.v[0]);
		r = body != NULL ? eval_ng(d, body, e->tag, e->fac, depth + 1) : -1;
	}
	strv_free(&args);
	return r;
}

static int ng_and(struct doc *d, struct ev *e, int depth)
{
	int r = ng_primary(d, e, depth);

	while (e->kind == 'w' && strcasecmp(e->tok, "and") == 0) {
		ev_next(e);
		r = tri_and(r, ng_primary(d, e, depth));
	}
	return r;
}

static int ng_expr(struct doc *d, struct ev *e, int depth)
{
	int r = ng_and(d, e, depth);

	while (e->kind == 'w' && strcasecmp(e->tok, "or") == 0) {
		ev_next(e);
		r = tri_or(r, ng_and(d, e, depth));
	}
	return r;
}

static int eval_ng(struct doc *d, const char *expr, const char *tag, const char *fac, int depth)
{
	struct ev e;
	char *copy = xstrdup(expr);
	int r;

	for (char *p = copy; *p; p++)
		if (*p == ';')
			*p = ' ';
	if (*trim(copy) == '\0') {
		free(copy);
		return 1;
	}
	memset(&e, 0, sizeof(e));
	e.p = copy;
	e.tag = tag;
	e.fac = fac;
	ev_next(&e);
	r = ng_expr(d, &e, depth);
	free(copy);
	return r;
}

static void ng_parse(struct doc *d, const char *path, int depth)
{
	char *buf = slurp(path, CONF_MAX, NULL);
	const char *shown = unmap(d, path);

	if (buf == NULL)
		return;
	ng_strip_comments(buf);
	for (const char *p = buf; (p = strstr(p, "unix-dgram")) != NULL; p++) {
		const char *q = p + 10;
		char where[600];
		while (isspace((unsigned char)*q))
			q++;
		if (*q++ != '(')
			continue;
		while (isspace((unsigned char)*q))
			q++;
		if (*q != '"' && *q != '\'')
			continue;
		const char *e = strchr(q + 1, *q);
		if (e == NULL)
			break;
		char *sp = xstrndup(q + 1, (size_t)(e - q - 1));
		snprintf(where, sizeof(where), "%s:%d", shown, line_of(buf, p));
		add_sock(d, sp, where, true);
		free(sp);
	}
	/* top-level statements: filter NAME { }; destination NAME { }; log { }; */
	for (const char *p = buf; *p; ) {
		char word[64], name[128], where[600];
		const char *s, *b, *e;
		size_t n;

		while (isspace((unsigned char)*p) || *p == ';')
			p++;
		if (*p == '\0')
			break;
		if (*p == '@') {
			/* @version, @define, @include "FILE" */
			const char *q = strchr(p, '"'), *e2 = eol(p);
			if (strncmp(p, "@include", 8) == 0 && q != NULL && q < e2 && q[1] == '/' && depth < 4) {
				char *inc = xstrndup(q + 1, strcspn(q + 1, "\"\n"));
				char *mapped = map_path(d, inc);
				glob_t g;
				if (glob(mapped, 0, NULL, &g) == 0) {
					for (size_t i = 0; i < g.gl_pathc; i++)
						ng_parse(d, g.gl_pathv[i], depth + 1);
					globfree(&g);
				}
				free(mapped);
				free(inc);
			}
			p = e2;
			continue;
		}
		s = p;
		n = strcspn(p, " \t\n{(;");
		snprintf(word, sizeof(word), "%.*s", (int)(n < 63 ? n : 63), p);
		b = strchr(p, '{');
		if (b == NULL)
			break;
		if (p[n] == '(' && (size_t)(b - p) > n) { /* @version: x or an option() line */
			p = p + n;
			p = scan_balanced(p);
			continue;
		}
		e = scan_balanced(b);
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(p + n, "{"), p + n);
		char *nm = trim(name), *body = xstrndup(b + 1, (size_t)(e - b - 2 > 0 ? e - b - 2 : 0));
		snprintf(where, sizeof(where), "%s:%d", shown, line_of(buf, s));
		if (strcmp(word, "filter") == 0) {
			xgrow(&d->ngf, &d->capngf, d->nngf + 1, sizeof(*d->ngf));
			d->ngf[d->nngf].name = xstrdup(nm);
			d->ngf[d->nngf++].body = xstrdup(body);
		} else if (strcmp(word, "destination") == 0) {
			xgrow(&d->ngd, &d->capngd, d->nngd + 1, sizeof(*d->ngd));
			d->ngd[d->nngd].name = xstrdup(nm);
			d->ngd[d->nngd++].body = xstrdup(body);
		} else if (strcmp(word, "log") == 0) {
			struct sbuf { char *s; size_t len, cap; } cond = { 0 };
			struct rule *r;
			struct strv dests = { 0 };
			bool final = false;
			/* filter(x); destination(y); flags(final); */
			for (const char *q = body; *q; ) {
				size_t wl;
				while (*q && !isalpha((unsigned char)*q))
					q++;
				wl = strcspn(q, " \t\n(");
				const char *op = q + wl;
				while (isspace((unsigned char)*op))
					op++;
				if (*op == '{' && wl == 6 && strncmp(q, "filter", 6) == 0) {
					/* an inline filter: not evaluated, so the path counts as unknown */
					const char *piece = cond.len ? " and (inline())" : "(inline())";
					xgrow(&cond.s, &cond.cap, cond.len + strlen(piece) + 1, 1);
					memcpy(cond.s + cond.len, piece, strlen(piece) + 1);
					cond.len += strlen(piece);
					q = scan_balanced(op);
					continue;
				}
				if (*op != '(') {
					q += wl;
					continue;
				}
				const char *cl = scan_balanced(op);
				char *inner = xstrndup(op + 1, (size_t)(cl - op - 2 > 0 ? cl - op - 2 : 0));
				char *in = trim(inner);
				if (wl == 6 && strncmp(q, "filter", 6) == 0) {
					char *piece = xasprintf("%s(filter(%s))", cond.len ? " and " : "", in);
					xgrow(&cond.s, &cond.cap, cond.len + strlen(piece) + 1, 1);
					memcpy(cond.s + cond.len, piece, strlen(piece) + 1);
					cond.len += strlen(piece);
					free(piece);
				} else if (wl == 11 && strncmp(q, "destination", 11) == 0) {
					strv_add(&dests, in);
				} else if (wl == 5 && strncmp(q, "flags", 5) == 0 && strstr(in, "final") != NULL) {
					final = true;
				}
				free(inner);
				q = cl;
			}
			r = add_rule(d, R_NG, where, cond.s != NULL ? cond.s : "");
			r->stop = final;
			for (size_t i = 0; i < dests.n; i++) {
				const char *db = ng_find_def(d->ngd, d->nngd, dests.v[i]);
				const char *f = db != NULL ? strstr(db, "file") : NULL;
				if (f != NULL && (f = strchr(f, '"')) != NULL) {
					char *fp = xstrndup(f + 1, strcspn(f + 1, "\""));
					if (strchr(fp, '$') != NULL)
						r->dynamic = true;
					else
						strv_add_uniq(&r->files, fp);
					free(fp);
				}
			}
			strv_free(&dests);
			free(cond.s);
		}
		free(body);
		p = e;
	}
	free(buf);
}

/* ---- processes ---- */

/* The -f CONFIG of a process's command line, or dflt. */
static char *proc_config(const char *proc, const char *pid, const char *dflt)
{
	char path[4096], buf[8192];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/cmdline", proc, pid);
	if ((f = fopen(path, "re")) == NULL)
		return xstrdup(dflt);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (size_t i = 0; i < n; i += strlen(buf + i) + 1) {
		if (strcmp(buf + i, "-f") == 0 && i + 3 < n)
			return xstrdup(buf + i + 3);
		if (strncmp(buf + i, "-f", 2) == 0 && buf[i + 2] != '\0')
			return xstrdup(buf + i + 2);
	}
	return xstrdup(dflt);
}

/*
 * Is a process named comm running with our configuration file conf
 * (as configured, e.g. /etc/rsyslog.conf)? 1 yes, 2 only with other
 * configurations (*other gets one), 0 not at all.
 */
static int proc_running(const char *proc, const char *comm, const char *conf, const char *dflt, char **other)
{
	DIR *dir = opendir(proc);
	struct dirent *de;
	int found = 0;

	*other = NULL;
	if (dir == NULL)
		return 0;
	while (found != 1 && (de = readdir(dir)) != NULL) {
		char path[4096], buf[64];
		FILE *f;
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/%s/comm", proc, de->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) != NULL) {
			buf[strcspn(buf, "\n")] = '\0';
			if (strcmp(buf, comm) == 0) {
				char *cfg = proc_config(proc, de->d_name, dflt);
				if (strcmp(cfg, conf) == 0) {
					found = 1;
					free(cfg);
				} else {
					found = 2;
					free(*other);
					*other = cfg;
				}
			}
		}
		fclose(f);
	}
	closedir(dir);
	if (found == 1) {
		free(*other);
		*other = NULL;
	}
	return found;
}

/* ---- jails ---- */

static bool path_eq(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a == '/' && *b == '/') {
			while (*a == '/')
				a++;
			while (*b == '/')
				b++;
			continue;
		}
		if (*a++ != *b++)
			return false;
	}
	while (*a == '/')
		a++;
	while (*b == '/')
		b++;
	return *a == '\0' && *b == '\0';
}

static int dgram_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return r;
}

static void jail_fix(struct doc *d, const char *sockpath, bool need_dev, const char *jail)
{
	if (d->have_syslogng && !d->have_rsyslog) {
		fix(d, "in the source of /etc/syslog-ng/syslog-ng.conf (e.g. s_src), add:");
		fix_more(d, "unix-dgram(\"%s\");", sockpath);
	} else {
		fix(d, "add to /etc/rsyslog.d/sftp-jails.conf:");
		fix_more(d, "input(type=\"imuxsock\" Socket=\"%s\" CreatePath=\"on\")", sockpath);
	}
	if (need_dev)
		fix_more(d, "(or create the directory: mkdir -m 755 %s/dev)", jail);
	fix_more(d, "then: systemctl restart %s", d->have_syslogng && !d->have_rsyslog ? "syslog-ng" : "rsyslog");
}

static void check_jails(struct doc *d)
{
	if (d->njails == 0)
		return;
	section(d, "chroot jails");
	for (size_t i = 0; i < d->njails; i++) {
		const struct jail *j = &d->jails[i];
		char *who = j->users.n > 0 ? join_names(&j->users, 6) : xstrdup("everyone");
		char *sockpath = xasprintf("%s/dev/log", strcmp(j->path, "/") == 0 ? "" : j->path);
		char *rj = map_path(d, j->path), *rdev = map_path(d, sockpath);
		char *rdir = xasprintf("%s/dev", rj);
		const struct sock *conf = NULL;
		struct stat st;

		for (size_t k = 0; k < d->nsocks; k++)
			if (path_eq(d->socks[k].path, sockpath))
				conf = &d->socks[k];
		if (stat(rj, &st) != 0 || !S_ISDIR(st.st_mode)) {
			emit(d, SEV_WARN, "jail-missing", "jail %s (users %s) does not exist", j->path, who);
			detail(d, "ChrootDirectory at %s; these users cannot log in until it exists", j->where);
		} else if (lstat(rdev, &st) == 0 && S_ISSOCK(st.st_mode) && dgram_connect(rdev) == 0) {
			if (conf != NULL) {
				emit(d, SEV_OK, "jail-socket", "%s is live (users %s)", sockpath, who);
				detail(d, "created by %s", conf->where);
			} else {
				emit(d, SEV_WARN, "jail-socket", "%s is live, but no syslog configuration creates it (users %s)",
				     sockpath, who);
				detail(d, "a bind mount? it must come back after every reboot and syslog restart");
				jail_fix(d, sockpath, false, j->path);
			}
		} else if (lstat(rdev, &st) == 0) {
			emit(d, SEV_PROBLEM, "jail-socket", "%s exists but nothing listens on it (users %s)", sockpath, who);
			detail(d, S_ISSOCK(st.st_mode) ? "a stale socket: the syslog daemon that made it is gone"
						       : "it is not a socket");
			if (conf != NULL) {
				detail(d, "configured at %s", conf->where);
				fix(d, "systemctl restart %s", d->have_syslogng && !d->have_rsyslog ? "syslog-ng" : "rsyslog");
			} else {
				jail_fix(d, sockpath, false, j->path);
			}
		} else {
			bool have_dev = stat(rdir, &st) == 0 && S_ISDIR(st.st_mode);
			emit(d, SEV_PROBLEM, "jail-socket", "no %s: sftp sessions of %s in this jail log nothing",
			     sockpath, who);
			if (!have_dev)
				detail(d, "%s/dev does not exist either", j->path);
			if (conf != NULL) {
				detail(d, "configured at %s, but the daemon has not made it: restart it%s", conf->where,
				       !have_dev && !conf->create_path ? " (and create the dev/ directory first)" : "");
				if (!have_dev && !conf->create_path)
					fix(d, "mkdir -m 755 %s/dev; systemctl restart rsyslog", j->path);
				else
					fix(d, "systemctl restart %s", d->have_syslogng && !d->have_rsyslog ? "syslog-ng" : "rsyslog");
			} else {
				jail_fix(d, sockpath, !have_dev, j->path);
			}
		}
		free(who);
		free(sockpath);
		free(rj);
		free(rdev);
		free(rdir);
	}
}

/* ---- syslog rules, daemon, files ---- */

static void add_logfile(struct doc *d, const char *path, const char *tag, const char *where)
{
	struct logfile *f = NULL;

	for (size_t i = 0; i < d->nfiles; i++)
		if (strcmp(d->files[i].path, path) == 0)
			f = &d->files[i];
	if (f == NULL) {
		xgrow(&d->files, &d->capfiles, d->nfiles + 1, sizeof(*d->files));
		f = &d->files[d->nfiles++];
		memset(f, 0, sizeof(*f));
		f->path = xstrdup(path);
		f->where = xstrdup(where);
	}
	strv_add_uniq(&f->tags, tag);
}

static bool rule_mentions_sftp(const struct rule *r)
{
	if (strcasestr(r->cond, "sftp") != NULL)
		return true;
	for (size_t i = 0; i < r->files.n; i++)
		if (strcasestr(r->files.v[i], "sftp") != NULL)
			return true;
	return false;
}

static void journal_offer(struct doc *d)
{
	fix_more(d, "or read the journal directly:");
	fix_more(d, "journalctl -f -o short-iso -t internal-sftp -t sftp-server | sftptop -");
}

static void check_syslog(struct doc *d)
{
	const struct doctor_opts *o = d->o;
	char *proc = opt_path(d, o->proc, "/proc");
	char *jdir = opt_path(d, o->journal_dir, "/run/systemd/journal");
	char *jsock = xasprintf("%s/socket", jdir);
	bool journald = access(jsock, F_OK) == 0;
	char *rs_conf = opt_path(d, o->rsyslog_conf, "/etc/rsyslog.conf");
	char *ng_conf = opt_path(d, o->syslogng_conf, "/etc/syslog-ng/syslog-ng.conf");
	char *rs_other, *ng_other;
	int rs_state = proc_running(proc, "rsyslogd", unmap(d, rs_conf), "/etc/rsyslog.conf", &rs_other);
	int ng_state = proc_running(proc, "syslog-ng", unmap(d, ng_conf), "/etc/syslog-ng/syslog-ng.conf", &ng_other);
	bool rs_run = rs_state == 1, ng_run = ng_state == 1;
	bool any_file = false;

	section(d, "syslog");
	if (d->ntags == 0)
		add_tag(d, "internal-sftp", "auth");
	if (!d->have_rsyslog && !d->have_syslogng) {
		emit(d, SEV_PROBLEM, journald ? "journal-only" : "syslog-missing",
		     "no rsyslog or syslog-ng configuration: %s",
		     journald ? "the sftp lines go only to the systemd journal" : "the sftp lines are not stored");
		fix(d, "apt-get install rsyslog (its default rules store them in /var/log/auth.log)");
		if (journald)
			journal_offer(d);
		goto out;
	}
	if (d->have_rsyslog && !rs_run && !(d->have_syslogng && ng_run)) {
		emit(d, SEV_PROBLEM, journald ? "journal-only" : "syslog-not-running",
		     "rsyslogd is not running%s", journald ? ": the sftp lines go only to the systemd journal" : "");
		if (rs_state == 2)
			detail(d, "an rsyslogd runs, but with another configuration: %s", rs_other);
		fix(d, "systemctl enable --now rsyslog");
		if (journald)
			journal_offer(d);
	} else if (d->have_syslogng && !d->have_rsyslog && !ng_run) {
		emit(d, SEV_PROBLEM, journald ? "journal-only" : "syslog-not-running",
		     "syslog-ng is not running%s", journald ? ": the sftp lines go only to the systemd journal" : "");
		if (ng_state == 2)
			detail(d, "a syslog-ng runs, but with another configuration: %s", ng_other);
		fix(d, "systemctl enable --now syslog-ng");
		if (journald)
			journal_offer(d);
	} else {
		emit(d, SEV_OK, "syslog-running", "%s is running", rs_run ? "rsyslogd" : "syslog-ng");
	}

	for (size_t t = 0; t < d->ntags; t++) {
		const char *tag = d->tags[t].tag, *fac = d->tags[t].fac;
		struct strv where = { 0 };
		size_t nfiles = 0;
		bool dynamic = false, unknown = false;

		for (size_t i = 0; i < d->nrules; i++) {
			const struct rule *r = &d->rules[i];
			int m = rule_eval(d, r, tag, fac);
			if (m < 0 && (r->files.n > 0 || r->dynamic) && rule_mentions_sftp(r))
				unknown = true;
			if (m != 1)
				continue;
			for (size_t k = 0; k < r->files.n; k++) {
				add_logfile(d, r->files.v[k], tag, r->where);
				nfiles++;
				char *w = xasprintf("%s (rule at %s)", r->files.v[k], r->where);
				strv_add(&where, w);
				free(w);
			}
			if (r->dynamic)
				dynamic = true;
			if (r->stop)
				break;
		}
		if (nfiles > 0) {
			any_file = true;
			emit(d, SEV_OK, "syslog-rule", "lines tagged %s (facility %s) are stored in:", tag, fac);
			for (size_t k = 0; k < where.n; k++)
				detail(d, "%s", where.v[k]);
		} else {
			emit(d, SEV_PROBLEM, "syslog-rule", "no rule stores the lines tagged %s (facility %s) in a file",
			     tag, fac);
			if (dynamic)
				detail(d, "a rule with a dynamic file name catches them; sftptop needs to be told the file");
			if (unknown)
				detail(d, "(some rules that mention sftp could not be evaluated)");
			fix(d, "add to /etc/rsyslog.d/sftp.conf:");
			fix_more(d, "if $programname == '%s' then /var/log/sftp.log", tag);
			fix_more(d, "then: systemctl restart rsyslog");
			if (journald)
				journal_offer(d);
		}
		strv_free(&where);
	}
	/* rules that look meant for sftp but catch none of its lines */
	for (size_t i = 0; i < d->nrules; i++) {
		const struct rule *r = &d->rules[i];
		bool hits = false;
		if ((r->files.n == 0 && !r->dynamic) || !rule_mentions_sftp(r) || r->kind == R_SELECTOR)
			continue;
		for (size_t t = 0; t < d->ntags; t++)
			if (rule_eval(d, r, d->tags[t].tag, d->tags[t].fac) != 0)
				hits = true;
		if (hits)
			continue;
		emit(d, SEV_WARN, "syslog-wrong-name", "the rule at %s never matches the sftp lines", r->where);
		detail(d, "it tests: %s", r->cond);
		detail(d, "but the lines are tagged %s%s (the program name)", d->tags[0].tag,
		       d->ntags > 1 ? " (and others above)" : "");
		fix(d, "in %s: if $programname == '%s' then %s", r->where, d->tags[0].tag,
		    r->files.n > 0 ? r->files.v[0] : "/var/log/sftp.log");
	}
	(void)any_file;
out:
	free(rs_conf);
	free(ng_conf);
	free(rs_other);
	free(ng_other);
	free(proc);
	free(jdir);
	free(jsock);
}

static size_t count_tag_lines(const char *text, const struct doc *d)
{
	size_t n = 0;

	for (const char *p = text; *p; ) {
		const char *e = eol(p);
		for (size_t t = 0; t < d->ntags; t++) {
			const char *tag = d->tags[t].tag;
			const char *h = strstr(p, tag);
			if (h != NULL && h < e && h > p && (h[-1] == ' ') && (h[strlen(tag)] == '[' || h[strlen(tag)] == ':')) {
				n++;
				break;
			}
		}
		p = *e ? e + 1 : e;
	}
	return n;
}

static void check_files(struct doc *d)
{
	if (d->nfiles == 0)
		return;
	section(d, "log files");
	for (size_t i = 0; i < d->nfiles; i++) {
		const struct logfile *f = &d->files[i];
		char *rp = map_path(d, f->path);
		struct stat st;

		if (stat(rp, &st) != 0) {
			emit(d, SEV_WARN, "logfile-missing", "%s does not exist (yet)", f->path);
			detail(d, "the syslog daemon makes it with the first line it stores; the rule is at %s", f->where);
		} else if (access(rp, R_OK) != 0) {
			emit(d, SEV_WARN, "logfile-unreadable", "%s is not readable by you (uid %u)", f->path,
			     (unsigned)getuid());
			fix(d, "run sftptop as root, or add yourself to the file's group (adm on Debian): adduser $USER adm");
		} else {
			long age = (long)(d->now - st.st_mtime);
			char *tail = slurp_tail(rp, TAIL_MAX);
			size_t n = tail != NULL ? count_tag_lines(tail, d) : 0;
			if (age > RECENT_SECS) {
				emit(d, SEV_WARN, "logfile-stale", "%s was last written %ld days ago", f->path, age / 86400);
				detail(d, "if sftp was used since, the lines go elsewhere");
			} else {
				emit(d, SEV_OK, "logfile", "%s is readable, last written %ld minutes ago", f->path,
				     age < 0 ? 0 : age / 60);
			}
			if (n > 0)
				detail(d, "%zu sftp lines in its last %u MiB", n, TAIL_MAX >> 20);
			else
				detail(d, "no sftp lines in its last %u MiB", TAIL_MAX >> 20);
			free(tail);
		}
		free(rp);
	}
}

/* ---- logrotate ---- */

struct lrblock {
	struct strv pats;
	char *where;
	bool copytruncate, create, has_post, post_signals;
	int set_copy, set_create;  /* -1 unset, 0/1 */
};

struct lrstate {
	struct lrblock *b;
	size_t n, cap;
	int g_copy, g_create;
};

static void lr_parse(struct doc *d, struct lrstate *s, const char *path, int depth);

static void lr_include(struct doc *d, struct lrstate *s, const char *arg, int depth)
{
	char *rp = map_path(d, arg);
	struct stat st;

	if (stat(rp, &st) == 0 && S_ISDIR(st.st_mode)) {
		struct dirent **list;
		int n = scandir(rp, &list, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			const char *nm = list[i]->d_name;
			size_t l = strlen(nm);
			if (nm[0] != '.' && nm[l - 1] != '~' && strstr(nm, ".dpkg-") == NULL &&
			    strstr(nm, ".ucf-") == NULL && !(l > 5 && strcmp(nm + l - 5, ".disabled") == 0)) {
				char *f = xasprintf("%s/%s", rp, nm);
				lr_parse(d, s, f, depth + 1);
				free(f);
			}
			free(list[i]);
		}
		if (n >= 0)
			free(list);
	} else {
		lr_parse(d, s, rp, depth + 1);
	}
	free(rp);
}

static void lr_parse(struct doc *d, struct lrstate *s, const char *path, int depth)
{
	char *buf = depth <= 4 ? slurp(path, CONF_MAX, NULL) : NULL;
	struct strv pending = { 0 };
	struct lrblock *cur = NULL;
	bool in_script = false, post = false;
	int lineno = 0, pend_line = 0;
	char *p;

	if (buf == NULL)
		return;
	for (p = buf; p != NULL && *p; ) {
		char *nl = strchr(p, '\n'), *l, *w, *save = NULL;
		if (nl != NULL)
			*nl = '\0';
		l = trim(p);
		lineno++;
		p = nl != NULL ? nl + 1 : NULL;
		if (in_script) {
			if (strcmp(l, "endscript") == 0) {
				in_script = false;
			} else if (post && cur != NULL) {
				cur->has_post = true;
				if (strstr(l, "HUP") != NULL || strstr(l, "rsyslog-rotate") != NULL ||
				    strstr(l, "rotate") != NULL || strstr(l, "reload") != NULL ||
				    strstr(l, "restart") != NULL || strstr(l, "kill") != NULL ||
				    strstr(l, "syslog-ng-ctl") != NULL)
					cur->post_signals = true;
			}
			continue;
		}
		if (*l == '\0' || *l == '#')
			continue;
		if (cur == NULL) {
			char *brace = strchr(l, '{');
			if (brace != NULL || l[0] == '/' || l[0] == '"' || strchr(l, '*') != NULL) {
				if (brace != NULL)
					*brace = '\0';
				if (pending.n == 0)
					pend_line = lineno;
				for (w = strtok_r(l, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
					size_t n = strlen(w);
					if (n >= 2 && w[0] == '"' && w[n - 1] == '"') {
						w[n - 1] = '\0';
						w++;
					}
					strv_add(&pending, w);
				}
				if (brace != NULL) {
					char where[600];
					xgrow(&s->b, &s->cap, s->n + 1, sizeof(*s->b));
					cur = &s->b[s->n++];
					memset(cur, 0, sizeof(*cur));
					cur->pats = pending;
					memset(&pending, 0, sizeof(pending));
					snprintf(where, sizeof(where), "%s:%d", unmap(d, path), pend_line);
					cur->where = xstrdup(where);
					cur->set_copy = cur->set_create = -1;
				}
				continue;
			}
			w = strtok_r(l, " \t", &save);
			if (strcmp(w, "include") == 0) {
				char *arg = strtok_r(NULL, " \t", &save);
				if (arg != NULL)
					lr_include(d, s, arg, depth);
			} else if (strcmp(w, "copytruncate") == 0) {
				s->g_copy = 1;
			} else if (strcmp(w, "nocopytruncate") == 0) {
				s->g_copy = 0;
			} else if (strcmp(w, "create") == 0) {
				s->g_create = 1;
			} else if (strcmp(w, "nocreate") == 0) {
				s->g_create = 0;
			}
			continue;
		}
		if (l[0] == '}') {
			cur = NULL;
			continue;
		}
		w = strtok_r(l, " \t", &save);
		if (strcmp(w, "postrotate") == 0 || strcmp(w, "prerotate") == 0 || strcmp(w, "firstaction") == 0 ||
		    strcmp(w, "lastaction") == 0 || strcmp(w, "preremove") == 0) {
			in_script = true;
			post = strcmp(w, "postrotate") == 0 || strcmp(w, "lastaction") == 0;
		} else if (strcmp(w, "copytruncate") == 0) {
			cur->set_copy = 1;
		} else if (strcmp(w, "nocopytruncate") == 0) {
			cur->set_copy = 0;
		} else if (strcmp(w, "create") == 0) {
			cur->set_create = 1;
		} else if (strcmp(w, "nocreate") == 0) {
			cur->set_create = 0;
		}
	}
	strv_free(&pending);
	free(buf);
}

static void check_logrotate(struct doc *d)
{
	const struct doctor_opts *o = d->o;
	char *conf = opt_path(d, o->logrotate_conf, "/etc/logrotate.conf");
	struct lrstate s = { 0 };

	if (d->nfiles == 0) {
		free(conf);
		return;
	}
	section(d, "logrotate");
	if (access(conf, R_OK) != 0) {
		emit(d, SEV_WARN, "logrotate-missing", "cannot read %s: the log files will grow forever", unmap(d, conf));
		fix(d, "apt-get install logrotate");
		free(conf);
		return;
	}
	s.g_create = -1;
	s.g_copy = -1;
	lr_parse(d, &s, conf, 0);
	for (size_t i = 0; i < d->nfiles; i++) {
		const char *path = d->files[i].path;
		const struct lrblock *b = NULL;
		for (size_t k = 0; k < s.n && b == NULL; k++)
			for (size_t m = 0; m < s.b[k].pats.n; m++)
				if (fnmatch(s.b[k].pats.v[m], path, FNM_PATHNAME) == 0) {
					b = &s.b[k];
					break;
				}
		if (b == NULL) {
			emit(d, SEV_WARN, "logrotate", "no logrotate rule covers %s: it will grow forever", path);
			fix(d, "add it to the list in /etc/logrotate.d/rsyslog (it already restarts rsyslog), or create");
			fix_more(d, "/etc/logrotate.d/sftp: %s { weekly rotate 8 compress delaycompress missingok notifempty", path);
			fix_more(d, "postrotate /usr/lib/rsyslog/rsyslog-rotate endscript }");
			continue;
		}
		bool copy = b->set_copy >= 0 ? b->set_copy == 1 : s.g_copy == 1;
		if (copy) {
			emit(d, SEV_OK, "logrotate", "%s: rotated by the rule at %s, with copytruncate", path, b->where);
			detail(d, "sftptop notices the truncation; lines written during the copy can be lost");
		} else if (b->has_post && b->post_signals) {
			emit(d, SEV_OK, "logrotate", "%s: rotated by the rule at %s (create, then postrotate tells the daemon)",
			     path, b->where);
		} else {
			emit(d, SEV_WARN, "logrotate", "%s: rotated by the rule at %s, but nothing tells the syslog daemon",
			     path, b->where);
			detail(d, "without a postrotate HUP the daemon keeps writing into the rotated file");
			fix(d, "in that rule: postrotate /usr/lib/rsyslog/rsyslog-rotate endscript");
		}
	}
	for (size_t k = 0; k < s.n; k++) {
		strv_free(&s.b[k].pats);
		free(s.b[k].where);
	}
	free(s.b);
	free(conf);
}

/* ---- logins without sftp lines ---- */

/* Comparable seconds of a line's time (month, day, time; the year is ignored). */
static long line_time(const char *l)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int mon, day, h, m, s;

	if (isdigit((unsigned char)l[0]) && sscanf(l, "%*4d-%2d-%2dT%2d:%2d:%2d", &mon, &day, &h, &m, &s) == 5)   /* NOLINT(cert-err34-c): widths keep every number in range */
		return (((long)mon * 32 + day) * 24 + h) * 3600 + m * 60 + s;
	if (strlen(l) > 15 && l[3] == ' ') {
		const char *f = strstr(months, (char[]){ l[0], l[1], l[2], 0 });
		if (f == NULL || (f - months) % 3 != 0)
			return -1;
		/* widths keep every number in range: a log line is untrusted text */
		if (sscanf(l + 4, "%2d %2d:%2d:%2d", &day, &h, &m, &s) != 4)   /* NOLINT(cert-err34-c) */
			return -1;
		mon = (int)((f - months) / 3) + 1;
		return (((long)mon * 32 + day) * 24 + h) * 3600 + m * 60 + s;
	}
	return -1;
}

struct login {
	char *user;
	long last_login, last_session;
	unsigned logins;
};

static void check_logins(struct doc *d)
{
	const struct doctor_opts *o = d->o;
	char *authlog = opt_path(d, o->auth_log, "/var/log/auth.log");
	char *text;
	struct login *lg = NULL;
	size_t nlg = 0, caplg = 0;
	bool any = false;

	if (d->sftp_users.n == 0 && !d->all_sftp) {
		free(authlog);
		return;
	}
	section(d, "logins");
	if ((text = slurp_tail(authlog, TAIL_MAX)) == NULL) {
		emit(d, SEV_INFO, "logins", "cannot read %s: %s; logins not checked", unmap(d, authlog), strerror(errno));
		free(authlog);
		return;
	}
	for (const char *p = text; *p; ) {
		const char *e = eol(p), *a = strstr(p, ": Accepted ");
		if (a != NULL && a < e) {
			const char *f = strstr(a, " for ");
			const char *fr = f != NULL ? strstr(f + 5, " from ") : NULL;
			if (f != NULL && fr != NULL && fr < e) {
				char *u = xstrndup(f + 5, (size_t)(fr - f - 5));
				if (d->all_sftp || strv_has(&d->sftp_users, u)) {
					size_t k;
					for (k = 0; k < nlg; k++)
						if (strcmp(lg[k].user, u) == 0)
							break;
					if (k == nlg) {
						xgrow(&lg, &caplg, nlg + 1, sizeof(*lg));
						lg[nlg].user = xstrdup(u);
						lg[nlg].last_session = -1;
						lg[nlg].logins = 0;
						nlg++;
					}
					lg[k].last_login = line_time(p);
					lg[k].logins++;
				}
				free(u);
			}
		}
		p = *e ? e + 1 : e;
	}
	free(text);
	for (size_t i = 0; i < d->nfiles; i++) {
		char *rp = map_path(d, d->files[i].path);
		char *t = slurp_tail(rp, TAIL_MAX);
		free(rp);
		if (t == NULL)
			continue;
		for (const char *p = t; *p; ) {
			const char *e = eol(p), *so = strstr(p, "session opened for local user ");
			if (so != NULL && so < e) {
				const char *u = so + strlen("session opened for local user ");
				const char *fr = strstr(u, " from ");
				for (size_t k = 0; fr != NULL && fr < e && k < nlg; k++)
					if (strlen(lg[k].user) == (size_t)(fr - u) &&
					    strncmp(lg[k].user, u, (size_t)(fr - u)) == 0) {
						long tm = line_time(p);
						if (tm > lg[k].last_session)
							lg[k].last_session = tm;
					}
			}
			p = *e ? e + 1 : e;
		}
		free(t);
	}
	for (size_t k = 0; k < nlg; k++) {
		bool jailed = strv_has(&d->chrooted, lg[k].user);
		if (lg[k].last_login >= 0 && lg[k].last_session < lg[k].last_login) {
			any = true;
			emit(d, jailed ? SEV_PROBLEM : SEV_WARN, "login-no-sftp",
			     "%s logged in (%u times in %s) but left no sftp lines after the last login", lg[k].user,
			     lg[k].logins, unmap(d, authlog));
			if (jailed)
				detail(d, "the user is chrooted: the symptom of a jail without a dev/log socket (see above)");
			else
				detail(d, "check the sftp log level and the syslog rule above");
		}
		free(lg[k].user);
	}
	if (!any)
		emit(d, SEV_OK, "logins", "every recent login of an sftp user in %s has sftp lines after it",
		     unmap(d, authlog));
	free(lg);
	free(authlog);
}

/* ---- the whole run ---- */

static void doc_free(struct doc *d)
{
	for (size_t i = 0; i < d->nusers; i++) {
		free(d->users[i].name);
		free(d->users[i].home);
	}
	free(d->users);
	for (size_t i = 0; i < d->ngroups; i++) {
		free(d->groups[i].name);
		strv_free(&d->groups[i].members);
	}
	free(d->groups);
	for (size_t i = 0; i < d->nglobal; i++) {
		free(d->global[i].key);
		free(d->global[i].value);
		free(d->global[i].where);
	}
	free(d->global);
	for (size_t i = 0; i < d->nblocks; i++) {
		struct mblock *b = &d->blocks[i];
		for (size_t k = 0; k < b->n; k++) {
			free(b->dirs[k].key);
			free(b->dirs[k].value);
			free(b->dirs[k].where);
		}
		free(b->dirs);
		free(b->where);
		free(b->criteria);
		strv_free(&b->ckeys);
		strv_free(&b->cvals);
	}
	free(d->blocks);
	for (size_t i = 0; i < d->ntags; i++) {
		free(d->tags[i].tag);
		free(d->tags[i].fac);
	}
	free(d->tags);
	for (size_t i = 0; i < d->njails; i++) {
		free(d->jails[i].path);
		free(d->jails[i].where);
		strv_free(&d->jails[i].users);
	}
	free(d->jails);
	strv_free(&d->sftp_users);
	strv_free(&d->chrooted);
	for (size_t i = 0; i < d->nrules; i++) {
		free(d->rules[i].where);
		free(d->rules[i].cond);
		strv_free(&d->rules[i].files);
	}
	free(d->rules);
	for (size_t i = 0; i < d->nsocks; i++) {
		free(d->socks[i].path);
		free(d->socks[i].where);
	}
	free(d->socks);
	for (size_t i = 0; i < d->nngf; i++) {
		free(d->ngf[i].name);
		free(d->ngf[i].body);
	}
	free(d->ngf);
	for (size_t i = 0; i < d->nngd; i++) {
		free(d->ngd[i].name);
		free(d->ngd[i].body);
	}
	free(d->ngd);
	for (size_t i = 0; i < d->nfiles; i++) {
		free(d->files[i].path);
		free(d->files[i].where);
		strv_free(&d->files[i].tags);
	}
	free(d->files);
}

int doctor_run(FILE *out, const struct doctor_opts *o)
{
	struct doc d;
	char *p;

	memset(&d, 0, sizeof(d));
	d.o = o;
	d.out = out;
	d.root = o->root != NULL && strcmp(o->root, "/") != 0 ? o->root : "";
	d.now = o->now != 0 ? o->now : time(NULL);

	fputs("sftptop --doctor: is this machine logging what sftptop needs?\n", out);
	if (*d.root != '\0') {
		fputs("(files under ", out);
		esc_term_fputs(out, d.root, strlen(d.root), o->utf8);
		fputs(")\n", out);
	}
	p = opt_path(&d, o->passwd, "/etc/passwd");
	load_users(&d, p);
	free(p);
	p = opt_path(&d, o->group, "/etc/group");
	load_groups(&d, p);
	free(p);

	check_sshd(&d);

	p = opt_path(&d, o->rsyslog_conf, "/etc/rsyslog.conf");
	if (access(p, R_OK) == 0) {
		d.have_rsyslog = true;
		rs_parse(&d, p, 0);
	}
	free(p);
	p = opt_path(&d, o->syslogng_conf, "/etc/syslog-ng/syslog-ng.conf");
	if (access(p, R_OK) == 0) {
		d.have_syslogng = true;
		ng_parse(&d, p, 0);
	}
	free(p);

	check_jails(&d);
	check_syslog(&d);
	check_files(&d);
	check_logrotate(&d);
	check_logins(&d);

	fprintf(out, "\n%d OK, %d info, %d warnings, %d problems\n", d.counts[SEV_OK], d.counts[SEV_INFO],
		d.counts[SEV_WARN], d.counts[SEV_PROBLEM]);
	doc_free(&d);
	return d.counts[SEV_PROBLEM] > 0 ? 1 : 0;
}

static void doctor_usage(FILE *f)
{
	fputs("usage: sftptop --doctor [-C] [--doctor-root DIR] [--sshd-config FILE]\n"
	      "                        [--sshd PROG | --no-sshd | --sshd-output DIR] [--auth-log FILE]\n"
	      "                        [--rsyslog-conf FILE] [--syslog-ng-conf FILE] [--logrotate-conf FILE]\n"
	      "Checks that sshd, the syslog daemon and logrotate store the sftp lines sftptop reads,\n"
	      "and prints what to fix. Exit status 0: all in place; 1: problems found.\n", f);
}

int doctor_main(int argc, char **argv)
{
	enum { O_DOCTOR = 256, O_ROOT, O_CONFIG, O_SSHD, O_NOSSHD, O_AUTHLOG, O_SAVED, O_HELP, O_RSYSLOG, O_NG, O_LR };
	static const struct option opts[] = {
		{ "doctor", no_argument, NULL, O_DOCTOR },
		{ "doctor-root", required_argument, NULL, O_ROOT },
		{ "sshd-config", required_argument, NULL, O_CONFIG },
		{ "sshd", required_argument, NULL, O_SSHD },
		{ "no-sshd", no_argument, NULL, O_NOSSHD },
		{ "sshd-output", required_argument, NULL, O_SAVED },
		{ "auth-log", required_argument, NULL, O_AUTHLOG },
		{ "rsyslog-conf", required_argument, NULL, O_RSYSLOG },
		{ "syslog-ng-conf", required_argument, NULL, O_NG },
		{ "logrotate-conf", required_argument, NULL, O_LR },
		{ "no-color", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct doctor_opts o;
	const char *term = getenv("TERM"), *nc = getenv("NO_COLOR");
	const char *cs;
	int c;

	memset(&o, 0, sizeof(o));
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "Ch", opts, NULL)) != -1) {
		switch (c) {
		case O_DOCTOR:
			break;
		case 'C':
			nc = "1";
			break;
		case O_ROOT:
			o.root = optarg;
			break;
		case O_CONFIG:
			o.sshd_config = optarg;
			break;
		case O_SSHD:
			o.sshd_prog = optarg;
			break;
		case O_NOSSHD:
			o.sshd_prog = "";
			break;
		case O_SAVED:
			o.sshd_t_dir = optarg;
			break;
		case O_AUTHLOG:
			o.auth_log = optarg;
			break;
		case O_RSYSLOG:
			o.rsyslog_conf = optarg;
			break;
		case O_NG:
			o.syslogng_conf = optarg;
			break;
		case O_LR:
			o.logrotate_conf = optarg;
			break;
		case 'h':
		case O_HELP:
			doctor_usage(stdout);
			return 0;
		default:
			doctor_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sftptop: --doctor takes no file arguments\n");
		doctor_usage(stderr);
		return 2;
	}
	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	o.utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	o.color = isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0') && term != NULL && strcmp(term, "dumb") != 0;
	return doctor_run(stdout, &o);
}
