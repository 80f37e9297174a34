/* mountpoint.h: which mount holds a path, as the kernel says. */
#ifndef MOUNTPOINT_H
#define MOUNTPOINT_H

#include <limits.h>
#include <stddef.h>

#include "mountinfo.h"

#define MOUNTINFO_PATH "/proc/self/mountinfo"

struct mountpoint {
	struct mount_entry mount;	/* the mount that holds the path: its
					 * line of MOUNTINFO_PATH, in text */
	int is_root;		/* the path is that mount's root: a mount
				 * point of its own */
	const char *method;	/* how the kernel was asked, for -v */
	char *text;		/* the table read, freed by mountpoint_free() */
};

/*
 * Find the mount that holds path (symlinks followed). From Linux 5.8 the
 * kernel names it (statx() with STATX_MNT_ID and STATX_ATTR_MOUNT_ROOT) and
 * only its line is read from MOUNTINFO_PATH; on older kernels the mount
 * tree of MOUNTINFO_PATH is walked from its root and checked against the
 * path's device. Never by the order of the lines, which since Linux 6.8 is
 * the order the mounts were made in. Returns 0, or -1 with err filled
 * ("PATH: no such file or directory (ENOENT)", ...). Call
 * mountpoint_free() either way.
 */
int mountpoint_find(const char *path, struct mountpoint *mp, char *err,
    size_t errlen);

/* Free what mountpoint_find() allocated; mp may be zeroed or NULL. */
void mountpoint_free(struct mountpoint *mp);

/* "tmpfs from tmpfs, rw": the mount's type, source and mode; returns buf. */
const char *mountpoint_describe(const struct mountpoint *mp, char *buf,
    size_t len);

#endif
