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
#define PROBE_MAX_CHECKS 32

/* What a check says about itself; small enough to cross a pipe in one write. */
struct check_result {
	int healthy;
	char message[PROBE_MSG_MAX];	/* the reason, short, one line */
	char detail[PROBE_MSG_MAX];	/* more, shown with -v */
	struct check_space {		/* a filesystem check's statvfs, for */
		int seen;		/* the metrics; free: for unprivileged */
		double free_bytes, size_bytes;	/* users; inodes -1: */
		double free_inodes, inodes;	/* no fixed number */
	} space;
};

struct check_type;
struct sandbox_rules;

struct check {
	const struct check_type *type;
	char *name;
	unsigned kinds;		/* enum probe_kind bits */
	long timeout_ms;	/* 0: the run's deadline */
	int line;		/* line of its section in the config */
	const char *guard;	/* path whose filesystem it touches, or NULL */
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
 * One check type. The config gives each check priv_size zeroed bytes of
 * priv, then calls defaults() if set. set() returns 0, -1 with err filled
 * for a bad value, or CHECK_UNKNOWN_KEY. finish() validates the section
 * once all keys are in. run() blocks, may be killed at any time, returns
 * PROBE_HEALTHY or PROBE_UNHEALTHY and fills the result. release(), if
 * set, frees what priv points to (the config frees priv itself).
 * sandbox() says what run() needs: its class of system calls and the
 * files it reads (sandbox.h).
 * On the command line, --NAME VALUE sets target_key to VALUE; the check is
 * named by inline_name() (NULL: the value itself).
 */
#define CHECK_UNKNOWN_KEY (-2)

struct check_type {
	const char *name;
	const char *repeatable;	/* keys that may appear more than once */
	const char *target_key;	/* what --NAME VALUE sets: "url" for --http */
	void (*inline_name)(const char *value, char *buf, size_t len);
	size_t priv_size;
	void (*defaults)(struct check *);
	int (*set)(struct check *, const char *key, const char *value,
	    char *err, size_t errlen);
	int (*finish)(struct check *, char *err, size_t errlen);
	int (*run)(const struct check *, long timeout_ms, struct check_result *);
	void (*release)(struct check *);
	void (*sandbox)(const struct check *, struct sandbox_rules *);
};

extern const struct check_type check_http;
extern const struct check_type check_tcp;
extern const struct check_type check_mount;
extern const struct check_type check_writable;
extern const struct check_type check_grpc;

/* Fill a result; returns PROBE_HEALTHY or PROBE_UNHEALTHY as given. */
int result_set(struct check_result *, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void result_detail(struct check_result *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Monotonic clock in milliseconds. */
double now_ms(void);

/* How long ago this process started, in ms (10 ms steps; 0 if unknown). */
long process_age_ms(void);

#endif
