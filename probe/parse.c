#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"
#include "probe.h"
#include "util.h"

#define EXPAND_MAX 8192
#define EXPAND_DEPTH_MAX 8	/* ${A:-${B:-...}} */

/* Parse "123" or "123.45" into thousandths; returns the end or NULL. */
static const char *
parse_milli(const char *s, unsigned long long limit, unsigned long long *out)
{
	unsigned long long v = 0;
	int digits = 0, scale = 1000;

	for (; isdigit((unsigned char)*s); s++, digits++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > limit)
			return NULL;
	}
	v *= 1000;
	if (*s == '.' && digits > 0) {
		s++;
		if (!isdigit((unsigned char)*s))
			return NULL;
		for (; isdigit((unsigned char)*s); s++) {
			scale /= 10;
			v += (unsigned long long)(*s - '0') * (unsigned)scale;
		}
	}
	if (digits == 0)
		return NULL;
	*out = v;
	return s;
}

/* "1ms to 1h", "0 to 3650d": a bound for people. */
static const char *
time_text(long long ms, int days, char *buf, size_t len)
{
	static const struct { const char *unit; long long ms; } units[] = {
		{ "d", 86400000 }, { "h", 3600000 }, { "m", 60000 }, { "s", 1000 },
	};
	size_t i;

	for (i = days ? 0 : 1; i < sizeof(units) / sizeof(units[0]) && ms > 0; i++)
		if (ms % units[i].ms == 0) {
			snprintf(buf, len, "%lld%s", ms / units[i].ms, units[i].unit);
			return buf;
		}
	snprintf(buf, len, ms == 0 ? "0" : "%lldms", ms);
	return buf;
}

int
parse_time(const char *s, long long min_ms, long long max_ms, int days,
    long long *ms, char *err, size_t errlen)
{
	static const struct { const char *unit; long long ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
		{ "d", 86400000 },
	};
	const char *what = days ? "period" : "duration";
	char lo[24], hi[24];
	unsigned long long milli;
	const char *end = parse_milli(s, (unsigned long long)max_ms, &milli);
	size_t i, n = days ? 5 : 4;

	if (end != NULL && *end == '\0' && milli == 0) {
		if (min_ms == 0) {
			*ms = 0;	/* "0" needs no unit */
			return 0;
		}
		end = "ms";	/* below the range, whatever its unit */
	}
	for (i = 0; end != NULL && *end != '\0' && i < n; i++) {
		if (strcmp(end, units[i].unit) != 0)
			continue;
		if (milli / 1000 > (unsigned long long)(max_ms / units[i].ms) ||
		    milli * (unsigned long long)units[i].ms / 1000 > (unsigned long long)max_ms ||
		    milli * (unsigned long long)units[i].ms / 1000 < (unsigned long long)min_ms) {
			snprintf(err, errlen, "%s '%s' is out of range (%s to %s)", what, s,
			    time_text(min_ms, days, lo, sizeof(lo)),
			    time_text(max_ms, days, hi, sizeof(hi)));
			return -1;
		}
		*ms = (long long)(milli * (unsigned long long)units[i].ms / 1000);
		return 0;
	}
	if (end != NULL && *end == '\0')
		snprintf(err, errlen, "%s '%s' has no unit (write %sms or %ss)", what, s, s, s);
	else
		snprintf(err, errlen, "invalid %s '%s' (a number and a unit: %s)", what, s,
		    days ? "14d, 36h, 90m or 0" : "800ms, 2s, 1m or 1h");
	return -1;
}

int
parse_duration(const char *s, long *ms, char *err, size_t errlen)
{
	long long v;

	if (parse_time(s, 1, DURATION_MAX_MS, 0, &v, err, errlen) != 0)
		return -1;
	*ms = (long)v;
	return 0;
}

int
parse_period(const char *s, long long *seconds, char *err, size_t errlen)
{
	long long v;

	if (parse_time(s, 0, PERIOD_MAX_S * 1000, 1, &v, err, errlen) != 0)
		return -1;
	*seconds = v / 1000;
	return 0;
}

int
parse_bool(const char *s, int *out, char *err, size_t errlen)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	snprintf(err, errlen, "invalid boolean '%s' (use yes or no)", s);
	return -1;
}

int
parse_count(const char *s, unsigned long long max, unsigned long long *out,
    char *err, size_t errlen)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0')
		goto bad;
	if (errno == ERANGE || v > max) {
		snprintf(err, errlen, "number '%s' is out of range (0 to %llu)", s, max);
		return -1;
	}
	*out = v;
	return 0;
bad:
	snprintf(err, errlen, "invalid number '%s'", s);
	return -1;
}

int
parse_size(const char *s, unsigned long long *bytes, unsigned *percent,
    char *err, size_t errlen)
{
	static const struct { const char *unit; unsigned long long mul; } units[] = {
		{ "", 1 }, { "B", 1 },
		{ "KiB", 1ULL << 10 }, { "MiB", 1ULL << 20 },
		{ "GiB", 1ULL << 30 }, { "TiB", 1ULL << 40 },
		{ "KB", 1000ULL }, { "MB", 1000000ULL },
		{ "GB", 1000000000ULL }, { "TB", 1000000000000ULL },
	};
	unsigned long long milli;
	const char *end;
	size_t i;

	end = parse_milli(s, 1ULL << 50, &milli);
	if (end == NULL)
		goto bad;
	if (strcmp(end, "%") == 0) {
		if (milli > 100000) {
			snprintf(err, errlen, "percentage '%s' is over 100%%", s);
			return -1;
		}
		*bytes = 0;
		*percent = (unsigned)(milli / 10);
		return 0;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(end, units[i].unit) != 0)
			continue;
		if (milli / 1000 >= ULLONG_MAX / units[i].mul) {
			snprintf(err, errlen, "size '%s' is too large", s);
			return -1;
		}
		*bytes = milli / 1000 * units[i].mul +
		    milli % 1000 * units[i].mul / 1000;
		*percent = 0;
		return 0;
	}
bad:
	snprintf(err, errlen,
	    "invalid size '%s' (examples: 64MiB, 1GiB, 500MB, 5%%)", s);
	return -1;
}

int
next_word(const char **p, char *buf, size_t buflen)
{
	const char *s = *p;
	size_t n;

	s += strspn(s, " \t,");
	if (*s == '\0')
		return 0;
	n = strcspn(s, " \t,");
	*p = s + n;
	if (n >= buflen)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 1;
}

static int
parse_status_code(const char *s, const char *end, int *code)
{
	int v = 0;

	if (end - s != 3)
		return -1;
	for (; s < end; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v < 100 || v > 599)
		return -1;
	*code = v;
	return 0;
}

int
parse_status_list(const char *s, struct status_range *out, size_t *n,
    char *err, size_t errlen)
{
	char word[16];
	const char *p = s, *dash;
	int r;

	*n = 0;
	while ((r = next_word(&p, word, sizeof(word))) == 1) {
		struct status_range sr;

		dash = strchr(word, '-');
		if (dash == NULL) {
			if (parse_status_code(word, word + strlen(word), &sr.lo) != 0)
				goto bad;
			sr.hi = sr.lo;
		} else if (parse_status_code(word, dash, &sr.lo) != 0 ||
		    parse_status_code(dash + 1, dash + 1 + strlen(dash + 1), &sr.hi) != 0 ||
		    sr.lo > sr.hi)
			goto bad;
		if (*n == STATUS_RANGES_MAX) {
			snprintf(err, errlen, "too many status ranges (at most %d)",
			    STATUS_RANGES_MAX);
			return -1;
		}
		out[(*n)++] = sr;
	}
	if (r == 0 && *n > 0)
		return 0;
bad:
	snprintf(err, errlen,
	    "invalid status list '%s' (codes 100-599 or ranges such as 200-399)", s);
	return -1;
}

int
status_match(const struct status_range *r, size_t n, long code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (code >= r[i].lo && code <= r[i].hi)
			return 1;
	return 0;
}

int
parse_hostport(const char *s, int empty_host, char *host, size_t hostlen,
    unsigned *port)
{
	const char *colon, *h = s;
	unsigned long long p;
	size_t n;
	char err[64];

	if (*s == '[') {
		if ((colon = strchr(s, ']')) == NULL || colon[1] != ':')
			return -1;
		h = s + 1;
		n = (size_t)(colon - h);
		colon++;
		if (n == 0)
			return -1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL ||
		    memchr(s, ':', (size_t)(colon - s)) != NULL)
			return -1;
		n = (size_t)(colon - s);
	}
	if ((n == 0 && !empty_host) || n >= hostlen ||
	    parse_count(colon + 1, 65535, &p, err, sizeof(err)) != 0 || p == 0)
		return -1;
	memcpy(host, h, n);
	host[n] = '\0';
	*port = (unsigned)p;
	return 0;
}

static const struct { const char *name; unsigned bits; } kinds[] = {
	{ "liveness", KIND_LIVENESS },
	{ "readiness", KIND_READINESS },
	{ "startup", KIND_STARTUP },
	{ "all", KIND_ALL },
};

unsigned
kind_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(name, kinds[i].name) == 0)
			return kinds[i].bits;
	return 0;
}

const char *
kind_name(unsigned kind)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kind == kinds[i].bits)
			return kinds[i].name;
	return "?";
}

int
parse_kinds(const char *s, unsigned *out, char *err, size_t errlen)
{
	char word[32], near[32];
	const char *p = s;
	unsigned k, bits = 0;
	int r;

	while ((r = next_word(&p, word, sizeof(word))) == 1) {
		if ((k = kind_from_name(word)) == 0)
			break;
		bits |= k;
	}
	if (r == 0 && bits != 0) {
		*out = bits;
		return 0;
	}
	if (r == 1 && closest_word(word, KIND_NAMES, near, sizeof(near)) != NULL)
		snprintf(err, errlen, "invalid probe kinds '%s' (did you mean %s?)", s, near);
	else
		snprintf(err, errlen, "invalid probe kinds '%s' (use liveness, "
		    "readiness, startup or all)", s);
	return -1;
}

static int
append(char *buf, size_t *len, const char *s, size_t n)
{
	if (*len + n >= EXPAND_MAX)
		return -1;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
	return 0;
}

/* The '}' that closes the "${" before p, nested ones skipped; or NULL. */
static const char *
closing_brace(const char *p)
{
	int depth = 1;

	for (; *p != '\0'; p++) {
		if (strncmp(p, "$${", 3) == 0)
			p += 2;
		else if (p[0] == '$' && p[1] == '{')
			depth++, p++;
		else if (*p == '}' && --depth == 0)
			return p;
	}
	return NULL;
}

static int expand_into(const char *s, size_t slen, int depth, char *buf,
    size_t *len, char *err, size_t errlen);

/* One ${NAME} or ${NAME:-default} at p, closed at close, into buf. */
static int
expand_one(const char *p, const char *close, int depth, char *buf, size_t *len,
    char *err, size_t errlen)
{
	const char *sep, *val;
	char name[128];
	size_t nlen;

	sep = strstr(p + 2, ":-");
	if (sep == NULL || sep > close)
		sep = close;
	nlen = (size_t)(sep - (p + 2));
	if (nlen == 0 || nlen >= sizeof(name) ||
	    strspn(p + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_") != nlen || isdigit((unsigned char)p[2])) {
		snprintf(err, errlen, "invalid variable name in '%.*s'",
		    (int)(close - p + 1), p);
		return -1;
	}
	memcpy(name, p + 2, nlen);
	name[nlen] = '\0';
	val = getenv(name);
	if (sep != close && (val == NULL || *val == '\0'))
		return expand_into(sep + 2, (size_t)(close - sep - 2), depth + 1,
		    buf, len, err, errlen);
	if (val == NULL) {
		snprintf(err, errlen,
		    "environment variable '%s' is not set (use ${%s:-default})",
		    name, name);
		return -1;
	}
	return append(buf, len, val, strlen(val)) == 0 ? 0 : 1;
}

/* Expand slen bytes of s into buf: 0, -1 with err filled, 1 too long. */
static int
expand_into(const char *s, size_t slen, int depth, char *buf, size_t *len,
    char *err, size_t errlen)
{
	const char *p, *end = s + slen, *close;
	size_t n;
	int r;

	if (depth > EXPAND_DEPTH_MAX) {
		snprintf(err, errlen, "defaults nested more than %d deep",
		    EXPAND_DEPTH_MAX);
		return -1;
	}
	for (p = s; p < end;) {
		if ((size_t)(end - p) >= 3 && strncmp(p, "$${", 3) == 0) {
			if (append(buf, len, "${", 2) != 0)
				return 1;
			p += 3;
			continue;
		}
		if ((size_t)(end - p) < 2 || strncmp(p, "${", 2) != 0) {
			for (n = 1; p + n < end && p[n] != '$'; n++)
				;
			if (append(buf, len, p, n) != 0)
				return 1;
			p += n;
			continue;
		}
		if ((close = closing_brace(p + 2)) == NULL || close >= end) {
			snprintf(err, errlen, "unterminated '${' in '%.*s'",
			    (int)(end - p), p);
			return -1;
		}
		if ((r = expand_one(p, close, depth, buf, len, err, errlen)) != 0)
			return r;
		p = close + 1;
	}
	return 0;
}

char *
expand_env(const char *s, char *err, size_t errlen)
{
	char buf[EXPAND_MAX], *ret;
	size_t len = 0;
	int r;

	buf[0] = '\0';
	if ((r = expand_into(s, strlen(s), 0, buf, &len, err, errlen)) > 0)
		snprintf(err, errlen,
		    "value is longer than %d characters after expansion",
		    EXPAND_MAX - 1);
	if (r != 0)
		return NULL;
	if ((ret = strdup(buf)) == NULL)
		snprintf(err, errlen, "out of memory");
	return ret;
}
