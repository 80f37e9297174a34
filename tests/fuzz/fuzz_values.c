/* fuzz_values.c: every value parser; the first byte picks which. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct status_range r[STATUS_RANGES_MAX];
	unsigned long long u;
	char err[256], host[256], word[16], *s, *e;
	const char *p;
	unsigned pct, port, k;
	size_t n;
	long ms;
	long long ll;
	int b;

	if (size < 1)
		return 0;
	if ((s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 10) {
	case 0:
		if (parse_duration(s, &ms, err, sizeof(err)) == 0 &&
		    (ms < 1 || ms > DURATION_MAX_MS))
			abort();
		break;
	case 1:
		parse_bool(s, &b, err, sizeof(err));
		break;
	case 2:
		if (parse_size(s, &u, &pct, err, sizeof(err)) == 0 && pct > 10000)
			abort();
		break;
	case 3:
		parse_count(s, 1ULL << 62, &u, err, sizeof(err));
		break;
	case 4:
		if (parse_status_list(s, r, &n, err, sizeof(err)) == 0) {
			if (n == 0 || n > STATUS_RANGES_MAX)
				abort();
			status_match(r, n, 200);
		}
		break;
	case 5:
		parse_kinds(s, &k, err, sizeof(err));
		break;
	case 6:
		setenv("POD_NAME", "app-python-0", 1);
		if ((e = expand_env(s, err, sizeof(err))) != NULL && strlen(e) > 8191)
			abort();
		free(e);
		break;
	case 7:
		if (parse_hostport(s, data[0] & 16, host, sizeof(host), &port) == 0 &&
		    (port == 0 || port > 65535))
			abort();
		break;
	case 8:
		if (parse_period(s, &ll, err, sizeof(err)) == 0 &&
		    (ll < 0 || ll > PERIOD_MAX_S))
			abort();
		break;
	default:
		for (p = s; next_word(&p, word, sizeof(word)) != 0;)
			;
		break;
	}
	free(s);
	return 0;
}
