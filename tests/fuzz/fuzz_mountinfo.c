/* fuzz_mountinfo.c: the /proc/self/mountinfo parser and lookup. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mountinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "/", "/data", "/data/app-python-0", "/a b" };
	struct mount_entry e;
	char *text;
	size_t i;
	int bad;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if ((text = malloc(size + 1)) == NULL)
			return 0;
		memcpy(text, data, size);
		text[size] = '\0';
		if (mountinfo_find(text, paths[i], &e, &bad) >= 0) {
			mount_is_readonly(&e);
			if (e.mount_point == NULL || e.fstype == NULL || e.source == NULL)
				abort();
		}
		free(text);
	}
	return 0;
}
