/* check_mount.c: is path a mount point of its own, alive, of the right type and mode? */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "mountpoint.h"
#include "parse.h"
#include "probe.h"
#include "sandbox_rules.h"
#include "util.h"

enum mount_mode { MODE_ANY, MODE_RW, MODE_RO };

struct mount_check {
	char *path;
	char *fstypes;		/* space-separated, or NULL for any */
	enum mount_mode mode;
};

static int
mount_set(struct check *c, const char *key, const char *value, char *err,
    size_t errlen)
{
	struct mount_check *m = c->priv;
	char word[32];
	const char *p = value;
	int r;

	if (strcmp(key, "path") == 0)
		return set_path(&m->path, value, err, errlen);
	if (strcmp(key, "fstype") == 0) {
		while ((r = next_word(&p, word, sizeof(word))) == 1)
			;
		if (r < 0) {
			snprintf(err, errlen, "invalid filesystem type list '%s'", value);
			return -1;
		}
		return set_string(&m->fstypes, value, err, errlen);
	}
	if (strcmp(key, "mode") == 0) {
		if (strcmp(value, "rw") == 0)
			m->mode = MODE_RW;
		else if (strcmp(value, "ro") == 0)
			m->mode = MODE_RO;
		else if (strcmp(value, "any") == 0)
			m->mode = MODE_ANY;
		else {
			snprintf(err, errlen, "invalid mode '%s' (use rw, ro or any)", value);
			return -1;
		}
		return 0;
	}
	return CHECK_UNKNOWN_KEY;
}

static int
fstype_allowed(const char *list, const char *fstype)
{
	char word[32];
	const char *p = list;

	while (next_word(&p, word, sizeof(word)) == 1)
		if (strcmp(word, fstype) == 0)
			return 1;
	return 0;
}

static int
mount_run(const struct check *c, long timeout_ms, struct check_result *res)
{
	const struct mount_check *m = c->priv;
	char err[PROBE_MSG_MAX];
	struct mountpoint mp;
	const struct mount_entry *e = &mp.mount;
	struct statvfs sv;
	int ro, ret;

	(void)timeout_ms;	/* the runner kills us when it runs out */
	if (mountpoint_find(m->path, &mp, err, sizeof(err)) != 0) {
		ret = result_set(res, PROBE_UNHEALTHY, "%s", err);
		goto out;
	}
	result_detail(res, "%s: on mount id %d at %s, device %u:%u, root %s, "
	    "options %s (found by %s)", m->path, e->id, e->mount_point, e->major,
	    e->minor, e->root, e->options, mp.method);
	if (!mp.is_root) {
		ret = result_set(res, PROBE_UNHEALTHY,
		    "%s is not a mount point (it is on %s, %s from %s)",
		    m->path, e->mount_point, e->fstype, e->source);
		goto out;
	}
	ro = mount_is_readonly(e);
	if (statvfs(m->path, &sv) != 0) {
		ret = result_sys(res, errno, "%s (%s from %s)",
		    m->path, e->fstype, e->source);
		goto out;
	}
	if (m->fstypes != NULL && !fstype_allowed(m->fstypes, e->fstype))
		ret = result_set(res, PROBE_UNHEALTHY,
		    "%s is %s from %s, expected %s", m->path, e->fstype, e->source,
		    m->fstypes);
	else if (m->mode == MODE_RW && ro)
		ret = result_set(res, PROBE_UNHEALTHY,
		    "%s (%s from %s) is mounted read-only", m->path, e->fstype, e->source);
	else if (m->mode == MODE_RO && !ro)
		ret = result_set(res, PROBE_UNHEALTHY,
		    "%s (%s from %s) is mounted read-write, expected ro", m->path,
		    e->fstype, e->source);
	else
		ret = result_set(res, PROBE_HEALTHY, "%s: %s", m->path,
		    mountpoint_describe(&mp, err, sizeof(err)));
out:
	mountpoint_free(&mp);
	return ret;
}

static void
mount_release(struct check *c)
{
	struct mount_check *m = c->priv;

	free(m->path);
	free(m->fstypes);
}

static void
mount_sandbox(const struct check *c, struct sandbox_rules *r)
{
	(void)c;
	r->read[r->nread++] = MOUNTINFO_PATH;
}

static const struct check_key mount_keys[] = {
	{ "path", "PATH", NULL, KEY_REQUIRED },
	{ "fstype", "TYPE...", NULL, 0 },
	{ "mode", "rw|ro|any", "any", 0 },
	{ NULL, NULL, NULL, 0 },
};

const struct check_type check_mount = {
	.name = "mount",
	.summary = "PATH is a mount point, alive",
	.target_key = "path",
	.target_arg = "PATH",
	.keys = mount_keys,
	.flags = CHECK_ON_PATH,
	.sandbox_class = SANDBOX_MOUNT,
	.priv_size = sizeof(struct mount_check),
	.set = mount_set,
	.run = mount_run,
	.release = mount_release,
	.sandbox = mount_sandbox,
};
