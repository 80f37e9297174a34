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

static int prepared;	/* sandbox_prepare() ran in this process, or its parent */

/*
 * Empty the bounding set: what an exec could ever grant. Done once in the
 * process that forks the checks (which never execs), whose children
 * inherit it, where each check doing it cost 41 calls. EINVAL: past the
 * last capability this kernel knows; EPERM: no CAP_SETPCAP, not root.
 */
static void
drop_bounding(void)
{
	int cap;

	for (cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
			break;
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

	if (syscall(SYS_capget, &h, d) != 0) {
		sys_error(err, errlen, errno, "sandbox: cannot read its capabilities");
		return -1;
	}
	have = d[0].permitted | (uint64_t)d[1].permitted << 32;
	if (have == 0)
		return 0;	/* no capability, none to gain: no exec is allowed */
	if (!prepared)	/* else gone already, in the process that forked us */
		drop_bounding();
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

/* The limits of a check's process, worked out once (sandbox_prepare()). */
static struct limit {
	int resource;
	rlim_t max;
	int ok;		/* rl is what to set */
	struct rlimit rl;
} limits[] = {
	{ RLIMIT_CORE, 0, 0, { 0, 0 } },
	{ RLIMIT_NOFILE, OPEN_FILES_MAX, 0, { 0, 0 } },
	{ RLIMIT_AS, ADDRESS_SPACE_MAX, 0, { 0, 0 } },
};
static int abi;

void
sandbox_prepare(void)
{
	struct limit *l;
	size_t i;

	if (prepared)
		return;
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		l = &limits[i];
		if ((l->resource == RLIMIT_AS && l->max == 0) ||
		    getrlimit(l->resource, &l->rl) != 0)
			continue;	/* ASan: its shadow needs terabytes */
		if (l->rl.rlim_max == RLIM_INFINITY || l->rl.rlim_max > l->max)
			l->rl.rlim_max = l->max;
		if (l->rl.rlim_cur == RLIM_INFINITY || l->rl.rlim_cur > l->rl.rlim_max)
			l->rl.rlim_cur = l->rl.rlim_max;
		l->ok = 1;
	}
	abi = landlock_abi();
	drop_bounding();
	prepared = 1;
}

void
sandbox_prepare_rules(const struct sandbox_rules *r)
{
	seccomp_prepare(r);
}

int
sandbox_enter(const struct sandbox_rules *r, int fd, char *err, size_t errlen)
{
#ifdef PROBE_TEST_HOOKS	/* the test build: the sandbox as on a kernel without Landlock */
	const char *ll = getenv("PROBE_TEST_LANDLOCK");
#endif
	int ll_abi;
	size_t i;

	sandbox_prepare();
	ll_abi = abi;
#ifdef PROBE_TEST_HOOKS
	if (ll != NULL && strcmp(ll, "off") == 0)
		ll_abi = 0;
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		sys_error(err, errlen, errno, "sandbox: cannot set no_new_privs");
		return -1;
	}
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		if (limits[i].ok)
			setrlimit(limits[i].resource, &limits[i].rl);
	if (ll_abi > 0 && landlock_enter(r, ll_abi, err, errlen) != 0)
		return -1;
	return seccomp_enter(r, fd, err, errlen);
}
