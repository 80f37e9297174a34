/*
 * escape.c: compiled only into the test build (make HOOKS=1, never into
 * the shipped binary). In a check's process, inside its sandbox and before
 * the check runs, PROBE_TEST_ESCAPE names one thing the sandbox must stop:
 *   read-passwd   open /etc/passwd for reading
 *   write-outside create a file in /tmp (outside any check's directory)
 *   execve        run /bin/true
 *   ptrace        ptrace(PTRACE_TRACEME)
 *   socket        open a TCP socket
 *   fork          start a process
 *   kill-parent   signal the probe (kill(getppid(), 0))
 * A system call the filter forbids never returns: the sandbox reports it.
 * Otherwise the result says "escape NAME stopped: ERROR" or "escape NAME
 * NOT stopped", and the check does not run.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"
#include "util.h"

void test_escape(const struct check *c, int wfd);

static int
attempt(const char *what)
{
	static char true_path[] = "/bin/true";
	char *argv[] = { true_path, NULL }, path[64];
	int fd;
	pid_t pid;

	if (strcmp(what, "read-passwd") == 0)
		return open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	if (strcmp(what, "write-outside") == 0) {
		snprintf(path, sizeof(path), "/tmp/probe-escape.%d", (int)getpid());
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0)
			unlink(path);
		return fd;
	}
	if (strcmp(what, "execve") == 0)
		return execve(argv[0], argv, NULL);
	if (strcmp(what, "ptrace") == 0)
		return (int)ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	if (strcmp(what, "socket") == 0)
		return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (strcmp(what, "fork") == 0) {
		if ((pid = fork()) == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		return pid;
	}
	if (strcmp(what, "kill-parent") == 0)
		return kill(getppid(), 0);
	errno = EINVAL;
	return -1;
}

void
test_escape(const struct check *c, int wfd)
{
	const char *what = getenv("PROBE_TEST_ESCAPE");
	struct check_result r;

	(void)c;
	if (what == NULL || *what == '\0')
		return;
	memset(&r, 0, sizeof(r));
	if (attempt(what) < 0)
		result_sys(&r, errno, "escape %s stopped", what);
	else
		result_set(&r, PROBE_UNHEALTHY, "escape %s NOT stopped", what);
	if (write(wfd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
	_exit(0);
}
