/* check_http.c: an HTTP(S) request with libcurl, judged like the kubelet would. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "parse.h"
#include "probe.h"
#include "util.h"

#define BODY_MAX (10 * 1024)	/* as much body as the kubelet reads */
#define REDIRECTS_MAX 10
#define HEADERS_MAX 32
#define PEM_SCAN_MAX (64 * 1024)	/* where a PEM file's first block must start */

enum redirects { REDIR_SAME_HOST, REDIR_YES, REDIR_NO };

struct http_check {
	char *url;
	struct status_range status[STATUS_RANGES_MAX];
	size_t nstatus;
	char *expect_body;
	int head;
	struct curl_slist *headers;
	int nheaders;
	int tls_verify;
	long tls_min;		/* CURL_SSLVERSION_TLSv1_2 or _3 */
	char *ca_file;
	char *cert_file;
	char *key_file;
	char *unix_socket;
	enum redirects redirects;
};

struct body {
	char buf[BODY_MAX];
	size_t len;
	const char *needle;
	int found;
	int stopped;	/* we ended the transfer on purpose */
	int headers_done;	/* the blank line that ends the headers came */
	int lines;		/* header lines received, status lines included */
};

static void
http_defaults(struct check *c)
{
	struct http_check *h = c->priv;

	h->status[0].lo = 200;	/* as the kubelet */
	h->status[0].hi = 399;
	h->nstatus = 1;
	h->tls_verify = 1;
	h->tls_min = CURL_SSLVERSION_TLSv1_2;
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
 * test for --check-config and at run time, so that both builds (whose TLS
 * libraries word these failures differently) say the same. Returns 0, or
 * -1 with what is wrong in err.
 */
static int
pem_check(const struct pem_key *k, const char *path, char *err, size_t errlen)
{
	char *buf = NULL, etext[ERRNO_TEXT_MAX];
	ssize_t n = 0, r = 0;
	int fd, ret = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    errno_text(errno, etext, sizeof(etext)));
		return -1;
	}
	if ((buf = malloc(PEM_SCAN_MAX)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	while (n < PEM_SCAN_MAX && (r = read(fd, buf + n, PEM_SCAN_MAX - (size_t)n)) > 0)
		n += r;
	if (r < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    errno_text(errno, etext, sizeof(etext)));
		goto out;
	}
	if (memmem(buf, (size_t)n, k->marker, strlen(k->marker)) == NULL) {
		snprintf(err, errlen, "%s is not a PEM %s file", path, k->what);
		goto out;
	}
	ret = 0;
out:
	free(buf);
	close(fd);
	return ret;
}

static int
set_pem(struct check *c, char **dst, const char *key, const char *value,
    char *err, size_t errlen)
{
	size_t i;

	for (i = 0; c->check_files && i < sizeof(pem_keys) / sizeof(pem_keys[0]); i++)
		if (strcmp(pem_keys[i].key, key) == 0 &&
		    pem_check(&pem_keys[i], value, err, errlen) != 0)
			return -1;
	return set_string(dst, value, err, errlen);
}

/* The files of h, checked as at --check-config; returns 0, or -1 with
 * "KEY: what is wrong" in err. */
static int
pem_files_check(const struct http_check *h, char *err, size_t errlen)
{
	const char *paths[] = { h->ca_file, h->cert_file, h->key_file };
	char msg[PROBE_MSG_MAX - 16];
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (paths[i] == NULL || (i == 0 && !h->tls_verify) ||
		    pem_check(&pem_keys[i], paths[i], msg, sizeof(msg)) == 0)
			continue;
		snprintf(err, errlen, "%s: %s", pem_keys[i].key, msg);
		return -1;
	}
	return 0;
}

/* Put the host of url, with ":PORT" if with_port, into buf; returns 0 or -1. */
static int
url_host(const char *url, int with_port, char *buf, size_t len)
{
	CURLU *u;
	char *host = NULL, *port = NULL;
	int r = -1;

	if ((u = curl_url()) == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		snprintf(buf, len, with_port ? "%s:%s" : "%s", host, port);
		r = 0;
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return r;
}

/* 1 if a header of this name may carry a secret. */
static int
secret_header(const char *name, size_t n)
{
	static const char *const words[] = {
		"auth", "cookie", "token", "secret", "key", "password", "session",
	};
	char lower[64];
	size_t i;

	if (n >= sizeof(lower))
		return 1;
	for (i = 0; i < n; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	lower[n] = '\0';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(lower, words[i]) != NULL)
			return 1;
	return 0;
}

/* "Name: value", or "Name: [redacted]" when the name says it is a secret. */
static void
header_for_people(const char *h, char *buf, size_t len)
{
	size_t n = strcspn(h, ":");

	if (h[n] == ':' && secret_header(h, n))
		snprintf(buf, len, "%.*s: [redacted]", (int)n, h);
	else if (h[n] == ':')
		snprintf(buf, len, "%s", h);
	else
		snprintf(buf, len, "[redacted]");
}

/* A URL that did not parse, for an error message: no user information. */
static void
bad_url_for_people(const char *url, char *buf, size_t len)
{
	const char *scheme = strstr(url, "://"), *at, *host;

	host = scheme != NULL ? scheme + 3 : url;
	at = strchr(host, '@');
	if (at != NULL && (size_t)(at - host) < strcspn(host, "/?#"))
		snprintf(buf, len, "%.*s[redacted]@%s", (int)(host - url), url, at + 1);
	else
		snprintf(buf, len, "%s", url);
}

/* An inline check's name: the URL without "http://" and without user
 * information ("https://" stays, so the two can be told apart). */
static void
http_inline_name(const char *url, char *buf, size_t len)
{
	const char *host = strstr(url, "://"), *at;
	int keep;

	host = host != NULL ? host + 3 : url;
	keep = strncasecmp(url, "http://", 7) == 0 ? 0 : (int)(host - url);
	at = strchr(host, '@');
	if (at != NULL && (size_t)(at - host) < strcspn(host, "/?#"))
		host = at + 1;
	snprintf(buf, len, "%.*s%s", keep, url, host);
}

static int
set_url(struct http_check *h, const char *value, char *err, size_t errlen)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, shown[256];
	int r = -1;

	if ((u = curl_url()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	bad_url_for_people(value, shown, sizeof(shown));
	if (curl_url_set(u, CURLUPART_URL, value,
	    CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		snprintf(err, errlen, "invalid URL '%s'", shown);
	else if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
		snprintf(err, errlen, "URL '%s' is not http:// or https://", shown);
	else
		r = set_string(&h->url, value, err, errlen);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return r;
}

static int
add_header(struct http_check *h, const char *value, char *err, size_t errlen)
{
	struct curl_slist *l;
	size_t n = strcspn(value, ":");
	char shown[128];

	if (n == 0 || value[n] != ':' || strcspn(value, " \t") < n) {
		header_for_people(value, shown, sizeof(shown));
		snprintf(err, errlen, "invalid header '%s' (use Name: value)", shown);
		return -1;
	}
	if (h->nheaders == HEADERS_MAX) {
		snprintf(err, errlen, "too many headers (at most %d)", HEADERS_MAX);
		return -1;
	}
	if ((l = curl_slist_append(h->headers, value)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	h->headers = l;
	h->nheaders++;
	return 0;
}

static int
http_set(struct check *c, const char *key, const char *value, char *err,
    size_t errlen)
{
	struct http_check *h = c->priv;

	if (strcmp(key, "url") == 0)
		return set_url(h, value, err, errlen);
	if (strcmp(key, "expect_status") == 0)
		return parse_status_list(value, h->status, &h->nstatus, err, errlen);
	if (strcmp(key, "expect_body") == 0)
		return set_string(&h->expect_body, value, err, errlen);
	if (strcmp(key, "method") == 0) {
		if (strcmp(value, "GET") != 0 && strcmp(value, "HEAD") != 0) {
			snprintf(err, errlen, "invalid method '%s' (use GET or HEAD)", value);
			return -1;
		}
		h->head = strcmp(value, "HEAD") == 0;
		return 0;
	}
	if (strcmp(key, "header") == 0)
		return add_header(h, value, err, errlen);
	if (strcmp(key, "tls_verify") == 0)
		return parse_bool(value, &h->tls_verify, err, errlen);
	if (strcmp(key, "ca_file") == 0)
		return set_pem(c, &h->ca_file, key, value, err, errlen);
	if (strcmp(key, "cert_file") == 0)
		return set_pem(c, &h->cert_file, key, value, err, errlen);
	if (strcmp(key, "key_file") == 0)
		return set_pem(c, &h->key_file, key, value, err, errlen);
	if (strcmp(key, "tls_min_version") == 0) {
		if (strcmp(value, "1.2") == 0)
			h->tls_min = CURL_SSLVERSION_TLSv1_2;
		else if (strcmp(value, "1.3") == 0)
			h->tls_min = CURL_SSLVERSION_TLSv1_3;
		else {
			snprintf(err, errlen, "invalid TLS version '%s' (use 1.2 or 1.3)",
			    value);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "unix_socket") == 0)
		return set_string(&h->unix_socket, value, err, errlen);
	if (strcmp(key, "follow_redirects") == 0) {
		if (strcmp(value, "same-host") == 0)
			h->redirects = REDIR_SAME_HOST;
		else if (strcmp(value, "yes") == 0)
			h->redirects = REDIR_YES;
		else if (strcmp(value, "no") == 0)
			h->redirects = REDIR_NO;
		else {
			snprintf(err, errlen,
			    "invalid value '%s' (use same-host, yes or no)", value);
			return -1;
		}
		return 0;
	}
	return CHECK_UNKNOWN_KEY;
}

static int
http_finish(struct check *c, char *err, size_t errlen)
{
	struct http_check *h = c->priv;

	if (h->url == NULL) {
		snprintf(err, errlen, "missing required key 'url'");
		return -1;
	}
	if (h->head && h->expect_body != NULL) {
		snprintf(err, errlen, "expect_body needs method GET, not HEAD");
		return -1;
	}
	if ((h->cert_file == NULL) != (h->key_file == NULL)) {
		snprintf(err, errlen, "%s needs %s too (a client certificate and its key)",
		    h->cert_file ? "cert_file" : "key_file",
		    h->cert_file ? "key_file" : "cert_file");
		return -1;
	}
	return 0;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t n = size * nmemb, take, from;

	/* Like the kubelet: read at most BODY_MAX bytes (a body cut short
	 * within them is a failure), then stop, whatever the server sends. */
	take = n < sizeof(b->buf) - b->len ? n : sizeof(b->buf) - b->len;
	memcpy(b->buf + b->len, data, take);
	from = b->needle && b->len > strlen(b->needle) ? b->len - strlen(b->needle) : 0;
	b->len += take;
	if (b->needle != NULL &&
	    memmem(b->buf + from, b->len - from, b->needle, strlen(b->needle)))
		b->found = 1;
	if (b->len == sizeof(b->buf)) {
		b->stopped = 1;
		return 0;
	}
	return n;
}

/* ", headers: A: b, Authorization: [redacted]" or "" into buf. */
static void
headers_for_people(const struct http_check *h, char *buf, size_t len)
{
	const struct curl_slist *l;
	char one[128];
	size_t n = 0;

	buf[0] = '\0';
	for (l = h->headers; l != NULL && n < len; l = l->next) {
		header_for_people(l->data, one, sizeof(one));
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
		    l == h->headers ? ", headers: " : ", ", one);
	}
}

/* libcurl hands over each header line; the blank one ends a response's
 * headers (1xx responses have their own, so it is reset on a status line). */
static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t n = size * nmemb;

	b->lines++;
	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0)
		b->headers_done = 0;
	else if ((n == 2 && memcmp(data, "\r\n", 2) == 0) || (n == 1 && data[0] == '\n'))
		b->headers_done = 1;
	return n;
}

/* The URL without its password, for messages; the caller frees. */
static char *
url_for_people(const char *url)
{
	CURLU *u;
	char *s = NULL, *out;

	if ((u = curl_url()) != NULL &&
	    curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK)
		curl_url_get(u, CURLUPART_URL, &s, 0);
	curl_url_cleanup(u);
	out = strdup(s != NULL ? s : "(url)");
	curl_free(s);
	return out;
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
static void
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
}

/* A TLS failure in words of our own; returns -1 if rc is not one. */
static int
tls_failure(struct check_result *res, const struct http_check *h, CURL *curl,
    CURLcode rc, const char *errbuf, const char *host)
{
	char msg[PROBE_MSG_MAX];
	long got = 0;

	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		cert_reason(curl, errbuf, host, msg, sizeof(msg));
		return result_set(res, PROBE_UNHEALTHY, "%s", msg);
	case CURLE_SSL_CACERT_BADFILE:
		return result_set(res, PROBE_UNHEALTHY, "ca_file %s: no certificate "
		    "in it could be used", h->ca_file ? h->ca_file : "(default)");
	case CURLE_SSL_CERTPROBLEM:
		return result_set(res, PROBE_UNHEALTHY, "cannot use the client "
		    "certificate %s with the key %s (encrypted, or not its key?)",
		    h->cert_file ? h->cert_file : "?", h->key_file ? h->key_file : "?");
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		/* With TLS 1.3 a server refuses a client certificate after the
		 * handshake: the refusal then comes as an alert or as a broken
		 * pipe, whichever wins the race. One wording for all three. */
		curl_easy_getinfo(curl, CURLINFO_HEADER_SIZE, &got);
		if (strncasecmp(h->url, "https://", 8) != 0 || got > 0 ||
		    (rc == CURLE_SSL_CONNECT_ERROR && !strcasestr(errbuf, "alert") &&
		    !strcasestr(errbuf, "broken pipe") && !strcasestr(errbuf, "reset")))
			return -1;
		return result_set(res, PROBE_UNHEALTHY, "the server ended the TLS "
		    "connection before answering (%s)",
		    h->tls_min == CURL_SSLVERSION_TLSv1_3 ?
		    "does it speak TLS 1.3? tls_min_version is 1.3" : h->cert_file ?
		    "does it trust the client certificate?" :
		    "does it require a client certificate? see cert_file");
	default:
		return -1;
	}
}

/* What a timed-out transfer was doing: "connecting", ... */
static const char *
timeout_stage(CURL *curl, const struct body *b)
{
	curl_off_t dns = 0, conn = 0;

	curl_easy_getinfo(curl, CURLINFO_NAMELOOKUP_TIME_T, &dns);
	curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &conn);
	/* Not libcurl's first-byte time: its meaning changed in libcurl 8,
	 * and both builds must say the same. A status line makes a start. */
	return dns == 0 ? "resolving host" : conn == 0 ? "connecting" :
	    b->lines == 0 ? "waiting for the response" : "reading the response";
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

static int
failure(struct check_result *res, const struct http_check *h, CURL *curl,
    CURLcode rc, const char *errbuf, const char *url, long timeout_ms,
    const struct body *b)
{
	char host[256] = "?", etext[ERRNO_TEXT_MAX], msg[CURL_ERROR_SIZE];
	long oserr = 0;

	url_host(url, rc != CURLE_COULDNT_RESOLVE_HOST &&
	    rc != CURLE_PEER_FAILED_VERIFICATION, host, sizeof(host));
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return result_set(res, PROBE_UNHEALTHY, "timed out after %ldms %s",
		    timeout_ms, timeout_stage(curl, b));
	case CURLE_COULDNT_RESOLVE_HOST:
		return result_set(res, PROBE_UNHEALTHY, "cannot resolve host '%s'", host);
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &oserr);
		if (oserr != 0)
			return result_set(res, PROBE_UNHEALTHY, "connect to %s%s: %s",
			    h->unix_socket ? "unix socket " : "",
			    h->unix_socket ? h->unix_socket : host,
			    errno_text((int)oserr, etext, sizeof(etext)));
		break;
	case CURLE_TOO_MANY_REDIRECTS:
		return result_set(res, PROBE_UNHEALTHY, "more than %d redirects",
		    REDIRECTS_MAX);
	default:
		if (tls_failure(res, h, curl, rc, errbuf, host) >= 0 ||
		    transfer_failure(res, curl, rc, errbuf) >= 0)
			return PROBE_UNHEALTHY;
		break;
	}
	snprintf(msg, sizeof(msg), "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
	if (isupper((unsigned char)msg[0]) && !isupper((unsigned char)msg[1]))
		msg[0] = (char)tolower((unsigned char)msg[0]);
	return result_set(res, PROBE_UNHEALTHY, "%s", msg);
}

static void
setup(CURL *curl, const struct http_check *h, struct body *body, char *errbuf,
    long left_ms)
{
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, left_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, left_ms);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_PROXY, "");	/* never $http_proxy: talk to the app */
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "probe/" PROBE_VERSION);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, body);
	curl_easy_setopt(curl, CURLOPT_NOBODY, (long)h->head);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, (long)h->tls_verify);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, h->tls_verify ? 2L : 0L);
	curl_easy_setopt(curl, CURLOPT_SSLVERSION, h->tls_min);
	if (h->ca_file != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, h->ca_file);
	if (h->cert_file != NULL) {
		curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(curl, CURLOPT_SSLCERT, h->cert_file);
		curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
		curl_easy_setopt(curl, CURLOPT_SSLKEY, h->key_file);
	}
	if (h->unix_socket != NULL)
		curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, h->unix_socket);
}

/*
 * The TLS files, before libcurl reads them, so that both builds say the
 * same of a missing or wrong file (a Secret may be mounted after the probe
 * started: this is a failed check, not a config error). Returns 0, or
 * PROBE_UNHEALTHY with res filled.
 */
static int
tls_files_ready(const struct http_check *h, CURL *curl, struct check_result *res)
{
	static const struct pem_key bundle = {
		"CA bundle", "-----BEGIN CERTIFICATE-----", "certificate"
	};
	char err[PROBE_MSG_MAX];
	char *path = NULL;

	if (strncasecmp(h->url, "https://", 8) != 0)
		return 0;
	if (pem_files_check(h, err, sizeof(err)) != 0)
		return result_set(res, PROBE_UNHEALTHY, "%s", err);
	if (h->tls_verify && h->ca_file == NULL &&
	    curl_easy_getinfo(curl, CURLINFO_CAINFO, &path) == CURLE_OK &&
	    path != NULL && pem_check(&bundle, path, err, sizeof(err)) != 0)
		return result_set(res, PROBE_UNHEALTHY, "CA bundle: %s (set ca_file)",
		    err);
	return 0;
}

/*
 * After a 3xx: 1 with *url replaced when the redirect is to be followed,
 * 0 when the response is the answer, -1 with res filled.
 */
static int
follow(const struct http_check *h, CURL *curl, long code, int hops,
    const char *host0, char **url, struct check_result *res)
{
	char host[256], *next = NULL;

	if (code < 300 || code > 399 || h->redirects == REDIR_NO ||
	    curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &next) != CURLE_OK ||
	    next == NULL)
		return 0;
	/* The kubelet follows redirects to the same host only; another
	 * host's redirect counts as the 3xx it is. */
	if (h->redirects == REDIR_SAME_HOST &&
	    (url_host(next, 0, host, sizeof(host)) != 0 ||
	    strcasecmp(host, host0) != 0))
		return 0;
	if (hops == REDIRECTS_MAX) {
		result_set(res, PROBE_UNHEALTHY, "more than %d redirects", REDIRECTS_MAX);
		return -1;
	}
	if ((next = strdup(next)) == NULL) {
		result_set(res, PROBE_UNHEALTHY, "out of memory");
		return -1;
	}
	free(*url);
	*url = next;
	return 1;
}

/* The verdict on the final response. */
static int
judge(const struct http_check *h, const char *url, long code, int hops,
    const struct body *body, struct check_result *res)
{
	char hdrs[PROBE_MSG_MAX], *shown = url_for_people(url);

	headers_for_people(h, hdrs, sizeof(hdrs));
	result_detail(res, "%s %s: HTTP %ld after %d redirect%s%s", h->head ? "HEAD" :
	    "GET", shown ? shown : "?", code, hops, hops == 1 ? "" : "s", hdrs);
	free(shown);
	if (!status_match(h->status, h->nstatus, code))
		return result_set(res, PROBE_UNHEALTHY, "HTTP %ld", code);
	if (h->expect_body != NULL && !body->found)
		return result_set(res, PROBE_UNHEALTHY, "HTTP %ld, body does not "
		    "contain \"%.60s\"", code, h->expect_body);
	return result_set(res, PROBE_HEALTHY, "HTTP %ld", code);
}

static int
http_run(const struct check *c, long timeout_ms, struct check_result *res)
{
	const struct http_check *h = c->priv;
	char errbuf[CURL_ERROR_SIZE], host0[256] = "";
	double deadline = now_ms() + (double)timeout_ms;
	struct body *body = NULL;
	CURL *curl = NULL;
	char *url = NULL;
	CURLcode rc;
	long code = 0, left;
	int hops, r, ret = PROBE_UNHEALTHY;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (curl = curl_easy_init()) == NULL ||
	    (body = calloc(1, sizeof(*body))) == NULL ||
	    (url = strdup(h->url)) == NULL) {
		result_set(res, PROBE_UNHEALTHY, "cannot set up libcurl");
		goto out;
	}
	if ((ret = tls_files_ready(h, curl, res)) != 0)
		goto out;
	url_host(url, 0, host0, sizeof(host0));
	for (hops = 0;; hops++) {
		if ((left = (long)(deadline - now_ms())) <= 0) {
			ret = result_set(res, PROBE_UNHEALTHY, "timed out after %ldms "
			    "following redirects", timeout_ms);
			goto out;
		}
		memset(body, 0, sizeof(*body));
		body->needle = h->expect_body;
		errbuf[0] = '\0';
		setup(curl, h, body, errbuf, left);
		curl_easy_setopt(curl, CURLOPT_URL, url);
		rc = curl_easy_perform(curl);
		if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && body->stopped)) {
			ret = failure(res, h, curl, rc, errbuf, url, timeout_ms, body);
			goto out;
		}
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
		if (!body->headers_done) {
			ret = result_set(res, PROBE_UNHEALTHY, "connection closed in the "
			    "middle of the response headers (HTTP %ld)", code);
			goto out;
		}
		if ((r = follow(h, curl, code, hops, host0, &url, res)) != 1) {
			ret = r == 0 ? judge(h, url, code, hops, body, res) : PROBE_UNHEALTHY;
			goto out;
		}
	}
out:
	free(url);
	free(body);
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	return ret;
}

static void
http_release(struct check *c)
{
	struct http_check *h = c->priv;

	free(h->url);
	free(h->expect_body);
	free(h->ca_file);
	free(h->cert_file);
	free(h->key_file);
	free(h->unix_socket);
	curl_slist_free_all(h->headers);
}

const struct check_type check_http = {
	.name = "http",
	.repeatable = "header",
	.target_key = "url",
	.inline_name = http_inline_name,
	.priv_size = sizeof(struct http_check),
	.defaults = http_defaults,
	.set = http_set,
	.finish = http_finish,
	.run = http_run,
	.release = http_release,
};
