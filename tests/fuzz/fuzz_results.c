/*
 * fuzz_results.c: what a parent does with the bytes a check's process
 * writes into its result pipe (a compromised check writes any): each
 * result cleaned as run.c does, then the text and JSON reports and the
 * --check-config listing; the JSON must parse, every message must stay
 * within its bounds and be one line of valid UTF-8.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "config.h"
#include "report.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct check_type fuzz_type = { .name = "fuzz" };

static void
valid_line(const char *s, size_t size)
{
	size_t i = 0, n;

	if (memchr(s, '\0', size) == NULL)
		abort();
	while (s[i] != '\0') {
		if ((unsigned char)s[i] < 0x20 || (n = utf8_seq(s + i)) == 0)
			abort();
		i += n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct check checks[PROBE_MAX_CHECKS];
	static char name[] = "c";
	struct report rep = { REPORT_JSON, 1, KIND_ALL, 1, 0 };
	struct config cfg;
	struct check_result r;
	char *out = NULL;
	size_t i, n, len = 0, at = 1;
	FILE *f;
	cJSON *doc;

	if (size < 1)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.nchecks = (size_t)(data[0] % PROBE_MAX_CHECKS) + 1;
	for (i = 0; i < cfg.nchecks; i++) {
		memset(&r, 0, sizeof(r));
		n = size - at < sizeof(r) ? size - at : sizeof(r);
		memcpy(&r, data + at, n);
		at = at + n < size ? at + n : 1;
		result_clean(&r);
		valid_line(r.message, sizeof(r.message));
		valid_line(r.detail, sizeof(r.detail));
		valid_line(r.cert.subject, sizeof(r.cert.subject));
		if ((r.healthy != 0 && r.healthy != 1) || (r.cert.seen != 0 && r.cert.seen != 1))
			abort();
		memset(&checks[i], 0, sizeof(checks[i]));
		checks[i].type = &fuzz_type;
		checks[i].name = name;
		checks[i].kinds = KIND_ALL;
		checks[i].selected = 1;
		checks[i].result = r;
		cfg.checks[i] = &checks[i];
	}
	cfg.path = name;
	if ((f = open_memstream(&out, &len)) == NULL)
		return 0;
	report_write(f, &rep, &cfg);
	fclose(f);
	if ((doc = cJSON_ParseWithLength(out, len)) == NULL)
		abort();	/* a JSON report always parses */
	cJSON_Delete(doc);
	free(out);
	if ((f = fopen("/dev/null", "w")) != NULL) {
		rep.format = REPORT_TEXT;
		report_write(f, &rep, &cfg);
		rep.terse = 1;
		report_write(f, &rep, &cfg);
		fclose(f);
	}
	return 0;
}
