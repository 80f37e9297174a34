/* util.h: small helpers the checks share. */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>

struct check_result;

/*
 * The one wording of a failed system call: fmt, then ": " and the text of
 * errno e, lowercase, with its name where it helps: "/data: cannot create
 * a file: read-only file system (EROFS)". sys_error() writes it into err;
 * result_sys() makes it a check's result, unhealthy, and returns
 * PROBE_UNHEALTHY. Nothing else prints an errno.
 */
void sys_error(char *err, size_t len, int e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int result_sys(struct check_result *r, int e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A result as it came over a check's pipe, made safe to use: every string
 * ends within its array, holds no control character and is valid UTF-8
 * (a stray byte becomes '?'), flags are 0 or 1, numbers are finite. */
void result_clean(struct check_result *r);

/* s made one line of valid UTF-8 in place, as result_clean() does. */
void text_clean(char *s, size_t size);

/* The device path is on, symlinks followed; 0, or -1 with errno set. */
int path_device(const char *path, unsigned *major, unsigned *minor);

/* The length of the valid UTF-8 character that s starts with (1 to 4), or
 * 0 where s does not start one (a stray byte, a cut or overlong sequence). */
size_t utf8_seq(const char *s);

/* The length of s cut to at most max bytes, never inside a character:
 * for "%.*s". */
size_t utf8_cut(const char *s, size_t max);

/* Replace *dst with a copy of value; returns 0, or -1 with err filled. */
int set_string(char **dst, const char *value, char *err, size_t errlen);

/* Like set_string, for an absolute path. */
int set_path(char **dst, const char *value, char *err, size_t errlen);

/*
 * Read at most max bytes of the file path into a new buffer, with a NUL
 * after them (not counted in *len); the caller frees *buf. Returns 0, 1
 * when the file holds more than max bytes (the first max are read), or -1
 * with err filled ("PATH: cannot open: ...") and *buf NULL.
 */
int file_read(const char *path, size_t max, char **buf, size_t *len,
    char *err, size_t errlen);

/* The word of list (words by spaces) closest to word, if it is close
 * enough to be what was meant: at most 2 letters added, dropped, changed
 * or swapped (1 for words of 4 letters or fewer). Into buf; returns buf,
 * or NULL when none is close. */
const char *closest_word(const char *word, const char *list, char *buf,
    size_t len);

/* Unix time t as RFC 3339 in UTC, with milliseconds:
 * "2026-12-07T03:12:01.250Z"; returns buf. */
const char *format_rfc3339(double t, char *buf, size_t len);

/* A byte count for people: "512 B", "1.5 MiB"; returns buf. */
const char *format_size(unsigned long long bytes, char *buf, size_t len);

#endif
