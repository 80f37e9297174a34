/* fuzz_cert.c: the cert check on a file of any bytes: the certificates,
 * then, by the first byte, the same bytes as its key or its CA. Through
 * the type's own interface (set, run, release), as the config uses it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks.h"
#include "probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void
remove_file(void)
{
	unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct check_type *t = check_type_find("cert");
	struct check c;
	char err[256];
	FILE *f;

	if (t == NULL)
		abort();
	if (size < 1)
		return 0;
	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/fuzz_cert.%d", (int)getpid());
		atexit(remove_file);
	}
	if ((f = fopen(path, "w")) == NULL)
		return 0;
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	memset(&c, 0, sizeof(c));
	c.type = t;
	if ((c.priv = calloc(1, t->priv_size)) == NULL)
		return 0;
	if (t->set(&c, "path", path, err, sizeof(err)) != 0 ||
	    t->set(&c, "min_validity", data[0] & 1 ? "14d" : "0", err, sizeof(err)) != 0 ||
	    (data[0] & 2 && t->set(&c, "key_file", path, err, sizeof(err)) != 0) ||
	    (data[0] & 4 && t->set(&c, "ca_file", path, err, sizeof(err)) != 0))
		abort();
	if (t->run(&c, 1000, &c.result) != PROBE_HEALTHY && c.result.message[0] == '\0')
		abort();
	t->release(&c);
	free(c.priv);
	return 0;
}
