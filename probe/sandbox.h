/*
 * sandbox.h: what a check's process may still do once it runs: a seccomp
 * filter of the system calls its kind of check makes, Landlock rules for
 * the files it reads and writes (where the kernel has Landlock), and
 * resource limits.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <stddef.h>

enum sandbox_class {
	SANDBOX_NET,		/* network checks: sockets, name lookup, TLS files */
	SANDBOX_MOUNT,		/* reading the mount table, statfs */
	SANDBOX_WRITABLE,	/* files in one directory, statfs */
	SANDBOX_FILES		/* reading a few files: certificates, keys */
};

#define SANDBOX_MAX_FILES 8

/* Filled by a check type's sandbox(): its class and the paths it uses. */
struct sandbox_rules {
	enum sandbox_class cls;
	const char *read[SANDBOX_MAX_FILES];	/* files it may read */
	size_t nread;
	const char *dir;	/* writable: where it may create, write, remove */
};

/* The Landlock ABI version of the running kernel, 0 if it has none. */
int sandbox_landlock_abi(void);

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

/* 1 if the filter of class cls lets the system call named name through
 * (perhaps only with some arguments, or failing with ENOSYS so that libc
 * falls back), 0 if it traps it or the name is unknown here. */
int sandbox_allows(enum sandbox_class cls, const char *name);

/* The name of system call nr on this architecture, or NULL. */
const char *sandbox_syscall_name(long nr);

#endif
