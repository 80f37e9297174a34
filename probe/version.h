/* version.h: what this build of the probe is, for --version, probe serve's
 * page and its probe_build_info metric. */
#ifndef VERSION_H
#define VERSION_H

#include <stddef.h>

struct version_info {
	const char *version;	/* PROBE_VERSION */
	const char *build;	/* "static" or "dynamic" */
	const char *arch;	/* x86_64, aarch64, armv7, ppc64le, s390x */
	const char *libcurl;	/* "8.14.1" */
	const char *tls;	/* "mbedTLS/3.6.6", "OpenSSL/3.0.17" */
};

/* This build's; the strings are static. */
void version_get(struct version_info *v);

/* 1 if this executable has a program interpreter (the dynamic loader):
 * it needs the libraries of its build machine to run. */
int version_dynamic(void);

/* "probe 0.1.0 (static, x86_64, libcurl 8.14.1, mbedTLS/3.6.6)"; returns
 * buf. */
const char *version_text(char *buf, size_t len);

#endif
