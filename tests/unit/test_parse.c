#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "parse.h"
#include "probe.h"
#include "util.h"

static char err[256];

Test(parse, durations)
{
	static const struct { const char *s; long ms; } ok[] = {
		{ "800ms", 800 }, { "1s", 1000 }, { "1.5s", 1500 }, { "2m", 120000 },
		{ "1h", 3600000 }, { "0.5h", 1800000 }, { "1ms", 1 }, { "3600s", 3600000 },
		{ "0.25s", 250 }, { "60m", 3600000 },
	};
	static const char *const bad[] = {
		"", "ms", "s", "2", "0.5", "-1s", "1.s", " 1s", "1s ", "1 s", "1e3", "fast",
		".5s", "99999999999999999999s", "61m", "2h", "1d",
	};
	size_t i;
	long ms;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cr_expect_eq(parse_duration(ok[i].s, &ms, err, sizeof(err)), 0, "%s", ok[i].s);
		cr_expect_eq(ms, ok[i].ms, "%s gave %ld", ok[i].s, ms);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(parse_duration(bad[i], &ms, err, sizeof(err)), -1,
		    "'%s' accepted", bad[i]);
	parse_duration("fast", &ms, err, sizeof(err));
	cr_expect_str_eq(err, "invalid duration 'fast' (a number and a unit: 800ms, 2s, 1m or 1h)");
	parse_duration("500 ms", &ms, err, sizeof(err));
	cr_expect_str_eq(err, "invalid duration '500 ms' (a number and a unit: 800ms, 2s, 1m or 1h)");
	parse_duration("2", &ms, err, sizeof(err));
	cr_expect_str_eq(err, "duration '2' has no unit (write 2ms or 2s)");
	parse_duration("61m", &ms, err, sizeof(err));
	cr_expect_str_eq(err, "duration '61m' is out of range (1ms to 1h)");
	parse_duration("0", &ms, err, sizeof(err));
	cr_expect_str_eq(err, "duration '0' is out of range (1ms to 1h)");
	parse_duration("3601s", &ms, err, sizeof(err));
	cr_expect_str_eq(err, "duration '3601s' is out of range (1ms to 1h)");
	cr_expect_eq(parse_duration("0.0001s", &ms, err, sizeof(err)), -1);
}

Test(parse, periods)
{
	static const struct { const char *s; long long sec; } ok[] = {
		{ "14d", 14 * 86400 }, { "36h", 36 * 3600 }, { "90m", 5400 },
		{ "30s", 30 }, { "0", 0 }, { "0d", 0 }, { "1.5d", 129600 },
		{ "3650d", 3650LL * 86400 },
	};
	static const char *const bad[] = {
		"", "d", "14", "1w", "-1d", "14 d", "14d ", "soon", "3651d",
		"1e3d", "99999999999999999999d",
	};
	size_t i;
	long long sec;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cr_expect_eq(parse_period(ok[i].s, &sec, err, sizeof(err)), 0, "%s", ok[i].s);
		cr_expect_eq(sec, ok[i].sec, "%s gave %lld", ok[i].s, sec);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(parse_period(bad[i], &sec, err, sizeof(err)), -1,
		    "'%s' accepted", bad[i]);
	parse_period("soon", &sec, err, sizeof(err));
	cr_expect_str_eq(err, "invalid period 'soon' (a number and a unit: 14d, 36h, 90m or 0)");
	parse_period("3651d", &sec, err, sizeof(err));
	cr_expect_str_eq(err, "period '3651d' is out of range (0 to 3650d)");
}

Test(parse, booleans)
{
	static const char *const yes[] = { "yes", "true", "on", "1", "YES", "True" };
	static const char *const no[] = { "no", "false", "off", "0", "No" };
	static const char *const bad[] = { "", "y", "2", "maybe", "yes " };
	size_t i;
	int v;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		v = 0;
		cr_expect_eq(parse_bool(yes[i], &v, err, sizeof(err)), 0);
		cr_expect_eq(v, 1, "%s", yes[i]);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		v = 1;
		cr_expect_eq(parse_bool(no[i], &v, err, sizeof(err)), 0);
		cr_expect_eq(v, 0, "%s", no[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(parse_bool(bad[i], &v, err, sizeof(err)), -1, "%s", bad[i]);
	cr_expect_str_eq(err, "invalid boolean 'yes ' (use yes or no)");
}

Test(parse, sizes)
{
	static const struct { const char *s; unsigned long long b; unsigned pct; } ok[] = {
		{ "0", 0, 0 }, { "512", 512, 0 }, { "512B", 512, 0 },
		{ "64MiB", 64ULL << 20, 0 }, { "1GiB", 1ULL << 30, 0 },
		{ "1.5KiB", 1536, 0 }, { "500MB", 500000000ULL, 0 },
		{ "2TiB", 2ULL << 40, 0 }, { "1kib", 1024, 0 },
		{ "5%", 0, 500 }, { "0.5%", 0, 50 }, { "100%", 0, 10000 },
		{ "12.34%", 0, 1234 },
	};
	static const char *const bad[] = {
		"", "%", "MiB", "1XB", "-1", "101%", "1 MiB", "1.MiB", "99999999999999TiB",
	};
	unsigned long long b;
	unsigned pct;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cr_expect_eq(parse_size(ok[i].s, &b, &pct, err, sizeof(err)), 0, "%s: %s",
		    ok[i].s, err);
		cr_expect_eq(b, ok[i].b, "%s gave %llu", ok[i].s, b);
		cr_expect_eq(pct, ok[i].pct, "%s gave %u", ok[i].s, pct);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(parse_size(bad[i], &b, &pct, err, sizeof(err)), -1,
		    "'%s' accepted", bad[i]);
	parse_size("1XB", &b, &pct, err, sizeof(err));
	cr_expect_str_eq(err, "invalid size '1XB' (examples: 64MiB, 1GiB, 500MB, 5%)");
	parse_size("101%", &b, &pct, err, sizeof(err));
	cr_expect_str_eq(err, "percentage '101%' is over 100%");
}

Test(parse, counts)
{
	unsigned long long v;

	cr_expect_eq(parse_count("1000", 1ULL << 62, &v, err, sizeof(err)), 0);
	cr_expect_eq(v, 1000);
	cr_expect_eq(parse_count("-1", 100, &v, err, sizeof(err)), -1);
	cr_expect_eq(parse_count("101", 100, &v, err, sizeof(err)), -1);
	cr_expect_str_eq(err, "number '101' is out of range (0 to 100)");
	cr_expect_eq(parse_count("99999999999999999999999", 100, &v, err, sizeof(err)), -1);
	cr_expect_eq(parse_count("12x", 100, &v, err, sizeof(err)), -1);
	cr_expect_str_eq(err, "invalid number '12x'");
}

Test(parse, status_lists)
{
	struct status_range r[STATUS_RANGES_MAX];
	size_t n;

	cr_assert_eq(parse_status_list("200-399", r, &n, err, sizeof(err)), 0);
	cr_expect_eq(n, 1);
	cr_expect(status_match(r, n, 200));
	cr_expect(status_match(r, n, 302));
	cr_expect(status_match(r, n, 399));
	cr_expect_not(status_match(r, n, 199));
	cr_expect_not(status_match(r, n, 400));
	cr_expect_not(status_match(r, n, 0));

	cr_assert_eq(parse_status_list("200,204 301-302", r, &n, err, sizeof(err)), 0);
	cr_expect_eq(n, 3);
	cr_expect(status_match(r, n, 204));
	cr_expect(status_match(r, n, 301));
	cr_expect_not(status_match(r, n, 201));
	cr_expect_not(status_match(r, n, 303));

	cr_expect_eq(parse_status_list("99", r, &n, err, sizeof(err)), -1);
	cr_expect_str_eq(err,
	    "invalid status list '99' (codes 100-599 or ranges such as 200-399)");
	cr_expect_eq(parse_status_list("600", r, &n, err, sizeof(err)), -1);
	cr_expect_eq(parse_status_list("300-200", r, &n, err, sizeof(err)), -1);
	cr_expect_eq(parse_status_list("2xx", r, &n, err, sizeof(err)), -1);
	cr_expect_eq(parse_status_list("200-", r, &n, err, sizeof(err)), -1);
	cr_expect_eq(parse_status_list(",", r, &n, err, sizeof(err)), -1);
	cr_expect_eq(parse_status_list("2000", r, &n, err, sizeof(err)), -1);
	cr_expect_eq(parse_status_list("200 201 202 203 204 205 206 207 208 209 "
	    "210 211 212 213 214 215 216", r, &n, err, sizeof(err)), -1);
	cr_expect_str_eq(err, "too many status ranges (at most 16)");
}

Test(parse, kinds)
{
	unsigned k;

	cr_expect_eq(parse_kinds("liveness readiness", &k, err, sizeof(err)), 0);
	cr_expect_eq(k, KIND_LIVENESS | KIND_READINESS);
	cr_expect_eq(parse_kinds("startup", &k, err, sizeof(err)), 0);
	cr_expect_eq(k, KIND_STARTUP);
	cr_expect_eq(parse_kinds("all", &k, err, sizeof(err)), 0);
	cr_expect_eq(k, KIND_ALL);
	cr_expect_eq(parse_kinds("liveness,startup", &k, err, sizeof(err)), 0);
	cr_expect_eq(k, KIND_LIVENESS | KIND_STARTUP);
	cr_expect_eq(parse_kinds("liveness sometimes", &k, err, sizeof(err)), -1);
	cr_expect_str_eq(err, "invalid probe kinds 'liveness sometimes' "
	    "(use liveness, readiness, startup or all)");
	cr_expect_eq(kind_from_name("Liveness"), 0);
	cr_expect_str_eq(kind_name(KIND_READINESS), "readiness");
}

static void
expect_expand(const char *in, const char *out)
{
	char *s = expand_env(in, err, sizeof(err));

	cr_assert_not_null(s, "%s: %s", in, err);
	cr_expect_str_eq(s, out, "%s gave %s", in, s);
	free(s);
}

static void
expect_expand_error(const char *in, const char *msg)
{
	char *s = expand_env(in, err, sizeof(err));

	cr_expect_null(s, "%s expanded", in);
	free(s);
	cr_expect_str_eq(err, msg);
}

Test(parse, expand_env)
{
	char *big;

	setenv("PROBE_T_POD", "app-python-0", 1);
	setenv("PROBE_T_EMPTY", "", 1);
	unsetenv("PROBE_T_UNSET");
	expect_expand("/data/${PROBE_T_POD}", "/data/app-python-0");
	expect_expand("${PROBE_T_POD}${PROBE_T_POD}", "app-python-0app-python-0");
	expect_expand("${PROBE_T_UNSET:-pod}", "pod");
	expect_expand("${PROBE_T_EMPTY:-x}", "x");
	expect_expand("a${PROBE_T_EMPTY}b", "ab");
	expect_expand("${PROBE_T_UNSET:-}", "");
	expect_expand("${PROBE_T_UNSET:-a:-b}", "a:-b");
	expect_expand("$${PROBE_T_POD}", "${PROBE_T_POD}");
	expect_expand("cost $5 and $HOME", "cost $5 and $HOME");
	expect_expand("$", "$");
	expect_expand("", "");
	expect_expand_error("/data/${PROBE_T_UNSET}",
	    "environment variable 'PROBE_T_UNSET' is not set (use ${PROBE_T_UNSET:-default})");
	expect_expand_error("${PROBE_T_POD", "unterminated '${' in '${PROBE_T_POD'");
	expect_expand_error("${}", "invalid variable name in '${}'");
	expect_expand_error("${1A}", "invalid variable name in '${1A}'");
	expect_expand_error("${A-B}", "invalid variable name in '${A-B}'");
	/* Nested defaults expand, or are an error; never a literal. */
	expect_expand("${PROBE_T_UNSET:-${PROBE_T_POD}}", "app-python-0");
	expect_expand("${PROBE_T_UNSET:-/d/${PROBE_T_POD}/x}", "/d/app-python-0/x");
	expect_expand("${PROBE_T_UNSET:-${PROBE_T_EMPTY:-${PROBE_T_POD}}}!",
	    "app-python-0!");
	expect_expand("${PROBE_T_POD:-${PROBE_T_UNSET}}", "app-python-0");
	expect_expand("${PROBE_T_UNSET:-$${X}}", "${X}");
	expect_expand_error("${PROBE_T_UNSET:-${PROBE_T_UNSET}}",
	    "environment variable 'PROBE_T_UNSET' is not set (use ${PROBE_T_UNSET:-default})");
	expect_expand_error("${A:-${B}", "unterminated '${' in '${A:-${B}'");
	expect_expand_error("${A:-${B:-${C:-${D:-${E:-${F:-${G:-${H:-${I:-x}}}}}}}}}",
	    "defaults nested more than 8 deep");

	big = malloc(9000);
	cr_assert_not_null(big);
	memset(big, 'x', 8999);
	big[8999] = '\0';
	setenv("PROBE_T_BIG", big, 1);
	expect_expand_error("${PROBE_T_BIG}",
	    "value is longer than 8191 characters after expansion");
	free(big);
}

Test(parse, next_word)
{
	const char *p = " a,bb\tccc ,, ";
	char w[3];

	cr_expect_eq(next_word(&p, w, sizeof(w)), 1);
	cr_expect_str_eq(w, "a");
	cr_expect_eq(next_word(&p, w, sizeof(w)), 1);
	cr_expect_str_eq(w, "bb");
	cr_expect_eq(next_word(&p, w, sizeof(w)), -1);	/* too long, skipped */
	cr_expect_eq(next_word(&p, w, sizeof(w)), 0);
}

static const char *
sys(int e)
{
	static char buf[200];

	sys_error(buf, sizeof(buf), e, "%s: %s", "/data", "write");
	return buf;
}

/* The one wording of a failed system call, for messages and results. */
Test(util, sys_error_and_sizes)
{
	struct check_result r;
	char buf[64];

	cr_expect_str_eq(sys(EROFS), "/data: write: read-only file system (EROFS)");
	cr_expect_str_eq(sys(ENOSPC), "/data: write: no space left on device (ENOSPC)");
	cr_expect_str_eq(sys(ECONNREFUSED), "/data: write: connection refused");
	cr_expect_str_eq(sys(EDQUOT), "/data: write: disk quota exceeded (EDQUOT)");
	cr_expect_str_eq(sys(ESTALE), "/data: write: stale file handle (ESTALE)");
	cr_expect_str_eq(sys(ENOENT), "/data: write: no such file or directory (ENOENT)");
	cr_expect_eq(result_sys(&r, EACCES, "%s", "/x"), PROBE_UNHEALTHY);
	cr_expect_not(r.healthy);
	cr_expect_str_eq(r.message, "/x: permission denied (EACCES)");
	cr_expect_str_eq(format_size(512, buf, sizeof(buf)), "512 B");
	cr_expect_str_eq(format_size(1536, buf, sizeof(buf)), "1.5 KiB");
	cr_expect_str_eq(format_size(64ULL << 20, buf, sizeof(buf)), "64.0 MiB");
	cr_expect_str_eq(format_size(3ULL << 40, buf, sizeof(buf)), "3.0 TiB");
}
