/*
 * check.h: the life of one check, what a type's author reads with probe.h:
 * made with its type's defaults, given its section's keys one by one (the
 * keys every type has first), completed (required keys, then the type's
 * finish()), run by run.c, freed.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stddef.h>

#include "probe.h"

#define CHECK_NAME_MAX 63

/* 1 if name is a valid check name: 1 to 63 letters, digits, . _ : -. */
int check_valid_name(const char *name);

/* A check of type ct named name, from line (0: the command line), with
 * the type's defaults. Returns it (check_free() frees), or NULL when out of
 * memory. */
struct check *check_new(const struct check_type *ct, const char *name, int line,
    int check_files);

/* A key of c: "probes", "timeout", then the type's own. Returns 0, -1 with
 * err filled, or CHECK_UNKNOWN_KEY. */
int check_set_key(struct check *c, const char *key, const char *value,
    char *err, size_t errlen);

/*
 * Once the n keys of set are in: the type's required keys ("missing
 * required key 'url'", "missing required key 'address' (or unix_socket)"),
 * then its guard and its finish(). Returns 0, or -1 with err filled.
 */
int check_complete(struct check *c, const char *const *set, size_t n,
    char *err, size_t errlen);

/* 1 if the check type ct takes key (the keys every type has included). */
int check_takes_key(const struct check_type *ct, const char *key);

/* The i-th key of ct (its own, then its shared ones), or NULL past the
 * last. */
const struct check_key *check_key_at(const struct check_type *ct, size_t i);

/* The key of ct named name, or NULL (probes and timeout are no type's). */
const struct check_key *check_key_find(const struct check_type *ct,
    const char *name);

/* Every key ct takes, by spaces, probes and timeout first; returns buf. */
const char *check_keys_list(const struct check_type *ct, char *buf, size_t len);

/* Release c and all it holds; accepts NULL. */
void check_free(struct check *c);

#endif
