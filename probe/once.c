/* once.c: one run of the selected checks, the report, the verdict. */
#include <stdio.h>

#include "once.h"
#include "parse.h"
#include "process.h"
#include "report.h"
#include "run.h"
#include "termination.h"

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
	char msg[400];
	long left;
	int ret;

	fflush(NULL);	/* nothing buffered may be copied into the children */
	ret = run_checks(cfg->checks, cfg->nchecks, checks_deadline(cfg->timeout_ms),
	    -1, report_shows_detail(rep) ? RUN_DETAIL : 0,
	    err, errlen);
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
	if (cfg->termination_log != NULL && rep->kind == KIND_LIVENESS) {
		fflush(stdout);
		if (termination_log(cfg->termination_log, cfg, rep, ret == PROBE_HEALTHY,
		    msg, sizeof(msg)) != 0 && rep->verbose)
			fprintf(stderr, "probe: termination log: %s\n", msg);
	}
	return ret;
}

int
once_config_error(const struct report *rep, const struct config *cfg,
    const char *err)
{
	int judged = rep->kind != KIND_LIVENESS && rep->kind != KIND_STARTUP;
	char why[700];

	snprintf(why, sizeof(why), "config error, %s not judged (a restart cannot "
	    "fix a config): %s", kind_name(rep->kind), err);
	if (rep->format == REPORT_JSON)
		report_no_result(stdout, REPORT_JSON, rep->kind, judged ? err : why, !judged);
	else if (!judged)
		printf("%s\n", why);
	if (!judged)
		return PROBE_HEALTHY;
	if (cfg->notes != NULL && cfg->notes->errors > 0)
		report_notes(stderr, cfg, 1);
	else
		fprintf(stderr, "probe: %s\n", err);
	return PROBE_ERROR;
}
