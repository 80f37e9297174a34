/* validate.c: probe --check-config. */
#include <stdio.h>

#include "lint.h"
#include "report.h"
#include "validate.h"

int
validate_config(const struct validate_opts *o, struct config *cfg, const char *path,
    const char *err)
{
	size_t warnings;

	if (err == NULL)
		lint_config(cfg);
	warnings = cfg->notes != NULL ? cfg->notes->warnings : 0;
	if (o->format == REPORT_JSON)
		report_config_json(stdout, cfg, path, err);
	else if (err != NULL && cfg->notes != NULL && cfg->notes->errors > 0) {
		report_notes(stderr, cfg, 1);
		if (!o->quiet)
			report_notes(stdout, cfg, 0);
	} else if (err != NULL)
		fprintf(stderr, "probe: %s\n", err);
	else if (!o->quiet)
		report_config(stdout, cfg);
	if (err != NULL)
		return PROBE_ERROR;
	return o->strict && warnings > 0 ? PROBE_UNHEALTHY : PROBE_HEALTHY;
}
