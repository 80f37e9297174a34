/* curlx.c: TLS, headers and failure wording for the libcurl checks. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "certs.h"
#include "curlx.h"
#include "sandbox_rules.h"
#include "parse.h"
#include "util.h"

#define PEM_SCAN_MAX (64 * 1024)	/* where a PEM file's first block must start */
#define DATES_LEFT_MIN_MS 50	/* time worth a connection to read the dates */

void
curlx_setup(CURL *curl, char *errbuf, long timeout_ms)
{
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_PROXY, "");	/* never $http_proxy: talk to the app */
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "probe/" PROBE_VERSION);
}

void
curlx_tls_defaults(struct curlx_tls *t)
{
	t->verify = 1;
	t->min = CURL_SSLVERSION_TLSv1_2;
	t->min_validity = -1;
}

/* The PEM files a check may name: its key, and what the file must hold. */
static const struct pem_key {
	const char *key;
	const char *marker;
	const char *what;
} pem_keys[] = {
	{ "ca_file", "-----BEGIN CERTIFICATE-----", "certificate" },
	{ "cert_file", "-----BEGIN CERTIFICATE-----", "certificate" },
	{ "key_file", "PRIVATE KEY-----", "private key" },
};

/*
 * Can path be read, and does it look like PEM of the key's kind? The same
 * test for --check-config and at run time. Returns 0, or -1 with what is
 * wrong in err.
 */
static int
pem_check(const struct pem_key *k, const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	int ret = -1;

	if (file_read(path, PEM_SCAN_MAX, &buf, &n, err, errlen) < 0)
		return -1;
	if (memmem(buf, n, k->marker, strlen(k->marker)) == NULL)
		snprintf(err, errlen, "%s is not a PEM %s file", path, k->what);
	else
		ret = 0;
	free(buf);
	return ret;
}

const struct check_key curlx_tls_keys[] = {
	{ "tls_verify", "yes|no", "yes", 0 },
	{ "tls_min_version", "1.2|1.3", "1.2", 0 },
	{ "cert_min_validity", "PERIOD", NULL, 0 },
	{ "ca_file", "FILE", CURLX_CA_BUNDLE, 0 },
	{ "cert_file", "FILE", NULL, 0 },
	{ "key_file", "FILE", NULL, 0 },
	{ NULL, NULL, NULL, 0 },
};

/* curlx_tls_set() with the key's name kept for curlx_tls_needs(). */
static int tls_set(struct curlx_tls *t, int check_files, const char *key,
    const char *value, char *err, size_t errlen);

int
curlx_tls_set(struct curlx_tls *t, int check_files, const char *key,
    const char *value, char *err, size_t errlen)
{
	static const char *const keys[] = { "tls_verify", "tls_min_version",
	    "cert_min_validity", "ca_file", "cert_file", "key_file" };
	int r = tls_set(t, check_files, key, value, err, errlen);
	size_t i;

	for (i = 0; r == 0 && t->named == NULL && i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i], key) == 0)
			t->named = keys[i];
	return r;
}

int
curlx_tls_needs(const struct curlx_tls *t, const char *what, char *err,
    size_t errlen)
{
	if (t->named == NULL)
		return 0;
	snprintf(err, errlen, "%s needs %s (without it the check uses no TLS and "
	    "ignores the key)", t->named, what);
	return -1;
}

static int
tls_set(struct curlx_tls *t, int check_files, const char *key,
    const char *value, char *err, size_t errlen)
{
	char **dst[] = { &t->ca_file, &t->cert_file, &t->key_file };
	size_t i;

	if (strcmp(key, "tls_verify") == 0)
		return parse_bool(value, &t->verify, err, errlen);
	if (strcmp(key, "tls_min_version") == 0) {
		if (strcmp(value, "1.2") == 0)
			t->min = CURL_SSLVERSION_TLSv1_2;
		else if (strcmp(value, "1.3") == 0)
			t->min = CURL_SSLVERSION_TLSv1_3;
		else {
			snprintf(err, errlen, "invalid TLS version '%s' (use 1.2 or 1.3)",
			    value);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "cert_min_validity") == 0)
		return parse_period(value, &t->min_validity, err, errlen);
	for (i = 0; i < sizeof(pem_keys) / sizeof(pem_keys[0]); i++) {
		if (strcmp(pem_keys[i].key, key) != 0)
			continue;
		if (check_files && pem_check(&pem_keys[i], value, err, errlen) != 0)
			return -1;
		return set_string(dst[i], value, err, errlen);
	}
	return CHECK_UNKNOWN_KEY;
}

int
curlx_tls_finish(const struct curlx_tls *t, char *err, size_t errlen)
{
	if ((t->cert_file == NULL) != (t->key_file == NULL)) {
		snprintf(err, errlen, "%s needs %s too (a client certificate and its key)",
		    t->cert_file ? "cert_file" : "key_file",
		    t->cert_file ? "key_file" : "cert_file");
		return -1;
	}
	return 0;
}

void
curlx_tls_apply(const struct curlx_tls *t, CURL *curl)
{
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, (long)t->verify);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, t->verify ? 2L : 0L);
	curl_easy_setopt(curl, CURLOPT_SSLVERSION, t->min);
	if (t->min_validity >= 0)
		curl_easy_setopt(curl, CURLOPT_CERTINFO, 1L);
	if (t->ca_file != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, t->ca_file);
	if (t->cert_file != NULL) {
		curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(curl, CURLOPT_SSLCERT, t->cert_file);
		curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
		curl_easy_setopt(curl, CURLOPT_SSLKEY, t->key_file);
	}
}

int
curlx_tls_ready(const struct curlx_tls *t, CURL *curl, struct check_result *res)
{
	static const struct pem_key bundle = {
		"CA bundle", "-----BEGIN CERTIFICATE-----", "certificate"
	};
	const char *paths[] = { t->ca_file, t->cert_file, t->key_file };
	char err[PROBE_MSG_MAX - 16];
	char *path = NULL;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (paths[i] == NULL || (i == 0 && !t->verify) ||
		    pem_check(&pem_keys[i], paths[i], err, sizeof(err)) == 0)
			continue;
		return result_set(res, PROBE_UNHEALTHY, "%s: %s", pem_keys[i].key, err);
	}
	if (t->verify && t->ca_file == NULL &&
	    curl_easy_getinfo(curl, CURLINFO_CAINFO, &path) == CURLE_OK &&
	    path != NULL && pem_check(&bundle, path, err, sizeof(err)) != 0)
		return result_set(res, PROBE_UNHEALTHY, "CA bundle: %s (set ca_file)",
		    err);
	return 0;
}

/* The certificates libcurl kept of the server's chain, into chain. */
static void
server_chain(CURL *curl, mbedtls_x509_crt *chain)
{
	struct curl_certinfo *ci = NULL;
	const struct curl_slist *l;
	int i;

	if (curl_easy_getinfo(curl, CURLINFO_CERTINFO, &ci) != CURLE_OK || ci == NULL)
		return;
	for (i = 0; i < ci->num_of_certs; i++)
		for (l = ci->certinfo[i]; l != NULL; l = l->next)
			if (strncmp(l->data, "Cert:", 5) == 0)
				certs_add_pem(chain, l->data + 5);
}

int
curlx_tls_dates(const struct curlx_tls *t, CURL *curl, int must,
    struct check_result *res, char *ok, size_t oklen)
{
	mbedtls_x509_crt chain, own;
	char msg[PROBE_MSG_MAX - 32];
	time_t now = time(NULL);
	int ret = PROBE_UNHEALTHY;

	ok[0] = '\0';
	if (t->min_validity < 0)
		return 0;
	mbedtls_x509_crt_init(&chain);
	mbedtls_x509_crt_init(&own);
	server_chain(curl, &chain);
	if (chain.raw.p == NULL && must) {
		result_set(res, PROBE_UNHEALTHY, "cert_min_validity: no certificate of "
		    "the server could be read");
		goto out;
	}
	if (chain.raw.p != NULL) {
		certs_first_expiry(&chain, &res->cert);
		if (certs_dates(&chain, t->min_validity, now, msg, sizeof(msg)) != 0) {
			result_set(res, PROBE_UNHEALTHY, "%s", msg);
			goto out;
		}
		snprintf(ok, oklen, "; %s", msg);
	}
	if (t->cert_file != NULL) {
		if (certs_load(t->cert_file, &own, msg, sizeof(msg)) != 0) {
			result_set(res, PROBE_UNHEALTHY, "cert_file: %s", msg);
			goto out;
		}
		certs_first_expiry(&own, &res->cert);
		if (certs_dates(&own, t->min_validity, now, msg, sizeof(msg)) != 0) {
			result_set(res, PROBE_UNHEALTHY, "cert_file: client %s", msg);
			goto out;
		}
	}
	ret = 0;
out:
	mbedtls_x509_crt_free(&chain);
	mbedtls_x509_crt_free(&own);
	return ret;
}

void
curlx_tls_release(struct curlx_tls *t)
{
	free(t->ca_file);
	free(t->cert_file);
	free(t->key_file);
}

/* The length of a header line's name: up to ':' (or ';', the form that
 * sends an empty value). */
static size_t
header_name_len(const char *h)
{
	return strcspn(h, ":;");
}

/*
 * "Name: [redacted]": a header's value is never printed. It may have come
 * from the environment (${TOKEN}), and no name tells a secret for sure
 * (X-Signature, X-Amz-Date: ...). A line with no name is all redacted.
 */
static void
header_for_people(const char *h, char *buf, size_t len)
{
	size_t n = header_name_len(h);

	if (h[n] == ';' && n < 64)
		snprintf(buf, len, "%.*s: (empty)", (int)n, h);
	else if (h[n] == ':' && n < 64 && strcspn(h, " \t") >= n)
		snprintf(buf, len, "%.*s: [redacted]", (int)n, h);
	else
		snprintf(buf, len, "[redacted]");
}

int
curlx_header_add(struct curlx_headers *hs, const char *value, char *err,
    size_t errlen)
{
	struct curl_slist *l;
	size_t n = strcspn(value, ":");
	char shown[128], *empty = NULL;

	if (n == 0 || value[n] != ':' || strcspn(value, " \t") < n) {
		header_for_people(value, shown, sizeof(shown));
		snprintf(err, errlen, "invalid header '%s' (use Name: value)", shown);
		return -1;
	}
	if (strpbrk(value, "\r\n") != NULL) {
		header_for_people(value, shown, sizeof(shown));
		snprintf(err, errlen, "invalid header '%s': a line break in it would "
		    "send a header of its own (a value read from a file that ends in "
		    "a newline?)", shown);
		return -1;
	}
	if (hs->n == CURLX_HEADERS_MAX) {
		snprintf(err, errlen, "too many headers (at most %d)", CURLX_HEADERS_MAX);
		return -1;
	}
	/* "Name:" alone tells libcurl to send no such header: "Name;" sends
	 * it with an empty value, as the kubelet does. */
	if (value[n + 1 + strspn(value + n + 1, " \t")] == '\0' &&
	    (empty = strdup(value)) != NULL)
		empty[n] = ';', empty[n + 1] = '\0';
	l = curl_slist_append(hs->list, empty != NULL ? empty : value);
	free(empty);
	if (l == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	hs->list = l;
	hs->n++;
	return 0;
}

/* 1 if header line h is named name (any case). */
static int
header_is(const char *h, const char *name)
{
	size_t n = header_name_len(h);

	return n == strlen(name) && strncasecmp(h, name, n) == 0;
}

/* The headers Go's client (the kubelet's) keeps from another domain. */
static int
sensitive(const char *h)
{
	static const char *const names[] = { "Authorization", "Www-Authenticate",
	    "Cookie", "Cookie2", "Proxy-Authorization", "Proxy-Authenticate" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (header_is(h, names[i]))
			return 1;
	return 0;
}

int
curlx_headers_for_hop(const struct curlx_headers *hs, unsigned drop,
    struct curl_slist **out)
{
	const struct curl_slist *l;
	struct curl_slist *n;

	*out = NULL;
	for (l = hs->list; l != NULL; l = l->next) {
		if (((drop & CURLX_DROP_SENSITIVE) && sensitive(l->data)) ||
		    ((drop & CURLX_DROP_HOST) && header_is(l->data, "Host")))
			continue;
		if ((n = curl_slist_append(*out, l->data)) == NULL) {
			curl_slist_free_all(*out);
			*out = NULL;
			return -1;
		}
		*out = n;
	}
	return 0;
}

int
curlx_headers_has(const struct curlx_headers *hs, unsigned drop)
{
	const struct curl_slist *l;

	for (l = hs->list; l != NULL; l = l->next)
		if (((drop & CURLX_DROP_SENSITIVE) && sensitive(l->data)) ||
		    ((drop & CURLX_DROP_HOST) && header_is(l->data, "Host")))
			return 1;
	return 0;
}

void
curlx_headers_text(const struct curlx_headers *hs, char *buf, size_t len)
{
	const struct curl_slist *l;
	char one[128];
	size_t n = 0;

	buf[0] = '\0';
	for (l = hs->list; l != NULL && n < len; l = l->next) {
		header_for_people(l->data, one, sizeof(one));
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
		    l == hs->list ? ", headers: " : ", ", one);
	}
}

void
curlx_headers_release(struct curlx_headers *hs)
{
	curl_slist_free_all(hs->list);
	hs->list = NULL;
	hs->n = 0;
}

/* 1 if libcurl's TLS library is mbedTLS (the static build), 0 if OpenSSL. */
static int
tls_is_mbedtls(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	return v->ssl_version != NULL && strncmp(v->ssl_version, "mbedTLS", 7) == 0;
}

/*
 * Why the peer's certificate was refused, in the same words for both TLS
 * libraries. With OpenSSL, libcurl's verify result is the X509_V_ERR_*
 * code (0 or 1 when only the name failed: libcurl checks it itself). With
 * mbedTLS, libcurl 8 keeps no result but puts mbedTLS's words for the
 * MBEDTLS_X509_BADCERT_* flags into the error buffer (pinned library
 * version, tested). An untrusted chain comes first, as OpenSSL stops
 * there; then the dates, then the name.
 */
static int
cert_reason(CURL *curl, const char *errbuf, const char *host, char *buf,
    size_t len)
{
	enum { NAME, EXPIRED, FUTURE, UNTRUSTED, REVOKED, OTHER } why = OTHER;
	static const char *const text[] = {
		[NAME] = "certificate is not valid for ",
		[EXPIRED] = "certificate has expired",
		[FUTURE] = "certificate is not yet valid",
		[UNTRUSTED] = "certificate is not signed by a trusted CA",
		[REVOKED] = "certificate has been revoked",
		[OTHER] = "certificate verification failed",
	};
	long v = 0;

	curl_easy_getinfo(curl, CURLINFO_SSL_VERIFYRESULT, &v);
	if (tls_is_mbedtls())
		why = strstr(errbuf, "not correctly signed") ? UNTRUSTED :
		    strstr(errbuf, "validity has expired") ? EXPIRED :
		    strstr(errbuf, "starts in the future") ? FUTURE :
		    strstr(errbuf, "revoked") ? REVOKED :
		    strstr(errbuf, "Common Name") ? NAME : OTHER;
	else if (v <= 1 || v == 62)	/* 62: X509_V_ERR_HOSTNAME_MISMATCH */
		why = NAME;
	else if (v == 10)
		why = EXPIRED;
	else if (v == 9)
		why = FUTURE;
	else if (v == 23)
		why = REVOKED;
	else if (v == 2 || (v >= 18 && v <= 21) || v == 24 || v == 27)
		why = UNTRUSTED;
	snprintf(buf, len, "%s%s", text[why], why == NAME ? host : "");
	return why == EXPIRED || why == FUTURE;
}

/*
 * The server's certificate was refused for its dates: which one, and
 * when? OpenSSL keeps no chain of a failed handshake, so connect again
 * only to read it (CONNECT_ONLY: no request is sent, nothing trusted)
 * within left_ms. Replaces msg when a certificate the server sent is
 * out of its dates; else msg stays.
 */
static void
dates_reason(CURL *curl, long left_ms, char *msg, size_t len)
{
	mbedtls_x509_crt chain;
	char dated[PROBE_MSG_MAX];

	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(curl, CURLOPT_CERTINFO, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, left_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, left_ms);
	if (curl_easy_perform(curl) != CURLE_OK)
		return;
	mbedtls_x509_crt_init(&chain);
	server_chain(curl, &chain);
	if (chain.raw.p != NULL &&
	    certs_dates(&chain, 0, time(NULL), dated, sizeof(dated)) != 0)
		snprintf(msg, len, "%s", dated);
	mbedtls_x509_crt_free(&chain);
}

/* A TLS failure in words of our own; returns -1 if rc is not one. */
static int
tls_failure(struct check_result *res, CURL *curl, CURLcode rc, const char *errbuf,
    const struct curlx_tls *t, const struct curlx_peer *p)
{
	char msg[PROBE_MSG_MAX];

	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		if (cert_reason(curl, errbuf, p->host, msg, sizeof(msg)) &&
		    p->left_ms >= DATES_LEFT_MIN_MS)
			dates_reason(curl, p->left_ms, msg, sizeof(msg));
		return result_set(res, PROBE_UNHEALTHY, "%s", msg);
	case CURLE_SSL_CACERT_BADFILE:
		return result_set(res, PROBE_UNHEALTHY, "ca_file %s: no certificate "
		    "in it could be used", t->ca_file ? t->ca_file : "(default)");
	case CURLE_SSL_CERTPROBLEM:
		return result_set(res, PROBE_UNHEALTHY, "cannot use the client "
		    "certificate %s with the key %s (encrypted, or not its key?)",
		    t->cert_file ? t->cert_file : "?", t->key_file ? t->key_file : "?");
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
		/* With TLS 1.3 a server refuses a client certificate after the
		 * handshake: the refusal then comes as an alert, a broken pipe
		 * or a connection closed under HTTP/2, whichever wins the race.
		 * One wording for all. */
		if (!p->secure || p->got_status)
			return -1;
		if (rc == CURLE_SSL_CONNECT_ERROR && !strcasestr(errbuf, "alert") &&
		    !strcasestr(errbuf, "broken pipe") && !strcasestr(errbuf, "reset"))
			return result_set(res, PROBE_UNHEALTHY, "TLS handshake failed "
			    "(does the server speak TLS on this port?)");
		return result_set(res, PROBE_UNHEALTHY, "the server ended the TLS "
		    "connection before answering (%s)",
		    t->min == CURL_SSLVERSION_TLSv1_3 ?
		    "does it speak TLS 1.3? tls_min_version is 1.3" : t->cert_file ?
		    "does it trust the client certificate?" :
		    "does it require a client certificate? see cert_file");
	default:
		return -1;
	}
}

/* Failures libcurl words differently from version to version, in words of
 * our own; returns -1 if rc is not one of them. */
static int
transfer_failure(struct check_result *res, CURL *curl, CURLcode rc,
    const char *errbuf)
{
	curl_off_t want = -1, got = 0;

	if (rc == CURLE_OUT_OF_MEMORY || (int)rc == 100)	/* CURLE_TOO_LARGE */
		return result_set(res, PROBE_UNHEALTHY,
		    "response header line too large (or out of memory)");
	if (rc == CURLE_PARTIAL_FILE) {
		curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &want);
		curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &got);
		if (want > got)
			return result_set(res, PROBE_UNHEALTHY, "connection closed with "
			    "%lld bytes of the body missing", (long long)(want - got));
		return result_set(res, PROBE_UNHEALTHY,
		    "connection closed before the whole body came");
	}
	if (strncmp(errbuf, "Unsupported HTTP", 16) == 0)
		return result_set(res, PROBE_UNHEALTHY,
		    "unsupported HTTP version in response");
	return -1;
}

/* What a timed-out transfer was doing: "connecting", ... */
static const char *
timeout_stage(CURL *curl, const struct curlx_peer *p)
{
	curl_off_t dns = 0, conn = 0;

	curl_easy_getinfo(curl, CURLINFO_NAMELOOKUP_TIME_T, &dns);
	curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &conn);
	/* Not libcurl's first-byte time: its meaning changed in libcurl 8,
	 * and both builds must say the same. A status line makes a start. */
	return dns == 0 ? "resolving host" : conn == 0 ? "connecting" :
	    !p->got_status ? "waiting for the response" : "reading the response";
}

int
curlx_failure(struct check_result *res, CURL *curl, CURLcode rc,
    const char *errbuf, const struct curlx_tls *t, const struct curlx_peer *p)
{
	char msg[CURL_ERROR_SIZE];
	long oserr = 0;

	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return result_set(res, PROBE_UNHEALTHY, "timed out after %ldms %s",
		    p->timeout_ms, timeout_stage(curl, p));
	case CURLE_COULDNT_RESOLVE_HOST:
		return result_set(res, PROBE_UNHEALTHY, "cannot resolve host '%s'",
		    p->host);
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &oserr);
		if (oserr != 0)
			return result_sys(res, (int)oserr, "connect to %s%s",
			    p->unix_socket ? "unix socket " : "",
			    p->unix_socket ? p->unix_socket : p->hostport);
		break;
	default:
		if (tls_failure(res, curl, rc, errbuf, t, p) >= 0 ||
		    transfer_failure(res, curl, rc, errbuf) >= 0)
			return PROBE_UNHEALTHY;
		break;
	}
	snprintf(msg, sizeof(msg), "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
	if (isupper((unsigned char)msg[0]) && !isupper((unsigned char)msg[1]))
		msg[0] = (char)tolower((unsigned char)msg[0]);
	return result_set(res, PROBE_UNHEALTHY, "%s", msg);
}

void
curlx_sandbox(const struct curlx_tls *t, struct sandbox_rules *r)
{
	const char *files[] = { t->ca_file, t->cert_file, t->key_file };
	size_t i;

	r->tls = 1;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (files[i] != NULL && r->nread < SANDBOX_MAX_FILES)
			r->read[r->nread++] = files[i];
}
