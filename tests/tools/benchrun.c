/*
 * benchrun: runs one command and reports what it cost, for tests/bench/run.sh.
 *
 *   benchrun [-r FILE] [-i FILE] [-o FILE] -- COMMAND [ARG...]
 *
 * Forks, execs COMMAND (stdin from -i, stdout to -o, else inherited), waits
 * with wait4() and writes one line to FILE (-r; default stderr):
 *
 *   wall=SECONDS cpu=SECONDS user=SECONDS sys=SECONDS maxrss_kb=KB status=N
 *
 * wall is CLOCK_MONOTONIC around fork..wait; cpu = user + sys of the child
 * (its own children included when it waited for them); maxrss_kb is the
 * child's peak resident set. status is the exit code, or 128 + signal.
 * benchrun exits with the same status, so scripts can check it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static int redirect(const char *path, int fd, int flags)
{
	int f = open(path, flags, 0644);
	if (f < 0) {
		fprintf(stderr, "benchrun: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (f != fd) {
		dup2(f, fd);
		close(f);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *rfile = NULL, *ifile = NULL, *ofile = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "+r:i:o:")) != -1) {
		switch (opt) {
		case 'r': rfile = optarg; break;
		case 'i': ifile = optarg; break;
		case 'o': ofile = optarg; break;
		default:
			fputs("usage: benchrun [-r FILE] [-i FILE] [-o FILE] -- COMMAND [ARG...]\n", stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fputs("usage: benchrun [-r FILE] [-i FILE] [-o FILE] -- COMMAND [ARG...]\n", stderr);
		return 2;
	}

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("benchrun: fork");
		return 2;
	}
	if (pid == 0) {
		if (ifile && redirect(ifile, 0, O_RDONLY) < 0)
			_exit(127);
		if (ofile && redirect(ofile, 1, O_WRONLY | O_CREAT | O_TRUNC) < 0)
			_exit(127);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "benchrun: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	int st;
	struct rusage ru;
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("benchrun: wait4");
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	FILE *r = stderr;
	if (rfile && !(r = fopen(rfile, "w"))) {
		fprintf(stderr, "benchrun: %s: %s\n", rfile, strerror(errno));
		return 2;
	}
	fprintf(r, "wall=%.6f cpu=%.6f user=%.6f sys=%.6f maxrss_kb=%ld status=%d\n", wall,
		tv_s(ru.ru_utime) + tv_s(ru.ru_stime), tv_s(ru.ru_utime), tv_s(ru.ru_stime),
		ru.ru_maxrss, status);
	if (r != stderr)
		fclose(r);
	return status;
}
