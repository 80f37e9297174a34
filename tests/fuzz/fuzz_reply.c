/*
 * fuzz_reply.c: what probe serve takes from a check runner's reply: any
 * bytes, of any length, checked by runner_reply_valid() before use; what
 * it lets through must stay within the message and the config's checks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve_runner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *msg;
	const struct runner_reply *rep;
	size_t nchecks, n;
	uint32_t i;

	if (size < 3)
		return 0;
	if (msg == NULL && (msg = malloc(RUNNER_REPLY_MAX)) == NULL)
		return 0;
	/* The reply is larger than an input may be: its length comes from
	 * two bytes (around sizeof(struct runner_reply)), its bytes from the
	 * rest, and zeros after them. */
	nchecks = data[0] % (PROBE_MAX_CHECKS + 1);
	n = sizeof(struct runner_reply) - 512 + (size_t)(data[1] << 8 | data[2]) % 4096;
	memset(msg, 0, n);
	memcpy(msg, data + 3, size - 3 < n ? size - 3 : n);
	if ((rep = runner_reply_valid(msg, (ssize_t)n, nchecks)) == NULL)
		return 0;
	if (sizeof(*rep) + (size_t)rep->text_len + rep->json_len > n ||
	    rep->nchecks > PROBE_MAX_CHECKS)
		abort();
	for (i = 0; i < rep->nchecks; i++)
		if (rep->checks[i].index >= (int32_t)nchecks ||
		    memchr(rep->checks[i].cert.subject, '\0',
		    sizeof(rep->checks[i].cert.subject)) == NULL)
			abort();
	return 0;
}
