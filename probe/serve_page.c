/*
 * serve_page.c: GET / of probe serve, a status page for people: each kind's
 * verdict now, each check's last result, the recent changes newest first,
 * the config in force and the build. Server-rendered HTML and CSS, no
 * script and nothing fetched from elsewhere; it reloads itself every 5
 * seconds. Every string that came from a config, a server or a filesystem
 * is escaped. Rendered only when asked for.
 */
#include <stdio.h>
#include <stdlib.h>

#include "parse.h"
#include "serve_int.h"
#include "util.h"
#include "version.h"

#define PAGE_CHANGES 50		/* of the SERVE_HISTORY_MAX kept */

static const char style[] =
"body{font:15px/1.4 system-ui,sans-serif;margin:1em;color:#222;background:#fafafa}"
"h1{font-size:1.3em;margin:0 0 .3em}h2{font-size:1.1em;margin:1.2em 0 .4em}"
"p.meta{color:#555;margin:.2em 0}table{border-collapse:collapse;width:100%}"
"th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #ddd;vertical-align:top}"
"td.msg{word-break:break-word}.ok{color:#176117;font-weight:600}"
".fail{color:#a11;font-weight:600}.none{color:#777}.wrap{overflow-x:auto}"
"footer{margin-top:1.5em;color:#555}a{color:#0550ae}";

/* s with & < > " ' as entities: never markup. */
static void
html(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f); break;
		}
}

/* "healthy" or "unhealthy" as a class and a word. */
static void
state(FILE *f, int s)
{
	fprintf(f, "<span class=\"%s\">%s</span>", s == 1 ? "ok" : s == 0 ? "fail" : "none",
	    s == 1 ? "healthy" : s == 0 ? "unhealthy" : "not run yet");
}

static void
when(FILE *f, double t)
{
	char buf[40];

	if (t <= 0)
		fputs("<span class=\"none\">never</span>", f);
	else
		fputs(format_rfc3339(t, buf, sizeof(buf)), f);
}

static void
head(FILE *f, struct server *s, int terse)
{
	struct version_info v;
	char at[40];

	version_get(&v);
	fprintf(f, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	    "<meta http-equiv=\"refresh\" content=\"5\"><link rel=\"icon\" href=\"data:,\">"
	    "<title>probe serve</title>"
	    "<style>%s</style></head><body><h1>probe serve</h1>", style);
	fprintf(f, "<p class=\"meta\" id=\"build\">probe %s, %s build, %s, libcurl %s, ",
	    v.version, v.build, v.arch, v.libcurl);
	html(f, v.tls);
	fprintf(f, "; serving since %s</p>", format_rfc3339(s->started, at, sizeof(at)));
	pthread_mutex_lock(&s->cfg_mu);
	fputs("<p class=\"meta\" id=\"config\">config ", f);
	html(f, terse ? "" : s->cur->p->path);
	fprintf(f, "%sloaded %s", terse ? "" : ", ",
	    format_rfc3339(s->reload_time, at, sizeof(at)));
	if (s->reload_error[0] != '\0') {
		fputs("; <span class=\"fail\">last reload refused</span> ", f);
		html(f, terse ? "" : s->reload_error);
	}
	fputs("</p>", f);
	pthread_mutex_unlock(&s->cfg_mu);
}

/* Each kind's verdict, and each check's last result, kind by kind. */
static void
checks(FILE *f, struct server *s, int terse)
{
	size_t k, i;

	fputs("<h2>Now</h2><div class=\"wrap\"><table id=\"checks\"><tr><th>kind</th>"
	    "<th>check</th><th>state</th><th>took</th><th>last run</th>"
	    "<th>last change</th><th>why</th></tr>", f);
	for (k = 0; k < NKINDS; k++) {
		struct kind_state *ks = &s->kinds[k];

		pthread_mutex_lock(&ks->mu);
		fprintf(f, "<tr class=\"kind\"><th>%s</th><th colspan=\"6\">",
		    kind_name(ks->kind));
		state(f, ks->have ? ks->healthy : -1);
		fputs("</th></tr>", f);
		for (i = 0; i < ks->lc->p->nchecks; i++) {
			const struct check *c = ks->lc->p->checks[i];
			const struct check_stat *st = &ks->stats[i];

			if (!(c->kinds & ks->kind))
				continue;
			fprintf(f, "<tr><td></td><td>%s \"", c->type->name);
			html(f, c->name);
			fputs("\"</td><td>", f);
			state(f, st->seen ? st->healthy : -1);
			fprintf(f, "</td><td>%.1fms</td><td>", st->duration_ms);
			when(f, st->last_run);
			fputs("</td><td>", f);
			when(f, st->changed);
			fputs("</td><td class=\"msg\">", f);
			html(f, terse ? "" : st->message);
			fputs("</td></tr>", f);
		}
		pthread_mutex_unlock(&ks->mu);
	}
	fputs("</table></div>", f);
}

static void
changes(FILE *f, struct server *s, int terse)
{
	const struct serve_history *h = &s->history;
	const struct serve_change *c;
	size_t i;

	fprintf(f, "<h2>Changes</h2><p class=\"meta\">the last %d of the %d kept, newest "
	    "first; all of them: <a href=\"/history?format=json\">/history</a></p>"
	    "<div class=\"wrap\"><table id=\"changes\"><tr><th>when</th><th>kind</th>"
	    "<th>check</th><th>from</th><th>to</th><th>why</th></tr>", PAGE_CHANGES,
	    SERVE_HISTORY_MAX);
	pthread_mutex_lock(&s->history.mu);
	for (i = 0; i < h->n && i < PAGE_CHANGES; i++) {
		c = &h->ring[(h->next + SERVE_HISTORY_MAX - 1 - i) % SERVE_HISTORY_MAX];
		fputs("<tr><td>", f);
		when(f, c->time);
		fprintf(f, "</td><td>%s</td><td>", kind_name(c->kind));
		html(f, c->type);
		fputs(" \"", f);
		html(f, c->check);
		fputs("\"</td><td>", f);
		state(f, c->from);
		fputs("</td><td>", f);
		state(f, c->to);
		fputs("</td><td class=\"msg\">", f);
		html(f, terse ? "" : c->message);
		fputs("</td></tr>", f);
	}
	if (h->n == 0)
		fputs("<tr><td colspan=\"6\" class=\"none\">no change since it started</td></tr>", f);
	pthread_mutex_unlock(&s->history.mu);
	fputs("</table></div>", f);
}

char *
serve_page(struct server *s, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	int terse;

	if (f == NULL)
		return NULL;
	pthread_mutex_lock(&s->cfg_mu);
	terse = s->cur->p->serve.terse;
	pthread_mutex_unlock(&s->cfg_mu);
	head(f, s, terse);
	checks(f, s, terse);
	changes(f, s, terse);
	fputs("<footer><a href=\"/livez\">/livez</a> <a href=\"/readyz\">/readyz</a> "
	    "<a href=\"/startupz\">/startupz</a> <a href=\"/metrics\">/metrics</a> "
	    "<a href=\"/history?format=json\">/history</a></footer></body></html>\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
