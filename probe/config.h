/* config.h: the INI file into a struct config. */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>

#include "probe.h"

#define CONFIG_DEFAULT_PATH "/etc/probe/probe.ini"
#define TERMINATION_LOG_DEFAULT "/dev/termination-log"	/* the kubelet's */
#define CONFIG_DEFAULT_TIMEOUT_MS 1000L
#define CONFIG_MAX_LINE 199	/* inih's line buffer, less the NUL */
#define SERVE_DEFAULT_PORT 8099
#define SERVE_DEFAULT_CACHE_MS 1000L

struct serve_config {
	int seen;		/* the file has a [serve] section */
	char host[256];		/* "": every address */
	unsigned port;
	long cache_ms;		/* 0: no cache, every request runs the checks */
	int terse;		/* bodies and labels name checks, not what they
				 * found (no paths, hosts, certificate names) */
	int log_json;		/* log_format = json: a JSON object a line */
};

/* What a load found wrong (errors: the config is refused) or doubtful
 * (warnings: --check-config --strict refuses it), in file order; the
 * first CONFIG_NOTES_MAX are kept, the rest counted. */
#define CONFIG_NOTES_MAX 20

struct config_note {
	int warning;		/* else an error */
	int line;		/* 0: not on a line (the command line, the file) */
	char key[32];		/* the key it is about, or "" */
	char msg[300];
};

struct config_notes {
	struct config_note note[CONFIG_NOTES_MAX];
	size_t n, errors, warnings, left_off;
};

struct config {
	char *path;			/* the file, or "command line" */
	int from_file;
	int check_files;		/* as in struct config_args */
	long timeout_ms;		/* [probe] timeout: the whole run's deadline */
	int sandbox;			/* [probe] sandbox: each check in one */
	char *termination_log;		/* [probe] termination_log: where a failed
					 * liveness run says why, or NULL */
	struct check *checks[PROBE_MAX_CHECKS];
	size_t nchecks;
	struct serve_config serve;
	struct config_notes *notes;	/* NULL until one is added */
};

/* Add an error or a warning about line and key (0, NULL: none) of cfg;
 * returns -1 when out of memory. */
int config_note(struct config *cfg, int warning, int line, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* [serve] listen: "HOST:PORT", "[IPV6]:PORT" or ":PORT"; returns 0 or -1. */
int config_set_listen(struct serve_config *s, const char *value, char *err,
    size_t errlen);

/* The listen address for people: "127.0.0.1:8099", "[::1]:8099", "*:8099";
 * returns buf. */
const char *config_listen_text(const struct serve_config *s, char *buf,
    size_t len);

/* Free what a load put into cfg; cfg may be zeroed. */
void config_free(struct config *cfg);

/* Checks from the command line: --TYPE VALUE adds a check of TYPE whose
 * target_key is VALUE; an option (--expect-status LIST) sets key to value
 * in every such check of its type. Strings are borrowed, not copied. */
#define CONFIG_ARGS_MAX 64

struct config_arg {
	const char *type;	/* "http" */
	const char *value;	/* "http://127.0.0.1:8080/" */
};

struct config_opt {
	const char *type;	/* the check type it applies to: "http"; NULL:
				 * every type that takes key (--ca-file) */
	const char *option;	/* for messages: "expect-status" */
	const char *key;	/* "expect_status" */
	const char *value;
};

struct config_args {
	struct config_arg checks[PROBE_MAX_CHECKS];
	size_t nchecks;
	struct config_opt opts[CONFIG_ARGS_MAX];
	size_t nopts;
	int check_files;	/* --check-config: files named by keys must be
				 * readable now (else only at run time) */
	int no_sandbox;		/* --no-sandbox: as [probe] sandbox = no */
	long timeout_ms;	/* -t: the run's deadline over [probe] timeout;
				 * 0: none */
	const char *listen;	/* serve -l over [serve] listen, or NULL */
	const char *termination_log;	/* --termination-log[=PATH], or NULL */
};

#define CONFIG_MAX_SIZE (1024L * 1024)	/* the largest config file read */

/*
 * Read the file at path whole (at most CONFIG_MAX_SIZE) into *text, which
 * the caller frees. Returns 0, or -1 with err holding "PATH: what is wrong".
 */
int config_read(const char *path, char **text, size_t *len, char *err,
    size_t errlen);

/*
 * Parse and validate len bytes of INI text read from path (path NULL: no
 * file, text unused), then add the checks of args (may be NULL) after the
 * file's, each with the options of args for its type. Returns 0, or -1
 * with err holding "PATH:LINE: what is wrong", "PATH: what is wrong" or,
 * for the command line, "--http: invalid URL 'x'". Call config_free() in
 * either case. Whether each option of args has a check of its type to
 * apply to is config_source_load()'s to say, once.
 */
int config_load_text(struct config *cfg, const char *path, const char *text,
    size_t len, const struct config_args *args, char *err, size_t errlen);

/*
 * Where the config of a command comes from, so that it can be loaded again
 * the same way: path (NULL: the command line only) and the command line's
 * args (may be NULL).
 */
struct config_source {
	const char *path;
	const struct config_args *args;
};

/*
 * The first load from src: the options of its args checked against its
 * checks (a wrong command line is named before a missing file), src->path
 * read unless NULL into *text and *len (the caller frees *text, and keeps
 * it to load again), then config_source_parse(). Returns 0, or -1 with err
 * filled; config_free() cfg in either case.
 */
int config_source_load(const struct config_source *src, struct config *cfg,
    char **text, size_t *len, char *err, size_t errlen);

/* len bytes of text read from src->path into cfg, with src's args, as
 * the first load did: returns 0, or -1 with err filled; config_free() cfg
 * in either case. */
int config_source_parse(const struct config_source *src, struct config *cfg,
    const char *text, size_t len, char *err, size_t errlen);

/* Mark the checks that run for kind; returns how many. */
size_t config_select(struct config *cfg, unsigned kind);

#endif
