/* fuzz_mountinfo.c: the /proc/self/mountinfo parser, the lookup by mount id
 * and the walk through the mount tree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mountinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
copy(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text != NULL) {
		memcpy(text, data, size);
		text[size] = '\0';
	}
	return text;
}

static void
valid(const struct mount_entry *e)
{
	mount_is_readonly(e);
	if (e->mount_point == NULL || e->fstype == NULL || e->source == NULL ||
	    e->root == NULL || e->options == NULL || e->super_options == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "/", "/data", "/data/app-python-0", "/a b" };
	static const int ids[] = { 1, 21, 30, 0x7fffffff };
	struct mount_entry e;
	char *text;
	size_t i;
	int bad;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if ((text = copy(data, size)) == NULL)
			return 0;
		if (mountinfo_walk(text, paths[i], &e, &bad) >= 0)
			valid(&e);
		free(text);
	}
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		if ((text = copy(data, size)) == NULL)
			return 0;
		if (mountinfo_by_id(text, ids[i], &e, &bad) == 1) {
			valid(&e);
			if (e.id != ids[i])
				abort();
		}
		free(text);
	}
	return 0;
}
