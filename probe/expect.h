/* expect.h: assertions on a response body: a POSIX extended regular
 * expression (expect_body_regex) and JSON Pointer comparisons
 * (expect_json), set up once at config time and judged per response. */
#ifndef EXPECT_H
#define EXPECT_H

#include <stddef.h>

#include "ere.h"

#define EXPECT_JSON_MAX 16
#define EXPECT_BODY_MAX (64 * 1024)	/* what the assertions read */

struct cJSON;

struct expect_json {
	char *pointer;		/* RFC 6901: "/status", "/checks/0/name" */
	int equal;		/* ==, else != */
	struct cJSON *want;	/* a string, number, true, false or null */
	char *want_text;	/* as written, for messages */
};

struct expect {
	struct ere re;
	char *re_text;		/* NULL: no expect_body_regex */
	struct expect_json json[EXPECT_JSON_MAX];
	size_t njson;
};

/* expect_body_regex = PATTERN; returns 0 or -1 with err filled. */
int expect_regex_set(struct expect *, const char *pattern, char *err,
    size_t errlen);

/* expect_json = POINTER ==|!= VALUE; returns 0 or -1 with err filled. */
int expect_json_add(struct expect *, const char *spec, char *err,
    size_t errlen);

/* Any assertion set? */
int expect_any(const struct expect *);

/*
 * The assertions on body (len bytes, NUL after them; cut: the body went
 * on past len). Returns 0 when all hold, else -1 with what was found in
 * msg: "/status is \"DOWN\", expected \"UP\"".
 */
int expect_judge(const struct expect *, const char *body, size_t len, int cut,
    char *msg, size_t msglen);

/*
 * Why a response that failed on its status failed, from its body, into
 * msg (or "" when it says nothing): with expect_json lines, what they
 * find ("/status is \"DOWN\", expected \"UP\""); else, a JSON body's top-level
 * status and those of its parts that are not up, as Spring Boot,
 * MicroProfile Health and ASP.NET health checks write them ("status
 * \"DOWN\" (db: \"DOWN\")"). Returns 1 if msg says something.
 */
int expect_why(const struct expect *, const char *body, size_t len, char *msg,
    size_t msglen);

/* The first printable bytes of body (at most max, others as \xNN), into
 * buf, quoted: for -v; returns buf. */
const char *expect_body_start(const char *body, size_t len, size_t max,
    char *buf, size_t buflen);

void expect_release(struct expect *);

#endif
