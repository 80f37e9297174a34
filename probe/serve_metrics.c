/* serve_metrics.c: probe serve's /metrics, Prometheus text exposition of
 * every kind's last results and of the config's reloads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "serve_int.h"
#include "version.h"

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

/* When the certificate of each cert check that expires first stops being
 * valid: one series per check, from the first kind that ran it. */
static void
cert_series(FILE *f, struct server *s)
{
	const char *done[PROBE_MAX_CHECKS];
	size_t j, k, d, ndone = 0;

	metric_help(f, "probe_cert_not_after_timestamp_seconds", "gauge",
	    "When the certificate of a cert check that expires first stops being "
	    "valid, in seconds since the Unix epoch.");
	for (k = 0; k < NKINDS; k++) {
		struct kind_state *ks = &s->kinds[k];

		pthread_mutex_lock(&ks->mu);
		for (j = 0; j < ks->lc->p->nchecks; j++) {
			const struct check *c = ks->lc->p->checks[j];
			const struct check_cert *cc = &ks->stats[j].cert;

			for (d = 0; d < ndone && strcmp(done[d], c->name) != 0; d++)
				;
			if (!ks->stats[j].seen || !cc->seen || d < ndone ||
			    ndone == PROBE_MAX_CHECKS)
				continue;
			done[ndone++] = c->name;
			fputs("probe_cert_not_after_timestamp_seconds{check=\"", f);
			label_value(f, c->name);
			fputs("\",subject=\"", f);
			label_value(f, ks->lc->p->serve.terse ? "" : cc->subject);
			fprintf(f, "\"} %.0f\n", cc->not_after);
		}
		pthread_mutex_unlock(&ks->mu);
	}
}

/* What this build is, as labels of a gauge that is always 1. */
static void
build_series(FILE *f)
{
	struct version_info v;

	version_get(&v);
	metric_help(f, "probe_build_info", "gauge",
	    "The probe's version, build (static or dynamic), architecture, libcurl and TLS library.");
	fprintf(f, "probe_build_info{version=\"");
	label_value(f, v.version);
	fprintf(f, "\",build=\"%s\",arch=\"%s\",libcurl=\"", v.build, v.arch);
	label_value(f, v.libcurl);
	fprintf(f, "\",tls=\"");
	label_value(f, v.tls);
	fprintf(f, "\"} 1\n");
}

/* Each kind's killed check processes that have not gone yet. */
static void
pending_series(FILE *f, struct server *s)
{
	size_t k;

	metric_help(f, "probe_check_processes_pending", "gauge",
	    "Check processes killed at their deadline that have not ended yet "
	    "(stuck in the kernel, on a hung filesystem); they are reaped when they end.");
	for (k = 0; k < NKINDS; k++) {
		pthread_mutex_lock(&s->kinds[k].mu);
		fprintf(f, "probe_check_processes_pending{kind=\"%s\"} %u\n",
		    kind_name(s->kinds[k].kind), s->kinds[k].pending);
		pthread_mutex_unlock(&s->kinds[k].mu);
	}
}

char *
serve_metrics_text(struct server *s, size_t *len)
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
	cert_series(f, s);
	pending_series(f, s);
	build_series(f);
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

