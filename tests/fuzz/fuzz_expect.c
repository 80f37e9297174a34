/* fuzz_expect.c: the body assertions. The first byte picks regular
 * expression or JSON; then a pattern or an expect_json line, a NUL, and
 * the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ere.h"
#include "expect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expect e;
	char err[256], msg[240], *s, *body;
	size_t n, blen;

	if (size < 1 || (s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	s[size] = '\0';
	n = strlen(s);
	body = n < size - 1 ? s + n + 1 : s + n;
	blen = (size_t)(s + size - 1 - body);
	memset(&e, 0, sizeof(e));
	if (data[0] & 1) {
		if (expect_json_add(&e, s, err, sizeof(err)) == 0 &&
		    (e.njson != 1 || e.json[0].want == NULL))
			abort();
	} else if (expect_regex_set(&e, s, err, sizeof(err)) == 0 &&
	    (e.re.n < 1 || e.re.n > ERE_PROG_MAX))
		abort();
	if (expect_any(&e))
		expect_judge(&e, body, blen, data[0] & 2, msg, sizeof(msg));
	expect_release(&e);
	free(s);
	return 0;
}
