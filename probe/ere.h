/* ere.h: POSIX extended regular expressions, matched in time linear in
 * the text (a Thompson NFA, no back-references), byte by byte, the same
 * in both builds. */
#ifndef ERE_H
#define ERE_H

#include <stddef.h>

#define ERE_PROG_MAX 4096	/* instructions, {m,n} copies included */

struct ere_inst;

struct ere {
	struct ere_inst *prog;
	int n;
	unsigned char (*sets)[32];	/* bracket expressions: 256-bit maps */
	int nsets;
};

/* Compile pattern into e; returns 0, or -1 with what is wrong in err.
 * ere_free() releases e either way. */
int ere_compile(struct ere *e, const char *pattern, char *err, size_t errlen);

/* Does the pattern match anywhere in text[0..len)? 1, 0, or -1 (out of
 * memory). ^ and $ are the text's start and end; NUL is a byte. */
int ere_match(const struct ere *e, const char *text, size_t len);

void ere_free(struct ere *e);

#endif
