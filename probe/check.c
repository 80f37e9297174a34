/* check.c: the life of one check, from its type's table row (check.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parse.h"
#include "util.h"

#define CHECK_COMMON_KEYS "probes timeout"	/* every type's, handled here */

int
check_valid_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= CHECK_NAME_MAX && strspn(s,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") == n;
}

struct check *
check_new(const struct check_type *ct, const char *name, int line,
    int check_files)
{
	struct check *c;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->name = strdup(name)) == NULL ||
	    (c->priv = calloc(1, ct->priv_size)) == NULL) {
		if (c != NULL)
			free(c->name);
		free(c);
		return NULL;
	}
	c->type = ct;
	c->kinds = KIND_ALL;
	c->line = line;
	c->check_files = check_files;
	if (ct->defaults != NULL)
		ct->defaults(c);
	return c;
}

int
check_set_key(struct check *c, const char *key, const char *value, char *err,
    size_t errlen)
{
	int r;

	if (strcmp(key, "probes") == 0)
		return parse_kinds(value, &c->kinds, err, errlen);
	if (strcmp(key, "timeout") == 0)
		return parse_duration(value, &c->timeout_ms, err, errlen);
	if ((r = c->type->set(c, key, value, err, errlen)) == 0 &&
	    strcmp(key, c->type->target_key) == 0)
		r = set_string(&c->target, value, err, errlen);
	return r;
}

/* 1 if one of the keys in alts ("a" or "a|b") is one of the n keys of set. */
static int
any_key_in(const char *alts, const char *const *set, size_t n)
{
	size_t i, len;
	const char *p;

	for (p = alts; *p != '\0'; p += len + (p[len] == '|')) {
		len = strcspn(p, "|");
		for (i = 0; i < n; i++)
			if (strlen(set[i]) == len && strncmp(set[i], p, len) == 0)
				return 1;
	}
	return 0;
}

int
check_complete(struct check *c, const char *const *set, size_t n, char *err,
    size_t errlen)
{
	const char *p = c->type->required;
	char word[64], *bar;

	while (p != NULL && next_word(&p, word, sizeof(word)) == 1) {
		if (any_key_in(word, set, n))
			continue;
		if ((bar = strchr(word, '|')) != NULL) {
			*bar = '\0';
			snprintf(err, errlen, "missing required key '%s' (or %s)", word,
			    bar + 1);
		} else
			snprintf(err, errlen, "missing required key '%s'", word);
		return -1;
	}
	if (c->type->flags & CHECK_ON_PATH)
		c->guard = c->target;
	return c->type->finish != NULL ? c->type->finish(c, err, errlen) : 0;
}

/* 1 if key is one of the words of list. */
static int
word_in(const char *list, const char *key)
{
	char word[64];

	while (list != NULL && next_word(&list, word, sizeof(word)) == 1)
		if (strcmp(word, key) == 0)
			return 1;
	return 0;
}

int
check_takes_key(const struct check_type *ct, const char *key)
{
	return word_in(CHECK_COMMON_KEYS, key) || word_in(ct->keys, key);
}

void
check_free(struct check *c)
{
	if (c == NULL)
		return;
	if (c->priv != NULL && c->type->release != NULL)
		c->type->release(c);
	free(c->priv);
	free(c->target);
	free(c->name);
	free(c);
}
