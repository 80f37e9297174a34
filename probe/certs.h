/* certs.h: X.509 certificates, read with mbedTLS's parser in both builds
 * (a file of ours, or the chain a TLS server sent), named and judged by
 * their dates with one wording for the cert check and the TLS checks. */
#ifndef CERTS_H
#define CERTS_H

#include <stddef.h>
#include <time.h>

#include <mbedtls/x509_crt.h>

#include "probe.h"

#define CERTS_FILE_MAX (1024 * 1024)	/* a bundle is a few KiB */

/*
 * Add the certificates of path (PEM or DER, one or more) to chain.
 * Returns 0, or -1 with err filled: the file unreadable, too large, or
 * holding anything that is not a certificate.
 */
int certs_load(const char *path, mbedtls_x509_crt *chain, char *err,
    size_t errlen);

/* Add the PEM certificate(s) of the NUL-terminated text to chain;
 * returns 0 or -1. */
int certs_add_pem(mbedtls_x509_crt *chain, const char *pem);

/* The subject's CN, else the first DNS name, printable, into buf. */
const char *certs_name(const mbedtls_x509_crt *, char *buf, size_t len);

/* The certificate of chain that expires first, into *first (its name
 * and end) if it ends before what *first holds already, or first->seen
 * is 0. */
void certs_first_expiry(const mbedtls_x509_crt *chain, struct check_cert *first);

/*
 * Every certificate of chain against now and min_validity (seconds):
 * returns 0 when each is valid now and for min_validity more, -1 when
 * one is not (not valid yet, expired, or expiring sooner). msg says, in
 * either case, which certificate and when: "certificate for NAME expires
 * in 3d 4h (2026-12-05 10:00 UTC)".
 */
int certs_dates(const mbedtls_x509_crt *chain, long long min_validity,
    time_t now, char *msg, size_t len);

/* "3d 4h", "5h 2m", "42s"; returns buf. */
const char *certs_span(long long seconds, char *buf, size_t len);

/* Does the key in path belong to crt? 0, or -1 with err filled. */
int certs_key_match(const char *path, const mbedtls_x509_crt *crt,
    const char *name, char *err, size_t errlen);

/* Does chain lead to a certificate of ca_path (dates aside)? 0, or -1
 * with err filled. */
int certs_chain_to(const char *ca_path, mbedtls_x509_crt *chain,
    const char *name, char *err, size_t errlen);

#endif
