#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "checks.h"
#include "report.h"

static struct check checks[3];
static struct config cfg;

static void
add(size_t i, const struct check_type *t, const char *name, int healthy,
    double ms, const char *msg, const char *detail)
{
	checks[i].type = t;
	checks[i].name = (char *)(uintptr_t)name;
	checks[i].selected = 1;
	checks[i].kinds = KIND_ALL;
	checks[i].duration_ms = ms;
	checks[i].result.healthy = healthy;
	snprintf(checks[i].result.message, PROBE_MSG_MAX, "%s", msg);
	snprintf(checks[i].result.detail, PROBE_MSG_MAX, "%s", detail);
	cfg.checks[i] = &checks[i];
	cfg.nchecks = i + 1;
}

static char *
render(const struct report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	report_write(f, r, &cfg);
	fclose(f);
	return buf;
}

static void
setup(void)
{
	memset(checks, 0, sizeof(checks));
	memset(&cfg, 0, sizeof(cfg));
	cfg.path = (char *)(uintptr_t)"config/probe.ini";
	cfg.timeout_ms = 800;
	add(0, check_type_find("http"), "time-server", 1, 2.04, "HTTP 200", "GET http://x/: HTTP 200");
	add(1, check_type_find("mount"), "data", 1, 0.5, "/data: ext4 from /dev/sdb1, rw", "");
	add(2, check_type_find("writable"), "data", 1, 3.25, "/data: writable, 1.0 GiB free", "d");
}

TestSuite(report, .init = setup);

Test(report, healthy_text)
{
	struct report r = { .format = REPORT_TEXT, .verbose = 0, .kind = KIND_READINESS, .duration_ms = 4.4 };
	char *out = render(&r);

	cr_expect_str_eq(out,
	    "healthy: 3 of 3 checks passed (readiness, 4ms)\n"
	    "ok    http      time-server         2.0ms  HTTP 200\n"
	    "ok    mount     data                0.5ms  /data: ext4 from /dev/sdb1, rw\n"
	    "ok    writable  data                3.2ms  /data: writable, 1.0 GiB free\n");
	free(out);
}

Test(report, unhealthy_text_leads_with_the_first_failure)
{
	struct report r = { .format = REPORT_TEXT, .verbose = 1, .kind = KIND_ALL, .duration_ms = 500 };
	char *out;

	checks[1].result.healthy = 0;
	snprintf(checks[1].result.message, PROBE_MSG_MAX,
	    "/data is not a mount point (it is on /, overlay from overlay)");
	checks[2].result.healthy = 0;
	snprintf(checks[2].result.message, PROBE_MSG_MAX, "timed out after 500ms");
	checks[0].selected = 1;
	out = render(&r);
	cr_expect_str_eq(out,
	    "unhealthy: mount \"data\": /data is not a mount point (it is on /, "
	    "overlay from overlay)\n"
	    "ok    http      time-server         2.0ms  HTTP 200\n"
	    "      GET http://x/: HTTP 200\n"
	    "FAIL  mount     data                0.5ms  /data is not a mount point "
	    "(it is on /, overlay from overlay)\n"
	    "FAIL  writable  data                3.2ms  timed out after 500ms\n"
	    "      d\n"
	    "sandbox: off (sandbox = no, or --no-sandbox)\n");
	free(out);
}

Test(report, only_selected_checks_are_shown)
{
	struct report r = { .format = REPORT_TEXT, .verbose = 0, .kind = KIND_LIVENESS, .duration_ms = 1 };
	char *out;

	checks[1].selected = 0;
	out = render(&r);
	cr_expect_str_eq(out,
	    "healthy: 2 of 2 checks passed (liveness, 1ms)\n"
	    "ok    http      time-server         2.0ms  HTTP 200\n"
	    "ok    writable  data                3.2ms  /data: writable, 1.0 GiB free\n");
	free(out);
}

Test(report, json)
{
	struct report r = { .format = REPORT_JSON, .verbose = 0, .kind = KIND_STARTUP, .duration_ms = 4.44 };
	char *out;

	checks[2].selected = 0;
	checks[1].result.healthy = 0;
	snprintf(checks[1].result.message, PROBE_MSG_MAX, "say \"no\"\\ \x01");
	out = render(&r);
	cr_expect_str_eq(out,
	    "{\"version\": 1, \"kind\": \"startup\", \"healthy\": false, \"duration_ms\": 4.4, "
	    "\"checks\": [{\"name\": \"time-server\", \"type\": \"http\", "
	    "\"healthy\": true, \"duration_ms\": 2.0, \"message\": \"HTTP 200\"}, "
	    "{\"name\": \"data\", \"type\": \"mount\", \"healthy\": false, "
	    "\"duration_ms\": 0.5, \"message\": \"say \\\"no\\\"\\\\ \\u0001\"}]}\n");
	free(out);
}

Test(report, json_verbose_adds_detail)
{
	struct report r = { .format = REPORT_JSON, .verbose = 1, .kind = KIND_ALL, .duration_ms = 1 };
	char *out;

	checks[1].selected = checks[2].selected = 0;
	out = render(&r);
	cr_expect_str_eq(out,
	    "{\"version\": 1, \"kind\": \"all\", \"healthy\": true, \"duration_ms\": 1.0, "
	    "\"checks\": [{\"name\": \"time-server\", \"type\": \"http\", "
	    "\"healthy\": true, \"duration_ms\": 2.0, \"message\": \"HTTP 200\", "
	    "\"detail\": \"GET http://x/: HTTP 200\"}]}\n");
	free(out);
}

Test(report, check_config_lists_checks_per_kind)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	checks[1].kinds = KIND_READINESS;
	checks[2].kinds = KIND_LIVENESS;
	checks[0].kinds = KIND_LIVENESS | KIND_READINESS;
	report_config(f, &cfg);
	fclose(f);
	cr_expect_str_eq(buf,
	    "config/probe.ini: ok, 3 checks, deadline 800ms\n"
	    "liveness   http \"time-server\", writable \"data\"\n"
	    "readiness  http \"time-server\", mount \"data\"\n"
	    "startup    (none)\n"
	    "sandbox    off (sandbox = no, or --no-sandbox)\n");
	free(buf);
}

static char *
render_wait(const struct report *r, const struct wait_progress *w)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	report_wait(f, r, &cfg, w);
	fclose(f);
	return buf;
}

Test(report, wait_text)
{
	struct report r = { .format = REPORT_TEXT, .verbose = 0, .kind = KIND_ALL, .duration_ms = 0 };
	struct wait_progress w = { WAIT_START, 0, 0, 300000, 1000, NULL, NULL, NULL, 0 };
	char *out;

	out = render_wait(&r, &w);
	cr_expect_str_eq(out, "waiting up to 5m for 3 checks (all), retrying every 1.0s or more\n");
	free(out);
	checks[1].result.healthy = 0;
	w = (struct wait_progress){ WAIT_FAILING, 2500, 2, 0, 0, NULL, &checks[1],
	    "not a mount point", 0 };
	out = render_wait(&r, &w);
	cr_expect_str_eq(out, "still waiting after 2.5s: mount \"data\": not a mount point\n");
	free(out);
	w.event = WAIT_GAVE_UP;
	w.elapsed_ms = 90000;
	out = render_wait(&r, &w);
	cr_expect_str_eq(out,
	    "gave up after 1m30s (2 runs): mount \"data\": not a mount point\n"
	    "ok    http      time-server         2.0ms  HTTP 200\n"
	    "FAIL  mount     data                0.5ms  /data: ext4 from /dev/sdb1, rw\n"
	    "ok    writable  data                3.2ms  /data: writable, 1.0 GiB free\n");
	free(out);
	w.quiet = 1;
	w.event = WAIT_STOPPED;
	w.signal = "SIGTERM";
	out = render_wait(&r, &w);
	cr_expect_str_eq(out, "stopped by SIGTERM after 1m30s (2 runs): mount \"data\": "
	    "not a mount point\n");
	free(out);
}

Test(report, wait_json)
{
	struct report r = { .format = REPORT_JSON, .verbose = 0, .kind = KIND_READINESS, .duration_ms = 0 };
	struct wait_progress w = { WAIT_READY, 812.25, 3, 0, 0, NULL, NULL, NULL, 0 };
	char *out = render_wait(&r, &w);

	cr_expect_str_eq(out, "{\"version\": 1, \"event\": \"ready\", \"kind\": \"readiness\", "
	    "\"healthy\": true, \"elapsed_ms\": 812.2, \"runs\": 3}\n");
	free(out);
}
