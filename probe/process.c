/* process.c: standard descriptors, SIGPIPE and a bound on the output. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "process.h"

static volatile sig_atomic_t exit_status;

void
process_init(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* the lowest free descriptor: fd itself */
		if (open("/dev/null", O_RDWR) < 0)
			open("/", O_RDONLY | O_DIRECTORY);
	}
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static int null_fd = -1;

int
process_null(void)
{
	if (null_fd < 0)
		null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	return null_fd;
}

void
process_null_stdio(void)
{
	int fd;

	if ((fd = process_null()) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	} else {
		close(0);
		close(1);
		close(2);
	}
}

#ifndef SYS_close_range
#define SYS_close_range 436	/* Linux 5.9, the same number everywhere */
#endif
#define CLOSE_LOOP_MAX 65536

static int
kept(const int *keep, size_t n, int fd)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (keep[i] == fd)
			return 1;
	return 0;
}

/* Before close_range: each descriptor /proc/self/fd lists, else each one
 * up to the open files limit. */
static void
close_each(const int *keep, size_t n)
{
	struct rlimit rl;
	struct dirent *e;
	DIR *d;
	int fd, self, max = CLOSE_LOOP_MAX;

	if ((d = opendir("/proc/self/fd")) != NULL) {
		self = dirfd(d);
		while ((e = readdir(d)) != NULL)
			if ((fd = (int)strtol(e->d_name, NULL, 10)) > 2 && fd != self &&
			    !kept(keep, n, fd))
				close(fd);
		closedir(d);
		return;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)max)
		max = (int)rl.rlim_cur;
	for (fd = 3; fd < max; fd++)
		if (!kept(keep, n, fd))
			close(fd);
}

void
process_close_fds(const int *keep, size_t n)
{
	unsigned lo = 3, k;
	size_t i;
	int next;

	/* The gaps between the kept ones, lowest first. */
	for (;;) {
		next = -1;
		for (i = 0; i < n; i++)
			if (keep[i] >= (int)lo && (next < 0 || keep[i] < next))
				next = keep[i];
		k = next < 0 ? ~0U : (unsigned)next - 1;
		if (k >= lo && syscall(SYS_close_range, lo, k, 0) != 0) {
			close_each(keep, n);
			return;
		}
		if (next < 0)
			return;
		lo = (unsigned)next + 1;
	}
}

static void
on_alarm(int sig)
{
	(void)sig;
	_exit(exit_status);
}

void
process_exit_by(long ms, int status)
{
	struct sigaction sa;
	struct itimerval it;

	if (ms < 1)
		ms = 1;
	exit_status = status;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: a blocked write ends */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = (ms % 1000) * 1000;
	setitimer(ITIMER_REAL, &it, NULL);
}
