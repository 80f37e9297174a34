/* install.c: copy the running executable into a directory, atomically. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "install.h"
#include "util.h"
#include "version.h"

#define SELF "/proc/self/exe"

static int
copy_all(int from, int to, off_t *size)
{
	char buf[65536];
	ssize_t n, w, off;

	*size = 0;
	for (;;) {
		if ((n = read(from, buf, sizeof(buf))) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return (int)n;
		for (off = 0; off < n; off += w) {
			if ((w = write(to, buf + off, (size_t)(n - off))) < 0 &&
			    errno == EINTR)
				w = 0;
			else if (w < 0)
				return -1;
		}
		*size += n;
	}
}

int
install_self(const char *dir, const char *argv0, char *msg, size_t len)
{
	char tmp[64];
	const char *step = "open " SELF;
	int src, dirfd = -1, fd = -1, ret = -1;
	off_t size = 0;

	if (version_dynamic()) {
		snprintf(msg, len, "install: this probe is linked dynamically (libcurl, "
		    "the C library): copied into a scratch or distroless container it "
		    "cannot run; install the static build instead (probe-linux-ARCH of "
		    "a release, the probe image, or make static)");
		return -1;
	}
	if ((src = open(SELF, O_RDONLY | O_CLOEXEC)) < 0 && strchr(argv0, '/'))
		src = open(argv0, O_RDONLY | O_CLOEXEC);	/* no /proc */
	if (src < 0) {
		sys_error(msg, len, errno, "install: cannot open the running executable");
		return -1;
	}
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		sys_error(msg, len, errno, "install: %s: cannot open", dir);
		goto out;
	}
	snprintf(tmp, sizeof(tmp), ".probe.tmp.%ld", (long)getpid());
	step = "cannot create a file";
	if ((fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0700)) < 0)
		goto fail;
	step = "cannot write it";
	if (copy_all(src, fd, &size) != 0)
		goto fail;
	step = "cannot make it executable";
	if (fchmod(fd, 0755) != 0)
		goto fail;
	step = "cannot sync it";
	if (fsync(fd) != 0)
		goto fail;
	step = "cannot close it";
	ret = close(fd);
	fd = -1;
	if (ret != 0)
		goto fail;
	step = "cannot rename it to " INSTALL_NAME;
	if (renameat(dirfd, tmp, dirfd, INSTALL_NAME) != 0)
		goto fail;
	fsync(dirfd);
	snprintf(msg, len, "installed %s/%s (%lld bytes)", dir, INSTALL_NAME,
	    (long long)size);
	ret = 0;
	goto out;
fail:
	sys_error(msg, len, errno, "install: %s: %s", dir, step);
	if (fd >= 0)
		close(fd);
	fd = -1;
	unlinkat(dirfd, tmp, 0);
	ret = -1;
out:
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0)
		close(dirfd);
	close(src);
	return ret;
}
