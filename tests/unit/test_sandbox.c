#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"
#include "sandbox.h"
#include "seccomp.h"

Test(sandbox, names_system_calls)
{
	cr_expect_str_eq(seccomp_syscall_name(SYS_execve), "execve");
	cr_expect_str_eq(seccomp_syscall_name(SYS_socket), "socket");
	cr_expect_str_eq(seccomp_syscall_name(SYS_ptrace), "ptrace");
	cr_expect_null(seccomp_syscall_name(-1));
}

/* A mount check's process that opens a socket: its sandbox reports it over
 * the result pipe and the process ends. */
Test(sandbox, a_forbidden_call_is_reported)
{
	struct sandbox_rules rules = { .cls = SANDBOX_MOUNT };
	struct check_result r;
	char err[200], how[100];
	int p[2], st;
	pid_t pid;

	if (strncmp(sandbox_describe(how, sizeof(how)), "seccomp", 7) != 0)
		cr_skip_test("no seccomp filters here: %s", how);
	cr_assert_eq(pipe(p), 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		if (sandbox_enter(&rules, p[1], err, sizeof(err)) != 0)
			_exit(2);
		socket(AF_INET, SOCK_STREAM, 0);
		_exit(3);
	}
	close(p[1]);
	cr_assert_eq(read(p[0], &r, sizeof(r)), (ssize_t)sizeof(r));
	cr_expect_eq(r.healthy, 0);
	cr_expect_str_eq(r.message, "check killed by its sandbox: syscall socket");
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) != 3, "the socket call returned");
	close(p[0]);
}

/* Each call that tests/integration/test_syscalls.sh saw a check of each
 * class make, with glibc and with musl, passes that class's filter. */
static void
expect_list_allowed(const char *libc)
{
	static const struct {
		const char *name;
		enum sandbox_class cls;
	} classes[] = {
		{ "net", SANDBOX_NET }, { "mount", SANDBOX_MOUNT },
		{ "writable", SANDBOX_WRITABLE }, { "files", SANDBOX_FILES },
	};
	char path[256], line[4096], *word, *save;
	struct utsname u;
	size_t i, seen = 0, n;
	FILE *f;

	cr_assert_eq(uname(&u), 0);
	snprintf(path, sizeof(path), "tests/sandbox/syscalls/%s-%s.txt", libc,
	    u.machine);
	if ((f = fopen(path, "r")) == NULL)
		cr_skip_test("no %s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
			n = strlen(classes[i].name);
			if (strncmp(line, classes[i].name, n) != 0 || line[n] != ':')
				continue;
			seen++;
			for (word = strtok_r(line + n + 1, " ", &save); word != NULL;
			    word = strtok_r(NULL, " ", &save))
				cr_expect(seccomp_allows(classes[i].cls, word),
				    "%s: %s: %s is not allowed", path,
				    classes[i].name, word);
		}
	}
	fclose(f);
	cr_expect_eq(seen, sizeof(classes) / sizeof(classes[0]),
	    "%s: a line for each class", path);
}

Test(sandbox, what_glibc_calls_is_allowed)
{
	expect_list_allowed("glibc");
}

Test(sandbox, what_musl_calls_is_allowed)
{
	expect_list_allowed("musl");
}

Test(sandbox, allows)
{
	cr_expect(seccomp_allows(SANDBOX_NET, "socket"));
	cr_expect_not(seccomp_allows(SANDBOX_MOUNT, "socket"));
	cr_expect(seccomp_allows(SANDBOX_WRITABLE, "unlinkat"));
	cr_expect_not(seccomp_allows(SANDBOX_NET, "execve"));
	cr_expect_not(seccomp_allows(SANDBOX_NET, "no_such_call"));
}

/* What a network check's process gets for each attempt: 0 when the call
 * returned, else the errno it failed with; -1 when the sandbox killed it
 * (then *msg holds the report). */
static int
attempt_in_net_sandbox(int unix_socket, int (*try)(void), char *msg, size_t len)
{
	struct sandbox_rules rules = { .cls = SANDBOX_NET, .unix_socket = unix_socket };
	struct check_result r;
	char err[200];
	int p[2], st, ret;
	pid_t pid;
	ssize_t n;

	cr_assert_eq(pipe(p), 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		if (sandbox_enter(&rules, p[1], err, sizeof(err)) != 0)
			_exit(250);
		_exit(try() < 0 ? errno : 0);
	}
	close(p[1]);
	n = read(p[0], &r, sizeof(r));
	close(p[0]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	if (n == (ssize_t)sizeof(r)) {
		snprintf(msg, len, "%s", r.message);
		return -1;
	}
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) != 250, "no sandbox");
	ret = WEXITSTATUS(st);
	return ret;
}

static int try_setown(void) { return fcntl(0, F_SETOWN, (int)getppid()); }
static int try_setsig(void) { return fcntl(0, F_SETSIG, SIGKILL); }
static int try_getfl(void) { return fcntl(0, F_GETFL); }
static int try_dupfd(void) { return fcntl(0, F_DUPFD_CLOEXEC, 10); }
static int
try_prlimit_parent(void)
{
	struct rlimit rl = { 4, 4 };

	return prlimit(getppid(), RLIMIT_NOFILE, &rl, NULL);
}
static int
try_prlimit_self(void)
{
	struct rlimit rl;

	return prlimit(0, RLIMIT_NOFILE, NULL, &rl);
}
static int try_packet(void) { return socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)); }
static int try_raw(void) { return socket(AF_INET, SOCK_RAW, IPPROTO_ICMP); }
static int try_unix(void) { return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0); }
static int try_tcp6(void) { return socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0); }
static int try_udp(void) { return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0); }

static void
seccomp_here(void)
{
	char how[100];

	if (strncmp(sandbox_describe(how, sizeof(how)), "seccomp", 7) != 0)
		cr_skip_test("no seccomp filters here: %s", how);
}

Test(sandbox, fcntl_never_signals_another_process)
{
	char msg[PROBE_MSG_MAX] = "";

	seccomp_here();
	cr_expect_eq(attempt_in_net_sandbox(0, try_setown, msg, sizeof(msg)), -1);
	cr_expect_str_eq(msg, "check killed by its sandbox: syscall fcntl");
	cr_expect_eq(attempt_in_net_sandbox(0, try_setsig, msg, sizeof(msg)), -1);
	cr_expect_eq(attempt_in_net_sandbox(0, try_getfl, msg, sizeof(msg)), 0);
	cr_expect_eq(attempt_in_net_sandbox(0, try_dupfd, msg, sizeof(msg)), 0);
}

Test(sandbox, prlimit_on_itself_only)
{
	char msg[PROBE_MSG_MAX] = "";

	seccomp_here();
	cr_expect_eq(attempt_in_net_sandbox(0, try_prlimit_parent, msg, sizeof(msg)), -1);
	cr_expect_str_eq(msg, "check killed by its sandbox: syscall prlimit64");
	cr_expect_eq(attempt_in_net_sandbox(0, try_prlimit_self, msg, sizeof(msg)), 0);
}

Test(sandbox, socket_domains_and_types)
{
	char msg[PROBE_MSG_MAX] = "";

	seccomp_here();
	cr_expect_eq(attempt_in_net_sandbox(0, try_packet, msg, sizeof(msg)), -1);
	cr_expect_str_eq(msg, "check killed by its sandbox: syscall socket");
	cr_expect_eq(attempt_in_net_sandbox(0, try_raw, msg, sizeof(msg)), -1);
	cr_expect_eq(attempt_in_net_sandbox(0, try_unix, msg, sizeof(msg)), EACCES);
	cr_expect_eq(attempt_in_net_sandbox(1, try_unix, msg, sizeof(msg)), 0);
	cr_expect_eq(attempt_in_net_sandbox(0, try_tcp6, msg, sizeof(msg)), 0);
	cr_expect_eq(attempt_in_net_sandbox(0, try_udp, msg, sizeof(msg)), 0);
}
