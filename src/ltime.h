/*
 * ltime: times as logs write them.
 *
 * The model keeps a time as microseconds of the wall clock the log shows,
 * counted as if that clock were UTC ("wall µs"); the offset, when the log
 * has one, is kept apart as a small "zone index" (see ltime_zone), so a time
 * prints back exactly as precise as the log wrote it.
 */
#ifndef SFTPTOP_LTIME_H
#define SFTPTOP_LTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "parse.h"

#define LTIME_US_PER_SEC INT64_C(1000000)
#define LTIME_US_PER_DAY (INT64_C(86400) * LTIME_US_PER_SEC)

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t ltime_days(int year, int mon, int mday);
/* Wall µs of a date and time of day. */
int64_t ltime_make(int year, int mon, int mday, int hour, int min, int sec, int usec);
/* Split wall µs back into fields. */
void ltime_split(int64_t wall, int *year, int *mon, int *mday, int *hour, int *min, int *sec, int *usec);
/* Is that a real calendar date (no Feb 31, Feb 29 only in leap years)? */
bool ltime_valid_date(int year, int mon, int mday);

/*
 * The year for a header without one: the year of ref (wall µs), or the year
 * before when that would put the line more than a day after ref.
 */
int ltime_infer_year(const struct parse_time *t, int64_t ref_wall);

/* Local wall µs of a Unix time (seconds), using the process's time zone. */
int64_t ltime_local_wall(time_t t);

/*
 * Zones: each distinct (has offset, offset, fraction digits) gets a small
 * index, so an event stores one byte. Index 0 = no offset, no fraction.
 */
struct ltime_zones;
struct ltime_zones *ltime_zones_new(void);
void ltime_zones_free(struct ltime_zones *z);
uint8_t ltime_zone(struct ltime_zones *z, const struct parse_time *t);

/*
 * Write wall µs as ISO 8601 ("2026-11-24T11:02:31", with ".123456+01:00"
 * as the zone index says). buf needs 40 bytes. Returns the length.
 */
size_t ltime_iso(char *buf, int64_t wall, const struct ltime_zones *z, uint8_t zone);
/* Seconds east of UTC that zone index stands for; *known false when the log had none. */
int ltime_zone_offset(const struct ltime_zones *z, uint8_t zone, bool *known);

/*
 * Parse a --since/--until value: "2026-11-24", "2026-11-24 11:02",
 * "2026-11-24T11:02:31", "11:02" (today), or relative "90s", "15m", "2h",
 * "3d", "1w" before now_wall. Returns 0 and sets *out (wall µs), or -1.
 */
int ltime_parse_arg(const char *s, int64_t now_wall, int64_t *out);

#endif
