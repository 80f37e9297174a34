/* curlx.h: what the checks made with libcurl (http, grpc) share: TLS
 * settings and files, header lists, and failures worded the same by both
 * builds (OpenSSL and mbedTLS, libcurl 7.88 and 8.14). */
#ifndef CURLX_H
#define CURLX_H

#include <stddef.h>

#include <curl/curl.h>

#include "probe.h"

#define CURLX_HEADERS_MAX 32
/* The CA bundle without ca_file: libcurl's, the same in both builds
 * (Debian's libcurl; the static one is built with it). */
#define CURLX_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

/* The TLS keys of a check type that takes them (its shared_keys). */
extern const struct check_key curlx_tls_keys[];

/* What every transfer of ours sets: no signals, errbuf (CURL_ERROR_SIZE),
 * one deadline for all of it, HTTP(S) only, no proxy, our user agent. */
void curlx_setup(CURL *, char *errbuf, long timeout_ms);

struct curlx_tls {
	int verify;		/* tls_verify */
	long min;		/* CURL_SSLVERSION_TLSv1_2 or _3 */
	char *ca_file;
	char *cert_file;
	char *key_file;
	long long min_validity;	/* cert_min_validity, seconds; -1: unset */
	const char *named;	/* the first TLS key the config set, or NULL */
};

void curlx_tls_defaults(struct curlx_tls *);

/*
 * A TLS key: tls_verify, tls_min_version, ca_file, cert_file, key_file,
 * cert_min_validity.
 * With check_files, a file must be readable PEM now. Returns 0, -1 with
 * err filled, or CHECK_UNKNOWN_KEY.
 */
int curlx_tls_set(struct curlx_tls *, int check_files, const char *key,
    const char *value, char *err, size_t errlen);

/* Where TLS is not used: a TLS key set means a mistake ("ca_file needs
 * tls = yes: ..."): returns 0 if none was set, or -1 with err filled. */
int curlx_tls_needs(const struct curlx_tls *, const char *what, char *err,
    size_t errlen);

/* cert_file and key_file come together; returns 0 or -1 with err filled. */
int curlx_tls_finish(const struct curlx_tls *, char *err, size_t errlen);

void curlx_tls_apply(const struct curlx_tls *, CURL *);

/*
 * The TLS files (and, without ca_file, libcurl's CA bundle) before
 * libcurl reads them, so that both builds word a missing or wrong file
 * the same. Returns 0, or PROBE_UNHEALTHY with res filled.
 */
int curlx_tls_ready(const struct curlx_tls *, CURL *, struct check_result *res);

/*
 * With cert_min_validity, after a transfer over TLS: the chain the server
 * sent (must: it is a new connection, so a chain must have come) and
 * cert_file, each certificate valid for that long. The first expiry goes
 * to res->cert, and what was found to ok (or "" without the key).
 * Returns 0, or PROBE_UNHEALTHY with res filled.
 */
int curlx_tls_dates(const struct curlx_tls *, CURL *, int must,
    struct check_result *res, char *ok, size_t oklen);

void curlx_tls_release(struct curlx_tls *);

/* A network check's sandbox: its class, and its TLS files to read. */
void curlx_sandbox(const struct curlx_tls *, struct sandbox_rules *);

struct curlx_headers {
	struct curl_slist *list;
	int n;
};

/* Add "Name: value" ("Name:" alone is sent with an empty value); returns
 * 0 or -1 with err filled (secrets redacted). */
int curlx_header_add(struct curlx_headers *, const char *value, char *err,
    size_t errlen);

/* What a redirect to another host leaves out of its request, as Go's
 * client (the kubelet's) does: the credentials (Authorization, Cookie and
 * the like) once a hop leaves the first host's domain, and a custom Host
 * after an absolute Location. */
#define CURLX_DROP_SENSITIVE 1
#define CURLX_DROP_HOST 2

/* The headers less those drop names, into *out (NULL when none is left;
 * the caller frees it). Returns 0, or -1 when out of memory. */
int curlx_headers_for_hop(const struct curlx_headers *, unsigned drop,
    struct curl_slist **out);

/* 1 if a header of hs is one that drop names. */
int curlx_headers_has(const struct curlx_headers *, unsigned drop);

/* ", headers: A: b, Authorization: [redacted]" or "" into buf. */
void curlx_headers_text(const struct curlx_headers *, char *buf, size_t len);

void curlx_headers_release(struct curlx_headers *);

/* Where a failed transfer went, for its reason. */
struct curlx_peer {
	const char *host;	/* without port: "127.0.0.1", "[::1]" */
	const char *hostport;	/* "127.0.0.1:8080" */
	const char *unix_socket;	/* or NULL */
	int secure;		/* TLS was used */
	int got_status;		/* a status line came */
	long timeout_ms;
	long left_ms;		/* of the deadline, for a second connection */
};

/* Fill res with the reason rc failed; returns PROBE_UNHEALTHY. */
int curlx_failure(struct check_result *res, CURL *, CURLcode rc,
    const char *errbuf, const struct curlx_tls *, const struct curlx_peer *);

#endif
