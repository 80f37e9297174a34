/*
 * serve.c: probe serve. An HTTP server (libmicrohttpd, a pool of threads)
 * answers /livez, /readyz, /startupz and /metrics for the app next to it.
 *
 * Checks fork, and fork from a process with threads is not safe (a lock
 * another thread holds stays held in the child). So before any thread
 * starts, one runner process per kind is forked; it stays single-threaded
 * and runs its kind's checks when asked over a socketpair, replying with the
 * rendered reports. A kind has one run in flight at a time, made by its
 * worker thread: a request finds a fresh cached answer, or is suspended
 * until the next run ends. No HTTP thread ever waits for a check.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "parse.h"
#include "report.h"
#include "run.h"
#include "serve.h"
#include "util.h"

#define SERVE_THREADS 1	/* handlers never block; one thread serves ~100k req/s */
#define SHUTDOWN_WAIT_MS 900
#define REPORT_MAX (24 * 1024)
#define NKINDS 3

struct runner_check {
	int32_t index;		/* in cfg->checks */
	int32_t healthy;
	double duration_ms;
};

struct runner_reply {
	int32_t status;		/* enum probe_exit */
	uint32_t nchecks, text_len, json_len;
	double duration_ms;
	struct runner_check checks[PROBE_MAX_CHECKS];
	/* text_len bytes of text report, then json_len bytes of JSON */
};

#define REPLY_MAX (sizeof(struct runner_reply) + 2 * REPORT_MAX)

struct check_stat {
	int seen, healthy;
	double duration_ms, last_run;	/* last_run: Unix time */
	unsigned long long runs, failures;
};

struct kind_state {
	struct server *server;
	unsigned kind;
	int fd;			/* our end of the runner's socketpair */
	pid_t pid;
	int lost_replies;	/* replies we stopped waiting for */
	pthread_t worker;
	int worker_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* the worker waits here for "wanted" */
	int wanted, stopping;
	double run_started, fresh_until;	/* monotonic ms */
	int have, healthy;
	struct MHD_Response *text, *json;
	struct MHD_Connection **waiting;	/* suspended until the next run */
	size_t nwaiting, capwaiting;
	struct check_stat stats[PROBE_MAX_CHECKS];
};

/* One per request, in MHD's req_cls. */
struct request {
	double arrived;		/* monotonic ms */
};

struct server {
	struct config *cfg;
	struct kind_state kinds[NKINDS];
	struct MHD_Daemon *daemon;
	int listen_fd;
	char address[300];
	sigset_t signals;
	pthread_mutex_t flight_mu;
	int in_flight;
};

static const struct {
	const char *path;
	unsigned kind;
} endpoints[NKINDS] = {
	{ "/livez", KIND_LIVENESS },
	{ "/readyz", KIND_READINESS },
	{ "/startupz", KIND_STARTUP },
};

/* Render cfg's report in fmt into buf; returns its length. */
static uint32_t
render(struct config *cfg, enum report_format fmt, unsigned kind, double ms,
    char *buf, size_t cap)
{
	struct report r = { fmt, 0, kind, ms };
	FILE *f = fmemopen(buf, cap, "w");
	long n;

	if (f == NULL)
		return 0;
	setvbuf(f, NULL, _IONBF, 0);
	report_write(f, &r, cfg);
	n = ftell(f);
	fclose(f);
	return n > 0 ? (uint32_t)n : 0;
}

/* A runner process; s is its copy of the parent's, freed on the way out. */
static void __attribute__((noreturn))
runner(struct server *s, unsigned kind, int fd)
{
	static char msg[REPLY_MAX];
	struct config *cfg = s->cfg;
	struct runner_reply *rep = (struct runner_reply *)msg;
	char *text = msg + sizeof(*rep), err[256], c;
	double t0;
	size_t i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGPIPE, SIG_IGN);
	while (recv(fd, &c, 1, 0) == 1) {
		memset(rep, 0, sizeof(*rep));
		t0 = now_ms();
		config_select(cfg, kind);
		rep->status = run_checks(cfg->checks, cfg->nchecks, cfg->timeout_ms,
		    -1, err, sizeof(err));
		rep->duration_ms = now_ms() - t0;
		for (i = 0; i < cfg->nchecks; i++) {
			if (!cfg->checks[i]->selected)
				continue;
			rep->checks[rep->nchecks].index = (int32_t)i;
			rep->checks[rep->nchecks].healthy = cfg->checks[i]->result.healthy;
			rep->checks[rep->nchecks++].duration_ms = cfg->checks[i]->duration_ms;
		}
		rep->text_len = render(cfg, REPORT_TEXT, kind, rep->duration_ms, text,
		    REPORT_MAX);
		rep->json_len = render(cfg, REPORT_JSON, kind, rep->duration_ms,
		    text + rep->text_len, REPORT_MAX);
		if (send(fd, msg, sizeof(*rep) + rep->text_len + rep->json_len,
		    MSG_NOSIGNAL) < 0)
			break;
	}
	free(s);
	_exit(0);
}

static struct MHD_Response *
response(const char *body, size_t len, const char *type)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r != NULL) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	}
	return r;
}

static void
set_responses(struct kind_state *k, const char *text, size_t tlen,
    const char *json, size_t jlen)
{
	if (k->text != NULL)
		MHD_destroy_response(k->text);	/* freed once no connection uses it */
	if (k->json != NULL)
		MHD_destroy_response(k->json);
	k->text = response(text, tlen, "text/plain; charset=utf-8");
	k->json = response(json, jlen, "application/json");
}

/* Ask the runner for a run; returns the reply length, or -1. No lock held. */
static ssize_t
ask_runner(struct kind_state *k, long wait_ms, char *buf, size_t cap)
{
	struct pollfd pfd = { k->fd, POLLIN, 0 };
	double until = now_ms() + (double)wait_ms;
	ssize_t n;
	int r;

	while (k->lost_replies > 0 && recv(k->fd, buf, cap, MSG_DONTWAIT) > 0)
		k->lost_replies--;
	if (send(k->fd, "r", 1, MSG_NOSIGNAL) != 1)
		return -1;
	do {
		r = poll(&pfd, 1, (int)(until - now_ms()) + 1);
	} while (r < 0 && errno == EINTR);
	if (r <= 0) {
		k->lost_replies++;
		return -1;
	}
	n = recv(k->fd, buf, cap, 0);
	return n >= (ssize_t)sizeof(struct runner_reply) ? n : -1;
}

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Store a runner's reply (len < 0: no answer). Called with k->mu held. */
static void
kind_update(struct kind_state *k, const char *msg, ssize_t len, long deadline_ms)
{
	const struct runner_reply *rep = (const struct runner_reply *)msg;
	char text[256], json[320];
	double t = wall_now();
	uint32_t i;

	k->have = 1;
	if (len < 0 || sizeof(*rep) + rep->text_len + rep->json_len > (size_t)len ||
	    rep->nchecks > PROBE_MAX_CHECKS) {
		k->healthy = 0;
		snprintf(text, sizeof(text), "unhealthy: no answer from the %s check "
		    "runner within %ldms\n", kind_name(k->kind), deadline_ms);
		snprintf(json, sizeof(json), "{\"kind\": \"%s\", \"healthy\": false, "
		    "\"duration_ms\": 0, \"checks\": [], \"error\": \"no answer from "
		    "the check runner\"}\n", kind_name(k->kind));
		set_responses(k, text, strlen(text), json, strlen(json));
		return;
	}
	k->healthy = rep->status == PROBE_HEALTHY;
	for (i = 0; i < rep->nchecks; i++) {
		const struct runner_check *rc = &rep->checks[i];
		struct check_stat *st;

		if (rc->index < 0 || rc->index >= PROBE_MAX_CHECKS)
			continue;
		st = &k->stats[rc->index];
		st->seen = 1;
		st->healthy = rc->healthy;
		st->duration_ms = rc->duration_ms;
		st->last_run = t;
		st->runs++;
		st->failures += !rc->healthy;
	}
	set_responses(k, msg + sizeof(*rep), rep->text_len,
	    msg + sizeof(*rep) + rep->text_len, rep->json_len);
}

/* A result answers a request if fresh, or if its run began after the request came. */
static int
fresh_for(const struct kind_state *k, const struct request *rq)
{
	return k->have && (now_ms() < k->fresh_until || k->run_started >= rq->arrived);
}

/*
 * Queue kind k's answer if there is one for this request; otherwise
 * suspend the connection until the worker's next run ends (MHD calls us
 * again then).
 */
static enum MHD_Result
answer_kind(struct kind_state *k, struct MHD_Connection *conn,
    struct request *rq, int json)
{
	struct MHD_Connection **w;
	enum MHD_Result ret = MHD_YES;
	size_t cap;

	pthread_mutex_lock(&k->mu);
	if (fresh_for(k, rq) || k->stopping) {
		if (!k->have || (json ? k->json == NULL : k->text == NULL))
			ret = MHD_NO;
		else
			ret = MHD_queue_response(conn, k->healthy ? MHD_HTTP_OK :
			    MHD_HTTP_SERVICE_UNAVAILABLE, json ? k->json : k->text);
		goto out;
	}
	if (k->nwaiting == k->capwaiting) {
		cap = k->capwaiting ? 2 * k->capwaiting : 16;
		if ((w = realloc(k->waiting, cap * sizeof(*w))) == NULL) {
			ret = MHD_NO;
			goto out;
		}
		k->waiting = w;
		k->capwaiting = cap;
	}
	k->waiting[k->nwaiting++] = conn;
	MHD_suspend_connection(conn);
	k->wanted = 1;
	pthread_cond_signal(&k->cv);
out:
	pthread_mutex_unlock(&k->mu);
	return ret;
}

/* A kind's worker: one run at a time, when a request wants one. */
static void *
worker(void *arg)
{
	static __thread char msg[REPLY_MAX];
	struct kind_state *k = arg;
	struct server *s = k->server;
	struct MHD_Connection **resume;
	size_t n, i;
	ssize_t len;

	pthread_mutex_lock(&k->mu);
	for (;;) {
		while (!k->wanted && !k->stopping)
			pthread_cond_wait(&k->cv, &k->mu);
		if (k->stopping)
			break;
		k->wanted = 0;
		k->run_started = now_ms();
		pthread_mutex_unlock(&k->mu);
		len = ask_runner(k, s->cfg->timeout_ms + 1000, msg, sizeof(msg));
		pthread_mutex_lock(&k->mu);
		kind_update(k, msg, len, s->cfg->timeout_ms);
		k->fresh_until = now_ms() + (double)s->cfg->serve.cache_ms;
		/* Those it does not satisfy (they came after it began, with no
		 * cache) ask again when resumed. */
		k->wanted = 0;
		resume = k->waiting;
		n = k->nwaiting;
		k->waiting = NULL;
		k->nwaiting = k->capwaiting = 0;
		pthread_mutex_unlock(&k->mu);
		for (i = 0; i < n; i++)
			MHD_resume_connection(resume[i]);
		free(resume);
		pthread_mutex_lock(&k->mu);
	}
	pthread_mutex_unlock(&k->mu);
	return NULL;
}

static void
metric_help(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and newline escaped. */
static void
label_value(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

/* Prometheus text exposition of every kind's last results. */
static char *
metrics_text(struct server *s, size_t *len)
{
	static const struct {
		const char *name, *type, *help;
	} m[] = {
		{ "probe_check_success", "gauge",
		  "Whether the check passed (1) or failed (0) on its last run." },
		{ "probe_check_duration_seconds", "gauge",
		  "How long the check's last run took." },
		{ "probe_check_last_run_timestamp_seconds", "gauge",
		  "When the check last ran, in seconds since the Unix epoch." },
		{ "probe_check_runs_total", "counter", "Runs of the check." },
		{ "probe_check_failures_total", "counter", "Failed runs of the check." },
	};
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	size_t i, j, k;

	if (f == NULL)
		return NULL;
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		metric_help(f, m[i].name, m[i].type, m[i].help);
		for (k = 0; k < NKINDS; k++) {
			struct kind_state *ks = &s->kinds[k];

			pthread_mutex_lock(&ks->mu);
			for (j = 0; j < s->cfg->nchecks; j++) {
				const struct check_stat *st = &ks->stats[j];
				const struct check *c = s->cfg->checks[j];

				if (!st->seen)
					continue;
				fprintf(f, "%s{check=\"", m[i].name);
				label_value(f, c->name);
				fprintf(f, "\",type=\"%s\",kind=\"%s\"} ", c->type->name,
				    kind_name(ks->kind));
				if (i == 0)
					fprintf(f, "%d\n", st->healthy);
				else if (i == 1)
					fprintf(f, "%.6f\n", st->duration_ms / 1000.0);
				else if (i == 2)
					fprintf(f, "%.3f\n", st->last_run);
				else
					fprintf(f, "%llu\n", i == 3 ? st->runs : st->failures);
			}
			pthread_mutex_unlock(&ks->mu);
		}
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static enum MHD_Result
answer_plain(struct MHD_Connection *conn, unsigned code, const char *text,
    const char *allow)
{
	struct MHD_Response *r = response(text, strlen(text), "text/plain; charset=utf-8");
	enum MHD_Result ret;

	if (r == NULL)
		return MHD_NO;
	if (allow != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **req_cls)
{
	struct server *s = cls;
	struct request *rq = *req_cls;
	struct MHD_Response *r;
	const char *format;
	enum MHD_Result ret;
	size_t i, len;
	char *body;

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
		return answer_plain(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed: use GET or HEAD\n", "GET, HEAD");
	if (strcmp(url, "/metrics") == 0) {
		if ((body = metrics_text(s, &len)) == NULL)
			return MHD_NO;
		r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		if (r == NULL) {
			free(body);
			return MHD_NO;
		}
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    "text/plain; version=0.0.4; charset=utf-8");
		ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
		MHD_destroy_response(r);
		return ret;
	}
	for (i = 0; i < NKINDS; i++) {
		if (strcmp(url, endpoints[i].path) != 0)
			continue;
		format = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "format");
		if (format != NULL && strcmp(format, "json") != 0 &&
		    strcmp(format, "text") != 0)
			return answer_plain(conn, MHD_HTTP_BAD_REQUEST,
			    "unknown format: use format=text or format=json\n", NULL);
		return answer_kind(&s->kinds[i], conn, rq,
		    format != NULL && strcmp(format, "json") == 0);
	}
	return answer_plain(conn, MHD_HTTP_NOT_FOUND,
	    "not found: use /livez, /readyz, /startupz or /metrics\n", NULL);
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
	const struct serve_config *sc = &s->cfg->serve;
	struct addrinfo hints, *ai = NULL;
	char port[8], etext[ERRNO_TEXT_MAX];
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
	snprintf(err, errlen, "serve: cannot listen on %s: %s", s->address,
	    errno_text(errno, etext, sizeof(etext)));
	if (fd >= 0)
		close(fd);
	if (ai != NULL)
		freeaddrinfo(ai);
	return -1;
}

static int
start_runners(struct server *s, char *err, size_t errlen)
{
	char etext[ERRNO_TEXT_MAX];
	int sv[2];
	size_t i, j;

	for (i = 0; i < NKINDS; i++) {
		struct kind_state *k = &s->kinds[i];

		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
			goto fail;
		fflush(NULL);
		if ((k->pid = fork()) < 0) {
			close(sv[0]);
			close(sv[1]);
			goto fail;
		}
		if (k->pid == 0) {
			close(sv[0]);
			for (j = 0; j < i; j++)
				close(s->kinds[j].fd);
			runner(s, k->kind, sv[1]);
		}
		close(sv[1]);
		k->fd = sv[0];
	}
	return 0;
fail:
	snprintf(err, errlen, "serve: cannot start the check runners: %s",
	    errno_text(errno, etext, sizeof(etext)));
	return -1;
}

struct server *
serve_start(struct config *cfg, char *err, size_t errlen)
{
	struct server *s;
	size_t i;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "serve: out of memory");
		return NULL;
	}
	s->cfg = cfg;
	s->listen_fd = -1;
	pthread_mutex_init(&s->flight_mu, NULL);
	for (i = 0; i < NKINDS; i++) {
		s->kinds[i].server = s;
		s->kinds[i].kind = endpoints[i].kind;
		s->kinds[i].fd = -1;
		pthread_mutex_init(&s->kinds[i].mu, NULL);
		pthread_cond_init(&s->kinds[i].cv, NULL);
	}
	/* Runners first: they must not inherit the listening socket (a check
	 * stuck on a dead mount would keep the port bound) nor any thread. */
	if (start_runners(s, err, errlen) != 0 ||
	    (s->listen_fd = listen_on(s, err, errlen)) < 0)
		goto fail;
	sigemptyset(&s->signals);
	sigaddset(&s->signals, SIGTERM);
	sigaddset(&s->signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &s->signals, NULL);	/* the threads inherit it */
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < NKINDS; i++) {
		if (pthread_create(&s->kinds[i].worker, NULL, worker, &s->kinds[i]) != 0) {
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
	    MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	    MHD_OPTION_END);
	if (s->daemon == NULL) {
		snprintf(err, errlen, "serve: cannot start the HTTP server on %s",
		    s->address);
		goto fail;
	}
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
	double until;
	int sig, busy;

	while (sigwait(&s->signals, &sig) != 0)
		;
	MHD_quiesce_daemon(s->daemon);	/* stop accepting; we close the socket */
	until = now_ms() + SHUTDOWN_WAIT_MS;
	do {
		pthread_mutex_lock(&s->flight_mu);
		busy = s->in_flight;
		pthread_mutex_unlock(&s->flight_mu);
	} while (busy > 0 && now_ms() < until && nanosleep(&ms, NULL) == 0);
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
	for (i = 0; i < NKINDS; i++) {
		struct kind_state *k = &s->kinds[i];

		if (k->fd >= 0)
			close(k->fd);	/* the runner sees EOF and exits */
		if (k->pid > 0 && waitpid(k->pid, NULL, WNOHANG) == 0) {
			kill(k->pid, SIGKILL);
			waitpid(k->pid, NULL, 0);
		}
		if (k->text != NULL)
			MHD_destroy_response(k->text);
		if (k->json != NULL)
			MHD_destroy_response(k->json);
		free(k->waiting);
		pthread_mutex_destroy(&k->mu);
		pthread_cond_destroy(&k->cv);
	}
	pthread_mutex_destroy(&s->flight_mu);
	free(s);
}
