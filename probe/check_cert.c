/*
 * check_cert.c: is a certificate file (PEM or DER, one or more
 * certificates: a Secret's tls.crt) valid now and for at least
 * min_validity more, does key_file hold its key, does it chain to
 * ca_file? Read with mbedTLS's X.509 parser in both builds.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>

#include "parse.h"
#include "probe.h"
#include "sandbox.h"
#include "util.h"

#define CERT_FILE_MAX (1024 * 1024)	/* a bundle is a few KiB */
#define CERT_NAME_MAX (CHECK_CERT_SUBJECT_MAX - 1)

struct cert_check {
	char *path;
	char *key_file;
	char *ca_file;
	long long min_validity;	/* seconds */
};

static int
cert_set(struct check *c, const char *key, const char *value, char *err,
    size_t errlen)
{
	struct cert_check *k = c->priv;

	if (strcmp(key, "path") == 0)
		return set_path(&k->path, value, err, errlen);
	if (strcmp(key, "key_file") == 0)
		return set_path(&k->key_file, value, err, errlen);
	if (strcmp(key, "ca_file") == 0)
		return set_path(&k->ca_file, value, err, errlen);
	if (strcmp(key, "min_validity") == 0)
		return parse_period(value, &k->min_validity, err, errlen);
	return CHECK_UNKNOWN_KEY;
}

/* Set an unhealthy result; returns -1. */
static int __attribute__((format(printf, 2, 3)))
cert_fail(struct check_result *res, const char *fmt, ...)
{
	char msg[PROBE_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	result_set(res, PROBE_UNHEALTHY, "%s", msg);
	return -1;
}

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
/* mbedTLS 3 wants random bytes to parse and match keys (blinding). */
static int
cert_random(void *ctx, unsigned char *buf, size_t len)
{
	ssize_t r;

	(void)ctx;
	for (; len > 0; buf += r, len -= (size_t)r)
		if ((r = getrandom(buf, len, 0)) <= 0)
			return -1;
	return 0;
}
#endif

/* The subject's CN, else the first DNS name, printable, into buf. */
static const char *
cert_name(const mbedtls_x509_crt *crt, char *buf, size_t len)
{
	const mbedtls_x509_name *n;
	const unsigned char *p = NULL;
	size_t i, plen = 0;

	for (n = &crt->subject; n != NULL && p == NULL; n = n->next)
		if (n->oid.p != NULL && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0)
			p = n->val.p, plen = n->val.len;
	if (p == NULL && crt->subject_alt_names.buf.p != NULL &&
	    crt->subject_alt_names.buf.tag ==
	    (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_X509_SAN_DNS_NAME))
		p = crt->subject_alt_names.buf.p, plen = crt->subject_alt_names.buf.len;
	if (p == NULL || plen == 0) {
		snprintf(buf, len, "(no name)");
		return buf;
	}
	for (i = 0; i < plen && i < CERT_NAME_MAX && i + 1 < len; i++)
		buf[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	buf[i] = '\0';
	return buf;
}

static time_t
cert_time(const mbedtls_x509_time *t)
{
	struct tm tm = { 0 };

	tm.tm_year = t->year - 1900;
	tm.tm_mon = t->mon - 1;
	tm.tm_mday = t->day;
	tm.tm_hour = t->hour;
	tm.tm_min = t->min;
	tm.tm_sec = t->sec;
	return timegm(&tm);
}

/* "3d 4h", "5h 2m", "42s" for a number of seconds; returns buf. */
static const char *
span_text(long long s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%lldd %lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%lldh %lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, len, "%lldm", s / 60);
	else
		snprintf(buf, len, "%llds", s);
	return buf;
}

/* "2026-12-05 10:00 UTC"; returns buf. */
static const char *
date_text(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

/*
 * Parse the certificates of path into chain. Returns 0, or -1 with the
 * result set: the file unreadable, too large, or holding anything that
 * is not a certificate.
 */
static int
cert_load(const char *path, mbedtls_x509_crt *chain, struct check_result *res)
{
	char err[PROBE_MSG_MAX], *buf;
	size_t len;
	int r;

	if ((r = file_read(path, CERT_FILE_MAX, &buf, &len, err, sizeof(err))) < 0)
		return cert_fail(res, "%s", err);
	if (r > 0)
		r = cert_fail(res, "%s: more than 1 MiB, not a "
		    "certificate file", path);
	else if ((r = mbedtls_x509_crt_parse(chain, (unsigned char *)buf,
	    len + (strstr(buf, "-----BEGIN") != NULL))) < 0)
		r = cert_fail(res, "%s: no certificate in it "
		    "(PEM or DER)", path);
	else if (r > 0)
		r = cert_fail(res, "%s: %d of its certificates "
		    "cannot be read", path, r);
	free(buf);
	return r;
}

/* The certificate of chain that expires first. */
static const mbedtls_x509_crt *
cert_first_expiry(const mbedtls_x509_crt *chain)
{
	const mbedtls_x509_crt *c, *first = chain;

	for (c = chain; c != NULL && c->raw.p != NULL; c = c->next)
		if (cert_time(&c->valid_to) < cert_time(&first->valid_to))
			first = c;
	return first;
}

/* A certificate of chain that is not valid yet at now, or NULL. */
static const mbedtls_x509_crt *
cert_future(const mbedtls_x509_crt *chain, time_t now)
{
	const mbedtls_x509_crt *c;

	for (c = chain; c != NULL && c->raw.p != NULL; c = c->next)
		if (cert_time(&c->valid_from) > now)
			return c;
	return NULL;
}

/* Does key_file hold the private key of crt? 0, or -1 with the result. */
static int
cert_key(const char *path, const mbedtls_x509_crt *crt, const char *name,
    struct check_result *res)
{
	mbedtls_pk_context key;
	char err[PROBE_MSG_MAX], *buf;
	size_t len;
	int r;

	if (file_read(path, CERT_FILE_MAX, &buf, &len, err, sizeof(err)) < 0)
		return cert_fail(res, "%s", err);
	mbedtls_pk_init(&key);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	r = mbedtls_pk_parse_key(&key, (unsigned char *)buf,
	    len + (strstr(buf, "-----BEGIN") != NULL), NULL, 0, cert_random, NULL);
	if (r == 0)
		r = mbedtls_pk_check_pair(&crt->pk, &key, cert_random, NULL) == 0 ? 0 : 1;
#else
	r = mbedtls_pk_parse_key(&key, (unsigned char *)buf,
	    len + (strstr(buf, "-----BEGIN") != NULL), NULL, 0);
	if (r == 0)
		r = mbedtls_pk_check_pair(&crt->pk, &key) == 0 ? 0 : 1;
#endif
	if (r == MBEDTLS_ERR_PK_PASSWORD_REQUIRED)
		r = cert_fail(res, "%s: an encrypted key (not "
		    "supported)", path);
	else if (r < 0)
		r = cert_fail(res, "%s: no private key in it", path);
	else if (r > 0)
		r = cert_fail(res, "%s is not the key of the "
		    "certificate for %s", path, name);
	mbedtls_pk_free(&key);
	free(buf);
	return r;
}

/* Does chain lead to a certificate of ca_path? 0, or -1 with the result. */
static int
cert_chain(const char *ca_path, mbedtls_x509_crt *chain, const char *name,
    struct check_result *res)
{
	mbedtls_x509_crt ca;
	uint32_t flags = 0;
	char info[256];
	int r = -1;

	mbedtls_x509_crt_init(&ca);
	if (cert_load(ca_path, &ca, res) != 0)
		goto out;
	mbedtls_x509_crt_verify(chain, &ca, NULL, NULL, &flags, NULL, NULL);
	/* Dates are this check's own verdict, made before. */
	flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
	r = 0;
	if (flags != 0) {
		if (mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags) <= 0)
			snprintf(info, sizeof(info), "verification flags 0x%x", (unsigned)flags);
		info[strcspn(info, "\n")] = '\0';
		if (info[0] >= 'A' && info[0] <= 'Z')
			info[0] = (char)(info[0] - 'A' + 'a');
		r = cert_fail(res, "the certificate for %s does not "
		    "chain to %s: %s", name, ca_path, info);
	}
out:
	mbedtls_x509_crt_free(&ca);
	return r;
}

/* The dates of crt against now and min_validity; the verdict. */
static int
cert_dates(const struct cert_check *k, const mbedtls_x509_crt *crt,
    time_t now, struct check_result *res)
{
	char name[CERT_NAME_MAX + 1], span[32], date[40];
	time_t from = cert_time(&crt->valid_from), to = cert_time(&crt->valid_to);

	cert_name(crt, name, sizeof(name));
	if (from > now)
		return result_set(res, PROBE_UNHEALTHY, "certificate for %s is not "
		    "valid before %s (in %s)", name, date_text(from, date, sizeof(date)),
		    span_text(from - now, span, sizeof(span)));
	if (to <= now)
		return result_set(res, PROBE_UNHEALTHY, "certificate for %s expired "
		    "%s ago (%s)", name, span_text(now - to, span, sizeof(span)),
		    date_text(to, date, sizeof(date)));
	if (to - now < k->min_validity)
		return result_set(res, PROBE_UNHEALTHY, "certificate for %s expires "
		    "in %s (%s)", name, span_text(to - now, span, sizeof(span)),
		    date_text(to, date, sizeof(date)));
	return result_set(res, PROBE_HEALTHY, "certificate for %s valid for %s "
	    "(until %s)", name, span_text(to - now, span, sizeof(span)),
	    date_text(to, date, sizeof(date)));
}

static int
cert_run(const struct check *c, long timeout_ms, struct check_result *res)
{
	const struct cert_check *k = c->priv;
	const mbedtls_x509_crt *w;
	mbedtls_x509_crt chain;
	char name[CERT_NAME_MAX + 1], span[32];
	time_t now = time(NULL);
	int n = 0, ret = PROBE_UNHEALTHY;

	(void)timeout_ms;	/* the runner kills us when it runs out */
	mbedtls_x509_crt_init(&chain);
	if (cert_load(k->path, &chain, res) != 0)
		goto out;
	for (w = &chain; w != NULL && w->raw.p != NULL; w = w->next)
		n++;
	w = cert_first_expiry(&chain);
	res->cert.seen = 1;
	res->cert.not_after = (double)cert_time(&w->valid_to);
	cert_name(w, res->cert.subject, sizeof(res->cert.subject));
	if (cert_future(&chain, now) != NULL)
		w = cert_future(&chain, now);
	result_detail(res, "%s: %d certificate%s, the first for %s; min_validity %s%s%s%s%s",
	    k->path, n, n == 1 ? "" : "s", cert_name(&chain, name, sizeof(name)),
	    span_text(k->min_validity, span, sizeof(span)),
	    k->key_file ? "; key_file " : "", k->key_file ? k->key_file : "",
	    k->ca_file ? "; ca_file " : "", k->ca_file ? k->ca_file : "");
	if (cert_dates(k, w, now, res) != PROBE_HEALTHY)
		goto out;
	if (k->key_file != NULL && cert_key(k->key_file, &chain, name, res) != 0)
		goto out;
	if (k->ca_file != NULL && cert_chain(k->ca_file, &chain, name, res) != 0)
		goto out;
	ret = PROBE_HEALTHY;
out:
	mbedtls_x509_crt_free(&chain);
	return ret;
}

static void
cert_release(struct check *c)
{
	struct cert_check *k = c->priv;

	free(k->path);
	free(k->key_file);
	free(k->ca_file);
}

static void
cert_sandbox(const struct check *c, struct sandbox_rules *r)
{
	const struct cert_check *k = c->priv;

	r->read[r->nread++] = k->path;
	if (k->key_file != NULL)
		r->read[r->nread++] = k->key_file;
	if (k->ca_file != NULL)
		r->read[r->nread++] = k->ca_file;
}

static const struct check_option cert_options[] = {
	{ "min-validity", "min_validity", "PERIOD",
	    "how long every --cert must stay valid (14d, 36h)", 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

const struct check_type check_cert = {
	.name = "cert",
	.summary = "a certificate file is valid, for min_validity more",
	.target_key = "path",
	.target_arg = "PATH",
	.required = "path",
	.flags = CHECK_ON_PATH,
	.sandbox_class = SANDBOX_FILES,
	.options = cert_options,
	.priv_size = sizeof(struct cert_check),
	.set = cert_set,
	.run = cert_run,
	.release = cert_release,
	.sandbox = cert_sandbox,
};
