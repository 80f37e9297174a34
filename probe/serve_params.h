/* serve_params.h: what probe serve is started with (serve.h), which its
 * parts keep (serve_int.h). */
#ifndef SERVE_PARAMS_H
#define SERVE_PARAMS_H

#include <stddef.h>

#include "config.h"

struct serve_params {
	struct config *cfg;		/* the first config; the caller frees it
					 * after serve_free() */
	const struct config_source *src;	/* to load it again */
	const char *text;		/* what cfg was loaded from */
	size_t len;
	void (*log)(const char *line);	/* one line of the log, as it is
					 * (stderr: kubectl logs) */
};

#endif
