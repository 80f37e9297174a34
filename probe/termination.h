/* termination.h: the kubelet's termination log, for a failed liveness run
 * to say why the container is about to be restarted. */
#ifndef TERMINATION_H
#define TERMINATION_H

#include "config.h"
#include "report.h"

#define TERMINATION_LOG_MAX 4096	/* what the kubelet reads of it */
#define TERMINATION_MARK "-- probe liveness, "	/* its last line, written
						 * by the probe */

/*
 * After a liveness run of cfg (its results in cfg, its report in rep):
 * unhealthy, the report's first lines (at most TERMINATION_LOG_MAX bytes,
 * TERMINATION_MARK and the time last) go to path, so that after the
 * restart kubectl describe pod shows them under Last State; healthy, path
 * is emptied, but only if what is in it is the probe's (its mark ends
 * it): what the app wrote there stays. Returns 0, or -1 with err filled
 * (the verdict stands either way).
 */
int termination_log(const char *path, const struct config *cfg,
    const struct report *rep, int healthy, char *err, size_t errlen);

#endif
