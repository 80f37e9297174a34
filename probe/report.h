/* report.h: what the probe prints: the verdict, in text or JSON. */
#ifndef REPORT_H
#define REPORT_H

#include <stdio.h>

#include "config.h"

enum report_format { REPORT_TEXT, REPORT_JSON };

struct report {
	enum report_format format;
	int verbose;		/* add each check's detail */
	unsigned kind;		/* enum probe_kind that was run */
	double duration_ms;	/* of the whole run */
	int terse;		/* name the checks, not what they found */
};

/* The first selected check that failed, or NULL; counts the selected
 * checks and those that passed. */
const struct check *report_first_failure(const struct config *cfg,
    size_t *passed, size_t *total);

/* 1 if the checks' detail is written (-v, JSON): else no need to find it. */
int report_shows_detail(const struct report *);

/* Write the result of the selected checks of cfg. */
void report_write(FILE *out, const struct report *, const struct config *cfg);

/* What probe wait says as it goes. */
enum wait_event {
	WAIT_START,	/* before the first run */
	WAIT_FAILING,	/* a run failed for another reason than the last */
	WAIT_READY,	/* every check passed */
	WAIT_GAVE_UP,	/* the total time ran out */
	WAIT_STOPPED	/* by a signal */
};

struct wait_progress {
	enum wait_event event;
	double elapsed_ms;
	unsigned runs;
	long total_ms, interval_ms;	/* WAIT_START */
	const char *signal;		/* WAIT_STOPPED: "SIGTERM" */
	const struct check *check;	/* the first failing check, or NULL */
	const char *message;		/* and its reason */
	int quiet;			/* the line only, no check lines */
};

/*
 * One line (text, or a JSON object) for the event. WAIT_GAVE_UP adds, in
 * text, the last run's check lines from cfg (unless quiet) and, in JSON,
 * its checks.
 */
void report_wait(FILE *out, const struct report *, const struct config *cfg,
    const struct wait_progress *);

/* report_config.c: what --check-config shows. */

/* Write the checks each kind runs, what confines them, the warnings. */
void report_config(FILE *out, const struct config *cfg);

/*
 * The same as one JSON document, for CI: errors and warnings with file,
 * line, key and message; with err (the load failed: err says why, where
 * cfg has no note of it) "valid": false and no checks. path names the
 * file (cfg->path may not be set when it could not be read).
 */
void report_config_json(FILE *out, const struct config *cfg, const char *path,
    const char *err);

/* The errors ("probe: FILE:LINE: ...") or the warnings ("warning:
 * FILE:LINE: ...") of cfg's notes, a line each. */
void report_notes(FILE *out, const struct config *cfg, int errors);

/* What confines each check here ("seccomp and Landlock (ABI 7)", "off
 * (...)"); returns buf. */
const char *report_sandbox(const struct config *cfg, char *buf, size_t len);

/* 1 if a check of cfg (a selected one, with selected) takes guard slots. */
int report_guarded(const struct config *cfg, int selected);

/* A run that gave no result at all (probe serve: its runner did not
 * answer; a config that did not load): "unhealthy: REASON", or a JSON
 * report with no checks and "error": REASON, "healthy": healthy (the exit
 * status: a liveness run not judged passes). */
void report_no_result(FILE *out, enum report_format format, unsigned kind,
    const char *reason, int healthy);

/* probe wait -o json with a config that did not load: one event, "error",
 * with the reason. */
void report_wait_error(FILE *out, unsigned kind, const char *reason);

#endif
