#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mountinfo.h"
#include "parse.h"
#include "util.h"

#define MOUNTINFO_MAX (16 * 1024 * 1024)

/* Decode \NNN in place; returns s. */
static char *
unescape(char *s)
{
	char *r, *w;

	for (r = w = s; *r != '\0'; r++, w++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' &&
		    r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w = (char)((r[1] - '0') << 6 | (r[2] - '0') << 3 | (r[3] - '0'));
			r += 3;
		} else
			*w = *r;
	}
	*w = '\0';
	return s;
}

static char *
field(char **p)
{
	char *s = *p, *end;

	if (s == NULL)
		return NULL;
	s += strspn(s, " ");
	if (*s == '\0')
		return NULL;
	end = s + strcspn(s, " ");
	if (*end != '\0')
		*end++ = '\0';
	*p = end;
	return s;
}

static int
parse_int(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || errno != 0 || v > 0x7fffffffUL)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
mountinfo_parse_line(char *line, struct mount_entry *e)
{
	char *p = line, *f, *colon;
	unsigned id, parent;

	memset(e, 0, sizeof(*e));
	if (parse_int(field(&p), &id) != 0 || parse_int(field(&p), &parent) != 0)
		return -1;
	e->id = (int)id;
	e->parent = (int)parent;
	if ((f = field(&p)) == NULL || (colon = strchr(f, ':')) == NULL)
		return -1;
	*colon = '\0';
	if (parse_int(f, &e->major) != 0 || parse_int(colon + 1, &e->minor) != 0)
		return -1;
	if ((f = field(&p)) == NULL)
		return -1;
	e->root = unescape(f);
	if ((f = field(&p)) == NULL || f[0] != '/')
		return -1;
	e->mount_point = unescape(f);
	if ((e->options = field(&p)) == NULL)
		return -1;
	while ((f = field(&p)) != NULL && strcmp(f, "-") != 0)
		;	/* optional fields: shared:N, master:N, ... */
	if (f == NULL || (f = field(&p)) == NULL)
		return -1;
	e->fstype = unescape(f);
	if ((f = field(&p)) == NULL)
		return -1;
	e->source = unescape(f);
	if ((f = field(&p)) == NULL)
		return -1;
	e->super_options = f;
	return 0;
}

/* 1 if mount point mp is path or one of its ancestors. */
static int
covers(const char *mp, const char *path)
{
	size_t n = strlen(mp);

	if (strcmp(mp, "/") == 0)
		return 1;
	return strncmp(mp, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Split text into lines in place; returns the number of lines. */
static size_t
split_lines(char *text, char ***lines)
{
	size_t n = 0, i = 0;
	char *p;

	for (p = text; *p != '\0'; p++)
		n += *p == '\n';
	if ((*lines = calloc(n + 2, sizeof(char *))) == NULL)
		return (size_t)-1;
	for (p = text; p != NULL && *p != '\0'; i++) {
		(*lines)[i] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
	}
	return i;
}

int
mountinfo_by_id(char *text, int id, struct mount_entry *e, int *bad_line)
{
	char *line, *next;
	int n = 0;

	*bad_line = 0;
	for (line = text; line != NULL && *line != '\0'; line = next) {
		n++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (mountinfo_parse_line(line, e) != 0) {
			*bad_line = n;
			return -1;
		}
		if (e->id == id)
			return 1;
	}
	return 0;
}

/* Mark the mounts whose parent is not in the table: the tops of this view. */
static void
mark_tops(const struct mount_entry *all, size_t n, char *top)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n && all[j].id != all[i].parent; j++)
			;
		top[i] = j == n || j == i;
	}
}

/*
 * Of the mounts on cur (NULL: the tops) that cover path, the one nearest
 * cur's root hides the others: a mount that propagation made under a later
 * one stays listed, and cannot be reached.
 */
static const struct mount_entry *
tree_step(const struct mount_entry *all, size_t n, const char *top,
    const struct mount_entry *cur, const char *path)
{
	const struct mount_entry *best = NULL;
	size_t i, len, best_len = 0;

	for (i = 0; i < n; i++) {
		if (cur != NULL ? all[i].parent != cur->id || &all[i] == cur : !top[i])
			continue;
		if (!covers(all[i].mount_point, path))
			continue;
		len = strlen(all[i].mount_point);
		if (best == NULL || len < best_len ||
		    (len == best_len && all[i].id > best->id)) {
			best = &all[i];
			best_len = len;
		}
	}
	return best;
}

int
mountinfo_walk(char *text, const char *path, struct mount_entry *at,
    int *bad_line)
{
	struct mount_entry *all = NULL;
	const struct mount_entry *cur = NULL, *next;
	char **lines = NULL, *top = NULL;
	size_t n, i;
	int ret = -2;

	*bad_line = 0;
	if ((n = split_lines(text, &lines)) == (size_t)-1 ||
	    (all = calloc(n + 1, sizeof(*all))) == NULL ||
	    (top = calloc(n + 1, 1)) == NULL)
		goto out;
	ret = -1;
	for (i = 0; i < n; i++) {
		if (mountinfo_parse_line(lines[i], &all[i]) != 0) {
			*bad_line = (int)i + 1;
			goto out;
		}
	}
	mark_tops(all, n, top);
	for (i = 0; i <= n && (next = tree_step(all, n, top, cur, path)) != NULL; i++)
		cur = next;
	if (cur == NULL)
		goto out;
	*at = *cur;
	ret = strcmp(cur->mount_point, path) == 0;
out:
	free(top);
	free(all);
	free(lines);
	return ret;
}

static int
has_option(const char *list, const char *opt)
{
	char word[64];
	const char *p = list;
	int r;

	while ((r = next_word(&p, word, sizeof(word))) != 0)
		if (r == 1 && strcmp(word, opt) == 0)
			return 1;
	return 0;
}

int
mount_is_readonly(const struct mount_entry *e)
{
	return has_option(e->options, "ro") || has_option(e->super_options, "ro");
}

char *
mountinfo_read(const char *path, char *err, size_t errlen)
{
	size_t len = 0, cap = 16384;
	char *buf = NULL, *nbuf;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		sys_error(err, errlen, errno, "%s: cannot open", path);
		return NULL;
	}
	for (;;) {
		if (len + 1 >= cap || buf == NULL) {
			if (buf != NULL)
				cap *= 2;
			if (cap > MOUNTINFO_MAX) {
				snprintf(err, errlen, "%s is larger than %d bytes", path,
				    MOUNTINFO_MAX);
				goto fail;
			}
			if ((nbuf = realloc(buf, cap)) == NULL) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			buf = nbuf;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			sys_error(err, errlen, errno, "%s: cannot read", path);
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}
