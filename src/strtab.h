/*
 * strtab: interned byte strings. Each distinct string is stored once and
 * named by a 32-bit id; id 0 is "no string". Ids are not consecutive
 * numbers (an id says where the bytes are): compare them, never index by
 * them; no id is UINT32_MAX. A table holds at most about 4 GiB of bytes
 * (beyond, the program stops with "string table full"). Strings may contain any byte,
 * NUL included; strtab_get also NUL-terminates them for convenience.
 * Ids stay valid for the life of the table.
 */
#ifndef SFTPTOP_STRTAB_H
#define SFTPTOP_STRTAB_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t str_id;

struct strtab;

struct strtab *strtab_new(void);
void strtab_free(struct strtab *t);

/* The id of s (len bytes), adding it when new. len 0 gives a real id for "". */
str_id strtab_intern(struct strtab *t, const char *s, size_t len);
/* The hash the table files s under; it may be computed on any thread. */
uint32_t strtab_hash(const char *s, size_t len);
/* strtab_intern of s whose strtab_hash is h. */
str_id strtab_intern_hashed(struct strtab *t, const char *s, size_t len, uint32_t h);
/*
 * Start loading into the CPU cache what a look-up of hash h will read: its
 * slot (stage 0), then the bytes the slot names (stage 1, once the slot has
 * had time to arrive). Changes nothing; a wrong guess only costs the load.
 */
void strtab_prefetch(const struct strtab *t, uint32_t h, int stage);
/* The id of s when it is already in the table, else 0. */
str_id strtab_find(const struct strtab *t, const char *s, size_t len);
/*
 * A word the table keeps beside the bytes of id (a real id, not 0) for its
 * user, 0 until set: reading it costs nothing more than reading the string.
 */
uint32_t strtab_aux(const struct strtab *t, str_id id);
void strtab_set_aux(struct strtab *t, str_id id, uint32_t v);
/* The bytes of id (NUL-terminated); "" for 0. *len gets the length when non-NULL. */
const char *strtab_get(const struct strtab *t, str_id id, size_t *len);
/* Number of strings, and bytes used by the table (for the memory figures). */
size_t strtab_count(const struct strtab *t);
size_t strtab_bytes(const struct strtab *t);

#endif
