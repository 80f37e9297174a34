/*
 * run.c: every check runs in a forked process of its own and reports over a
 * pipe. The parent only waits, with poll(), and kills what runs out of time,
 * so nothing a check does (a dead NFS server, a silent HTTP peer, a DNS
 * lookup that never ends) can hold the probe past its deadline. A child stuck
 * in uninterruptible sleep cannot be killed; it is left behind holding
 * neither stdout nor stderr, a guard keeps such children from piling up,
 * and a long-running caller (probe serve, probe wait) reaps it once it is
 * gone. A check's process starts with nothing it was not given: only its
 * result pipe (and its guard) open, not dumpable, no capabilities it does
 * not need.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guard.h"
#include "process.h"
#include "run.h"
#include "sandbox.h"
#include "util.h"

#ifdef PROBE_TEST_HOOKS
void test_escape(const struct check *c, int wfd);	/* tests/sandbox/escape.c */
#endif

/* A check waiting for a guard slot looks again after GUARD_RETRY_MS, then
 * ever less often up to GUARD_RETRY_MAX_MS: hundreds of waiting probes
 * must not eat the CPU the slot holders need to finish. */
#define GUARD_RETRY_MS 2
#define GUARD_RETRY_MAX_MS 32
#define REAP_SLACK_MS 80	/* reaping ends by the deadline plus this */
#define REAP_MIN_MS 10
#define REAP_EOF_MS 100	/* a process whose pipe ended: to be gone by then */

enum job_state { JOB_IDLE, JOB_WAITING, JOB_RUNNING, JOB_DONE };

struct job {
	struct check *c;
	enum job_state state;
	long budget;		/* ms the check may take */
	double end;		/* when it must be done: its start + budget, or
				 * for one that waited for a guard slot, the
				 * run's start + budget */
	int waited;		/* for a guard slot */
	double start;
	pid_t pid;
	int fd;			/* read end of the result pipe */
	int killed;		/* ran out of time: may be stuck for good */
	int retry_ms;		/* next wait for a guard slot */
	double retry_at;
};

static void
job_done(struct job *j, double now)
{
	j->state = JOB_DONE;
	j->c->duration_ms = now - j->start;
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
}

/* Enter c's sandbox unless it runs without; 0, or -1 with r filled. */
static void
rules_of(const struct check *c, struct sandbox_rules *rules)
{
	memset(rules, 0, sizeof(*rules));
	rules->cls = c->type->sandbox_class;
	if (c->type->sandbox != NULL)
		c->type->sandbox(c, rules);
}

/* What each check's process would work out again, worked out once here. */
static void
prepare(struct check **checks, size_t n)
{
	struct sandbox_rules rules;
	size_t i;

	process_null();
	sandbox_prepare();
	for (i = 0; i < n; i++)
		if (checks[i]->selected && checks[i]->sandbox) {
			rules_of(checks[i], &rules);
			sandbox_prepare_rules(&rules);
		}
}

static int
enter_sandbox(const struct check *c, int wfd, struct check_result *r)
{
	struct sandbox_rules rules;
	char err[PROBE_MSG_MAX];

	if (!c->sandbox)
		return 0;
	rules_of(c, &rules);
	if (sandbox_enter(&rules, wfd, err, sizeof(err)) == 0)
		return 0;
	result_set(r, PROBE_UNHEALTHY, "%s", err);
	return -1;
}

static void __attribute__((noreturn))
child(const struct check *c, long budget, int wfd, int guard, pid_t parent)
{
	struct check_result r;
	char err[PROBE_MSG_MAX];
	sigset_t none;
	int keep[2] = { wfd, guard };

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	/* Whoever reads our stdout waits for EOF: a hung child must not hold
	 * it; nor may a check hold what its parent holds (the other checks'
	 * pipes, a serve runner's socket). */
	process_null_stdio();
	process_close_fds(keep, guard >= 0 ? 2 : 1);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);	/* probe wait blocks SIGTERM for its signalfd */
	sigprocmask(SIG_SETMASK, &none, NULL);
	memset(&r, 0, sizeof(r));
	r.want_detail = c->result.want_detail;
	if (sandbox_drop_caps(c->type->sandbox_class, err, sizeof(err)) != 0)
		result_set(&r, PROBE_UNHEALTHY, "%s", err);
	else if (enter_sandbox(c, wfd, &r) == 0) {
#ifdef PROBE_TEST_HOOKS
		test_escape(c, wfd);
#endif
		c->type->run(c, budget, &r);
	}
	if (write(wfd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
	_exit(0);
}

/* Returns 1 if started, 0 if its guard is busy, -1 if it failed (result set). */
static int
job_start(struct job *j, double now)
{
	int guard = GUARD_NONE, p[2];
	pid_t parent = getpid();

	if (j->c->guard != NULL && (guard = guard_take(j->c->guard)) == GUARD_BUSY)
		return 0;
	if (pipe2(p, O_CLOEXEC) != 0) {
		result_sys(&j->c->result, errno, "cannot make its result pipe");
		goto fail;
	}
	j->start = now;
	if (!j->waited)	/* started at once: its whole budget from now */
		j->end = now + (double)j->budget;
	if ((j->pid = fork()) < 0) {
		result_sys(&j->c->result, errno, "cannot start its process");
		close(p[0]);
		close(p[1]);
		goto fail;
	}
	if (j->pid == 0) {
		close(p[0]);
		child(j->c, (long)(j->end - now + 0.5), p[1], guard, parent);
	}
	close(p[1]);
	if (guard >= 0)
		close(guard);
	j->fd = p[0];
	j->state = JOB_RUNNING;
	return 1;
fail:
	if (guard >= 0)
		close(guard);
	j->start = now;
	job_done(j, now);
	return -1;
}

/*
 * Reap pid if it ends by `until` (now_ms() time): its pidfd says when, or
 * before Linux 5.3 naps of 1 ms. Returns 1 if it did, with its status in
 * *st (may be NULL).
 */
static int
reap_by(pid_t pid, int *st, double until)
{
	struct timespec ms = { 0, 1000000 };
	struct pollfd pfd;
	double left;
	int fd = -1, r;

	while ((r = waitpid(pid, st, WNOHANG)) == 0 && (left = until - now_ms()) > 0) {
		if (fd < 0 && (fd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0)
			fd = -2;
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (fd < 0)
			nanosleep(&ms, NULL);
		else
			poll(&pfd, 1, (int)left + 1);
	}
	if (fd >= 0)
		close(fd);
	return r == pid;
}

/* The children killed that had not gone by the end of their run (stuck in
 * the kernel, or slow to die on a loaded node): reaped at the next run. */
static pid_t pending[RUN_PENDING_MAX];
static size_t npending;

static void
pending_reap(void)
{
	size_t i = 0;

	while (i < npending)
		if (waitpid(pending[i], NULL, WNOHANG) != 0)
			pending[i] = pending[--npending];
		else
			i++;
}

size_t
run_pending(void)
{
	pending_reap();
	return npending;
}

/* Its result, or why there is none: the pipe's end came without one, so
 * the process is on its way out; REAP_EOF_MS (within its own time, at
 * least REAP_MIN_MS) tells how it ended, and one still there then (it
 * closed its pipe and lingers) is killed. A process that dies closes its
 * files before it can be reaped: 10 ms was too short a wait on an
 * emulated machine, where a check killed by its sandbox read as one that
 * lingered. */
static void
job_collect(struct job *j, double now)
{
	struct check_result r;
	double until = now + REAP_EOF_MS;
	ssize_t n;
	int st;

	if (until > j->end)
		until = j->end;
	if (until < now + REAP_MIN_MS)
		until = now + REAP_MIN_MS;
	do
		n = read(j->fd, &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(r)) {
		result_clean(&r);
		j->c->result = r;
	} else if (reap_by(j->pid, &st, until)) {
		j->pid = 0;
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
			result_set(&j->c->result, PROBE_UNHEALTHY,
			    "check killed by its sandbox");
		else if (WIFSIGNALED(st))
			result_set(&j->c->result, PROBE_UNHEALTHY,
			    "check process died of signal %d", WTERMSIG(st));
		else
			result_set(&j->c->result, PROBE_UNHEALTHY,
			    "check process exited with status %d and no result",
			    WEXITSTATUS(st));
	} else {
		kill(j->pid, SIGKILL);
		j->killed = 1;
		result_set(&j->c->result, PROBE_UNHEALTHY,
		    "check process closed its pipe without a result (killed)");
	}
	job_done(j, now);
}

/*
 * Every child is killed now: each one that reported is exiting anyway,
 * and none may outlive its run. Then wait until `until` for them, so that
 * no zombie is left to a PID 1 that may never reap it: each one's pidfd
 * says when it is gone (on a loaded node that can take a while). Those
 * killed for their time get REAP_MIN_MS: one stuck in uninterruptible
 * sleep never goes. Whatever is left is pending, for the next run.
 */
static void
reap(struct job *jobs, size_t n, double until)
{
	double killed_until = now_ms() + REAP_MIN_MS;
	size_t i;

	for (i = 0; i < n; i++)
		if (jobs[i].pid > 0)
			kill(jobs[i].pid, SIGKILL);
	for (i = 0; i < n; i++) {
		if (jobs[i].pid <= 0 || reap_by(jobs[i].pid, NULL, jobs[i].killed &&
		    killed_until < until ? killed_until : until))
			continue;
		if (npending < RUN_PENDING_MAX)
			pending[npending++] = jobs[i].pid;
	}
}

static void
job_expire(struct job *j, double now, int waited_for_guard)
{
	if (waited_for_guard) {
		j->start = now - (double)j->budget;
		result_set(&j->c->result, PROBE_UNHEALTHY,
		    "timed out after %ldms waiting for %d other checks of %s "
		    "(hung filesystem?)", j->budget, PROBE_GUARD_SLOTS, j->c->guard);
	} else {
		kill(j->pid, SIGKILL);
		j->killed = 1;
		if (j->c->guard != NULL)
			result_set(&j->c->result, PROBE_UNHEALTHY, "timed out after %ldms "
			    "(no answer from the filesystem at %s)", j->budget, j->c->guard);
		else
			result_set(&j->c->result, PROBE_UNHEALTHY, "timed out after %ldms",
			    j->budget);
	}
	job_done(j, now);
}

static void
jobs_init(struct job *jobs, struct check **checks, size_t n, long deadline_ms,
    unsigned flags, double t0)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct check *c = checks[i];

		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].c = c;
		jobs[i].fd = -1;
		jobs[i].start = t0;
		memset(&c->result, 0, sizeof(c->result));
		c->result.want_detail = (flags & RUN_DETAIL) != 0;	/* for the child */
		c->duration_ms = 0;
		if (!c->selected)
			continue;
		jobs[i].state = JOB_WAITING;
		jobs[i].retry_ms = GUARD_RETRY_MS;
		jobs[i].budget = c->timeout_ms > 0 && c->timeout_ms < deadline_ms ?
		    c->timeout_ms : deadline_ms;
		jobs[i].end = t0 + (double)jobs[i].budget;
	}
}

/*
 * Start the jobs whose guard is free, expire those out of time, and put
 * the result pipes of the running ones into pfd and pj (*np of them).
 * Returns how long to poll in ms, or -1 when every job is done.
 */
static int
jobs_step(struct job *jobs, size_t n, struct pollfd *pfd,
    struct job **pj, size_t *np)
{
	double now = now_ms(), left;
	int wait = -1;
	size_t i;

	*np = 0;
	for (i = 0; i < n; i++) {
		struct job *j = &jobs[i];

		if (j->state == JOB_WAITING && now >= j->retry_at) {
			if (now >= j->end)	/* no time left to start in */
				job_expire(j, now, 1);
			else if (job_start(j, now) == 0) {
				j->waited = 1;
				j->retry_at = now + j->retry_ms;
				j->retry_ms = j->retry_ms * 2 < GUARD_RETRY_MAX_MS ?
				    j->retry_ms * 2 : GUARD_RETRY_MAX_MS;
			}
		}
		if (j->state == JOB_WAITING) {
			left = j->retry_at - now;
			if (j->end - now < left)
				left = j->end - now;
			if (wait < 0 || left + 1 < wait)
				wait = left > 0 ? (int)left + 1 : 0;
		}
		if (j->state != JOB_RUNNING)
			continue;
		left = j->end + RUN_GRACE_MS - now;
		if (left <= 0) {
			job_expire(j, now, 0);
			continue;
		}
		if (wait < 0 || left + 1 < wait)
			wait = (int)left + 1;
		pfd[*np].fd = j->fd;
		pfd[*np].events = POLLIN;
		pj[(*np)++] = j;
	}
	return wait;
}

/* Stop every job that has not finished: killed, or never started. */
static void
jobs_cancel(struct job *jobs, size_t n, double now)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct job *j = &jobs[i];

		if (j->state == JOB_RUNNING) {
			kill(j->pid, SIGKILL);
			j->killed = 1;
		}
		if (j->state == JOB_RUNNING || j->state == JOB_WAITING) {
			result_set(&j->c->result, PROBE_UNHEALTHY, "stopped before it "
			    "finished");
			job_done(j, now);
		}
	}
}

/* Too many processes of earlier runs are still stuck: start none. */
static void
jobs_refuse(struct job *jobs, size_t n, double now)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (jobs[i].state != JOB_WAITING)
			continue;
		result_set(&jobs[i].c->result, PROBE_UNHEALTHY, "not started: %zu "
		    "check processes of earlier runs are still stuck in the kernel "
		    "(hung filesystem?)", npending);
		job_done(&jobs[i], now);
	}
}

int
run_checks(struct check **checks, size_t n, long deadline_ms, int cancel_fd,
    unsigned flags, char *err, size_t errlen)
{
	struct job jobs[PROBE_MAX_CHECKS];
	struct pollfd pfd[PROBE_MAX_CHECKS + 1];
	struct job *pj[PROBE_MAX_CHECKS];
	double t0 = now_ms(), now, until;
	size_t i, np;
	int wait, r, ret = PROBE_HEALTHY;

	if (n > PROBE_MAX_CHECKS) {
		snprintf(err, errlen, "too many checks");
		return PROBE_ERROR;
	}
	jobs_init(jobs, checks, n, deadline_ms, flags, t0);
	prepare(checks, n);
	pending_reap();
	if (npending + n > RUN_PENDING_MAX)
		jobs_refuse(jobs, n, t0);
	while ((wait = jobs_step(jobs, n, pfd, pj, &np)) >= 0) {
		pfd[np].fd = cancel_fd;	/* poll() skips a negative fd */
		pfd[np].events = POLLIN;
		pfd[np].revents = 0;
		r = poll(pfd, np + 1, wait);
		now = now_ms();
		if (r < 0 && errno != EINTR) {
			sys_error(err, errlen, errno, "cannot wait for the checks");
			jobs_cancel(jobs, n, now);
			ret = PROBE_ERROR;
			break;
		}
		if (r > 0 && pfd[np].revents != 0) {
			jobs_cancel(jobs, n, now);
			break;
		}
		for (i = 0; r > 0 && i < np; i++)
			if (pfd[i].revents != 0)
				job_collect(pj[i], now);
	}
	now = now_ms();
	until = t0 + (double)(deadline_ms + REAP_SLACK_MS);
	reap(jobs, n, until > now + REAP_MIN_MS ? until : now + REAP_MIN_MS);
	for (i = 0; i < n && ret == PROBE_HEALTHY; i++)
		if (checks[i]->selected && !checks[i]->result.healthy)
			ret = PROBE_UNHEALTHY;
	return ret;
}
