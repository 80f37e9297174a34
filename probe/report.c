#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "report.h"

static void
json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static const struct check *
first_failure(const struct config *cfg, size_t *passed, size_t *total)
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
write_text(FILE *out, const struct report *r, const struct config *cfg)
{
	const struct check *bad;
	size_t i, passed, total;

	bad = first_failure(cfg, &passed, &total);
	if (bad == NULL)
		fprintf(out, "healthy: %zu of %zu checks passed (%s, %.0fms)\n",
		    passed, total, kind_name(r->kind), r->duration_ms);
	else
		fprintf(out, "unhealthy: %s \"%s\": %s\n", bad->type->name, bad->name,
		    bad->result.message);
	for (i = 0; i < cfg->nchecks; i++) {
		const struct check *c = cfg->checks[i];

		if (!c->selected)
			continue;
		fprintf(out, "%-4s  %-8s  %-16s %6.1fms  %s\n",
		    c->result.healthy ? "ok" : "FAIL", c->type->name, c->name,
		    c->duration_ms, c->result.message);
		if (r->verbose && c->result.detail[0] != '\0')
			fprintf(out, "      %s\n", c->result.detail);
	}
}

static void
write_json(FILE *out, const struct report *r, const struct config *cfg)
{
	size_t i, passed, total;
	const char *sep = "";

	fprintf(out, "{\"kind\": ");
	json_string(out, kind_name(r->kind));
	fprintf(out, ", \"healthy\": %s, \"duration_ms\": %.1f, \"checks\": [",
	    first_failure(cfg, &passed, &total) ? "false" : "true", r->duration_ms);
	for (i = 0; i < cfg->nchecks; i++) {
		const struct check *c = cfg->checks[i];

		if (!c->selected)
			continue;
		fprintf(out, "%s{\"name\": ", sep);
		json_string(out, c->name);
		fprintf(out, ", \"type\": \"%s\", \"healthy\": %s, \"duration_ms\": %.1f, "
		    "\"message\": ", c->type->name, c->result.healthy ? "true" : "false",
		    c->duration_ms);
		json_string(out, c->result.message);
		if (r->verbose) {
			fprintf(out, ", \"detail\": ");
			json_string(out, c->result.detail);
		}
		fputc('}', out);
		sep = ", ";
	}
	fprintf(out, "]}\n");
}

void
report_write(FILE *out, const struct report *r, const struct config *cfg)
{
	if (r->format == REPORT_JSON)
		write_json(out, r, cfg);
	else
		write_text(out, r, cfg);
}

void
report_config(FILE *out, const struct config *cfg)
{
	static const unsigned kinds[] = { KIND_LIVENESS, KIND_READINESS, KIND_STARTUP };
	char addr[300];
	size_t i, k, n;

	fprintf(out, "%s: ok, %zu check%s, deadline %ldms\n", cfg->path,
	    cfg->nchecks, cfg->nchecks == 1 ? "" : "s", cfg->timeout_ms);
	for (k = 0; k < 3; k++) {
		fprintf(out, "%-10s", kind_name(kinds[k]));
		for (i = 0, n = 0; i < cfg->nchecks; i++) {
			const struct check *c = cfg->checks[i];

			if (!(c->kinds & kinds[k]))
				continue;
			fprintf(out, "%s%s \"%s\"", n++ ? ", " : " ", c->type->name, c->name);
		}
		fprintf(out, "%s\n", n ? "" : " (none)");
	}
	if (cfg->serve.seen)
		fprintf(out, "serve      listen %s, cache %ldms\n",
		    config_listen_text(&cfg->serve, addr, sizeof(addr)),
		    cfg->serve.cache_ms);
}
