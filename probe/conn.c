/* conn.c: a check's TCP connection, plain or over TLS through libcurl
 * (CONNECT_ONLY on a socket of ours), every call within the deadline. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "util.h"

/* The time left before c's deadline, in ms; 0 once it passed. */
static long
left_ms(const struct conn *c)
{
	double left = c->deadline - now_ms();

	return left > 0 ? (long)left + 1 : 0;
}

/* Wait for events on c's socket; 1 when ready, 0 at the deadline, -1
 * with errno set. */
static int
wait_fd(const struct conn *c, int fd, short events)
{
	struct pollfd pfd = { fd, events, 0 };
	int r;

	do {
		long left = left_ms(c);

		r = left > 0 ? poll(&pfd, 1, (int)left) : 0;
	} while (r < 0 && errno == EINTR);
	return r;
}

/* Connect fd to ai by c's deadline; 0 or an errno value. */
static int
connect_fd(const struct conn *c, int fd, const struct addrinfo *ai)
{
	socklen_t len = sizeof(int);
	int e = 0, r;

	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return errno;
	if ((r = wait_fd(c, fd, POLLOUT)) == 0)
		return ETIMEDOUT;
	if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
		return errno;
	return e;
}

static void
address_text(const struct addrinfo *ai, char *buf, size_t len)
{
	char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "?";

	getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), port,
	    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(buf, len, ai->ai_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
}

int
conn_open(struct conn *c, const char *host, const char *port, double deadline,
    long timeout_ms, struct check_result *res)
{
	struct addrinfo hints, *list = NULL, *ai;
	int r, e = 0, ret = PROBE_UNHEALTHY;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->deadline = deadline;
	c->timeout_ms = timeout_ms;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	if ((r = getaddrinfo(host, port, &hints, &list)) == EAI_SYSTEM)
		return result_sys(res, errno, "cannot resolve host '%s'", host);
	if (r != 0)
		return result_set(res, PROBE_UNHEALTHY, "cannot resolve host '%s': %s",
		    host, gai_strerror(r));
	for (ai = list; ai != NULL; ai = ai->ai_next) {
		address_text(ai, c->addr, sizeof(c->addr));
		c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (c->fd >= 0 && (e = connect_fd(c, c->fd, ai)) == 0) {
			ret = 0;
			break;
		}
		e = c->fd < 0 ? errno : e;
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		if (e == ETIMEDOUT) {
			result_set(res, PROBE_UNHEALTHY, "timed out after %ldms "
			    "connecting to %s", timeout_ms, c->addr);
			break;
		}
		result_sys(res, e, "connect to %s", c->addr);
	}
	freeaddrinfo(list);
	return ret;
}

/* libcurl's socket: the one already connected (then libcurl owns it). */
static curl_socket_t
given_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct conn *c = arg;
	int fd = c->fd;

	(void)purpose;
	(void)addr;
	c->fd = -1;
	return fd;
}

static int
already_connected(void *arg, curl_socket_t fd, curlsocktype purpose)
{
	(void)arg;
	(void)fd;
	(void)purpose;
	return CURL_SOCKOPT_ALREADY_CONNECTED;
}

/* The peer, for curlx's words about a failed handshake. */
static void
peer_of(const struct conn *c, const char *host, struct curlx_peer *p)
{
	memset(p, 0, sizeof(*p));
	p->host = host;
	p->hostport = c->addr;
	p->secure = 1;
	p->timeout_ms = c->timeout_ms;
	p->left_ms = left_ms(c);
}

int
conn_tls(struct conn *c, const struct curlx_tls *t, const char *host,
    const char *port, struct check_result *res)
{
	struct curl_slist *resolve = NULL;
	struct curlx_peer p;
	char url[600], pin[400], ok[PROBE_MSG_MAX];
	const char *bare = c->addr[0] == '[' ? c->addr : NULL;
	CURLcode rc;

	if ((c->curl = curl_easy_init()) == NULL)
		return result_set(res, PROBE_UNHEALTHY, "out of memory");
	curlx_setup(c->curl, c->errbuf, left_ms(c));
	if (curlx_tls_ready(t, c->curl, res) != 0)
		return PROBE_UNHEALTHY;
	curlx_tls_apply(t, c->curl);
	/* The name checked is host's; no lookup: the socket is connected. */
	snprintf(url, sizeof(url), "https://%s%s%s:%s/", strchr(host, ':') ? "[" : "",
	    host, strchr(host, ':') ? "]" : "", port);
	snprintf(pin, sizeof(pin), "%s:%s:%.*s", host, port, bare ?
	    (int)(strrchr(c->addr, ']') - c->addr + 1) : (int)strcspn(c->addr, ":"),
	    c->addr);
	resolve = curl_slist_append(NULL, pin);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_RESOLVE, resolve);
	curl_easy_setopt(c->curl, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(c->curl, CURLOPT_SSL_ENABLE_ALPN, 0L);
	curl_easy_setopt(c->curl, CURLOPT_OPENSOCKETFUNCTION, given_socket);
	curl_easy_setopt(c->curl, CURLOPT_OPENSOCKETDATA, c);
	curl_easy_setopt(c->curl, CURLOPT_SOCKOPTFUNCTION, already_connected);
	rc = curl_easy_perform(c->curl);
	curl_slist_free_all(resolve);
	if (rc != CURLE_OK) {
		peer_of(c, host, &p);
		return curlx_failure(res, c->curl, rc, c->errbuf, t, &p);
	}
	return curlx_tls_dates(t, c->curl, 1, res, ok, sizeof(ok));
}

/* The socket to wait on: ours, or libcurl's. */
static int
conn_fd(const struct conn *c)
{
	curl_socket_t fd = CURL_SOCKET_BAD;

	if (c->curl == NULL)
		return c->fd;
	curl_easy_getinfo(c->curl, CURLINFO_ACTIVESOCKET, &fd);
	return (int)fd;
}

/* res for a call that failed with errno e (0: at the deadline). */
static int
io_failure(const struct conn *c, int e, const char *verb, const char *what,
    struct check_result *res)
{
	if (e == 0)
		return result_set(res, PROBE_UNHEALTHY, "timed out after %ldms %s %s",
		    c->timeout_ms, verb, what);
	return result_sys(res, e, "%s: cannot %s %s", c->addr, verb, what);
}

int
conn_send(struct conn *c, const void *buf, size_t len, const char *what,
    struct check_result *res)
{
	const char *p = buf;
	size_t sent;
	ssize_t n;
	int r;

	while (len > 0) {
		if (c->curl != NULL) {
			CURLcode rc = curl_easy_send(c->curl, p, len, &sent);

			n = rc == CURLE_OK ? (ssize_t)sent : rc == CURLE_AGAIN ? -2 : -1;
			if (n == -1)
				return result_set(res, PROBE_UNHEALTHY, "%s: cannot send %s: %s",
				    c->addr, what, curl_easy_strerror(rc));
		} else if ((n = send(c->fd, p, len, MSG_NOSIGNAL)) < 0) {
			if (errno != EAGAIN && errno != EINTR)
				return io_failure(c, errno, "send", what, res);
			n = -2;
		}
		if (n == -2) {
			if ((r = wait_fd(c, conn_fd(c), POLLOUT)) <= 0)
				return io_failure(c, r < 0 ? errno : 0, "sending", what, res);
			continue;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

long
conn_recv(struct conn *c, void *buf, size_t cap, const char *what,
    struct check_result *res)
{
	size_t got;
	ssize_t n;
	int r;

	for (;;) {
		if (c->curl != NULL) {
			CURLcode rc = curl_easy_recv(c->curl, buf, cap, &got);

			if (rc == CURLE_OK)
				return (long)got;
			if (rc != CURLE_AGAIN) {
				result_set(res, PROBE_UNHEALTHY, "%s: cannot read %s: %s",
				    c->addr, what, curl_easy_strerror(rc));
				return -1;
			}
		} else if ((n = recv(c->fd, buf, cap, 0)) >= 0) {
			return (long)n;
		} else if (errno == ECONNRESET) {
			return 0;	/* closed, rudely */
		} else if (errno != EAGAIN && errno != EINTR) {
			io_failure(c, errno, "read", what, res);
			return -1;
		}
		if ((r = wait_fd(c, conn_fd(c), POLLIN)) <= 0) {
			io_failure(c, r < 0 ? errno : 0, "waiting for", what, res);
			return -1;
		}
	}
}

void
conn_close(struct conn *c)
{
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	c->curl = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
