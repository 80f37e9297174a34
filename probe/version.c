/* version.c: what this build of the probe is. */
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <sys/auxv.h>

#include <curl/curl.h>

#include "probe.h"
#include "version.h"

#if defined(__x86_64__)
#define ARCH_NAME "x86_64"
#elif defined(__aarch64__)
#define ARCH_NAME "aarch64"
#elif defined(__arm__)
#define ARCH_NAME "armv7"
#elif defined(__powerpc64__)
#define ARCH_NAME "ppc64le"
#elif defined(__s390x__)
#define ARCH_NAME "s390x"
#else
#define ARCH_NAME "unknown"
#endif

int
version_dynamic(void)
{
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	unsigned long i, n = getauxval(AT_PHNUM);

	for (i = 0; ph != NULL && i < n; i++)
		if (ph[i].p_type == PT_INTERP)
			return 1;
	return 0;
}

void
version_get(struct version_info *v)
{
	const curl_version_info_data *c = curl_version_info(CURLVERSION_NOW);

	v->version = PROBE_VERSION;
	v->build = version_dynamic() ? "dynamic" : "static";
	v->arch = ARCH_NAME;
	v->libcurl = c->version != NULL ? c->version : "?";
	v->tls = c->ssl_version != NULL ? c->ssl_version : "none";
}

const char *
version_text(char *buf, size_t len)
{
	struct version_info v;

	version_get(&v);
	snprintf(buf, len, "probe %s (%s, %s, libcurl %s, %s)", v.version, v.build,
	    v.arch, v.libcurl, v.tls);
	return buf;
}
