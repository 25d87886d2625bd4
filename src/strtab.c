/*
 * strtab: string interning for paths, users, hosts, addresses and status
 * texts. Bytes live in fixed chunks that never move, so a pointer from
 * strtab_get stays valid for the life of the table. A string's id says where
 * it is: the chunk's number in the high bits, the offset of its bytes in the
 * low ones, so finding the bytes of an id reads only the small chunk list,
 * never an array as long as the table. Lookup is an open-addressing table of
 * (id, hash) slots: a probe compares hashes in the slot and touches a string
 * only when they agree (one cache miss for the slot, one for the bytes), and
 * growing never rehashes a string.
 */
#include "strtab.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define OFF_BITS 18
#define CHUNK_SIZE ((size_t)1 << OFF_BITS)   /* offsets in a chunk fit in OFF_BITS */
#define MAX_CHUNKS (((size_t)1 << (32 - OFF_BITS)) - 1)   /* no id is UINT32_MAX (a map's "empty") */

struct chunk {
	size_t used, size;
	char data[];
};

struct slot {
	uint32_t id, hash;
};

struct strtab {
	struct chunk **chunk;   /* by number; a string's bytes are chunk[id >> OFF_BITS]->data + (id & OFF_MASK) */
	size_t nchunks, capchunks;
	size_t cur;             /* the chunk small strings go to */
	size_t n;               /* strings */
	struct slot *slots;     /* id 0 = empty */
	size_t nslots;          /* power of two, at most 3/4 full */
	size_t bytes;
};

#define OFF_MASK ((uint32_t)CHUNK_SIZE - 1)

/* A string is stored as [aux][length][bytes]NUL and its id names the bytes: these lie before them. */
#define LEN_AT sizeof(uint32_t)
#define AUX_AT (2 * sizeof(uint32_t))

static struct chunk *chunk_new(struct strtab *t, size_t size)
{
	struct chunk *c;

	if (t->nchunks == MAX_CHUNKS)
		util_fatal(1, "string table full");
	c = xmalloc(sizeof(*c) + size);
	c->size = size;
	c->used = 0;
	xgrow(&t->chunk, &t->capchunks, t->nchunks + 1, sizeof(struct chunk *));
	t->chunk[t->nchunks++] = c;
	t->bytes += sizeof(*c) + size;
	return c;
}

/* Room for need bytes; *id gets the id of the place (its chunk and offset). */
static char *chunk_alloc(struct strtab *t, size_t need, uint32_t *id)
{
	struct chunk *c = t->nchunks > 0 ? t->chunk[t->cur] : NULL;

	if (need > CHUNK_SIZE / 4) {
		/* a big string gets its own chunk; keep filling the current one */
		c = chunk_new(t, need);
		*id = (uint32_t)(t->nchunks - 1) << OFF_BITS;
	} else {
		if (c == NULL || c->size - c->used < need) {
			c = chunk_new(t, CHUNK_SIZE);
			t->cur = t->nchunks - 1;
		}
		*id = (uint32_t)t->cur << OFF_BITS | (uint32_t)c->used;
	}
	c->used += need;
	return c->data + c->used - need;
}

static char *bytes_of(const struct strtab *t, uint32_t id)
{
	return t->chunk[id >> OFF_BITS]->data + (id & OFF_MASK);
}

struct strtab *strtab_new(void)
{
	struct strtab *t = xcalloc(1, sizeof(*t));

	/* no id is 0: an id names the bytes after a string's header */
	t->nslots = 1024;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	return t;
}

void strtab_free(struct strtab *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nchunks; i++)
		free(t->chunk[i]);
	free(t->chunk);
	free(t->slots);
	free(t);
}

static uint32_t slen(const char *s)
{
	uint32_t len;

	memcpy(&len, s - LEN_AT, sizeof(len));
	return len;
}

static size_t lookup(const struct strtab *t, const char *s, size_t len, uint32_t h)
{
	size_t mask = t->nslots - 1;
	size_t i = h & mask;

	for (;;) {
		const struct slot *sl = &t->slots[i];
		if (sl->id == 0)
			return i;
		if (sl->hash == h) {
			const char *p = bytes_of(t, sl->id);
			if (slen(p) == len && memcmp(p, s, len) == 0)
				return i;
		}
		i = (i + 1) & mask;
	}
}

static void rehash(struct strtab *t)
{
	size_t n = t->nslots * 2, mask = n - 1;
	struct slot *slots = xcalloc(n, sizeof(*slots));

	for (size_t k = 0; k < t->nslots; k++) {
		if (t->slots[k].id == 0)
			continue;
		size_t i = t->slots[k].hash & mask;
		while (slots[i].id != 0)
			i = (i + 1) & mask;
		slots[i] = t->slots[k];
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
}

uint32_t strtab_hash(const char *s, size_t len)
{
	return (uint32_t)util_hash(s, len);
}

void strtab_prefetch(const struct strtab *t, uint32_t h, int stage)
{
	const struct slot *sl = &t->slots[h & (t->nslots - 1)];

	if (stage == 0)
		__builtin_prefetch(sl);
	else if (sl->id != 0 && sl->hash == h)
		__builtin_prefetch(bytes_of(t, sl->id) - AUX_AT);
}

str_id strtab_find(const struct strtab *t, const char *s, size_t len)
{
	uint32_t h = strtab_hash(s, len);

	return t->slots[lookup(t, s, len, h)].id;
}

str_id strtab_intern(struct strtab *t, const char *s, size_t len)
{
	return strtab_intern_hashed(t, s, len, strtab_hash(s, len));
}

str_id strtab_intern_hashed(struct strtab *t, const char *s, size_t len, uint32_t h)
{
	size_t i = lookup(t, s, len, h);
	uint32_t len32 = (uint32_t)len, id;
	char *p;

	if (t->slots[i].id != 0)
		return t->slots[i].id;
	if (len > UINT32_MAX - 8 || t->n >= UINT32_MAX - 1)
		util_fatal(1, "string table full");
	p = chunk_alloc(t, AUX_AT + len + 1, &id);
	memset(p, 0, AUX_AT - LEN_AT);   /* aux starts 0 */
	memcpy(p + AUX_AT - LEN_AT, &len32, sizeof(len32));
	memcpy(p + AUX_AT, s, len);
	p[AUX_AT + len] = '\0';
	id += AUX_AT;
	t->slots[i] = (struct slot){ id, h };
	t->n++;
	if (t->n * 4 > t->nslots * 3)
		rehash(t);
	return id;
}

uint32_t strtab_aux(const struct strtab *t, str_id id)
{
	uint32_t v;

	memcpy(&v, bytes_of(t, id) - AUX_AT, sizeof(v));
	return v;
}

void strtab_set_aux(struct strtab *t, str_id id, uint32_t v)
{
	memcpy(bytes_of(t, id) - AUX_AT, &v, sizeof(v));
}

const char *strtab_get(const struct strtab *t, str_id id, size_t *len)
{
	if (id == 0 || (id >> OFF_BITS) >= t->nchunks) {
		if (len != NULL)
			*len = 0;
		return "";
	}
	const char *p = bytes_of(t, id);
	if (len != NULL)
		*len = slen(p);
	return p;
}

size_t strtab_count(const struct strtab *t)
{
	return t->n;
}

size_t strtab_bytes(const struct strtab *t)
{
	return t->bytes + t->capchunks * sizeof(struct chunk *) + t->nslots * sizeof(*t->slots);
}
