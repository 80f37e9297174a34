/* once.c: one run of the selected checks, the report, the verdict. */
#include <stdio.h>

#include "once.h"
#include "process.h"
#include "run.h"

#define REPORT_SLACK_MS 100	/* the report is out by the deadline plus this */

/* The deadline left to the checks: on a loaded node, loading and start-up
 * may already have taken a part of it, as the caller's clock started at
 * exec. The age comes in 10 ms steps; under 50 ms it counts as none, so
 * that a normal start keeps the whole deadline; the checks keep at least
 * half of it. */
static long
checks_deadline(long deadline)
{
	long age = process_age_ms() - 10;

	if (age >= 50)
		deadline -= age < deadline / 2 ? age : deadline / 2;
	return deadline;
}

int
once_run(struct config *cfg, struct report *rep, int quiet, double t0,
    char *err, size_t errlen)
{
	long left;
	int ret;

	fflush(NULL);	/* nothing buffered may be copied into the children */
	ret = run_checks(cfg->checks, cfg->nchecks, checks_deadline(cfg->timeout_ms),
	    -1, err, errlen);
	if (ret == PROBE_ERROR)
		return ret;
	rep->duration_ms = now_ms() - t0;
	/* A full pipe on stdout must not hold the verdict past the deadline,
	 * counted from the exec; the report always gets REPORT_SLACK_MS,
	 * however long the start took. */
	left = process_age_ms();
	if (left < (long)(now_ms() - t0))
		left = (long)(now_ms() - t0);
	left = cfg->timeout_ms + REPORT_SLACK_MS - left;
	process_exit_by(left > REPORT_SLACK_MS ? left : REPORT_SLACK_MS, ret);
	if (!(quiet && ret == PROBE_HEALTHY))
		report_write(stdout, rep, cfg);
	return ret;
}
