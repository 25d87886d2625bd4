/*
 * model: the sessions, files and events of a log, built one parsed line at
 * a time. All records live in growable arrays named by 32-bit ids; lookups
 * go through small open-addressing hash tables (session key -> current
 * session, (host, path) -> file, failed event -> status text, session x
 * file pairs for "files touched").
 *
 * A request's outcome is known only from the next line of its session
 * ("sent status X" on failure, nothing on success), so its effects on file
 * existence are applied at once and undone when a status says it failed.
 */
#include "model.h"

#include <fnmatch.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { EX_UNKNOWN, EX_YES, EX_NO };

/* What a pending request changed, to undo when it fails. */
struct pending {
	uint32_t file[2];
	uint8_t prev[2];
	uint32_t last_file;      /* the file this session named last: requests come in bursts on one path */
};

struct skey {
	str_id host, prog;
	uint32_t pid;
	uint32_t sess;     /* MODEL_NONE = empty slot */
};

/*
 * The session a pid's last line went to, by the bytes of its host and
 * program: a hit interns neither and skips the session table (lines of one
 * session come in runs, and hundreds of sessions interleave). A slot is trusted only while
 * its key is current: new_session updates it, compaction clears them all.
 */
#define PIDC_SIZE 1024
#define PIDC_NAME 16             /* longer hosts and programs are not cached */
struct pidc {
	uint64_t h[2], p[2];         /* the host's and the program's bytes (key16) */
	uint32_t pid;                /* 0 = empty (a line without a pid never gets here) */
	uint8_t hlen, plen;
	str_id host, prog;
	uint32_t sess;
};

struct fkey {
	str_id host, path;
	uint32_t file;     /* MODEL_NONE = empty slot */
};

struct link {
	uint32_t ev, next;
};

struct u32map {          /* uint32 -> uint32, key UINT32_MAX = empty */
	uint32_t *k, *v;
	size_t n, cap;
};

struct u64set {          /* 0 = empty */
	uint64_t *k;
	size_t n, cap;
};

struct unparsed {
	char *line;
	size_t len;
	uint64_t no;
};

struct model {
	struct strtab *st;
	struct ltime_zones *zones;

	struct model_event *ev;
	size_t nev, capev;

	struct model_session *sess;
	struct pending *pend;
	size_t nsess, capsess;
	struct skey *skeys;
	size_t nskeys;        /* power of two */
	size_t skeys_used;

	struct model_file *files;
	size_t nfiles, capfiles;
	struct fkey *fkeys;
	size_t nfkeys, fkeys_used;

	struct link *links;
	size_t nlinks, caplinks;

	uint32_t *nums;          /* pairs of numbers that fit in 32 bits */
	size_t nnums, capnums;
	uint64_t *bignums;       /* pairs that do not (EV_BIGNUM) */
	size_t nbig, capbig;

	struct u32map status;
	struct u64set touched;

	struct unparsed unp[MODEL_UNPARSED_KEEP];
	size_t unp_next, unp_count;

	struct model_stats stats;
	struct model_hooks hooks;

	bool cur_truncated;      /* the line being added was cut at the 500-byte cap */
	const struct parse_result *hint_r;   /* the line being added, when its names' hashes are known ... */
	struct model_hint hint;              /* ... these */
	int64_t keep;            /* retention window, µs; 0 = everything */
	size_t check_at;         /* next event count at which a compaction is considered */
	int64_t newest;          /* newest line time seen */
	int64_t oldest;          /* no session's last line is older (INT64_MAX: none yet) */
	uint32_t generation;
	uint32_t *sess_map, *file_map;   /* old id -> new id, from the last compaction */
	size_t nsess_map, nfile_map;

	char **chroot_glob, **chroot_pat;
	size_t nchroot;
	char *pathbuf;
	size_t pathcap;
	char *splitbuf;          /* the names of the last re-split two-name line */

	/* one-entry caches: most lines come from one host and one program */
	char host_cache[256];
	size_t host_cache_len;
	str_id host_cache_id;
	char prog_cache[64];
	size_t prog_cache_len;
	str_id prog_cache_id;
	struct pidc pidc[PIDC_SIZE];
};

/* A file's last toucher was dropped by compaction: ask the pair set. */
#define TOUCHER_DROPPED (UINT32_MAX - 1)

/* ---- small hash tables ---- */

static uint32_t mix32(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (uint32_t)x;
}

/* Filled up to 7/8: it holds the failed events, and is read only for them. */
static void u32map_put(struct u32map *m, uint32_t key, uint32_t val)
{
	if ((m->n + 1) * 8 > m->cap * 7) {
		size_t ncap = m->cap ? m->cap * 2 : 64;
		uint32_t *nk = xmalloc(ncap * sizeof(*nk)), *nv = xmalloc(ncap * sizeof(*nv));
		memset(nk, 0xff, ncap * sizeof(*nk));
		for (size_t i = 0; i < m->cap; i++) {
			if (m->k[i] == UINT32_MAX)
				continue;
			size_t j = mix32(m->k[i]) & (ncap - 1);
			while (nk[j] != UINT32_MAX)
				j = (j + 1) & (ncap - 1);
			nk[j] = m->k[i];
			nv[j] = m->v[i];
		}
		free(m->k);
		free(m->v);
		m->k = nk;
		m->v = nv;
		m->cap = ncap;
	}
	size_t j = mix32(key) & (m->cap - 1);
	while (m->k[j] != UINT32_MAX && m->k[j] != key)
		j = (j + 1) & (m->cap - 1);
	if (m->k[j] == UINT32_MAX)
		m->n++;
	m->k[j] = key;
	m->v[j] = val;
}

static bool u32map_get(const struct u32map *m, uint32_t key, uint32_t *val)
{
	if (m->cap == 0)
		return false;
	size_t j = mix32(key) & (m->cap - 1);
	while (m->k[j] != UINT32_MAX) {
		if (m->k[j] == key) {
			*val = m->v[j];
			return true;
		}
		j = (j + 1) & (m->cap - 1);
	}
	return false;
}

/* Adds key (never 0); returns true when it was new. */
static bool u64set_add(struct u64set *s, uint64_t key)
{
	if ((s->n + 1) * 4 > s->cap * 3) {
		size_t ncap = s->cap ? s->cap * 2 : 256;
		uint64_t *nk = xcalloc(ncap, sizeof(*nk));
		for (size_t i = 0; i < s->cap; i++) {
			if (s->k[i] == 0)
				continue;
			size_t j = mix32(s->k[i]) & (ncap - 1);
			while (nk[j] != 0)
				j = (j + 1) & (ncap - 1);
			nk[j] = s->k[i];
		}
		free(s->k);
		s->k = nk;
		s->cap = ncap;
	}
	size_t j = mix32(key) & (s->cap - 1);
	while (s->k[j] != 0) {
		if (s->k[j] == key)
			return false;
		j = (j + 1) & (s->cap - 1);
	}
	s->k[j] = key;
	s->n++;
	return true;
}

static bool u64set_has(const struct u64set *s, uint64_t key)
{
	if (s->cap == 0)
		return false;
	size_t j = mix32(key) & (s->cap - 1);
	while (s->k[j] != 0) {
		if (s->k[j] == key)
			return true;
		j = (j + 1) & (s->cap - 1);
	}
	return false;
}

/* ---- session and file keys ---- */

static size_t skey_slot(const struct model *m, str_id host, str_id prog, uint32_t pid)
{
	size_t mask = m->nskeys - 1;
	size_t j = mix32((((uint64_t)host << 32) | prog) + pid * 0x9e3779b97f4a7c15ULL) & mask;

	while (m->skeys[j].sess != MODEL_NONE &&
	       !(m->skeys[j].host == host && m->skeys[j].prog == prog && m->skeys[j].pid == pid))
		j = (j + 1) & mask;
	return j;
}

static void skeys_grow(struct model *m)
{
	size_t old = m->nskeys;
	struct skey *o = m->skeys;

	m->nskeys = old ? old * 2 : 1024;
	m->skeys = xmalloc(m->nskeys * sizeof(*m->skeys));
	for (size_t i = 0; i < m->nskeys; i++)
		m->skeys[i].sess = MODEL_NONE;
	for (size_t i = 0; i < old; i++)
		if (o[i].sess != MODEL_NONE)
			m->skeys[skey_slot(m, o[i].host, o[i].prog, o[i].pid)] = o[i];
	free(o);
}

static size_t fkey_slot(const struct model *m, str_id host, str_id path)
{
	size_t mask = m->nfkeys - 1;
	size_t j = mix32(((uint64_t)host << 32) | path) & mask;

	while (m->fkeys[j].file != MODEL_NONE && !(m->fkeys[j].host == host && m->fkeys[j].path == path))
		j = (j + 1) & mask;
	return j;
}

/*
 * The file of (host, path), MODEL_NONE when none. A path's string keeps its
 * first file (file + 1, strtab_aux), and the key table holds only the files
 * of a path already taken by another host: most paths are on one host, so
 * most look-ups read no table but the string they have already read.
 */
static uint32_t file_find(const struct model *m, str_id host, str_id path)
{
	uint32_t first = path != 0 ? strtab_aux(m->st, path) : 0;

	if (first == 0)
		return MODEL_NONE;
	if (m->files[first - 1].host == host)
		return first - 1;
	return m->fkeys[fkey_slot(m, host, path)].file;
}

static void fkeys_grow(struct model *m);

/* Make f findable by file_find (its host and path are set). */
static void file_index(struct model *m, uint32_t f)
{
	str_id path = m->files[f].path;

	if (strtab_aux(m->st, path) == 0) {
		strtab_set_aux(m->st, path, f + 1);
		return;
	}
	m->fkeys[fkey_slot(m, m->files[f].host, path)] = (struct fkey){ m->files[f].host, path, f };
	m->fkeys_used++;
	if (m->fkeys_used * 4 > m->nfkeys * 3)
		fkeys_grow(m);
}

static void fkeys_grow(struct model *m)
{
	size_t old = m->nfkeys;
	struct fkey *o = m->fkeys;

	m->nfkeys = old ? old * 2 : 4096;
	m->fkeys = xmalloc(m->nfkeys * sizeof(*m->fkeys));
	for (size_t i = 0; i < m->nfkeys; i++)
		m->fkeys[i].file = MODEL_NONE;
	for (size_t i = 0; i < old; i++)
		if (o[i].file != MODEL_NONE)
			m->fkeys[fkey_slot(m, o[i].host, o[i].path)] = o[i];
	free(o);
}

/* ---- life cycle ---- */

struct model *model_new(const struct model_opts *opts)
{
	struct model *m = xcalloc(1, sizeof(*m));

	m->st = strtab_new();
	m->zones = ltime_zones_new();
	m->oldest = INT64_MAX;
	skeys_grow(m);
	fkeys_grow(m);
	if (opts != NULL && opts->nchroot > 0) {
		m->nchroot = opts->nchroot;
		m->chroot_glob = xcalloc(opts->nchroot, sizeof(char *));
		m->chroot_pat = xcalloc(opts->nchroot, sizeof(char *));
		for (size_t i = 0; i < opts->nchroot; i++) {
			const char *r = opts->chroot[i];
			const char *eq = strchr(r, '=');
			if (eq != NULL && r[0] != '/') {
				m->chroot_glob[i] = xstrndup(r, (size_t)(eq - r));
				m->chroot_pat[i] = xstrdup(eq + 1);
			} else {
				m->chroot_glob[i] = xstrdup("*");
				m->chroot_pat[i] = xstrdup(r);
			}
		}
	}
	m->host_cache_id = m->prog_cache_id = 0;
	m->host_cache_len = m->prog_cache_len = SIZE_MAX;
	return m;
}

void model_free(struct model *m)
{
	if (m == NULL)
		return;
	strtab_free(m->st);
	ltime_zones_free(m->zones);
	free(m->ev);
	free(m->sess);
	free(m->pend);
	free(m->skeys);
	free(m->files);
	free(m->fkeys);
	free(m->links);
	free(m->nums);
	free(m->bignums);
	free(m->status.k);
	free(m->status.v);
	free(m->touched.k);
	for (size_t i = 0; i < MODEL_UNPARSED_KEEP; i++)
		free(m->unp[i].line);
	for (size_t i = 0; i < m->nchroot; i++) {
		free(m->chroot_glob[i]);
		free(m->chroot_pat[i]);
	}
	free(m->chroot_glob);
	free(m->chroot_pat);
	free(m->pathbuf);
	free(m->splitbuf);
	free(m->sess_map);
	free(m->file_map);
	free(m);
}

void model_set_hooks(struct model *m, const struct model_hooks *hooks)
{
	if (hooks != NULL)
		m->hooks = *hooks;
	else
		memset(&m->hooks, 0, sizeof(m->hooks));
}

struct strtab *model_strings(struct model *m) { return m->st; }
const struct strtab *model_cstrings(const struct model *m) { return m->st; }
struct ltime_zones *model_zones(struct model *m) { return m->zones; }
const struct ltime_zones *model_czones(const struct model *m) { return m->zones; }

const char *model_str(const struct model *m, str_id id, size_t *len)
{
	return strtab_get(m->st, id, len);
}

/* ---- helpers for model_add ---- */

static str_id cached(struct model *m, struct parse_str s, char *cache, size_t cachesize, size_t *clen, str_id *cid)
{
	if (s.len == *clen && memcmp(s.p, cache, s.len) == 0)
		return *cid;
	*cid = strtab_intern(m->st, s.p, s.len);
	if (s.len <= cachesize) {
		memcpy(cache, s.p, s.len);
		*clen = s.len;
	} else {
		*clen = SIZE_MAX;
	}
	return *cid;
}

/*
 * Two words that tell apart any two strings of one length up to 16 (the
 * length is compared on its own): the first and the last eight bytes, or
 * four, or the bytes themselves. Reads only s[0..n).
 */
static void key16(const char *s, size_t n, uint64_t k[2])
{
	if (n >= 8) {
		memcpy(&k[0], s, 8);
		memcpy(&k[1], s + n - 8, 8);
	} else if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		k[0] = a;
		k[1] = b;
	} else {
		k[0] = n == 0 ? 0 : (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[n / 2] << 8 |
		                    (uint64_t)(unsigned char)s[n - 1] << 16;
		k[1] = 0;
	}
}

static uint32_t new_session(struct model *m, str_id host, str_id prog, uint32_t pid, int64_t wall)
{
	struct model_session *s;
	uint32_t id = (uint32_t)m->nsess;
	size_t cap = m->capsess;

	if (m->nsess == m->capsess) {
		xgrow(&m->sess, &m->capsess, m->nsess + 1, sizeof(*m->sess));
		m->pend = xrealloc(m->pend, m->capsess * sizeof(*m->pend));
	}
	(void)cap;
	s = &m->sess[m->nsess++];
	memset(s, 0, sizeof(*s));
	s->host = host;
	s->prog = prog;
	s->pid = pid;
	s->state = SS_OPEN;
	s->first = s->last = wall;
	s->first_ev = s->last_ev = s->last_request = s->first_del = s->last_del = MODEL_NONE;
	m->pend[id].file[0] = m->pend[id].file[1] = m->pend[id].last_file = MODEL_NONE;

	size_t j = skey_slot(m, host, prog, pid);
	if (m->skeys[j].sess == MODEL_NONE)
		m->skeys_used++;
	m->skeys[j] = (struct skey){ host, prog, pid, id };
	if (m->skeys_used * 4 > m->nskeys * 3)
		skeys_grow(m);
	struct pidc *pc = &m->pidc[pid % PIDC_SIZE];
	if (pc->pid == pid && pc->host == host && pc->prog == prog)
		pc->sess = id;
	return id;
}

static uint32_t current_session(const struct model *m, str_id host, str_id prog, uint32_t pid)
{
	return m->skeys[skey_slot(m, host, prog, pid)].sess;
}

static void hook_session(struct model *m, uint32_t s, enum model_change what)
{
	if (m->hooks.session != NULL)
		m->hooks.session(m->hooks.ctx, s, what);
}

static void lose(struct model *m, uint32_t s, uint8_t flag)
{
	if (m->sess[s].state != SS_OPEN)
		return;
	m->sess[s].state = SS_LOST;
	m->sess[s].flags |= flag;
	hook_session(m, s, MC_LOST);
}

void model_mark_lost(struct model *m, uint32_t sess)
{
	if (sess < m->nsess)
		lose(m, sess, 0);
}

/* Map a logged path to the server path by the session's --chroot rule. */
static struct parse_str real_path(struct model *m, const struct model_session *s, struct parse_str p)
{
	const char *user;
	size_t ulen;

	if (m->nchroot == 0 || s->user == 0 || p.len == 0 || p.p[0] != '/')
		return p;
	user = strtab_get(m->st, s->user, &ulen);
	for (size_t i = 0; i < m->nchroot; i++) {
		if (fnmatch(m->chroot_glob[i], user, 0) != 0)
			continue;
		const char *pat = m->chroot_pat[i];
		size_t need = strlen(pat) + ulen * 4 + p.len + 1, o = 0;
		xgrow(&m->pathbuf, &m->pathcap, need, 1);
		for (const char *c = pat; *c != '\0'; c++) {
			if (c[0] == '%' && c[1] == 'u') {
				memcpy(m->pathbuf + o, user, ulen);
				o += ulen;
				c++;
			} else if (c[0] == '%' && c[1] == '%') {
				m->pathbuf[o++] = '%';
				c++;
			} else {
				m->pathbuf[o++] = *c;
			}
		}
		while (o > 0 && m->pathbuf[o - 1] == '/')
			o--;
		memcpy(m->pathbuf + o, p.p, p.len);
		o += p.len;
		return (struct parse_str){ m->pathbuf, o };
	}
	return p;
}

static uint32_t file_lookup(struct model *m, const struct model_session *s, struct parse_str path);

static uint32_t file_for(struct model *m, const struct model_session *s, struct parse_str path)
{
	uint32_t *last = &m->pend[s - m->sess].last_file;

	if (*last != MODEL_NONE && m->nchroot == 0) {
		size_t len;
		const char *p = strtab_get(m->st, m->files[*last].path, &len);
		if (len == path.len && memcmp(p, path.p, len) == 0)
			return *last;
	}
	*last = file_lookup(m, s, path);
	return *last;
}

static uint32_t file_lookup(struct model *m, const struct model_session *s, struct parse_str path)
{
	struct parse_str rp = real_path(m, s, path);
	const struct parse_result *r = m->hint_r;
	uint32_t h;

	if (r != NULL && rp.p == r->path.p && rp.len == r->path.len)
		h = m->hint.h[0];
	else if (r != NULL && rp.p == r->path2.p && rp.len == r->path2.len)
		h = m->hint.h[1];
	else
		h = strtab_hash(rp.p, rp.len);
	str_id pid = strtab_intern_hashed(m->st, rp.p, rp.len, h);
	uint32_t found = file_find(m, s->host, pid);
	struct model_file *f;

	if (found != MODEL_NONE)
		return found;
	xgrow(&m->files, &m->capfiles, m->nfiles + 1, sizeof(*m->files));
	f = &m->files[m->nfiles];
	memset(f, 0, sizeof(*f));
	f->host = s->host;
	f->path = pid;
	f->first_ev = f->last_ev = f->first_link = f->toucher = MODEL_NONE;
	file_index(m, (uint32_t)m->nfiles);
	return (uint32_t)m->nfiles++;
}

/* Keep two numbers for event e; returns the index for e->arg. */
static uint32_t pool(struct model *m, struct model_event *e, uint64_t a, uint64_t b)
{
	if (a > UINT32_MAX || b > UINT32_MAX) {
		e->oflags |= EV_BIGNUM;
		xgrow(&m->bignums, &m->capbig, m->nbig + 2, sizeof(*m->bignums));
		m->bignums[m->nbig] = a;
		m->bignums[m->nbig + 1] = b;
		m->nbig += 2;
		return (uint32_t)(m->nbig - 2);
	}
	xgrow(&m->nums, &m->capnums, m->nnums + 2, sizeof(*m->nums));
	m->nums[m->nnums] = (uint32_t)a;
	m->nums[m->nnums + 1] = (uint32_t)b;
	m->nnums += 2;
	return (uint32_t)(m->nnums - 2);
}

bool model_op_is_noise(enum op op)
{
	switch (op) {
	case OP_VERSION: case OP_OPENDIR: case OP_CLOSEDIR: case OP_FORCED_CLOSEDIR:
	case OP_STAT: case OP_LSTAT: case OP_REALPATH: case OP_READLINK: case OP_STATVFS:
	case OP_EXPAND: case OP_HOME: case OP_USERS_GROUPS:
		return true;
	default:
		return false;
	}
}

static void set_exists(struct model *m, struct pending *pd, int slot, uint32_t file, uint8_t state)
{
	/* a name cut at the 500-byte cap may be another file's prefix: it says nothing of either */
	if (m->cur_truncated)
		return;
	pd->file[slot] = file;
	pd->prev[slot] = m->files[file].exists;
	m->files[file].exists = state;
}

/*
 * A closed session never touches a file again (a closed session is never
 * reopened), so its pairs are never asked for: before the pair set grows,
 * drop them. The set then holds about the pairs of the sessions still open.
 */
static void touched_add(struct model *m, uint64_t key)
{
	struct u64set *t = &m->touched;

	if ((t->n + 1) * 4 > t->cap * 3 && t->n > 0) {
		struct u64set old = *t;
		size_t kept = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.k[i] != 0 && m->sess[(old.k[i] >> 32) - 1].state != SS_CLOSED)
				kept++;
		if ((kept + 1) * 2 <= old.cap) {
			/* rebuilt at the same size: at most half full */
			t->k = xcalloc(old.cap, sizeof(*t->k));
			t->n = 0;
			for (size_t i = 0; i < old.cap; i++)
				if (old.k[i] != 0 && m->sess[(old.k[i] >> 32) - 1].state != SS_CLOSED)
					u64set_add(t, old.k[i]);
			free(old.k);
		}
	}
	u64set_add(t, key);
}

/*
 * Count each file once per session. Most files are touched by one session
 * in one burst, so the file remembers its last toucher and the pair set only
 * holds sessions that touched a file before another one did (and are open).
 */
static void touch(struct model *m, uint32_t s, uint32_t file)
{
	struct model_file *f = &m->files[file];

	if (f->toucher == s)
		return;
	if (f->toucher != MODEL_NONE && f->toucher != TOUCHER_DROPPED && m->sess[f->toucher].state != SS_CLOSED)
		touched_add(m, ((uint64_t)(f->toucher + 1) << 32) | file);
	if (f->toucher == MODEL_NONE || !u64set_has(&m->touched, ((uint64_t)(s + 1) << 32) | file))
		m->sess[s].nfiles++;
	f->toucher = s;
}

static void destroy(struct model *m, struct model_event *e, uint32_t file, enum destr_kind k)
{
	/*
	 * A cut line: its names or flags may be cut, so only a remove or rmdir,
	 * whose verb is not in doubt, is a deletion (of the name as far as it goes).
	 */
	if (m->cur_truncated && k != DK_REMOVE && k != DK_RMDIR)
		return;
	uint32_t id = (uint32_t)(e - m->ev);
	struct model_session *s = &m->sess[e->sess];

	e->dkind = (uint8_t)k;
	if (id < s->first_del)              /* MODEL_NONE is the largest id */
		s->first_del = id;
	if (s->last_del == MODEL_NONE || id > s->last_del)
		s->last_del = id;
	s->ndeletions++;
	m->files[file].ndeletions++;
	m->stats.deletions++;
}

/* Requests a server refuses while answering INIT: extensions it then does not offer. */
static bool init_extension(struct parse_str name)
{
	static const char *const ext[] = { "posix-rename", "hardlink", "fsync", "lsetstat", "copy-data",
	                                   "limits", "expand-path", "home-directory", "users-groups-by-id",
	                                   "statvfs", "fstatvfs" };

	for (size_t i = 0; i < ARRAY_LEN(ext); i++)
		if (strlen(ext[i]) == name.len && memcmp(ext[i], name.p, name.len) == 0)
			return true;
	return false;
}

/* Does (host, path as logged) name a file known to exist? Adds nothing. */
static bool known_existing(struct model *m, const struct model_session *s, struct parse_str path)
{
	struct parse_str rp = real_path(m, s, path);
	str_id id = strtab_find(m->st, rp.p, rp.len);
	uint32_t f;

	if (id == 0)
		return false;
	f = file_find(m, s->host, id);
	return f != MODEL_NONE && m->files[f].exists == EX_YES;
}

/*
 * "rename old "A" new "B"" where a name holds '" new "' can be split in
 * several places. The parser takes the last; prefer a split whose old name
 * is a file known to exist. Returns the (possibly new) pair in *a, *b.
 */
static void resplit(struct model *m, const struct model_session *s, struct parse_str *a, struct parse_str *b)
{
	static const char sep[] = "\" new \"";
	size_t sl = sizeof(sep) - 1, n = a->len + sl + b->len;
	char *all;

	if (known_existing(m, s, *a))
		return;
	all = xmalloc(n);
	memcpy(all, a->p, a->len);
	memcpy(all + a->len, sep, sl);
	memcpy(all + a->len + sl, b->p, b->len);
	for (size_t i = 0; i + sl <= n; i++) {
		if (i == a->len || memcmp(all + i, sep, sl) != 0)
			continue;
		struct parse_str ca = { all, i };
		if (known_existing(m, s, ca)) {
			/* the new split lives in the model (the parser's strings are read again for a repeated line) */
			free(m->splitbuf);
			m->splitbuf = all;
			a->p = all;
			a->len = i;
			b->p = all + i + sl;
			b->len = n - i - sl;
			return;
		}
	}
	free(all);
}

static void add_event(struct model *m, const struct parse_result *r, uint32_t s, int64_t wall, uint8_t zone)
{
	struct model_session *ss = &m->sess[s];
	struct pending *pd = &m->pend[s];
	struct model_event *e;
	uint32_t id = (uint32_t)m->nev, f1 = MODEL_NONE, f2 = MODEL_NONE;

	if (m->nev == UINT32_MAX - 1)
		return;   /* 4 billion events: stop growing rather than wrap */
	if (m->nev == m->capev)
		xgrow(&m->ev, &m->capev, m->nev + 1, sizeof(*m->ev));
	e = &m->ev[m->nev++];
	memset(e, 0, sizeof(*e));
	e->sec = (uint32_t)(wall / LTIME_US_PER_SEC);
	e->usz = (uint32_t)(wall % LTIME_US_PER_SEC) | (uint32_t)zone << 24;
	e->sess = s;
	e->file = MODEL_NONE;
	e->arg = 0;
	e->next = MODEL_NONE;
	e->op = (uint8_t)r->op;
	if (r->truncated)
		e->bits |= EV_TRUNCATED;
	if (model_op_is_noise(r->op))
		e->bits |= EV_NOISE;
	pd->file[0] = pd->file[1] = MODEL_NONE;
	m->cur_truncated = r->truncated;

	struct parse_str path = r->path, path2 = r->path2;
	if (r->ambiguous) {
		e->bits |= EV_AMBIGUOUS;
		if (r->op != OP_SYMLINK)
			resplit(m, ss, &path, &path2);
	}
	if (r->path.len > 0 && !((r->op == OP_CLOSEDIR || r->op == OP_FSYNC) && r->path.len == 6 &&
	                          memcmp(r->path.p, "(null)", 6) == 0))
		f1 = file_for(m, ss, path);
	if (path2.len > 0 || r->op == OP_RENAME || r->op == OP_POSIX_RENAME || r->op == OP_SYMLINK ||
	    r->op == OP_HARDLINK) {
		if (path2.len > 0 || !r->truncated)
			f2 = file_for(m, ss, path2);
	}
	ss = &m->sess[s];   /* file_for does not move sessions, but keep it obvious */
	e->file = f1;

	switch (r->op) {
	case OP_OPEN:
		e->oflags = (uint8_t)r->oflags;
		e->arg = r->mode;
		if (f1 != MODEL_NONE) {
			if ((r->oflags & OF_TRUNCATE) && m->files[f1].exists == EX_YES)
				destroy(m, e, f1, DK_OVERWRITTEN);
			set_exists(m, pd, 0, f1, EX_YES);
		}
		break;
	case OP_CLOSE:
	case OP_FORCED_CLOSE:
		e->arg = pool(m, e, r->n1, r->n2);
		ss->bytes_read += r->n1;
		ss->bytes_written += r->n2;
		if (f1 != MODEL_NONE)
			set_exists(m, pd, 0, f1, EX_YES);
		break;
	case OP_MKDIR:
		e->arg = r->mode;
		if (f1 != MODEL_NONE)
			set_exists(m, pd, 0, f1, EX_YES);
		break;
	case OP_STAT:
	case OP_LSTAT:
	case OP_READLINK:
		if (f1 != MODEL_NONE)
			set_exists(m, pd, 0, f1, EX_YES);
		break;
	case OP_REMOVE:
	case OP_RMDIR:
		if (f1 != MODEL_NONE) {
			destroy(m, e, f1, r->op == OP_REMOVE ? DK_REMOVE : DK_RMDIR);
			set_exists(m, pd, 0, f1, EX_NO);
		}
		break;
	case OP_RENAME:
	case OP_POSIX_RENAME:
		e->arg = f2;
		if (f2 != MODEL_NONE && f2 != f1 && m->files[f2].exists == EX_YES)
			destroy(m, e, f2, DK_REPLACED);
		if (f1 != MODEL_NONE)
			set_exists(m, pd, 0, f1, EX_NO);
		if (f2 != MODEL_NONE)
			set_exists(m, pd, 1, f2, EX_YES);
		break;
	case OP_SYMLINK:
	case OP_HARDLINK:
		e->arg = f2;
		/* the new name is path for symlink, "to" for hardlink */
		if (r->op == OP_SYMLINK && f1 != MODEL_NONE)
			set_exists(m, pd, 0, f1, EX_YES);
		if (r->op == OP_HARDLINK && f2 != MODEL_NONE)
			set_exists(m, pd, 1, f2, EX_YES);
		break;
	case OP_SET:
		e->oflags = (uint8_t)r->attr;
		switch (r->attr) {
		case SET_SIZE:
			e->arg = pool(m, e, r->n1, 0);
			if (r->n1 == 0 && f1 != MODEL_NONE)
				destroy(m, e, f1, DK_TRUNCATED);
			break;
		case SET_MODE: e->arg = r->mode; break;
		case SET_MODTIME: e->arg = strtab_intern(m->st, r->text.p, r->text.len); break;
		case SET_OWNER: e->arg = pool(m, e, r->n1, r->n2); break;
		case SET_UNKNOWN: break;
		}
		if (f1 != MODEL_NONE)
			set_exists(m, pd, 0, f1, EX_YES);
		break;
	case OP_VERSION:
		e->arg = (uint32_t)r->n1;
		ss->client_version = (uint32_t)r->n1;
		break;
	case OP_USERS_GROUPS:
		e->arg = pool(m, e, r->n1, r->n2);
		break;
	case OP_REFUSED:
		e->arg = strtab_intern(m->st, r->text.p, r->text.len);
		if (r->text2.len == 9)
			e->bits |= 1 << 6;
		else if (r->text2.len == 10)
			e->bits |= 2 << 6;
		else if (r->text2.len == 15)
			e->bits |= 3 << 6;
		/*
		 * Refusing lines while answering INIT follow the version line
		 * directly, and name extensions the server will not offer. A
		 * "sent status" after one shows it was a real request after all (fail()).
		 */
		if (ss->last_ev != MODEL_NONE && init_extension(r->text) &&
		    (m->ev[ss->last_ev].op == OP_VERSION ||
		     (m->ev[ss->last_ev].op == OP_REFUSED && (m->ev[ss->last_ev].bits & EV_INIT))))
			e->bits |= EV_INIT | EV_NOISE;
		break;
	case OP_ERROR:
	case OP_FATAL:
		e->arg = strtab_intern(m->st, r->text.p, r->text.len);
		break;
	default:
		break;
	}

	/* chains */
	if (ss->last_ev != MODEL_NONE)
		m->ev[ss->last_ev].next = id;
	else
		ss->first_ev = id;
	ss->last_ev = id;
	ss->nevents++;
	ss->last = wall;
	/* nothing before a handshake refusal waits for a status any more */
	ss->last_request = (e->bits & EV_INIT) ? MODEL_NONE : id;
	if (f1 != MODEL_NONE) {
		struct model_file *f = &m->files[f1];
		f->seen = m->ev[id].sec;
		if (f->first_ev == MODEL_NONE)
			f->first_ev = id;
		f->last_ev = id;
		f->nevents++;
		if (!(e->bits & EV_NOISE))
			touch(m, s, f1);
	}
	if (f2 != MODEL_NONE)
		m->files[f2].seen = m->ev[id].sec;
	if (f2 != MODEL_NONE && f2 != f1) {
		xgrow(&m->links, &m->caplinks, m->nlinks + 1, sizeof(*m->links));
		m->links[m->nlinks] = (struct link){ id, m->files[f2].first_link };
		m->files[f2].first_link = (uint32_t)m->nlinks++;
		touch(m, s, f2);
	}
	m->stats.events++;
	if (m->hooks.event != NULL)
		m->hooks.event(m->hooks.ctx, id);
}

static void fail(struct model *m, uint32_t s, const struct parse_result *r)
{
	struct model_session *ss = &m->sess[s];
	struct pending *pd = &m->pend[s];
	uint32_t id = ss->last_request;
	struct model_event *e;

	/* a status after a refusal taken for the handshake's: it was the client's request */
	if (id == MODEL_NONE && ss->last_ev != MODEL_NONE && (m->ev[ss->last_ev].bits & EV_INIT)) {
		id = ss->last_ev;
		m->ev[id].bits &= (uint8_t)~(EV_INIT | EV_NOISE);
	}

	if (id == MODEL_NONE) {
		m->stats.orphan_status++;
		return;
	}
	e = &m->ev[id];
	ss->last_request = MODEL_NONE;
	if (e->bits & EV_FAILED)
		return;
	e->bits |= EV_FAILED;
	u32map_put(&m->status, id, strtab_intern(m->st, r->text.p, r->text.len));
	/* a client's look-up that finds nothing (the stat before every upload) is not a failure of the session */
	if (!(e->bits & EV_NOISE)) {
		ss->nfailures++;
		m->stats.failures++;
	}
	if (e->dkind != DK_NONE) {
		uint32_t f = e->dkind == DK_REPLACED ? e->arg : e->file;
		e->dkind = DK_NONE;
		ss->ndeletions--;
		if (f != MODEL_NONE)
			m->files[f].ndeletions--;
		m->stats.deletions--;
	}
	for (int i = 1; i >= 0; i--)
		if (pd->file[i] != MODEL_NONE)
			m->files[pd->file[i]].exists = pd->prev[i];
	/* a failed look-up that says "No such file" is news too */
	if (e->file != MODEL_NONE && r->text.len == 12 && memcmp(r->text.p, "No such file", 12) == 0 &&
	    (e->op == OP_STAT || e->op == OP_LSTAT || e->op == OP_REMOVE ||
	     (e->op == OP_OPEN && !(e->oflags & OF_CREATE))))
		m->files[e->file].exists = EX_NO;
	pd->file[0] = pd->file[1] = MODEL_NONE;
	if (m->hooks.status != NULL)
		m->hooks.status(m->hooks.ctx, id);
}

static void add_one(struct model *m, const struct parse_result *r, int64_t wall, uint8_t zone)
{
	struct pidc *pc = &m->pidc[r->pid % PIDC_SIZE];
	uint64_t h[2] = { 0, 0 }, p[2] = { 0, 0 };
	bool small = r->host.len <= PIDC_NAME && r->prog.len <= PIDC_NAME;
	str_id host, prog;
	uint32_t s;

	if (small) {
		key16(r->host.p, r->host.len, h);
		key16(r->prog.p, r->prog.len, p);
	}
	if (small && pc->pid == r->pid && pc->hlen == r->host.len && pc->plen == r->prog.len && pc->h[0] == h[0] &&
	    pc->h[1] == h[1] && pc->p[0] == p[0] && pc->p[1] == p[1]) {
		host = pc->host;
		prog = pc->prog;
		s = pc->sess;
	} else {
		host = cached(m, r->host, m->host_cache, sizeof(m->host_cache), &m->host_cache_len, &m->host_cache_id);
		prog = cached(m, r->prog, m->prog_cache, sizeof(m->prog_cache), &m->prog_cache_len, &m->prog_cache_id);
		s = current_session(m, host, prog, r->pid);
		if (small)
			*pc = (struct pidc){ { h[0], h[1] }, { p[0], p[1] }, r->pid, (uint8_t)r->host.len,
			                     (uint8_t)r->prog.len, host, prog, s };
	}

	/*
	 * Lost by the follower's guess (process gone, or idle too long), yet its
	 * pid logs again: it was alive after all (a "session closed" written a
	 * moment after the process ended, a long idle transfer). Only a new
	 * "session opened" really ends it.
	 */
	if (s != MODEL_NONE && m->sess[s].state == SS_LOST && !(m->sess[s].flags & SF_REPLACED) &&
	    r->op != OP_SESSION_OPEN) {
		m->sess[s].state = SS_OPEN;
		hook_session(m, s, MC_UPDATED);
	}

	switch (r->op) {
	case OP_SESSION_OPEN:
		if (s != MODEL_NONE)
			lose(m, s, SF_REPLACED);
		s = new_session(m, host, prog, r->pid, wall);
		m->sess[s].user = strtab_intern(m->st, r->text.p, r->text.len);
		m->sess[s].ip = strtab_intern(m->st, r->text2.p, r->text2.len);
		m->sess[s].start = wall;
		m->sess[s].zone_start = zone;
		hook_session(m, s, MC_OPENED);
		return;
	case OP_SESSION_CLOSE: {
		str_id user = strtab_intern(m->st, r->text.p, r->text.len);
		if (s != MODEL_NONE && m->sess[s].state == SS_OPEN && m->sess[s].user != 0 && m->sess[s].user != user) {
			lose(m, s, SF_REPLACED);
			s = MODEL_NONE;
		}
		if (s == MODEL_NONE || m->sess[s].state != SS_OPEN) {
			s = new_session(m, host, prog, r->pid, wall);
			m->sess[s].flags |= SF_NO_OPEN;
		}
		struct model_session *ss = &m->sess[s];
		if (ss->user == 0) {
			ss->user = user;
			ss->ip = strtab_intern(m->st, r->text2.p, r->text2.len);
		}
		ss->end = wall;
		ss->zone_end = zone;
		ss->last = wall;
		ss->state = SS_CLOSED;
		ss->flags |= SF_HAS_CLOSE;
		hook_session(m, s, MC_CLOSED);
		return;
	}
	default:
		break;
	}
	if (r->op == OP_STATUS && (s == MODEL_NONE || m->sess[s].state != SS_OPEN)) {
		m->stats.orphan_status++;
		return;
	}
	if (s == MODEL_NONE || m->sess[s].state != SS_OPEN) {
		s = new_session(m, host, prog, r->pid, wall);
		m->sess[s].flags |= SF_NO_OPEN;
		hook_session(m, s, MC_OPENED);
	}
	/* "Refusing open request" follows the open line it refuses: the status belongs to that open */
	if (r->op == OP_REFUSED && r->text.len == 4 && memcmp(r->text.p, "open", 4) == 0 &&
	    m->sess[s].last_request != MODEL_NONE && m->ev[m->sess[s].last_request].op == OP_OPEN) {
		m->sess[s].last = wall;
		return;
	}
	if (r->op == OP_STATUS) {
		m->sess[s].last = wall;
		fail(m, s, r);
		return;
	}
	add_event(m, r, s, wall, zone);
}

void model_add(struct model *m, const struct parse_result *r, int64_t wall, uint8_t zone)
{
	m->stats.lines++;
	switch (r->cls) {
	case PC_SFTP:
		m->stats.sftp_lines++;
		/* only lines that reach sessions: a line merely counted (another program's, one
		 * before --since) has no time here, and an oldest of 0 would defeat the scan's
		 * short cut in model_maybe_compact() */
		if (r->repeat > 0) {
			m->newest = wall > m->newest ? wall : m->newest;
			m->oldest = wall < m->oldest ? wall : m->oldest;
		}
		for (uint32_t i = 0; i < r->repeat; i++)
			add_one(m, r, wall, zone);
		break;
	case PC_FOREIGN: m->stats.foreign_lines++; break;
	case PC_DEBUG: m->stats.sftp_lines++; m->stats.debug_lines++; break;
	case PC_BLANK: m->stats.blank_lines++; break;
	case PC_UNPARSED: m->stats.unparsed_lines++; break;
	}
}

void model_add_hinted(struct model *m, const struct parse_result *r, int64_t wall, uint8_t zone,
                      const struct model_hint *hint)
{
	m->hint_r = r;
	m->hint = *hint;
	model_add(m, r, wall, zone);
	m->hint_r = NULL;
}

void model_prefetch(const struct model *m, const struct parse_result *r, const struct model_hint *hint, int stage)
{
	if (r->cls != PC_SFTP)
		return;
	if (r->path.len > 0)
		strtab_prefetch(m->st, hint->h[0], stage);
	if (r->path2.len > 0)
		strtab_prefetch(m->st, hint->h[1], stage);
}

void model_count(struct model *m, enum parse_class cls)
{
	struct parse_result r;

	memset(&r, 0, sizeof(r));
	r.cls = cls;
	r.repeat = 0;
	model_add(m, &r, 0, 0);
}

void model_add_unparsed(struct model *m, const char *line, size_t len)
{
	struct unparsed *u = &m->unp[m->unp_next];
	size_t keep = len > 4096 ? 4096 : len;

	m->stats.lines++;
	m->stats.unparsed_lines++;
	u->line = xrealloc(u->line, keep + 1);
	memcpy(u->line, line, keep);
	u->line[keep] = '\0';
	u->len = keep;
	u->no = m->stats.lines;
	m->unp_next = (m->unp_next + 1) % MODEL_UNPARSED_KEEP;
	if (m->unp_count < MODEL_UNPARSED_KEEP)
		m->unp_count++;
}

/* ---- queries ---- */

size_t model_nsessions(const struct model *m) { return m->nsess; }
size_t model_nevents(const struct model *m) { return m->nev; }
size_t model_nfiles(const struct model *m) { return m->nfiles; }
const struct model_session *model_session(const struct model *m, uint32_t id) { return &m->sess[id]; }
const struct model_event *model_event(const struct model *m, uint32_t id) { return &m->ev[id]; }
const struct model_file *model_file(const struct model *m, uint32_t id) { return &m->files[id]; }
const struct model_stats *model_stats(const struct model *m) { return &m->stats; }

const char *model_event_path(const struct model *m, uint32_t ev, size_t *len)
{
	uint32_t f = m->ev[ev].file;

	if (f == MODEL_NONE) {
		if (len != NULL)
			*len = 0;
		return "";
	}
	return strtab_get(m->st, m->files[f].path, len);
}

uint32_t model_event_file2(const struct model *m, uint32_t ev)
{
	switch (m->ev[ev].op) {
	case OP_RENAME: case OP_POSIX_RENAME: case OP_SYMLINK: case OP_HARDLINK:
		return m->ev[ev].arg;
	default:
		return MODEL_NONE;
	}
}

const char *model_event_to(const struct model *m, uint32_t ev, size_t *len)
{
	uint32_t f = model_event_file2(m, ev);

	if (f == MODEL_NONE) {
		if (len != NULL)
			*len = 0;
		return "";
	}
	return strtab_get(m->st, m->files[f].path, len);
}


const char *model_event_status(const struct model *m, uint32_t ev)
{
	uint32_t sid;

	if (!(m->ev[ev].bits & EV_FAILED) || !u32map_get(&m->status, ev, &sid))
		return "";
	return strtab_get(m->st, sid, NULL);
}

const char *model_event_reason(const struct model *m, uint32_t ev)
{
	static const char *const names[] = { "", "read-only", "denylisted", "non-allowlisted" };

	return names[m->ev[ev].bits >> 6];
}

uint64_t model_event_num(const struct model *m, uint32_t ev, int which)
{
	const struct model_event *e = &m->ev[ev];
	uint8_t attr = e->oflags & ~EV_BIGNUM;
	bool pooled = e->op == OP_CLOSE || e->op == OP_FORCED_CLOSE || e->op == OP_USERS_GROUPS ||
	              (e->op == OP_SET && (attr == SET_SIZE || attr == SET_OWNER));

	if (!pooled)
		return 0;
	if (e->oflags & EV_BIGNUM)
		return e->arg + (size_t)which < m->nbig ? m->bignums[e->arg + (size_t)which] : 0;
	return e->arg + (size_t)which < m->nnums ? m->nums[e->arg + (size_t)which] : 0;
}

uint32_t model_link_event(const struct model *m, uint32_t link) { return m->links[link].ev; }
uint32_t model_link_next(const struct model *m, uint32_t link) { return m->links[link].next; }

uint32_t model_find_file(const struct model *m, str_id host, const char *path, size_t len)
{
	return file_find(m, host, strtab_find(m->st, path, len));
}

/* ---- timeline ---- */

struct seg {
	uint32_t file, lo, hi;
};

static void push(uint32_t **out, size_t *cap, size_t *n, uint32_t v)
{
	xgrow(out, cap, *n + 1, sizeof(**out));
	(*out)[(*n)++] = v;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

size_t model_timeline(const struct model *m, uint32_t file, uint32_t **out, size_t *cap)
{
	struct seg *segs = NULL;
	size_t nseg = 0, segcap = 0, n = 0;

	if (file >= m->nfiles)
		return 0;
	xgrow(&segs, &segcap, 1, sizeof(*segs));
	segs[nseg++] = (struct seg){ file, 0, UINT32_MAX - 1 };
	/* each rename splits a window, so this ends; the cap guards absurd logs */
	for (size_t i = 0; i < nseg && nseg < 4096; i++) {
		struct seg sg = segs[i];
		const struct model_file *f = &m->files[sg.file];
		uint32_t lo = f->first_ev > sg.lo ? f->first_ev : sg.lo;
		uint32_t hi = f->last_ev < sg.hi ? f->last_ev : sg.hi;
		for (uint32_t ev = lo; f->first_ev != MODEL_NONE && ev <= hi; ev++) {
			const struct model_event *e = &m->ev[ev];
			if (e->file != sg.file)
				continue;
			push(out, cap, &n, ev);
			if ((e->op == OP_RENAME || e->op == OP_POSIX_RENAME) && !(e->bits & EV_FAILED) &&
			    e->arg != MODEL_NONE && e->arg != sg.file && ev < sg.hi) {
				xgrow(&segs, &segcap, nseg + 1, sizeof(*segs));
				segs[nseg++] = (struct seg){ e->arg, ev + 1, sg.hi };
			}
		}
		for (uint32_t l = f->first_link; l != MODEL_NONE; l = m->links[l].next) {
			uint32_t ev = m->links[l].ev;
			const struct model_event *e = &m->ev[ev];
			if (ev < sg.lo || ev > sg.hi)
				continue;
			push(out, cap, &n, ev);
			if ((e->op == OP_RENAME || e->op == OP_POSIX_RENAME) && !(e->bits & EV_FAILED) &&
			    e->file != MODEL_NONE && e->file != sg.file && ev > sg.lo) {
				xgrow(&segs, &segcap, nseg + 1, sizeof(*segs));
				segs[nseg++] = (struct seg){ e->file, sg.lo, ev - 1 };
			}
		}
	}
	free(segs);
	if (n == 0)
		return 0;
	qsort(*out, n, sizeof(**out), cmp_u32);
	size_t k = 1;
	for (size_t i = 1; i < n; i++)
		if ((*out)[i] != (*out)[k - 1])
			(*out)[k++] = (*out)[i];
	return k;
}

const char *model_destr_name(enum destr_kind k)
{
	static const char *const names[] = { "", "remove", "rmdir", "replaced", "overwritten", "truncated" };

	return (unsigned)k < ARRAY_LEN(names) ? names[k] : "";
}

const char *model_state_name(enum sess_state s)
{
	static const char *const names[] = { "open", "closed", "lost" };

	return (unsigned)s < ARRAY_LEN(names) ? names[s] : "open";
}

size_t model_unparsed_count(const struct model *m)
{
	return m->unp_count;
}

const char *model_unparsed(const struct model *m, size_t i, size_t *len, uint64_t *line_no)
{
	size_t start = (m->unp_next + MODEL_UNPARSED_KEEP - m->unp_count) % MODEL_UNPARSED_KEEP;
	const struct unparsed *u;

	if (i >= m->unp_count)
		return NULL;
	u = &m->unp[(start + i) % MODEL_UNPARSED_KEEP];
	if (len != NULL)
		*len = u->len;
	if (line_no != NULL)
		*line_no = u->no;
	return u->line;
}

void model_memory_report(const struct model *m, FILE *f)
{
	fprintf(f, "events %zu used %zu cap %zu bytes\n", m->nev, m->nev * sizeof(*m->ev),
	        m->capev * sizeof(*m->ev));
	fprintf(f, "strings %zu bytes %zu\n", strtab_count(m->st), strtab_bytes(m->st));
	fprintf(f, "sessions %zu bytes %zu keys %zu\n", m->nsess, m->nsess * (sizeof(*m->sess) + sizeof(*m->pend)),
	        m->nskeys * sizeof(*m->skeys));
	fprintf(f, "files %zu bytes %zu keys %zu\n", m->nfiles, m->nfiles * sizeof(*m->files), m->nfkeys * sizeof(*m->fkeys));
	fprintf(f, "links %zu nums %zu status %zu/%zu touched %zu/%zu\n", m->nlinks, m->nnums, m->status.n, m->status.cap,
	        m->touched.n, m->touched.cap);
}

size_t model_bytes(const struct model *m)
{
	return sizeof(*m) + strtab_bytes(m->st) + m->capev * sizeof(*m->ev) +
	       m->capsess * (sizeof(*m->sess) + sizeof(*m->pend)) + m->nskeys * sizeof(*m->skeys) +
	       m->capfiles * sizeof(*m->files) + m->nfkeys * sizeof(*m->fkeys) +
	       m->caplinks * sizeof(*m->links) + m->capnums * sizeof(*m->nums) + m->capbig * sizeof(*m->bignums) +
	       m->status.cap * 8 + m->touched.cap * 8;
}

/* ---- retention ---- */

void model_set_keep(struct model *m, int64_t keep_us)
{
	m->keep = keep_us > 0 ? keep_us : 0;
}

int64_t model_keep(const struct model *m)
{
	return m->keep;
}

uint32_t model_generation(const struct model *m)
{
	return m->generation;
}

uint32_t model_remap_session(const struct model *m, uint32_t old)
{
	return old < m->nsess_map ? m->sess_map[old] : MODEL_NONE;
}

uint32_t model_remap_file(const struct model *m, uint32_t old)
{
	return old < m->nfile_map ? m->file_map[old] : MODEL_NONE;
}

/* The id in the new table nt of string id of the old table ot. */
static str_id restr(struct strtab *nt, const struct strtab *ot, str_id id)
{
	size_t len;
	const char *s;

	if (id == 0)
		return 0;
	s = strtab_get(ot, id, &len);
	return strtab_intern(nt, s, len);
}

static bool arg_is_string(const struct model_event *e)
{
	return e->op == OP_REFUSED || e->op == OP_ERROR || e->op == OP_FATAL ||
	       (e->op == OP_SET && model_event_set_attr(e) == SET_MODTIME);
}

static bool arg_is_pooled(const struct model_event *e)
{
	return e->op == OP_CLOSE || e->op == OP_FORCED_CLOSE || e->op == OP_USERS_GROUPS ||
	       (e->op == OP_SET && (model_event_set_attr(e) == SET_SIZE || model_event_set_attr(e) == SET_OWNER));
}

bool model_maybe_compact(struct model *m, bool force)
{
	int64_t cutoff = m->newest - m->keep;
	size_t drop_ev = 0, drop_sess = 0;
	uint32_t *ev_map;
	struct strtab *nt;
	size_t nev = 0, nsess = 0, nfiles = 0, nnums = 0, nbig = 0;

	if (m->keep == 0 || (!force && m->nev < m->check_at))
		return false;
	m->check_at = m->nev + 65536;
	/* every session's last line is at least this old: none can have left the window (no scan) */
	if (cutoff <= m->oldest)
		return false;
	m->stats.retention_scans++;
	for (size_t s = 0; s < m->nsess; s++)
		if (m->sess[s].state != SS_OPEN && m->sess[s].last < cutoff) {
			drop_ev += m->sess[s].nevents;
			drop_sess++;
		}
	if (drop_sess == 0 || (!force && drop_ev * 4 < m->nev))
		return false;

	/* sessions */
	free(m->sess_map);
	m->sess_map = xmalloc((m->nsess ? m->nsess : 1) * sizeof(*m->sess_map));
	m->nsess_map = m->nsess;
	for (size_t s = 0; s < m->nsess; s++) {
		if (m->sess[s].state != SS_OPEN && m->sess[s].last < cutoff) {
			m->sess_map[s] = MODEL_NONE;
			continue;
		}
		m->sess_map[s] = (uint32_t)nsess;
		m->sess[nsess] = m->sess[s];
		m->pend[nsess] = m->pend[s];
		nsess++;
	}

	/* events, in order; pooled numbers follow them */
	ev_map = xmalloc((m->nev ? m->nev : 1) * sizeof(*ev_map));
	for (size_t i = 0; i < m->nev; i++) {
		struct model_event e = m->ev[i];
		uint32_t ns = m->sess_map[e.sess];
		if (ns == MODEL_NONE) {
			ev_map[i] = MODEL_NONE;
			continue;
		}
		ev_map[i] = (uint32_t)nev;
		e.sess = ns;
		if (arg_is_pooled(&e)) {
			if (e.oflags & EV_BIGNUM) {
				m->bignums[nbig] = m->bignums[e.arg];
				m->bignums[nbig + 1] = m->bignums[e.arg + 1];
				e.arg = (uint32_t)nbig;
				nbig += 2;
			} else {
				m->nums[nnums] = m->nums[e.arg];
				m->nums[nnums + 1] = m->nums[e.arg + 1];
				e.arg = (uint32_t)nnums;
				nnums += 2;
			}
		}
		m->ev[nev++] = e;
	}
	m->stats.dropped_events += m->nev - nev;
	m->stats.dropped_sessions += m->nsess - nsess;
	m->nev = nev;
	m->nsess = nsess;
	m->nnums = nnums;
	m->nbig = nbig;
	for (size_t i = 0; i < nev; i++)
		if (m->ev[i].next != MODEL_NONE)
			m->ev[i].next = ev_map[m->ev[i].next];
	for (size_t s = 0; s < nsess; s++) {
		struct model_session *ss = &m->sess[s];
		if (ss->first_ev != MODEL_NONE) {
			ss->first_ev = ev_map[ss->first_ev];
			ss->last_ev = ev_map[ss->last_ev];
		}
		if (ss->first_del != MODEL_NONE) {     /* a kept session keeps all its events */
			ss->first_del = ev_map[ss->first_del];
			ss->last_del = ev_map[ss->last_del];
		}
		if (ss->last_request != MODEL_NONE)
			ss->last_request = ev_map[ss->last_request];
	}
	/* failure texts, keyed by event */
	{
		struct u32map old = m->status;
		memset(&m->status, 0, sizeof(m->status));
		for (size_t i = 0; i < old.cap; i++)
			if (old.k[i] != UINT32_MAX && ev_map[old.k[i]] != MODEL_NONE)
				u32map_put(&m->status, ev_map[old.k[i]], old.v[i]);
		free(old.k);
		free(old.v);
	}
	free(ev_map);

	/* files: kept when a kept event names them, or a kept session has them pending */
	free(m->file_map);
	m->file_map = xmalloc((m->nfiles ? m->nfiles : 1) * sizeof(*m->file_map));
	m->nfile_map = m->nfiles;
	for (size_t f = 0; f < m->nfiles; f++)
		m->file_map[f] = MODEL_NONE;
	for (size_t i = 0; i < nev; i++) {
		const struct model_event *e = &m->ev[i];
		if (e->file != MODEL_NONE)
			m->file_map[e->file] = 0;
		if (model_event_file2(m, (uint32_t)i) != MODEL_NONE)
			m->file_map[e->arg] = 0;
	}
	for (size_t s = 0; s < nsess; s++)
		for (int k = 0; k < 2; k++)
			if (m->pend[s].file[k] != MODEL_NONE)
				m->file_map[m->pend[s].file[k]] = 0;
	/*
	 * A file known to exist stays known for four windows after its last
	 * event, events or not: a later rename onto it, or a truncating open,
	 * is then still seen to destroy it. Longer would let memory grow with
	 * every file ever uploaded.
	 */
	{
		int64_t horizon = (m->newest - 4 * m->keep) / LTIME_US_PER_SEC;
		for (size_t f = 0; f < m->nfiles; f++)
			if (m->files[f].exists == EX_YES && (int64_t)m->files[f].seen >= horizon)
				m->file_map[f] = 0;
	}
	for (size_t f = 0; f < m->nfiles; f++) {
		if (m->file_map[f] == MODEL_NONE)
			continue;
		m->file_map[f] = (uint32_t)nfiles;
		m->files[nfiles] = m->files[f];
		m->files[nfiles].first_ev = m->files[nfiles].last_ev = m->files[nfiles].first_link = MODEL_NONE;
		m->files[nfiles].nevents = m->files[nfiles].ndeletions = 0;
		{
			uint32_t old = m->files[f].toucher;
			uint32_t nw = old == MODEL_NONE || old == TOUCHER_DROPPED ? old : m->sess_map[old];
			m->files[nfiles].toucher = nw == MODEL_NONE && old != MODEL_NONE ? TOUCHER_DROPPED : nw;
		}
		nfiles++;
	}
	m->nfiles = nfiles;
	m->nlinks = 0;
	for (size_t i = 0; i < nev; i++) {
		struct model_event *e = &m->ev[i];
		uint32_t f2 = model_event_file2(m, (uint32_t)i);
		if (e->file != MODEL_NONE) {
			struct model_file *f;
			e->file = m->file_map[e->file];
			f = &m->files[e->file];
			if (f->first_ev == MODEL_NONE)
				f->first_ev = (uint32_t)i;
			f->last_ev = (uint32_t)i;
			f->nevents++;
		}
		if (f2 != MODEL_NONE) {
			e->arg = m->file_map[f2];
			if (e->arg != e->file) {
				xgrow(&m->links, &m->caplinks, m->nlinks + 1, sizeof(*m->links));
				m->links[m->nlinks] = (struct link){ (uint32_t)i, m->files[e->arg].first_link };
				m->files[e->arg].first_link = (uint32_t)m->nlinks++;
			}
		}
		if (e->dkind != DK_NONE) {
			uint32_t f = e->dkind == DK_REPLACED ? e->arg : e->file;
			if (f != MODEL_NONE)
				m->files[f].ndeletions++;
		}
	}
	for (size_t s = 0; s < nsess; s++) {
		struct pending *pd = &m->pend[s];
		for (int k = 0; k < 2; k++)
			if (pd->file[k] != MODEL_NONE)
				pd->file[k] = m->file_map[pd->file[k]];
		pd->last_file = pd->last_file == MODEL_NONE ? MODEL_NONE : m->file_map[pd->last_file];
	}

	/* files touched: the pairs of kept sessions and files */
	{
		struct u64set old = m->touched;
		memset(&m->touched, 0, sizeof(m->touched));
		for (size_t i = 0; i < old.cap; i++) {
			if (old.k[i] == 0)
				continue;
			uint32_t s = (uint32_t)(old.k[i] >> 32) - 1, f = (uint32_t)old.k[i];
			if (s < m->nsess_map && m->sess_map[s] != MODEL_NONE && f < m->nfile_map &&
			    m->file_map[f] != MODEL_NONE)
				u64set_add(&m->touched, ((uint64_t)(m->sess_map[s] + 1) << 32) | m->file_map[f]);
		}
		free(old.k);
	}

	/* strings: a new table with only what is still named */
	nt = strtab_new();
	for (size_t s = 0; s < nsess; s++) {
		struct model_session *ss = &m->sess[s];
		ss->host = restr(nt, m->st, ss->host);
		ss->prog = restr(nt, m->st, ss->prog);
		ss->user = restr(nt, m->st, ss->user);
		ss->ip = restr(nt, m->st, ss->ip);
	}
	for (size_t f = 0; f < nfiles; f++) {
		m->files[f].host = restr(nt, m->st, m->files[f].host);
		m->files[f].path = restr(nt, m->st, m->files[f].path);
	}
	for (size_t i = 0; i < nev; i++)
		if (arg_is_string(&m->ev[i]))
			m->ev[i].arg = restr(nt, m->st, m->ev[i].arg);
	for (size_t i = 0; i < m->status.cap; i++)
		if (m->status.k[i] != UINT32_MAX)
			m->status.v[i] = restr(nt, m->st, m->status.v[i]);
	strtab_free(m->st);
	m->st = nt;
	m->host_cache_len = m->prog_cache_len = SIZE_MAX;
	memset(m->pidc, 0, sizeof(m->pidc));

	/* lookup tables, rebuilt from the kept records */
	free(m->skeys);
	m->skeys = NULL;
	m->nskeys = m->skeys_used = 0;
	skeys_grow(m);
	for (size_t s = 0; s < nsess; s++) {
		/* the newest session of a key is the current one */
		struct model_session *ss = &m->sess[s];
		size_t j = skey_slot(m, ss->host, ss->prog, ss->pid);
		if (m->skeys[j].sess == MODEL_NONE)
			m->skeys_used++;
		m->skeys[j] = (struct skey){ ss->host, ss->prog, ss->pid, (uint32_t)s };
		if (m->skeys_used * 4 > m->nskeys * 3)
			skeys_grow(m);
	}
	free(m->fkeys);
	m->fkeys = NULL;
	m->nfkeys = m->fkeys_used = 0;
	fkeys_grow(m);
	for (size_t f = 0; f < nfiles; f++)
		file_index(m, (uint32_t)f);
	m->oldest = INT64_MAX;
	for (size_t s = 0; s < nsess; s++)
		if (m->sess[s].last < m->oldest)
			m->oldest = m->sess[s].last;
	m->generation++;
	m->check_at = m->nev + 65536;
	/* the old tables were freed just now: give the memory back, or RSS creeps up */
	malloc_trim(0);
	if (m->hooks.compacted != NULL)
		m->hooks.compacted(m->hooks.ctx);
	return true;
}
