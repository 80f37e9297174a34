/* mountinfo.h: reading /proc/self/mountinfo (proc(5)). */
#ifndef MOUNTINFO_H
#define MOUNTINFO_H

#include <stddef.h>

struct mount_entry {
	int id, parent;
	unsigned major, minor;
	const char *root;
	const char *mount_point;
	const char *options;		/* per-mount: rw or ro, ... */
	const char *fstype;
	const char *source;
	const char *super_options;	/* per-superblock */
};

/* Parse one line in place, decoding \NNN octal escapes. Returns 0 or -1. */
int mountinfo_parse_line(char *line, struct mount_entry *e);

/*
 * The line of mount id in the mountinfo text, which is modified: 1 when
 * found (*e), 0 when no line has that id, -1 on a malformed line
 * (*bad_line, 1-based). Lines after the one found are not read.
 */
int mountinfo_by_id(char *text, int id, struct mount_entry *e, int *bad_line);

/*
 * Where the kernel cannot say which mount holds a path: the mount that
 * holds path (absolute, canonical), found through the tree that the id and
 * parent id columns describe, never by the order of the lines. Returns 1
 * when path is that mount's mount point (*at), 0 when it lies within it,
 * -1 on a malformed line (*bad_line, 1-based) or when no mount holds path
 * (*bad_line 0), -2 when out of memory. text is modified.
 */
int mountinfo_walk(char *text, const char *path, struct mount_entry *at,
    int *bad_line);

/* 1 if the mount is read-only (per mount or per superblock). */
int mount_is_readonly(const struct mount_entry *e);

/*
 * Read a whole mountinfo file; returns a NUL-terminated buffer the caller
 * frees, or NULL with err filled.
 */
char *mountinfo_read(const char *path, char *err, size_t errlen);

#endif
