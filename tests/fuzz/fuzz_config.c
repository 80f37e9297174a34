/* fuzz_config.c: the whole config parser (inih, every handler, every value
 * parser, ${VAR} expansion) and --check-config's listing, on any bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct config cfg;
	char err[512];

	if (null == NULL) {
		null = fopen("/dev/null", "w");
		setenv("POD_NAME", "app-python-0", 1);
	}
	if (config_load_text(&cfg, "fuzz.ini", (const char *)data, size, NULL, err,
	    sizeof(err)) == 0) {
		report_config(null, &cfg);
		config_select(&cfg, KIND_READINESS);
	}
	config_free(&cfg);
	return 0;
}
