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
 * Look for path (absolute, canonical) in the mountinfo text, which is
 * modified. Later entries cover earlier ones. Returns 1 when the visible
 * mount at path is mounted exactly there (*at), 0 when path lies within
 * another mount (*at is the one that holds it), -1 on a malformed line
 * (*bad_line set, 1-based).
 */
int mountinfo_find(char *text, const char *path, struct mount_entry *at,
    int *bad_line);

/* 1 if the mount is read-only (per mount or per superblock). */
int mount_is_readonly(const struct mount_entry *e);

/*
 * Read a whole mountinfo file; returns a NUL-terminated buffer the caller
 * frees, or NULL with err filled.
 */
char *mountinfo_read(const char *path, char *err, size_t errlen);

#endif
