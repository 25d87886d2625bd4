/*
 * rotated: lists a log's rotated predecessors by name, oldest first. Pure
 * directory reading; the callers (follow.c for -R, tail.c after a
 * copytruncate) decide what to open. Names are recognised by shape only:
 * BASE followed by ".N" or a date suffix, optionally ".gz".
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rotated.h"
#include "util.h"

struct cand {
	char *path;
	int dated;              /* 1: date suffix, 0: number */
	unsigned long num;
	char date[24];          /* digits only, for comparing */
};

bool rotated_is_gz(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && strcmp(name + n - 3, ".gz") == 0;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * Classify the part after BASE (sfx, n bytes, ".gz" already cut).
 * Returns false when it is not a rotation name.
 */
static bool classify(const char *sfx, size_t n, struct cand *c)
{
	if (n < 2)
		return false;
	char sep = sfx[0];
	const char *s = sfx + 1;
	size_t m = n - 1;

	if (sep == '.' && m <= 6 && all_digits(s, m)) {
		c->dated = 0;
		c->num = strtoul(s, NULL, 10);
		return true;
	}
	if (sep != '.' && sep != '-' && sep != '_')
		return false;
	/* A date: 8 to 20 digits (YYYYMMDD[HH[MM[SS]]], or with seconds since the epoch: -%Y%m%d-%s), dashes or underscores between. */
	size_t d = 0;

	for (size_t i = 0; i < m; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (d + 1 >= sizeof(c->date))
				return false;
			c->date[d++] = s[i];
		} else if (s[i] != '-' && s[i] != '_') {
			return false;
		}
	}
	if (d < 8 || d > 20)
		return false;
	c->date[d] = '\0';
	c->dated = 1;
	return true;
}

static int cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->dated != y->dated)
		return y->dated - x->dated;     /* dated first */
	if (x->dated) {
		int r = strcmp(x->date, y->date);

		return r != 0 ? r : strcmp(x->path, y->path);
	}
	if (x->num != y->num)
		return x->num > y->num ? -1 : 1;
	return strcmp(y->path, x->path);        /* "N" before "N.gz": both, rare */
}

size_t rotated_find(const char *path, char ***out)
{
	const char *sl = strrchr(path, '/');
	char *dir = sl == NULL ? xstrdup(".") : sl == path ? xstrdup("/") : xstrndup(path, (size_t)(sl - path));
	const char *base = sl == NULL ? path : sl + 1;
	size_t blen = strlen(base), n = 0, cap = 0;
	struct cand *c = NULL;
	DIR *d = opendir(dir);
	struct dirent *e;

	*out = NULL;
	if (d == NULL || blen == 0) {
		if (d != NULL)
			closedir(d);
		free(dir);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		const char *name = e->d_name;
		size_t len = strlen(name);
		struct cand k;
		struct stat st;

		if (len <= blen || strncmp(name, base, blen) != 0)
			continue;
		size_t sfx = len - blen;

		if (rotated_is_gz(name))
			sfx -= 3;
		memset(&k, 0, sizeof(k));
		if (!classify(name + blen, sfx, &k))
			continue;
		size_t plen = strlen(dir) + 1 + len + 1;

		k.path = xmalloc(plen);
		snprintf(k.path, plen, "%s/%s", dir, name);
		if (stat(k.path, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(k.path);
			continue;
		}
		if (n == cap)
			xgrow(&c, &cap, n + 1, sizeof(*c));
		c[n++] = k;
	}
	closedir(d);
	free(dir);
	if (n == 0) {
		free(c);
		return 0;
	}
	qsort(c, n, sizeof(*c), cmp);
	*out = xmalloc(n * sizeof(**out));
	for (size_t i = 0; i < n; i++)
		(*out)[i] = c[i].path;
	free(c);
	return n;
}

void rotated_free(char **list, size_t n)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

size_t rotated_expand(const char *const *paths, size_t n, char ***out)
{
	char **res = NULL;
	size_t nres = 0, cap = 0;

	for (size_t i = 0; i < n; i++) {
		char **list = NULL;
		size_t k = strcmp(paths[i], "-") == 0 ? 0 : rotated_find(paths[i], &list);

		xgrow(&res, &cap, nres + k + 1, sizeof(*res));
		for (size_t j = 0; j < k; j++)
			res[nres++] = list[j];
		free(list);
		res[nres++] = xstrdup(paths[i]);
	}
	*out = res;
	return nres;
}
