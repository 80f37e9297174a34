/* lint.h: what --check-config warns about in a config that loads. */
#ifndef LINT_H
#define LINT_H

#include <stdio.h>

#include "config.h"

/*
 * Write a "warning: FILE:LINE: ..." line to out for each liveness check
 * that reaches beyond this pod (a host that is not loopback, localhost or
 * $POD_IP): when that peer blinks, the kubelet restarts every healthy pod
 * that checks it. Returns the number of warnings.
 */
size_t lint_config(FILE *out, const struct config *cfg);

#endif
