/*
 * cli.c: the command line. One parser for the commands (serve, wait,
 * install) and the options, wherever they stand; the options for checks
 * (--http URL, --expect-status LIST) come from the table of check types.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "checks.h"
#include "cli.h"
#include "parse.h"
#include "util.h"
#include "wait.h"

enum {
	OPT_CHECK_CONFIG = 256, OPT_NO_SANDBOX, OPT_STRICT, OPT_TERMINATION_LOG,
	OPT_SHARED = 384,	/* + the index in check_shared_options */
	OPT_TYPE = 512,		/* + the type's index: --http */
	OPT_TYPE_OPTION = 1024	/* + 16 * the type's index + the option's */
};
#define TYPE_OPTIONS_MAX 16
#define LONGOPTS_MAX 80

static const struct option fixed_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 't' },
	{ "interval", required_argument, NULL, 'i' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "termination-log", optional_argument, NULL, OPT_TERMINATION_LOG },
	{ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX },
	{ "listen", required_argument, NULL, 'l' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
};

static int failf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fill err; returns -1. */
static int
failf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The fixed options, then --TYPE and the options of each type. */
static void
long_options(struct option *opts)
{
	const struct check_option *co;
	size_t i, j, n = 0;

	for (i = 0; i < sizeof(fixed_options) / sizeof(fixed_options[0]); i++)
		opts[n++] = fixed_options[i];
	for (i = 0; check_types[i] != NULL; i++) {
		opts[n++] = (struct option){ check_types[i]->name, required_argument,
		    NULL, OPT_TYPE + (int)i };
		co = check_types[i]->options;
		for (j = 0; co != NULL && co[j].option != NULL && n + 2 < LONGOPTS_MAX; j++)
			opts[n++] = (struct option){ co[j].option, required_argument,
			    NULL, OPT_TYPE_OPTION + (int)(i * TYPE_OPTIONS_MAX + j) };
	}
	for (i = 0; check_shared_options[i].option != NULL && n + 2 < LONGOPTS_MAX; i++)
		opts[n++] = (struct option){ check_shared_options[i].option,
		    required_argument, NULL, OPT_SHARED + (int)i };
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
}

static const char *
long_name(const struct option *opts, int val)
{
	for (; opts->name != NULL; opts++)
		if (opts->val == val)
			return opts->name;
	return "?";
}

/* --TYPE VALUE: a check from the command line. */
static int
add_check(struct options *o, const char *type, const char *value, char *err,
    size_t errlen)
{
	struct config_args *a = &o->args;

	if (a->nchecks == PROBE_MAX_CHECKS)
		return failf(err, errlen, "--%s: too many checks (at most %d)", type,
		    PROBE_MAX_CHECKS);
	a->checks[a->nchecks].type = type;
	a->checks[a->nchecks++].value = value;
	return 0;
}

/* --OPTION VALUE: sets its key in every command-line check of its type
 * (ct), or with ct NULL of each type that takes the key. */
static int
add_opt(struct options *o, const struct check_type *ct,
    const struct check_option *co, const char *value, char *err, size_t errlen)
{
	struct config_args *a = &o->args;
	size_t i;

	for (i = 0; i < a->nopts && !co->repeatable; i++)
		if (strcmp(a->opts[i].option, co->option) == 0)
			return failf(err, errlen, "--%s is given twice", co->option);
	if (a->nopts == CONFIG_ARGS_MAX)
		return failf(err, errlen, "--%s: too many options (at most %d)",
		    co->option, CONFIG_ARGS_MAX);
	a->opts[a->nopts].type = ct != NULL ? ct->name : NULL;
	a->opts[a->nopts].option = co->option;
	a->opts[a->nopts].key = co->key;
	a->opts[a->nopts++].value = value;
	return 0;
}

/* An option of a check type (--http, --expect-status); ch is its value. */
static int
take_type_option(struct options *o, int ch, const char *arg, char *err,
    size_t errlen)
{
	const struct check_type *ct;
	int i;

	if (ch < OPT_TYPE)
		return add_opt(o, NULL, &check_shared_options[ch - OPT_SHARED], arg,
		    err, errlen);
	if (ch >= OPT_TYPE_OPTION) {
		i = (ch - OPT_TYPE_OPTION) / TYPE_OPTIONS_MAX;
		ct = check_types[i];
		return add_opt(o, ct, &ct->options[(ch - OPT_TYPE_OPTION) %
		    TYPE_OPTIONS_MAX], arg, err, errlen);
	}
	return add_check(o, check_types[ch - OPT_TYPE]->name, arg, err, errlen);
}

/* The option ch with its value; returns 0 or -1 with err filled. */
static int
take_option(struct options *o, int ch, const char *arg, char *err,
    size_t errlen)
{
	char msg[200];

	switch (ch) {
	case 'c': o->config = arg; return 0;
	case 'q': o->quiet = 1; return 0;
	case 'v': o->report.verbose = 1; return 0;
	case 'l': o->listen = arg; return 0;
	case OPT_NO_SANDBOX: o->args.no_sandbox = 1; return 0;
	case OPT_CHECK_CONFIG:
		o->check_config = 1;
		o->args.check_files = 1;
		return 0;
	case OPT_STRICT: o->strict = 1; return 0;
	case OPT_TERMINATION_LOG:
		if (arg != NULL && arg[0] != '/')
			return failf(err, errlen, "--termination-log: '%s' is not an absolute "
			    "path", arg);
		o->args.termination_log = arg != NULL ? arg : TERMINATION_LOG_DEFAULT;
		return 0;
	case 't':	/* parsed once the command is known: wait's may be longer */
		o->timeout_arg = arg;
		return 0;
	case 'i':
		if (parse_duration(arg, &o->interval_ms, msg, sizeof(msg)) != 0)
			return failf(err, errlen, "-i: %s", msg);
		return 0;
	case 'o':
		if (strcmp(arg, "text") == 0)
			o->report.format = REPORT_TEXT;
		else if (strcmp(arg, "json") == 0)
			o->report.format = REPORT_JSON;
		else
			return failf(err, errlen, "-o: unknown format '%s' (use text or json)",
			    arg);
		return 0;
	}
	if (ch >= OPT_SHARED)
		return take_type_option(o, ch, arg, err, errlen);
	return failf(err, errlen, "internal error: option %d", ch);
}

/* A command word at argv[i], if any: moves past it. */
static int
take_command(struct options *o, int argc, char **argv, int *i)
{
	static const struct {
		const char *word;
		enum command cmd;
	} words[] = {
		{ "serve", CMD_SERVE }, { "wait", CMD_WAIT }, { "install", CMD_INSTALL },
		{ "help", CMD_HELP },
	};
	size_t k;

	for (k = 0; *i < argc && k < sizeof(words) / sizeof(words[0]); k++)
		if (strcmp(argv[*i], words[k].word) == 0) {
			o->command = words[k].cmd;
			(*i)++;
			return 1;
		}
	return 0;
}

/* install DIR takes nothing else: it copies this executable, no checks. */
static int
take_install(struct options *o, int argc, char **argv, int i, int options,
    char *err, size_t errlen)
{
	if (options)
		return failf(err, errlen, "install takes no options "
		    "(usage: probe install DIR)");
	if (argc - i != 1)
		return failf(err, errlen, "usage: probe install DIR");
	o->install_dir = argv[i];
	return 0;
}

/* help [TYPE]: the usage, or a check type's keys. */
static int
take_help(struct options *o, int argc, char **argv, int i, char *err,
    size_t errlen)
{
	char types[128];

	if (argc - i > 1)
		return failf(err, errlen, "usage: probe help [TYPE]");
	if (argc - i == 1 && (o->help_type = check_type_find(argv[i])) == NULL)
		return failf(err, errlen, "no help on '%s' (probe help TYPE: %s)",
		    argv[i], check_types_list(types, sizeof(types)));
	return 0;
}

/* One operand: a bare URL or the KIND. */
static int
take_operand(struct options *o, const char *arg, int *kind_seen, char *err,
    size_t errlen)
{
	char near[32];

	if (strstr(arg, "://") != NULL)
		return add_check(o, "http", arg, err, errlen);
	if (o->command != CMD_SERVE && !*kind_seen &&
	    (o->report.kind = kind_from_name(arg)) != 0) {
		*kind_seen = 1;
		return 0;
	}
	if (strpbrk(arg, ":/") != NULL)
		return failf(err, errlen, "unexpected argument '%s' (a URL starts "
		    "with http:// or https://; see probe --help)", arg);
	if (o->command != CMD_SERVE && !*kind_seen &&
	    closest_word(arg, KIND_NAMES, near, sizeof(near)) != NULL)
		return failf(err, errlen, "unknown kind '%s' (did you mean %s?)", arg, near);
	if (o->command != CMD_SERVE && !*kind_seen)
		return failf(err, errlen, "unknown kind '%s' (use liveness, "
		    "readiness, startup or all)", arg);
	return failf(err, errlen, "unexpected argument '%s' (see probe --help)",
	    arg);
}

/* What follows the options: a command, then a KIND and bare URLs. */
static int
take_operands(struct options *o, int argc, char **argv, int i, int options,
    char *err, size_t errlen)
{
	char msg[200];
	long long ms;
	int kind_seen = 0;

	if (take_command(o, argc, argv, &i) && o->command == CMD_INSTALL)
		return take_install(o, argc, argv, i, options, err, errlen);
	if (o->command == CMD_HELP)
		return take_help(o, argc, argv, i, err, errlen);
	for (; i < argc; i++)
		if (take_operand(o, argv[i], &kind_seen, err, errlen) != 0)
			return -1;
	if (!kind_seen)
		o->report.kind = KIND_ALL;
	if (o->listen != NULL && o->command != CMD_SERVE)
		return failf(err, errlen, "-l goes with serve (see probe --help)");
	if (o->strict && !o->check_config)
		return failf(err, errlen, "--strict goes with --check-config (see probe "
		    "--help)");
	if (o->interval_ms >= 0 && o->command != CMD_WAIT)
		return failf(err, errlen, "-i goes with wait (see probe --help)");
	if (o->timeout_arg != NULL) {
		if (parse_time(o->timeout_arg, 1, o->command == CMD_WAIT ?
		    WAIT_MAX_TOTAL_MS : DURATION_MAX_MS, 0, &ms, msg, sizeof(msg)) != 0)
			return failf(err, errlen, "-t: %s", msg);
		o->timeout_ms = (long)ms;
		if (o->command != CMD_WAIT)	/* wait's -t is its total */
			o->args.timeout_ms = o->timeout_ms;
	}
	o->args.listen = o->listen;
	return 0;
}

/* getopt's complaint about argv, in our words. */
static int
bad_option(const struct option *opts, int ch, char **argv, char *err,
    size_t errlen)
{
	if (ch == ':' && optopt >= OPT_CHECK_CONFIG)
		return failf(err, errlen, "option '--%s' needs a value (see probe "
		    "--help)", long_name(opts, optopt));
	if (ch == ':')
		return failf(err, errlen, "option '-%c' (--%s) needs a value (see "
		    "probe --help)", optopt, long_name(opts, optopt));
	if (optopt != 0)
		return failf(err, errlen, "unknown option '-%c' (see probe --help)",
		    optopt);
	return failf(err, errlen, "unknown option '%s' (see probe --help)",
	    argv[optind - 1]);
}

int
cli_parse(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
	struct option opts[LONGOPTS_MAX];
	int ch, options = 0;

	memset(o, 0, sizeof(*o));
	o->timeout_ms = -1;
	o->interval_ms = -1;
	long_options(opts);
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":c:t:i:o:l:qvhV", opts, NULL)) != -1) {
		options++;
		if (ch == 'h' || ch == 'V') {
			o->command = ch == 'h' ? CMD_HELP : CMD_VERSION;
			return 0;
		}
		if (ch == ':' || ch == '?')
			return bad_option(opts, ch, argv, err, errlen);
		if (take_option(o, ch, optarg, err, errlen) != 0)
			return -1;
	}
	return take_operands(o, argc, argv, optind, options, err, errlen);
}

/* "      --http URL        GET URL, ...": an option and its help. */
static void
usage_line(FILE *out, const char *option, const char *arg, const char *help)
{
	char left[64];

	snprintf(left, sizeof(left), "--%s %s", option, arg);
	if (strlen(left) >= 18 && 8 + strlen(left) + strlen(help) > 80)
		fprintf(out, "      %s\n%24s%s\n", left, "", help);	/* too long */
	else
		fprintf(out, "      %-18s%s%s\n", left, strlen(left) >= 18 ? "  " : "", help);
}

/* The checks and their options, from the table of check types. */
static void
usage_checks(FILE *out)
{
	const struct check_option *co;
	size_t i;

	fputs("Checks on the command line (each repeatable, run for every kind):\n",
	    out);
	for (i = 0; check_types[i] != NULL; i++)
		usage_line(out, check_types[i]->name, check_types[i]->target_arg,
		    check_types[i]->summary);
	for (i = 0; check_types[i] != NULL; i++)
		for (co = check_types[i]->options; co != NULL && co->option != NULL; co++)
			usage_line(out, co->option, co->arg, co->help);
	for (co = check_shared_options; co->option != NULL; co++)
		usage_line(out, co->option, co->arg, co->help);
}

static void
usage_types(FILE *out)
{
	size_t i;

	fputs("Check types:", out);
	for (i = 0; check_types[i] != NULL; i++)
		fprintf(out, "%s %s", i == 0 ? "" : ",", check_types[i]->name);
	fputs(".\nTheir keys: probe help TYPE. See probe(1) and probe.ini(5).\n", out);
}

void
cli_usage(FILE *out)
{
	fputs(
"usage: probe [-c FILE] [CHECK...] [-t DURATION] [-o text|json] [-q] [-v] [KIND]\n"
"       probe URL\n"
"       probe wait [-c FILE] [CHECK...] [-t TOTAL] [-i INTERVAL] [-o text|json]\n"
"                  [-q] [KIND]\n"
"       probe serve [-c FILE] [CHECK...] [-l ADDR:PORT]\n"
"       probe [-c FILE] [CHECK...] --check-config [--strict] [-o text|json]\n"
"       probe install DIR\n"
"       probe help [TYPE] | --help | --version\n"
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
"      --check-config    validate the config, list the checks per kind; every\n"
"                        error and warning (-o json: for CI)\n"
"      --strict          with --check-config: warnings fail too (exit 1)\n"
"      --termination-log[=PATH]  a failed liveness run writes why to PATH\n"
"                        (default /dev/termination-log: kubectl describe pod\n"
"                        shows it after the restart); a healthy one empties it\n"
"      --no-sandbox      run each check without its sandbox (seccomp,\n"
"                        Landlock, limits), as [probe] sandbox = no\n"
"\n", out);
	usage_checks(out);
	fputs(
"\n"
"  wait                  run the checks until they pass (exit 0) or TOTAL is\n"
"                        up (exit 1); SIGTERM or SIGINT end it (exit 1)\n"
"  -t, --timeout TOTAL   with wait: how long to wait in all (default 5m)\n"
"  -i, --interval DUR    with wait: pause between runs (default 1s; grows\n"
"                        by a quarter, up to 5s, while the reason stays)\n"
"  serve                 answer HTTP probes: GET /livez, /readyz, /startupz\n"
"                        (200 or 503, ?format=json); /metrics, /history and\n"
"                        / (a status page); logs each change of a check;\n"
"                        reloads the config on SIGHUP and when it changes\n"
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
"", out);
	usage_types(out);
}
