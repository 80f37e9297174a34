/*
 * watch.c: inotify on the directories a config file lives in. The file
 * itself is not watched: an editor or the kubelet replaces it rather than
 * writing it, and a watch on the old inode would see nothing after that.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "probe.h"
#include "util.h"
#include "watch.h"

#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | \
	IN_DELETE | IN_ATTRIB)
#define WATCH_MAX_WAIT_MS 2000	/* settle no longer than this */

/* Copy path's directory into dir and return its last part (in path). */
static const char *
split(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		snprintf(dir, len, ".");
		return path;
	}
	snprintf(dir, len, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	return slash + 1;
}

/* Watch the directory of the file path resolves to (it may have moved). */
static void
watch_target(int fd, const char *path)
{
	char real[PATH_MAX], dir[PATH_MAX];

	if (realpath(path, real) == NULL)
		return;
	split(real, dir, sizeof(dir));
	inotify_add_watch(fd, dir, WATCH_MASK);
}

int
watch_open(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	int fd;

	split(path, dir, sizeof(dir));
	if ((fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
		sys_error(err, errlen, errno, "%s: cannot watch for changes", path);
		return -1;
	}
	if (inotify_add_watch(fd, dir, WATCH_MASK) < 0) {
		sys_error(err, errlen, errno, "%s: cannot watch for changes: %s", path, dir);
		close(fd);
		return -1;
	}
	watch_target(fd, path);
	return fd;
}

/* Read the pending events; returns 1 if one may concern path. */
static int
drain(int fd, const char *path)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	char dir[PATH_MAX], real[PATH_MAX];
	const char *base = split(path, dir, sizeof(dir)), *rbase = NULL;
	const struct inotify_event *ev;
	ssize_t n, i;
	int hit = 0;

	if (realpath(path, real) != NULL)
		rbase = strrchr(real, '/') + 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i += (ssize_t)(sizeof(*ev) + ev->len)) {
			ev = (const struct inotify_event *)(buf + i);
			if (ev->len == 0)	/* about the directory itself */
				continue;
			if (strcmp(ev->name, base) == 0 || strcmp(ev->name, "..data") == 0 ||
			    (rbase != NULL && strcmp(ev->name, rbase) == 0))
				hit = 1;
		}
	return hit;
}

int
watch_settle(int fd, const char *path, int settle_ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	double until = now_ms() + WATCH_MAX_WAIT_MS, quiet;
	int left;

	/* Only events that may concern path delay the reload: a writable
	 * check or an app writing next to the config makes others all the
	 * time. */
	if (!drain(fd, path))
		return 0;
	quiet = now_ms() + settle_ms;
	while ((left = (int)((quiet < until ? quiet : until) - now_ms())) > 0)
		if (poll(&pfd, 1, left) > 0 && drain(fd, path))
			quiet = now_ms() + settle_ms;
	watch_target(fd, path);
	return 1;
}
