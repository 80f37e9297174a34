/* main.c: the command line; parse, run, report, exit. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "install.h"
#include "parse.h"
#include "probe.h"
#include "process.h"
#include "report.h"
#include "run.h"
#include "serve.h"
#include "wait.h"

enum command { CMD_RUN, CMD_SERVE, CMD_WAIT };

#define REPORT_SLACK_MS 100	/* the report is out by the deadline plus this */

struct options {
	enum command command;
	const char *config;
	const char *listen;	/* serve -l */
	long timeout_ms;	/* -t; -1: the config's (wait: the default total) */
	long interval_ms;	/* wait -i; -1: the default */
	struct report report;
	int quiet;
	int check_config;
	struct config_args args;	/* --http URL, ... */
};

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

static void
usage(FILE *out)
{
	fputs(
"usage: probe [-c FILE] [CHECK...] [-t DURATION] [-o text|json] [-q] [-v] [KIND]\n"
"       probe URL\n"
"       probe wait [-c FILE] [CHECK...] [-t TOTAL] [-i INTERVAL] [-o text|json]\n"
"                  [-q] [KIND]\n"
"       probe serve [-c FILE] [CHECK...] [-l ADDR:PORT]\n"
"       probe [-c FILE] [CHECK...] --check-config\n"
"       probe install DIR\n"
"       probe --help | --version\n"
"\n"
"Run health checks, from an INI config or the command line, and exit\n"
"with the verdict.\n"
"\n"
"  KIND                  liveness, readiness, startup or all (default all):\n"
"                        run the checks the config assigns to that kind\n"
"  -c, --config FILE     config file (default $PROBE_CONFIG, else\n"
"                        " CONFIG_DEFAULT_PATH "; none when CHECKs are given)\n"
"  -t, --timeout DUR     deadline of the whole run, such as 800ms or 2s\n"
"                        (default: [probe] timeout, else 1s)\n"
"  -o, --output FORMAT   text (default) or json\n"
"  -q, --quiet           print nothing when healthy (wait: the last line only)\n"
"  -v, --verbose         add each check's detail\n"
"      --check-config    validate the config, list the checks per kind\n"
"      --no-sandbox      run each check without its sandbox (seccomp,\n"
"                        Landlock, limits), as [probe] sandbox = no\n"
"\n"
"Checks on the command line (each repeatable, run for every kind):\n"
"      --http URL        GET URL, healthy on 200-399 (a bare URL is the same)\n"
"      --tcp HOST:PORT   a TCP connect succeeds\n"
"      --mount PATH      PATH is a mount point, alive\n"
"      --writable PATH   a file can be written, read and removed in PATH\n"
"      --grpc HOST:PORT  grpc.health.v1.Health/Check answers SERVING (h2c)\n"
"      --expect-status LIST  statuses that pass, for every --http\n"
"      --header 'NAME: VALUE'  send this header with every --http\n"
"\n"
"  wait                  run the checks until they pass (exit 0) or TOTAL is\n"
"                        up (exit 1); SIGTERM or SIGINT end it (exit 1)\n"
"  -t, --timeout TOTAL   with wait: how long to wait in all (default 5m)\n"
"  -i, --interval DUR    with wait: pause between runs (default 1s; grows\n"
"                        by a quarter, up to 5s, while the reason stays)\n"
"  serve                 answer HTTP probes: GET /livez, /readyz, /startupz\n"
"                        (200 or 503, ?format=json) and /metrics; reloads\n"
"                        the config on SIGHUP and when the file changes\n"
"  -l, --listen ADDR     serve on ADDR:PORT, [IPV6]:PORT or :PORT\n"
"                        (default: [serve] listen, else :8099)\n"
"  install DIR           copy this executable to DIR/probe (atomically)\n"
"  -h, --help            show this help\n"
"  -V, --version         show the version\n"
"\n"
"Exit status:\n"
"  0  healthy: every selected check passed\n"
"  1  unhealthy: a selected check failed or ran out of time\n"
"  3  could not run: usage, config or internal error\n"
"\n"
"Examples:\n"
"  probe http://127.0.0.1:8080/healthz\n"
"  probe --mount /data --writable /data\n"
"  probe wait -t 2m --tcp app-python-0.app-python-headless:8080\n"
"  probe -c /etc/probe/probe.ini readiness\n"
"\n"
"Check types: http, tcp, mount, writable, grpc. See probe(1).\n", out);
}

static const char *
long_name(const struct option *opts, int val)
{
	for (; opts->name != NULL; opts++)
		if (opts->val == val)
			return opts->name;
	return "?";
}

enum {
	OPT_CHECK_CONFIG = 256, OPT_HTTP, OPT_TCP, OPT_MOUNT, OPT_WRITABLE,
	OPT_GRPC, OPT_EXPECT_STATUS, OPT_HEADER, OPT_NO_SANDBOX
};

/* --TYPE VALUE: a check from the command line. */
static int
add_check(struct options *o, const char *type, const char *value)
{
	struct config_args *a = &o->args;

	if (a->nchecks == PROBE_MAX_CHECKS)
		return errorf("--%s: too many checks (at most %d)", type,
		    PROBE_MAX_CHECKS);
	a->checks[a->nchecks].type = type;
	a->checks[a->nchecks++].value = value;
	return 0;
}

/* --OPTION VALUE: sets key in every command-line check of type. */
static int
add_opt(struct options *o, const char *type, const char *option,
    const char *key, int repeatable, const char *value)
{
	struct config_args *a = &o->args;
	size_t i;

	for (i = 0; i < a->nopts && !repeatable; i++)
		if (strcmp(a->opts[i].option, option) == 0)
			return errorf("--%s is given twice", option);
	if (a->nopts == CONFIG_ARGS_MAX)
		return errorf("--%s: too many options (at most %d)", option,
		    CONFIG_ARGS_MAX);
	a->opts[a->nopts].type = type;
	a->opts[a->nopts].option = option;
	a->opts[a->nopts].key = key;
	a->opts[a->nopts++].value = value;
	return 0;
}

static int
set_format(struct options *o, const char *name)
{
	if (strcmp(name, "text") == 0)
		o->report.format = REPORT_TEXT;
	else if (strcmp(name, "json") == 0)
		o->report.format = REPORT_JSON;
	else
		return errorf("-o: unknown format '%s' (use text or json)", name);
	return 0;
}

/* The option ch with its value; returns 0 or PROBE_ERROR. */
static int
take_option(struct options *o, int ch, const char *arg)
{
	char err[200];

	switch (ch) {
	case 'c':
		o->config = arg;
		return 0;
	case 't':
		if (parse_duration(arg, &o->timeout_ms, err, sizeof(err)) != 0)
			return errorf("-t: %s", err);
		return 0;
	case 'i':
		if (parse_duration(arg, &o->interval_ms, err, sizeof(err)) != 0)
			return errorf("-i: %s", err);
		return 0;
	case 'o':
		return set_format(o, arg);
	case 'q':
		o->quiet = 1;
		return 0;
	case 'v':
		o->report.verbose = 1;
		return 0;
	case 'l':
		o->listen = arg;
		return 0;
	case OPT_CHECK_CONFIG:
		o->check_config = 1;
		o->args.check_files = 1;
		return 0;
	case OPT_NO_SANDBOX:
		o->args.no_sandbox = 1;
		return 0;
	case OPT_HTTP:
		return add_check(o, "http", arg);
	case OPT_TCP:
		return add_check(o, "tcp", arg);
	case OPT_MOUNT:
		return add_check(o, "mount", arg);
	case OPT_WRITABLE:
		return add_check(o, "writable", arg);
	case OPT_GRPC:
		return add_check(o, "grpc", arg);
	case OPT_EXPECT_STATUS:
		return add_opt(o, "http", "expect-status", "expect_status", 0, arg);
	case OPT_HEADER:
		return add_opt(o, "http", "header", "header", 1, arg);
	}
	return errorf("internal error: option %d", ch);
}

/* What follows the options: serve or wait, then a KIND and bare URLs. */
static int
take_operands(struct options *o, int argc, char **argv, int i)
{
	int kind_seen = 0;

	if (i < argc && strcmp(argv[i], "serve") == 0) {
		o->command = CMD_SERVE;
		i++;
	} else if (i < argc && strcmp(argv[i], "wait") == 0) {
		o->command = CMD_WAIT;
		i++;
	}
	for (; i < argc; i++) {
		if (strstr(argv[i], "://") != NULL) {
			if (add_check(o, "http", argv[i]) != 0)
				return PROBE_ERROR;
		} else if (o->command != CMD_SERVE && !kind_seen &&
		    (o->report.kind = kind_from_name(argv[i])) != 0)
			kind_seen = 1;
		else if (strpbrk(argv[i], ":/") != NULL)
			return errorf("unexpected argument '%s' (a URL starts with "
			    "http:// or https://; see probe --help)", argv[i]);
		else if (o->command != CMD_SERVE && !kind_seen)
			return errorf("unknown kind '%s' (use liveness, readiness, "
			    "startup or all)", argv[i]);
		else
			return errorf("unexpected argument '%s' (see probe --help)",
			    argv[i]);
	}
	if (!kind_seen)
		o->report.kind = KIND_ALL;
	if (o->listen != NULL && o->command != CMD_SERVE)
		return errorf("-l goes with serve (see probe --help)");
	if (o->interval_ms >= 0 && o->command != CMD_WAIT)
		return errorf("-i goes with wait (see probe --help)");
	return 0;
}

static int
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
		{ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX },
		{ "listen", required_argument, NULL, 'l' },
		{ "http", required_argument, NULL, OPT_HTTP },
		{ "tcp", required_argument, NULL, OPT_TCP },
		{ "mount", required_argument, NULL, OPT_MOUNT },
		{ "writable", required_argument, NULL, OPT_WRITABLE },
		{ "grpc", required_argument, NULL, OPT_GRPC },
		{ "expect-status", required_argument, NULL, OPT_EXPECT_STATUS },
		{ "header", required_argument, NULL, OPT_HEADER },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:t:i:o:l:qvhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			exit(PROBE_HEALTHY);
		case 'V':
			printf("probe " PROBE_VERSION "\n");
			exit(PROBE_HEALTHY);
		case ':':
			if (optopt >= OPT_CHECK_CONFIG)
				return errorf("option '--%s' needs a value (see probe "
				    "--help)", long_name(longopts, optopt));
			return errorf("option '-%c' (--%s) needs a value (see probe --help)",
			    optopt, long_name(longopts, optopt));
		case '?':
			if (optopt != 0)
				return errorf("unknown option '-%c' (see probe --help)", optopt);
			return errorf("unknown option '%s' (see probe --help)",
			    argv[optind - 1]);
		default:
			if (take_option(o, ch, optarg) != 0)
				return PROBE_ERROR;
		}
	}
	return take_operands(o, argc, argv, optind);
}

static void
log_line(const char *msg)
{
	fprintf(stderr, "probe: %s\n", msg);
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
	fprintf(stderr, "probe: serving /livez, /readyz, /startupz and /metrics on %s "
	    "(cache %ldms, deadline %ldms)\n", serve_address(s), cfg->serve.cache_ms,
	    cfg->timeout_ms);
	ret = serve_wait(s);
	serve_free(s);
	fprintf(stderr, "probe: stopped serving\n");
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

/* One run of the selected checks, then the report. */
static int
run_once(struct config *cfg, struct options *o, double t0)
{
	char err[512];
	long age, deadline;
	int ret;

	fflush(NULL);	/* nothing buffered may be copied into the children */
	/* The caller's clock started at exec: on a loaded node, loading and
	 * start-up may already have taken a part of the deadline. The age
	 * comes in 10 ms steps; under 50 ms it counts as none, so that a
	 * normal start keeps the whole deadline; the checks keep at least
	 * half of it. */
	deadline = cfg->timeout_ms;
	if ((age = process_age_ms() - 10) >= 50)
		deadline -= age < deadline / 2 ? age : deadline / 2;
	ret = run_checks(cfg->checks, cfg->nchecks, deadline, -1, err, sizeof(err));
	if (ret == PROBE_ERROR)
		return errorf("%s", err);
	o->report.duration_ms = now_ms() - t0;
	/* A full pipe on stdout must not hold the verdict past the deadline,
	 * counted from the exec as the caller counts; the report always gets
	 * REPORT_SLACK_MS, however long the start took. */
	age = process_age_ms();
	if (age < (long)(now_ms() - t0))
		age = (long)(now_ms() - t0);
	age = cfg->timeout_ms + REPORT_SLACK_MS - age;
	process_exit_by(age > REPORT_SLACK_MS ? age : REPORT_SLACK_MS, ret);
	if (!(o->quiet && ret == PROBE_HEALTHY))
		report_write(stdout, &o->report, cfg);
	return ret;
}

/* The config from the file's text and the command line: the
 * config_source's load, for the first load and each reload. */
static int
load_config(struct config *cfg, const char *text, size_t len, void *arg,
    char *err, size_t errlen)
{
	const struct options *o = arg;
	char msg[400];

	if (config_load_text(cfg, o->config, text, len, &o->args, err, errlen) != 0)
		return -1;
	if (o->timeout_ms > 0 && o->command != CMD_WAIT)
		cfg->timeout_ms = o->timeout_ms;
	if (o->listen != NULL &&
	    config_set_listen(&cfg->serve, o->listen, msg, sizeof(msg)) != 0) {
		snprintf(err, errlen, "-l: %s", msg);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct config cfg;
	struct config_source src = { NULL, load_config, &o };
	char err[512], *text = NULL;
	double t0 = now_ms();
	size_t len = 0;
	int ret;

	process_init();
	if (argc > 1 && strcmp(argv[1], "install") == 0) {
		if (argc != 3)
			return errorf("usage: probe install DIR");
		ret = install_self(argv[2], argv[0], err, sizeof(err));
		if (ret != 0)
			return errorf("%s", err);
		printf("%s\n", err);
		return PROBE_HEALTHY;
	}
	memset(&o, 0, sizeof(o));
	memset(&cfg, 0, sizeof(cfg));
	o.timeout_ms = -1;
	o.interval_ms = -1;
	if (parse_args(argc, argv, &o) != 0)
		return PROBE_ERROR;
	if (o.config == NULL && o.args.nchecks == 0) {
		o.config = getenv("PROBE_CONFIG");
		if (o.config == NULL || *o.config == '\0')
			o.config = CONFIG_DEFAULT_PATH;
	}
	src.path = o.config;
	if (config_source_load(&src, &o.args, &cfg, &text, &len, err,
	    sizeof(err)) != 0) {
		ret = errorf("%s", err);
		goto out;
	}
	if (o.check_config) {
		report_config(stdout, &cfg);
		ret = PROBE_HEALTHY;
	} else if (o.command == CMD_SERVE)
		ret = serve(&cfg, &src, text, len);
	else if (config_select(&cfg, o.report.kind) == 0)
		ret = errorf("%s: no check selected for %s", cfg.path,
		    kind_name(o.report.kind));
	else if (o.command == CMD_WAIT)
		ret = wait_for(&cfg, &o);
	else
		ret = run_once(&cfg, &o, t0);
out:
	config_free(&cfg);
	free(text);
	return ret;
}
