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
#include "report.h"
#include "run.h"
#include "serve.h"

struct options {
	const char *config;
	const char *listen;	/* serve -l */
	int serve;
	long timeout_ms;	/* -1: the config's */
	struct report report;
	int quiet;
	int check_config;
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
"usage: probe [-c FILE] [-t DURATION] [-o text|json] [-q] [-v] [KIND]\n"
"       probe -c FILE --check-config\n"
"       probe serve [-c FILE] [-l ADDR:PORT]\n"
"       probe install DIR\n"
"       probe --help | --version\n"
"\n"
"Run the health checks of an INI config and exit with the verdict.\n"
"\n"
"  KIND                  liveness, readiness, startup or all (default all):\n"
"                        run the checks the config assigns to that kind\n"
"  -c, --config FILE     config file (default $PROBE_CONFIG, else\n"
"                        " CONFIG_DEFAULT_PATH ")\n"
"  -t, --timeout DUR     deadline of the whole run, such as 800ms or 2s\n"
"                        (default: [probe] timeout, else 1s)\n"
"  -o, --output FORMAT   text (default) or json\n"
"  -q, --quiet           print nothing when healthy\n"
"  -v, --verbose         add each check's detail\n"
"      --check-config    validate the config, list the checks per kind\n"
"  serve                 answer HTTP probes: GET /livez, /readyz, /startupz\n"
"                        (200 or 503, ?format=json) and /metrics\n"
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
"Check types: http, tcp, mount, writable. See probe(1).\n", out);
}

static const char *
long_name(const struct option *opts, int val)
{
	for (; opts->name != NULL; opts++)
		if (opts->val == val)
			return opts->name;
	return "?";
}

static int
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "listen", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char err[200];
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:t:o:l:qvhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			break;
		case 't':
			if (parse_duration(optarg, &o->timeout_ms, err, sizeof(err)) != 0)
				return errorf("-t: %s", err);
			break;
		case 'o':
			if (strcmp(optarg, "text") == 0)
				o->report.format = REPORT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o->report.format = REPORT_JSON;
			else
				return errorf("-o: unknown format '%s' (use text or json)",
				    optarg);
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'v':
			o->report.verbose = 1;
			break;
		case 'C':
			o->check_config = 1;
			break;
		case 'l':
			o->listen = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(PROBE_HEALTHY);
		case 'V':
			printf("probe " PROBE_VERSION "\n");
			exit(PROBE_HEALTHY);
		case ':':
			return errorf("option '-%c' (--%s) needs a value (see probe --help)",
			    optopt, long_name(longopts, optopt));
		default:
			if (optopt != 0)
				return errorf("unknown option '-%c' (see probe --help)", optopt);
			return errorf("unknown option '%s' (see probe --help)",
			    argv[optind - 1]);
		}
	}
	if (optind < argc && strcmp(argv[optind], "serve") == 0) {
		o->serve = 1;
		optind++;
	} else if (optind < argc) {
		if ((o->report.kind = kind_from_name(argv[optind])) == 0)
			return errorf("unknown kind '%s' (use liveness, readiness, "
			    "startup or all)", argv[optind]);
		optind++;
	}
	if (optind < argc)
		return errorf("unexpected argument '%s' (see probe --help)", argv[optind]);
	if (o->listen != NULL && !o->serve)
		return errorf("-l goes with serve (see probe --help)");
	return 0;
}

static int
serve(struct config *cfg)
{
	struct server *s;
	char err[512];
	int ret;

	if ((s = serve_start(cfg, err, sizeof(err))) == NULL)
		return errorf("%s", err);
	fprintf(stderr, "probe: serving /livez, /readyz, /startupz and /metrics on %s "
	    "(cache %ldms, deadline %ldms)\n", serve_address(s), cfg->serve.cache_ms,
	    cfg->timeout_ms);
	ret = serve_wait(s);
	serve_free(s);
	fprintf(stderr, "probe: stopped serving\n");
	return ret;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct config cfg;
	char err[512];
	double t0 = now_ms();
	long age, deadline;
	int ret;

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
	o.timeout_ms = -1;
	o.report.kind = KIND_ALL;
	if (parse_args(argc, argv, &o) != 0)
		return PROBE_ERROR;
	if (o.config == NULL)
		o.config = getenv("PROBE_CONFIG");
	if (o.config == NULL || *o.config == '\0')
		o.config = CONFIG_DEFAULT_PATH;

	if (config_load(&cfg, o.config, err, sizeof(err)) != 0) {
		ret = errorf("%s", err);
		goto out;
	}
	if (o.timeout_ms > 0)
		cfg.timeout_ms = o.timeout_ms;
	if (o.listen != NULL &&
	    config_set_listen(&cfg.serve, o.listen, err, sizeof(err)) != 0) {
		ret = errorf("-l: %s", err);
		goto out;
	}
	if (o.check_config) {
		report_config(stdout, &cfg);
		ret = PROBE_HEALTHY;
		goto out;
	}
	if (o.serve) {
		ret = serve(&cfg);
		goto out;
	}
	if (config_select(&cfg, o.report.kind) == 0) {
		ret = errorf("%s: no check selected for %s", cfg.path,
		    kind_name(o.report.kind));
		goto out;
	}
	fflush(NULL);	/* nothing buffered may be copied into the children */
	/* The caller's clock started at exec: on a loaded node, loading and
	 * start-up may already have taken a part of the deadline. The age
	 * comes in 10 ms steps; under 50 ms it counts as none, so that a
	 * normal start keeps the whole deadline; the checks keep at least
	 * half of it. */
	deadline = cfg.timeout_ms;
	if ((age = process_age_ms() - 10) >= 50)
		deadline -= age < deadline / 2 ? age : deadline / 2;
	ret = run_checks(cfg.checks, cfg.nchecks, deadline, err, sizeof(err));
	if (ret == PROBE_ERROR) {
		errorf("%s", err);
		goto out;
	}
	o.report.duration_ms = now_ms() - t0;
	if (!(o.quiet && ret == PROBE_HEALTHY))
		report_write(stdout, &o.report, &cfg);
out:
	config_free(&cfg);
	return ret;
}
