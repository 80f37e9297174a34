/* probe.h: what every part of the probe shares: exit codes, probe kinds,
 * a check and the interface each check type implements. */
#ifndef PROBE_H
#define PROBE_H

#include <stddef.h>

#define PROBE_VERSION "0.1.0"

/* Exit codes. Never 2: Docker's HEALTHCHECK reserves it. */
enum probe_exit {
	PROBE_HEALTHY = 0,	/* every selected check passed */
	PROBE_UNHEALTHY = 1,	/* a selected check failed or ran out of time */
	PROBE_ERROR = 3		/* usage, config or internal error */
};

enum probe_kind {
	KIND_LIVENESS = 1 << 0,
	KIND_READINESS = 1 << 1,
	KIND_STARTUP = 1 << 2,
	KIND_ALL = KIND_LIVENESS | KIND_READINESS | KIND_STARTUP
};

#define PROBE_MSG_MAX 240	/* one line of report, including the NUL */
#define CHECK_CERT_SUBJECT_MAX 65	/* a certificate's name, with the NUL */
#define PROBE_MAX_CHECKS 32
/* How many checks may be in flight on one path's filesystem at a time,
 * across all probe processes of a pod (hung ones included). */
#define PROBE_GUARD_SLOTS 8

/* What a check says about itself; small enough to cross a pipe in one write. */
struct check_result {
	int healthy;
	char message[PROBE_MSG_MAX];	/* the reason, short, one line */
	char detail[PROBE_MSG_MAX];	/* more, shown with -v */
	int want_detail;		/* 0: nobody shows it, skip its cost */
	struct check_space {		/* a filesystem check's statvfs, for */
		int seen;		/* the metrics; free: for unprivileged */
		double free_bytes, size_bytes;	/* users; inodes -1: */
		double free_inodes, inodes;	/* no fixed number */
	} space;
	struct check_cert {		/* a cert check's first expiry, for */
		int seen;		/* the metrics */
		double not_after;	/* Unix time */
		char subject[CHECK_CERT_SUBJECT_MAX];
	} cert;
};

struct check_type;
struct sandbox_rules;	/* sandbox_rules.h */

/* What a check's process does, which decides its sandbox (sandbox.h). */
enum sandbox_class {
	SANDBOX_NET,		/* network checks: sockets, name lookup, TLS files */
	SANDBOX_MOUNT,		/* reading the mount table, statfs */
	SANDBOX_WRITABLE,	/* files in one directory, statfs */
	SANDBOX_FILES		/* reading a few files: certificates, keys */
};

struct check {
	const struct check_type *type;
	char *name;
	unsigned kinds;		/* enum probe_kind bits */
	long timeout_ms;	/* 0: the run's deadline */
	int line;		/* line of its section in the config */
	char *target;		/* the value of its type's target_key */
	const char *guard;	/* CHECK_ON_PATH: target, else NULL */
	int check_files;	/* set() checks now the files a key names
				 * (--check-config); else they are checked
				 * at run time, as they may come later */
	int sandbox;		/* run it in its sandbox ([probe] sandbox) */
	void *priv;		/* the type's own settings */

	struct check_result result;	/* filled by run_checks() */
	double duration_ms;
	int selected;
};

/*
 * One check type: everything about a type is here, and every place that
 * needs a fact about types (the config's sections and keys, the command
 * line and --help, --check-config, the sandbox, the tests and the checks
 * of the docs) reads it from the table of types (checks.h).
 *
 * The config gives each check priv_size zeroed bytes of priv, then calls
 * defaults() if set, then set() for each key of its section. set() never
 * sees the keys every type has, which the config handles: "probes" (the
 * kinds) and "timeout". It returns 0, -1 with err filled for a bad value,
 * or CHECK_UNKNOWN_KEY. Once all keys are in, the config checks the
 * required ones, then calls finish() if set, for what needs the whole
 * section (a key that needs another). run() blocks, may be killed at any
 * time, returns PROBE_HEALTHY or PROBE_UNHEALTHY and fills the result.
 * release(), if set, frees what priv points to (the config frees priv).
 * sandbox(), if set, adds the files run() reads to the rules of its class.
 * peer(), if set, says where a network check connects (the liveness lint).
 */
#define CHECK_UNKNOWN_KEY (-2)

/* flags */
#define CHECK_ON_PATH 1	/* target_key names a path whose filesystem the
			 * check touches: at most PROBE_GUARD_SLOTS checks
			 * of one path are in flight at a time, hung ones
			 * included */

/* A key of a type's section, besides probes and timeout (every type's). */
struct check_key {
	const char *name;	/* "expect_status" */
	const char *arg;	/* what its value is: "LIST", for help and docs */
	const char *def;	/* its default, as a config would write it, or
				 * NULL: none, or one the docs say in words */
	unsigned flags;		/* KEY_* */
};

#define KEY_REQUIRED 1		/* every section of the type sets it */
#define KEY_ONE_OF 2		/* required: it, or another KEY_ONE_OF key */
#define KEY_REPEATABLE 4	/* may be set more than once */

/* An option of the command line for the checks of one type:
 * --option VALUE sets key to VALUE in each of them. */
struct check_option {
	const char *option;	/* "expect-status" */
	const char *key;	/* "expect_status" */
	const char *arg;	/* "LIST", for --help */
	const char *help;	/* "statuses that pass, for every --http" */
	int repeatable;
};

struct check_type {
	const char *name;	/* "http": [http "NAME"] and --http */
	const char *summary;	/* one line for --help */
	const char *target_key;	/* what --NAME VALUE sets: "url" for --http */
	const char *target_arg;	/* "URL", for --help */
	const struct check_key *keys;	/* its keys; ends with { NULL } */
	const struct check_key *shared_keys;	/* keys it shares with other
				 * types (curlx_tls_keys), or NULL */
	unsigned flags;		/* CHECK_ON_PATH */
	enum sandbox_class sandbox_class;
	const struct check_option *options;	/* ends with { NULL } */
	/* The name of a check from the command line (NULL: the value). */
	void (*inline_name)(const char *value, char *buf, size_t len);
	size_t priv_size;
	void (*defaults)(struct check *);
	int (*set)(struct check *, const char *key, const char *value,
	    char *err, size_t errlen);
	int (*finish)(struct check *, char *err, size_t errlen);
	int (*run)(const struct check *, long timeout_ms, struct check_result *);
	void (*release)(struct check *);
	void (*sandbox)(const struct check *, struct sandbox_rules *);
	/* Network types: the host the check connects to, into buf; NULL
	 * when it reaches only its own container (a Unix socket). */
	const char *(*peer)(const struct check *, char *buf, size_t len);
};

/* Fill a result; returns PROBE_HEALTHY or PROBE_UNHEALTHY as given. */
int result_set(struct check_result *, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void result_detail(struct check_result *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Monotonic clock in milliseconds. */
double now_ms(void);

/* The time of day in seconds since the Unix epoch. */
double wall_time(void);

/* How long ago this process started, in ms (10 ms steps; 0 if unknown). */
long process_age_ms(void);

#endif
