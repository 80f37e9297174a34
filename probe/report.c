#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "json.h"
#include "parse.h"
#include "report.h"
#include "sandbox.h"
#include "util.h"

const struct check *
report_first_failure(const struct config *cfg, size_t *passed, size_t *total)
{
	const struct check *bad = NULL;
	size_t i;

	*passed = *total = 0;
	for (i = 0; i < cfg->nchecks; i++) {
		const struct check *c = cfg->checks[i];

		if (!c->selected)
			continue;
		(*total)++;
		if (c->result.healthy)
			(*passed)++;
		else if (bad == NULL)
			bad = c;
	}
	return bad;
}

static void
text_checks(FILE *out, const struct report *r, const struct config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nchecks; i++) {
		const struct check *c = cfg->checks[i];

		if (!c->selected)
			continue;
		fprintf(out, "%-4s  %-8s  %-16s %6.1fms%s%s\n",
		    c->result.healthy ? "ok" : "FAIL", c->type->name, c->name,
		    c->duration_ms, r->terse ? "" : "  ", r->terse ? "" : c->result.message);
		if (r->verbose && c->result.detail[0] != '\0')
			fprintf(out, "      %s\n", c->result.detail);
	}
}

static void
write_text(FILE *out, const struct report *r, const struct config *cfg)
{
	const struct check *bad;
	size_t passed, total;
	char buf[500];

	bad = report_first_failure(cfg, &passed, &total);
	if (bad == NULL)
		fprintf(out, "healthy: %zu of %zu checks passed (%s, %.0fms)\n",
		    passed, total, kind_name(r->kind), r->duration_ms);
	else if (r->terse)
		fprintf(out, "unhealthy: %s \"%s\" failed\n", bad->type->name, bad->name);
	else
		fprintf(out, "unhealthy: %s \"%s\": %s\n", bad->type->name, bad->name,
		    bad->result.message);
	text_checks(out, r, cfg);
	if (!r->verbose)
		return;
	fprintf(out, "sandbox: %s\n", report_sandbox(cfg, buf, sizeof(buf)));
	if (report_guarded(cfg, 1))
		fprintf(out, "guards: %s\n", guard_describe(buf, sizeof(buf)));
	report_notes(out, cfg, 0);
}

/* "[{...}, ...]": the selected checks. */
static void
json_checks(FILE *out, const struct report *r, const struct config *cfg)
{
	const char *sep = "";
	size_t i;

	fputc('[', out);
	for (i = 0; i < cfg->nchecks; i++) {
		const struct check *c = cfg->checks[i];

		if (!c->selected)
			continue;
		fprintf(out, "%s{\"name\": ", sep);
		json_string(out, c->name);
		fprintf(out, ", \"type\": \"%s\", \"healthy\": %s, \"duration_ms\": %.1f",
		    c->type->name, c->result.healthy ? "true" : "false", c->duration_ms);
		if (!r->terse) {
			fprintf(out, ", \"message\": ");
			json_string(out, c->result.message);
		}
		if (r->verbose) {
			fprintf(out, ", \"detail\": ");
			json_string(out, c->result.detail);
		}
		fputc('}', out);
		sep = ", ";
	}
	fputc(']', out);
}

void
report_no_result(FILE *out, enum report_format format, unsigned kind,
    const char *reason, int healthy)
{
	if (format == REPORT_TEXT) {
		fprintf(out, "unhealthy: %s\n", reason);
		return;
	}
	fprintf(out, "{\"version\": %d, \"kind\": ", JSON_VERSION);
	json_string(out, kind_name(kind));
	fprintf(out, ", \"healthy\": %s, \"duration_ms\": %.1f, \"checks\": [], "
	    "\"error\": ", healthy ? "true" : "false", 0.0);
	json_string(out, reason);
	fprintf(out, "}\n");
}

void
report_wait_error(FILE *out, unsigned kind, const char *reason)
{
	fprintf(out, "{\"version\": %d, \"event\": \"error\", \"kind\": ", JSON_VERSION);
	json_string(out, kind_name(kind));
	fprintf(out, ", \"error\": ");
	json_string(out, reason);
	fprintf(out, "}\n");
}

static void
write_json(FILE *out, const struct report *r, const struct config *cfg)
{
	size_t passed, total;

	fprintf(out, "{\"version\": %d, \"kind\": ", JSON_VERSION);
	json_string(out, kind_name(r->kind));
	fprintf(out, ", \"healthy\": %s, \"duration_ms\": %.1f, \"checks\": ",
	    report_first_failure(cfg, &passed, &total) ? "false" : "true", r->duration_ms);
	json_checks(out, r, cfg);
	fprintf(out, "}\n");
}

int
report_shows_detail(const struct report *r)
{
	return r->verbose || r->format == REPORT_JSON;
}

void
report_write(FILE *out, const struct report *r, const struct config *cfg)
{
	if (r->format == REPORT_JSON)
		write_json(out, r, cfg);
	else
		write_text(out, r, cfg);
}

/* A duration for people: "800ms", "2.5s", "5m", "1m30s"; returns buf. */
static const char *
duration_text(double ms, char *buf, size_t len)
{
	long s = (long)(ms / 1000 + 0.5);

	if (ms < 1000)
		snprintf(buf, len, "%.0fms", ms);
	else if (ms < 60000)
		snprintf(buf, len, "%.1fs", ms / 1000);
	else if (s % 60 == 0)
		snprintf(buf, len, "%ldm", s / 60);
	else
		snprintf(buf, len, "%ldm%lds", s / 60, s % 60);
	return buf;
}

static const char *const wait_words[] = {
	[WAIT_START] = "start", [WAIT_FAILING] = "waiting",
	[WAIT_READY] = "ready", [WAIT_GAVE_UP] = "gave_up",
	[WAIT_STOPPED] = "stopped",
};

/* "[{"type": ..., "name": ...}, ...]": the selected checks, by name. */
static void
json_names(FILE *out, const struct config *cfg)
{
	const char *sep = "";
	size_t i;

	fputc('[', out);
	for (i = 0; i < cfg->nchecks; i++) {
		if (!cfg->checks[i]->selected)
			continue;
		fprintf(out, "%s{\"type\": \"%s\", \"name\": ", sep, cfg->checks[i]->type->name);
		json_string(out, cfg->checks[i]->name);
		fputc('}', out);
		sep = ", ";
	}
	fputc(']', out);
}

static void
wait_json(FILE *out, const struct report *r, const struct config *cfg,
    const struct wait_progress *w)
{
	size_t passed, total;

	report_first_failure(cfg, &passed, &total);
	fprintf(out, "{\"version\": %d, \"event\": \"%s\", \"kind\": ", JSON_VERSION,
	    wait_words[w->event]);
	json_string(out, kind_name(r->kind));
	if (w->event == WAIT_START) {
		fprintf(out, ", \"count\": %zu, \"timeout_ms\": %ld, \"interval_ms\": %ld, "
		    "\"checks\": ", total, w->total_ms, w->interval_ms);
		json_names(out, cfg);
		fprintf(out, "}\n");
		return;
	}
	fprintf(out, ", \"healthy\": %s, \"elapsed_ms\": %.1f, \"runs\": %u",
	    w->event == WAIT_READY ? "true" : "false", w->elapsed_ms, w->runs);
	if (w->signal != NULL)
		fprintf(out, ", \"signal\": \"%s\"", w->signal);
	if (w->check != NULL) {
		fprintf(out, ", \"type\": \"%s\", \"name\": ", w->check->type->name);
		json_string(out, w->check->name);
		fprintf(out, ", \"message\": ");
		json_string(out, w->message);
	}
	if (w->event == WAIT_GAVE_UP) {
		fprintf(out, ", \"checks\": ");
		json_checks(out, r, cfg);
	}
	fprintf(out, "}\n");
}

void
report_wait(FILE *out, const struct report *r, const struct config *cfg,
    const struct wait_progress *w)
{
	static const char *const text[] = {
		[WAIT_FAILING] = "still waiting after", [WAIT_READY] = "ready after",
		[WAIT_GAVE_UP] = "gave up after", [WAIT_STOPPED] = "stopped by",
	};
	char t1[32], t2[32];
	size_t passed, total;

	if (r->format == REPORT_JSON) {
		wait_json(out, r, cfg, w);
		goto out;
	}
	report_first_failure(cfg, &passed, &total);
	if (w->event == WAIT_START) {
		fprintf(out, "waiting up to %s for %zu check%s (%s), "
		    "retrying every %s or more\n",
		    duration_text((double)w->total_ms, t1, sizeof(t1)), total,
		    total == 1 ? "" : "s", kind_name(r->kind),
		    duration_text((double)w->interval_ms, t2, sizeof(t2)));
		goto out;
	}
	fprintf(out, "%s %s%s%s", text[w->event], w->signal ? w->signal : "",
	    w->signal ? " after " : "", duration_text(w->elapsed_ms, t1, sizeof(t1)));
	if (w->event != WAIT_FAILING)
		fprintf(out, " (%u run%s)", w->runs, w->runs == 1 ? "" : "s");
	if (w->event == WAIT_READY)
		fprintf(out, ": %zu of %zu checks passed (%s)", passed, total,
		    kind_name(r->kind));
	else if (w->check != NULL)
		fprintf(out, ": %s \"%s\": %s", w->check->type->name, w->check->name,
		    w->message);
	fputc('\n', out);
	if (w->event == WAIT_GAVE_UP && !w->quiet)
		text_checks(out, r, cfg);
out:
	fflush(out);
}
