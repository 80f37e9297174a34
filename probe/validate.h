/* validate.h: probe --check-config: the config read, checked and listed,
 * nothing run. */
#ifndef VALIDATE_H
#define VALIDATE_H

#include "cli.h"
#include "config.h"

/*
 * What --check-config says of cfg, loaded from path (or not: err says why,
 * NULL when it loaded): its checks and warnings, or all its errors, in
 * text or JSON. Returns PROBE_HEALTHY; PROBE_UNHEALTHY with --strict when
 * there are warnings; PROBE_ERROR when it did not load.
 */
int validate_config(const struct options *o, struct config *cfg,
    const char *path, const char *err);

#endif
