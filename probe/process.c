/* process.c: standard descriptors, SIGPIPE and a bound on the output. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
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
