/* run.h: running the selected checks at once, within a deadline. */
#ifndef RUN_H
#define RUN_H

#include "probe.h"

/* How long after a check's own time is up its process is killed. */
#define RUN_GRACE_MS 20
/* Killed checks not yet gone that a process keeps track of to reap them
 * later; while this many are pending, no check is started. */
#define RUN_PENDING_MAX (PROBE_GUARD_SLOTS * PROBE_MAX_CHECKS)

#define RUN_DETAIL 1u	/* the checks' detail is shown (-v, JSON, serve) */

/*
 * Run every selected check in a process of its own and wait for all of
 * them, or for deadline_ms (a check's own timeout may be shorter). Each
 * check's result and duration_ms are filled, its detail only with
 * RUN_DETAIL in flags. When cancel_fd (-1: none)
 * becomes readable, the checks still running are killed and fail as
 * "stopped before it finished"; cancel_fd is not read. Returns
 * PROBE_HEALTHY, PROBE_UNHEALTHY, or PROBE_ERROR with err filled when
 * nothing could run.
 */
int run_checks(struct check **checks, size_t n, long deadline_ms,
    int cancel_fd, unsigned flags, char *err, size_t errlen);

/* How many killed check processes of earlier runs are not gone yet (the
 * ones that are gone are reaped first). */
size_t run_pending(void);

#endif
