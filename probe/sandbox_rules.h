/* sandbox_rules.h: what a check's process will need, as its type's
 * sandbox() says it (the files it reads, its directory, its ports): data
 * the check types fill and sandbox_enter() (sandbox.h) enforces. */
#ifndef SANDBOX_RULES_H
#define SANDBOX_RULES_H

#include <stddef.h>

#include "probe.h"	/* enum sandbox_class */

#define SANDBOX_MAX_FILES 8
#define SANDBOX_MAX_PORTS 4

/* Filled by a check type's sandbox(): its class and what it uses. */
struct sandbox_rules {
	enum sandbox_class cls;
	const char *read[SANDBOX_MAX_FILES];	/* files it may read */
	size_t nread;
	const char *dir;	/* writable: where it may create, write, remove */
	int unix_socket;	/* net: it may make Unix sockets (unix_socket) */
	int any_port;		/* net: it may connect to any TCP port (redirects) */
	int lookup;		/* net: it resolves names (the resolver's files) */
	int tls;		/* net: it speaks TLS (the CA store, randomness) */
	unsigned short ports[SANDBOX_MAX_PORTS];	/* else: these only */
	size_t nports;
};

/* Add port to r's TCP ports (once; a full list is left as it is). */
void sandbox_add_port(struct sandbox_rules *r, unsigned port);

/* A TCP peer: its port, and DNS's and name lookup where host is a name,
 * not an address ("[::1]" may come in brackets). */
void sandbox_add_peer(struct sandbox_rules *r, const char *host, unsigned port);

#endif
