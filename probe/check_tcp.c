/* check_tcp.c: does a TCP connect to HOST:PORT succeed within the deadline? */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "parse.h"
#include "probe.h"
#include "sandbox_rules.h"
#include "util.h"

struct tcp_check {
	char host[256];
	char port[12];
	unsigned portnum;
};

static int
tcp_set(struct check *c, const char *key, const char *value, char *err,
    size_t errlen)
{
	struct tcp_check *t = c->priv;
	unsigned port;

	if (strcmp(key, "address") != 0)
		return CHECK_UNKNOWN_KEY;
	if (parse_hostport(value, 0, t->host, sizeof(t->host), &port) != 0) {
		snprintf(err, errlen,
		    "invalid address '%s' (use HOST:PORT or [IPV6]:PORT)", value);
		return -1;
	}
	snprintf(t->port, sizeof(t->port), "%u", port);
	t->portnum = port;
	return 0;
}

static void
address_text(const struct addrinfo *ai, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?", port[8] = "?";

	getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), port,
	    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(buf, len, ai->ai_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
}

/* Connect within ms; returns 0 or an errno value. */
static int
connect_one(const struct addrinfo *ai, double deadline)
{
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int fd, e = 0, r;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd < 0)
		return errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		if (errno != EINPROGRESS) {
			e = errno;
			goto out;
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		do {
			double left = deadline - now_ms();

			r = left > 0 ? poll(&pfd, 1, (int)left + 1) : 0;
		} while (r < 0 && errno == EINTR);
		if (r == 0)
			e = ETIMEDOUT;
		else if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
			e = errno;
	}
out:
	close(fd);
	return e;
}

static int
tcp_run(const struct check *c, long timeout_ms, struct check_result *res)
{
	const struct tcp_check *t = c->priv;
	struct addrinfo hints, *list = NULL, *ai;
	double deadline = now_ms() + (double)timeout_ms;
	char addr[INET6_ADDRSTRLEN + 10];
	int r, e = 0, ret;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	if ((r = getaddrinfo(t->host, t->port, &hints, &list)) == EAI_SYSTEM)
		return result_sys(res, errno, "cannot resolve host '%s'", t->host);
	if (r != 0)
		return result_set(res, PROBE_UNHEALTHY, "cannot resolve host '%s': %s",
		    t->host, gai_strerror(r));
	ret = PROBE_UNHEALTHY;
	for (ai = list; ai != NULL; ai = ai->ai_next) {
		address_text(ai, addr, sizeof(addr));
		if ((e = connect_one(ai, deadline)) == 0) {
			ret = result_set(res, PROBE_HEALTHY, "connected to %s", addr);
			break;
		}
		if (e == ETIMEDOUT) {
			result_set(res, PROBE_UNHEALTHY,
			    "timed out after %ldms connecting to %s", timeout_ms, addr);
			break;
		}
		result_sys(res, e, "connect to %s", addr);
	}
	result_detail(res, "%s port %s", t->host, t->port);
	freeaddrinfo(list);
	return ret;
}

static void
tcp_sandbox(const struct check *c, struct sandbox_rules *r)
{
	const struct tcp_check *t = c->priv;

	sandbox_add_peer(r, t->host, t->portnum);
}

static const char *
tcp_peer(const struct check *c, char *buf, size_t len)
{
	const struct tcp_check *t = c->priv;

	snprintf(buf, len, "%s", t->host);
	return buf;
}

static const struct check_key tcp_keys[] = {
	{ "address", "HOST:PORT", NULL, KEY_REQUIRED },
	{ NULL, NULL, NULL, 0 },
};

const struct check_type check_tcp = {
	.name = "tcp",
	.summary = "a TCP connect succeeds",
	.target_key = "address",
	.target_arg = "HOST:PORT",
	.keys = tcp_keys,
	.sandbox_class = SANDBOX_NET,
	.priv_size = sizeof(struct tcp_check),
	.set = tcp_set,
	.run = tcp_run,
	.sandbox = tcp_sandbox,
	.peer = tcp_peer,
};
