/* dialog.h: a tcp check's send and expect keys, in the order the config
 * gives them, as blackbox_exporter's query_response: a send is a line
 * (a newline is sent after it), an expect reads lines until one matches
 * its regular expression (ere.h, RE2's escapes). */
#ifndef DIALOG_H
#define DIALOG_H

#include <stddef.h>

#include "conn.h"
#include "ere.h"

#define DIALOG_STEPS_MAX 16
#define DIALOG_LINE_MAX 4096		/* the longest line an expect reads */
#define DIALOG_READ_MAX (64 * 1024)	/* what a check reads in all */

struct dialog_step {
	int send;		/* 1: send bytes; 0: expect re */
	char *bytes;		/* send: its bytes, escapes undone */
	size_t len;
	struct ere re;		/* expect */
	char *text;		/* as written, for messages */
};

struct dialog {
	struct dialog_step step[DIALOG_STEPS_MAX];
	size_t n;
	size_t sends;		/* how many steps send */
};

/* send = LINE, with \r \n \t \0 \\ and \xNN (a newline is sent after
 * it); returns 0 or -1 with err filled. */
int dialog_send_add(struct dialog *, const char *value, char *err, size_t errlen);

/* expect = REGEX; returns 0 or -1 with err filled. */
int dialog_expect_add(struct dialog *, const char *value, char *err,
    size_t errlen);

/*
 * Each step in turn over c: a send sent whole, its newline after it; an
 * expect reads lines (a final \r dropped, at most DIALOG_LINE_MAX bytes
 * each, DIALOG_READ_MAX in all, by the deadline) until one matches.
 * Returns PROBE_HEALTHY with the line the last expect matched in res, or
 * PROBE_UNHEALTHY with what was expected and what came.
 */
int dialog_run(const struct dialog *, struct conn *c, struct check_result *res);

void dialog_release(struct dialog *);

#endif
