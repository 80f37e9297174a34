/*
 * serve_kind.c: each kind of probe serve (liveness, readiness, startup)
 * has a worker thread that runs its checks through its runner process, one
 * run at a time, when a request wants one; requests find a fresh cached
 * answer, or are suspended until the next run ends. No HTTP thread ever
 * waits for a check.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "report.h"
#include "serve_http.h"
#include "serve_int.h"

static void
set_responses(struct kind_state *k, const char *text, size_t tlen,
    const char *json, size_t jlen)
{
	if (k->text != NULL)
		MHD_destroy_response(k->text);	/* freed once no connection uses it */
	if (k->json != NULL)
		MHD_destroy_response(k->json);
	k->text = serve_response(text, tlen, "text/plain; charset=utf-8");
	k->json = serve_response(json, jlen, "application/json");
}

/* report_no_result() into buf. */
static void
no_result(char *buf, size_t len, enum report_format format, unsigned kind,
    const char *why)
{
	FILE *f = fmemopen(buf, len, "w");

	buf[0] = '\0';
	if (f != NULL) {
		report_no_result(f, format, kind, why, 0);
		fclose(f);
	}
}

/* Store a runner's reply (len < 0: no answer). Called with k->mu held. */
static void
kind_update(struct kind_state *k, char *msg, ssize_t len, long deadline_ms)
{
	const struct runner_reply *rep = runner_reply_valid(msg, len, k->lc->p->nchecks);
	char why[160], text[256], json[320];
	double t = wall_time();
	uint32_t i;
	int from;

	k->have = 1;
	if (rep == NULL) {
		k->healthy = 0;
		snprintf(why, sizeof(why), "no answer from the %s check runner "
		    "within %ldms", kind_name(k->kind), deadline_ms);
		no_result(text, sizeof(text), REPORT_TEXT, k->kind, why);
		no_result(json, sizeof(json), REPORT_JSON, k->kind, why);
		set_responses(k, text, strlen(text), json, strlen(json));
		return;
	}
	k->healthy = rep->status == PROBE_HEALTHY;
	k->pending = rep->pending;
	for (i = 0; i < rep->nchecks; i++) {
		const struct runner_check *rc = &rep->checks[i];
		struct check_stat *st;

		if (rc->index < 0)
			continue;
		st = &k->stats[rc->index];
		from = st->seen ? st->healthy : -1;
		st->seen = 1;
		st->healthy = rc->healthy;
		st->duration_ms = rc->duration_ms;
		st->last_run = t;
		st->runs++;
		st->failures += !rc->healthy;
		st->space = rc->space;
		st->cert = rc->cert;
		memcpy(st->message, rc->message, sizeof(st->message));
		/* A change, or a first result that is a failure: news. */
		if (from != st->healthy && !(from == -1 && st->healthy)) {
			st->changed = t;
			serve_history_note(k, (size_t)rc->index, from);
		}
	}
	set_responses(k, msg + sizeof(*rep), rep->text_len,
	    msg + sizeof(*rep) + rep->text_len, rep->json_len);
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
		serve_say(s, msg);
		serve_live_unref(s, want);
		return;
	}
	pthread_mutex_lock(&k->mu);
	stats_carry(k, want->p);
	old = k->lc;
	k->lc = want;
	pthread_mutex_unlock(&k->mu);
	serve_live_unref(s, old);
}

/* A result answers a request if fresh, or if its run began after the request came. */
static int
fresh_for(const struct kind_state *k, const struct serve_request *rq)
{
	return k->have && (now_ms() < k->fresh_until || k->run_started >= rq->arrived);
}

/*
 * Queue kind k's answer if there is one for this request; otherwise
 * suspend the connection until the worker's next run ends (MHD calls us
 * again then).
 */
enum MHD_Result
serve_kind_answer(struct kind_state *k, struct MHD_Connection *conn,
    struct serve_request *rq, int json)
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
void *
serve_kind_worker(void *arg)
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

