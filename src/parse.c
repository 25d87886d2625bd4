/*
 * parse: storage header + sftp-server message -> parse_result.
 *
 * Headers are split by hand (they are fixed-shape and on every line, so this
 * is where the time goes). The message body is recognised by a literal
 * prefix (the cheap pre-check), then matched with a PCRE2 pattern, JIT-
 * compiled once, match data and JIT stack reused. OpenSSH does not escape
 * '"' inside names, so for shapes that carry a name the pattern describes
 * only the fixed suffix after the name ('" flags ... mode 0644'). The suffix
 * grammar never contains '"', so a suffix can only start at the body's last
 * '"': the pattern runs anchored at both ends from there, and the name is
 * whatever lies between prefix and suffix. A name that imitates a suffix
 * therefore cannot fool it.
 *
 * Nothing here allocates per line: decoded names go to p->scratch.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "parse.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* OpenSSH caps a message body at 500 bytes (reference §1). */
#define BODY_CAP 500
/* Longest body we try to match; rsyslog's repeat wrapper can add ~40 bytes. */
#define BODY_MAX 8192
/*
 * Most events one "message repeated N times" line may stand for. The model
 * stores each of the N, so an unbounded N lets one forged 90-byte line
 * (any local user can log with the tag internal-sftp) take gigabytes; a
 * larger N is counted unparsed rather than believed.
 */
#define REPEAT_MAX 1000

enum kind {
	K_PATH,      /* one name */
	K_OPEN,      /* name, flags, mode */
	K_BYTES,     /* name, bytes read, bytes written */
	K_MODE,      /* name, mode (mkdir) */
	K_TWO,       /* old, new */
	K_SET,       /* name, one of size/mode/modtime/owner group */
	K_NUM,       /* one number */
	K_TWONUM,    /* two numbers */
	K_SESSION,   /* user, address */
	K_TEXT,      /* free text */
	K_REFUSE,    /* reason?, request name, read-only? */
	K_ERROR,     /* error text, maybe with a name */
};

struct shape {
	const char *prefix;
	enum op op;
	enum kind kind;
	const char *re;        /* the whole body (shapes without a name) */
	const char *suffix;    /* what follows the name, from its closing quote (shapes with one) */
};

#define NUM "([0-9]{1,20})"

#define Q "\""
#define BYTES Q " bytes read " NUM " written " NUM

static const struct shape shapes[] = {
	{ "open \"", OP_OPEN, K_OPEN, NULL, Q " flags ([A-Z,]*) mode 0([0-7]{1,11})" },
	{ "opendir \"", OP_OPENDIR, K_PATH, NULL, Q },
	{ "close \"", OP_CLOSE, K_BYTES, NULL, BYTES },
	{ "closedir \"", OP_CLOSEDIR, K_PATH, NULL, Q },
	{ "forced close \"", OP_FORCED_CLOSE, K_BYTES, NULL, BYTES },
	{ "forced closedir \"", OP_FORCED_CLOSEDIR, K_PATH, NULL, Q },
	{ "stat name \"", OP_STAT, K_PATH, NULL, Q },
	{ "lstat name \"", OP_LSTAT, K_PATH, NULL, Q },
	{ "realpath \"", OP_REALPATH, K_PATH, NULL, Q },
	{ "readlink \"", OP_READLINK, K_PATH, NULL, Q },
	{ "remove name \"", OP_REMOVE, K_PATH, NULL, Q },
	{ "mkdir name \"", OP_MKDIR, K_MODE, NULL, Q " mode 0([0-7]{1,11})" },
	{ "rmdir name \"", OP_RMDIR, K_PATH, NULL, Q },
	{ "rename old \"", OP_RENAME, K_TWO, NULL, Q },
	{ "posix-rename old \"", OP_POSIX_RENAME, K_TWO, NULL, Q },
	{ "symlink old \"", OP_SYMLINK, K_TWO, NULL, Q },
	{ "hardlink old \"", OP_HARDLINK, K_TWO, NULL, Q },
	{ "statvfs \"", OP_STATVFS, K_PATH, NULL, Q },
	{ "set \"", OP_SET, K_SET, NULL,
	  Q " (?:size " NUM "|mode ([0-7]{1,11})|modtime ([0-9]{8}-[0-9]{2}:[0-9]{2}:[0-9]{2})"
	  "|owner " NUM " group " NUM ")" },
	{ "fsync \"", OP_FSYNC, K_PATH, NULL, Q },
	{ "expand \"", OP_EXPAND, K_PATH, NULL, Q },
	{ "home-directory \"", OP_HOME, K_PATH, NULL, Q },
	{ "users-groups-by-id: ", OP_USERS_GROUPS, K_TWONUM, "users-groups-by-id: " NUM " users, " NUM " groups", NULL },
	{ "received client version ", OP_VERSION, K_NUM, "received client version " NUM, NULL },
	{ "session opened for local user ", OP_SESSION_OPEN, K_SESSION,
	  "session opened for local user (.*) from \\[(.*)\\]", NULL },
	{ "session closed for local user ", OP_SESSION_CLOSE, K_SESSION,
	  "session closed for local user (.*) from \\[(.*)\\]", NULL },
	{ "sent status ", OP_STATUS, K_TEXT, "sent status (.+)", NULL },
	{ "Refusing ", OP_REFUSED, K_REFUSE,
	  "Refusing (?:(denylisted|blacklisted|non-allowlisted|non-whitelisted) )?([a-z@.-]+) request(?: in (read-only) mode)?",
	  NULL },
	{ "error: ", OP_ERROR, K_ERROR,
	  "error: (?:(?:process_read|process_write): (?:seek|read|write) \"(.*)\": (.*)|(.*))", NULL },
	{ "fatal: ", OP_FATAL, K_TEXT, "fatal: (.*)", NULL },
};

/* Longest timestamp kept for the next line: "2026-11-24T11:02:31.123456+01:00" is 32. */
#define TS_MAX 40

#define NSHAPES (sizeof(shapes) / sizeof(shapes[0]))

struct parser {
	pcre2_code *re[NSHAPES];
	uint8_t plen[NSHAPES];
	uint64_t pword[NSHAPES], pmask[NSHAPES];   /* the prefix's first (up to) 8 bytes, as a word */
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	pcre2_code *logverbose;
	pcre2_match_data *md;
	bool jit;
	/* the last line's timestamp, bytes and parse: lines of one second come in runs */
	char ts[TS_MAX];
	size_t ts_len;           /* 0 = none */
	enum parse_header ts_hdr;
	struct parse_time ts_time;
	/* shapes whose prefix starts with byte c: first index, count (table is grouped below) */
	uint8_t first[256][NSHAPES + 1];
	char scratch[2 * BODY_MAX + 16];
};

enum anchor { WHOLE, PREFIX };

static pcre2_code *compile(const char *pat, enum anchor how, bool *jit)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re;
	char buf[512];

	snprintf(buf, sizeof(buf), how == WHOLE ? "^(?:%s)\\z" : "^(?:%s)", pat);
	re = pcre2_compile((PCRE2_SPTR)buf, PCRE2_ZERO_TERMINATED, PCRE2_DOTALL | PCRE2_NO_UTF_CHECK,
	                   &err, &off, NULL);
	if (re == NULL) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof(msg));
		util_fatal(1, "internal error: pattern %s: %s at %zu", pat, (char *)msg, (size_t)off);
	}
	if (!*jit || pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0)
		*jit = false;
	return re;
}

struct parser *parse_new(void)
{
	struct parser *p = xcalloc(1, sizeof(*p));
	size_t maxcap = 0;

	/* valgrind cannot follow JIT code (it reports its reads as uninitialised):
	 * the test suite runs the interpreter under valgrind, ASan sees the JIT */
	p->jit = getenv("SFTPTOP_NO_JIT") == NULL;
	for (size_t i = 0; i < NSHAPES; i++) {
		unsigned char c = (unsigned char)shapes[i].prefix[0];
		uint8_t *list = p->first[c];
		if (shapes[i].re != NULL)
			p->re[i] = compile(shapes[i].re, WHOLE, &p->jit);
		else if (strcmp(shapes[i].suffix, Q) != 0)   /* a lone closing quote needs no pattern */
			p->re[i] = compile(shapes[i].suffix, WHOLE, &p->jit);
		p->plen[i] = (uint8_t)strlen(shapes[i].prefix);
		memcpy(&p->pword[i], shapes[i].prefix, p->plen[i] < 8 ? p->plen[i] : 8);
		memset(&p->pmask[i], 0xff, p->plen[i] < 8 ? p->plen[i] : 8);
		list[++list[0]] = (uint8_t)i;
	}
	p->logverbose = compile("[^ ]+\\.c:[^ ]+\\(\\):[0-9]+ \\(bin=[^,]+, pid=[0-9]+\\): ", PREFIX, &p->jit);
	for (size_t i = 0; i < NSHAPES; i++) {
		uint32_t n = 0;
		if (p->re[i] != NULL)
			pcre2_pattern_info(p->re[i], PCRE2_INFO_CAPTURECOUNT, &n);
		if (n > maxcap)
			maxcap = n;
	}
	p->md = pcre2_match_data_create((uint32_t)maxcap + 1, NULL);
	/* one JIT stack for every match, instead of one set up on each call */
	p->mctx = pcre2_match_context_create(NULL);
	p->jstack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
	if (p->md == NULL || p->mctx == NULL || p->jstack == NULL)
		util_fatal(1, "out of memory");
	pcre2_jit_stack_assign(p->mctx, NULL, p->jstack);
	return p;
}

void parse_free(struct parser *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < NSHAPES; i++)
		pcre2_code_free(p->re[i]);
	pcre2_code_free(p->logverbose);
	pcre2_match_data_free(p->md);
	pcre2_match_context_free(p->mctx);
	pcre2_jit_stack_free(p->jstack);
	free(p);
}

static int run(struct parser *p, pcre2_code *re, const char *s, size_t len, PCRE2_SPTR *subj)
{
	*subj = (PCRE2_SPTR)s;
	if (p->jit)
		return pcre2_jit_match(re, (PCRE2_SPTR)s, len, 0, 0, p->md, p->mctx);
	return pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, p->md, p->mctx);
}

/* Group g of the last match, or an empty string when it did not take part. */
static struct parse_str group(struct parser *p, const char *s, int g)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);
	struct parse_str r = { "", 0 };

	if (ov[2 * g] != PCRE2_UNSET) {
		r.p = s + ov[2 * g];
		r.len = ov[2 * g + 1] - ov[2 * g];
	}
	return r;
}

static bool group_set(struct parser *p, int g)
{
	return pcre2_get_ovector_pointer(p->md)[2 * g] != PCRE2_UNSET;
}

size_t parse_unvis(char *dst, const char *src, size_t srclen)
{
	size_t i = 0, o = 0;

	while (i < srclen) {
		/* copy up to the next backslash in one go: most names have none */
		const char *bs = memchr(src + i, '\\', srclen - i);
		size_t run = bs != NULL ? (size_t)(bs - (src + i)) : srclen - i;
		memcpy(dst + o, src + i, run);
		o += run;
		i += run;
		if (i >= srclen)
			break;
		char c = src[i];
		if (c != '\\' || i + 1 >= srclen) {
			dst[o++] = c;
			i++;
			continue;
		}
		c = src[i + 1];
		switch (c) {
		case '\\': dst[o++] = '\\'; i += 2; continue;
		case 'n': dst[o++] = '\n'; i += 2; continue;
		case 'r': dst[o++] = '\r'; i += 2; continue;
		case 't': dst[o++] = '\t'; i += 2; continue;
		case 'a': dst[o++] = '\a'; i += 2; continue;
		case 'b': dst[o++] = '\b'; i += 2; continue;
		case 'v': dst[o++] = '\v'; i += 2; continue;
		case 'f': dst[o++] = '\f'; i += 2; continue;
		default: break;
		}
		if (i + 3 < srclen && c >= '0' && c <= '3' && src[i + 2] >= '0' && src[i + 2] <= '7' &&
		    src[i + 3] >= '0' && src[i + 3] <= '7') {
			dst[o++] = (char)(((c - '0') << 6) | ((src[i + 2] - '0') << 3) | (src[i + 3] - '0'));
			i += 4;
			continue;
		}
		/* not an escape OpenSSH writes (or cut at the cap): keep it */
		dst[o++] = src[i++];
	}
	return o;
}

static struct parse_str decode(char **scratch, struct parse_str s)
{
	struct parse_str r;

	/* most names have no escape: they are the logged bytes */
	if (s.len == 0 || memchr(s.p, '\\', s.len) == NULL)
		return s;
	r.p = *scratch;
	r.len = parse_unvis(*scratch, s.p, s.len);
	*scratch += r.len;
	*(*scratch)++ = '\0';
	return r;
}

static bool to_u64(struct parse_str s, uint64_t *out)
{
	uint64_t v = 0;

	if (s.len == 0)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned d = (unsigned)(s.p[i] - '0');
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool to_octal(struct parse_str s, uint32_t *out)
{
	uint64_t v = 0;

	for (size_t i = 0; i < s.len; i++) {
		v = v * 8 + (uint64_t)(s.p[i] - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

static unsigned parse_flags(struct parse_str s, bool *ok)
{
	static const struct { const char *w; unsigned bit; } words[] = {
		{ "READ", OF_READ }, { "WRITE", OF_WRITE }, { "APPEND", OF_APPEND },
		{ "CREATE", OF_CREATE }, { "TRUNCATE", OF_TRUNCATE }, { "EXCL", OF_EXCL },
	};
	unsigned flags = 0;
	size_t i = 0;

	*ok = true;
	while (i < s.len) {
		size_t j = i, k;
		while (j < s.len && s.p[j] != ',')
			j++;
		for (k = 0; k < ARRAY_LEN(words); k++)
			if (strlen(words[k].w) == j - i && memcmp(words[k].w, s.p + i, j - i) == 0)
				break;
		if (k == ARRAY_LEN(words))
			*ok = false;
		else
			flags |= words[k].bit;
		i = j + 1;
	}
	return flags;
}

/*
 * Length of s without the start of one of tails at its end ('" fl' of
 * '" flags '): the cap cut the suffix, not the name. (A cut escape is kept.)
 */
static size_t drop_cut_tail(const char *s, size_t len, const char *const *tails, size_t ntails)
{
	size_t best = len;

	for (size_t t = 0; t < ntails; t++) {
		for (size_t k = strlen(tails[t]) - 1; k > 0; k--) {
			if (k <= len && memcmp(s + len - k, tails[t], k) == 0) {
				if (len - k < best)
					best = len - k;
				break;
			}
		}
	}
	return best;
}

/* Body of a line cut at the cap: keep what is there, fields may be missing. */
static bool relaxed(struct parser *p, const struct shape *sh, const char *b, size_t len, struct parse_result *r)
{
	size_t plen = strlen(sh->prefix);
	char *scratch = p->scratch;
	struct parse_str rest = { b + plen, len - plen };

	if (sh->kind == K_TWO) {
		/* old "A" new "B...: split at the last '" new "' when there is one */
		static const char sep[] = "\" new \"";
		static const char *const septail[] = { sep };
		const char *cut = NULL;
		int seps = 0;
		for (size_t i = 0; i + sizeof(sep) - 1 <= rest.len; i++)
			if (memcmp(rest.p + i, sep, sizeof(sep) - 1) == 0) {
				cut = rest.p + i;
				seps++;
			}
		r->ambiguous = seps > 1;
		if (cut != NULL) {
			struct parse_str a = { rest.p, (size_t)(cut - rest.p) };
			struct parse_str c = { cut + sizeof(sep) - 1, rest.len - (size_t)(cut - rest.p) - (sizeof(sep) - 1) };
			r->path = decode(&scratch, a);
			r->path2 = decode(&scratch, c);
		} else {
			rest.len = drop_cut_tail(rest.p, rest.len, septail, 1);
			r->path = decode(&scratch, rest);
		}
	} else if (sh->kind == K_SESSION || sh->kind == K_TEXT || sh->kind == K_ERROR) {
		r->text = rest;
	} else if (sh->kind == K_NUM || sh->kind == K_TWONUM || sh->kind == K_REFUSE) {
		return false;
	} else {
		/* one name, then maybe the start of the fixed suffix */
		static const char *const tails[] = { "\" flags ", "\" bytes read ", "\" mode ", "\" size ",
		                                     "\" modtime ", "\" owner " };
		const char *cut = NULL;
		for (size_t t = 0; t < ARRAY_LEN(tails); t++) {
			size_t tl = strlen(tails[t]);
			for (size_t i = 0; i + tl <= rest.len; i++)
				if (memcmp(rest.p + i, tails[t], tl) == 0)
					cut = rest.p + i;
		}
		if (cut != NULL)
			rest.len = (size_t)(cut - rest.p);
		else
			rest.len = drop_cut_tail(rest.p, rest.len, tails, ARRAY_LEN(tails));
		r->path = decode(&scratch, rest);
	}
	r->op = sh->op;
	r->truncated = true;
	if (sh->kind == K_SET)
		r->attr = SET_UNKNOWN;
	return true;
}

/* Split "A" new "B (between the quotes) at the last '" new "'; counts the separators. */
static bool split_two(const char *s, size_t len, struct parse_str *a, struct parse_str *b, int *seps)
{
	static const char sep[] = "\" new \"";
	const size_t sl = sizeof(sep) - 1;
	bool found = false;

	*seps = 0;
	for (size_t i = len >= sl ? len - sl + 1 : 0; i-- > 0;) {
		if (s[i] != '"' || memcmp(s + i, sep, sl) != 0)
			continue;
		if (!found) {
			a->p = s;
			a->len = i;
			b->p = s + i + sl;
			b->len = len - i - sl;
			found = true;
		}
		if (++*seps > 1)
			break;
	}
	return found;
}

static bool body(struct parser *p, const char *b, size_t len, struct parse_result *r)
{
	const uint8_t *list;
	const struct shape *sh = NULL;
	size_t idx = 0, plen = 0;
	PCRE2_SPTR subj;
	char *scratch = p->scratch;
	struct parse_str name = { "", 0 };
	const char *base = b;      /* what the ovector of the last match is relative to */
	bool ok;

	if (len == 0)
		return false;
	list = p->first[(unsigned char)b[0]];
	{
		/* the first eight bytes of every prefix at once (zero-padded), the rest (if any) after */
		uint64_t w = 0;
		memcpy(&w, b, len < 8 ? len : 8);
		for (unsigned i = 1; i <= list[0]; i++) {
			size_t k = list[i], pl = p->plen[k];
			if (len >= pl && (w & p->pmask[k]) == p->pword[k] &&
			    (pl <= 8 || memcmp(b + 8, shapes[k].prefix + 8, pl - 8) == 0)) {
				sh = &shapes[k];
				idx = k;
				plen = pl;
				break;
			}
		}
	}
	if (sh == NULL)
		return false;
	if (sh->suffix != NULL) {
		/* the name runs from the prefix to where the fixed suffix starts */
		if (p->re[idx] == NULL) {
			if (len <= plen || b[len - 1] != '"')
				return r->truncated ? relaxed(p, sh, b, len, r) : false;
			name.p = b + plen;
			name.len = len - plen - 1;
		} else {
			/* the suffix starts at the last '"' (its grammar has none), after the prefix's */
			const char *q = len > plen ? memrchr(b + plen, '"', len - plen) : NULL;
			if (q == NULL || run(p, p->re[idx], q, len - (size_t)(q - b), &subj) < 0)
				return r->truncated ? relaxed(p, sh, b, len, r) : false;
			base = q;
			name.p = b + plen;
			name.len = (size_t)(q - name.p);
		}
	} else if (run(p, p->re[idx], b, len, &subj) < 0) {
		return r->truncated ? relaxed(p, sh, b, len, r) : false;
	}

	r->op = sh->op;
	switch (sh->kind) {
	case K_PATH:
		r->path = decode(&scratch, name);
		break;
	case K_OPEN:
		r->path = decode(&scratch, name);
		r->oflags = parse_flags(group(p, base, 1), &ok);
		if (!ok || !to_octal(group(p, base, 2), &r->mode))
			return false;
		break;
	case K_BYTES:
		r->path = decode(&scratch, name);
		if (!to_u64(group(p, base, 1), &r->n1) || !to_u64(group(p, base, 2), &r->n2))
			return false;
		break;
	case K_MODE:
		r->path = decode(&scratch, name);
		if (!to_octal(group(p, base, 1), &r->mode))
			return false;
		break;
	case K_TWO: {
		struct parse_str a, c;
		int seps;
		if (!split_two(name.p, name.len, &a, &c, &seps))
			return r->truncated ? relaxed(p, sh, b, len, r) : false;
		/* a name holding '" new "' makes the split a guess: say so (the model may pick a better one) */
		r->ambiguous = seps > 1;
		r->path = decode(&scratch, a);
		r->path2 = decode(&scratch, c);
		if (sh->op == OP_SYMLINK) {
			/* symlink(old, new): the link created is "new", its contents "old" */
			struct parse_str t = r->path;
			r->path = r->path2;
			r->path2 = t;
		}
		break;
	}
	case K_SET:
		r->path = decode(&scratch, name);
		if (group_set(p, 1)) {
			r->attr = SET_SIZE;
			ok = to_u64(group(p, base, 1), &r->n1);
		} else if (group_set(p, 2)) {
			r->attr = SET_MODE;
			ok = to_octal(group(p, base, 2), &r->mode);
		} else if (group_set(p, 3)) {
			r->attr = SET_MODTIME;
			r->text = group(p, base, 3);
			ok = true;
		} else {
			r->attr = SET_OWNER;
			ok = to_u64(group(p, base, 4), &r->n1) && to_u64(group(p, base, 5), &r->n2);
		}
		if (!ok)
			return false;
		break;
	case K_NUM:
		if (!to_u64(group(p, b, 1), &r->n1) || r->n1 > UINT32_MAX)
			return false;
		break;
	case K_TWONUM:
		if (!to_u64(group(p, b, 1), &r->n1) || !to_u64(group(p, b, 2), &r->n2))
			return false;
		break;
	case K_SESSION:
		r->text = decode(&scratch, group(p, b, 1));
		r->text2 = decode(&scratch, group(p, b, 2));
		break;
	case K_TEXT:
		r->text = decode(&scratch, group(p, b, 1));
		break;
	case K_REFUSE:
		r->text = group(p, b, 2);
		if (group_set(p, 3))
			r->text2 = (struct parse_str){ "read-only", 9 };
		else if (group_set(p, 1)) {
			struct parse_str why = group(p, b, 1);
			/* the old words mean the same thing */
			if (why.p[0] == 'b')
				r->text2 = (struct parse_str){ "denylisted", 10 };
			else if (why.len == 15 && why.p[4] == 'w')
				r->text2 = (struct parse_str){ "non-allowlisted", 15 };
			else
				r->text2 = why;
		}
		break;
	case K_ERROR:
		if (group_set(p, 1)) {
			r->path = decode(&scratch, group(p, b, 1));
			r->text = decode(&scratch, (struct parse_str){ b + 7, len - 7 });
		} else {
			r->text = decode(&scratch, group(p, b, 3));
		}
		break;
	}
	return true;
}

typedef uint8_t bytes16 __attribute__((vector_size(16)));
typedef int8_t flags16 __attribute__((vector_size(16)));

/* Are the sixteen bytes at s all in 0x20..0x7e? */
static bool printable16(const char *s)
{
	bytes16 v;
	flags16 bad;
	uint64_t any[2];

	memcpy(&v, s, 16);
	bad = (v < 0x20) | (v > 0x7e);
	memcpy(any, &bad, 16);
	return (any[0] | any[1]) == 0;
}

/* Is every byte of s in 0x20..0x7e? Sixteen at a time (the last sixteen overlapping): this runs on every body. */
static bool printable_ascii(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 16) {
		for (; i + 16 <= n; i += 16)
			if (!printable16(s + i))
				return false;
		return i == n || printable16(s + n - 16);
	}
	for (; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

/* 1..12 for an English month abbreviation at s, else 0. */
static int month(const char *s)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int guess;

	/* the second and third letters tell them apart; check the whole name after */
	switch (s[1]) {
	case 'a': guess = s[2] == 'n' ? 1 : s[2] == 'r' ? 3 : s[2] == 'y' ? 5 : 0; break;
	case 'e': guess = s[2] == 'b' ? 2 : s[2] == 'p' ? 9 : s[2] == 'c' ? 12 : 0; break;
	case 'p': guess = 4; break;
	case 'u': guess = s[2] == 'n' ? 6 : s[2] == 'l' ? 7 : s[2] == 'g' ? 8 : 0; break;
	case 'c': guess = 10; break;
	case 'o': guess = 11; break;
	default: guess = 0; break;
	}
	if (guess == 0 || memcmp(names + 3 * (guess - 1), s, 3) != 0)
		return 0;
	return guess;
}

static bool num2(const char *s, int *v)
{
	unsigned a = (unsigned)(s[0] - '0'), b = (unsigned)(s[1] - '0');

	if (a > 9 || b > 9)
		return false;
	*v = (int)(a * 10 + b);
	return true;
}

/* HH:MM:SS at s (8 bytes available checked by caller). */
static bool hms(const char *s, struct parse_time *t)
{
	return num2(s, &t->hour) && s[2] == ':' && num2(s + 3, &t->min) && s[5] == ':' &&
	       num2(s + 6, &t->sec) && t->hour < 24 && t->min < 60 && t->sec <= 60;
}

/* Optional .fraction at *i; advances. */
static void frac(const char *s, size_t len, size_t *i, struct parse_time *t)
{
	size_t j = *i;
	int digits = 0, us = 0;

	if (j >= len || s[j] != '.')
		return;
	j++;
	while (j < len && s[j] >= '0' && s[j] <= '9') {
		if (digits < 6) {
			us = us * 10 + (s[j] - '0');
			digits++;
		}
		j++;
	}
	if (j == *i + 1)
		return;
	t->frac_digits = digits;
	for (int k = digits; k < 6; k++)
		us *= 10;
	t->usec = us;
	*i = j;
}

/* "Nov 24 11:02:31" (day space- or zero-padded), optional fraction. Returns bytes used or 0. */
static size_t hdr_bsd(const char *s, size_t len, struct parse_time *t)
{
	size_t i;

	if (len < 16 || s[3] != ' ' || s[6] != ' ')
		return 0;
	t->mon = month(s);
	if (t->mon == 0)
		return 0;
	if (s[4] == ' ') {
		if (s[5] < '1' || s[5] > '9')
			return 0;
		t->mday = s[5] - '0';
	} else if (!num2(s + 4, &t->mday)) {
		return 0;
	}
	if (t->mday < 1 || t->mday > 31 || !hms(s + 7, t))
		return 0;
	i = 15;
	frac(s, len, &i, t);
	return i;
}

/* "2026-11-24T11:02:31[.frac](Z|+hh:mm|+hhmm)" or without zone. Returns bytes used or 0. */
static size_t hdr_iso(const char *s, size_t len, struct parse_time *t)
{
	int y1, y2;
	size_t i;

	if (len < 20 || !num2(s, &y1) || !num2(s + 2, &y2) || s[4] != '-' || !num2(s + 5, &t->mon) ||
	    s[7] != '-' || !num2(s + 8, &t->mday) || (s[10] != 'T' && s[10] != ' ') || !hms(s + 11, t))
		return 0;
	t->year = y1 * 100 + y2;
	/* year 0 would read as "no year" (parse_time) and be inferred: no such log exists */
	if (t->year == 0 || t->mon < 1 || t->mon > 12 || t->mday < 1 || t->mday > 31)
		return 0;
	i = 19;
	frac(s, len, &i, t);
	if (i < len && s[i] == 'Z') {
		t->has_tz = true;
		t->tz_min = 0;
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		int hh, mm;
		int sign = s[i] == '-' ? -1 : 1;
		if (i + 5 <= len && num2(s + i + 1, &hh) && s[i + 3] == ':' && i + 6 <= len && num2(s + i + 4, &mm))
			i += 6;
		else if (i + 5 <= len && num2(s + i + 1, &hh) && num2(s + i + 3, &mm))
			i += 5;
		else
			return 0;
		if (hh > 23 || mm > 59)
			return 0;
		t->has_tz = true;
		t->tz_min = sign * (hh * 60 + mm);
	}
	return i;
}

/* a[0..n) == b[0..n), n >= 8: a word at a time, the last word overlapping */
static bool same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	size_t k;

	for (k = 0; k + 8 < n; k += 8) {
		memcpy(&x, a + k, 8);
		memcpy(&y, b + k, 8);
		if (x != y)
			return false;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

static size_t token(const char *s, size_t len, size_t i)
{
	const char *sp = i < len ? memchr(s + i, ' ', len - i) : NULL;

	return sp != NULL ? (size_t)(sp - s) : len;
}

/*
 * The number in the last n (1..8) of the eight bytes at s, all digits, a
 * word at a time: the bytes before them become leading zeros.
 */
static bool digits8(const char *s, size_t n, uint64_t *out)
{
	const uint64_t zeros = 0x3030303030303030ULL;
	uint64_t w, x;

	memcpy(&w, s, 8);
	if (n < 8) {
		/* little-endian: the digits are the high n bytes */
		uint64_t keep = ~(uint64_t)0 << (8 * (8 - n));
		w = (w & keep) | (zeros & ~keep);
	}
	x = w - zeros;
	/* a byte under '0' wraps to 0x80 or above; one over '9' reaches 0x80 when 0x76 is added */
	if (((x | (x + 0x7676767676767676ULL)) & 0x8080808080808080ULL) != 0)
		return false;
	/* pairs, then fours, then eight: the first digit is the lowest byte */
	x = (x * 10 + (x >> 8)) & 0x00ff00ff00ff00ffULL;
	x = (x * 100 + (x >> 16)) & 0x0000ffff0000ffffULL;
	x = (x * 10000 + (x >> 32)) & 0xffffffffULL;
	*out = x;
	return true;
}

/* Is s[a..b) a tag "name[pid]:"? Fills prog and pid (pid 0 when absent). */
static bool tag(const char *s, size_t a, size_t b, struct parse_result *r, bool *has_pid)
{
	size_t lb, i;
	uint64_t pid = 0;

	if (b - a < 2 || s[b - 1] != ':')
		return false;
	*has_pid = false;
	if (s[b - 2] == ']') {
		const char *open = memrchr(s + a, '[', b - 2 - a);
		if (open == NULL || open == s + a || open + 1 == s + b - 2)
			return false;
		lb = (size_t)(open - s) + 1;
		if (b - 2 - lb <= 8 && b >= 10) {
			if (!digits8(s + b - 10, b - 2 - lb, &pid))
				return false;
		} else {
			for (i = lb; i < b - 2; i++) {
				if (s[i] < '0' || s[i] > '9' || pid > 100000000)
					return false;
				pid = pid * 10 + (uint64_t)(s[i] - '0');
			}
		}
		*has_pid = true;
		r->prog.p = s + a;
		r->prog.len = lb - 1 - a;
	} else {
		r->prog.p = s + a;
		r->prog.len = b - 1 - a;
	}
	r->pid = (uint32_t)pid;
	/* basename of a path tag */
	if (r->prog.len > 0 && r->prog.p[0] == '/') {
		const char *slash = memrchr(r->prog.p, '/', r->prog.len);
		i = (size_t)(slash - r->prog.p) + 1;
		r->prog.p += i;
		r->prog.len -= i;
	}
	return r->prog.len > 0;
}

static bool is_ours(struct parse_str prog)
{
	return (prog.len == 13 && memcmp(prog.p, "internal-sftp", 13) == 0) ||
	       (prog.len == 11 && memcmp(prog.p, "sftp-server", 11) == 0);
}

/* Field by field: a whole-struct copy compiles to a slow "rep" string instruction, on every line. */
static void reset(struct parse_result *r)
{
	static const struct parse_time t0;
	const struct parse_str empty = { "", 0 };

	r->cls = PC_UNPARSED;
	r->hdr = HDR_NONE;
	r->time = t0;
	r->host = r->prog = r->path = r->path2 = r->text = r->text2 = empty;
	r->pid = 0;
	r->repeat = 1;
	r->truncated = r->ambiguous = false;
	r->op = OP_NONE;
	r->oflags = 0;
	r->mode = 0;
	r->attr = SET_SIZE;
	r->n1 = r->n2 = 0;
}

/* What body() may have filled in before it gave up. */
static void reset_body(struct parse_result *r)
{
	const struct parse_str empty = { "", 0 };

	r->path = r->path2 = r->text = r->text2 = empty;
	r->ambiguous = false;
	r->op = OP_NONE;
	r->oflags = 0;
	r->mode = 0;
	r->attr = SET_SIZE;
	r->n1 = r->n2 = 0;
}

void parse_line(struct parser *p, const char *s, size_t len, struct parse_result *r)
{
	size_t i, a, b, c;
	bool has_pid = false, found = false, ts_hit = false;
	const char *bd;
	size_t blen;

	reset(r);
	while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	if (i == len) {
		r->cls = PC_BLANK;
		return;
	}

	/* storage header */
	if (p->ts_len != 0 && len > p->ts_len && s[p->ts_len] == ' ' && same_bytes(s, p->ts, p->ts_len)) {
		r->time = p->ts_time;
		r->hdr = p->ts_hdr;
		i = p->ts_len;
		ts_hit = true;
	} else if (s[0] >= '0' && s[0] <= '9') {
		i = hdr_iso(s, len, &r->time);
		r->hdr = HDR_RFC3339;
	} else if (s[0] == '<') {
		/* RFC 5424: <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG */
		for (i = 1; i < len && i < 5 && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i + 3 < len && s[i] == '>' && s[i + 1] == '1' && s[i + 2] == ' ') {
			size_t k = hdr_iso(s + i + 3, len - i - 3, &r->time);
			i = k ? i + 3 + k : 0;
		} else {
			i = 0;
		}
		r->hdr = HDR_RFC5424;
	} else {
		i = hdr_bsd(s, len, &r->time);
		r->hdr = r->time.frac_digits ? HDR_PRECISE : HDR_TRADITIONAL;
	}
	if (i == 0 || i >= len || s[i] != ' ') {
		r->hdr = HDR_NONE;
		return;
	}
	/* the parse of a timestamp depends on its bytes alone (it stops at the space) */
	if (!ts_hit && i >= 8 && i <= TS_MAX && r->hdr != HDR_RFC5424) {
		memcpy(p->ts, s, i);
		p->ts_len = i;
		p->ts_hdr = r->hdr;
		p->ts_time = r->time;
	}

	if (r->hdr == HDR_RFC5424) {
		uint64_t pid = 0;
		size_t f[5][2];
		a = i + 1;
		for (int k = 0; k < 5; k++) {
			b = token(s, len, a);
			f[k][0] = a;
			f[k][1] = b;
			a = b + 1;
			if (b >= len && k < 4)
				return;
		}
		r->host.p = s + f[0][0];
		r->host.len = f[0][1] - f[0][0];
		r->prog.p = s + f[1][0];
		r->prog.len = f[1][1] - f[1][0];
		for (size_t k = f[2][0]; k < f[2][1]; k++) {
			if (s[k] < '0' || s[k] > '9' || pid > 100000000) {
				pid = 0;
				break;
			}
			pid = pid * 10 + (uint64_t)(s[k] - '0');
		}
		r->pid = (uint32_t)pid;
		has_pid = pid != 0;
		for (c = r->prog.len; c > 0 && r->prog.p[c - 1] != '/'; c--)
			;
		r->prog.p += c;
		r->prog.len -= c;
		/* structured data: "-" or [..]...; skipped */
		if (f[4][0] < len && s[f[4][0]] == '[') {
			size_t k = f[4][0];
			while (k < len && s[k] == '[') {
				while (k < len && s[k] != ']')
					k += (s[k] == '\\' && k + 1 < len) ? 2 : 1;
				if (k >= len) {
					/* unterminated: no body */
					k = len;
					break;
				}
				k++;
			}
			f[4][1] = k;
		}
		bd = s + f[4][1];
		blen = len - f[4][1];
		if (blen > 0 && bd[0] == ' ') {
			bd++;
			blen--;
		}
		if (blen > 0 && bd[0] == ' ') {
			bd++;
			blen--;
		}
	} else {
		/* up to three tokens: [host] [facility.priority] tag[pid]: */
		size_t first_end = 0;
		a = i + 1;
		for (int k = 0; k < 3 && a < len; k++) {
			b = token(s, len, a);
			if (k == 0)
				first_end = b;
			if (tag(s, a, b, r, &has_pid)) {
				if (k >= 1) {
					r->host.p = s + i + 1;
					r->host.len = first_end - (i + 1);
				}
				found = true;
				a = b;
				break;
			}
			a = b + 1;
		}
		if (!found) {
			/* a header with a time but no tag we can read */
			r->cls = PC_UNPARSED;
			return;
		}
		bd = s + a;
		blen = len - a;
		if (blen > 0 && bd[0] == ' ') {
			bd++;
			blen--;
		}
	}

	if (!is_ours(r->prog)) {
		r->cls = PC_FOREIGN;
		return;
	}
	r->cls = PC_UNPARSED;
	if (!has_pid || r->pid == 0 || blen > BODY_MAX)
		return;

	/* rsyslog's "message repeated N times: [ BODY]" */
	if (blen > 26 && bd[0] == 'm' && memcmp(bd, "message repeated ", 17) == 0) {
		uint64_t n = 0;
		size_t k = 17;
		while (k < blen && bd[k] >= '0' && bd[k] <= '9' && n < 100000000)
			n = n * 10 + (uint64_t)(bd[k++] - '0');
		if (k == 17 || n == 0 || n > REPEAT_MAX || blen - k < 11 || memcmp(bd + k, " times: [", 9) != 0 ||
		    bd[blen - 1] != ']')
			return;
		r->repeat = (uint32_t)n;
		bd += k + 9;
		blen -= k + 9 + 1;
		if (blen > 0 && bd[0] == ' ') {
			bd++;
			blen--;
		}
	}
	if (blen >= 8 && bd[0] == 'd' && memcmp(bd, "debug", 5) == 0 && bd[5] >= '1' && bd[5] <= '3' && bd[6] == ':' &&
	    bd[7] == ' ') {
		r->cls = PC_DEBUG;
		return;
	}
	/*
	 * OpenSSH escapes every byte outside printable ASCII (reference §4), so
	 * a raw control or 8-bit byte in the body means another program wrote
	 * the line, or it was damaged; a bare CR may even hide a second line.
	 */
	if (!printable_ascii(bd, blen))
		return;
	/* the 500-byte cap applies to the whole message, a LogVerbose prefix included */
	r->truncated = blen >= BODY_CAP;
	if (body(p, bd, blen, r)) {
		r->cls = PC_SFTP;
		return;
	}
	/*
	 * sshd's LogVerbose prefix, "sftp-server.c:process_open():749 (bin=
	 * internal-sftp, pid=24817): ": rare, so looked for only when no shape
	 * matched the body as it is.
	 */
	if (blen > 20 && bd[0] != ' ' && bd[0] != '"') {
		const char *sp = memchr(bd, ' ', blen);
		const char *dc = sp != NULL ? memchr(bd, '.', (size_t)(sp - bd)) : NULL;
		if (dc != NULL && dc[1] == 'c' && dc[2] == ':' && sp[-1] >= '0' && sp[-1] <= '9' &&
		    pcre2_match(p->logverbose, (PCRE2_SPTR)bd, blen, 0, 0, p->md, NULL) >= 0) {
			size_t skip = pcre2_get_ovector_pointer(p->md)[1];
			reset_body(r);
			if (body(p, bd + skip, blen - skip, r)) {
				r->cls = PC_SFTP;
				return;
			}
		}
	}
	r->cls = PC_UNPARSED;
	r->op = OP_NONE;
}

static const char *const op_names[OP__COUNT] = {
	[OP_NONE] = "none",
	[OP_SESSION_OPEN] = "session-open",
	[OP_SESSION_CLOSE] = "session-close",
	[OP_VERSION] = "version",
	[OP_OPEN] = "open",
	[OP_CLOSE] = "close",
	[OP_FORCED_CLOSE] = "forced-close",
	[OP_OPENDIR] = "opendir",
	[OP_CLOSEDIR] = "closedir",
	[OP_FORCED_CLOSEDIR] = "forced-closedir",
	[OP_STAT] = "stat",
	[OP_LSTAT] = "lstat",
	[OP_REALPATH] = "realpath",
	[OP_READLINK] = "readlink",
	[OP_REMOVE] = "remove",
	[OP_MKDIR] = "mkdir",
	[OP_RMDIR] = "rmdir",
	[OP_RENAME] = "rename",
	[OP_POSIX_RENAME] = "posix-rename",
	[OP_SYMLINK] = "symlink",
	[OP_HARDLINK] = "hardlink",
	[OP_STATVFS] = "statvfs",
	[OP_SET] = "set",
	[OP_FSYNC] = "fsync",
	[OP_EXPAND] = "expand-path",
	[OP_HOME] = "home-directory",
	[OP_USERS_GROUPS] = "users-groups-by-id",
	[OP_REFUSED] = "refused",
	[OP_STATUS] = "status",
	[OP_ERROR] = "error",
	[OP_FATAL] = "fatal",
};

const char *parse_op_name(enum op op)
{
	return (unsigned)op < OP__COUNT ? op_names[op] : "none";
}

enum op parse_op_from_name(const char *name)
{
	for (int i = 1; i < OP__COUNT; i++)
		if (strcmp(op_names[i], name) == 0)
			return (enum op)i;
	return OP_NONE;
}
