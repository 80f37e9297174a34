/*
 * escape.c: compiled only into the test build (make HOOKS=1, never into
 * the shipped binary). In a check's process, inside its sandbox and before
 * the check runs, PROBE_TEST_ESCAPE names one thing a compromised check
 * might try, which the sandbox must stop or make harmless. The attempts
 * and what each must end in, per check type and with Landlock on and off
 * (PROBE_TEST_LANDLOCK=off), are listed in tests/sandbox/escapes.txt.
 * A system call the filter forbids never returns: the sandbox reports it.
 * Otherwise the result says "escape NAME stopped: ERROR" or "escape NAME
 * NOT stopped", and the check does not run; the attempts that forge a
 * result write it themselves.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"
#include "serve_runner.h"
#include "util.h"

void test_escape(const struct check *c, int wfd);

#define FD_SCAN_MAX 256

/* Each descriptor but wfd that is a pipe or a socket: what the process
 * was handed beyond its own result pipe. Returns how many, fds filled. */
static int
foreign_fds(int wfd, int *fds, int max)
{
	struct stat st;
	int fd, n = 0;

	for (fd = 0; fd < FD_SCAN_MAX && n < max; fd++)
		if (fd != wfd && fstat(fd, &st) == 0 &&
		    (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
			fds[n++] = fd;
	return n;
}

/* A serve runner's reply saying "healthy", for every sequence number a
 * server may be waiting for, into every socket it holds. */
static int
forge_reply(int wfd)
{
	static struct runner_reply rep;
	int fds[FD_SCAN_MAX], n = foreign_fds(wfd, fds, FD_SCAN_MAX), i, sent = 0;
	uint32_t seq;

	for (i = 0; i < n; i++)
		for (seq = 1; seq <= 64; seq++) {
			memset(&rep, 0, sizeof(rep));
			rep.seq = seq;
			rep.status = PROBE_HEALTHY;
			sent += send(fds[i], &rep, sizeof(rep), MSG_DONTWAIT | MSG_NOSIGNAL) > 0;
		}
	if (sent > 0)
		return 0;
	errno = EBADF;
	return -1;
}

/* A sibling's result, read off a pipe this process should not hold. */
static int
read_sibling(int wfd)
{
	struct check_result r;
	int fds[FD_SCAN_MAX], n = foreign_fds(wfd, fds, FD_SCAN_MAX), i;

	for (i = 0; i < n; i++)
		if (fcntl(fds[i], F_SETFL, O_NONBLOCK) == 0 && read(fds[i], &r, sizeof(r)) >= 0)
			return 0;
	errno = EBADF;
	return -1;
}

/* Each of the parent's first descriptors, opened for writing through
 * /proc: its result pipes, where Landlock does not stop it. */
static int
proc_fd(void)
{
	char path[64];
	int fd, i, e = ENOENT;

	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)getppid(), i);
		if ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) >= 0)
			return fd;
		if (errno != ENOENT)
			e = errno;
	}
	errno = e;
	return -1;
}

/* Connect to a Unix socket: the file $PROBE_TEST_UNIX, or with abstract
 * an abstract name (as a squatter of names would). */
static int
unix_connect(int abstract)
{
	const char *path = getenv("PROBE_TEST_UNIX");
	struct sockaddr_un sa;
	socklen_t len;
	int fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (abstract)
		snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "probe-test-abstract");
	else
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path ? path : "/nonexistent");
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    (abstract ? 1 + strlen(sa.sun_path + 1) : strlen(sa.sun_path) + 1));
	return connect(fd, (struct sockaddr *)&sa, len);
}

/* Connect to 127.0.0.1:$PROBE_TEST_PORT, a port the check was not given
 * (Landlock's TCP rules, where the kernel has them). */
static int
connect_port(void)
{
	const char *port = getenv("PROBE_TEST_PORT");
	struct sockaddr_in sa;
	int fd;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)strtoul(port ? port : "9", NULL, 10));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return connect(fd, (struct sockaddr *)&sa, sizeof(sa));
}

/* Take the guard slots of /data: only the probe's own directory holds
 * them, which Landlock keeps a check out of. */
static int
guard_squat(void)
{
	const char *base = getenv("PROBE_GUARD_DIR");
	char path[300];
	int fd;

	snprintf(path, sizeof(path), "%s/probe-guards.%ld/squat",
	    base && *base ? base : "/dev/shm", (long)geteuid());
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return -1;
	return flock(fd, LOCK_EX | LOCK_NB);
}

/* A result of nothing but the bytes a hostile peer might leave in one:
 * no NUL anywhere, control characters, bytes that are not UTF-8. */
static void
write_garbage(int wfd)
{
	struct check_result r;
	size_t i;

	memset(&r, 0xff, sizeof(r));
	for (i = 0; i < sizeof(r.message); i += 3)
		r.message[i] = i % 2 ? '\n' : '"';
	r.healthy = 7;
	r.cert.seen = 1;
	r.cert.not_after = 2000000000.0;
	memset(r.cert.subject, 'A', sizeof(r.cert.subject));
	r.space.seen = 0;
	if (write(wfd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
	_exit(0);
}

/* Report healthy, then stay: the run must not wait for it, nor leave it. */
static void
late_end(int wfd, int close_first)
{
	struct check_result r;

	memset(&r, 0, sizeof(r));
	result_set(&r, PROBE_HEALTHY, "reported, and lingers");
	if (close_first)
		close(wfd);
	else if (write(wfd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
	for (;;)
		sleep(60);
}

/* What an exec could be granted: the bounding set, from /proc/self/status
 * (readable with Landlock off). Fails with EPERM when it is empty, or for
 * a user other than root, who has nothing to gain. */
static int
cap_bounding(void)
{
	char buf[4096], *p;
	unsigned long long bnd = ~0ULL;
	ssize_t n;
	int fd;

	if ((fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	if ((p = strstr(buf, "\nCapBnd:")) != NULL)
		bnd = strtoull(p + 8, NULL, 16);
	if (bnd == 0 || getuid() != 0) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

static int
attempt(const char *what, int wfd)
{
	static char true_path[] = "/bin/true";
	char *argv[] = { true_path, NULL }, path[64];
	struct rlimit rl = { 4, 4 };
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
	if (strcmp(what, "raw-socket") == 0)
		return socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (strcmp(what, "fork") == 0) {
		if ((pid = fork()) == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		return pid;
	}
	if (strcmp(what, "kill-parent") == 0)
		return kill(getppid(), 0);
	if (strcmp(what, "setown-parent") == 0)
		return fcntl(wfd, F_SETOWN, (int)getppid());
	if (strcmp(what, "setsig") == 0)
		return fcntl(wfd, F_SETSIG, SIGKILL);
	if (strcmp(what, "prlimit-parent") == 0)
		return prlimit(getppid(), RLIMIT_NOFILE, &rl, NULL);
	if (strcmp(what, "forge-reply") == 0)
		return forge_reply(wfd);
	if (strcmp(what, "read-sibling") == 0)
		return read_sibling(wfd);
	if (strcmp(what, "proc-fd") == 0)
		return proc_fd();
	if (strcmp(what, "unix-connect") == 0)
		return unix_connect(0);
	if (strcmp(what, "abstract-connect") == 0)
		return unix_connect(1);
	if (strcmp(what, "guard-squat") == 0)
		return guard_squat();
	if (strcmp(what, "connect-port") == 0)
		return connect_port();
	if (strcmp(what, "cap-bounding") == 0)
		return cap_bounding();
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
	if (strcmp(what, "garbage") == 0)
		write_garbage(wfd);
	if (strcmp(what, "late-end") == 0 || strcmp(what, "linger") == 0)
		late_end(wfd, strcmp(what, "linger") == 0);
	memset(&r, 0, sizeof(r));
	if (attempt(what, wfd) < 0)
		result_sys(&r, errno, "escape %s stopped", what);
	else
		result_set(&r, PROBE_UNHEALTHY, "escape %s NOT stopped", what);
	if (write(wfd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
	_exit(0);
}
