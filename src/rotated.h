/*
 * rotated: find a log file's rotated predecessors, the names logrotate and
 * its kin leave behind, for -R/--rotated and for the follower's
 * copytruncate recovery.
 */
#ifndef SFTPTOP_ROTATED_H
#define SFTPTOP_ROTATED_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Given "/var/log/sftp.log", the regular files in /var/log named
 *   sftp.log.N, sftp.log.N.gz                       (numbered: higher N is older)
 *   sftp.log-YYYYMMDD[HH[MM[SS]]][.gz], sftp.log-YYYYMMDD-EPOCH[.gz], sftp.log-YYYY-MM-DD[.gz],
 *   sftp.log.YYYYMMDD[.gz], sftp.log_YYYYMMDD[.gz]  (dateext: sorted by date)
 * oldest first: dated ones, then numbered ones from the highest N down.
 * Other compressions (.bz2, .xz, .zst) are left out (only gzip is read).
 * Returns how many; *out is an array of malloc'd paths (NULL when none),
 * freed with rotated_free().
 */
size_t rotated_find(const char *path, char ***out);
void rotated_free(char **list, size_t n);

/* paths with each one's rotated predecessors before it ("-" kept as is);
 * returns the count, *out freed with rotated_free(). */
size_t rotated_expand(const char *const *paths, size_t n, char ***out);

/* Does name end in ".gz"? */
bool rotated_is_gz(const char *name);

#endif
