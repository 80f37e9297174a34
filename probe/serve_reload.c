/*
 * serve_reload.c: the config in force for probe serve. It is shared by
 * reference with each kind's runner; a reload reads and parses the file,
 * publishes the new config, and each worker hands it to its runner before
 * that kind's next run. A config that does not load is refused, logged,
 * and the old one stays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve_int.h"

void
serve_live_unref(struct server *s, struct live_config *lc)
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

/* The first config, from the caller; returns 0 or -1 with err. */
int
serve_live_first(struct server *s, char *err, size_t errlen)
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
	s->reload_time = wall_time();
	return 0;
}

static void
reload_done(struct server *s, int ok, const char *msg)
{
	pthread_mutex_lock(&s->cfg_mu);
	s->reload_ok = ok;
	s->reload_time = wall_time();
	snprintf(s->reload_error, sizeof(s->reload_error), "%s", ok ? "" : msg);
	pthread_mutex_unlock(&s->cfg_mu);
	serve_say(s, msg);
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
	serve_live_unref(s, old);
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
	serve_say(s, msg);
	memcpy(next->serve.host, was->host, sizeof(next->serve.host));
	next->serve.port = was->port;
}

/*
 * Load the config file again. Unless by_signal, a file that reads the same
 * as the config in force is left alone (an event that changed nothing).
 */
void
serve_reload(struct server *s, int by_signal)
{
	const struct config_source *src = s->params->src;
	struct live_config *next;
	char err[600], msg[800];

	if (src->path == NULL) {
		serve_say(s, "SIGHUP: nothing to reload: the checks come from the "
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
	if (config_source_parse(src, &next->own, next->text, next->len, err,
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

