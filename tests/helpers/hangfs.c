/*
 * hangfs: a FUSE filesystem whose every operation blocks forever, the way a
 * dead NFS server looks to its clients. For the integration tests only.
 *   hangfs MOUNTPOINT    (stays in the foreground; kill -9 it to release)
 */
#define FUSE_USE_VERSION 31
#include <fuse.h>
#include <unistd.h>

static int
hang(void)
{
	for (;;)
		pause();
	return 0;
}

static int
hang_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	(void)path;
	(void)st;
	(void)fi;
	return hang();
}

static int
hang_statfs(const char *path, struct statvfs *st)
{
	(void)path;
	(void)st;
	return hang();
}

static const struct fuse_operations ops = {
	.getattr = hang_getattr,
	.statfs = hang_statfs,
};

int
main(int argc, char **argv)
{
	char *args[] = { argv[0], "-f", "-s", "-o", "fsname=hangfs", argc > 1 ? argv[1] : NULL, NULL };

	if (argc != 2)
		return 2;
	return fuse_main(6, args, &ops, NULL);
}
