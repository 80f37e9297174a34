/*
 * serve_history.c: what probe serve says when a check's state changes.
 * Each change goes into the log (stderr, what kubectl logs shows; a line of
 * text, or with [serve] log_format = json a JSON object) and into a ring of
 * the last SERVE_HISTORY_MAX, for / and /history. A flapping check cannot
 * flood the log: within a second of its last line, changes are folded and
 * said once the second is over. Nothing is said while nothing changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "parse.h"
#include "serve_int.h"
#include "util.h"

#define FOLD_MS 1000

static const char *
state_name(int s)
{
	return s == 1 ? "healthy" : s == 0 ? "unhealthy" : "unknown";
}

/* The format of the log, from the config in force. */
static int
log_json(struct server *s)
{
	int json;

	pthread_mutex_lock(&s->cfg_mu);
	json = s->cur->p->serve.log_json;
	pthread_mutex_unlock(&s->cfg_mu);
	return json;
}

void
serve_say(struct server *s, const char *msg)
{
	char when[40], line[1200];
	FILE *f;

	if (!log_json(s)) {
		snprintf(line, sizeof(line), "probe: %s", msg);
		s->params->log(line);
		return;
	}
	if ((f = fmemopen(line, sizeof(line), "w")) == NULL)
		return;
	fprintf(f, "{\"version\": %d, \"time\": \"%s\", \"event\": \"message\", "
	    "\"message\": ", JSON_VERSION, format_rfc3339(wall_time(), when, sizeof(when)));
	json_string(f, msg);
	fputc('}', f);
	if (fclose(f) == 0)
		s->params->log(line);
}

/* One line about change c, with folded more changes before it. */
static void
log_change(struct server *s, const struct serve_change *c, unsigned folded)
{
	char when[40], line[1200], more[80] = "";
	FILE *f;

	format_rfc3339(c->time, when, sizeof(when));
	if (!log_json(s)) {
		if (folded > 0)
			snprintf(more, sizeof(more), " (%u more change%s folded)", folded,
			    folded == 1 ? "" : "s");
		snprintf(line, sizeof(line), "probe: %s %s %s \"%s\": %s -> %s (%.1fms): %s%s",
		    when, kind_name(c->kind), c->type, c->check, state_name(c->from),
		    state_name(c->to), c->duration_ms, c->message, more);
		s->params->log(line);
		return;
	}
	if ((f = fmemopen(line, sizeof(line), "w")) == NULL)
		return;
	fprintf(f, "{\"version\": %d, \"time\": \"%s\", \"event\": \"change\", "
	    "\"kind\": \"%s\", \"type\": \"%s\", \"check\": ", JSON_VERSION, when,
	    kind_name(c->kind), c->type);
	json_string(f, c->check);
	fprintf(f, ", \"from\": \"%s\", \"to\": \"%s\", \"duration_ms\": %.1f, "
	    "\"message\": ", state_name(c->from), state_name(c->to), c->duration_ms);
	json_string(f, c->message);
	fprintf(f, ", \"folded\": %u}", folded);
	if (fclose(f) == 0)
		s->params->log(line);
}

/* The change of check index of k, as the history keeps it. */
static void
change_of(struct kind_state *k, size_t index, int from, struct serve_change *c)
{
	const struct check *chk = k->lc->p->checks[index];
	const struct check_stat *st = &k->stats[index];

	memset(c, 0, sizeof(*c));
	c->time = st->last_run;
	c->kind = k->kind;
	snprintf(c->type, sizeof(c->type), "%s", chk->type->name);
	snprintf(c->check, sizeof(c->check), "%s", chk->name);
	c->from = from;
	c->to = st->healthy;
	c->duration_ms = st->duration_ms;
	memcpy(c->message, st->message, sizeof(c->message));
}

void
serve_history_note(struct kind_state *k, size_t index, int from)
{
	struct serve_history *h = &k->server->history;
	struct check_stat *st = &k->stats[index];
	struct serve_change c;
	double now = now_ms();
	unsigned folded = 0;

	change_of(k, index, from, &c);
	pthread_mutex_lock(&h->mu);
	h->ring[h->next] = c;
	h->next = (h->next + 1) % SERVE_HISTORY_MAX;
	if (h->n < SERVE_HISTORY_MAX)
		h->n++;
	h->total++;
	pthread_mutex_unlock(&h->mu);
	if (st->logged_ms > 0 && now - st->logged_ms < FOLD_MS) {
		if (st->folded++ == 0)
			st->folded_from = from;
		return;
	}
	if (st->folded > 0) {	/* folded before, not said yet: said with it */
		c.from = st->folded_from;
		folded = st->folded;
		st->folded = 0;
	}
	log_change(k->server, &c, folded);
	st->logged_ms = now;
}

int
serve_history_flush(struct server *s, int force)
{
	struct serve_change c;
	double now = now_ms();
	size_t k, i;
	int left = 0;

	for (k = 0; k < NKINDS; k++) {
		struct kind_state *ks = &s->kinds[k];

		pthread_mutex_lock(&ks->mu);
		for (i = 0; i < ks->lc->p->nchecks; i++) {
			struct check_stat *st = &ks->stats[i];

			if (st->folded == 0)
				continue;
			if (!force && now - st->logged_ms < FOLD_MS) {
				left++;
				continue;
			}
			change_of(ks, i, st->folded_from, &c);
			log_change(s, &c, st->folded - 1);
			st->folded = 0;
			st->logged_ms = now;
		}
		pthread_mutex_unlock(&ks->mu);
	}
	return left;
}

/* The changes, newest first, as JSON or lines of text. */
static void
write_history(FILE *f, const struct serve_history *h, int json, int terse)
{
	const struct serve_change *c;
	char when[40];
	size_t i;

	if (json)
		fprintf(f, "{\"version\": %d, \"bound\": %d, \"total\": %llu, \"changes\": [",
		    JSON_VERSION, SERVE_HISTORY_MAX, h->total);
	for (i = 0; i < h->n; i++) {
		c = &h->ring[(h->next + SERVE_HISTORY_MAX - 1 - i) % SERVE_HISTORY_MAX];
		format_rfc3339(c->time, when, sizeof(when));
		if (!json) {
			fprintf(f, "%s %s %s \"%s\": %s -> %s (%.1fms)%s%s\n", when,
			    kind_name(c->kind), c->type, c->check, state_name(c->from),
			    state_name(c->to), c->duration_ms, terse ? "" : ": ",
			    terse ? "" : c->message);
			continue;
		}
		fprintf(f, "%s{\"time\": \"%s\", \"kind\": \"%s\", \"type\": \"%s\", \"check\": ",
		    i ? ", " : "", when, kind_name(c->kind), c->type);
		json_string(f, c->check);
		fprintf(f, ", \"from\": \"%s\", \"to\": \"%s\", \"duration_ms\": %.1f",
		    state_name(c->from), state_name(c->to), c->duration_ms);
		if (!terse) {
			fprintf(f, ", \"message\": ");
			json_string(f, c->message);
		}
		fputc('}', f);
	}
	if (json)
		fprintf(f, "]}\n");
}

char *
serve_history_text(struct server *s, int json, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	int terse;

	if (f == NULL)
		return NULL;
	pthread_mutex_lock(&s->cfg_mu);
	terse = s->cur->p->serve.terse;
	pthread_mutex_unlock(&s->cfg_mu);
	pthread_mutex_lock(&s->history.mu);
	write_history(f, &s->history, json, terse);
	pthread_mutex_unlock(&s->history.mu);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
