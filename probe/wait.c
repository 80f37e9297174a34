/*
 * wait.c: probe wait runs the checks until they pass, with a hard overall
 * deadline. SIGTERM and SIGINT are read from a signalfd, which also cuts
 * a run short: a pod being deleted is never held up by a wait.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "run.h"
#include "util.h"
#include "wait.h"

struct waiter {
	struct config *cfg;
	const struct wait_options *o;
	FILE *out;
	double t0;
	unsigned runs;
	int sfd;
	const struct check *why;	/* the last run's first failure */
	char why_msg[PROBE_MSG_MAX];
};

static void
say(struct waiter *w, enum wait_event event, const char *signal_name)
{
	struct wait_progress p;

	if (w->o->quiet && (event == WAIT_START || event == WAIT_FAILING))
		return;
	memset(&p, 0, sizeof(p));
	p.event = event;
	p.elapsed_ms = now_ms() - w->t0;
	p.runs = w->runs;
	p.total_ms = w->o->total_ms;
	p.interval_ms = w->o->interval_ms;
	p.signal = signal_name;
	p.check = w->why;
	p.message = w->why_msg;
	p.quiet = w->o->quiet;
	report_wait(w->out, &w->o->report, w->cfg, &p);
}

/* Remember the last run's first failure; returns 1 if it is a new one. */
static int
note_failure(struct waiter *w)
{
	size_t passed, total;
	const struct check *c = report_first_failure(w->cfg, &passed, &total);
	int changed;

	changed = c != w->why ||
	    (c != NULL && strcmp(c->result.message, w->why_msg) != 0);
	w->why = c;
	snprintf(w->why_msg, sizeof(w->why_msg), "%s", c ? c->result.message : "");
	return changed;
}

/* Wait up to ms (0: just look) for a signal; returns its name or NULL. */
static const char *
signal_within(int sfd, long ms)
{
	struct pollfd pfd = { .fd = sfd, .events = POLLIN, .revents = 0 };
	struct signalfd_siginfo si;
	double until = now_ms() + (double)ms, left = (double)ms;
	int r;

	while ((r = poll(&pfd, 1, (int)left)) < 0 && errno == EINTR &&
	    (left = until - now_ms()) > 0)
		;
	if (r <= 0 || read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return NULL;
	return si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM";
}

/* Milliseconds left, rounded up: a fraction left is not "out of time". */
static long
time_left(const struct waiter *w)
{
	double left = w->t0 + (double)w->o->total_ms - now_ms();

	return left <= 0 ? 0 : (long)left + (left > (double)(long)left);
}

/* Run until ready, out of time or signalled; returns the exit status,
 * or PROBE_ERROR with err filled. */
static int
wait_loop(struct waiter *w, char *err, size_t errlen)
{
	long pause = w->o->interval_ms, left, cap;
	const char *sig;
	int r;

	cap = w->o->interval_ms > WAIT_INTERVAL_CAP_MS ? w->o->interval_ms :
	    WAIT_INTERVAL_CAP_MS;
	for (;;) {
		left = time_left(w);
		fflush(NULL);	/* nothing buffered may be copied into the children */
		r = run_checks(w->cfg->checks, w->cfg->nchecks,
		    w->cfg->timeout_ms < left ? w->cfg->timeout_ms : left > 0 ? left : 1,
		    w->sfd, report_shows_detail(&w->o->report) ? RUN_DETAIL : 0,
		    err, errlen);
		if (r == PROBE_ERROR)
			return r;
		if ((sig = signal_within(w->sfd, 0)) != NULL) {
			if (w->why == NULL)	/* better than no reason at all */
				note_failure(w);
			break;
		}
		w->runs++;
		if (r == PROBE_HEALTHY) {
			w->why = NULL;
			say(w, WAIT_READY, NULL);
			return PROBE_HEALTHY;
		}
		if (note_failure(w)) {
			pause = w->o->interval_ms;
			say(w, WAIT_FAILING, NULL);
		} else
			pause = pause + pause / 4 < cap ? pause + pause / 4 : cap;
		if ((left = time_left(w)) > 0 &&
		    (sig = signal_within(w->sfd, pause < left ? pause : left)) != NULL)
			break;
		if (time_left(w) <= 0) {
			say(w, WAIT_GAVE_UP, NULL);
			return PROBE_UNHEALTHY;
		}
	}
	say(w, WAIT_STOPPED, sig);
	return PROBE_UNHEALTHY;
}

int
wait_checks(struct config *cfg, const struct wait_options *o, FILE *out,
    char *err, size_t errlen)
{
	struct waiter w;
	sigset_t set;
	int ret;

	memset(&w, 0, sizeof(w));
	w.cfg = cfg;
	w.o = o;
	w.out = out;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	/* They stay blocked: one that comes after the end must not turn
	 * the exit status into a death by signal. */
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (w.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		sys_error(err, errlen, errno, "wait: cannot watch for signals");
		return PROBE_ERROR;
	}
	w.t0 = now_ms();
	say(&w, WAIT_START, NULL);
	ret = wait_loop(&w, err, errlen);
	close(w.sfd);
	return ret;
}
