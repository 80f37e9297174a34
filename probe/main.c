/* main.c: parse the command line, load the config, run the command,
 * print what went wrong, exit with the code. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "help.h"
#include "config.h"
#include "install.h"
#include "once.h"
#include "parse.h"
#include "probe.h"
#include "process.h"
#include "report.h"
#include "serve.h"
#include "validate.h"
#include "version.h"
#include "wait.h"

static int errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "probe: MESSAGE" on stderr; returns PROBE_ERROR. */
static int
errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("probe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return PROBE_ERROR;
}

/* A line of probe serve's log, as it is (stderr: kubectl logs). */
static void
log_line(const char *line)
{
	fprintf(stderr, "%s\n", line);
}

static int
serve(struct config *cfg, const struct config_source *src, const char *text,
    size_t len)
{
	struct serve_params sp = { cfg, src, text, len, log_line };
	struct server *s;
	char err[512];
	int ret;

	if ((s = serve_start(&sp, err, sizeof(err))) == NULL)
		return errorf("%s", err);
	ret = serve_wait(s);
	serve_free(s);
	return ret;
}

static int
wait_for(struct config *cfg, const struct options *o)
{
	struct wait_options w;
	char err[512];
	int ret;

	memset(&w, 0, sizeof(w));
	w.total_ms = o->timeout_ms > 0 ? o->timeout_ms : WAIT_DEFAULT_TOTAL_MS;
	w.interval_ms = o->interval_ms > 0 ? o->interval_ms : WAIT_DEFAULT_INTERVAL_MS;
	w.quiet = o->quiet;
	w.report = o->report;
	if ((ret = wait_checks(cfg, &w, stdout, err, sizeof(err))) == PROBE_ERROR)
		errorf("%s", err);
	return ret;
}

/* A config that could not be loaded, err saying why. Where nothing named
 * it (found: "the default" or "$PROBE_CONFIG") and it is not there, say
 * where the probe looked and how to give it one, in err; with no argument
 * at all, the usage first. */
static void
no_file(int argc, const char *found, const char *path, char *err, size_t errlen)
{
	size_t n, len = strlen(err);

	if (found == NULL || path == NULL || access(path, F_OK) == 0 ||
	    strncmp(err, path, (n = strlen(path))) != 0 || err[n] != ':')
		return;
	if (argc == 1)
		cli_usage(stderr);
	snprintf(err + len, errlen - len, " (%s config: give -c FILE, set "
	    "PROBE_CONFIG, or name a check such as --http URL)", found);
}

/* The commands that need no config. */
static int
no_config(const struct options *o, char *argv0)
{
	char msg[512];

	if (o->command == CMD_HELP) {
		if (o->help_type != NULL)
			help_type(stdout, o->help_type);
		else
			cli_usage(stdout);
		return PROBE_HEALTHY;
	}
	if (o->command == CMD_VERSION) {
		printf("%s\n", version_text(msg, sizeof(msg)));
		return PROBE_HEALTHY;
	}
	if (install_self(o->install_dir, argv0, msg, sizeof(msg)) != 0)
		return errorf("%s", msg);
	printf("%s\n", msg);
	return PROBE_HEALTHY;
}

/* The command on a loaded config. */
static int
with_config(struct options *o, struct config *cfg,
    const struct config_source *src, const char *text, size_t len, double t0)
{
	char err[512];
	int ret;

	if (o->command == CMD_SERVE)
		return serve(cfg, src, text, len);
	if (config_select(cfg, o->report.kind) == 0)
		return errorf("%s: no check selected for %s", cfg->path,
		    kind_name(o->report.kind));
	if (o->command == CMD_WAIT)
		return wait_for(cfg, o);
	if ((ret = once_run(cfg, &o->report, o->quiet, t0, err, sizeof(err))) ==
	    PROBE_ERROR)
		errorf("%s", err);
	return ret;
}

/* A config that did not load: a run judges by the kind, the other
 * commands stop. */
static int
config_failed(const struct options *o, int argc, const char *found,
    const struct config *cfg, char *err, size_t errlen)
{
	no_file(argc, found, o->config, err, errlen);
	if (o->command == CMD_RUN)
		return once_config_error(&o->report, cfg, err);
	if (o->command == CMD_WAIT && o->report.format == REPORT_JSON)
		report_wait_error(stdout, o->report.kind, err);
	return errorf("%s", err);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct config cfg;
	struct config_source src = { NULL, NULL };
	char err[512], *text = NULL;
	const char *found = NULL;	/* where the config path came from, if not -c */
	double t0 = now_ms();
	size_t len = 0;
	int ret, loaded;

	process_init();
	if (cli_parse(argc, argv, &o, err, sizeof(err)) != 0)
		return errorf("%s", err);
	if (o.command == CMD_HELP || o.command == CMD_VERSION ||
	    o.command == CMD_INSTALL)
		return no_config(&o, argv[0]);
	if (o.config == NULL && o.args.nchecks == 0) {
		o.config = getenv("PROBE_CONFIG");
		found = o.config != NULL && *o.config != '\0' ? "$PROBE_CONFIG" : "the default";
		if (o.config == NULL || *o.config == '\0')
			o.config = CONFIG_DEFAULT_PATH;
	}
	src.path = o.config;
	src.args = &o.args;
	loaded = config_source_load(&src, &cfg, &text, &len, err, sizeof(err)) == 0;
	if (o.check_config) {
		struct validate_opts vo = { o.report.format, o.quiet, o.strict };

		ret = validate_config(&vo, &cfg, o.config ? o.config : "command line",
		    loaded ? NULL : err);
	}
	else if (!loaded)
		ret = config_failed(&o, argc, found, &cfg, err, sizeof(err));
	else
		ret = with_config(&o, &cfg, &src, text, len, t0);
	config_free(&cfg);
	free(text);
	return ret;
}
