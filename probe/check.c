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

const struct check_key *
check_key_at(const struct check_type *ct, size_t i)
{
	size_t n;

	for (n = 0; ct->keys != NULL && ct->keys[n].name != NULL; n++)
		if (n == i)
			return &ct->keys[n];
	i -= n;
	for (n = 0; ct->shared_keys != NULL && ct->shared_keys[n].name != NULL; n++)
		if (n == i)
			return &ct->shared_keys[n];
	return NULL;
}

const struct check_key *
check_key_find(const struct check_type *ct, const char *name)
{
	const struct check_key *k;
	size_t i;

	for (i = 0; (k = check_key_at(ct, i)) != NULL; i++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

const char *
check_keys_list(const struct check_type *ct, char *buf, size_t len)
{
	const struct check_key *k;
	size_t i, n;

	n = (size_t)snprintf(buf, len, "%s", CHECK_COMMON_KEYS);
	for (i = 0; (k = check_key_at(ct, i)) != NULL && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " %s", k->name);
	return buf;
}

/* 1 if name is one of the n keys of set. */
static int
key_in(const char *name, const char *const *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(set[i], name) == 0)
			return 1;
	return 0;
}

/* The first required key of c's type that set lacks, with (KEY_ONE_OF)
 * its alternative, into err; returns 0 if none lacks. */
static int
missing_key(const struct check_type *ct, const char *const *set, size_t n,
    char *err, size_t errlen)
{
	const struct check_key *k, *other = NULL;
	size_t i;
	int one_of = 0;

	for (i = 0; (k = check_key_at(ct, i)) != NULL; i++) {
		if ((k->flags & KEY_REQUIRED) && !key_in(k->name, set, n)) {
			snprintf(err, errlen, "missing required key '%s'", k->name);
			return -1;
		}
		if (k->flags & KEY_ONE_OF) {
			if (key_in(k->name, set, n))
				one_of = 1;
			else if (other == NULL)
				other = k;
		}
	}
	for (i = 0; !one_of && other != NULL && (k = check_key_at(ct, i)) != NULL; i++)
		if ((k->flags & KEY_ONE_OF) && k != other) {
			snprintf(err, errlen, "missing required key '%s' (or %s)",
			    other->name, k->name);
			return -1;
		}
	return 0;
}

int
check_complete(struct check *c, const char *const *set, size_t n, char *err,
    size_t errlen)
{
	if (missing_key(c->type, set, n, err, errlen) != 0)
		return -1;
	if (c->type->flags & CHECK_ON_PATH)
		c->guard = c->target;
	return c->type->finish != NULL ? c->type->finish(c, err, errlen) : 0;
}

int
check_takes_key(const struct check_type *ct, const char *key)
{
	return strcmp(key, "probes") == 0 || strcmp(key, "timeout") == 0 ||
	    check_key_find(ct, key) != NULL;
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
