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
};

/* Write the result of the selected checks of cfg. */
void report_write(FILE *out, const struct report *, const struct config *cfg);

/* Write what --check-config shows: the checks each kind runs. */
void report_config(FILE *out, const struct config *cfg);

#endif
