/* termination.c: the kubelet's termination log, written by a failed
 * liveness run and emptied by the next healthy one. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "termination.h"
#include "util.h"

/* The report's first whole lines that fit in TERMINATION_LOG_MAX with the
 * mark, into buf; returns the length. */
static size_t
render(const struct config *cfg, const struct report *rep, char *buf, size_t cap)
{
	struct report text = *rep;
	char mark[80], when[40];
	size_t n = 0, room;
	FILE *f;
	char *nl;

	text.format = REPORT_TEXT;
	snprintf(mark, sizeof(mark), "%s%s\n", TERMINATION_MARK,
	    format_rfc3339(wall_time(), when, sizeof(when)));
	room = cap - strlen(mark);
	if ((f = fmemopen(buf, room, "w")) != NULL) {
		setvbuf(f, NULL, _IONBF, 0);
		report_write(f, &text, cfg);
		n = (size_t)ftell(f);
		fclose(f);
	}
	if (n >= room - 1) {	/* cut: keep whole lines */
		buf[room - 1] = '\0';
		n = (nl = strrchr(buf, '\n')) != NULL ? (size_t)(nl - buf) + 1 : 0;
	}
	memcpy(buf + n, mark, strlen(mark) + 1);
	return n + strlen(mark);
}

/* 1 if the n bytes of buf are the probe's: a last line with its mark. */
static int
ours(const char *buf, size_t n)
{
	const char *last;

	if (n == 0 || buf[n - 1] != '\n')
		return 0;
	for (last = buf + n - 1; last > buf && last[-1] != '\n'; last--)
		;
	return strncmp(last, TERMINATION_MARK, strlen(TERMINATION_MARK)) == 0;
}

int
termination_log(const char *path, const struct config *cfg,
    const struct report *rep, int healthy, char *err, size_t errlen)
{
	char buf[TERMINATION_LOG_MAX + 1];
	ssize_t n;
	size_t len;
	int fd, ret = -1;

	/* The kubelet makes /dev/termination-log: without it, this is not a
	 * container of Kubernetes, and /dev is no place for a new file. */
	int create = !healthy && strcmp(path, TERMINATION_LOG_DEFAULT) != 0;

	if ((fd = open(path, (healthy ? O_RDWR : O_WRONLY) | (create ? O_CREAT : 0) |
	    O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0644)) < 0) {
		if (errno == ENOENT && !create)
			return 0;	/* nothing to empty, or not Kubernetes */
		sys_error(err, errlen, errno, "%s: cannot open", path);
		return -1;
	}
	if (healthy) {
		if ((n = pread(fd, buf, TERMINATION_LOG_MAX, 0)) < 0)
			sys_error(err, errlen, errno, "%s: cannot read", path);
		else if (ours(buf, (size_t)n) && ftruncate(fd, 0) != 0)
			sys_error(err, errlen, errno, "%s: cannot empty", path);
		else
			ret = 0;
		goto out;
	}
	len = render(cfg, rep, buf, sizeof(buf));
	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, len, 0) != (ssize_t)len)
		sys_error(err, errlen, errno, "%s: cannot write", path);
	else
		ret = 0;
out:
	close(fd);
	return ret;
}
