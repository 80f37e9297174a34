#include <criterion/criterion.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"
#include "sandbox.h"

Test(sandbox, names_system_calls)
{
	cr_expect_str_eq(sandbox_syscall_name(SYS_execve), "execve");
	cr_expect_str_eq(sandbox_syscall_name(SYS_socket), "socket");
	cr_expect_str_eq(sandbox_syscall_name(SYS_ptrace), "ptrace");
	cr_expect_null(sandbox_syscall_name(-1));
}

/* A mount check's process that opens a socket: its sandbox reports it over
 * the result pipe and the process ends. */
Test(sandbox, a_forbidden_call_is_reported)
{
	struct sandbox_rules rules = { SANDBOX_MOUNT, { NULL }, 0, NULL };
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
