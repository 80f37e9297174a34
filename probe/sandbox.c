/*
 * sandbox.c: a check's process gives up, before the check runs, what its
 * kind of check never needs, so that a peer exploiting a bug in libcurl or
 * the TLS library (or a hostile filesystem) gets a process that can do
 * little more than the check itself: its capabilities, new privileges,
 * resource limits, then Landlock (landlock.c: its files and ports) and
 * seccomp (seccomp.c: its system calls).
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "probe.h"
#include "sandbox.h"
#include "seccomp.h"
#include "util.h"

#define OPEN_FILES_MAX 64	/* RLIMIT_NOFILE: sockets, a TLS file or two */
#if defined(__SANITIZE_ADDRESS__)
#define ADDRESS_SPACE_MAX 0	/* ASan reserves terabytes of shadow */
#else
#define ADDRESS_SPACE_MAX (1024L * 1024 * 1024)
#endif


const char *
sandbox_describe(char *buf, size_t len)
{
	char ll[64];
	int abi = landlock_abi(), e = seccomp_errno();

	if (abi > 0)
		snprintf(ll, sizeof(ll), "Landlock (ABI %d)", abi);
	if (e == 0 && abi > 0)
		snprintf(buf, len, "seccomp and %s", ll);
	else if (e == 0)
		snprintf(buf, len, "seccomp only: no Landlock in this kernel");
	else if (e == EINVAL && abi > 0)
		snprintf(buf, len, "%s only: seccomp filters are not supported here", ll);
	else if (e == EINVAL)
		snprintf(buf, len, "resource limits only: neither seccomp filters "
		    "nor Landlock here");
	else
		sys_error(buf, len, e, "checks fail, set sandbox = no: seccomp "
		    "filters are forbidden here");
	return buf;
}

/* The capabilities a check of class cls keeps, as a mask. */
static uint64_t
caps_kept(enum sandbox_class cls)
{
	uint64_t keep = 1ULL << CAP_DAC_READ_SEARCH;

	if (cls == SANDBOX_WRITABLE)
		keep |= 1ULL << CAP_DAC_OVERRIDE;
	return keep;
}

int
sandbox_drop_caps(enum sandbox_class cls, char *err, size_t errlen)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uint64_t have, keep;
	int cap;

	if (syscall(SYS_capget, &h, d) != 0) {
		sys_error(err, errlen, errno, "sandbox: cannot read its capabilities");
		return -1;
	}
	have = d[0].permitted | (uint64_t)d[1].permitted << 32;
	if (have == 0)
		return 0;	/* no capability, none to gain: no exec is allowed */
	/* EINVAL: past the last one this kernel knows; EPERM: no CAP_SETPCAP */
	for (cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
			break;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	keep = have & caps_kept(cls);
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	d[0].inheritable = d[1].inheritable = 0;
	if (syscall(SYS_capset, &h, d) != 0) {
		sys_error(err, errlen, errno, "sandbox: cannot drop its capabilities");
		return -1;
	}
	return 0;
}

static void
limit(int resource, rlim_t max)
{
	struct rlimit rl;

	if (getrlimit(resource, &rl) != 0)
		return;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > max)
		rl.rlim_max = max;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > rl.rlim_max)
		rl.rlim_cur = rl.rlim_max;
	setrlimit(resource, &rl);
}

int
sandbox_enter(const struct sandbox_rules *r, int fd, char *err, size_t errlen)
{
	int abi = landlock_abi();

#ifdef PROBE_TEST_HOOKS	/* the test build: the sandbox as on a kernel without Landlock */
	const char *ll = getenv("PROBE_TEST_LANDLOCK");

	if (ll != NULL && strcmp(ll, "off") == 0)
		abi = 0;
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		sys_error(err, errlen, errno, "sandbox: cannot set no_new_privs");
		return -1;
	}
	limit(RLIMIT_CORE, 0);
	limit(RLIMIT_NOFILE, OPEN_FILES_MAX);
	if (ADDRESS_SPACE_MAX > 0)
		limit(RLIMIT_AS, (rlim_t)ADDRESS_SPACE_MAX);
	if (abi > 0 && landlock_enter(r, abi, err, errlen) != 0)
		return -1;
	return seccomp_enter(r, fd, err, errlen);
}
