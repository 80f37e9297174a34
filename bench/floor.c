/*
 * floor.c: the least a process can do for the probe's work, the floor its
 * benchmark compares against. No config, no report, no deadline, no fork:
 *   floor HOST PORT PATH [DIR]
 * connects, sends one GET, reads the status line; with DIR, also reads
 * /proc/self/mountinfo whole, and creates, writes 512 bytes to, fsyncs,
 * reads back and unlinks a file in DIR. Exits 0 on "HTTP/1.x 2xx/3xx".
 *   floor -f HOST PORT PATH [DIR]
 * does the same parts (http; mountinfo; the file) each in a child process of
 * its own, as the probe does: the floor of that design.
 *   floor -s HOST PORT PATH [DIR]
 * does the same as -f with each child confined as the probe confines its
 * checks, written by hand: no_new_privs, a Landlock ruleset with one rule
 * (the file's directory, or none), a small seccomp filter (an allow list,
 * every other call kills): the fair limit of that design, its isolation
 * included (make bench: the probe's CPU and wall against it).
 *   floor -s HOST PORT PATH DIR N
 * does N parts (up to 32), http, mountinfo and the file in turn: the
 * fair limit of N checks (make bench: how the cost grows with the checks).
 *   floor -n N HOST PORT PATH
 * is the least an HTTP prober can do (make bench-node): N GETs, each on a
 * connection of its own as the kubelet's httpGet probes are; prints its own
 * CPU time (user+sys) and wall time per request in microseconds and the
 * number of failed requests.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int
http(const char *host, int port, const char *path)
{
	struct sockaddr_in sa;
	char req[256], buf[512];
	ssize_t n;
	int fd, ok;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
	    (fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return 0;
	n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n"
	    "Connection: close\r\n\r\n", path, host);
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    write(fd, req, (size_t)n) == n && (n = read(fd, buf, sizeof(buf) - 1)) > 12 &&
	    strncmp(buf, "HTTP/1.", 7) == 0 && (buf[9] == '2' || buf[9] == '3');
	close(fd);
	return ok;
}

static int
mounts(void)
{
	char buf[65536];
	ssize_t n;
	int fd;

	if ((fd = open("/proc/self/mountinfo", O_RDONLY)) < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	return n == 0;
}

static int
writes(const char *dir)
{
	char data[512], back[512], name[512];
	int fd, ok;

	snprintf(name, sizeof(name), "%s/.floor.%d", dir, (int)getpid());
	memset(data, 'x', sizeof(data));
	if ((fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0600)) < 0)
		return 0;
	ok = write(fd, data, sizeof(data)) == (ssize_t)sizeof(data) && fsync(fd) == 0 &&
	    pread(fd, back, sizeof(back), 0) == (ssize_t)sizeof(back) &&
	    memcmp(data, back, sizeof(data)) == 0;
	close(fd);
	return unlink(name) == 0 && ok;
}

static int
part(int i, char **argv)
{
	switch (i % 3) {
	case 0:
		return http(argv[0], atoi(argv[1]), argv[2]);
	case 1:
		return mounts();
	default:
		return writes(argv[3]);
	}
}

#if defined(__x86_64__)
#define FLOOR_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FLOOR_ARCH AUDIT_ARCH_AARCH64
#endif

/* The calls the parts make (musl), allowed; any other kills. */
static const long allowed[] = {
#ifdef SYS_open
	SYS_open,
#endif
	SYS_openat, SYS_read, SYS_write, SYS_readv, SYS_writev, SYS_close,
	SYS_socket, SYS_connect, SYS_fsync, SYS_pread64, SYS_unlinkat,
	SYS_lseek, SYS_exit, SYS_exit_group, SYS_brk, SYS_mmap, SYS_munmap,
	SYS_rt_sigprocmask, SYS_fstat, SYS_getpid, SYS_fcntl,
#ifdef SYS_unlink
	SYS_unlink,
#endif
};

/* no_new_privs, one Landlock rule (dir, if any), the seccomp filter. */
static int
confine(const char *dir)
{
	struct landlock_ruleset_attr ra = {
		LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
		LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG |
		LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_EXECUTE
	};
	struct landlock_path_beneath_attr pb = { ra.handled_access_fs, -1 };
	struct sock_filter prog[64];
	struct sock_fprog fprog = { 0, prog };
	size_t i, n = sizeof(allowed) / sizeof(allowed[0]), k = 0;
	int rs;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	if ((rs = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra), 0)) >= 0) {
		if (dir != NULL && (pb.parent_fd = open(dir, O_PATH | O_CLOEXEC)) >= 0) {
			syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
			close(pb.parent_fd);
		}
		syscall(SYS_landlock_restrict_self, rs, 0);
		close(rs);
	}
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch));
	prog[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FLOOR_ARCH, 1, 0);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr));
	for (i = 0; i < n; i++)
		prog[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (unsigned)allowed[i], (unsigned char)(n - i), 0);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	fprog.len = (unsigned short)k;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0);
}

static int confined;	/* -s: each part in its sandbox */
#define MAX_PARTS 32

/*
 * The same parts, each in a child process of its own that reports one byte
 * over a pipe, the parent polling the pipes and reaping the children: the
 * floor of the probe's process-per-check design.
 */
static int
forked(int parts, char **argv)
{
	struct pollfd pfd[MAX_PARTS];
	pid_t pid[MAX_PARTS];
	int i, p[2], ok = 1, left = parts;
	char c;

	for (i = 0; i < parts; i++) {
		if (pipe(p) != 0 || (pid[i] = fork()) < 0)
			return 0;
		if (pid[i] == 0) {
			if (confined && confine(i % 3 == 2 ? argv[3] :
			    i % 3 == 1 ? "/proc/self" : NULL) != 0)
				_exit(1);
			c = (char)part(i, argv);
			_exit(write(p[1], &c, 1) == 1 ? 0 : 1);
		}
		close(p[1]);
		pfd[i].fd = p[0];
		pfd[i].events = POLLIN;
	}
	while (left > 0 && poll(pfd, (nfds_t)parts, 10000) > 0)
		for (i = 0; i < parts; i++)
			if (pfd[i].fd >= 0 && pfd[i].revents != 0) {
				ok &= read(pfd[i].fd, &c, 1) == 1 && c == 1;
				close(pfd[i].fd);
				pfd[i].fd = -1;
				left--;
			}
	for (i = 0; i < parts; i++)
		waitpid(pid[i], NULL, 0);
	return ok && left == 0;
}

static double
usec(struct timeval tv)
{
	return (double)tv.tv_sec * 1e6 + (double)tv.tv_usec;
}

static int
loop(long n, const char *host, int port, const char *path)
{
	struct timespec t0, t1;
	struct rusage ru;
	long i, failed = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		failed += !http(host, port, path);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &ru);
	printf("%.1f %.1f %ld\n", (usec(ru.ru_utime) + usec(ru.ru_stime)) / (double)n,
	    ((double)(t1.tv_sec - t0.tv_sec) * 1e6 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) / (double)n, failed);
	return failed == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "-n") == 0 && atol(argv[2]) > 0)
		return loop(atol(argv[2]), argv[3], atoi(argv[4]), argv[5]);
	if (argc >= 5 && (strcmp(argv[1], "-f") == 0 || strcmp(argv[1], "-s") == 0)) {
		int parts = argc == 5 ? 1 : argc == 6 ? 3 : atoi(argv[6]);

		confined = argv[1][1] == 's';
		if (parts < 1 || parts > MAX_PARTS)
			return 2;
		return forked(parts, argv + 2) ? 0 : 1;
	}
	if (argc < 4)
		return 2;
	return http(argv[1], atoi(argv[2]), argv[3]) &&
	    (argc < 5 || (mounts() && writes(argv[4]))) ? 0 : 1;
}
