/* landlock.h: the Landlock ruleset of a check's process (landlock.c). */
#ifndef LANDLOCK_H
#define LANDLOCK_H

#include <stddef.h>

struct sandbox_rules;

/* The Landlock ABI version of the running kernel, 0 if it has none. */
int landlock_abi(void);

/* Enforce, for good, the rules of r at Landlock ABI abi (above 0): its
 * files, its directory, its TCP ports, the system's files for name lookup
 * and TLS. Returns 0, or -1 with err filled. */
int landlock_enter(const struct sandbox_rules *r, int abi, char *err,
    size_t errlen);

#endif
