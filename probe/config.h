/* config.h: the INI file into a struct config. */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>

#include "probe.h"

#define CONFIG_DEFAULT_PATH "/etc/probe/probe.ini"
#define CONFIG_DEFAULT_TIMEOUT_MS 1000L
#define CONFIG_MAX_LINE 199	/* inih's line buffer, less the NUL */

struct config {
	char *path;
	long timeout_ms;		/* [probe] timeout: the whole run's deadline */
	struct check *checks[PROBE_MAX_CHECKS];
	size_t nchecks;
};

/*
 * Load and validate path into cfg. Returns 0, or -1 with err holding
 * "PATH:LINE: what is wrong" (or "PATH: ..." when no line applies).
 * Call config_free() in either case.
 */
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);
void config_free(struct config *cfg);

/* Mark the checks that run for kind; returns how many. */
size_t config_select(struct config *cfg, unsigned kind);

#endif
