/* dialog.c: send and expect over a check's connection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialog.h"
#include "expect.h"
#include "util.h"

/* The value of hex digit c, or -1. */
static int
hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* value with its escapes undone into out (as long as value, at least);
 * returns the length, or -1 with err filled. */
static long
unescape(const char *value, char *out, char *err, size_t errlen)
{
	size_t n = 0;
	const char *p;

	for (p = value; *p != '\0'; p++) {
		if (*p != '\\') {
			out[n++] = *p;
			continue;
		}
		switch (*++p) {
		case 'r': out[n++] = '\r'; break;
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case '0': out[n++] = '\0'; break;
		case '\\': out[n++] = '\\'; break;
		case 'x':
			if (hex(p[1]) >= 0 && hex(p[2]) >= 0) {
				out[n++] = (char)(hex(p[1]) * 16 + hex(p[2]));
				p += 2;
				break;
			}
			/* fall through */
		default:
			snprintf(err, errlen, "unknown escape '\\%.1s' (use \\r, \\n, \\t, "
			    "\\0, \\\\ or \\xNN)", *p ? p : "");
			return -1;
		}
	}
	return (long)n;
}

/* The next step of d, or NULL with err filled when d is full. */
static struct dialog_step *
next_step(struct dialog *d, const char *value, char *err, size_t errlen)
{
	struct dialog_step *s;

	if (d->n == DIALOG_STEPS_MAX) {
		snprintf(err, errlen, "at most %d send and expect keys", DIALOG_STEPS_MAX);
		return NULL;
	}
	s = &d->step[d->n];
	memset(s, 0, sizeof(*s));
	if ((s->text = strdup(value)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return s;
}

int
dialog_send_add(struct dialog *d, const char *value, char *err, size_t errlen)
{
	struct dialog_step *s;
	long n;

	if ((s = next_step(d, value, err, errlen)) == NULL)
		return -1;
	if ((s->bytes = malloc(strlen(value) + 1)) == NULL ||
	    (n = unescape(value, s->bytes, err, errlen)) < 0) {
		if (s->bytes == NULL)
			snprintf(err, errlen, "out of memory");
		free(s->bytes);
		free(s->text);
		return -1;
	}
	s->send = 1;
	s->len = (size_t)n;
	d->n++;
	d->sends++;
	return 0;
}

int
dialog_expect_add(struct dialog *d, const char *value, char *err, size_t errlen)
{
	struct dialog_step *s;
	char why[128];

	if ((s = next_step(d, value, err, errlen)) == NULL)
		return -1;
	if (ere_compile(&s->re, value, why, sizeof(why)) != 0) {
		ere_free(&s->re);
		free(s->text);
		snprintf(err, errlen, "invalid regular expression: %s", why);
		return -1;
	}
	d->n++;
	return 0;
}

/* What an expect has read: lines, and what came after them. */
struct lines {
	char buf[DIALOG_LINE_MAX + 1];
	size_t len;		/* bytes in buf */
	size_t used;		/* of them, the line handed out last */
	size_t total;		/* read in all */
	int eof;
};

/*
 * The next line over c into *line (NUL-terminated, without its \n and a
 * final \r): 1; 0 when the peer closed the connection with none left; -1
 * with res filled (a read failed, the deadline, a line or a read too
 * long).
 */
static int
next_line(struct lines *l, struct conn *c, const char *what, char **line,
    struct check_result *res)
{
	char *nl;
	long n;

	memmove(l->buf, l->buf + l->used, l->len - l->used);
	l->len -= l->used;
	l->used = 0;
	for (;;) {
		if ((nl = memchr(l->buf, '\n', l->len)) != NULL || (l->eof && l->len > 0)) {
			l->used = nl != NULL ? (size_t)(nl - l->buf) + 1 : l->len;
			l->buf[nl != NULL ? (size_t)(nl - l->buf) : l->len] = '\0';
			if (nl != NULL && nl > l->buf && nl[-1] == '\r')
				nl[-1] = '\0';
			*line = l->buf;
			return 1;
		}
		if (l->eof)
			return 0;
		if (l->len == DIALOG_LINE_MAX || l->total >= DIALOG_READ_MAX) {
			result_set(res, PROBE_UNHEALTHY, "expected %s, got %s with no "
			    "match", what, l->len == DIALOG_LINE_MAX ? "a line over 4096 "
			    "bytes" : "64 KiB");
			return -1;
		}
		if ((n = conn_recv(c, l->buf + l->len, DIALOG_LINE_MAX - l->len, what,
		    res)) < 0)
			return -1;
		l->eof = n == 0;
		l->len += (size_t)n;
		l->total += (size_t)n;
	}
}

/* Read lines over c until one matches s; the line goes to got. Returns 0
 * when one does, else PROBE_UNHEALTHY with res filled. */
static int
expect_step(const struct dialog_step *s, struct conn *c, struct lines *l,
    char *got, size_t gotlen, struct check_result *res)
{
	char what[160], *line;
	int r;

	snprintf(what, sizeof(what), "/%s/", s->text);
	snprintf(got, gotlen, "nothing");
	while ((r = next_line(l, c, what, &line, res)) == 1) {
		expect_body_start(line, strlen(line), 80, got, gotlen);
		if (ere_match(&s->re, line, strlen(line)) == 1)
			return 0;
	}
	if (r == 0)
		return result_set(res, PROBE_UNHEALTHY, "expected %s, got %s, then the "
		    "connection was closed", what, got);
	result_detail(res, "the last line before: %s", got);
	return PROBE_UNHEALTHY;
}

int
dialog_run(const struct dialog *d, struct conn *c, struct check_result *res)
{
	static const char nl = '\n';
	struct lines l;
	char got[200] = "";
	size_t i;
	int matched = 0;

	memset(&l, 0, sizeof(l));
	for (i = 0; i < d->n; i++) {
		const struct dialog_step *s = &d->step[i];

		if (s->send) {
			if (conn_send(c, s->bytes, s->len, "its send", res) != 0 ||
			    conn_send(c, &nl, 1, "its send", res) != 0)
				return PROBE_UNHEALTHY;
			continue;
		}
		if (expect_step(s, c, &l, got, sizeof(got), res) != 0)
			return PROBE_UNHEALTHY;
		matched++;
	}
	if (matched == 0)
		return result_set(res, PROBE_HEALTHY, "connected to %s, sent %zu line%s",
		    c->addr, d->sends, d->sends == 1 ? "" : "s");
	return result_set(res, PROBE_HEALTHY, "%s: %d expect%s matched, the last: %s",
	    c->addr, matched, matched == 1 ? "" : "s", got);
}

void
dialog_release(struct dialog *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->step[i].bytes);
		free(d->step[i].text);
		if (!d->step[i].send)
			ere_free(&d->step[i].re);
	}
	d->n = 0;
}
