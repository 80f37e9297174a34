/* serve.h: probe serve, the health endpoints a sidecar offers for its app. */
#ifndef SERVE_H
#define SERVE_H

#include <stddef.h>

#include "serve_params.h"

struct server;

/*
 * Start serving the checks of sp->cfg on its [serve] address: one check
 * runner process per kind, then the HTTP server. SIGTERM, SIGINT and
 * SIGHUP are blocked in the calling thread, for serve_wait(). Returns the
 * server, or NULL with err filled (bad address, port in use, ...). sp
 * must outlive it.
 */
struct server *serve_start(const struct serve_params *sp, char *err,
    size_t errlen);

/* The address actually bound, such as "127.0.0.1:8099". */
const char *serve_address(const struct server *);

/*
 * Serve until SIGTERM or SIGINT, then stop accepting, let the requests in
 * flight finish (for at most a second) and stop. Meanwhile load the config
 * file again on SIGHUP and when it changes; one that does not load is
 * refused, logged, and the old one stays in force. Returns PROBE_HEALTHY.
 */
int serve_wait(struct server *);

/* Release everything; accepts NULL. */
void serve_free(struct server *);

#endif
