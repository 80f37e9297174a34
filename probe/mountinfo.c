#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mountinfo.h"
#include "parse.h"

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

int
mountinfo_find(char *text, const char *path, struct mount_entry *at,
    int *bad_line)
{
	struct mount_entry e;
	char *line, *next;
	int n = 0, found = -1;

	for (line = text; line != NULL && *line != '\0'; line = next) {
		n++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (mountinfo_parse_line(line, &e) != 0) {
			*bad_line = n;
			return -1;
		}
		if (covers(e.mount_point, path)) {
			*at = e;
			found = strcmp(e.mount_point, path) == 0;
		}
	}
	if (found < 0) {
		*bad_line = 0;
		return -1;
	}
	return found;
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
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
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
				snprintf(err, errlen, "out of memory reading %s", path);
				goto fail;
			}
			buf = nbuf;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
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
