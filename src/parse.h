/*
 * parse: one stored log line in, one parsed record out.
 *
 * Pure: no I/O, no globals, no allocation per line. The parser object owns
 * the compiled PCRE2 patterns, their match data and a scratch buffer that
 * receives decoded names; the strings in a parse_result point into the line
 * or into that scratch buffer and are valid until the next parse_line call.
 *
 * What is understood is described in ../shared reference §5 (message shapes)
 * and §7 (storage headers); see parse.c for the details of each.
 */
#ifndef SFTPTOP_PARSE_H
#define SFTPTOP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum parse_class {
	PC_SFTP,        /* an internal-sftp / sftp-server line we understood */
	PC_FOREIGN,     /* a syslog line from another program */
	PC_DEBUG,       /* an sftp-server debugN: line: skipped on purpose */
	PC_UNPARSED,    /* no header we know, or an sftp body we do not know */
	PC_BLANK,       /* empty or whitespace-only line */
};

enum parse_header {
	HDR_NONE,
	HDR_TRADITIONAL,   /* "Nov 24 11:02:31 host tag[pid]: " (also journalctl short) */
	HDR_PRECISE,       /* journalctl short-precise: "Nov 24 11:02:31.123456 host ..." */
	HDR_RFC3339,       /* "2026-11-24T11:02:31.123456+01:00 host tag[pid]: " (also short-iso) */
	HDR_RFC5424,       /* "<38>1 2026-11-24T11:02:31+01:00 host tag pid - - msg" */
};

/* Operations, in the order the JSON documentation lists them. */
enum op {
	OP_NONE = 0,
	OP_SESSION_OPEN,
	OP_SESSION_CLOSE,
	OP_VERSION,        /* received client version N: n1 = version */
	OP_OPEN,           /* path, oflags, mode */
	OP_CLOSE,          /* path, n1 = bytes read, n2 = bytes written */
	OP_FORCED_CLOSE,   /* same */
	OP_OPENDIR,
	OP_CLOSEDIR,
	OP_FORCED_CLOSEDIR,
	OP_STAT,
	OP_LSTAT,
	OP_REALPATH,
	OP_READLINK,
	OP_REMOVE,
	OP_MKDIR,          /* path, mode */
	OP_RMDIR,
	OP_RENAME,         /* path = old, path2 = new */
	OP_POSIX_RENAME,   /* path = old, path2 = new */
	OP_SYMLINK,        /* path = the link created (logged "new"), path2 = its target ("old") */
	OP_HARDLINK,       /* path = existing file ("old"), path2 = the new link ("new") */
	OP_STATVFS,
	OP_SET,            /* path, attr, and n1 (size, mode, modtime as text in text, uid n1 gid n2) */
	OP_FSYNC,
	OP_EXPAND,         /* expand-path: path = the expanded path */
	OP_HOME,           /* home-directory: path = the resolved directory */
	OP_USERS_GROUPS,   /* users-groups-by-id: n1 users, n2 groups */
	OP_REFUSED,        /* Refusing ...: text = request name, text2 = reason */
	OP_STATUS,         /* sent status X: text = X (belongs to the session's previous request) */
	OP_ERROR,          /* error: ...: text = the message; path when one is named */
	OP_FATAL,          /* fatal: ...: text = the message */
	OP__COUNT
};

/* Open flags, as bits (reference §6.1). */
enum {
	OF_READ = 1 << 0,
	OF_WRITE = 1 << 1,
	OF_APPEND = 1 << 2,
	OF_CREATE = 1 << 3,
	OF_TRUNCATE = 1 << 4,
	OF_EXCL = 1 << 5,
};

/* SET_UNKNOWN: a set line cut at the 500-byte cap before its attribute. */
enum set_attr { SET_SIZE, SET_MODE, SET_MODTIME, SET_OWNER, SET_UNKNOWN };

struct parse_str {
	const char *p;
	size_t len;
};

/* A time as the header has it: the year is 0 when the header has none. */
struct parse_time {
	int year;            /* 0: not in the header (traditional formats) */
	int mon, mday;       /* 1..12, 1..31 */
	int hour, min, sec;
	int usec;            /* 0..999999 */
	int frac_digits;     /* digits of fraction the log shows, 0..6 */
	bool has_tz;
	int tz_min;          /* offset east of UTC in minutes, when has_tz */
};

struct parse_result {
	enum parse_class cls;
	enum parse_header hdr;
	struct parse_time time;
	struct parse_str host;   /* may be empty (busybox -S) */
	struct parse_str prog;   /* basename of the tag: "internal-sftp", "sftp-server" */
	uint32_t pid;
	uint32_t repeat;         /* how many events this line stands for (1, or N of "message repeated N times") */
	bool truncated;          /* body hit the 500-byte cap: names and numbers may be cut */
	bool ambiguous;          /* two-name line with more than one '" new "': the split is a guess */

	enum op op;
	unsigned oflags;         /* OF_* for OP_OPEN */
	uint32_t mode;           /* OP_OPEN, OP_MKDIR, OP_SET mode */
	enum set_attr attr;      /* OP_SET */
	uint64_t n1, n2;
	struct parse_str path;   /* decoded bytes (may contain NUL and anything else) */
	struct parse_str path2;
	struct parse_str text;   /* user, status text, request name, error text, modtime */
	struct parse_str text2;  /* client address, refusal reason */
};

struct parser;

/* Compiles every pattern once (JIT when available). Never returns NULL. */
struct parser *parse_new(void);
void parse_free(struct parser *p);

/*
 * Parse one line (without its newline; a trailing CR is ignored). Always
 * fills *r; r->cls says what the line was. Lines of any length and content
 * are safe.
 */
void parse_line(struct parser *p, const char *line, size_t len, struct parse_result *r);

/* "open", "forced-close", "posix-rename", ... as used in reports. */
const char *parse_op_name(enum op op);
/* Inverse of parse_op_name, OP_NONE when unknown. */
enum op parse_op_from_name(const char *name);

/*
 * Decode OpenSSH's strnvis escapes (\\ \n \r \t \a \b \v \f \ooo) from src
 * into dst (which must hold srclen bytes). Anything else is copied as is.
 * Returns the decoded length.
 */
size_t parse_unvis(char *dst, const char *src, size_t srclen);

#endif
