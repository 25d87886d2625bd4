/*
 * strtab: string interning for paths, users, hosts, addresses and status
 * texts. Bytes live in fixed chunks that never move, so a pointer from
 * strtab_get stays valid for the life of the table. Lookup is an
 * open-addressing table of (id, hash) slots: a probe compares hashes in
 * the slot and touches a string only when they agree, and growing never
 * rehashes a string.
 */
#include "strtab.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CHUNK_SIZE (256 * 1024)

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

struct slot {
	uint32_t id, hash;
};

struct strtab {
	struct chunk *chunks;   /* newest first */
	const char **str;       /* by id; each points after its 4-byte length */
	size_t n, cap;          /* ids 1..n-1 used; id 0 is "" / none */
	struct slot *slots;     /* id 0 = empty */
	size_t nslots;          /* power of two, at most 3/4 full */
	size_t bytes;
};

static char *chunk_alloc(struct strtab *t, size_t need)
{
	struct chunk *c = t->chunks;

	if (c == NULL || c->size - c->used < need) {
		size_t size = need > CHUNK_SIZE / 4 ? need : CHUNK_SIZE;
		c = xmalloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		if (need > CHUNK_SIZE / 4 && t->chunks != NULL) {
			/* a big string gets its own chunk; keep filling the current one */
			c->next = t->chunks->next;
			t->chunks->next = c;
		} else {
			c->next = t->chunks;
			t->chunks = c;
		}
		t->bytes += sizeof(*c) + size;
	}
	c->used += need;
	return c->data + c->used - need;
}

struct strtab *strtab_new(void)
{
	struct strtab *t = xcalloc(1, sizeof(*t));

	t->nslots = 1024;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	xgrow(&t->str, &t->cap, 1024, sizeof(*t->str));
	t->str[0] = "";
	t->n = 1;
	return t;
}

void strtab_free(struct strtab *t)
{
	struct chunk *c, *next;

	if (t == NULL)
		return;
	for (c = t->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(t->str);
	free(t->slots);
	free(t);
}

static uint32_t slen(const char *s)
{
	uint32_t len;

	memcpy(&len, s - sizeof(len), sizeof(len));
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
		if (sl->hash == h && slen(t->str[sl->id]) == len && memcmp(t->str[sl->id], s, len) == 0)
			return i;
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

str_id strtab_find(const struct strtab *t, const char *s, size_t len)
{
	uint32_t h = (uint32_t)util_hash(s, len);

	return t->slots[lookup(t, s, len, h)].id;
}

str_id strtab_intern(struct strtab *t, const char *s, size_t len)
{
	uint32_t h = (uint32_t)util_hash(s, len);
	size_t i = lookup(t, s, len, h);
	uint32_t len32 = (uint32_t)len;
	char *p;

	if (t->slots[i].id != 0)
		return t->slots[i].id;
	if (len > UINT32_MAX - 8 || t->n >= UINT32_MAX - 1)
		util_fatal(1, "string table full");
	if (t->n == t->cap)
		xgrow(&t->str, &t->cap, t->n + 1, sizeof(*t->str));
	p = chunk_alloc(t, sizeof(len32) + len + 1);
	memcpy(p, &len32, sizeof(len32));
	memcpy(p + sizeof(len32), s, len);
	p[sizeof(len32) + len] = '\0';
	t->str[t->n] = p + sizeof(len32);
	t->slots[i] = (struct slot){ (uint32_t)t->n, h };
	t->n++;
	if (t->n * 4 > t->nslots * 3)
		rehash(t);
	return (str_id)(t->n - 1);
}

const char *strtab_get(const struct strtab *t, str_id id, size_t *len)
{
	if (id == 0 || id >= t->n) {
		if (len != NULL)
			*len = 0;
		return "";
	}
	if (len != NULL)
		*len = slen(t->str[id]);
	return t->str[id];
}

size_t strtab_count(const struct strtab *t)
{
	return t->n - 1;
}

size_t strtab_bytes(const struct strtab *t)
{
	return t->bytes + t->cap * sizeof(*t->str) + t->nslots * sizeof(*t->slots);
}
