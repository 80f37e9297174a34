/* certs.c: X.509 certificates read with mbedTLS, named and judged by dates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>

#include "certs.h"
#include "util.h"

#define CERTS_NAME_MAX (CHECK_CERT_SUBJECT_MAX - 1)

/* mbedtls_x509_crt_parse() wants a PEM text's NUL counted in its length. */
static int
certs_parse(mbedtls_x509_crt *chain, const char *buf, size_t len)
{
	return mbedtls_x509_crt_parse(chain, (const unsigned char *)buf,
	    len + (strstr(buf, "-----BEGIN") != NULL));
}

int
certs_load(const char *path, mbedtls_x509_crt *chain, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int r;

	if ((r = file_read(path, CERTS_FILE_MAX, &buf, &len, err, errlen)) < 0)
		return -1;
	if (r > 0)
		snprintf(err, errlen, "%s: more than 1 MiB, not a certificate file",
		    path);
	else if ((r = certs_parse(chain, buf, len)) < 0)
		snprintf(err, errlen, "%s: no certificate in it (PEM or DER)", path);
	else if (r > 0)
		snprintf(err, errlen, "%s: %d of its certificates cannot be read",
		    path, r);
	free(buf);
	return r == 0 ? 0 : -1;
}

int
certs_add_pem(mbedtls_x509_crt *chain, const char *pem)
{
	return certs_parse(chain, pem, strlen(pem)) == 0 ? 0 : -1;
}

const char *
certs_name(const mbedtls_x509_crt *crt, char *buf, size_t len)
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
	for (i = 0; i < plen && i < CERTS_NAME_MAX && i + 1 < len; i++)
		buf[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	buf[i] = '\0';
	return buf;
}

static time_t
certs_time(const mbedtls_x509_time *t)
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

const char *
certs_span(long long s, char *buf, size_t len)
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
certs_date(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

/* The certificate of chain that expires first. */
static const mbedtls_x509_crt *
certs_earliest(const mbedtls_x509_crt *chain)
{
	const mbedtls_x509_crt *c, *first = chain;

	for (c = chain; c != NULL && c->raw.p != NULL; c = c->next)
		if (certs_time(&c->valid_to) < certs_time(&first->valid_to))
			first = c;
	return first;
}

void
certs_first_expiry(const mbedtls_x509_crt *chain, struct check_cert *first)
{
	const mbedtls_x509_crt *c = certs_earliest(chain);
	double end;

	if (c == NULL || c->raw.p == NULL)
		return;
	end = (double)certs_time(&c->valid_to);
	if (first->seen && first->not_after <= end)
		return;
	first->seen = 1;
	first->not_after = end;
	certs_name(c, first->subject, sizeof(first->subject));
}

int
certs_dates(const mbedtls_x509_crt *chain, long long min_validity, time_t now,
    char *msg, size_t len)
{
	const mbedtls_x509_crt *c, *w = certs_earliest(chain);
	char name[CERTS_NAME_MAX + 1], span[32], date[40];
	time_t from, to;

	for (c = chain; c != NULL && c->raw.p != NULL; c = c->next)
		if (certs_time(&c->valid_from) > now) {
			w = c;
			break;
		}
	certs_name(w, name, sizeof(name));
	from = certs_time(&w->valid_from);
	to = certs_time(&w->valid_to);
	if (from > now)
		snprintf(msg, len, "certificate for %s is not valid before %s (in %s)",
		    name, certs_date(from, date, sizeof(date)),
		    certs_span(from - now, span, sizeof(span)));
	else if (to <= now)
		snprintf(msg, len, "certificate for %s expired %s ago (%s)", name,
		    certs_span(now - to, span, sizeof(span)),
		    certs_date(to, date, sizeof(date)));
	else if (to - now < min_validity)
		snprintf(msg, len, "certificate for %s expires in %s (%s)", name,
		    certs_span(to - now, span, sizeof(span)),
		    certs_date(to, date, sizeof(date)));
	else {
		snprintf(msg, len, "certificate for %s valid for %s (until %s)", name,
		    certs_span(to - now, span, sizeof(span)),
		    certs_date(to, date, sizeof(date)));
		return 0;
	}
	return -1;
}

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
/* mbedTLS 3 wants random bytes to parse and match keys (blinding). */
static int
certs_random(void *ctx, unsigned char *buf, size_t len)
{
	ssize_t r;

	(void)ctx;
	for (; len > 0; buf += r, len -= (size_t)r)
		if ((r = getrandom(buf, len, 0)) <= 0)
			return -1;
	return 0;
}
#endif

int
certs_key_match(const char *path, const mbedtls_x509_crt *crt,
    const char *name, char *err, size_t errlen)
{
	mbedtls_pk_context key;
	size_t len;
	char *buf;
	int r;

	if (file_read(path, CERTS_FILE_MAX, &buf, &len, err, errlen) < 0)
		return -1;
	mbedtls_pk_init(&key);
	len += strstr(buf, "-----BEGIN") != NULL;
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	r = mbedtls_pk_parse_key(&key, (unsigned char *)buf, len, NULL, 0,
	    certs_random, NULL);
	if (r == 0)
		r = mbedtls_pk_check_pair(&crt->pk, &key, certs_random, NULL) == 0 ? 0 : 1;
#else
	r = mbedtls_pk_parse_key(&key, (unsigned char *)buf, len, NULL, 0);
	if (r == 0)
		r = mbedtls_pk_check_pair(&crt->pk, &key) == 0 ? 0 : 1;
#endif
	if (r == MBEDTLS_ERR_PK_PASSWORD_REQUIRED)
		snprintf(err, errlen, "%s: an encrypted key (not supported)", path);
	else if (r < 0)
		snprintf(err, errlen, "%s: no private key in it", path);
	else if (r > 0)
		snprintf(err, errlen, "%s is not the key of the certificate for %s",
		    path, name);
	mbedtls_pk_free(&key);
	free(buf);
	return r == 0 ? 0 : -1;
}

int
certs_chain_to(const char *ca_path, mbedtls_x509_crt *chain, const char *name,
    char *err, size_t errlen)
{
	mbedtls_x509_crt ca;
	uint32_t flags = 0;
	char info[256];
	int r = -1;

	mbedtls_x509_crt_init(&ca);
	if (certs_load(ca_path, &ca, err, errlen) != 0)
		goto out;
	mbedtls_x509_crt_verify(chain, &ca, NULL, NULL, &flags, NULL, NULL);
	/* Dates are judged apart, by certs_dates(). */
	flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
	r = 0;
	if (flags != 0) {
		if (mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags) <= 0)
			snprintf(info, sizeof(info), "verification flags 0x%x", (unsigned)flags);
		info[strcspn(info, "\n")] = '\0';
		if (info[0] >= 'A' && info[0] <= 'Z')
			info[0] = (char)(info[0] - 'A' + 'a');
		snprintf(err, errlen, "the certificate for %s does not chain to %s: %s",
		    name, ca_path, info);
		r = -1;
	}
out:
	mbedtls_x509_crt_free(&ca);
	return r;
}
