/* protocols.h: a tcp check that asks a server in its own protocol whether
 * it takes work (protocol = postgres, mysql, redis), one row each in the
 * table of protocols.c, written from the protocols' public documentation;
 * no credentials are needed to tell. */
#ifndef PROTOCOLS_H
#define PROTOCOLS_H

#include <stddef.h>

#include "conn.h"

/* What a protocol's question needs of its check. */
struct protocol_args {
	const char *host;	/* as configured: the TLS name */
	const char *port;
	const char *username;	/* or NULL: "probe" where one is sent */
	const char *password;	/* redis's AUTH, or NULL */
	int tls;		/* tls = yes: its TLS keys in t */
	const struct curlx_tls *t;
};

struct protocol {
	const char *name;	/* "postgres" */
	const char *summary;	/* what healthy means, for help */
	/* Ask over c, connected: TLS first where a.tls (as the protocol
	 * does it), then the question. Returns PROBE_HEALTHY or
	 * PROBE_UNHEALTHY with res filled. */
	int (*ask)(struct conn *c, const struct protocol_args *a,
	    struct check_result *res);
};

/* The protocol named name, or NULL. */
const struct protocol *protocol_find(const char *name);

/* "postgres, mysql or redis", into buf; returns buf. */
const char *protocol_names(char *buf, size_t len);

#endif
