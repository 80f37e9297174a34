/* serve_runner.h: the check runner processes of probe serve, and how to talk
 * to one. */
#ifndef SERVE_RUNNER_H
#define SERVE_RUNNER_H

#include <stdint.h>
#include <sys/types.h>

#include "config.h"

/* A report's bound: 32 checks whose messages are all quotes (escaped, 478
 * bytes each in JSON) take about 21 KiB; this leaves room to spare. */
#define RUNNER_REPORT_MAX (64 * 1024)

struct runner_check {
	int32_t index;		/* in the runner's config */
	int32_t healthy;
	double duration_ms;
	struct check_space space;
	struct check_cert cert;
	char message[PROBE_MSG_MAX];	/* why, for the log and the page */
};

/* The answer to a request: a run's results, or a load's status (then
 * the text is the error). Followed by text_len bytes of text report and
 * json_len bytes of JSON. */
struct runner_reply {
	uint32_t seq;		/* the request's */
	int32_t status;		/* enum probe_exit */
	uint32_t nchecks, text_len, json_len;
	uint32_t pending;	/* killed checks not gone yet (run_pending()) */
	double duration_ms;
	struct runner_check checks[PROBE_MAX_CHECKS];
};

#define RUNNER_REPLY_MAX (sizeof(struct runner_reply) + 2 * RUNNER_REPORT_MAX)

struct runner {
	int fd;			/* our end of its socketpair; -1: none */
	pid_t pid;
	uint32_t seq;
};

/*
 * Fork a single-threaded runner for kind's checks of cfg (its copy of
 * it), which loads new config text with src. close_fds are closed in the
 * child (other runners' sockets). Returns 0, or -1 with errno set.
 */
int runner_start(struct runner *, struct config *cfg, unsigned kind,
    const struct config_source *src, const int *close_fds, size_t nclose);

/* One run of the checks: the reply into buf (RUNNER_REPLY_MAX bytes).
 * Returns its length, or -1 when none came within wait_ms. */
ssize_t runner_run(struct runner *, long wait_ms, char *buf, size_t cap);

/*
 * Have the runner load len bytes of config text (read from src's path).
 * Returns 0, or -1 with err filled; the runner keeps its old config then.
 */
int runner_load(struct runner *, const char *text, size_t len, long wait_ms,
    char *err, size_t errlen);

/*
 * A reply of len bytes (-1: none came) as a server may use it: sizes
 * within len, at most PROBE_MAX_CHECKS checks, each check's index below
 * nchecks (else -1) and its certificate's name ended and clean. Returns
 * it, fixed up in place, or NULL when it cannot be used at all.
 */
const struct runner_reply *runner_reply_valid(char *msg, ssize_t len,
    size_t nchecks);

/* Close its socket (it exits), kill it if it has not; accepts fd -1. */
void runner_stop(struct runner *);

#endif
