/*
 * mountpoint.c: which mount holds a path. The kernel says which (statx's
 * mount id); /proc/self/mountinfo only says what that mount is. Its lines
 * are in the order the mounts were made (Linux 6.8 and later), so a mount
 * made before its parent, or one hidden under a later mount yet listed
 * under the exact path, misleads anything that goes by the order.
 */
#include <errno.h>
#include <linux/fcntl.h>	/* AT_FDCWD: musl's <fcntl.h> clashes with <linux/stat.h> */
#include <linux/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mountpoint.h"
#include "util.h"

#define METHOD_STATX "statx mount id"
#define METHOD_TREE "mount tree (the kernel gave no mount id)"

/*
 * The id of the mount that holds path, and whether path is its root (-1:
 * the kernel did not say): 1; 0 where the kernel cannot name the mount
 * (before Linux 5.8, statx refused by an old seccomp profile, qemu-user);
 * -1 with errno set.
 */
static int
kernel_mount_id(const char *path, int *id, int *is_root)
{
	struct statx sx;

#ifdef PROBE_TEST_HOOKS	/* the test build walks the tree on demand */
	if (getenv("PROBE_TEST_MOUNT_TREE") != NULL)
		return 0;
#endif
	memset(&sx, 0, sizeof(sx));
	if (syscall(SYS_statx, AT_FDCWD, path, 0, STATX_MNT_ID, &sx) != 0)
		return errno == ENOSYS || errno == EPERM ? 0 : -1;
	/* qemu-user 7.2 passes the mask on, and not the id */
	if (!(sx.stx_mask & STATX_MNT_ID) || sx.stx_mnt_id == 0)
		return 0;
	*id = (int)sx.stx_mnt_id;
	*is_root = -1;
	if (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
		*is_root = (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
	return 1;
}

static int
read_table(struct mountpoint *mp, char *err, size_t errlen)
{
	free(mp->text);
	mp->text = mountinfo_read(MOUNTINFO_PATH, err, errlen);
	return mp->text == NULL ? -1 : 0;
}

/* Where the kernel did not say whether path is the mount's root. */
static int
is_mount_root(const char *path, const struct mount_entry *e)
{
	char real[PATH_MAX];

	return realpath(path, real) != NULL && strcmp(real, e->mount_point) == 0;
}

/* 0 found, 1 the kernel cannot say, -1 with err filled. */
static int
find_by_id(const char *path, struct mountpoint *mp, char *err, size_t errlen)
{
	int tries, r, id = -1, root, bad;

	for (tries = 0; tries < 2; tries++) {	/* a mount made in between */
		if ((r = kernel_mount_id(path, &id, &root)) <= 0) {
			if (r < 0)
				sys_error(err, errlen, errno, "%s", path);
			return r < 0 ? -1 : 1;
		}
		if (read_table(mp, err, errlen) != 0)
			return -1;
		r = mountinfo_by_id(mp->text, id, &mp->mount, &bad);
		if (r < 0) {
			snprintf(err, errlen, "malformed line %d in " MOUNTINFO_PATH, bad);
			return -1;
		}
		if (r == 1) {
			mp->is_root = root >= 0 ? root : is_mount_root(path, &mp->mount);
			mp->method = METHOD_STATX;
			return 0;
		}
	}
	snprintf(err, errlen, "%s: its mount (id %d) is not in " MOUNTINFO_PATH,
	    path, id);
	return -1;
}

/* A path that cannot be resolved (a dead filesystem answers ENOTCONN):
 * the error, with the mount the table puts there if it names the path. */
static int
unresolved(const char *path, int e, struct mountpoint *mp, char *err,
    size_t errlen)
{
	char lit[PATH_MAX], why[160];
	size_t n;
	int bad;

	n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	snprintf(lit, sizeof(lit), "%.*s", (int)n, path);
	if (read_table(mp, why, sizeof(why)) == 0 &&
	    mountinfo_walk(mp->text, lit, &mp->mount, &bad) == 1)
		sys_error(err, errlen, e, "%s (%s from %s)", path, mp->mount.fstype,
		    mp->mount.source);
	else
		sys_error(err, errlen, e, "%s", path);
	return -1;
}

/* Before Linux 5.8: the mount tree, checked against the path's device. */
static int
find_in_tree(const char *path, struct mountpoint *mp, char *err, size_t errlen)
{
	char real[PATH_MAX];
	const struct mount_entry *e = &mp->mount;
	unsigned major, minor;
	int r, bad;

	if (realpath(path, real) == NULL || path_device(real, &major, &minor) != 0)
		return unresolved(path, errno, mp, err, errlen);
	if (read_table(mp, err, errlen) != 0)
		return -1;
	if ((r = mountinfo_walk(mp->text, real, &mp->mount, &bad)) < 0) {
		if (r == -2)
			snprintf(err, errlen, "out of memory reading " MOUNTINFO_PATH);
		else if (bad)
			snprintf(err, errlen, "malformed line %d in " MOUNTINFO_PATH, bad);
		else
			snprintf(err, errlen, "%s: no mount holds it in " MOUNTINFO_PATH,
			    real);
		return -1;
	}
	/* btrfs gives each subvolume a device number of its own. */
	if ((e->major != major || e->minor != minor) &&
	    strcmp(e->fstype, "btrfs") != 0) {
		snprintf(err, errlen, "%s: the mount table puts it on %s (device "
		    "%u:%u), the kernel on device %u:%u", path, e->mount_point,
		    e->major, e->minor, major, minor);
		return -1;
	}
	mp->is_root = r;
	mp->method = METHOD_TREE;
	return 0;
}

int
mountpoint_find(const char *path, struct mountpoint *mp, char *err,
    size_t errlen)
{
	int r;

	memset(mp, 0, sizeof(*mp));
	if ((r = find_by_id(path, mp, err, errlen)) != 1)
		return r;
	return find_in_tree(path, mp, err, errlen);
}

void
mountpoint_free(struct mountpoint *mp)
{
	if (mp == NULL)
		return;
	free(mp->text);
	mp->text = NULL;
}

const char *
mountpoint_describe(const struct mountpoint *mp, char *buf, size_t len)
{
	snprintf(buf, len, "%s from %s, %s", mp->mount.fstype, mp->mount.source,
	    mount_is_readonly(&mp->mount) ? "ro" : "rw");
	return buf;
}
