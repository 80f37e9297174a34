/* parse.h: value parsers for the config and the command line.
 * Each returns 0 on success or -1 with a reason in err. */
#ifndef PARSE_H
#define PARSE_H

#include <stddef.h>

#define DURATION_MAX_MS (3600L * 1000)	/* one hour */

/*
 * The one parser of times: a number (a fraction too: "1.5s") and a unit,
 * ms, s, m, h, and with days d; "0" alone where min_ms is 0. Into *ms, in
 * [min_ms, max_ms]; the message names the range or the missing unit.
 */
int parse_time(const char *s, long long min_ms, long long max_ms, int days,
    long long *ms, char *err, size_t errlen);

/* A duration, "800ms", "1.5s", "2m", "1h": 1ms..1h. */
int parse_duration(const char *s, long *ms, char *err, size_t errlen);

#define PERIOD_MAX_S (3650LL * 86400)	/* ten years */

/* A period of days to seconds: "14d", "36h", "90m", "30s", or "0";
 * 0..3650d, into seconds. */
int parse_period(const char *s, long long *seconds, char *err, size_t errlen);

/* yes/no/true/false/on/off/1/0, any case. */
int parse_bool(const char *s, int *out, char *err, size_t errlen);

/* A whole number in [0, max]. */
int parse_count(const char *s, unsigned long long max,
    unsigned long long *out, char *err, size_t errlen);

/*
 * A size: bytes with an optional unit (B, KiB, MiB, GiB, TiB, KB, MB, GB,
 * TB), or a percentage "5%". Sets exactly one of *bytes or *percent and
 * the other to 0; *percent is in hundredths (5% -> 500, 0.5% -> 50).
 */
int parse_size(const char *s, unsigned long long *bytes, unsigned *percent,
    char *err, size_t errlen);

struct status_range {
	int lo, hi;
};
#define STATUS_RANGES_MAX 16

/* "200-399", "200,204 301-302": codes 100..599, separated by commas or spaces. */
int parse_status_list(const char *s, struct status_range *out, size_t *n,
    char *err, size_t errlen);
int status_match(const struct status_range *, size_t n, long code);

/*
 * "host:port", "[v6]:port", or with empty_host ":port" (host then "").
 * Port 1..65535. Returns 0 or -1.
 */
int parse_hostport(const char *s, int empty_host, char *host, size_t hostlen,
    unsigned *port);

#define KIND_NAMES "liveness readiness startup all"

/* Probe kinds ("liveness readiness startup all") to enum probe_kind bits. */
int parse_kinds(const char *s, unsigned *kinds, char *err, size_t errlen);
unsigned kind_from_name(const char *name);	/* 0 if unknown */
const char *kind_name(unsigned kind);

/*
 * Expand ${VAR} and ${VAR:-default} from the environment; a default may
 * itself hold ${...} (nested up to 8 deep), "$${" stands for a literal
 * "${". Returns a string the caller frees, or NULL with err
 * filled (unset variable without default, syntax, or out of memory).
 */
char *expand_env(const char *s, char *err, size_t errlen);

/*
 * The next word of *p, split on spaces, tabs and commas, copied into buf.
 * Returns 1 with *p advanced, 0 at the end, -1 when the word is too long
 * (*p is then past it).
 */
int next_word(const char **p, char *buf, size_t buflen);

#endif
