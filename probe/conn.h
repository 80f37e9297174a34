/* conn.h: one TCP connection of a check, plain or over TLS (libcurl's,
 * so that both builds verify a certificate as the http check does), every
 * call bounded by the check's deadline. */
#ifndef CONN_H
#define CONN_H

#include <stddef.h>

#include <curl/curl.h>

#include "curlx.h"
#include "probe.h"

struct conn {
	int fd;			/* -1 once libcurl owns it */
	CURL *curl;		/* over TLS, else NULL */
	double deadline;	/* now_ms() at which every call gives up */
	long timeout_ms;	/* the check's, for messages */
	char addr[80];		/* where it connected: "127.0.0.1:5432" */
	char errbuf[CURL_ERROR_SIZE];
};

/*
 * Connect to host:port (the first address of host's that answers) by
 * deadline. Returns 0, or PROBE_UNHEALTHY with res filled ("connect to
 * 127.0.0.1:5432: connection refused", "timed out after 500ms connecting
 * to ..."). conn_close() in either case.
 */
int conn_open(struct conn *, const char *host, const char *port, double deadline,
    long timeout_ms, struct check_result *res);

/*
 * TLS over the open connection, with t's settings, the server's name
 * being host: the handshake, the certificate and, with cert_min_validity,
 * its dates, as the http check judges them. Returns 0, or PROBE_UNHEALTHY
 * with res filled.
 */
int conn_tls(struct conn *, const struct curlx_tls *t, const char *host,
    const char *port, struct check_result *res);

/* Send len bytes of buf, all of them. Returns 0, or PROBE_UNHEALTHY with
 * res filled (what was being done: what). */
int conn_send(struct conn *, const void *buf, size_t len, const char *what,
    struct check_result *res);

/*
 * Read what has come, at least a byte, into buf (at most cap). Returns
 * the count; 0 when the peer closed the connection; -1 with res filled
 * at the deadline or on an error (what: what was awaited).
 */
long conn_recv(struct conn *, void *buf, size_t cap, const char *what,
    struct check_result *res);

void conn_close(struct conn *);

#endif
