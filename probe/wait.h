/* wait.h: probe wait, for init containers and scripts: run the checks
 * again and again until they pass or the time is up. */
#ifndef WAIT_H
#define WAIT_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "report.h"

#define WAIT_DEFAULT_TOTAL_MS (5 * 60 * 1000L)
#define WAIT_MAX_TOTAL_MS (24 * 3600 * 1000LL)	/* wait -t: up to a day */
#define WAIT_DEFAULT_INTERVAL_MS 1000L
/* While a run fails for the same reason, each pause is a quarter longer
 * than the last, up to WAIT_INTERVAL_CAP_MS (or the interval, if longer). */
#define WAIT_INTERVAL_CAP_MS 5000L

struct wait_options {
	long total_ms;		/* give up after this long */
	long interval_ms;	/* the first pause between runs */
	int quiet;		/* only the final line */
	struct report report;	/* format and the kind to run */
};

/*
 * Run the selected checks of cfg until a run passes, total_ms is up, or
 * SIGTERM or SIGINT comes (they are blocked meanwhile). Each run keeps
 * cfg's deadline, cut to the time left. Progress goes to out. Returns
 * PROBE_HEALTHY, PROBE_UNHEALTHY, or PROBE_ERROR with err filled.
 */
int wait_checks(struct config *cfg, const struct wait_options *,
    FILE *out, char *err, size_t errlen);

#endif
