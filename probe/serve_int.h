/*
 * serve_int.h: what the parts of probe serve share, and nothing outside
 * them includes: serve.c (the HTTP front), serve_kind.c (each kind's
 * worker and cached answer), serve_metrics.c (the Prometheus exposition)
 * and serve_reload.c (the config in force, reloaded).
 */
#ifndef SERVE_INT_H
#define SERVE_INT_H

#include <pthread.h>
#include <signal.h>
#include <sys/types.h>

#include <microhttpd.h>

#include "config.h"
#include "serve_params.h"
#include "serve_runner.h"

#define NKINDS 3

struct check_stat {
	int seen, healthy;
	double duration_ms, last_run;	/* last_run: Unix time */
	unsigned long long runs, failures;
	struct check_space space;
	struct check_cert cert;
	char message[PROBE_MSG_MAX];	/* of its last run */
	double changed;		/* Unix time its state last changed, 0: never */
	double logged_ms;	/* monotonic ms of its last line in the log */
	unsigned folded;	/* changes since, not logged yet */
	int folded_from;	/* the state before them */
};

/* The last SERVE_HISTORY_MAX changes of a check's state, newest last. */
#define SERVE_HISTORY_MAX 200

struct serve_change {
	double time;		/* Unix time */
	unsigned kind;
	char type[16], check[64];
	int from, to;		/* 1 healthy, 0 unhealthy, -1 not known yet */
	double duration_ms;
	char message[PROBE_MSG_MAX];
};

struct serve_history {
	pthread_mutex_t mu;
	struct serve_change ring[SERVE_HISTORY_MAX];
	size_t next, n;
	unsigned long long total;
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
	unsigned pending;	/* its runner's killed checks not gone yet */
	struct MHD_Response *text, *json;
	struct MHD_Connection **waiting;	/* suspended until the next run */
	size_t nwaiting, capwaiting;
	struct check_stat stats[PROBE_MAX_CHECKS];	/* by index in lc */
};

/* One per request, in MHD's req_cls. */
struct serve_request {
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
	struct serve_history history;
	double started;		/* Unix time */
	pthread_mutex_t cfg_mu;	/* guards what follows */
	struct live_config *cur;
	int reload_ok;
	double reload_time;	/* Unix time of the last load */
	char reload_error[800];	/* why the last load was refused, or "" */
};



/* serve_kind.c */
/* Answer a request for kind k, or suspend it until the next run. */
enum MHD_Result serve_kind_answer(struct kind_state *k,
    struct MHD_Connection *conn, struct serve_request *rq, int json);
/* The thread that runs kind k's checks, one run at a time. */
void *serve_kind_worker(void *k);

/* serve_metrics.c: every kind's last results, as Prometheus text; the
 * caller frees it. NULL when out of memory. */
char *serve_metrics_text(struct server *s, size_t *len);

/* serve_history.c */
/* A line for people in the log: "probe: MSG", or a JSON object with
 * [serve] log_format = json. */
void serve_say(struct server *s, const char *msg);
/* Check index of kind k changed state (st holds the new one, from the old):
 * into the history, and into the log unless the check's last line is under
 * a second old (then folded, said later). Called with k->mu held. */
void serve_history_note(struct kind_state *k, size_t index, int from);
/* Log the folded changes whose second is over (all with force); returns
 * how many checks still have some to say (the caller looks again in a
 * second). */
int serve_history_flush(struct server *s, int force);
/* The history as JSON ("version", "bound", "changes" newest first) or text
 * lines; the caller frees it. NULL when out of memory. */
char *serve_history_text(struct server *s, int json, size_t *len);

/* serve_page.c: GET /, the status page (HTML); the caller frees it. */
char *serve_page(struct server *s, size_t *len);

/* serve_reload.c */
/* The first config, the caller's; returns 0 or -1 with err filled. */
int serve_live_first(struct server *s, char *err, size_t errlen);
/* Drop one reference to lc; the last frees it. */
void serve_live_unref(struct server *s, struct live_config *lc);
/* Load the config file again (by_signal: even if it reads the same). */
void serve_reload(struct server *s, int by_signal);

#endif
