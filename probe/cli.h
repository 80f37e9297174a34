/* cli.h: the command line, commands and options wherever they stand, into
 * struct options. */
#ifndef CLI_H
#define CLI_H

#include <stdio.h>

#include "config.h"
#include "report.h"

enum command { CMD_RUN, CMD_SERVE, CMD_WAIT, CMD_INSTALL, CMD_HELP,
    CMD_VERSION };

struct options {
	enum command command;
	const char *config;
	const char *listen;	/* serve -l */
	const char *install_dir;	/* install DIR */
	const struct check_type *help_type;	/* help TYPE, or NULL */
	long timeout_ms;	/* -t; -1: the config's (wait: the default total) */
	const char *timeout_arg;	/* -t as given, for messages */
	long interval_ms;	/* wait -i; -1: the default */
	struct report report;
	int quiet;
	int check_config;	/* --check-config: validate, list, run nothing */
	int strict;		/* --strict: with --check-config, warnings fail */
	struct config_args args;	/* --http URL, ... */
};

/* Parse argv into o. Returns 0, or -1 with err holding what is wrong
 * ("unknown option '--bogus' (see probe --help)"). Strings are borrowed. */
int cli_parse(int argc, char **argv, struct options *o, char *err,
    size_t errlen);

/* probe --help: the synopsis, options, the check types from their table,
 * exit codes and examples. */
void cli_usage(FILE *out);

#endif
