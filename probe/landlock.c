/*
 * landlock.c: the files a check's process may still read and write, and
 * the TCP ports it may connect to: those its check is configured with, and
 * what name lookup and TLS read. Only where the kernel has Landlock; each
 * ABI adds what it can (truncate, TCP ports, device ioctls, signals and
 * abstract Unix sockets).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "probe.h"
#include "sandbox_rules.h"
#include "util.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE	/* Linux 6.2, ABI 3 */
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
/* Newer than the headers we build with (Linux 6.1): TCP ports (ABI 4,
 * Linux 6.7), device ioctls (ABI 5, 6.10), signals and abstract Unix
 * sockets (ABI 6, 6.12). */
#define LL_FS_IOCTL_DEV (1ULL << 15)
#define LL_NET_BIND_TCP (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)
#define LL_RULE_NET_PORT 2

struct ll_ruleset_attr {
	uint64_t handled_access_fs, handled_access_net, scoped;
};

struct ll_net_port_attr {
	uint64_t allowed_access, port;
};

int
landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);

	return abi > 0 ? (int)abi : 0;
}

/* The rights Landlock knows at abi, all of them handled (denied unless a
 * rule grants them). */
static unsigned long long
fs_rights(int abi)
{
	unsigned long long r = LANDLOCK_ACCESS_FS_EXECUTE |
	    LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR |
	    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
	    LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
	    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
	    LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;

	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		r |= LL_FS_IOCTL_DEV;
	return r;
}

/*
 * Grant rights on path (a file: its file rights only) to the ruleset.
 * A path that does not exist is skipped: the check then fails opening it,
 * as it would unconfined. Returns 0, or -1 with err filled.
 */
static int
grant(int ruleset, const char *path, unsigned long long rights, char *err,
    size_t errlen)
{
	struct landlock_path_beneath_attr pb;
	struct stat st;
	int fd, ret = 0;

	/* No O_CLOEXEC: this process never execs, and musl pays a fcntl()
	 * for it on O_PATH. */
	if ((fd = open(path, O_PATH)) < 0)
		return 0;
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		rights &= LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE |
		    LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_TRUNCATE;
	pb.allowed_access = rights;
	pb.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH,
	    &pb, 0) != 0) {
		sys_error(err, errlen, errno, "sandbox: cannot allow %s in Landlock", path);
		ret = -1;
	}
	close(fd);
	return ret;
}

/* What name lookup and TLS read from the system, besides the configured
 * files: the resolver's files, the CA store and randomness; with glibc
 * (the dynamic build), for any network check, its name service switch,
 * the libraries it loads and OpenSSL's config, which libcurl's start-up
 * reads whatever the URL. A check of an address over plain TCP or HTTP
 * (musl) reads none. */
static const char *const lookup_files[] = {
	"/etc/hosts", "/etc/resolv.conf", "/etc/services",
};
static const char *const tls_files[] = {
	"/etc/ssl/certs",
	"/dev/urandom", "/dev/random",	/* mbedTLS, as libcurl seeds it */
};
static const char *const net_files[] = {
#ifdef __GLIBC__
	"/etc/hosts", "/etc/resolv.conf", "/etc/services", "/etc/ssl/certs",
	"/dev/urandom", "/dev/random",
	"/etc/nsswitch.conf", "/etc/host.conf", "/etc/gai.conf", "/etc/protocols",
	"/etc/ld.so.cache", "/etc/ssl/openssl.cnf", "/usr/lib/ssl", "/etc/pki/tls/certs",
	"/lib", "/lib64", "/usr/lib", "/usr/lib64",
#endif
	NULL
};

/* Grant reading the n paths of list (a NULL among them ends it). */
static int
grant_all(int ruleset, const char *const *list, size_t n, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n && list[i] != NULL; i++)
		if (grant(ruleset, list[i], LANDLOCK_ACCESS_FS_READ_FILE |
		    LANDLOCK_ACCESS_FS_READ_DIR, err, errlen) != 0)
			return -1;
	return 0;
}
#define LIST(a) (a), sizeof(a) / sizeof((a)[0])

/* TCP: no bind ever; connect to r's ports only, unless any_port. */
static int
net_rules(int ruleset, const struct sandbox_rules *r, char *err, size_t errlen)
{
	struct ll_net_port_attr np;
	size_t i;

	for (i = 0; r->cls == SANDBOX_NET && !r->any_port && i < r->nports; i++) {
		np.allowed_access = LL_NET_CONNECT_TCP;
		np.port = r->ports[i];
		if (syscall(SYS_landlock_add_rule, ruleset, LL_RULE_NET_PORT, &np, 0) != 0) {
			sys_error(err, errlen, errno, "sandbox: cannot allow TCP port %u in Landlock",
			    (unsigned)r->ports[i]);
			return -1;
		}
	}
	return 0;
}

/* The ruleset's attributes at abi, and their size for the kernel. */
static size_t
ruleset_attr(const struct sandbox_rules *r, int abi, struct ll_ruleset_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->handled_access_fs = fs_rights(abi);
	if (abi < 4)
		return sizeof(a->handled_access_fs);
	a->handled_access_net = LL_NET_BIND_TCP |
	    (r->cls == SANDBOX_NET && r->any_port ? 0 : LL_NET_CONNECT_TCP);
	if (abi < 6)
		return 2 * sizeof(uint64_t);
	a->scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
	return sizeof(*a);
}

int
landlock_enter(const struct sandbox_rules *r, int abi, char *err, size_t errlen)
{
	struct ll_ruleset_attr attr;
	unsigned long long read = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	int ruleset, ret = -1;
	size_t i, size = ruleset_attr(r, abi, &attr);

	if ((ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0)) < 0) {
		sys_error(err, errlen, errno, "sandbox: cannot create its Landlock ruleset");
		return -1;
	}
	for (i = 0; i < r->nread; i++)
		if (grant(ruleset, r->read[i], read, err, errlen) != 0)
			goto out;
	if (r->cls == SANDBOX_NET && (grant_all(ruleset, LIST(net_files), err, errlen) != 0 ||
	    (r->lookup && grant_all(ruleset, LIST(lookup_files), err, errlen) != 0) ||
	    (r->tls && grant_all(ruleset, LIST(tls_files), err, errlen) != 0)))
		goto out;
	if (r->dir != NULL && grant(ruleset, r->dir, read |
	    LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG |
	    LANDLOCK_ACCESS_FS_REMOVE_FILE | (abi >= 3 ? LANDLOCK_ACCESS_FS_TRUNCATE : 0),
	    err, errlen) != 0)
		goto out;
	if (abi >= 4 && net_rules(ruleset, r, err, errlen) != 0)
		goto out;
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) {
		sys_error(err, errlen, errno, "sandbox: cannot enforce its Landlock ruleset");
		goto out;
	}
	ret = 0;
out:
	close(ruleset);
	return ret;
}
