/*
 * seccomp.c: the system calls a check's process may still make. The
 * filter allows the calls of its class (sandbox.h) and traps the rest: the
 * SIGSYS handler writes a result naming the call over the check's result
 * pipe and exits, so a breach is reported, not silent (a call made with
 * every signal blocked, as musl's fork() does, kills the process instead:
 * the report then says so without the call's name). The lists are per
 * architecture, from its own <sys/syscall.h>, for what musl and glibc call
 * there. Written by hand: libseccomp does not link statically within the
 * size budget.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"
#include "sandbox_rules.h"
#include "seccomp.h"
#include "util.h"

#if defined(__x86_64__)
#define SANDBOX_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SANDBOX_ARCH AUDIT_ARCH_AARCH64
#elif defined(__arm__) && defined(__ARMEL__)
#define SANDBOX_ARCH AUDIT_ARCH_ARM
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SANDBOX_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
#define SANDBOX_ARCH AUDIT_ARCH_S390X
#else
#error "seccomp.c: no seccomp filter for this architecture"
#endif

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

struct call {
	long nr;
	const char *name;
};

#define C(n) { SYS_##n, #n }

/*
 * Every check: memory, time, signals, its own descriptors, exit. The
 * numbers are the target's own (its <sys/syscall.h>); where an
 * architecture names a call differently, each of its names is listed:
 * 32-bit ARM has mmap2, _llseek, fstatat64, the *32 ids, and for each
 * call with a time both the old one and its 64-bit-time twin, which musl
 * tries first. Where an architecture still has open, stat, poll and the
 * like (x86-64, ppc64, s390x), musl calls them rather than their *at
 * successors; where it has statfs64, musl calls that.
 */
static const struct call base_calls[] = {
	C(read), C(write), C(readv), C(writev), C(pread64), C(close), C(dup),
	C(dup3), C(pipe2), C(fcntl), C(lseek), C(fstat), C(statx),
	C(fstatfs), C(openat), C(readlinkat), C(faccessat), C(getcwd),
	C(exit), C(exit_group), C(rt_sigprocmask), C(rt_sigreturn),
	C(sigaltstack), C(restart_syscall), C(brk), C(munmap), C(mremap),
	C(madvise), C(mprotect), C(futex), C(set_robust_list),
	C(set_tid_address), C(getpid), C(gettid), C(getppid), C(getuid),
	C(geteuid), C(getgid), C(getegid), C(nanosleep), C(getrandom),
	C(sysinfo), C(uname), C(sched_yield), C(sched_getaffinity),
	C(prlimit64), C(ppoll), C(pselect6),
#ifdef SYS_rseq
	C(rseq),
#endif
#ifdef SYS_faccessat2	/* glibc's realpath() of a path with a trailing slash */
	C(faccessat2),
#endif
#ifdef SYS_fstatfs64
	C(fstatfs64),
#endif
#if !defined(__arm__)
	C(newfstatat), C(mmap), C(clock_gettime), C(clock_getres),
	C(clock_nanosleep), C(gettimeofday), C(getrlimit),
#endif
#if defined(__x86_64__) || defined(__powerpc64__) || defined(__s390x__)
	C(open), C(stat), C(lstat), C(access), C(readlink), C(dup2), C(poll),
	C(select),
#endif
#if defined(__x86_64__)
	C(time), C(arch_prctl),
#endif
#if defined(__arm__)
	C(mmap2), C(_llseek), C(fstat64), C(fstatat64), C(fcntl64),
	C(ugetrlimit), C(getuid32), C(geteuid32), C(getgid32),
	C(getegid32), C(clock_gettime32), C(clock_gettime64),
	C(clock_getres_time32), C(clock_getres_time64), C(clock_nanosleep_time32),
	C(clock_nanosleep_time64), C(gettimeofday_time32), C(futex_time64),
	C(ppoll_time64), C(pselect6_time64), C(_newselect), C(poll),
	C(sigreturn), C(open), C(stat64), C(lstat64), C(access), C(readlink),
	C(dup2),
#endif
};

/* Network checks: sockets (and netlink, for glibc's name lookup). */
static const struct call net_calls[] = {
	C(socket), C(connect), C(bind), C(getsockopt), C(setsockopt),
	C(getsockname), C(getpeername), C(sendto), C(recvfrom), C(sendmsg),
	C(recvmsg), C(sendmmsg), C(recvmmsg), C(shutdown), C(socketpair),
	C(eventfd2), C(statfs),
#ifdef SYS_statfs64
	C(statfs64),
#endif
#if defined(__arm__)
	C(recvmmsg_time64), C(send), C(recv),
#endif
};

/* mount: mountinfo and the mount point. */
static const struct call mount_calls[] = {
	C(statfs),
#ifdef SYS_statfs64
	C(statfs64),
#endif
};

/* writable: the test file. */
static const struct call writable_calls[] = {
	C(statfs), C(flock), C(fsync), C(fdatasync), C(unlinkat), C(pwrite64),
	C(ftruncate),
#ifdef SYS_statfs64
	C(statfs64),
#endif
#if defined(__arm__)
	C(ftruncate64),
#endif
};

/* Never allowed: named when a check makes them. */
static const struct call other_calls[] = {
	C(execve), C(execveat), C(ptrace), C(clone), C(clone3), C(kill),
	C(tgkill), C(tkill), C(rt_sigaction), C(mount), C(umount2), C(chroot),
	C(pivot_root), C(setuid), C(setgid), C(setns), C(unshare), C(mkdirat),
	C(renameat2), C(ioctl), C(linkat), C(symlinkat), C(fchmod),
	C(fchmodat), C(fchown), C(fchownat), C(process_vm_readv),
	C(process_vm_writev), C(memfd_create), C(bpf), C(perf_event_open),
	C(listen), C(accept4), C(prctl), C(seccomp), C(getdents64),
	C(inotify_init1), C(truncate), C(wait4), C(waitid), C(pidfd_open),
	C(landlock_create_ruleset), C(landlock_add_rule),
	C(landlock_restrict_self),
#ifdef SYS_accept	/* s390x has accept4 only */
	C(accept),
#endif
#ifdef SYS_socketcall	/* every socket call in one, where it exists */
	C(socketcall),
#endif
#ifdef SYS_fork
	C(fork), C(vfork), C(unlink), C(rename), C(mkdir), C(chmod), C(chown),
	C(link), C(symlink), C(creat), C(getdents), C(renameat),
#endif
};

#undef C

static int report_fd = -1;

const char *
seccomp_syscall_name(long nr)
{
	static const struct {
		const struct call *calls;
		size_t n;
	} lists[] = {
		{ base_calls, sizeof(base_calls) / sizeof(base_calls[0]) },
		{ net_calls, sizeof(net_calls) / sizeof(net_calls[0]) },
		{ mount_calls, sizeof(mount_calls) / sizeof(mount_calls[0]) },
		{ writable_calls, sizeof(writable_calls) / sizeof(writable_calls[0]) },
		{ other_calls, sizeof(other_calls) / sizeof(other_calls[0]) },
	};
	size_t i, j;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		for (j = 0; j < lists[i].n; j++)
			if (lists[i].calls[j].nr == nr)
				return lists[i].calls[j].name;
	return NULL;
}

static size_t
put(char *buf, size_t at, size_t len, const char *s)
{
	while (*s != '\0' && at + 1 < len)
		buf[at++] = *s++;
	buf[at] = '\0';
	return at;
}

/* Async-signal-safe: no stdio, no allocation. */
static void
on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	static struct check_result r;
	const char *name = seccomp_syscall_name(si->si_syscall);
	char num[24];
	size_t at, i = sizeof(num) - 1;
	long nr = si->si_syscall;

	(void)sig;
	(void)ctx;
	memset(&r, 0, sizeof(r));
	r.healthy = 0;
	at = put(r.message, 0, sizeof(r.message),
	    "check killed by its sandbox: syscall ");
	if (name == NULL) {
		num[i] = '\0';
		do
			num[--i] = (char)('0' + nr % 10);
		while ((nr /= 10) > 0 && i > 0);
		name = num + i;
	}
	put(r.message, at, sizeof(r.message), name);
	if (write(report_fd, &r, sizeof(r)) < 0)
		_exit(126);
	_exit(126);
}

/* The low half of argument i: its first word, or its second where the
 * machine is big-endian (s390x). */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ARG(i) (offsetof(struct seccomp_data, args[i]) + 4)
#else
#define ARG(i) (offsetof(struct seccomp_data, args[i]))
#endif
#define ARG0 ARG(0)
#define ARG1 ARG(1)
/* clone's flags: s390's clone takes the new stack first. */
#if defined(__s390x__)
#define CLONE_FLAGS ARG1
#else
#define CLONE_FLAGS ARG0
#endif
#define NR (offsetof(struct seccomp_data, nr))
#define PROG_MAX 255	/* jumps of 8 bits reach anywhere from the tree */

/* What the filter does with a call: allow it, or look at its arguments. */
enum verdict { V_TRAP, V_ALLOW, V_CLONE, V_IOCTL, V_SELF, V_SIGACTION, V_ENOSYS,
	V_FCNTL, V_PRLIMIT, V_SOCKET, V_N };

#define NR_MAX 1024	/* call numbers above trap (none is listed there) */

struct segment {
	unsigned nr;	/* from nr on, up to the next segment's */
	unsigned char v;
};

struct filter {
	struct sock_filter *prog;
	size_t n;
	unsigned char verdict[NR_MAX];	/* enum verdict of each call number */
	struct segment segs[NR_MAX + 1];
	size_t nsegs;
	size_t at[V_N];		/* where each verdict's instructions start */
};

static void
set_verdicts(struct filter *f, const struct call *calls, size_t ncalls,
    enum verdict v)
{
	size_t i;

	for (i = 0; i < ncalls; i++)
		if (calls[i].nr >= 0 && calls[i].nr < NR_MAX)
			f->verdict[calls[i].nr] = (unsigned char)v;
}

/*
 * The number line cut into segments, each from its nr up to the next
 * one's, with one verdict: neighbouring calls of the same verdict share
 * one, the calls between them trap.
 */
static void
make_segments(struct filter *f)
{
	unsigned nr;

	f->nsegs = 0;
	for (nr = 0; nr < NR_MAX; nr++)
		if (f->nsegs == 0 || f->segs[f->nsegs - 1].v != f->verdict[nr])
			f->segs[f->nsegs++] = (struct segment){ nr, f->verdict[nr] };
	if (f->segs[f->nsegs - 1].v != V_TRAP)
		f->segs[f->nsegs++] = (struct segment){ NR_MAX, V_TRAP };
}

/*
 * A binary search over the segments: one comparison per node, a leaf is
 * a jump to its segment's verdict after the tree. A call costs about as
 * many comparisons as the log of the segments, and the filter stays short
 * (the kernel compiles it for every check's process). segs[lo, hi) holds
 * at least two segments.
 */
static void
emit_tree(struct filter *f, size_t lo, size_t hi)
{
	size_t mid = lo + (hi - lo) / 2, here = f->n++;
	unsigned char jt, jf;

	jf = (unsigned char)(mid - lo == 1 ? f->at[f->segs[lo].v] - here - 1 : 0);
	if (hi - mid == 1)
		jt = (unsigned char)(f->at[f->segs[mid].v] - here - 1);
	else
		jt = (unsigned char)(mid - lo == 1 ? 0 : mid - lo - 1);
	f->prog[here] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
	    f->segs[mid].nr, jt, jf);
	if (mid - lo > 1)
		emit_tree(f, lo, mid);
	if (hi - mid > 1)
		emit_tree(f, mid, hi);
}

#define ADD(insn) (f->prog[f->n++] = (struct sock_filter)insn)
#define VERDICTS_SIZE 52	/* what emit_verdicts() adds, at most */

/* A jump from here to the instructions at to_t and to_f (both ahead). */
static void
emit_jump(struct filter *f, unsigned short op, unsigned k, size_t to_t, size_t to_f)
{
	size_t here = f->n++;

	f->prog[here] = (struct sock_filter)BPF_JUMP(BPF_JMP | op | BPF_K, k,
	    (unsigned char)(to_t - here - 1), (unsigned char)(to_f - here - 1));
}
/* At verdict v: allow the call if the low half of the argument at off
 * passes op k (BPF_JEQ, BPF_JSET), or, with !allow, unless it does. */
static void
emit_arg_test(struct filter *f, enum verdict v, unsigned off, unsigned short op,
    unsigned k, int allow)
{
	f->at[v] = f->n;
	ADD(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off));
	ADD(BPF_JUMP(BPF_JMP | op | BPF_K, k, allow ? 0 : 1, allow ? 1 : 0));
	ADD(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	ADD(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
}

struct range {
	unsigned lo, hi;
};

/* At verdict v: allow the call if the low half of the argument at off
 * lies in one of the n ranges (ascending, apart), else trap. */
static void
emit_arg_ranges(struct filter *f, enum verdict v, unsigned off,
    const struct range *r, size_t n)
{
	size_t allow = f->n + 1 + 2 * n, i;

	f->at[v] = f->n;
	ADD(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off));
	for (i = 0; i < n; i++) {
		emit_jump(f, BPF_JGE, r[i].lo, f->n + 1, allow + 1);
		emit_jump(f, BPF_JGT, r[i].hi, f->n + 1, allow);
	}
	ADD(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	ADD(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
}

/*
 * socket(): IPv4 and IPv6 streams and datagrams (no raw sockets); AF_UNIX
 * only for a check given a Unix socket, else EACCES (glibc's resolver
 * then does without nscd); with glibc, NETLINK_ROUTE for the resolver's
 * AI_ADDRCONFIG; any other domain (AF_PACKET, ...) traps.
 */
static void
emit_socket(struct filter *f, int unix_ok)
{
#ifdef __GLIBC__
	const size_t nl = 1;
#else
	const size_t nl = 0;
#endif
	size_t base = f->n, type = base + 4 + nl, allow = base + 8 + 3 * nl;

	f->at[V_SOCKET] = base;
	ADD(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0));
	emit_jump(f, BPF_JEQ, AF_UNIX, allow + 2, f->n + 1);
	emit_jump(f, BPF_JEQ, AF_INET, type, f->n + 1);
	if (nl)
		emit_jump(f, BPF_JEQ, AF_NETLINK, type + 4, f->n + 1);
	emit_jump(f, BPF_JEQ, AF_INET6, type, allow + 1);
	ADD(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG1));
	ADD(BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf));
	emit_jump(f, BPF_JEQ, SOCK_STREAM, allow, f->n + 1);
	emit_jump(f, BPF_JEQ, SOCK_DGRAM, allow, allow + 1);
	if (nl) {
		ADD(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])));
		emit_jump(f, BPF_JEQ, NETLINK_ROUTE, allow, allow + 1);
	}
	ADD(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	ADD(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
	ADD(BPF_STMT(BPF_RET | BPF_K, unix_ok ? SECCOMP_RET_ALLOW :
	    SECCOMP_RET_ERRNO | EACCES));
}

/* The verdicts after the tree: each ends in a return. */
static void
emit_verdicts(struct filter *f, pid_t pid, int unix_ok)
{
	/* fcntl: locks, flags, duplicates; never F_SETOWN, F_SETOWN_EX or
	 * F_SETSIG (a signal to another process), leases or notifications */
	static const struct range fcntl_cmds[] = {	/* the kernel's numbers:
		 * F_DUPFD to F_SETLKW, F_GETLK64 to F_SETLKW64 (musl's F_*LK on
		 * 32-bit), F_OFD_GETLK to F_OFD_SETLKW, F_DUPFD_CLOEXEC */
		{ 0, 7 }, { 12, 14 }, { 36, 38 }, { 1030, 1030 },
	};
	struct range self[] = { { 0, 0 }, { (unsigned)pid, (unsigned)pid } };

	f->at[V_TRAP] = f->n;
	ADD(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
	f->at[V_ALLOW] = f->n;
	ADD(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	/* threads (libcurl's name lookup), no processes */
	emit_arg_test(f, V_CLONE, CLONE_FLAGS, BPF_JSET, CLONE_THREAD, 1);
	/* how much a DNS answer holds (glibc's resolver) */
	emit_arg_test(f, V_IOCTL, ARG1, BPF_JEQ, FIONREAD, 1);
	/* kill, tkill, tgkill: to itself (abort(), raise()) */
	emit_arg_test(f, V_SELF, ARG0, BPF_JEQ, (unsigned)pid, 1);
	/* any handler but SIGSYS's, which reports */
	emit_arg_test(f, V_SIGACTION, ARG0, BPF_JEQ, SIGSYS, 0);
	/* clone3, whose flags a filter cannot read: libc falls back to clone */
	f->at[V_ENOSYS] = f->n;
	ADD(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS));
	emit_arg_ranges(f, V_FCNTL, ARG1, fcntl_cmds,
	    sizeof(fcntl_cmds) / sizeof(fcntl_cmds[0]));
	/* prlimit64: its own limits only (pid 0 or its own) */
	emit_arg_ranges(f, V_PRLIMIT, ARG0, self, 2);
	emit_socket(f, unix_ok);
}

/* The verdict of each call number for class cls. */
static void
class_rules(struct filter *f, enum sandbox_class cls)
{
	static const struct call fcntl_calls[] = {
		{ SYS_fcntl, "fcntl" },
#ifdef SYS_fcntl64
		{ SYS_fcntl64, "fcntl64" },
#endif
	};
	size_t i;

	memset(f->verdict, V_TRAP, sizeof(f->verdict));
	set_verdicts(f, base_calls, sizeof(base_calls) / sizeof(base_calls[0]), V_ALLOW);
	if (cls == SANDBOX_NET) {
		set_verdicts(f, net_calls, sizeof(net_calls) / sizeof(net_calls[0]),
		    V_ALLOW);
		f->verdict[SYS_clone] = V_CLONE;
		f->verdict[SYS_ioctl] = V_IOCTL;
		f->verdict[SYS_socket] = V_SOCKET;
	} else if (cls == SANDBOX_MOUNT)
		set_verdicts(f, mount_calls, sizeof(mount_calls) / sizeof(mount_calls[0]),
		    V_ALLOW);
	else if (cls == SANDBOX_WRITABLE)
		set_verdicts(f, writable_calls,
		    sizeof(writable_calls) / sizeof(writable_calls[0]), V_ALLOW);
	f->verdict[SYS_kill] = V_SELF;
	f->verdict[SYS_tkill] = V_SELF;
	f->verdict[SYS_tgkill] = V_SELF;
	f->verdict[SYS_rt_sigaction] = V_SIGACTION;
	f->verdict[SYS_clone3] = V_ENOSYS;
	f->verdict[SYS_prlimit64] = V_PRLIMIT;
	for (i = 0; i < sizeof(fcntl_calls) / sizeof(fcntl_calls[0]); i++)
		f->verdict[fcntl_calls[i].nr] = V_FCNTL;
}

int
seccomp_allows(enum sandbox_class cls, const char *name)
{
	static struct filter f;	/* large; tests only, never in a check */
	long nr;

	class_rules(&f, cls);
	for (nr = 0; nr < NR_MAX; nr++) {
		const char *n = seccomp_syscall_name(nr);

		if (n != NULL && strcmp(n, name) == 0)
			return f.verdict[nr] != V_TRAP;
	}
	return 0;
}

/*
 * The filters, built once in the process that forks the checks' processes
 * (seccomp_prepare()), one per class and Unix socket rule: each check's
 * process copies its own and patches in its pid, where building it there
 * cost every check the same work and three pages of memory.
 */
struct prebuilt {
	size_t len;		/* 0: not built */
	size_t self_at, prlimit_at;	/* the instructions that name the pid */
	struct sock_filter prog[PROG_MAX];
};
static struct prebuilt prebuilt[SANDBOX_FILES + 1][2];

/*
 * The filter of r's class into pb, for pid 0: the calls of its class
 * allowed, those of the verdicts above looked at, any other traps. Its
 * length stays 0 if it would not fit.
 */
static void
build_filter(struct prebuilt *pb, const struct sandbox_rules *r)
{
	static struct filter storage;	/* large: not on the stack */
	struct filter *f = &storage;
	size_t len, start;

	f->prog = pb->prog;
	f->n = 0;
	class_rules(f, r->cls);
	/*
	 * When a filter is installed, the kernel runs it for every call
	 * number to cache the calls it always allows, and stops at the first
	 * load of an argument. Loading one first makes that cost nothing (it
	 * was most of the sandbox's cost per check: about 2 microseconds per
	 * instruction of the filter here); the filter, compiled, then runs a
	 * dozen instructions per call instead.
	 */
	ADD(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0));
	ADD(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
	ADD(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, 1, 0));
	ADD(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
	ADD(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR));
#if defined(__x86_64__)
	ADD(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1));	/* x32 */
	ADD(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
#endif
	/* The tree, then the verdicts it jumps to: every jump forward. */
	make_segments(f);
	start = f->n;
	if (start + f->nsegs - 1 + VERDICTS_SIZE > PROG_MAX)
		return;
	f->n = start + f->nsegs - 1;
	emit_verdicts(f, 0, r->unix_socket);
	len = f->n;
	f->n = start;
	emit_tree(f, 0, f->nsegs);
	pb->self_at = f->at[V_SELF] + 1;	/* emit_arg_test()'s jump */
	pb->prlimit_at = f->at[V_PRLIMIT] + 3;	/* the second range's two */
	pb->len = len;
}
#undef ADD

void
seccomp_prepare(const struct sandbox_rules *r)
{
	struct prebuilt *pb = &prebuilt[r->cls][r->unix_socket != 0];

	if (pb->len == 0)
		build_filter(pb, r);
}

/* The filter of r for process pid into prog; returns its length, 0 if it
 * would not fit. */
static size_t
filter_of(struct sock_filter *prog, const struct sandbox_rules *r, pid_t pid)
{
	const struct prebuilt *pb = &prebuilt[r->cls][r->unix_socket != 0];

	seccomp_prepare(r);	/* here, if nobody did before the fork */
	memcpy(prog, pb->prog, pb->len * sizeof(prog[0]));
	prog[pb->self_at].k = (unsigned)pid;
	prog[pb->prlimit_at].k = (unsigned)pid;
	prog[pb->prlimit_at + 1].k = (unsigned)pid;
	return pb->len;
}

int
seccomp_errno(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };
	int st;
	pid_t pid;

	if ((pid = fork()) < 0)
		return errno;
	if (pid == 0)
		_exit(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0 ?
		    (errno & 0xff) : 0);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return ECHILD;
	return WEXITSTATUS(st);
}
/*
 * Install the filter. SECCOMP_FILTER_FLAG_SPEC_ALLOW: without it the
 * kernel also turns on the speculative store bypass mitigation for the
 * process, which costs a model-specific register write at every switch to
 * it (a trap to the hypervisor on a virtual machine) and guards against
 * code in the same process, which a check's process does not run. Where
 * the flag or seccomp() is unknown, prctl() does without it.
 */
static int
install(const struct sock_fprog *prog)
{
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	    SECCOMP_FILTER_FLAG_SPEC_ALLOW, prog) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog, 0, 0);
}

int
seccomp_enter(const struct sandbox_rules *r, int fd, char *err, size_t errlen)
{
	struct sock_filter prog[PROG_MAX];
	struct sock_fprog fprog;
	struct sigaction sa;
	size_t n;

	report_fd = fd;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) != 0) {
		sys_error(err, errlen, errno, "sandbox: cannot catch SIGSYS");
		return -1;
	}
	if ((fprog.len = (unsigned short)filter_of(prog, r, getpid())) == 0) {
		snprintf(err, errlen, "sandbox: cannot build its seccomp filter: "
		    "longer than %d instructions", PROG_MAX);
		return -1;
	}
	fprog.filter = prog;
	/* EINVAL: no seccomp filters here at all (an old kernel, qemu-user),
	 * which -v and --check-config say; the rest of the sandbox holds. */
	if (install(&fprog) != 0 && errno != EINVAL) {
		sys_error(err, errlen, errno, "sandbox: cannot install its seccomp filter");
		n = strlen(err);
		snprintf(err + n, errlen - n, " (where a platform forbids seccomp "
		    "filters, set sandbox = no in [probe])");
		return -1;
	}
	return 0;
}
