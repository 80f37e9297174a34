/* fuzz_config.c: the whole config loader (inih, every handler, every value
 * parser, ${VAR} expansion) and --check-config's listing, on any bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	static FILE *null;
	struct config cfg;
	char err[512];

	if (fd < 0) {
		fd = memfd_create("probe.ini", 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		null = fopen("/dev/null", "w");
		setenv("POD_NAME", "app-python-0", 1);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (config_load(&cfg, path, err, sizeof(err)) == 0) {
		report_config(null, &cfg);
		config_select(&cfg, KIND_READINESS);
	}
	config_free(&cfg);
	return 0;
}
