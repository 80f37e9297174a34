/* once.h: probe [CHECK...] [KIND]: one run of the selected checks, its
 * report, and the verdict as exit status. */
#ifndef ONCE_H
#define ONCE_H

#include "config.h"
#include "report.h"

/*
 * Run cfg's selected checks once within cfg->timeout_ms, counted from the
 * exec (t0: now_ms() when main started), and write the report to stdout
 * (not when quiet and healthy). From then on the process ends by the
 * deadline plus 100 ms with the verdict, whatever blocks the output.
 * Returns PROBE_HEALTHY, PROBE_UNHEALTHY, or PROBE_ERROR with err filled.
 */
int once_run(struct config *cfg, struct report *rep, int quiet, double t0,
    char *err, size_t errlen);

/*
 * A run whose config could not be loaded (err says why, cfg's notes have
 * every error): a restart cannot fix a config, so for the kinds whose
 * failure restarts the container (liveness, startup) nothing is judged
 * and the run passes, saying so on its first line; the others (readiness,
 * all) fail with every error, for the events. Returns the exit status.
 */
int once_config_error(const struct report *rep, const struct config *cfg,
    const char *err);

#endif
