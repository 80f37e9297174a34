#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"
#include "util.h"

#define ERRNO_TEXT_MAX 64

size_t
utf8_seq(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, i;
	unsigned cp;

	if (u[0] < 0x80)
		return 1;
	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		n = 2, cp = u[0] & 0x1f;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		n = 3, cp = u[0] & 0x0f;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		n = 4, cp = u[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (u[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

size_t
utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n <= max)
		return n;
	for (i = max; i > 0 && i + 4 > max && ((unsigned char)s[i] & 0xc0) == 0x80; i--)
		;
	return i;
}

static void
vformat(char *buf, size_t len, const char *fmt, va_list ap)
{
	char *p, *last;
	int n;

	n = vsnprintf(buf, len, fmt, ap);
	for (p = buf; *p != '\0'; p++)	/* one line, printable, whatever came in */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	if (n < 0 || (size_t)n < len || p == buf)
		return;
	/* Cut: never in the middle of a character. */
	for (last = p - 1; last > buf && (*last & 0xc0) == 0x80 && p - last < 4; last--)
		;
	if ((unsigned char)*last >= 0x80 && utf8_seq(last) != (size_t)(p - last))
		*last = '\0';
}

int
result_set(struct check_result *r, int status, const char *fmt, ...)
{
	va_list ap;

	r->healthy = status == PROBE_HEALTHY;
	va_start(ap, fmt);
	vformat(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
	return status;
}

void
result_detail(struct check_result *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->want_detail)
		return;
	va_start(ap, fmt);
	vformat(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

void
text_clean(char *s, size_t size)
{
	size_t i = 0, n;

	s[size - 1] = '\0';
	while (s[i] != '\0') {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i++] = ' ';
		else if ((n = utf8_seq(s + i)) == 0)
			s[i++] = '?';
		else
			i += n;
	}
}

static double
finite_or(double v, double other)
{
	return isfinite(v) ? v : other;
}

void
result_clean(struct check_result *r)
{
	r->healthy = r->healthy == 1;
	text_clean(r->message, sizeof(r->message));
	text_clean(r->detail, sizeof(r->detail));
	r->space.seen = r->space.seen == 1;
	r->space.free_bytes = finite_or(r->space.free_bytes, -1);
	r->space.size_bytes = finite_or(r->space.size_bytes, -1);
	r->space.free_inodes = finite_or(r->space.free_inodes, -1);
	r->space.inodes = finite_or(r->space.inodes, -1);
	r->cert.seen = r->cert.seen == 1 && isfinite(r->cert.not_after);
	text_clean(r->cert.subject, sizeof(r->cert.subject));
}

double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

double
wall_time(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long
process_age_ms(void)
{
	char buf[1024], *p;
	unsigned long long start;
	struct timespec ts;
	long hz = sysconf(_SC_CLK_TCK), age;
	ssize_t n;
	int fd, i;

	if ((fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
		return 0;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)	/* the name may hold spaces */
		return 0;
	for (i = 2; i < 22 && p != NULL; i++)	/* field 22: starttime */
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, " %llu", &start) != 1)
		return 0;
	age = (long)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000) -
	    (long)(start * 1000 / (unsigned long long)hz);
	return age > 0 ? age : 0;
}

static const char *
errno_text(int e, char *buf, size_t len)
{
	static const struct { int e; const char *name; } names[] = {
		{ ENOENT, "ENOENT" }, { EACCES, "EACCES" }, { EPERM, "EPERM" },
		{ EROFS, "EROFS" }, { ENOSPC, "ENOSPC" }, { EDQUOT, "EDQUOT" },
		{ EIO, "EIO" }, { ESTALE, "ESTALE" }, { ENOTCONN, "ENOTCONN" },
		{ ENOTDIR, "ENOTDIR" }, { ELOOP, "ELOOP" }, { EEXIST, "EEXIST" },
		{ ENAMETOOLONG, "ENAMETOOLONG" }, { EINTR, "EINTR" },
		{ EADDRINUSE, "EADDRINUSE" }, { EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	};
	const char *s = strerror(e);
	size_t i, n;

	snprintf(buf, len, "%s", s);
	if (buf[0] != '\0' && !(isupper((unsigned char)buf[0]) &&
	    isupper((unsigned char)buf[1])))
		buf[0] = (char)tolower((unsigned char)buf[0]);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].e != e)
			continue;
		n = strlen(buf);
		snprintf(buf + n, len - n, " (%s)", names[i].name);
		break;
	}
	return buf;
}

/* fmt, then ": " and the text of errno e, into err: the one wording. */
static void
vsys_error(char *err, size_t len, int e, const char *fmt, va_list ap)
{
	char etext[ERRNO_TEXT_MAX];
	size_t n;

	vsnprintf(err, len, fmt, ap);
	n = strlen(err);
	if (n + 1 < len)
		snprintf(err + n, len - n, ": %s", errno_text(e, etext, sizeof(etext)));
}

void
sys_error(char *err, size_t len, int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsys_error(err, len, e, fmt, ap);
	va_end(ap);
}

int
result_sys(struct check_result *r, int e, const char *fmt, ...)
{
	char msg[PROBE_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsys_error(msg, sizeof(msg), e, fmt, ap);
	va_end(ap);
	return result_set(r, PROBE_UNHEALTHY, "%s", msg);
}

int
path_device(const char *path, unsigned *maj, unsigned *min)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return -1;
	*maj = major(st.st_dev);
	*min = minor(st.st_dev);
	return 0;
}

int
set_string(char **dst, const char *value, char *err, size_t errlen)
{
	char *s;

	if ((s = strdup(value)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	free(*dst);
	*dst = s;
	return 0;
}

int
set_path(char **dst, const char *value, char *err, size_t errlen)
{
	if (value[0] != '/' || strlen(value) >= PATH_MAX) {
		snprintf(err, errlen, "'%s' is not an absolute path", value);
		return -1;
	}
	return set_string(dst, value, err, errlen);
}

const char *
format_rfc3339(double t, char *buf, size_t len)
{
	time_t sec = (time_t)t;
	struct tm tm;
	char day[32];

	if (gmtime_r(&sec, &tm) == NULL ||
	    strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(day, sizeof(day), "1970-01-01T00:00:00");
	snprintf(buf, len, "%s.%03dZ", day, (int)((t - (double)sec) * 1000) % 1000);
	return buf;
}

const char *
format_size(unsigned long long bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	size_t i;

	if (bytes < 1024) {
		snprintf(buf, len, "%llu B", bytes);
		return buf;
	}
	for (i = 0, v /= 1024; v >= 1024 && i < 4; i++)
		v /= 1024;
	snprintf(buf, len, "%.1f %s", v, units[i]);
	return buf;
}

int
file_read(const char *path, size_t max, char **buf, size_t *len, char *err,
    size_t errlen)
{
	struct stat st;
	char *b;
	size_t n = 0;
	ssize_t r = 0;
	int fd, ret = -1;

	*buf = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) < 0) {
		sys_error(err, errlen, errno, "%s: cannot open", path);
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		sys_error(err, errlen, errno, "%s: cannot read", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", path, S_ISDIR(st.st_mode) ?
		    "is a directory" : "is not a regular file");
		goto out;
	}
	if ((b = malloc(max + 2)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	/* One byte more than max tells a file that is too large. */
	while (n <= max && (r = read(fd, b + n, max + 1 - n)) > 0)
		n += (size_t)r;
	if (r < 0) {
		sys_error(err, errlen, errno, "%s: cannot read", path);
		free(b);
		goto out;
	}
	ret = n > max;
	if (ret)
		n = max;
	b[n] = '\0';
	*buf = b;
	*len = n;
out:
	close(fd);
	return ret;
}

#define WORD_MAX 64

/* Letters added, dropped, changed, or two swapped, to turn a into b
 * (both shorter than WORD_MAX). */
static size_t
edits(const char *a, size_t n, const char *b, size_t m)
{
	size_t d[WORD_MAX + 1][WORD_MAX + 1], i, j, best;

	for (i = 0; i <= n; i++)
		d[i][0] = i;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++)
		for (j = 1; j <= m; j++) {
			best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[n][m];
}

const char *
closest_word(const char *word, const char *list, char *buf, size_t len)
{
	size_t n = strlen(word), m, e, best = (size_t)-1;
	const char *p = list;

	if (n == 0 || n >= WORD_MAX)
		return NULL;
	while (*p != '\0') {
		p += strspn(p, " ");
		if ((m = strcspn(p, " ")) > 0 && m < WORD_MAX &&
		    (e = edits(word, n, p, m)) < best && e <= (n <= 4 ? 1u : 2u)) {
			best = e;
			snprintf(buf, len, "%.*s", (int)m, p);
		}
		p += m;
	}
	return best == (size_t)-1 ? NULL : buf;
}
