/* checks.h: the table of check types, the one place that lists them, and
 * the options of the command line that several types share. */
#ifndef CHECKS_H
#define CHECKS_H

#include <stddef.h>

#include "probe.h"

/* Every check type, in the order --help and the docs list them; NULL ends. */
extern const struct check_type *const check_types[];

/* Options of the command line that set a key in every command-line check
 * whose type takes that key (--ca-file for --http, --grpc and --cert);
 * ends with { NULL }. */
extern const struct check_option check_shared_options[];

/* The type named name, or NULL. */
const struct check_type *check_type_find(const char *name);

/* The names of the types for a message: "http, tcp, mount, writable or
 * grpc"; returns buf. */
const char *check_types_list(char *buf, size_t len);

#endif
