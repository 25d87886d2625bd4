/*
 * ltime: calendar arithmetic without the C library's time zone machinery
 * (which is slow and global), year inference for headers without a year,
 * zone indexes for compact events, and --since/--until arguments.
 */
#include "ltime.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Howard Hinnant's days-from-civil algorithm. */
int64_t ltime_days(int year, int mon, int mday)
{
	int64_t y = (int64_t)year - (mon <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (mon + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + mday - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

int64_t ltime_make(int year, int mon, int mday, int hour, int min, int sec, int usec)
{
	int64_t s = ltime_days(year, mon, mday) * 86400 + hour * 3600 + min * 60 + sec;

	return s * LTIME_US_PER_SEC + usec;
}

void ltime_split(int64_t wall, int *year, int *mon, int *mday, int *hour, int *min, int *sec, int *usec)
{
	int64_t us = wall % LTIME_US_PER_SEC, s, days, secs;
	int64_t z, era, doe, yoe, y, doy, mp, d, m;

	if (us < 0)
		us += LTIME_US_PER_SEC;
	s = (wall - us) / LTIME_US_PER_SEC;
	days = s / 86400;
	secs = s % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	*year = (int)(y + (m <= 2));
	*mon = (int)m;
	*mday = (int)d;
	*hour = (int)(secs / 3600);
	*min = (int)(secs / 60 % 60);
	*sec = (int)(secs % 60);
	*usec = (int)us;
}

bool ltime_valid_date(int year, int mon, int mday)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (mon < 1 || mon > 12 || mday < 1 || mday > mdays[mon - 1])
		return false;
	if (mon == 2 && mday == 29)
		return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return true;
}

int ltime_infer_year(const struct parse_time *t, int64_t ref_wall)
{
	int y, mo, d, h, mi, s, us;
	int64_t cand;

	ltime_split(ref_wall, &y, &mo, &d, &h, &mi, &s, &us);
	cand = ltime_make(y, t->mon, t->mday, t->hour, t->min, t->sec, t->usec);
	if (cand > ref_wall + LTIME_US_PER_DAY)
		y--;
	/* Feb 29 belongs to the nearest earlier leap year. */
	if (t->mon == 2 && t->mday == 29)
		while (!ltime_valid_date(y, 2, 29))
			y--;
	return y;
}

int64_t ltime_local_wall(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return (int64_t)t * LTIME_US_PER_SEC;
	return ltime_make(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, 0);
}

/* Zone index: (has_tz, tz_min, frac_digits). 0 is reserved for none/0. */
struct zone {
	bool has_tz;
	int tz_min;
	int frac;
};

struct ltime_zones {
	struct zone z[256];
	int n;
};

struct ltime_zones *ltime_zones_new(void)
{
	struct ltime_zones *z = xcalloc(1, sizeof(*z));

	z->n = 1;   /* z[0] = no zone, no fraction */
	return z;
}

void ltime_zones_free(struct ltime_zones *z)
{
	free(z);
}

uint8_t ltime_zone(struct ltime_zones *z, const struct parse_time *t)
{
	int frac = t->frac_digits < 0 ? 0 : t->frac_digits > 6 ? 6 : t->frac_digits;
	int tz = t->has_tz ? t->tz_min : 0;

	for (int i = 0; i < z->n; i++)
		if (z->z[i].has_tz == t->has_tz && z->z[i].tz_min == tz && z->z[i].frac == frac)
			return (uint8_t)i;
	if (z->n == 256)
		return 0;   /* absurd variety: print such times plainly */
	z->z[z->n].has_tz = t->has_tz;
	z->z[z->n].tz_min = tz;
	z->z[z->n].frac = frac;
	return (uint8_t)z->n++;
}

int ltime_zone_offset(const struct ltime_zones *z, uint8_t zone, bool *known)
{
	if (z == NULL || zone >= z->n) {
		*known = false;
		return 0;
	}
	*known = z->z[zone].has_tz;
	return z->z[zone].tz_min * 60;
}

static size_t put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return 2;
}

size_t ltime_iso(char *buf, int64_t wall, const struct ltime_zones *z, uint8_t zone)
{
	int y, mo, d, h, mi, s, us;
	char *p = buf;
	const struct zone *zz = (z != NULL && zone < z->n) ? &z->z[zone] : NULL;

	ltime_split(wall, &y, &mo, &d, &h, &mi, &s, &us);
	if (y < 0 || y > 9999) {
		return (size_t)snprintf(buf, 40, "%d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, s);
	}
	p += put2(p, y / 100);
	p += put2(p, y % 100);
	*p++ = '-';
	p += put2(p, mo);
	*p++ = '-';
	p += put2(p, d);
	*p++ = 'T';
	p += put2(p, h);
	*p++ = ':';
	p += put2(p, mi);
	*p++ = ':';
	p += put2(p, s);
	if (zz != NULL && zz->frac > 0) {
		int div = 100000;
		*p++ = '.';
		for (int i = 0; i < zz->frac; i++, div /= 10)
			*p++ = (char)('0' + us / div % 10);
	}
	if (zz != NULL && zz->has_tz) {
		int off = zz->tz_min;
		*p++ = off < 0 ? '-' : '+';
		if (off < 0)
			off = -off;
		p += put2(p, off / 60);
		*p++ = ':';
		p += put2(p, off % 60);
	}
	*p = '\0';
	return (size_t)(p - buf);
}

static bool digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

int ltime_parse_arg(const char *s, int64_t now_wall, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, us;
	size_t len = strlen(s);
	char *end;

	/* relative: NUMBER[smhdw] */
	if (len > 0 && isdigit((unsigned char)s[0])) {
		long v = strtol(s, &end, 10);
		int64_t unit = -1;
		if (end != s && v >= 0 && end[0] != '\0' && end[1] == '\0') {
			switch (*end) {
			case 's': unit = 1; break;
			case 'm': unit = 60; break;
			case 'h': unit = 3600; break;
			case 'd': unit = 86400; break;
			case 'w': unit = 7 * 86400; break;
			default: break;
			}
		}
		if (unit > 0 && v < 100000000) {
			*out = now_wall - (int64_t)v * unit * LTIME_US_PER_SEC;
			return 0;
		}
	}
	/* HH:MM[:SS] today */
	if ((len == 5 || len == 8) && s[2] == ':') {
		ltime_split(now_wall, &y, &mo, &d, &h, &mi, &sec, &us);
		if (!digits(s, 2, &h) || !digits(s + 3, 2, &mi) || h > 23 || mi > 59)
			return -1;
		sec = 0;
		if (len == 8 && (s[5] != ':' || !digits(s + 6, 2, &sec) || sec > 60))
			return -1;
		*out = ltime_make(y, mo, d, h, mi, sec, 0);
		return 0;
	}
	/* YYYY-MM-DD[(T| )HH:MM[:SS]] */
	if (len < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || !ltime_valid_date(y, mo, d))
		return -1;
	if (len > 10) {
		if ((s[10] != 'T' && s[10] != ' ') || len < 16 || !digits(s + 11, 2, &h) || s[13] != ':' ||
		    !digits(s + 14, 2, &mi) || h > 23 || mi > 59)
			return -1;
		if (len > 16 && (len != 19 || s[16] != ':' || !digits(s + 17, 2, &sec) || sec > 60))
			return -1;
	}
	*out = ltime_make(y, mo, d, h, mi, sec, 0);
	return 0;
}
