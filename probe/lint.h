/* lint.h: what --check-config warns about in a config that loads. */
#ifndef LINT_H
#define LINT_H

#include <stddef.h>

#include "config.h"

/*
 * Add a warning to cfg's notes for each liveness check that reaches
 * beyond this pod (a host that is not loopback, localhost or $POD_IP):
 * when that peer blinks, the kubelet restarts every healthy pod that
 * checks it. Returns the number of warnings added.
 */
size_t lint_config(struct config *cfg);

#endif
