/* help.h: probe help TYPE, the keys of a check type from its table. */
#ifndef HELP_H
#define HELP_H

#include <stdio.h>

#include "probe.h"

/* Every key of type t, with what it takes, its default and whether it is
 * required or repeatable; then its command-line options. */
void help_type(FILE *out, const struct check_type *t);

#endif
