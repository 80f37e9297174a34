/* validate.h: probe --check-config: the config read, checked and listed,
 * nothing run. */
#ifndef VALIDATE_H
#define VALIDATE_H

#include "config.h"
#include "report.h"

/* How --check-config reports. */
struct validate_opts {
	enum report_format format;
	int quiet;		/* -q: no warnings, no listing */
	int strict;		/* --strict: warnings fail */
};

/*
 * What --check-config says of cfg, loaded from path (or not: err says why,
 * NULL when it loaded): its checks and warnings, or all its errors, in
 * text or JSON. Returns PROBE_HEALTHY; PROBE_UNHEALTHY with --strict when
 * there are warnings; PROBE_ERROR when it did not load.
 */
int validate_config(const struct validate_opts *o, struct config *cfg,
    const char *path, const char *err);

#endif
