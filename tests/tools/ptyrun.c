/*
 * ptyrun: run a command on a fresh pseudo-terminal and keep every byte it
 * writes there, for tests that must see exactly what reaches a terminal.
 *
 *   ptyrun [-c COLS] [-r ROWS] [-t TIMEOUT] [-o FILE] [-w SECONDS -k KEYS]... -- COMMAND [ARG...]
 *
 * -w/-k pairs are done in order: wait SECONDS (fractions allowed), then type
 * KEYS (C escapes \e \n \r \t \\ \xHH understood). The output goes to FILE
 * (default stdout). The command's standard input, output and error are all
 * the pty's slave, as in a real terminal. After TIMEOUT seconds (default 20)
 * it gets SIGTERM, then SIGKILL. Exit status: the command's, 128+N when it
 * was killed by signal N, 124 when the timeout struck, 125 on ptyrun's own
 * errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_STEPS 32

struct step {
	double wait;
	char keys[256];
	size_t nkeys;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t unescape(char *out, size_t size, const char *s)
{
	size_t o = 0;

	while (*s != '\0' && o < size) {
		char c = *s++;
		if (c == '\\' && *s != '\0') {
			c = *s++;
			switch (c) {
			case 'e': c = 033; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'x': {
				char hex[3] = { 0 };
				hex[0] = *s != '\0' ? *s++ : '0';
				hex[1] = *s != '\0' ? *s++ : '0';
				c = (char)strtol(hex, NULL, 16);
				break;
			}
			default: break;
			}
		}
		out[o++] = c;
	}
	return o;
}

static void usage(void)
{
	fputs("usage: ptyrun [-c COLS] [-r ROWS] [-t TIMEOUT] [-o FILE] [-w SECONDS -k KEYS]... -- COMMAND [ARG...]\n",
	      stderr);
	exit(125);
}

int main(int argc, char **argv)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	struct step steps[MAX_STEPS];
	size_t nsteps = 0, next = 0;
	double timeout = 20, pending_wait = 0, start, step_at, exit_at = 0;
	const char *outname = NULL;
	FILE *out = stdout;
	int opt, master, status = 0;
	bool exited = false, timed_out = false, eof = false;
	pid_t pid;

	while ((opt = getopt(argc, argv, "c:r:t:o:w:k:")) != -1) {
		switch (opt) {
		case 'c': ws.ws_col = (unsigned short)atoi(optarg); break;
		case 'r': ws.ws_row = (unsigned short)atoi(optarg); break;
		case 't': timeout = atof(optarg); break;
		case 'o': outname = optarg; break;
		case 'w': pending_wait = atof(optarg); break;
		case 'k':
			if (nsteps == MAX_STEPS)
				usage();
			steps[nsteps].wait = pending_wait;
			steps[nsteps].nkeys = unescape(steps[nsteps].keys, sizeof(steps[nsteps].keys), optarg);
			nsteps++;
			pending_wait = 0;
			break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	if (outname != NULL && (out = fopen(outname, "wb")) == NULL) {
		perror(outname);
		return 125;
	}

	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0) {
		perror("forkpty");
		return 125;
	}
	if (pid == 0) {
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "ptyrun: cannot run %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}

	start = step_at = now();
	while (!eof) {
		struct pollfd pfd = { .fd = master, .events = POLLIN };
		double t = now(), wake = start + timeout;
		int ms, r;

		if (next < nsteps && step_at + steps[next].wait < wake)
			wake = step_at + steps[next].wait;
		ms = wake > t ? (int)((wake - t) * 1000) + 1 : 0;
		r = poll(&pfd, 1, ms);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0) {
			char buf[65536];
			ssize_t n = read(master, buf, sizeof(buf));
			if (n > 0)
				fwrite(buf, 1, (size_t)n, out);
			else if (n == 0 || errno != EINTR)
				eof = true;   /* EIO: every slave descriptor is closed */
		}
		t = now();
		if (next < nsteps && t >= step_at + steps[next].wait) {
			if (write(master, steps[next].keys, steps[next].nkeys) < 0)
				perror("ptyrun: write");
			step_at = t;
			next++;
		}
		if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
			exited = true;
			exit_at = t;
		}
		/* a child that left the slave open behind it: stop a second after the exit */
		if (exited && t > exit_at + 1.0)
			break;
		if (t >= start + timeout && !timed_out) {
			timed_out = true;
			if (!exited) {
				kill(pid, SIGTERM);
				usleep(500000);
				if (waitpid(pid, &status, WNOHANG) != pid) {
					kill(pid, SIGKILL);
					waitpid(pid, &status, 0);
				}
				exited = true;
			}
			break;
		}
	}
	if (!exited)
		waitpid(pid, &status, 0);
	close(master);
	if (out != stdout)
		fclose(out);
	else
		fflush(out);
	if (timed_out)
		return 124;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
