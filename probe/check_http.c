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

#include "curlx.h"
#include "expect.h"
#include "parse.h"
#include "probe.h"
#include "sandbox_rules.h"
#include "util.h"

#define BODY_MAX (10 * 1024)	/* as much body as the kubelet reads */
#define REDIRECTS_MAX 10	/* requests, as the kubelet (Go) counts: 9 redirects */
#define LOCATION_MAX 2048

enum redirects { REDIR_SAME_HOST, REDIR_YES, REDIR_NO };

struct http_check {
	char *url;
	struct status_range status[STATUS_RANGES_MAX];
	size_t nstatus;
	char *expect_body;
	struct expect expect;	/* expect_body_regex, expect_json */
	int head;
	struct curlx_headers headers;
	struct curlx_tls tls;
	char *unix_socket;
	char *server_name;	/* asked for (SNI, Host) and verified; the URL's
				 * host is where it connects */
	enum redirects redirects;
};

struct body {
	size_t cap;	/* BODY_MAX, or EXPECT_BODY_MAX for assertions */
	size_t len;
	const char *needle;
	int found;
	int stopped;	/* we ended the transfer on purpose */
	int headers_done;	/* the blank line that ends the headers came */
	int lines;		/* header lines received, status lines included */
	int relative;		/* the Location header is relative (no scheme) */
	char buf[];		/* cap bytes and a NUL */
};

static void
http_defaults(struct check *c)
{
	struct http_check *h = c->priv;

	h->status[0].lo = 200;	/* as the kubelet */
	h->status[0].hi = 399;
	h->nstatus = 1;
	curlx_tls_defaults(&h->tls);
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

/* The port of url (the scheme's when it names none), or 0. */
static unsigned
url_port(const char *url)
{
	CURLU *u;
	char *port = NULL;
	unsigned r = 0;

	if ((u = curl_url()) == NULL)
		return 0;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK)
		r = (unsigned)strtoul(port, NULL, 10);
	curl_free(port);
	curl_url_cleanup(u);
	return r;
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
	if (strstr(value, "://") == NULL && strpbrk(value, " \t") == NULL) {
		snprintf(err, errlen, "invalid URL '%s' (a URL starts with http:// or "
		    "https://, as in http://%s)", shown, shown);
		curl_url_cleanup(u);
		return -1;
	}
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
	if (strcmp(key, "expect_body_regex") == 0)
		return expect_regex_set(&h->expect, value, err, errlen);
	if (strcmp(key, "expect_json") == 0)
		return expect_json_add(&h->expect, value, err, errlen);
	if (strcmp(key, "method") == 0) {
		if (strcmp(value, "GET") != 0 && strcmp(value, "HEAD") != 0) {
			snprintf(err, errlen, "invalid method '%s' (use GET or HEAD)", value);
			return -1;
		}
		h->head = strcmp(value, "HEAD") == 0;
		return 0;
	}
	if (strcmp(key, "header") == 0)
		return curlx_header_add(&h->headers, value, err, errlen);
	if (strcmp(key, "unix_socket") == 0)
		return set_string(&h->unix_socket, value, err, errlen);
	if (strcmp(key, "server_name") == 0) {
		if (value[strcspn(value, " \t/@:[]")] != '\0') {
			snprintf(err, errlen, "invalid server name '%s'", value);
			return -1;
		}
		return set_string(&h->server_name, value, err, errlen);
	}
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
	return curlx_tls_set(&h->tls, c->check_files, key, value, err, errlen);
}

static int
http_finish(struct check *c, char *err, size_t errlen)
{
	struct http_check *h = c->priv;

	if (h->head && (h->expect_body != NULL || expect_any(&h->expect))) {
		snprintf(err, errlen, "%s needs method GET, not HEAD",
		    h->expect_body != NULL ? "expect_body" : h->expect.re_text != NULL ?
		    "expect_body_regex" : "expect_json");
		return -1;
	}
	if (h->tls.min_validity >= 0 && strncasecmp(h->url, "https://", 8) != 0) {
		snprintf(err, errlen, "cert_min_validity needs an https:// URL");
		return -1;
	}
	if (h->server_name != NULL && strncasecmp(h->url, "https://", 8) != 0) {
		snprintf(err, errlen, "server_name needs an https:// URL (without it "
		    "the check uses no TLS and ignores the key)");
		return -1;
	}
	/* An http:// URL that follows no redirect never meets TLS. */
	if (strncasecmp(h->url, "https://", 8) != 0 && h->redirects == REDIR_NO &&
	    curlx_tls_needs(&h->tls, "an https:// URL (or follow_redirects)", err,
	    errlen) != 0)
		return -1;
	return curlx_tls_finish(&h->tls, err, errlen);
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t n = size * nmemb, take, from;

	/* Like the kubelet: read at most cap bytes (a body cut short within
	 * them is a failure), then stop, whatever the server sends. */
	take = n < b->cap - b->len ? n : b->cap - b->len;
	memcpy(b->buf + b->len, data, take);
	from = b->needle && b->len > strlen(b->needle) ? b->len - strlen(b->needle) : 0;
	b->len += take;
	b->buf[b->len] = '\0';
	if (b->needle != NULL &&
	    memmem(b->buf + from, b->len - from, b->needle, strlen(b->needle)))
		b->found = 1;
	if (b->len == b->cap) {
		b->stopped = 1;
		return 0;
	}
	return n;
}

/* 1 if a Location value (n bytes, not NUL-terminated) has no scheme:
 * RFC 3986's "ALPHA *( ALPHA / DIGIT / + / - / . ) :" before any '/'. */
static int
location_relative(const char *v, size_t n)
{
	size_t i;

	while (n > 0 && (*v == ' ' || *v == '\t'))
		v++, n--;
	if (n == 0 || !isalpha((unsigned char)v[0]))
		return 1;
	for (i = 1; i < n && (isalnum((unsigned char)v[i]) || v[i] == '+' ||
	    v[i] == '-' || v[i] == '.'); i++)
		;
	return i >= n || v[i] != ':';
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
	else if (n > 9 && strncasecmp(data, "Location:", 9) == 0)
		b->relative = location_relative(data + 9, n - 9);
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

static int
failure(struct check_result *res, const struct http_check *h, CURL *curl,
    CURLcode rc, const char *errbuf, const char *url, long timeout_ms,
    double deadline, const struct body *b)
{
	char host[256] = "?", hostport[300] = "?";
	struct curlx_peer p;

	url_host(url, 0, host, sizeof(host));
	url_host(url, 1, hostport, sizeof(hostport));
	memset(&p, 0, sizeof(p));
	p.host = host;
	p.hostport = hostport;
	p.unix_socket = h->unix_socket;
	p.secure = strncasecmp(url, "https://", 8) == 0;
	p.got_status = b->lines > 0;
	p.timeout_ms = timeout_ms;
	p.left_ms = (long)(deadline - now_ms());
	return curlx_failure(res, curl, rc, errbuf, &h->tls, &p);
}

static void
setup(CURL *curl, const struct http_check *h, struct body *body, char *errbuf,
    long left_ms, struct curl_slist *headers)
{
	curlx_setup(curl, errbuf, left_ms);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, body);
	curl_easy_setopt(curl, CURLOPT_NOBODY, (long)h->head);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curlx_tls_apply(&h->tls, curl);
	if (h->unix_socket != NULL)
		curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, h->unix_socket);
}

/* Go's isDomainOrSubdomain: sub is parent, or ends in "." parent; never
 * for an IPv6 address. */
static int
domain_or_subdomain(const char *sub, const char *parent)
{
	size_t n = strlen(sub), m = strlen(parent);

	if (strcasecmp(sub, parent) == 0)
		return 1;
	if (strpbrk(sub, ":%[") != NULL || n <= m)
		return 0;
	return sub[n - m - 1] == '.' && strcasecmp(sub + n - m, parent) == 0;
}

/*
 * After a 3xx: 1 with *url replaced when the redirect is to be followed,
 * and *drop updated with what its request must leave out (as Go's client
 * does, for good once a hop did: the credentials when the new host is
 * neither the first one's nor in its domain, a custom Host after an
 * absolute Location); 0 when the response is the answer; -1 with res
 * filled.
 */
static int
follow(const struct http_check *h, CURL *curl, long code, int hops,
    const char *host0, const struct body *b, char **url, unsigned *drop,
    struct check_result *res)
{
	char host[256] = "", *next = NULL;
	int other;

	/* Go's client, the kubelet's, follows these only: 300, 304, 305 and
	 * the rest are answers. */
	if ((code != 301 && code != 302 && code != 303 && code != 307 &&
	    code != 308) || h->redirects == REDIR_NO ||
	    curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &next) != CURLE_OK ||
	    next == NULL)
		return 0;
	other = url_host(next, 0, host, sizeof(host)) != 0 ||
	    strcasecmp(host, host0) != 0;
	/* The kubelet follows redirects to the same host only; another
	 * host's redirect counts as the 3xx it is. */
	if (h->redirects == REDIR_SAME_HOST && other)
		return 0;
	/* The kubelet stops when it has made 10 requests: the tenth 3xx is
	 * an error ("stopped after 10 redirects"), 9 redirects pass. */
	if (hops + 1 >= REDIRECTS_MAX) {
		result_set(res, PROBE_UNHEALTHY, "stopped after %d redirects", REDIRECTS_MAX);
		return -1;
	}
	if ((next = strdup(next)) == NULL) {
		result_set(res, PROBE_UNHEALTHY, "out of memory");
		return -1;
	}
	if (other && !domain_or_subdomain(host, host0))
		*drop |= CURLX_DROP_SENSITIVE;
	if (!b->relative)
		*drop |= CURLX_DROP_HOST;
	free(*url);
	*url = next;
	return 1;
}

/* What was asked and answered, for -v. */
static void
http_detail(const struct http_check *h, const char *url, long code, int hops,
    unsigned drop, const char *tls_ok, struct check_result *res)
{
	char hdrs[PROBE_MSG_MAX], *shown = url_for_people(url);
	const char *left = curlx_headers_has(&h->headers, drop & CURLX_DROP_SENSITIVE) ?
	    " (credentials not sent to another host)" : "";

	curlx_headers_text(&h->headers, hdrs, sizeof(hdrs));
	result_detail(res, "%s %s: HTTP %ld after %d redirect%s%s%s%s", h->head ? "HEAD" :
	    "GET", shown ? shown : "?", code, hops, hops == 1 ? "" : "s", hdrs, left,
	    tls_ok);
	free(shown);
}

/* A status that does not pass: why, as the body tells (expect_json, or
 * a health body's status), else its start under -v; never a header. */
static int
status_failure(const struct http_check *h, long code, const struct body *body,
    struct check_result *res)
{
	char why[PROBE_MSG_MAX - 32], start[4 * 80 + 8];
	size_t n;

	if (!h->head && body->len > 0 && expect_why(&h->expect, body->buf, body->len,
	    why, sizeof(why)))
		return result_set(res, PROBE_UNHEALTHY, "HTTP %ld, %s", code, why);
	if (!h->head && body->len > 0 && (n = strlen(res->detail)) + 16 < sizeof(res->detail))
		snprintf(res->detail + n, sizeof(res->detail) - n, ", body %s",
		    expect_body_start(body->buf, body->len, 80, start, sizeof(start)));
	return result_set(res, PROBE_UNHEALTHY, "HTTP %ld", code);
}

/* The verdict on the final response. */
static int
judge(const struct http_check *h, const char *url, long code, int hops,
    unsigned drop, const struct body *body, const char *tls_ok,
    struct check_result *res)
{
	char msg[PROBE_MSG_MAX - 32];

	http_detail(h, url, code, hops, drop, tls_ok, res);
	if (!status_match(h->status, h->nstatus, code))
		return status_failure(h, code, body, res);
	if (h->expect_body != NULL && !body->found)
		return result_set(res, PROBE_UNHEALTHY, "HTTP %ld, body does not "
		    "contain \"%.*s\"", code, (int)utf8_cut(h->expect_body, 60),
		    h->expect_body);
	if (expect_any(&h->expect) && expect_judge(&h->expect, body->buf, body->len,
	    body->stopped, msg, sizeof(msg)) != 0)
		return result_set(res, PROBE_UNHEALTHY, "HTTP %ld, %s", code, msg);
	return result_set(res, PROBE_HEALTHY, "HTTP %ld", code);
}

/* A response came: were its headers whole, are the server's certificates
 * valid long enough (cert_min_validity)? 0, or PROBE_UNHEALTHY with res. */
static int
answered(const struct http_check *h, CURL *curl, const char *url, long code,
    int hops, unsigned drop, const struct body *body, char *tls_ok, size_t oklen,
    struct check_result *res)
{
	if (strncasecmp(url, "https://", 8) == 0 &&
	    curlx_tls_dates(&h->tls, curl, hops == 0, res, tls_ok, oklen) != 0) {
		http_detail(h, url, code, hops, drop, "", res);
		return PROBE_UNHEALTHY;
	}
	if (!body->headers_done)
		return result_set(res, PROBE_UNHEALTHY, "connection closed in the "
		    "middle of the response headers (HTTP %ld)", code);
	return 0;
}

/* With server_name: *url asks for that name instead of its host (SNI,
 * Host, the certificate's name), and *route (CONNECT_TO) sends what goes
 * to that name and port where the URL pointed. Returns 0 or -1. */
static int
server_name_route(const struct http_check *h, CURL *curl, char **url,
    struct curl_slist **route)
{
	char host[256], map[600], *named = NULL;
	unsigned port = url_port(*url);
	CURLU *u;
	int r = -1;

	if ((u = curl_url()) == NULL || url_host(*url, 0, host, sizeof(host)) != 0 ||
	    curl_url_set(u, CURLUPART_URL, *url, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_HOST, h->server_name, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &named, 0) != CURLUE_OK)
		goto out;
	snprintf(map, sizeof(map), "%s:%u:%s:%u", h->server_name, port, host, port);
	if ((*route = curl_slist_append(NULL, map)) == NULL)
		goto out;
	curl_easy_setopt(curl, CURLOPT_CONNECT_TO, *route);
	free(*url);
	if ((*url = strdup(named)) == NULL)
		goto out;
	r = 0;
out:
	curl_free(named);
	curl_url_cleanup(u);
	return r;
}

/* One request of the chain, to url, without the headers drop names;
 * body is made ready for its response. Returns libcurl's code. */
static CURLcode
request(CURL *curl, const struct http_check *h, struct body *body, char *errbuf,
    long left_ms, const char *url, unsigned drop)
{
	struct curl_slist *hdrs = NULL;
	size_t cap = body->cap;
	CURLcode rc;

	memset(body, 0, sizeof(*body));
	body->cap = cap;
	body->needle = h->expect_body;
	errbuf[0] = '\0';
	if (drop != 0 && curlx_headers_for_hop(&h->headers, drop, &hdrs) != 0)
		return CURLE_OUT_OF_MEMORY;
	setup(curl, h, body, errbuf, left_ms, drop != 0 ? hdrs : h->headers.list);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	rc = curl_easy_perform(curl);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	return rc;
}

static int
http_run(const struct check *c, long timeout_ms, struct check_result *res)
{
	const struct http_check *h = c->priv;
	char errbuf[CURL_ERROR_SIZE], host0[256] = "", tls_ok[PROBE_MSG_MAX] = "";
	double deadline = now_ms() + (double)timeout_ms;
	struct body *body = NULL;
	CURL *curl = NULL;
	char *url = NULL;
	CURLcode rc;
	long code = 0, left;
	struct curl_slist *route = NULL;
	unsigned drop = 0;
	int hops, r, ret = PROBE_UNHEALTHY;
	size_t cap = expect_any(&h->expect) ? EXPECT_BODY_MAX : BODY_MAX;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (curl = curl_easy_init()) == NULL ||
	    (body = calloc(1, sizeof(*body) + cap + 1)) == NULL ||
	    (url = strdup(h->url)) == NULL) {
		result_set(res, PROBE_UNHEALTHY, "cannot set up libcurl");
		goto out;
	}
	if (strncasecmp(h->url, "https://", 8) == 0 &&
	    (ret = curlx_tls_ready(&h->tls, curl, res)) != 0)
		goto out;
	if (h->server_name != NULL && server_name_route(h, curl, &url, &route) != 0) {
		result_set(res, PROBE_UNHEALTHY, "cannot set up libcurl");
		goto out;
	}
	url_host(url, 0, host0, sizeof(host0));
	for (hops = 0;; hops++) {
		if ((left = (long)(deadline - now_ms())) <= 0) {
			ret = result_set(res, PROBE_UNHEALTHY, "timed out after %ldms "
			    "following redirects", timeout_ms);
			goto out;
		}
		body->cap = cap;
		rc = request(curl, h, body, errbuf, left, url, drop);
		if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && body->stopped)) {
			ret = failure(res, h, curl, rc, errbuf, url, timeout_ms, deadline, body);
			goto out;
		}
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
		if ((ret = answered(h, curl, url, code, hops, drop, body, tls_ok,
		    sizeof(tls_ok), res)) != 0)
			goto out;
		if ((r = follow(h, curl, code, hops, host0, body, &url, &drop, res)) != 1) {
			ret = r == 0 ? judge(h, url, code, hops, drop, body, tls_ok, res) :
			    PROBE_UNHEALTHY;
			goto out;
		}
	}
out:
	free(url);
	free(body);
	curl_easy_cleanup(curl);
	curl_slist_free_all(route);
	curl_global_cleanup();
	return ret;
}

static void
http_release(struct check *c)
{
	struct http_check *h = c->priv;

	free(h->url);
	free(h->expect_body);
	expect_release(&h->expect);
	free(h->unix_socket);
	free(h->server_name);
	curlx_tls_release(&h->tls);
	curlx_headers_release(&h->headers);
}

static void
http_sandbox(const struct check *c, struct sandbox_rules *r)
{
	const struct http_check *h = c->priv;
	char host[256];
	unsigned port;

	/* A redirect, even to the same host, may name any port, any host
	 * and https://. */
	if (strncasecmp(h->url, "https://", 8) == 0 || h->redirects != REDIR_NO)
		curlx_sandbox(&h->tls, r);
	if (h->unix_socket != NULL) {
		r->unix_socket = 1;	/* and no TCP at all */
		return;
	}
	r->any_port = r->lookup = h->redirects != REDIR_NO;
	if (url_host(h->url, 0, host, sizeof(host)) == 0 &&
	    (port = url_port(h->url)) != 0)
		sandbox_add_peer(r, host, port);
}

static const struct check_option http_options[] = {
	{ "expect-status", "expect_status", "LIST",
	    "statuses that pass, for every --http", 0 },
	{ "header", "header", "'NAME: VALUE'",
	    "send this header with every --http", 1 },
	{ "expect-body", "expect_body", "TEXT",
	    "the body must contain TEXT, for every --http", 0 },
	{ "expect-body-regex", "expect_body_regex", "REGEX",
	    "the body must match REGEX (POSIX ERE), every --http", 0 },
	{ "expect-json", "expect_json", "'POINTER == VALUE'",
	    "a JSON value, '/status == \"UP\"' (or !=), every --http", 1 },
	{ NULL, NULL, NULL, NULL, 0 },
};

static const char *
http_peer(const struct check *c, char *buf, size_t len)
{
	const struct http_check *h = c->priv;

	if (h->unix_socket != NULL)
		return NULL;
	return url_host(h->url, 0, buf, len) == 0 ? buf : h->url;
}

static const struct check_key http_keys[] = {
	{ "url", "URL", NULL, KEY_REQUIRED },
	{ "expect_status", "LIST", "200-399", 0 },
	{ "expect_body", "TEXT", NULL, 0 },
	{ "expect_body_regex", "REGEX", NULL, 0 },
	{ "expect_json", "POINTER == VALUE", NULL, KEY_REPEATABLE },
	{ "method", "GET|HEAD", "GET", 0 },
	{ "header", "NAME: VALUE", NULL, KEY_REPEATABLE },
	{ "unix_socket", "PATH", NULL, 0 },
	{ "follow_redirects", "same-host|yes|no", "same-host", 0 },
	{ "server_name", "NAME", NULL, 0 },
	{ NULL, NULL, NULL, 0 },
};

const struct check_type check_http = {
	.name = "http",
	.summary = "GET URL, healthy on 200-399 (a bare URL is the same)",
	.target_key = "url",
	.target_arg = "URL",
	.keys = http_keys,
	.shared_keys = curlx_tls_keys,
	.sandbox_class = SANDBOX_NET,
	.options = http_options,
	.inline_name = http_inline_name,
	.priv_size = sizeof(struct http_check),
	.defaults = http_defaults,
	.set = http_set,
	.finish = http_finish,
	.run = http_run,
	.release = http_release,
	.sandbox = http_sandbox,
	.peer = http_peer,
};
