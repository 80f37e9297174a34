/*
 * serve.c: probe serve. An HTTP server (libmicrohttpd, a pool of threads)
 * answers /livez, /readyz, /startupz and /metrics for the app next to it.
 *
 * Each kind's checks run in a runner process (runner.c) forked before any
 * thread starts. A kind has one run in flight at a time, made by its
 * worker thread: a request finds a fresh cached answer, or is suspended
 * until the next run ends. No HTTP thread ever waits for a check.
 *
 * The main thread waits for signals and for changes to the config file.
 * A reload parses the new text here, publishes it, and each worker hands
 * it to its runner before that kind's next run; a config that does not
 * load is refused and the old one stays.
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
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "parse.h"
#include "report.h"
#include "run.h"
#include "runner.h"
#include "serve.h"
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
#define NKINDS 3

struct check_stat {
	int seen, healthy;
	double duration_ms, last_run;	/* last_run: Unix time */
	unsigned long long runs, failures;
	struct check_space space;
};

/* A config in force, shared by reference. */
struct live_config {
	struct config *p;	/* &own, or the caller's for the first one */
	struct config own;
	char *text;		/* what it was loaded from */
	size_t len;
	unsigned gen, refs;
};

struct kind_state {
	struct server *server;
	unsigned kind;
	struct runner runner;
	struct live_config *lc;	/* what the runner has loaded */
	unsigned refused_gen;	/* a config the runner would not load */
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
	struct check_stat stats[PROBE_MAX_CHECKS];	/* by index in lc */
};

/* One per request, in MHD's req_cls. */
struct request {
	double arrived;		/* monotonic ms */
};

struct server {
	const struct serve_params *params;
	struct kind_state kinds[NKINDS];
	struct MHD_Daemon *daemon;
	int listen_fd, signal_fd, watch_fd;
	char address[300];
	sigset_t signals;
	pthread_mutex_t flight_mu;
	int in_flight;
	pthread_mutex_t cfg_mu;	/* guards what follows */
	struct live_config *cur;
	int reload_ok;
	double reload_time;	/* Unix time of the last load */
};

static const struct {
	const char *path;
	unsigned kind;
} endpoints[NKINDS] = {
	{ "/livez", KIND_LIVENESS },
	{ "/readyz", KIND_READINESS },
	{ "/startupz", KIND_STARTUP },
};

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

		if (rc->index < 0 || (size_t)rc->index >= k->lc->p->nchecks)
			continue;
		st = &k->stats[rc->index];
		st->seen = 1;
		st->healthy = rc->healthy;
		st->duration_ms = rc->duration_ms;
		st->last_run = t;
		st->runs++;
		st->failures += !rc->healthy;
		st->space = rc->space;
	}
	set_responses(k, msg + sizeof(*rep), rep->text_len,
	    msg + sizeof(*rep) + rep->text_len, rep->json_len);
}

static void
live_unref(struct server *s, struct live_config *lc)
{
	int last;

	pthread_mutex_lock(&s->cfg_mu);
	last = --lc->refs == 0;
	pthread_mutex_unlock(&s->cfg_mu);
	if (!last)
		return;
	if (lc->p == &lc->own)
		config_free(&lc->own);
	free(lc->text);
	free(lc);
}

/* Carry each check's stats over to the check of the same type and name in
 * next (so counters do not restart), in place. Called with k->mu held. */
static void
stats_carry(struct kind_state *k, const struct config *next)
{
	static __thread struct check_stat old[PROBE_MAX_CHECKS];
	const struct config *prev = k->lc->p;
	size_t i, j;

	memcpy(old, k->stats, sizeof(old));
	memset(k->stats, 0, sizeof(k->stats));
	for (i = 0; i < next->nchecks; i++)
		for (j = 0; j < prev->nchecks; j++)
			if (next->checks[i]->type == prev->checks[j]->type &&
			    strcmp(next->checks[i]->name, prev->checks[j]->name) == 0) {
				k->stats[i] = old[j];
				break;
			}
}

/* Before a run: give the runner the config in force if it has another. */
static void
kind_sync(struct kind_state *k)
{
	struct server *s = k->server;
	struct live_config *want, *old;
	char err[600], msg[800];

	pthread_mutex_lock(&s->cfg_mu);
	want = s->cur;
	if (want == k->lc || want->gen == k->refused_gen)
		want = NULL;
	else
		want->refs++;
	pthread_mutex_unlock(&s->cfg_mu);
	if (want == NULL)
		return;
	if (runner_load(&k->runner, want->text, want->len,
	    want->p->timeout_ms + 1000, err, sizeof(err)) != 0) {
		k->refused_gen = want->gen;
		snprintf(msg, sizeof(msg), "the %s check runner keeps the old config: "
		    "%s", kind_name(k->kind), err);
		s->params->log(msg);
		live_unref(s, want);
		return;
	}
	pthread_mutex_lock(&k->mu);
	stats_carry(k, want->p);
	old = k->lc;
	k->lc = want;
	pthread_mutex_unlock(&k->mu);
	live_unref(s, old);
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

/* How long the kind's run may stay fresh: its cache time, none if the
 * config changed while it ran. Called with k->mu held. */
static double
fresh_ms(struct kind_state *k)
{
	int current;

	pthread_mutex_lock(&k->server->cfg_mu);
	current = k->server->cur == k->lc;
	pthread_mutex_unlock(&k->server->cfg_mu);
	return current ? (double)k->lc->p->serve.cache_ms : 0;
}

/* A kind's worker: one run at a time, when a request wants one. */
static void *
worker(void *arg)
{
	static __thread char msg[RUNNER_REPLY_MAX];
	struct kind_state *k = arg;
	struct MHD_Connection **resume;
	size_t n, i;
	ssize_t len;
	long deadline;

	pthread_mutex_lock(&k->mu);
	for (;;) {
		while (!k->wanted && !k->stopping)
			pthread_cond_wait(&k->cv, &k->mu);
		if (k->stopping)
			break;
		k->wanted = 0;
		k->run_started = now_ms();
		pthread_mutex_unlock(&k->mu);
		kind_sync(k);
		deadline = k->lc->p->timeout_ms;	/* only we change k->lc */
		len = runner_run(&k->runner, deadline + 1000, msg, sizeof(msg));
		pthread_mutex_lock(&k->mu);
		kind_update(k, msg, len, deadline);
		k->fresh_until = now_ms() + fresh_ms(k);
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

enum metric { M_SUCCESS, M_DURATION, M_TIMEOUT, M_LAST_RUN, M_RUNS, M_FAILURES,
	M_FREE_BYTES, M_SIZE_BYTES, M_FREE_INODES, M_INODES, M_NCHECK };

static const struct {
	const char *name, *type, *help;
} check_metrics[M_NCHECK] = {
	{ "probe_check_success", "gauge",
	  "Whether the check passed (1) or failed (0) on its last run." },
	{ "probe_check_duration_seconds", "gauge",
	  "How long the check's last run took." },
	{ "probe_check_timeout_seconds", "gauge",
	  "The time the check may take: its timeout, or the run's deadline if shorter." },
	{ "probe_check_last_run_timestamp_seconds", "gauge",
	  "When the check last ran, in seconds since the Unix epoch." },
	{ "probe_check_runs_total", "counter", "Runs of the check." },
	{ "probe_check_failures_total", "counter", "Failed runs of the check." },
	{ "probe_check_free_bytes", "gauge",
	  "Bytes free for unprivileged users on the filesystem of a writable check." },
	{ "probe_check_size_bytes", "gauge",
	  "Size of the filesystem of a writable check." },
	{ "probe_check_free_inodes", "gauge",
	  "Inodes free on the filesystem of a writable check (if it has a fixed number)." },
	{ "probe_check_inodes", "gauge",
	  "Inodes of the filesystem of a writable check (if it has a fixed number)." },
};

/* Digits after the point in metric m's values. */
static int
metric_digits(enum metric m)
{
	return m == M_DURATION || m == M_TIMEOUT ? 6 : m == M_LAST_RUN ? 3 : 0;
}

/* The value of metric m for check c of cfg, last run as st; returns 0 if
 * it has none. */
static int
metric_value(enum metric m, const struct config *cfg, const struct check *c,
    const struct check_stat *st, double *v)
{
	switch (m) {
	case M_SUCCESS: *v = st->healthy; return 1;
	case M_DURATION: *v = st->duration_ms / 1000.0; return 1;
	case M_TIMEOUT:
		*v = (c->timeout_ms > 0 && c->timeout_ms < cfg->timeout_ms ?
		    c->timeout_ms : cfg->timeout_ms) / 1000.0;
		return 1;
	case M_LAST_RUN: *v = st->last_run; return 1;
	case M_RUNS: *v = (double)st->runs; return 1;
	case M_FAILURES: *v = (double)st->failures; return 1;
	case M_FREE_BYTES: *v = st->space.free_bytes; break;
	case M_SIZE_BYTES: *v = st->space.size_bytes; break;
	case M_FREE_INODES: *v = st->space.free_inodes; break;
	case M_INODES: *v = st->space.inodes; break;
	default: return 0;
	}
	return st->space.seen && *v >= 0;
}

/* One metric's series for every kind's checks. */
static void
metric_series(FILE *f, struct server *s, enum metric m)
{
	size_t j, k;
	double v;

	for (k = 0; k < NKINDS; k++) {
		struct kind_state *ks = &s->kinds[k];

		pthread_mutex_lock(&ks->mu);
		for (j = 0; j < ks->lc->p->nchecks; j++) {
			const struct check *c = ks->lc->p->checks[j];

			if (!ks->stats[j].seen ||
			    !metric_value(m, ks->lc->p, c, &ks->stats[j], &v))
				continue;
			fprintf(f, "%s{check=\"", check_metrics[m].name);
			label_value(f, c->name);
			fprintf(f, "\",type=\"%s\",kind=\"%s\"} %.*f\n", c->type->name,
			    kind_name(ks->kind), metric_digits(m), v);
		}
		pthread_mutex_unlock(&ks->mu);
	}
}

/* Prometheus text exposition of every kind's last results. */
static char *
metrics_text(struct server *s, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	int ok;
	double t;
	size_t m;

	if (f == NULL)
		return NULL;
	for (m = 0; m < M_NCHECK; m++) {
		metric_help(f, check_metrics[m].name, check_metrics[m].type,
		    check_metrics[m].help);
		metric_series(f, s, (enum metric)m);
	}
	pthread_mutex_lock(&s->cfg_mu);
	ok = s->reload_ok;
	t = s->reload_time;
	pthread_mutex_unlock(&s->cfg_mu);
	metric_help(f, "probe_config_last_reload_success", "gauge",
	    "Whether the last load of the config file succeeded (1) or was refused (0).");
	fprintf(f, "probe_config_last_reload_success %d\n", ok);
	metric_help(f, "probe_config_last_reload_timestamp_seconds", "gauge",
	    "When the config file was last loaded or refused, in seconds since the Unix epoch.");
	fprintf(f, "probe_config_last_reload_timestamp_seconds %.3f\n", t);
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

/* The first config, from the caller; returns 0 or -1 with err. */
static int
live_first(struct server *s, char *err, size_t errlen)
{
	const struct serve_params *sp = s->params;
	struct live_config *lc = calloc(1, sizeof(*lc));

	if (lc == NULL || (sp->len > 0 && (lc->text = malloc(sp->len)) == NULL)) {
		free(lc);
		snprintf(err, errlen, "serve: out of memory");
		return -1;
	}
	if (sp->len > 0)
		memcpy(lc->text, sp->text, sp->len);
	lc->len = sp->len;
	lc->p = sp->cfg;
	lc->refs = 1 + NKINDS;	/* s->cur and each kind */
	s->cur = lc;
	s->reload_ok = 1;
	s->reload_time = wall_now();
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
		sys_error(err, errlen, errno, "serve: signalfd");
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
	size_t i;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "serve: out of memory");
		return NULL;
	}
	s->params = sp;
	s->listen_fd = s->signal_fd = s->watch_fd = -1;
	pthread_mutex_init(&s->flight_mu, NULL);
	pthread_mutex_init(&s->cfg_mu, NULL);
	for (i = 0; i < NKINDS; i++) {
		s->kinds[i].server = s;
		s->kinds[i].kind = endpoints[i].kind;
		s->kinds[i].runner.fd = -1;
		pthread_mutex_init(&s->kinds[i].mu, NULL);
		pthread_cond_init(&s->kinds[i].cv, NULL);
	}
	if (live_first(s, err, errlen) != 0) {
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

static void
reload_done(struct server *s, int ok, const char *msg)
{
	pthread_mutex_lock(&s->cfg_mu);
	s->reload_ok = ok;
	s->reload_time = wall_now();
	pthread_mutex_unlock(&s->cfg_mu);
	s->params->log(msg);
}

/* Put next in force, and make every cached answer stale. */
static void
publish(struct server *s, struct live_config *next)
{
	struct live_config *old;
	size_t i;

	pthread_mutex_lock(&s->cfg_mu);
	old = s->cur;
	next->gen = old->gen + 1;
	next->refs = 1;
	s->cur = next;
	pthread_mutex_unlock(&s->cfg_mu);
	live_unref(s, old);
	for (i = 0; i < NKINDS; i++) {
		pthread_mutex_lock(&s->kinds[i].mu);
		s->kinds[i].fresh_until = 0;
		pthread_mutex_unlock(&s->kinds[i].mu);
	}
}

/* A [serve] listen that changed needs a restart: keep the one bound. */
static void
keep_listen(struct server *s, struct config *next, const char *path)
{
	const struct serve_config *was = &s->cur->p->serve;
	char now[300], msg[800];

	if (strcmp(next->serve.host, was->host) == 0 && next->serve.port == was->port)
		return;
	config_listen_text(&next->serve, now, sizeof(now));
	snprintf(msg, sizeof(msg), "%s: [serve] listen changed to %s: restart "
	    "probe serve to apply it (still serving on %s)", path, now, s->address);
	s->params->log(msg);
	memcpy(next->serve.host, was->host, sizeof(next->serve.host));
	next->serve.port = was->port;
}

/*
 * Load the config file again. Unless by_signal, a file that reads the same
 * as the config in force is left alone (an event that changed nothing).
 */
static void
reload(struct server *s, int by_signal)
{
	const struct config_source *src = s->params->src;
	struct live_config *next;
	char err[600], msg[800];

	if (src->path == NULL) {
		s->params->log("SIGHUP: nothing to reload: the checks come from the "
		    "command line");
		return;
	}
	if ((next = calloc(1, sizeof(*next))) == NULL) {
		reload_done(s, 0, "reload: out of memory");
		return;
	}
	next->p = &next->own;
	if (config_read(src->path, &next->text, &next->len, err, sizeof(err)) != 0)
		goto refused;
	if (next->len == s->cur->len && memcmp(next->text, s->cur->text, next->len) == 0) {
		if (by_signal) {
			snprintf(msg, sizeof(msg), "%s: reloaded: unchanged", src->path);
			reload_done(s, 1, msg);
		}
		goto out;
	}
	if (src->load(&next->own, next->text, next->len, src->arg, err,
	    sizeof(err)) != 0)
		goto refused;
	keep_listen(s, &next->own, src->path);
	snprintf(msg, sizeof(msg), "%s: reloaded: %zu check%s (cache %ldms, "
	    "deadline %ldms)", src->path, next->own.nchecks,
	    next->own.nchecks == 1 ? "" : "s", next->own.serve.cache_ms,
	    next->own.timeout_ms);
	publish(s, next);
	reload_done(s, 1, msg);
	return;
refused:
	snprintf(msg, sizeof(msg), "%s (the config in force stays)", err);
	reload_done(s, 0, msg);
out:
	config_free(&next->own);
	free(next->text);
	free(next);
}

int
serve_wait(struct server *s)
{
	struct timespec ms = { 0, 1000000 };
	struct pollfd pfd[2] = { { s->signal_fd, POLLIN, 0 }, { s->watch_fd, POLLIN, 0 } };
	struct signalfd_siginfo si;
	double until;
	int busy;

	for (;;) {
		if (poll(pfd, 2, -1) < 0)
			continue;
		if (pfd[1].revents != 0 &&
		    watch_settle(s->watch_fd, s->params->src->path, SETTLE_MS))
			reload(s, 0);
		if (pfd[0].revents == 0 ||
		    read(s->signal_fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
			continue;
		if (si.ssi_signo != SIGHUP)
			break;
		reload(s, 1);
	}
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
	if (s->signal_fd >= 0)
		close(s->signal_fd);
	if (s->watch_fd >= 0)
		close(s->watch_fd);
	for (i = 0; i < NKINDS; i++) {
		struct kind_state *k = &s->kinds[i];

		runner_stop(&k->runner);
		if (k->lc != NULL)
			live_unref(s, k->lc);
		if (k->text != NULL)
			MHD_destroy_response(k->text);
		if (k->json != NULL)
			MHD_destroy_response(k->json);
		free(k->waiting);
		pthread_mutex_destroy(&k->mu);
		pthread_cond_destroy(&k->cv);
	}
	if (s->cur != NULL)
		live_unref(s, s->cur);
	pthread_mutex_destroy(&s->flight_mu);
	pthread_mutex_destroy(&s->cfg_mu);
	free(s);
}
