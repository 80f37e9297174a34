/* checks.h: the table of check types, the one place that lists them. */
#ifndef CHECKS_H
#define CHECKS_H

#include <stddef.h>

#include "probe.h"

/* Every check type, in the order --help and the docs list them; NULL ends. */
extern const struct check_type *const check_types[];

/* The type named name, or NULL. */
const struct check_type *check_type_find(const char *name);

/* The names of the types for a message: "http, tcp, mount, writable or
 * grpc"; returns buf. */
const char *check_types_list(char *buf, size_t len);

#endif
