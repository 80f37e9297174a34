/* sandbox_rules.c: the rules a check type's sandbox() fills. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "sandbox_rules.h"

void
sandbox_add_port(struct sandbox_rules *r, unsigned port)
{
	size_t i;

	for (i = 0; i < r->nports; i++)
		if (r->ports[i] == port)
			return;
	if (r->nports < SANDBOX_MAX_PORTS)
		r->ports[r->nports++] = (unsigned short)port;
}

void
sandbox_add_peer(struct sandbox_rules *r, const char *host, unsigned port)
{
	unsigned char addr[16];
	char bare[64];
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof(bare)) {
		memcpy(bare, host + 1, n - 2);
		bare[n - 2] = '\0';
		host = bare;
	}
	sandbox_add_port(r, port);
	if (inet_pton(AF_INET, host, addr) != 1 && inet_pton(AF_INET6, host, addr) != 1) {
		sandbox_add_port(r, 53);	/* DNS over TCP, for a long answer */
		r->lookup = 1;
	}
}
