/*
 * checks.c: the table of check types. A new type is its check_TYPE.c and
 * one line here; the config, the command line, --help, the sandbox and the
 * tests of the docs all read the table.
 */
#include <stdio.h>
#include <string.h>

#include "checks.h"

extern const struct check_type check_http, check_tcp, check_mount,
    check_writable, check_grpc, check_cert;

const struct check_type *const check_types[] = {
	&check_http, &check_tcp, &check_mount, &check_writable, &check_grpc,
	&check_cert, NULL,
};

const struct check_option check_shared_options[] = {
	{ "ca-file", "ca_file", "FILE",
	    "ca_file: the CA to trust (PEM), where a check takes it", 0 },
	{ "cert-file", "cert_file", "FILE",
	    "cert_file: a client certificate (PEM), for mutual TLS", 0 },
	{ "key-file", "key_file", "FILE",
	    "key_file: the client certificate's key (PEM)", 0 },
	{ "server-name", "server_name", "NAME",
	    "server_name: the name to ask for and verify (SNI)", 0 },
	{ "tls-verify", "tls_verify", "yes|no",
	    "tls_verify: no skips checking the server's certificate", 0 },
	{ "tls", "tls", "yes|no", "tls: --grpc and --tcp over TLS", 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

const struct check_type *
check_type_find(const char *name)
{
	size_t i;

	for (i = 0; check_types[i] != NULL; i++)
		if (strcmp(check_types[i]->name, name) == 0)
			return check_types[i];
	return NULL;
}

const char *
check_types_list(char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; check_types[i] != NULL && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
		    i == 0 ? "" : check_types[i + 1] == NULL ? " or " : ", ",
		    check_types[i]->name);
	return buf;
}
