/*
 * check_writable.c: can a new file be created, written, synced, read back
 * and removed in a directory, with enough space left?
 *
 * The test file is one of a few fixed names, ".probe-writable.N", held
 * with flock() while in use. A file of that name whose lock can be taken
 * belongs to a run that was killed: it is removed. So leftovers are found
 * without listing the directory (which may hold millions of the app's
 * files), a later run cleans them up, and nothing else is ever opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "mountpoint.h"
#include "parse.h"
#include "probe.h"
#include "sandbox_rules.h"
#include "util.h"

#define SLOTS (2 * PROBE_GUARD_SLOTS)	/* in use at once, and a spare each */
#define SLOT_PASSES 20	/* a slot can be taken away by another run's sweep */
#define SLOT_PREFIX ".probe-writable."
#define STALE_UNLOCKED_S 60	/* age of a leftover where flock is unsupported */
#define TEST_SIZE 512

struct writable_check {
	char *path;
	unsigned long long min_free;	/* bytes */
	unsigned min_free_pct;		/* hundredths of a percent */
	unsigned long long min_inodes;
};

static int
writable_set(struct check *c, const char *key, const char *value, char *err,
    size_t errlen)
{
	struct writable_check *w = c->priv;

	if (strcmp(key, "path") == 0)
		return set_path(&w->path, value, err, errlen);
	if (strcmp(key, "min_free") == 0)
		return parse_size(value, &w->min_free, &w->min_free_pct, err, errlen);
	if (strcmp(key, "min_free_inodes") == 0)
		return parse_count(value, 1ULL << 62, &w->min_inodes, err, errlen);
	return CHECK_UNKNOWN_KEY;
}

static int
same_file(int dirfd, const char *name, int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 &&
	    fstatat(dirfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Remove slot name if it is a leftover of a dead run; 1 if removed. */
static int
reclaim(int dirfd, const char *name)
{
	struct stat st;
	int fd, dead = 0;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		dead = 1;
	else if (errno != EWOULDBLOCK)
		dead = time(NULL) - st.st_mtime > STALE_UNLOCKED_S;
	if (dead && same_file(dirfd, name, fd))
		dead = unlinkat(dirfd, name, 0) == 0;
out:
	close(fd);
	return dead;
}

/*
 * Remove the leftovers of dead runs, then create and lock a free slot.
 * Returns its fd, or -1 with errno set (EBUSY: every slot is in use).
 */
static int
take_slot(int dirfd, char *name, size_t namelen)
{
	struct timespec ms = { 0, 1000000 };
	int i, pass, fd;

	for (i = 0; i < SLOTS; i++) {
		snprintf(name, namelen, SLOT_PREFIX "%d", i);
		reclaim(dirfd, name);
	}
	for (pass = 0; pass < SLOT_PASSES; pass++) {
		for (i = 0; i < SLOTS; i++) {
			snprintf(name, namelen, SLOT_PREFIX "%d", i);
			fd = openat(dirfd, name,
			    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
			if (fd < 0 && errno == EEXIST)
				continue;
			if (fd < 0)
				return -1;
			if ((flock(fd, LOCK_EX | LOCK_NB) == 0 || errno != EWOULDBLOCK) &&
			    same_file(dirfd, name, fd))
				return fd;
			close(fd);	/* taken away between create and lock */
		}
		nanosleep(&ms, NULL);
	}
	errno = EBUSY;
	return -1;
}

/* "on /data, tmpfs from tmpfs, rw": the mount that holds path, for -v. */
static void
writable_where(const char *path, char *buf, size_t len)
{
	struct mountpoint mp;
	char err[160], what[PROBE_MSG_MAX];

	if (mountpoint_find(path, &mp, err, sizeof(err)) == 0)
		snprintf(buf, len, "on %s, %s", mp.mount.mount_point,
		    mountpoint_describe(&mp, what, sizeof(what)));
	else
		snprintf(buf, len, "its mount is unknown: %s", err);
	mountpoint_free(&mp);
}

static int
check_space(const struct writable_check *w, const struct statvfs *sv,
    int write_only, struct check_result *res)
{
	char on[PROBE_MSG_MAX] = "";
	unsigned long long avail = (unsigned long long)sv->f_bavail * sv->f_frsize;
	unsigned long long total = (unsigned long long)sv->f_blocks * sv->f_frsize;
	unsigned pct = total ? (unsigned)(avail * 10000 / total) : 0;
	char a[32], b[32];

	res->space.seen = 1;
	res->space.free_bytes = (double)avail;
	res->space.size_bytes = (double)total;
	res->space.free_inodes = sv->f_files ? (double)sv->f_favail : -1;
	res->space.inodes = sv->f_files ? (double)sv->f_files : -1;
	if (res->want_detail)	/* a read of the mount table */
		writable_where(w->path, on, sizeof(on));
	result_detail(res, "%s: %s; %s%s of %s free (%u.%02u%%), %llu of %llu inodes free",
	    w->path, on, write_only ? "not readable to this user (write-only "
	    "directory, tested through a path descriptor); " : "", format_size(avail, a, sizeof(a)), format_size(total, b, sizeof(b)),
	    pct / 100, pct % 100, (unsigned long long)sv->f_favail,
	    (unsigned long long)sv->f_files);
	if (w->min_free && avail < w->min_free)
		return result_set(res, PROBE_UNHEALTHY, "%s: %s free, below min_free %s",
		    w->path, format_size(avail, a, sizeof(a)),
		    format_size(w->min_free, b, sizeof(b)));
	if (w->min_free_pct && total && pct < w->min_free_pct)
		return result_set(res, PROBE_UNHEALTHY,
		    "%s: %u.%02u%% free, below min_free %u.%02u%%", w->path,
		    pct / 100, pct % 100, w->min_free_pct / 100, w->min_free_pct % 100);
	if (w->min_inodes && sv->f_files != 0 && sv->f_favail < w->min_inodes)
		return result_set(res, PROBE_UNHEALTHY,
		    "%s: %llu inodes free, below min_free_inodes %llu", w->path,
		    (unsigned long long)sv->f_favail, w->min_inodes);
	return PROBE_HEALTHY;
}

/* The directory, or where it cannot be read (a drop directory, mode 733:
 * files can be made in it, it cannot be listed) a path descriptor, which
 * is all the test needs; *write_only says which. -1 with errno set. */
static int
open_dir(const char *path, int *write_only)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	*write_only = 0;
	if (fd < 0 && errno == EACCES &&
	    (fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) >= 0)
		*write_only = 1;
	return fd;
}

/* Write, sync, read back and compare the test file fd, then unlink it
 * (name emptied once gone). Returns PROBE_HEALTHY, or the failure in res. */
static int
write_test(const char *path, int dirfd, int fd, char *name,
    struct check_result *res)
{
	char out[TEST_SIZE], in[TEST_SIZE];
	const char *step = "cannot write its test file";
	size_t i, seed = (size_t)getpid();	/* runs at once write different data */
	ssize_t n;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (char)('a' + (i + seed) % 26);
	if ((n = write(fd, out, sizeof(out))) != (ssize_t)sizeof(out)) {
		if (n >= 0)
			errno = ENOSPC;
		goto fail;
	}
	step = "cannot sync its test file";
	if (fsync(fd) != 0)
		goto fail;
	step = "cannot read its test file back";
	if ((n = pread(fd, in, sizeof(in), 0)) != (ssize_t)sizeof(in)) {
		if (n >= 0)
			errno = EIO;
		goto fail;
	}
	if (memcmp(in, out, sizeof(in)) != 0)
		return result_set(res, PROBE_UNHEALTHY,
		    "%s: data read back differs from data written", path);
	step = "cannot remove its test file";
	if (unlinkat(dirfd, name, 0) != 0)
		goto fail;
	name[0] = '\0';
	return PROBE_HEALTHY;
fail:
	return result_sys(res, errno, "%s: %s", path, step);
}

static int
writable_run(const struct check *c, long timeout_ms, struct check_result *res)
{
	const struct writable_check *w = c->priv;
	char name[32], size[32];
	struct statvfs sv;
	int dirfd, fd = -1, ret, write_only;

	(void)timeout_ms;	/* the runner kills us when it runs out */
	if ((dirfd = open_dir(w->path, &write_only)) < 0)
		return result_sys(res, errno, "%s", w->path);
	name[0] = '\0';
	if (fstatvfs(dirfd, &sv) != 0)
		ret = result_sys(res, errno, "%s: cannot read its free space", w->path);
	else if ((ret = check_space(w, &sv, write_only, res)) != PROBE_HEALTHY)
		;
	else if ((fd = take_slot(dirfd, name, sizeof(name))) < 0 && errno == EBUSY)
		ret = result_set(res, PROBE_UNHEALTHY,
		    "%s: all %d test files are in use by other probes", w->path, SLOTS);
	else if (fd < 0)
		ret = result_sys(res, errno, "%s: cannot create a file", w->path);
	else if ((ret = write_test(w->path, dirfd, fd, name, res)) == PROBE_HEALTHY)
		ret = result_set(res, PROBE_HEALTHY, "%s: writable, %s free", w->path,
		    format_size((unsigned long long)sv.f_bavail * sv.f_frsize, size,
		    sizeof(size)));
	if (fd >= 0 && name[0] != '\0')
		unlinkat(dirfd, name, 0);
	if (fd >= 0)
		close(fd);
	close(dirfd);
	return ret;
}

static void
writable_release(struct check *c)
{
	struct writable_check *w = c->priv;

	free(w->path);
}

static void
writable_sandbox(const struct check *c, struct sandbox_rules *r)
{
	const struct writable_check *w = c->priv;

	r->dir = w->path;
	r->read[r->nread++] = MOUNTINFO_PATH;
}

static const struct check_key writable_keys[] = {
	{ "path", "PATH", NULL, KEY_REQUIRED },
	{ "min_free", "SIZE", NULL, 0 },
	{ "min_free_inodes", "COUNT", NULL, 0 },
	{ NULL, NULL, NULL, 0 },
};

const struct check_type check_writable = {
	.name = "writable",
	.summary = "a file can be written, read and removed in PATH",
	.target_key = "path",
	.target_arg = "PATH",
	.keys = writable_keys,
	.flags = CHECK_ON_PATH,
	.sandbox_class = SANDBOX_WRITABLE,
	.priv_size = sizeof(struct writable_check),
	.set = writable_set,
	.run = writable_run,
	.release = writable_release,
	.sandbox = writable_sandbox,
};
