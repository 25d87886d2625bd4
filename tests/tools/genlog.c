/*
 * genlog: writes a deterministic, realistic OpenSSH SFTP server log of any
 * length, for the benchmark (tests/bench/run.sh) and the fast-path/slow-path
 * equivalence test (tests/t-bench-equiv.sh).
 *
 *   genlog -n LINES [-f traditional|rfc3339] [-s SEED] [-t YYYY-MM-DD] [-o FILE]
 *
 * Hundreds of sessions run at once on a few hosts and interleave line by
 * line. Each session is a small script: "session opened", INIT, realpath,
 * then actions (ls, cd, uploads through a .filepart and posix-rename, plain
 * puts, downloads, removes, mkdir/rmdir, renames, set mode/modtime, failures
 * answered by "sent status ..."), then "session closed" (or nothing, for a
 * killed session; or forced closes first). PIDs come from a per-host counter
 * that wraps at 32768, so they are reused. A few sshd/CRON lines are mixed
 * in. Line shapes follow the log format reference (§5 and §7).
 *
 * The output depends only on the options: its own PRNG, no clock, no
 * locale. Lines are built with memcpy and hand-made number formatting into
 * a large buffer, so ten million lines take a few seconds.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NHOSTS 4
#define NUSERS 400
#define NACTIVE 320     /* sessions running at once */
#define QLINES 16       /* queued lines per session */
#define BODYMAX 600
#define PID_MAX 32768

/* ---- PRNG: xoshiro256** seeded by splitmix64 ---- */

static uint64_t rs[4];

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rnd(void)
{
	uint64_t r = rotl(rs[1] * 5, 7) * 9;
	uint64_t t = rs[1] << 17;
	rs[2] ^= rs[0];
	rs[3] ^= rs[1];
	rs[1] ^= rs[2];
	rs[0] ^= rs[3];
	rs[2] ^= t;
	rs[3] = rotl(rs[3], 45);
	return r;
}

/* Uniform in [0, n). */
static uint32_t rn(uint32_t n)
{
	return (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32);
}

/* True with probability p percent (p may be fractional through per-mille callers). */
static bool pct(uint32_t p)
{
	return rn(100) < p;
}

static bool permille(uint32_t p)
{
	return rn(1000) < p;
}

/* ---- a small string builder ---- */

struct sb {
	char *p;
	size_t n;
};

static void put(struct sb *b, const char *s)
{
	size_t l = strlen(s);
	memcpy(b->p + b->n, s, l);
	b->n += l;
}

static void putc1(struct sb *b, char c)
{
	b->p[b->n++] = c;
}

static void putu(struct sb *b, uint64_t v)
{
	char t[24];
	int i = 0;
	do {
		t[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		b->p[b->n++] = t[--i];
}

/* Zero-padded to width w. */
static void putuw(struct sb *b, uint64_t v, int w)
{
	for (int i = w - 1; i >= 0; i--) {
		b->p[b->n + (size_t)i] = (char)('0' + v % 10);
		v /= 10;
	}
	b->n += (size_t)w;
}

static void puto(struct sb *b, unsigned v)
{
	char t[16];
	int i = 0;
	do {
		t[i++] = (char)('0' + (v & 7));
		v >>= 3;
	} while (v);
	while (i)
		b->p[b->n++] = t[--i];
}

/* ---- the world: hosts, users ---- */

static const char *const hosts[NHOSTS] = { "sftp1", "sftp2", "fs01", "xfer3" };

static const char *const first[] = {
	"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
	"mallory", "oscar", "peggy", "rupert", "sybil", "trent", "victor", "walter", "wendy",
	"xavier", "yolanda", "zoe", "anna", "bruno", "chen", "dmitri", "eva", "farid", "gita",
	"hans", "ines", "jonas", "kemal", "lena", "marek", "nadia", "olaf", "priya", "quinn",
	"rosa", "sven", "tomas", "ulla", "vera", "wei", "yusuf",
};

static const char *const service[] = {
	"edi_acme", "edi_globex", "backup", "scanner", "partner-initech", "ftp_umbrella",
	"reports", "payroll", "camera", "b2b_hooli", "logship", "media",
};

struct user {
	char name[32];
	char ip[40];
	char home[48];          /* "" = chrooted: paths are /upload, /download, ... */
	uint8_t kind;           /* 0 person, 1 batch account, 2 camera/scanner */
	uint32_t nfiles;        /* files uploaded so far (their numbers are 0..nfiles-1) */
};

static struct user users[NUSERS];

static void make_users(void)
{
	for (int i = 0; i < NUSERS; i++) {
		struct user *u = &users[i];
		struct sb b = { u->name, 0 };
		if (i % 5 == 0) {
			put(&b, service[rn(sizeof service / sizeof service[0])]);
			putuw(&b, (uint64_t)(i / 5 % 100), 2);
			u->kind = (uint8_t)(pct(30) ? 2 : 1);
		} else {
			put(&b, first[i % (int)(sizeof first / sizeof first[0])]);
			if (i >= (int)(sizeof first / sizeof first[0]))
				putu(&b, (uint64_t)(i / (int)(sizeof first / sizeof first[0])));
			u->kind = 0;
		}
		b.p[b.n] = 0;

		b = (struct sb){ u->ip, 0 };
		switch (rn(10)) {
		case 0:
			put(&b, "2001:db8:");
			putu(&b, rn(100));
			put(&b, "::");
			putu(&b, 1 + rn(250));
			break;
		case 1: case 2:
			put(&b, "198.51.100.");
			putu(&b, 1 + rn(250));
			break;
		case 3: case 4:
			put(&b, "203.0.113.");
			putu(&b, 1 + rn(250));
			break;
		default:
			put(&b, "10.");
			putu(&b, rn(4));
			putc1(&b, '.');
			putu(&b, rn(256));
			putc1(&b, '.');
			putu(&b, 1 + rn(250));
		}
		b.p[b.n] = 0;

		if (u->kind == 0 && pct(25)) {
			b = (struct sb){ u->home, 0 };
			put(&b, "/home/");
			put(&b, u->name);
			b.p[b.n] = 0;
		} else {
			u->home[0] = 0;
		}
		u->nfiles = rn(50);
	}
}

/* ---- time: a civil clock in one fixed zone (+01:00) ---- */

struct clk {
	int y, mo, d, h, mi, s;
	uint32_t us;
};

static const char *const mon[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static int mdays(int y, int mo)
{
	static const int md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return md[mo - 1];
}

/* Advance by us microseconds; returns true when the second changed. */
static bool clk_add(struct clk *c, uint64_t us)
{
	uint64_t t = c->us + us;
	c->us = (uint32_t)(t % 1000000);
	uint64_t secs = t / 1000000;
	if (!secs)
		return false;
	while (secs--) {
		if (++c->s < 60)
			continue;
		c->s = 0;
		if (++c->mi < 60)
			continue;
		c->mi = 0;
		if (++c->h < 24)
			continue;
		c->h = 0;
		if (++c->d <= mdays(c->y, c->mo))
			continue;
		c->d = 1;
		if (++c->mo <= 12)
			continue;
		c->mo = 1;
		c->y++;
	}
	return true;
}

/* ---- sessions ---- */

struct sess {
	bool live;
	uint8_t host;
	uint32_t pid;
	uint32_t user;
	uint32_t actions;       /* actions left before closing */
	uint32_t dir;           /* current directory variant */
	int qhead, qn;
	uint16_t qlen[QLINES];
	char q[QLINES][BODYMAX];
};

static struct sess *ss;
static uint32_t next_pid[NHOSTS];

static bool fmt_rfc3339;

/* The body builder for the line being queued. */
static struct sb *qline(struct sess *s)
{
	static struct sb b;
	int i = (s->qhead + s->qn) % QLINES;
	b.p = s->q[i];
	b.n = 0;
	return &b;
}

static void qdone(struct sess *s, struct sb *b)
{
	int i = (s->qhead + s->qn) % QLINES;
	s->qlen[i] = (uint16_t)b->n;
	s->qn++;
}

/* Directory prefix for the session's user and directory variant. */
static void put_dir(struct sb *b, const struct sess *s, uint32_t dir)
{
	const struct user *u = &users[s->user];
	if (u->home[0])
		put(b, u->home);
	switch (dir % 8) {
	case 0: put(b, "/upload/2026/"); putuw(b, 10 + dir / 8 % 3, 2); break;
	case 1: put(b, "/outgoing"); break;
	case 2: put(b, "/download"); break;
	case 3: put(b, "/archive"); break;
	case 4: put(b, "/edi/in"); break;
	case 5: put(b, "/scans"); break;
	case 6: put(b, "/projects"); break;
	default: put(b, "/tmp"); break;
	}
}

/* A file name for number n; the shape depends on the user and on n. */
static void put_name(struct sb *b, const struct sess *s, uint32_t n)
{
	const struct user *u = &users[s->user];
	uint32_t v = (n * 2654435761u) >> 28;
	if (u->kind == 2) {
		put(b, "IMG_");
		putuw(b, n % 10000, 4);
		put(b, ".JPG");
		return;
	}
	if (u->kind == 1) {
		if (v < 8) {
			put(b, "ORDERS_");
			putuw(b, n, 6);
			put(b, ".edi");
		} else {
			put(b, "daily-202611");
			putuw(b, 1 + n % 28, 2);
			putc1(b, '-');
			putu(b, n);
			put(b, ".csv");
		}
		return;
	}
	switch (v) {
	case 0: case 1: case 2: case 3:
		put(b, "invoice-");
		putuw(b, n, 5);
		put(b, ".pdf");
		break;
	case 4: case 5:
		put(b, "report-q");
		putu(b, 1 + n % 4);
		putc1(b, '-');
		putu(b, n);
		put(b, ".xlsx");
		break;
	case 6:
		put(b, "scan ");
		putuw(b, n, 4);
		put(b, ".pdf");
		break;
	case 7:
		put(b, "r\\303\\251sum\\303\\251-");
		putu(b, n);
		put(b, ".docx");
		break;
	case 8:
		put(b, "backup-");
		putu(b, n);
		put(b, ".tar.gz");
		break;
	case 9:
		put(b, "photo_");
		putuw(b, n, 4);
		put(b, ".png");
		break;
	case 10:
		if (n % 7 == 0) {
			put(b, "notes \"final\" ");
			putu(b, n);
			put(b, ".txt");
		} else {
			put(b, "notes-");
			putu(b, n);
			put(b, ".txt");
		}
		break;
	default:
		put(b, "data_");
		putu(b, n);
		put(b, ".json");
	}
}

static void put_path(struct sb *b, const struct sess *s, uint32_t dir, uint32_t n)
{
	put_dir(b, s, dir);
	putc1(b, '/');
	put_name(b, s, n);
}

static void q_status(struct sess *s, const char *text)
{
	struct sb *b = qline(s);
	put(b, "sent status ");
	put(b, text);
	qdone(s, b);
}

static void q_pathline(struct sess *s, const char *pre, uint32_t dir, uint32_t n, bool isdir, const char *post)
{
	struct sb *b = qline(s);
	put(b, pre);
	if (isdir)
		put_dir(b, s, dir);
	else
		put_path(b, s, dir, n);
	put(b, post);
	qdone(s, b);
}

static uint64_t file_size(void)
{
	switch (rn(4)) {
	case 0: return rn(4096);
	case 1: return 4096 + rn(200000);
	case 2: return 100000 + rn(5000000);
	default: return (uint64_t)rn(1u << 30) + rn(1u << 20);
	}
}

static void q_modtime(struct sess *s, uint32_t dir, uint32_t n, bool filepart)
{
	struct sb *b = qline(s);
	put(b, "set \"");
	put_path(b, s, dir, n);
	if (filepart)
		put(b, ".filepart");
	put(b, "\" modtime 202611");
	putuw(b, 1 + rn(24), 2);
	putc1(b, '-');
	putuw(b, rn(24), 2);
	putc1(b, ':');
	putuw(b, rn(60), 2);
	putc1(b, ':');
	putuw(b, rn(60), 2);
	qdone(s, b);
}

/* Queue the lines of one action (at most QLINES - 1). */
static void next_action(struct sess *s)
{
	struct user *u = &users[s->user];
	uint32_t r = rn(1000);
	uint32_t dir = s->dir;

	if (r < 200) {                          /* ls */
		q_pathline(s, "opendir \"", dir, 0, true, "/\"");
		q_pathline(s, "closedir \"", dir, 0, true, "/\"");
		if (pct(70)) {
			struct sb *b = qline(s);
			put(b, "users-groups-by-id: ");
			putu(b, 1 + rn(3));
			put(b, " users, ");
			putu(b, rn(2));
			put(b, " groups");
			qdone(s, b);
		}
	} else if (r < 310) {                   /* cd */
		s->dir = pct(80) ? rn(8) + 8 * rn(3) : s->dir;
		q_pathline(s, "realpath \"", s->dir, 0, true, "\"");
		q_pathline(s, "stat name \"", s->dir, 0, true, "\"");
		if (permille(40))
			q_status(s, "No such file");
	} else if (r < 460) {                   /* stat/lstat probes */
		uint32_t n = rn(u->nfiles + 5);
		q_pathline(s, pct(70) ? "stat name \"" : "lstat name \"", dir, n, false, "\"");
		if (n >= u->nfiles)
			q_status(s, "No such file");
	} else if (r < 600) {                   /* upload */
		uint32_t n = u->nfiles++;
		uint64_t sz = file_size();
		bool part = u->kind == 0 ? pct(50) : pct(20);
		const char *sfx = part ? ".filepart\"" : "\"";
		struct sb *b;
		q_pathline(s, "realpath \"", dir, n, false, "\"");
		q_pathline(s, "stat name \"", dir, n, false, sfx);
		q_status(s, "No such file");
		if (permille(30)) {
			q_pathline(s, "open \"", dir, n, false, part ? ".filepart\" flags WRITE,CREATE,TRUNCATE mode 0644" : "\" flags WRITE,CREATE,TRUNCATE mode 0644");
			q_status(s, "Permission denied");
			return;
		}
		q_pathline(s, "open \"", dir, n, false, part ? ".filepart\" flags WRITE,CREATE,TRUNCATE mode 0644" : "\" flags WRITE,CREATE,TRUNCATE mode 0644");
		b = qline(s);
		put(b, "close \"");
		put_path(b, s, dir, n);
		if (part)
			put(b, ".filepart");
		put(b, "\" bytes read 0 written ");
		putu(b, sz);
		qdone(s, b);
		if (part || pct(30))
			q_modtime(s, dir, n, part);
		if (pct(10)) {
			b = qline(s);
			put(b, "set \"");
			put_path(b, s, dir, n);
			if (part)
				put(b, ".filepart");
			put(b, "\" mode 0");
			puto(b, pct(50) ? 0644 : 0600);
			qdone(s, b);
		}
		if (part) {
			b = qline(s);
			put(b, "posix-rename old \"");
			put_path(b, s, dir, n);
			put(b, ".filepart\" new \"");
			put_path(b, s, dir, n);
			putc1(b, '"');
			qdone(s, b);
		}
	} else if (r < 800) {                   /* download */
		uint32_t n = rn(u->nfiles + 3);
		q_pathline(s, "stat name \"", dir, n, false, "\"");
		if (n >= u->nfiles) {
			q_status(s, "No such file");
			return;
		}
		q_pathline(s, "open \"", dir, n, false, "\" flags READ mode 0666");
		if (permille(20)) {
			q_status(s, "Permission denied");
			return;
		}
		struct sb *b = qline(s);
		put(b, "close \"");
		put_path(b, s, dir, n);
		put(b, "\" bytes read ");
		putu(b, file_size());
		put(b, " written 0");
		qdone(s, b);
	} else if (r < 880) {                   /* remove */
		uint32_t n = u->nfiles ? rn(u->nfiles + 1) : 0;
		q_pathline(s, "remove name \"", dir, n, false, "\"");
		if (n >= u->nfiles)
			q_status(s, "No such file");
		else if (permille(30))
			q_status(s, "Permission denied");
	} else if (r < 910) {                   /* mkdir / rmdir */
		struct sb *b = qline(s);
		uint32_t k = rn(200);
		put(b, pct(70) ? "mkdir name \"" : "rmdir name \"");
		bool mk = b->p[0] == 'm';
		put_dir(b, s, dir);
		put(b, "/batch-");
		putuw(b, k, 4);
		putc1(b, '"');
		if (mk) {
			put(b, " mode 0");
			puto(b, pct(80) ? 0777 : 0755);
		}
		qdone(s, b);
		if (pct(10))
			q_status(s, mk ? "Failure" : "No such file");
	} else if (r < 940) {                   /* rename */
		uint32_t n = u->nfiles ? rn(u->nfiles) : 0;
		struct sb *b = qline(s);
		put(b, "rename old \"");
		put_path(b, s, dir, n);
		put(b, "\" new \"");
		put_dir(b, s, dir);
		put(b, "/old/");
		put_name(b, s, n);
		putc1(b, '"');
		qdone(s, b);
		if (pct(5))
			q_status(s, "Failure");
	} else if (r < 960) {                   /* chmod */
		uint32_t n = u->nfiles ? rn(u->nfiles) : 0;
		struct sb *b = qline(s);
		put(b, "set \"");
		put_path(b, s, dir, n);
		put(b, "\" mode 0");
		puto(b, pct(60) ? 0644 : 0640);
		qdone(s, b);
	} else if (r < 975) {                   /* touch -d */
		q_modtime(s, dir, u->nfiles ? rn(u->nfiles) : 0, false);
	} else if (r < 985) {                   /* statvfs / readlink */
		if (pct(50))
			q_pathline(s, "statvfs \"", dir, 0, true, "\"");
		else
			q_pathline(s, "readlink \"", dir, rn(u->nfiles + 1), false, "\"");
	} else {                                /* realpath "." (client reconnect/cd -) */
		struct sb *b = qline(s);
		put(b, "realpath \".\"");
		qdone(s, b);
	}
}

static void session_start(struct sess *s, uint32_t slot)
{
	(void)slot;
	s->live = true;
	s->host = (uint8_t)rn(NHOSTS);
	/* a wrapping counter: other processes take pids in between; never a pid alive on this host */
	for (;;) {
		uint32_t p = next_pid[s->host] + 1 + rn(60);
		if (p >= PID_MAX)
			p = 300 + p % PID_MAX;
		next_pid[s->host] = p;
		bool busy = false;
		for (int i = 0; i < NACTIVE; i++)
			if (ss[i].live && &ss[i] != s && ss[i].host == s->host && ss[i].pid == p)
				busy = true;
		if (!busy)
			break;
	}
	s->pid = next_pid[s->host];
	/* a few busy users make most of the traffic */
	s->user = pct(60) ? rn(NUSERS / 10) * 10 + rn(2) * 5 : rn(NUSERS);
	const struct user *u = &users[s->user];
	s->actions = u->kind == 0 ? 2 + rn(30) : 1 + rn(8);
	s->dir = rn(8);
	s->qhead = 0;
	s->qn = 0;

	struct sb *b = qline(s);
	put(b, "session opened for local user ");
	put(b, u->name);
	put(b, " from [");
	put(b, u->ip);
	putc1(b, ']');
	qdone(s, b);
	b = qline(s);
	put(b, "received client version 3");
	qdone(s, b);
	b = qline(s);
	put(b, "realpath \".\"");
	qdone(s, b);
	if (u->home[0] && pct(50)) {
		b = qline(s);
		put(b, "stat name \"");
		put(b, u->home);
		putc1(b, '"');
		qdone(s, b);
	}
}

static void session_end(struct sess *s)
{
	const struct user *u = &users[s->user];
	if (permille(8)) {              /* killed: no "session closed" */
		s->live = false;
		return;
	}
	if (permille(15)) {
		q_pathline(s, "forced close \"", s->dir, u->nfiles, false, "\" bytes read 0 written 32768");
		if (pct(30))
			q_pathline(s, "forced closedir \"", s->dir, 0, true, "/\"");
	}
	struct sb *b = qline(s);
	put(b, "session closed for local user ");
	put(b, u->name);
	put(b, " from [");
	put(b, u->ip);
	putc1(b, ']');
	qdone(s, b);
	s->actions = UINT32_MAX;        /* closing: die when the queue drains */
}

/* ---- output ---- */

static char *obuf;
static size_t olen;
#define OBUF (1u << 20)
static int ofd = 1;

static void oflush(void)
{
	size_t off = 0;
	while (off < olen) {
		ssize_t w = write(ofd, obuf + off, olen - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			perror("genlog: write");
			exit(1);
		}
		off += (size_t)w;
	}
	olen = 0;
}

/* The header up to the host ("Nov  2 00:00:01 " or "2026-11-02T00:00:01.") */
static char thead[64];
static size_t theadlen;

static void fmt_time(const struct clk *c)
{
	struct sb b = { thead, 0 };
	if (fmt_rfc3339) {
		putuw(&b, (uint64_t)c->y, 4);
		putc1(&b, '-');
		putuw(&b, (uint64_t)c->mo, 2);
		putc1(&b, '-');
		putuw(&b, (uint64_t)c->d, 2);
		putc1(&b, 'T');
	} else {
		put(&b, mon[c->mo - 1]);
		putc1(&b, ' ');
		if (c->d < 10)
			putc1(&b, ' ');
		putu(&b, (uint64_t)c->d);
		putc1(&b, ' ');
	}
	putuw(&b, (uint64_t)c->h, 2);
	putc1(&b, ':');
	putuw(&b, (uint64_t)c->mi, 2);
	putc1(&b, ':');
	putuw(&b, (uint64_t)c->s, 2);
	theadlen = b.n;
}

static void emit_header(const struct clk *c, const char *host, const char *tag, uint32_t pid)
{
	struct sb b = { obuf + olen, 0 };
	memcpy(b.p, thead, theadlen);
	b.n = theadlen;
	if (fmt_rfc3339) {
		putc1(&b, '.');
		putuw(&b, c->us, 6);
		put(&b, "+01:00");
	}
	putc1(&b, ' ');
	put(&b, host);
	putc1(&b, ' ');
	put(&b, tag);
	putc1(&b, '[');
	putu(&b, pid);
	put(&b, "]: ");
	olen += b.n;
}

static void emit_foreign(const struct clk *c)
{
	const char *host = hosts[rn(NHOSTS)];
	const struct user *u = &users[rn(NUSERS)];
	struct sb b;
	switch (rn(5)) {
	case 0:
		emit_header(c, host, "sshd", 1000 + rn(60000));
		b = (struct sb){ obuf + olen, 0 };
		put(&b, "Accepted publickey for ");
		put(&b, u->name);
		put(&b, " from ");
		put(&b, u->ip);
		put(&b, " port ");
		putu(&b, 32768 + rn(28000));
		put(&b, " ssh2: ED25519 SHA256:Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0");
		break;
	case 1:
		emit_header(c, host, "sshd", 1000 + rn(60000));
		b = (struct sb){ obuf + olen, 0 };
		put(&b, "pam_unix(sshd:session): session opened for user ");
		put(&b, u->name);
		put(&b, "(uid=");
		putu(&b, 1000 + (uint64_t)(u - users));
		put(&b, ") by (uid=0)");
		break;
	case 2:
		emit_header(c, host, "sshd", 1000 + rn(60000));
		b = (struct sb){ obuf + olen, 0 };
		put(&b, "Starting session: subsystem 'sftp' for ");
		put(&b, u->name);
		put(&b, " from ");
		put(&b, u->ip);
		put(&b, " port ");
		putu(&b, 32768 + rn(28000));
		put(&b, " id 0");
		break;
	case 3:
		emit_header(c, host, "CRON", 1000 + rn(60000));
		b = (struct sb){ obuf + olen, 0 };
		put(&b, "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)");
		break;
	default:
		emit_header(c, host, "sshd", 1000 + rn(60000));
		b = (struct sb){ obuf + olen, 0 };
		put(&b, "Received disconnect from ");
		put(&b, u->ip);
		put(&b, " port ");
		putu(&b, 32768 + rn(28000));
		put(&b, ":11: disconnected by user");
	}
	b.p[b.n++] = '\n';
	olen += b.n;
}

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: genlog -n LINES [-f traditional|rfc3339] [-s SEED] [-t YYYY-MM-DD] [-x STRETCH] [-o FILE]\n"
		"  -x STRETCH  time between lines times STRETCH (quieter server, longer span)\n");
	exit(rc);
}

/* -x: slows the clock, so a given number of lines spans more days */
static uint64_t stretch = 1;

int main(int argc, char **argv)
{
	uint64_t lines = 0, seed = 1;
	const char *out = NULL;
	struct clk c = { 2026, 11, 2, 0, 0, 0, 0 };
	int opt;

	while ((opt = getopt(argc, argv, "n:f:s:t:o:x:h")) != -1) {
		switch (opt) {
		case 'n': lines = strtoull(optarg, NULL, 10); break;
		case 'x': stretch = strtoull(optarg, NULL, 10); if (stretch == 0) stretch = 1; break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'o': out = optarg; break;
		case 'f':
			if (!strcmp(optarg, "rfc3339"))
				fmt_rfc3339 = true;
			else if (strcmp(optarg, "traditional"))
				usage(2);
			break;
		case 't':
			if (sscanf(optarg, "%d-%d-%d", &c.y, &c.mo, &c.d) != 3 || c.mo < 1 || c.mo > 12 ||
			    c.d < 1 || c.d > mdays(c.y, c.mo))
				usage(2);
			break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (!lines || optind != argc)
		usage(2);
	if (out) {
		FILE *f = fopen(out, "w");
		if (!f) {
			fprintf(stderr, "genlog: %s: %s\n", out, strerror(errno));
			return 1;
		}
		ofd = dup(fileno(f));
		fclose(f);
	}

	uint64_t sx = seed;
	for (int i = 0; i < 4; i++)
		rs[i] = splitmix(&sx);
	make_users();
	for (int h = 0; h < NHOSTS; h++)
		next_pid[h] = 1000 + rn(20000);
	ss = calloc(NACTIVE, sizeof *ss);
	obuf = malloc(OBUF + 4096);
	if (!ss || !obuf) {
		fputs("genlog: out of memory\n", stderr);
		return 1;
	}
	for (uint32_t i = 0; i < NACTIVE; i++)
		session_start(&ss[i], i);

	fmt_time(&c);
	uint32_t cur = 0;
	for (uint64_t ln = 0; ln < lines; ln++) {
		/* ~40 ms between lines on average, bursty */
		uint64_t dt = (pct(70) ? rn(8000) : rn(120000)) * stretch;
		if (clk_add(&c, dt))
			fmt_time(&c);
		if (olen > OBUF)
			oflush();
		if (permille(15)) {
			emit_foreign(&c);
			continue;
		}
		/* sessions run in bursts: often the same one again */
		if (!pct(45))
			cur = rn(NACTIVE);
		struct sess *s = &ss[cur];
		if (!s->live)
			session_start(s, cur);
		if (s->qn == 0) {
			if (s->actions == UINT32_MAX) {
				s->live = false;
				session_start(s, cur);
			} else if (s->actions == 0) {
				session_end(s);
				if (!s->live)
					session_start(s, cur);
			} else {
				s->actions--;
				next_action(s);
			}
		}
		emit_header(&c, hosts[s->host], "internal-sftp", s->pid);
		memcpy(obuf + olen, s->q[s->qhead], s->qlen[s->qhead]);
		olen += s->qlen[s->qhead];
		obuf[olen++] = '\n';
		s->qhead = (s->qhead + 1) % QLINES;
		s->qn--;
	}
	oflush();
	if (out && close(ofd) < 0) {
		fprintf(stderr, "genlog: %s: %s\n", out, strerror(errno));
		return 1;
	}
	free(ss);
	free(obuf);
	return 0;
}
