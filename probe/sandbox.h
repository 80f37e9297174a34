/*
 * sandbox.h: what a check's process may still do once it runs: a seccomp
 * filter of the system calls its kind of check makes (seccomp.h), Landlock
 * rules for the files it reads and writes and the ports it connects to,
 * where the kernel has Landlock (landlock.h), resource limits and no
 * capabilities but those it needs.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <stddef.h>

#include "probe.h"	/* enum sandbox_class */

#define SANDBOX_MAX_FILES 8
#define SANDBOX_MAX_PORTS 4

/* Filled by a check type's sandbox(): its class and what it uses. */
struct sandbox_rules {
	enum sandbox_class cls;
	const char *read[SANDBOX_MAX_FILES];	/* files it may read */
	size_t nread;
	const char *dir;	/* writable: where it may create, write, remove */
	int unix_socket;	/* net: it may make Unix sockets (unix_socket) */
	int any_port;		/* net: it may connect to any TCP port (redirects) */
	unsigned short ports[SANDBOX_MAX_PORTS];	/* else: these only */
	size_t nports;
};

/* Add port to r's TCP ports (once; a full list is left as it is). */
void sandbox_add_port(struct sandbox_rules *r, unsigned port);

/* A TCP peer: its port, and DNS's where host is a name, not an address
 * ("[::1]" may come in brackets). */
void sandbox_add_peer(struct sandbox_rules *r, const char *host, unsigned port);

/*
 * Give up every capability a check of class cls does not need, for good
 * (bounding, ambient, inheritable, permitted and effective sets): a check
 * run as root keeps at most reading (and, for writable, writing) files
 * whatever their owner, which Landlock confines to its own paths. Nothing
 * to do for other users. Returns 0, or -1 with err filled.
 */
int sandbox_drop_caps(enum sandbox_class cls, char *err, size_t errlen);

/* What sandbox_enter() gets here, for -v and --check-config: "seccomp and
 * Landlock (ABI 4)", "seccomp only: no Landlock in this kernel", ...
 * (tries a filter in a child process); returns buf. */
const char *sandbox_describe(char *buf, size_t len);

/*
 * Enter the sandbox of r in this process, for good: no new privileges,
 * limits, Landlock where the kernel has it, then the seccomp filter where
 * seccomp filters exist at all (not under qemu-user). A forbidden system
 * call makes the process write a result naming it to report_fd and exit.
 * Returns 0, or -1 with err filled (a filter refused, as where a container
 * forbids them): the caller must not run the check then.
 */
int sandbox_enter(const struct sandbox_rules *r, int report_fd, char *err,
    size_t errlen);

#endif
