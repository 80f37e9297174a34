/* serve.h: probe serve, the health endpoints a sidecar offers for its app. */
#ifndef SERVE_H
#define SERVE_H

#include <stddef.h>

#include "config.h"

struct server;

/*
 * Start serving cfg's checks on cfg->serve's address: one check runner
 * process per kind, then the HTTP server. SIGTERM and SIGINT are blocked
 * in the calling thread, for serve_wait(). Returns the server, or NULL
 * with err filled (bad address, port in use, ...). cfg must outlive it.
 */
struct server *serve_start(struct config *cfg, char *err, size_t errlen);

/* The address actually bound, such as "127.0.0.1:8099". */
const char *serve_address(const struct server *);

/*
 * Wait for SIGTERM or SIGINT, then stop accepting, let the requests in
 * flight finish (for at most a second) and stop. Returns PROBE_HEALTHY.
 */
int serve_wait(struct server *);

/* Release everything; accepts NULL. */
void serve_free(struct server *);

#endif
