/* guard.h: at most PROBE_GUARD_SLOTS checks of one path in flight at a
 * time, hung ones included, across all probe processes of one user that
 * share a guard directory (a pod's containers share /dev/shm). */
#ifndef GUARD_H
#define GUARD_H

#include <stddef.h>

#define GUARD_DIR_DEFAULT "/dev/shm"	/* $PROBE_GUARD_DIR overrides it */
#define GUARD_BUSY (-1)
#define GUARD_NONE (-2)

/*
 * A slot for path: a descriptor holding a lock on one of the path's slot
 * files, which whoever keeps it open owns (a check's process keeps it for
 * its whole life, hung or not, and the kernel frees it when the process
 * is gone). Returns GUARD_BUSY when every slot is held, GUARD_NONE when
 * guards cannot be had here (the check then runs unguarded).
 */
int guard_take(const char *path);

/* Where the guards are, or why there are none, for -v and
 * --check-config: "/dev/shm/probe-guards.1000" or "none: ..."; returns
 * buf. */
const char *guard_describe(char *buf, size_t len);

#endif
