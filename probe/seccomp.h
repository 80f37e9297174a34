/* seccomp.h: the seccomp filter of a check's process (seccomp.c). */
#ifndef SECCOMP_H
#define SECCOMP_H

#include <stddef.h>

#include "probe.h"

struct sandbox_rules;

/*
 * Catch SIGSYS (a trapped call writes a result naming it to report_fd and
 * exits), then install the filter of r's class. Returns 0, also where
 * seccomp filters do not exist at all (not under qemu-user), or -1 with
 * err filled.
 */
int seccomp_enter(const struct sandbox_rules *r, int report_fd, char *err,
    size_t errlen);

/* Build the filter of r's class (and Unix socket rule) now, in the
 * process that forks the checks' processes, so that each of them only
 * copies it. */
void seccomp_prepare(const struct sandbox_rules *r);

/* 0 if a process here can install a seccomp filter, else the errno of
 * trying (EINVAL: not supported, as under qemu-user; EPERM, EACCES:
 * forbidden). Tried in a child, which exits. */
int seccomp_errno(void);

/* 1 if the filter of class cls lets the system call named name through
 * (perhaps only with some arguments, or failing with ENOSYS so that libc
 * falls back), 0 if it traps it or the name is unknown here. */
int seccomp_allows(enum sandbox_class cls, const char *name);

/* The name of system call nr on this architecture, or NULL. */
const char *seccomp_syscall_name(long nr);

#endif
