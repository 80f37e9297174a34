/*
 * check_grpc.c: grpc.health.v1.Health/Check, as grpc-health-probe does it:
 * one HTTP/2 POST (h2c with prior knowledge, or TLS with ALPN) carrying a
 * length-prefixed protobuf, the status in the trailers. The two messages
 * are coded by hand: one string field out, one enum field back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "curlx.h"
#include "grpc.h"
#include "parse.h"
#include "probe.h"
#include "sandbox_rules.h"
#include "util.h"

#define GRPC_PATH "/grpc.health.v1.Health/Check"
#define GRPC_BODY_MAX 4096	/* a health response is a few bytes */
#define GRPC_SERVICE_MAX 200

struct grpc_check {
	char host[256];
	unsigned port;
	char *unix_socket;
	char *service;
	char *server_name;
	int tls;
	struct curlx_tls t;
	struct curlx_headers headers;	/* metadata */
};

struct reply {
	unsigned char buf[GRPC_BODY_MAX];
	size_t len;
	int too_large;
	int lines;		/* header lines, trailers included */
	long status;		/* grpc-status, -1 until seen */
	char message[128];	/* grpc-message */
};


static void
grpc_defaults(struct check *c)
{
	struct grpc_check *g = c->priv;

	curlx_tls_defaults(&g->t);
}

static int
grpc_set(struct check *c, const char *key, const char *value, char *err,
    size_t errlen)
{
	struct grpc_check *g = c->priv;

	if (strcmp(key, "address") == 0) {
		if (parse_hostport(value, 0, g->host, sizeof(g->host), &g->port) != 0) {
			snprintf(err, errlen,
			    "invalid address '%s' (use HOST:PORT or [IPV6]:PORT)", value);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "unix_socket") == 0)
		return set_path(&g->unix_socket, value, err, errlen);
	if (strcmp(key, "service") == 0) {
		if (strlen(value) > GRPC_SERVICE_MAX) {
			snprintf(err, errlen, "service name longer than %d characters",
			    GRPC_SERVICE_MAX);
			return -1;
		}
		return set_string(&g->service, value, err, errlen);
	}
	if (strcmp(key, "server_name") == 0) {
		if (strpbrk(value, " \t/@") != NULL) {
			snprintf(err, errlen, "invalid server name '%s'", value);
			return -1;
		}
		return set_string(&g->server_name, value, err, errlen);
	}
	if (strcmp(key, "tls") == 0)
		return parse_bool(value, &g->tls, err, errlen);
	if (strcmp(key, "header") == 0)
		return curlx_header_add(&g->headers, value, err, errlen);
	return curlx_tls_set(&g->t, c->check_files, key, value, err, errlen);
}

static int
grpc_finish(struct check *c, char *err, size_t errlen)
{
	struct grpc_check *g = c->priv;

	if (g->host[0] != '\0' && g->unix_socket != NULL) {
		snprintf(err, errlen, "address and unix_socket: use one of them");
		return -1;
	}
	if (!g->tls && g->server_name != NULL) {
		snprintf(err, errlen, "server_name needs tls = yes (without it the "
		    "check uses no TLS and ignores the key)");
		return -1;
	}
	if (!g->tls && curlx_tls_needs(&g->t, "tls = yes", err, errlen) != 0)
		return -1;
	return curlx_tls_finish(&g->t, err, errlen);
}

static void
grpc_release(struct check *c)
{
	struct grpc_check *g = c->priv;

	free(g->unix_socket);
	free(g->service);
	free(g->server_name);
	curlx_tls_release(&g->t);
	curlx_headers_release(&g->headers);
}

/* ---- the call ---- */

static size_t
on_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct reply *r = arg;
	size_t n = size * nmemb;

	if (n > sizeof(r->buf) - r->len) {
		r->too_large = 1;
		return 0;	/* ends the transfer */
	}
	memcpy(r->buf + r->len, data, n);
	r->len += n;
	return n;
}

/* Headers and trailers alike: grpc-status and grpc-message. */
static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct reply *r = arg;

	r->lines++;
	grpc_header_line(data, size * nmemb, &r->status, r->message,
	    sizeof(r->message));
	return size * nmemb;
}

/* The request's URL and, with server_name, where to connect instead. */
static void
target(const struct grpc_check *g, char *url, size_t urllen, char *connect_to,
    size_t ctlen)
{
	const char *auth = g->server_name ? g->server_name :
	    g->unix_socket ? "localhost" : g->host;
	int v6 = strchr(auth, ':') != NULL, hv6 = strchr(g->host, ':') != NULL;

	if (g->unix_socket != NULL)
		snprintf(url, urllen, "%s://%s%s%s%s", g->tls ? "https" : "http",
		    v6 ? "[" : "", auth, v6 ? "]" : "", GRPC_PATH);
	else
		snprintf(url, urllen, "%s://%s%s%s:%u%s", g->tls ? "https" : "http",
		    v6 ? "[" : "", auth, v6 ? "]" : "", g->port, GRPC_PATH);
	connect_to[0] = '\0';
	if (g->server_name != NULL && g->unix_socket == NULL)
		snprintf(connect_to, ctlen, "%s%s%s:%u:%s%s%s:%u", v6 ? "[" : "", auth,
		    v6 ? "]" : "", g->port, hv6 ? "[" : "", g->host, hv6 ? "]" : "",
		    g->port);
}

/* The request headers: gRPC's own, then the metadata; the caller frees. */
static struct curl_slist *
request_headers(const struct grpc_check *g, long timeout_ms)
{
	struct curl_slist *l = NULL, *n;
	const struct curl_slist *m;
	char deadline[40];

	snprintf(deadline, sizeof(deadline), "grpc-timeout: %ldm", timeout_ms);
	if ((n = curl_slist_append(l, "Content-Type: application/grpc")) == NULL ||
	    (l = n, n = curl_slist_append(l, "TE: trailers")) == NULL ||
	    (l = n, n = curl_slist_append(l, deadline)) == NULL)
		goto fail;
	l = n;
	for (m = g->headers.list; m != NULL; m = m->next) {
		if ((n = curl_slist_append(l, m->data)) == NULL)
			goto fail;
		l = n;
	}
	return l;
fail:
	curl_slist_free_all(l);
	return NULL;
}

static void
setup(CURL *curl, const struct grpc_check *g, struct reply *r, char *errbuf,
    long timeout_ms)
{
	curlx_setup(curl, errbuf, timeout_ms);
	curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, g->tls ?
	    (long)CURL_HTTP_VERSION_2TLS : (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, r);
	if (g->unix_socket != NULL)
		curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, g->unix_socket);
	if (g->tls)
		curlx_tls_apply(&g->t, curl);
}

/* The verdict on a completed call. */
static int
judge(const struct grpc_check *g, CURL *curl, const struct reply *r,
    struct check_result *res)
{
	const char *svc = g->service ? g->service : "";
	const char *name;
	char err[120];
	long code = 0, version = 0, status;

	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(curl, CURLINFO_HTTP_VERSION, &version);
	if (version != CURL_HTTP_VERSION_2_0)
		return result_set(res, PROBE_UNHEALTHY, "the server answered in "
		    "HTTP/1, not HTTP/2 (is it a gRPC server?)");
	if (code != 200)
		return result_set(res, PROBE_UNHEALTHY, "HTTP %ld, not a gRPC "
		    "response", code);
	if (r->status == -1)
		return result_set(res, PROBE_UNHEALTHY, "no grpc-status in the "
		    "response (no trailers)");
	if (r->status == 5)
		return result_set(res, PROBE_UNHEALTHY, "SERVICE_UNKNOWN: the server "
		    "does not know service '%s'", svc);
	if (r->status == 12)
		return result_set(res, PROBE_UNHEALTHY, "UNIMPLEMENTED: the server has "
		    "no health service");
	if (r->status != 0)
		return result_set(res, PROBE_UNHEALTHY, "grpc-status %ld (%s)%s%s",
		    r->status, (name = grpc_status_name(r->status)) ? name : "?",
		    r->message[0] ? ": " : "", r->message);
	if (grpc_health_decode(r->buf, r->len, &status, err, sizeof(err)) != 0)
		return result_set(res, PROBE_UNHEALTHY, "malformed response: %s", err);
	if ((name = grpc_serving_name(status)) == NULL)
		return result_set(res, PROBE_UNHEALTHY, "unknown serving status %ld",
		    status);
	return result_set(res, status == GRPC_SERVING ? PROBE_HEALTHY :
	    PROBE_UNHEALTHY, "%s", name);
}

/* A failed transfer's reason; HTTP/2 failures in words of our own. */
static int
failure(const struct grpc_check *g, CURL *curl, CURLcode rc, const char *errbuf,
    const struct reply *r, long timeout_ms, double deadline, struct check_result *res)
{
	char hostport[300];
	struct curlx_peer p;

	if (rc == CURLE_WRITE_ERROR && r->too_large)
		return result_set(res, PROBE_UNHEALTHY, "response larger than %d "
		    "bytes (not a health response)", GRPC_BODY_MAX);
	if (rc == CURLE_HTTP2_STREAM)
		return result_set(res, PROBE_UNHEALTHY, "the server reset the HTTP/2 "
		    "stream before answering");
	/* Without TLS, anything but HTTP/2 frames back ends like this, in
	 * words that differ by libcurl version: one wording for all. (With
	 * TLS and nothing back, curlx words the refused handshake.) */
	if ((rc == CURLE_HTTP2 && (!g->tls || r->lines > 0)) ||
	    (!g->tls && r->lines == 0 && rc != CURLE_OPERATION_TIMEDOUT &&
	    rc != CURLE_COULDNT_CONNECT && rc != CURLE_COULDNT_RESOLVE_HOST))
		return result_set(res, PROBE_UNHEALTHY, "HTTP/2 failed (is it a gRPC "
		    "server? %s)", g->tls ? "it must offer h2 by ALPN" :
		    "without tls, it must take HTTP/2 without upgrade");
	snprintf(hostport, sizeof(hostport), "%s%s%s:%u", strchr(g->host, ':') ? "[" :
	    "", g->host, strchr(g->host, ':') ? "]" : "", g->port);
	memset(&p, 0, sizeof(p));
	p.host = g->server_name ? g->server_name : g->host;
	p.hostport = hostport;
	p.unix_socket = g->unix_socket;
	p.secure = g->tls;
	p.got_status = r->lines > 0;
	p.timeout_ms = timeout_ms;
	p.left_ms = (long)(deadline - now_ms());
	return curlx_failure(res, curl, rc, errbuf, &g->t, &p);
}

#define ASK_AGAIN_MAX 3		/* the race below, lost this often in a row */
#define ASK_AGAIN_MIN_MS 100	/* time worth another try */

/* A server that answers before the whole request is in ends the stream
 * with RST_STREAM (NO_ERROR: RFC 9113, 8.1), as grpc-js does for an
 * unknown method; libcurl 7.88 may then drop the answer unread and report
 * a reset stream. Asks again, a few times, within the time left (until,
 * a now_ms() time); returns the last code. */
static CURLcode
ask_again(CURL *curl, struct reply *r, char *errbuf, double until)
{
	CURLcode rc = CURLE_HTTP2_STREAM;
	long left_ms;
	int i;

	for (i = 0; i < ASK_AGAIN_MAX && rc == CURLE_HTTP2_STREAM && r->lines == 0 &&
	    (left_ms = (long)(until - now_ms())) >= ASK_AGAIN_MIN_MS; i++) {
		memset(r, 0, sizeof(*r));
		r->status = -1;
		errbuf[0] = '\0';
		curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, left_ms);
		curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
		rc = curl_easy_perform(curl);
	}
	return rc;
}

static int
grpc_run(const struct check *c, long timeout_ms, struct check_result *res)
{
	const struct grpc_check *g = c->priv;
	unsigned char req[5 + 1 + 10 + GRPC_SERVICE_MAX];
	char errbuf[CURL_ERROR_SIZE], url[600], connect_to[600], hdrs[PROBE_MSG_MAX];
	char tls_ok[PROBE_MSG_MAX];
	struct curl_slist *headers = NULL, *ct = NULL;
	struct reply *r = NULL;
	CURL *curl = NULL;
	double start = now_ms();
	CURLcode rc;
	size_t n;
	int answered, ret = PROBE_UNHEALTHY;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (curl = curl_easy_init()) == NULL ||
	    (r = calloc(1, sizeof(*r))) == NULL ||
	    (headers = request_headers(g, timeout_ms)) == NULL ||
	    (n = grpc_health_request(g->service ? g->service : "", req, sizeof(req))) == 0) {
		result_set(res, PROBE_UNHEALTHY, "cannot set up libcurl");
		goto out;
	}
	if (g->tls && (ret = curlx_tls_ready(&g->t, curl, res)) != 0)
		goto out;
	r->status = -1;
	errbuf[0] = '\0';
	target(g, url, sizeof(url), connect_to, sizeof(connect_to));
	setup(curl, g, r, errbuf, timeout_ms);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	if (connect_to[0] != '\0' && (ct = curl_slist_append(NULL, connect_to)) != NULL)
		curl_easy_setopt(curl, CURLOPT_CONNECT_TO, ct);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)n);
	rc = curl_easy_perform(curl);
	if (rc == CURLE_HTTP2_STREAM && r->lines == 0)
		rc = ask_again(curl, r, errbuf, start + (double)timeout_ms);
	curlx_headers_text(&g->headers, hdrs, sizeof(hdrs));
	/* A server may reset the stream once it has answered: grpc-js sends
	 * RST_STREAM after a trailers-only reply while the request is still
	 * coming. Its grpc-status stands. */
	answered = rc == CURLE_OK || (rc == CURLE_HTTP2_STREAM && r->status != -1);
	tls_ok[0] = '\0';
	if (answered && g->tls &&
	    curlx_tls_dates(&g->t, curl, 1, res, tls_ok, sizeof(tls_ok)) != 0)
		answered = -1;
	result_detail(res, "Check(\"%.*s\") at %s%s over %s%s%s",
	    (int)utf8_cut(g->service ? g->service : "", 60),
	    g->service ? g->service : "", g->unix_socket ? "unix socket " : "",
	    g->unix_socket ? g->unix_socket : url, g->tls ? "TLS" : "h2c", hdrs, tls_ok);
	if (answered == 1)
		ret = judge(g, curl, r, res);
	else if (answered == 0)
		ret = failure(g, curl, rc, errbuf, r, timeout_ms, start + (double)timeout_ms, res);
out:
	curl_slist_free_all(headers);
	curl_slist_free_all(ct);
	free(r);
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	return ret;
}

static void
grpc_sandbox(const struct check *c, struct sandbox_rules *r)
{
	const struct grpc_check *g = c->priv;

	if (g->tls)
		curlx_sandbox(&g->t, r);
	if (g->unix_socket != NULL)
		r->unix_socket = 1;	/* and no TCP at all */
	else
		sandbox_add_peer(r, g->host, g->port);
}

static const char *
grpc_peer(const struct check *c, char *buf, size_t len)
{
	const struct grpc_check *g = c->priv;

	if (g->unix_socket != NULL)
		return NULL;
	snprintf(buf, len, "%s", g->host);
	return buf;
}

static const struct check_key grpc_keys[] = {
	{ "address", "HOST:PORT", NULL, KEY_ONE_OF },
	{ "unix_socket", "PATH", NULL, KEY_ONE_OF },
	{ "service", "NAME", NULL, 0 },
	{ "server_name", "NAME", NULL, 0 },
	{ "tls", "yes|no", "no", 0 },
	{ "header", "NAME: VALUE", NULL, KEY_REPEATABLE },
	{ NULL, NULL, NULL, 0 },
};

const struct check_type check_grpc = {
	.name = "grpc",
	.summary = "grpc.health.v1.Health/Check answers SERVING (h2c)",
	.target_key = "address",
	.target_arg = "HOST:PORT",
	.keys = grpc_keys,
	.shared_keys = curlx_tls_keys,
	.sandbox_class = SANDBOX_NET,
	.priv_size = sizeof(struct grpc_check),
	.defaults = grpc_defaults,
	.set = grpc_set,
	.finish = grpc_finish,
	.run = grpc_run,
	.release = grpc_release,
	.sandbox = grpc_sandbox,
	.peer = grpc_peer,
};
