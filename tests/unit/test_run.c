/* test_run.c: run.c with a made-up check type whose run() finishes, hangs,
 * dies, exits without a result or writes half of one: the deadline, the
 * reaping of every child and the guard slots of a path. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"
#include "run.h"

enum fake_how { FAKE_PASS, FAKE_FAIL, FAKE_HANG, FAKE_DIE, FAKE_EXIT, FAKE_SHORT,
	FAKE_BIG };

#define BIG (2048L * 1024 * 1024)

/* Shared with the children: the MiB FAKE_BIG has touched so far. */
static volatile long *big_mib;
#define BIG_ENOUGH_MIB 512	/* its exit then takes far longer than REAP_MIN_MS */

struct fake {
	enum fake_how how;
};

/* The result pipe: the one FIFO the child has open. */
static int
result_fd(void)
{
	struct stat st;
	int fd;

	for (fd = 3; fd < 256; fd++)
		if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
			return fd;
	return -1;
}

static int
fake_run(const struct check *c, long timeout_ms, struct check_result *res)
{
	const struct fake *f = c->priv;

	(void)timeout_ms;
	switch (f->how) {
	case FAKE_PASS:
		return result_set(res, PROBE_HEALTHY, "fine");
	case FAKE_FAIL:
		return result_set(res, PROBE_UNHEALTHY, "not fine");
	case FAKE_HANG:
		for (;;)
			pause();
	case FAKE_DIE:
		raise(SIGKILL);	/* not SIGSEGV: a sanitizer catches that */
		break;
	case FAKE_EXIT:
		_exit(5);
	case FAKE_SHORT:
		if (write(result_fd(), "half", 4) != 4)
			_exit(7);
		_exit(0);
	case FAKE_BIG: {	/* 2 GiB in small pages: its exit takes a while */
		char *p = mmap(NULL, (size_t)BIG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(8);
		madvise(p, (size_t)BIG, MADV_NOHUGEPAGE);
		for (long i = 0; i < BIG >> 20; i++) {
			memset(p + (i << 20), 1, 1L << 20);
			if (big_mib)
				*big_mib = i + 1;
		}
		for (;;)
			pause();
	}
	}
	return PROBE_UNHEALTHY;
}

static const struct check_type fake_type = {
	.name = "fake",
	.priv_size = sizeof(struct fake),
	.run = fake_run,
};

static char fake_name[] = "f";
static struct fake fakes[PROBE_MAX_CHECKS];
static struct check checks[PROBE_MAX_CHECKS];
static struct check *ptrs[PROBE_MAX_CHECKS];

static void
setup(size_t n, enum fake_how how, const char *guard)
{
	size_t i;

	memset(checks, 0, sizeof(checks));
	for (i = 0; i < n; i++) {
		fakes[i].how = how;
		checks[i].type = &fake_type;
		checks[i].name = fake_name;
		checks[i].kinds = KIND_ALL;
		checks[i].priv = &fakes[i];
		checks[i].guard = guard;
		checks[i].selected = 1;
		ptrs[i] = &checks[i];
	}
}

static int
run(size_t n, long deadline_ms, double *took)
{
	char err[200];
	double t0 = now_ms();
	int r = run_checks(ptrs, n, deadline_ms, -1, RUN_DETAIL, err, sizeof(err));

	*took = now_ms() - t0;
	return r;
}

/* No child of this process is left, not even a zombie. A killed one is
 * reaped for REAP_MIN_MS only (it may be stuck for good on a dead mount):
 * on a busy machine it may die later, so killed ones get killed_ms. */
static void
expect_no_child_after(int killed_ms)
{
	double until = now_ms() + killed_ms;
	pid_t r;

	while ((r = waitpid(-1, NULL, WNOHANG)) > 0 ||
	    (r == 0 && now_ms() < until))
		if (r == 0)
			usleep(1000);
	cr_expect_eq(r, -1, "a child is left");
	cr_expect_eq(errno, ECHILD);
}

static void
expect_no_child(void)
{
	expect_no_child_after(0);
}

Test(run, results_of_passing_and_failing_checks)
{
	double took;

	setup(3, FAKE_PASS, NULL);
	fakes[1].how = FAKE_FAIL;
	cr_expect_eq(run(3, 1000, &took), PROBE_UNHEALTHY);
	cr_expect(checks[0].result.healthy);
	cr_expect_str_eq(checks[0].result.message, "fine");
	cr_expect_not(checks[1].result.healthy);
	cr_expect_str_eq(checks[1].result.message, "not fine");
	expect_no_child();
	setup(2, FAKE_PASS, NULL);
	cr_expect_eq(run(2, 1000, &took), PROBE_HEALTHY);
	expect_no_child();
}

Test(run, a_hung_check_is_killed_at_the_deadline, .timeout = 10)
{
	double took;

	setup(2, FAKE_HANG, NULL);
	fakes[0].how = FAKE_PASS;
	checks[1].timeout_ms = 150;
	cr_expect_eq(run(2, 300, &took), PROBE_UNHEALTHY);
	cr_expect(checks[0].result.healthy);
	cr_expect_str_eq(checks[1].result.message, "timed out after 150ms");
	cr_expect_geq(took, 150.0);
	cr_expect_lt(took, 300.0 + 80 + 1000, "took %.0fms", took);	/* + slack for a loaded machine */
	expect_no_child_after(1000);
}

Test(run, a_check_that_dies_or_leaves_no_result, .timeout = 10)
{
	double took;

	setup(3, FAKE_DIE, NULL);
	fakes[1].how = FAKE_EXIT;
	fakes[2].how = FAKE_SHORT;
	cr_expect_eq(run(3, 1000, &took), PROBE_UNHEALTHY);
	cr_expect_str_eq(checks[0].result.message,
	    "check process died of signal 9");
	cr_expect_str_eq(checks[1].result.message,
	    "check process exited with status 5 and no result");
	cr_expect_str_eq(checks[2].result.message,
	    "check process exited with status 0 and no result");
	expect_no_child();
}

Test(run, guard_slots_hold_eight_checks_of_a_path, .timeout = 10)
{
	char guard[64];
	double took;
	size_t i, waited = 0, timed_out = 0;

	snprintf(guard, sizeof(guard), "/unit/guard/%d", (int)getpid());
	setup(PROBE_GUARD_SLOTS + 2, FAKE_HANG, guard);
	cr_expect_eq(run(PROBE_GUARD_SLOTS + 2, 200, &took), PROBE_UNHEALTHY);
	for (i = 0; i < PROBE_GUARD_SLOTS + 2; i++) {
		if (strstr(checks[i].result.message, "waiting for 8 other checks of /unit/guard/"))
			waited++;
		else if (strstr(checks[i].result.message, "no answer from the filesystem at /unit/guard/"))
			timed_out++;
	}
	/* Eight run and are killed at the deadline. The other two wait; on a
	 * busy machine one may take a slot freed in the last moment, and is
	 * killed by the same deadline: none runs past it. */
	cr_expect_eq(timed_out + waited, PROBE_GUARD_SLOTS + 2);
	cr_expect_geq(timed_out, PROBE_GUARD_SLOTS, "%zu ran and timed out", timed_out);
	cr_expect_geq(waited, 1, "%zu waited for a slot", waited);
	cr_expect_lt(took, 200.0 + 80 + 1000, "took %.0fms", took);
	expect_no_child_after(1000);
	/* Killed and reaped: the slots are free again. */
	setup(1, FAKE_PASS, guard);
	cr_expect_eq(run(1, 1000, &took), PROBE_HEALTHY);
	expect_no_child();
}

Test(run, cancel_stops_what_runs, .timeout = 10)
{
	char err[200];
	int p[2];

	setup(2, FAKE_HANG, NULL);
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], "x", 1), 1);
	cr_expect_eq(run_checks(ptrs, 2, 5000, p[0], RUN_DETAIL, err, sizeof(err)), PROBE_UNHEALTHY);
	cr_expect_str_eq(checks[0].result.message, "stopped before it finished");
	close(p[0]);
	close(p[1]);
	expect_no_child_after(1000);
}

Test(run, only_selected_checks_run)
{
	double took;

	setup(2, FAKE_FAIL, NULL);
	checks[1].selected = 0;
	fakes[0].how = FAKE_PASS;
	cr_expect_eq(run(2, 1000, &took), PROBE_HEALTHY);
	cr_expect_str_eq(checks[1].result.message, "");
	expect_no_child();
}

/* Waits up to 10 s for every pending check to be reaped. */
static void
wait_no_pending(void)
{
	double until;

	for (until = now_ms() + 10000; run_pending() > 0 && now_ms() < until;)
		usleep(10000);
	cr_expect_eq(run_pending(), 0);
}

/* A check killed at its deadline that takes longer than the run waits to
 * go (a big process on a loaded node, or one stuck in the kernel) is
 * pending, and reaped once it is gone. A page fault may take 10 us (a
 * virtual machine, a loaded one): until the check has touched
 * BIG_ENOUGH_MIB by its deadline (else it dies fast), the deadline
 * doubles. */
Test(run, a_check_slow_to_die_is_pending_then_reaped)
{
	char want[64];
	double took;
	long deadline;
	int r;

	big_mib = mmap(NULL, sizeof(*big_mib), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq((void *)big_mib, MAP_FAILED);
	for (deadline = 3000;; deadline *= 2) {
		*big_mib = 0;
		setup(1, FAKE_BIG, NULL);
		r = run(1, deadline, &took);
		if (*big_mib >= BIG_ENOUGH_MIB || deadline >= 12000)
			break;
		wait_no_pending();
	}
	cr_assert_geq(*big_mib, BIG_ENOUGH_MIB, "the check touched %ld MiB in %ld ms",
	    *big_mib, deadline);
	cr_expect_eq(r, PROBE_UNHEALTHY);
	snprintf(want, sizeof(want), "timed out after %ldms", deadline);
	cr_expect_str_eq(checks[0].result.message, want);
	cr_expect_geq(run_pending(), 1, "reaped within the run");
	wait_no_pending();
	expect_no_child();
	munmap((void *)big_mib, sizeof(*big_mib));
	big_mib = NULL;
}
