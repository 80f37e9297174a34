/*
 * check_cert.c: is a certificate file (PEM or DER, one or more
 * certificates: a Secret's tls.crt) valid now and for at least
 * min_validity more, does key_file hold its key, does it chain to
 * ca_file? Read with mbedTLS's X.509 parser in both builds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certs.h"
#include "parse.h"
#include "probe.h"
#include "sandbox_rules.h"
#include "util.h"

struct cert_check {
	char *path;
	char *key_file;
	char *ca_file;
	long long min_validity;	/* seconds */
};

static int
cert_set(struct check *c, const char *key, const char *value, char *err,
    size_t errlen)
{
	struct cert_check *k = c->priv;

	if (strcmp(key, "path") == 0)
		return set_path(&k->path, value, err, errlen);
	if (strcmp(key, "key_file") == 0)
		return set_path(&k->key_file, value, err, errlen);
	if (strcmp(key, "ca_file") == 0)
		return set_path(&k->ca_file, value, err, errlen);
	if (strcmp(key, "min_validity") == 0)
		return parse_period(value, &k->min_validity, err, errlen);
	return CHECK_UNKNOWN_KEY;
}

static int
cert_run(const struct check *c, long timeout_ms, struct check_result *res)
{
	const struct cert_check *k = c->priv;
	const mbedtls_x509_crt *w;
	mbedtls_x509_crt chain;
	char name[CHECK_CERT_SUBJECT_MAX], span[32], msg[PROBE_MSG_MAX];
	int n = 0, ret = PROBE_UNHEALTHY;

	(void)timeout_ms;	/* the runner kills us when it runs out */
	mbedtls_x509_crt_init(&chain);
	if (certs_load(k->path, &chain, msg, sizeof(msg)) != 0) {
		result_set(res, PROBE_UNHEALTHY, "%s", msg);
		goto out;
	}
	for (w = &chain; w != NULL && w->raw.p != NULL; w = w->next)
		n++;
	certs_first_expiry(&chain, &res->cert);
	result_detail(res, "%s: %d certificate%s, the first for %s; min_validity %s%s%s%s%s",
	    k->path, n, n == 1 ? "" : "s", certs_name(&chain, name, sizeof(name)),
	    certs_span(k->min_validity, span, sizeof(span)),
	    k->key_file ? "; key_file " : "", k->key_file ? k->key_file : "",
	    k->ca_file ? "; ca_file " : "", k->ca_file ? k->ca_file : "");
	if (certs_dates(&chain, k->min_validity, time(NULL), msg, sizeof(msg)) != 0 ||
	    (k->key_file != NULL &&
	    certs_key_match(k->key_file, &chain, name, msg, sizeof(msg)) != 0) ||
	    (k->ca_file != NULL &&
	    certs_chain_to(k->ca_file, &chain, name, msg, sizeof(msg)) != 0)) {
		result_set(res, PROBE_UNHEALTHY, "%s", msg);
		goto out;
	}
	ret = result_set(res, PROBE_HEALTHY, "%s", msg);
out:
	mbedtls_x509_crt_free(&chain);
	return ret;
}

static void
cert_release(struct check *c)
{
	struct cert_check *k = c->priv;

	free(k->path);
	free(k->key_file);
	free(k->ca_file);
}

static void
cert_sandbox(const struct check *c, struct sandbox_rules *r)
{
	const struct cert_check *k = c->priv;

	r->read[r->nread++] = k->path;
	if (k->key_file != NULL)
		r->read[r->nread++] = k->key_file;
	if (k->ca_file != NULL)
		r->read[r->nread++] = k->ca_file;
}

static const struct check_option cert_options[] = {
	{ "min-validity", "min_validity", "PERIOD",
	    "how long every --cert must stay valid (14d, 36h)", 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

static const struct check_key cert_keys[] = {
	{ "path", "PATH", NULL, KEY_REQUIRED },
	{ "key_file", "FILE", NULL, 0 },
	{ "ca_file", "FILE", NULL, 0 },
	{ "min_validity", "PERIOD", "0", 0 },
	{ NULL, NULL, NULL, 0 },
};

const struct check_type check_cert = {
	.name = "cert",
	.summary = "a certificate file is valid, for min_validity more",
	.target_key = "path",
	.target_arg = "PATH",
	.keys = cert_keys,
	.flags = CHECK_ON_PATH,
	.sandbox_class = SANDBOX_FILES,
	.options = cert_options,
	.priv_size = sizeof(struct cert_check),
	.set = cert_set,
	.run = cert_run,
	.release = cert_release,
	.sandbox = cert_sandbox,
};
