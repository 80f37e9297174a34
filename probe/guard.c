/*
 * guard.c: the guard slots of a path are lock files, PATHHASH.0 to .7, in
 * a directory of this user's own (mode 0700, under /dev/shm): a slot is
 * taken by holding flock() on its file. Only this user's processes (and
 * root) can open them, so nothing else in the pod's network or on the
 * node can take the slots away, as anyone could bind the abstract socket
 * names used before. The kernel drops a lock when its last holder is
 * gone, so a slot outlives a check only while the check's process does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard.h"
#include "probe.h"
#include "util.h"

static int dir_fd = -1;
static char dir_path[300];
static char dir_why[400];

/* The guard directory, opened once per process; -1 with dir_why. */
static int
guard_dir(void)
{
	const char *base = getenv("PROBE_GUARD_DIR");
	struct stat st;
	int fd;

	if (dir_fd >= 0)
		return dir_fd;
	if (base == NULL || *base == '\0')
		base = GUARD_DIR_DEFAULT;
	snprintf(dir_path, sizeof(dir_path), "%s/probe-guards.%ld", base,
	    (long)geteuid());
	if (mkdir(dir_path, 0700) != 0 && errno != EEXIST) {
		sys_error(dir_why, sizeof(dir_why), errno, "%s: cannot create", dir_path);
		return -1;
	}
	if ((fd = open(dir_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		sys_error(dir_why, sizeof(dir_why), errno, "%s: cannot open", dir_path);
		return -1;
	}
	if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		snprintf(dir_why, sizeof(dir_why), "%s: not this user's own with mode "
		    "0700 (made by someone else?)", dir_path);
		close(fd);
		return -1;
	}
	dir_fd = fd;
	return fd;
}

/* Slot i of path: a locked descriptor, GUARD_BUSY or GUARD_NONE. */
static int
slot_take(int dir, uint64_t h, int i)
{
	char name[40];
	int fd;

	snprintf(name, sizeof(name), "%016llx.%d", (unsigned long long)h, i);
	fd = openat(dir, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC, 0600);
	if (fd < 0)
		return GUARD_NONE;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	close(fd);
	return errno == EWOULDBLOCK ? GUARD_BUSY : GUARD_NONE;
}

int
guard_take(const char *path)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	const char *p;
	int dir, i, fd;

	if ((dir = guard_dir()) < 0)
		return GUARD_NONE;
	for (p = path; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (i = 0; i < PROBE_GUARD_SLOTS; i++)
		if ((fd = slot_take(dir, h, i)) != GUARD_BUSY)
			return fd;
	return GUARD_BUSY;
}

const char *
guard_describe(char *buf, size_t len)
{
	if (guard_dir() >= 0)
		snprintf(buf, len, "%s", dir_path);
	else
		snprintf(buf, len, "none: %s (mount and writable checks of a hung "
		    "filesystem may pile up; set PROBE_GUARD_DIR)", dir_why);
	return buf;
}
