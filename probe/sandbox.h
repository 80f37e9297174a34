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
#include "sandbox_rules.h"

/*
 * Work out once, before the checks' processes are forked, what each of
 * them would otherwise work out again: the limits to set, the Landlock
 * ABI; and empty this process's capability bounding set, which they
 * inherit (this process must never exec). sandbox_enter() does the rest
 * if nobody did.
 */
void sandbox_prepare(void);
/* The same for a check's rules r: its seccomp filter. */
void sandbox_prepare_rules(const struct sandbox_rules *r);
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
