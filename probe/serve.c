/*
 * serve.c: probe serve's HTTP front. libmicrohttpd answers /livez,
 * /readyz, /startupz and /metrics for the app next to it, / and /history
 * for people; each kind's
 * checks run in a runner process (serve_runner.c) forked before any
 * thread starts, driven by a worker thread (serve_kind.c). The main thread
 * waits for signals and for changes to the config file (serve_reload.c).
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "serve.h"
#include "serve_http.h"
#include "serve_int.h"
#include "util.h"
#include "watch.h"

#define SERVE_THREADS 1	/* handlers never block; one thread serves ~100k req/s */
/* Peers that open connections and send nothing (or a byte now and then)
 * must not lock the kubelet out: an idle connection is closed after
 * SERVE_IDLE_S, one address holds at most SERVE_PER_ADDRESS, and all of
 * them together at most SERVE_CONNECTIONS_MAX (or what the open files
 * limit allows). */
#define SERVE_IDLE_S 5u
#define SERVE_PER_ADDRESS 64u
#define SERVE_CONNECTIONS_MAX 16384u
#define SERVE_FDS_SPARE 64u	/* for the config, runners, signals, inotify */
#define SERVE_CONN_MEMORY (16u * 1024)	/* a probe's request is ~200 bytes */
#define SHUTDOWN_WAIT_MS 900
#define SETTLE_MS 100		/* a change is read once no event came for this */

static const struct {
	const char *path;
	unsigned kind;
} endpoints[NKINDS] = {
	{ "/livez", KIND_LIVENESS },
	{ "/readyz", KIND_READINESS },
	{ "/startupz", KIND_STARTUP },
};

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **req_cls)
{
	struct server *s = cls;
	struct serve_request *rq = *req_cls;
	const char *format;
	size_t i, len;
	char *body;
	int json;

	(void)version;
	(void)upload_data;
	if (rq == NULL) {
		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return MHD_NO;
		rq->arrived = now_ms();
		*req_cls = rq;
		pthread_mutex_lock(&s->flight_mu);
		s->in_flight++;
		pthread_mutex_unlock(&s->flight_mu);
		/* Answer from the next call on: a response queued in the first
		 * one makes libmicrohttpd close the connection (no keep-alive). */
		return MHD_YES;
	}
	*upload_size = 0;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return serve_answer_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed: use GET or HEAD\n", "GET, HEAD");
	format = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "format");
	if (format != NULL && strcmp(format, "json") != 0 && strcmp(format, "text") != 0)
		return serve_answer_text(conn, MHD_HTTP_BAD_REQUEST,
		    "unknown format: use format=text or format=json\n", NULL);
	json = format != NULL && strcmp(format, "json") == 0;
	if (strcmp(url, "/metrics") == 0) {
		body = serve_metrics_text(s, &len);
		return serve_answer_owned(conn, body, len,
		    "text/plain; version=0.0.4; charset=utf-8");
	}
	if (strcmp(url, "/history") == 0) {
		body = serve_history_text(s, json, &len);
		return serve_answer_owned(conn, body, len, json ? "application/json" :
		    "text/plain; charset=utf-8");
	}
	if (strcmp(url, "/") == 0) {
		body = serve_page(s, &len);
		return serve_answer_owned(conn, body, len, "text/html; charset=utf-8");
	}
	for (i = 0; i < NKINDS; i++)
		if (strcmp(url, endpoints[i].path) == 0)
			return serve_kind_answer(&s->kinds[i], conn, rq, json);
	return serve_answer_text(conn, MHD_HTTP_NOT_FOUND,
	    "not found: use /livez, /readyz, /startupz, /metrics, /history or /\n", NULL);
}

static void
completed(void *cls, struct MHD_Connection *conn, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;

	(void)conn;
	(void)toe;
	if (*req_cls == NULL)
		return;
	free(*req_cls);
	*req_cls = NULL;
	pthread_mutex_lock(&s->flight_mu);
	s->in_flight--;
	pthread_mutex_unlock(&s->flight_mu);
}

/* Bind and listen on cfg's address; returns the socket or -1 with err. */
static int
listen_on(struct server *s, char *err, size_t errlen)
{
	const struct serve_config *sc = &s->cur->p->serve;
	struct addrinfo hints, *ai = NULL;
	char port[8];
	int fd = -1, one = 1, r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = sc->host[0] ? AF_UNSPEC : AF_INET6;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", sc->port);
	config_listen_text(sc, s->address, sizeof(s->address));
	if ((r = getaddrinfo(sc->host[0] ? sc->host : NULL, port, &hints, &ai)) != 0) {
		snprintf(err, errlen, "serve: cannot listen on %s: %s", s->address,
		    gai_strerror(r));
		return -1;
	}
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0 && !sc->host[0] && errno == EAFNOSUPPORT) {
		freeaddrinfo(ai);	/* no IPv6 here: every IPv4 address */
		hints.ai_family = AF_INET;
		if (getaddrinfo(NULL, port, &hints, &ai) != 0)
			ai = NULL;
		fd = ai ? socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0) : -1;
	}
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6 && !sc->host[0]) {
		one = 0;	/* ":PORT" is every address, IPv4 too */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	}
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0)
		goto fail;
	freeaddrinfo(ai);
	return fd;
fail:
	sys_error(err, errlen, errno, "serve: cannot listen on %s", s->address);
	if (fd >= 0)
		close(fd);
	if (ai != NULL)
		freeaddrinfo(ai);
	return -1;
}

static int
start_runners(struct server *s, char *err, size_t errlen)
{
	int fds[NKINDS];
	size_t i;

	for (i = 0; i < NKINDS; i++) {
		struct kind_state *k = &s->kinds[i];

		if (runner_start(&k->runner, s->cur->p, k->kind, s->params->src, fds,
		    i) != 0) {
			sys_error(err, errlen, errno, "serve: cannot start the check runners");
			return -1;
		}
		fds[i] = k->runner.fd;
	}
	return 0;
}

/* Block the signals serve_wait() reads (the threads inherit the mask),
 * and watch the config file; returns 0 or -1 with err. */
static int
signals_and_watch(struct server *s, char *err, size_t errlen)
{
	sigemptyset(&s->signals);
	sigaddset(&s->signals, SIGTERM);
	sigaddset(&s->signals, SIGINT);
	sigaddset(&s->signals, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &s->signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((s->signal_fd = signalfd(-1, &s->signals, SFD_CLOEXEC)) < 0) {
		sys_error(err, errlen, errno, "serve: cannot watch for signals");
		return -1;
	}
	if (s->params->src->path != NULL &&
	    (s->watch_fd = watch_open(s->params->src->path, err, errlen)) < 0)
		return -1;
	return 0;
}

/* How many connections at once: the open files limit raised as far as it
 * goes, less what the server itself keeps open. */
static unsigned
connection_limit(void)
{
	struct rlimit rl;
	rlim_t want;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024 - SERVE_FDS_SPARE;
	want = SERVE_CONNECTIONS_MAX + SERVE_FDS_SPARE;
	if (rl.rlim_cur < want && rl.rlim_max != rl.rlim_cur) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ?
		    want : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur <= 2 * SERVE_FDS_SPARE)
		return SERVE_FDS_SPARE;
	if (rl.rlim_cur - SERVE_FDS_SPARE > SERVE_CONNECTIONS_MAX)
		return SERVE_CONNECTIONS_MAX;
	return (unsigned)(rl.rlim_cur - SERVE_FDS_SPARE);
}

struct server *
serve_start(const struct serve_params *sp, char *err, size_t errlen)
{
	struct server *s;
	char msg[500];
	size_t i;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "serve: out of memory");
		return NULL;
	}
	s->params = sp;
	s->listen_fd = s->signal_fd = s->watch_fd = -1;
	pthread_mutex_init(&s->flight_mu, NULL);
	pthread_mutex_init(&s->cfg_mu, NULL);
	pthread_mutex_init(&s->history.mu, NULL);
	s->started = wall_time();
	for (i = 0; i < NKINDS; i++) {
		s->kinds[i].server = s;
		s->kinds[i].kind = endpoints[i].kind;
		s->kinds[i].runner.fd = -1;
		pthread_mutex_init(&s->kinds[i].mu, NULL);
		pthread_cond_init(&s->kinds[i].cv, NULL);
	}
	if (serve_live_first(s, err, errlen) != 0) {
		serve_free(s);
		return NULL;
	}
	for (i = 0; i < NKINDS; i++)
		s->kinds[i].lc = s->cur;
	/* Runners first: they must not inherit the listening socket (a check
	 * stuck on a dead mount would keep the port bound) nor any thread. */
	if (start_runners(s, err, errlen) != 0 ||
	    (s->listen_fd = listen_on(s, err, errlen)) < 0 ||
	    signals_and_watch(s, err, errlen) != 0)
		goto fail;
	for (i = 0; i < NKINDS; i++) {
		if (pthread_create(&s->kinds[i].worker, NULL, serve_kind_worker, &s->kinds[i]) != 0) {
			snprintf(err, errlen, "serve: cannot start a thread");
			goto fail;
		}
		s->kinds[i].worker_started = 1;
	}
	s->daemon = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO, 0, NULL, NULL,
	    handle, s, MHD_OPTION_LISTEN_SOCKET, s->listen_fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)SERVE_THREADS,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, s,
	    MHD_OPTION_CONNECTION_TIMEOUT, SERVE_IDLE_S,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, SERVE_PER_ADDRESS,
	    MHD_OPTION_CONNECTION_LIMIT, connection_limit(),
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_CONN_MEMORY,
	    MHD_OPTION_END);
	if (s->daemon == NULL) {
		snprintf(err, errlen, "serve: cannot start the HTTP server on %s",
		    s->address);
		goto fail;
	}
	snprintf(msg, sizeof(msg), "serving /livez, /readyz, /startupz, /metrics, "
	    "/history and / on %s (cache %ldms, deadline %ldms)", s->address,
	    s->cur->p->serve.cache_ms, s->cur->p->timeout_ms);
	serve_say(s, msg);
	return s;
fail:
	serve_free(s);
	return NULL;
}

const char *
serve_address(const struct server *s)
{
	return s->address;
}

int
serve_wait(struct server *s)
{
	struct timespec ms = { 0, 1000000 };
	struct pollfd pfd[2] = { { s->signal_fd, POLLIN, 0 }, { s->watch_fd, POLLIN, 0 } };
	struct signalfd_siginfo si;
	double until;
	int busy, folded = 0;

	for (;;) {
		if (poll(pfd, 2, folded ? 1000 : -1) < 0)
			continue;
		folded = serve_history_flush(s, 0);
		if (pfd[1].revents != 0 &&
		    watch_settle(s->watch_fd, s->params->src->path, SETTLE_MS))
			serve_reload(s, 0);
		if (pfd[0].revents == 0 ||
		    read(s->signal_fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
			continue;
		if (si.ssi_signo != SIGHUP)
			break;
		serve_reload(s, 1);
	}
	MHD_quiesce_daemon(s->daemon);	/* stop accepting; we close the socket */
	until = now_ms() + SHUTDOWN_WAIT_MS;
	do {
		pthread_mutex_lock(&s->flight_mu);
		busy = s->in_flight;
		pthread_mutex_unlock(&s->flight_mu);
	} while (busy > 0 && now_ms() < until && nanosleep(&ms, NULL) == 0);
	serve_history_flush(s, 1);
	serve_say(s, "stopped serving");
	return PROBE_HEALTHY;
}

void
serve_free(struct server *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < NKINDS; i++) {
		struct kind_state *k = &s->kinds[i];

		pthread_mutex_lock(&k->mu);
		k->stopping = 1;	/* waiting requests get the last answer */
		pthread_cond_signal(&k->cv);
		pthread_mutex_unlock(&k->mu);
		if (k->worker_started)
			pthread_join(k->worker, NULL);
		for (; k->nwaiting > 0; k->nwaiting--)
			MHD_resume_connection(k->waiting[k->nwaiting - 1]);
	}
	if (s->daemon != NULL)
		MHD_stop_daemon(s->daemon);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->signal_fd >= 0)
		close(s->signal_fd);
	if (s->watch_fd >= 0)
		close(s->watch_fd);
	for (i = 0; i < NKINDS; i++) {
		struct kind_state *k = &s->kinds[i];

		runner_stop(&k->runner);
		if (k->lc != NULL)
			serve_live_unref(s, k->lc);
		if (k->text != NULL)
			MHD_destroy_response(k->text);
		if (k->json != NULL)
			MHD_destroy_response(k->json);
		free(k->waiting);
		pthread_mutex_destroy(&k->mu);
		pthread_cond_destroy(&k->cv);
	}
	if (s->cur != NULL)
		serve_live_unref(s, s->cur);
	pthread_mutex_destroy(&s->flight_mu);
	pthread_mutex_destroy(&s->cfg_mu);
	pthread_mutex_destroy(&s->history.mu);
	free(s);
}
