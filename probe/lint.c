/* lint.c: the warnings of --check-config: a config that loads, and yet is
 * likely to hurt. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lint.h"

/* 1 if host is this pod: loopback, localhost or the pod's own address. */
static int
this_pod(const char *host)
{
	const char *pod_ip = getenv("POD_IP");
	char bare[256];
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof(bare)) {
		memcpy(bare, host + 1, n - 2);	/* [::1] */
		bare[n - 2] = '\0';
		host = bare;
	}
	return strcasecmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
	    strcmp(host, "::1") == 0 ||
	    (pod_ip != NULL && *pod_ip != '\0' && strcmp(host, pod_ip) == 0);
}

size_t
lint_config(struct config *cfg)
{
	char buf[256];
	const char *peer;
	size_t i, n = 0;

	for (i = 0; i < cfg->nchecks; i++) {
		const struct check *c = cfg->checks[i];

		if (!(c->kinds & KIND_LIVENESS) || c->type->peer == NULL ||
		    (peer = c->type->peer(c, buf, sizeof(buf))) == NULL ||
		    this_pod(peer))
			continue;
		config_note(cfg, 1, c->line, NULL, "liveness check %s \"%s\" reaches "
		    "%s, not this pod: when it fails, the kubelet restarts every pod "
		    "that checks it; check it in readiness instead (docs/kubernetes.md, "
		    "\"Which check runs for which probe\")", c->type->name, c->name, peer);
		n++;
	}
	return n;
}
