/*
 * report_config.c: what --check-config shows (text, or JSON for CI): the
 * checks each kind runs, what confines them, and every error and warning
 * of the config with its file, line and key.
 */
#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "json.h"
#include "parse.h"
#include "report.h"
#include "sandbox.h"

const char *
report_sandbox(const struct config *cfg, char *buf, size_t len)
{
	if (!cfg->sandbox)
		snprintf(buf, len, "off (sandbox = no, or --no-sandbox)");
	else
		sandbox_describe(buf, len);
	return buf;
}

int
report_guarded(const struct config *cfg, int selected)
{
	size_t i;

	for (i = 0; i < cfg->nchecks; i++)
		if (cfg->checks[i]->guard != NULL && (!selected || cfg->checks[i]->selected))
			return 1;
	return 0;
}

/* "PATH:LINE" or "PATH" into buf; returns buf. */
static const char *
where(const struct config *cfg, const struct config_note *n, char *buf, size_t len)
{
	if (n->line > 0)
		snprintf(buf, len, "%s:%d", cfg->path, n->line);
	else
		snprintf(buf, len, "%s", cfg->path);
	return buf;
}

void
report_notes(FILE *out, const struct config *cfg, int errors)
{
	const struct config_notes *ns = cfg->notes;
	char at[300];
	size_t i;

	for (i = 0; ns != NULL && i < ns->n; i++)
		if (ns->note[i].warning != errors)
			fprintf(out, "%s%s: %s\n", errors ? "probe: " : "warning: ",
			    where(cfg, &ns->note[i], at, sizeof(at)), ns->note[i].msg);
	if (ns != NULL && ns->left_off > 0)
		fprintf(out, "%s%s: and %zu more, left off\n", errors ? "probe: " :
		    "warning: ", cfg->path, ns->left_off);
}

void
report_config(FILE *out, const struct config *cfg)
{
	static const unsigned kinds[] = { KIND_LIVENESS, KIND_READINESS, KIND_STARTUP };
	char addr[500];
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
	fprintf(out, "sandbox    %s\n", report_sandbox(cfg, addr, sizeof(addr)));
	if (cfg->termination_log != NULL)
		fprintf(out, "why        a failed liveness run's report to %s\n",
		    cfg->termination_log);
	if (report_guarded(cfg, 0))
		fprintf(out, "guards     %s\n", guard_describe(addr, sizeof(addr)));
	report_notes(out, cfg, 0);
}

/* The notes of one kind (errors or warnings) as a JSON array; err, if
 * not NULL, stands for the errors when the config has no notes. */
static void
json_notes(FILE *out, const struct config *cfg, const char *path, int warnings,
    const char *err)
{
	const struct config_notes *ns = cfg->notes;
	const char *sep = "";
	size_t i;

	fputc('[', out);
	for (i = 0; ns != NULL && i < ns->n; i++) {
		if (ns->note[i].warning != warnings)
			continue;
		fprintf(out, "%s{\"file\": ", sep);
		json_string(out, path);
		fprintf(out, ", \"line\": %d, \"key\": ", ns->note[i].line);
		json_string(out, ns->note[i].key);
		fprintf(out, ", \"message\": ");
		json_string(out, ns->note[i].msg);
		fputc('}', out);
		sep = ", ";
	}
	if (!warnings && (ns == NULL || ns->errors == 0) && err != NULL) {
		fprintf(out, "{\"file\": ");
		json_string(out, path);
		fprintf(out, ", \"line\": 0, \"key\": \"\", \"message\": ");
		json_string(out, err);
		fputc('}', out);
	}
	fputc(']', out);
}

/* The checks of cfg: type, name, line and kinds of each. */
static void
json_config_checks(FILE *out, const struct config *cfg)
{
	size_t i;

	fputc('[', out);
	for (i = 0; i < cfg->nchecks; i++) {
		const struct check *c = cfg->checks[i];

		fprintf(out, "%s{\"type\": \"%s\", \"name\": ", i ? ", " : "", c->type->name);
		json_string(out, c->name);
		fprintf(out, ", \"line\": %d, \"kinds\": ", c->line);
		json_kinds(out, c->kinds);
		fputc('}', out);
	}
	fputc(']', out);
}

void
report_config_json(FILE *out, const struct config *cfg, const char *path,
    const char *err)
{
	const struct config_notes *ns = cfg->notes;
	char buf[500];
	int valid = err == NULL;

	fprintf(out, "{\"version\": %d, \"file\": ", JSON_VERSION);
	json_string(out, path);
	fprintf(out, ", \"valid\": %s, \"errors\": ", valid ? "true" : "false");
	json_notes(out, cfg, path, 0, err);
	fprintf(out, ", \"warnings\": ");
	json_notes(out, cfg, path, 1, NULL);
	fprintf(out, ", \"left_off\": %zu", ns != NULL ? ns->left_off : 0);
	if (valid) {
		fprintf(out, ", \"deadline_ms\": %ld, \"checks\": ", cfg->timeout_ms);
		json_config_checks(out, cfg);
		fprintf(out, ", \"sandbox\": ");
		json_string(out, report_sandbox(cfg, buf, sizeof(buf)));
		if (cfg->termination_log != NULL) {
			fprintf(out, ", \"termination_log\": ");
			json_string(out, cfg->termination_log);
		}
	}
	fprintf(out, "}\n");
}
