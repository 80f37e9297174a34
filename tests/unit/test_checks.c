/* test_checks.c: the table of check types is whole, and every list of the
 * types elsewhere (messages, --help, the man page, the README, the
 * reference config) agrees with it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "checks.h"
#include "cli.h"
#include "config.h"

/* The whole file at path, NUL-terminated; the caller frees. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	cr_assert_not_null(f, "cannot open %s (run from the top of the tree)", path);
	buf = calloc(1, 1 << 20);
	cr_assert_not_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

Test(checks, every_type_is_whole)
{
	const struct check_option *co;
	size_t i;

	for (i = 0; check_types[i] != NULL; i++) {
		const struct check_type *t = check_types[i];

		cr_expect_not_null(t->summary, "%s: summary", t->name);
		cr_expect_not_null(t->target_arg, "%s: target_arg", t->name);
		cr_expect_not_null(t->set, "%s: set", t->name);
		cr_expect_not_null(t->run, "%s: run", t->name);
		cr_expect_gt(t->priv_size, 0, "%s: priv_size", t->name);
		cr_assert_not_null(t->target_key, "%s: target_key", t->name);
		cr_assert_not_null(check_key_find(t, t->target_key),
		    "%s: its target key %s is not in its keys", t->name, t->target_key);
		cr_expect(check_key_find(t, t->target_key)->flags & (KEY_REQUIRED | KEY_ONE_OF),
		    "%s: its target key %s is not required", t->name, t->target_key);
		cr_expect_eq(check_type_find(t->name), t);
		for (co = t->options; co != NULL && co->option != NULL; co++)
			cr_expect(co->key != NULL && co->arg != NULL && co->help != NULL,
			    "%s: --%s", t->name, co->option);
	}
	cr_expect_gt(i, 0);
	cr_expect_null(check_type_find("ftp"));
}

/* A value of what --TYPE takes, for a section that loads. */
static const char *
sample(const struct check_type *t)
{
	static const struct {
		const char *arg, *value;
	} samples[] = {
		{ "URL", "http://127.0.0.1:1/" }, { "HOST:PORT", "127.0.0.1:1" },
		{ "PATH", "/tmp" },
	};
	size_t i;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		if (strcmp(samples[i].arg, t->target_arg) == 0)
			return samples[i].value;
	cr_assert_fail("%s: add a sample value of %s to sample() in test_checks.c",
	    t->name, t->target_arg);
	return NULL;
}

/* Every key of every type: what it takes is said, and its default, set
 * as a config would, loads. */
Test(checks, every_key_is_whole_and_its_default_loads)
{
	const struct check_key *k;
	struct config cfg;
	char text[512], err[512];
	size_t i, j;

	for (i = 0; check_types[i] != NULL; i++) {
		const struct check_type *t = check_types[i];

		for (j = 0; (k = check_key_at(t, j)) != NULL; j++) {
			cr_expect(k->arg != NULL && k->arg[0] != '\0', "%s: %s: arg",
			    t->name, k->name);
			cr_expect_eq(check_key_find(t, k->name), k,
			    "%s: key %s twice", t->name, k->name);
			if (k->def == NULL)
				continue;
			/* a TLS key needs TLS where a type makes it optional */
			snprintf(text, sizeof(text), "[%s \"a\"]\n%s = %s\n%s%s = %s\n",
			    t->name, t->target_key, sample(t),
			    check_key_find(t, "tls") != NULL && strcmp(k->name, "tls") != 0 ?
			    "tls = yes\n" : "", k->name, k->def);
			cr_expect_eq(config_load_text(&cfg, "F", text, strlen(text), NULL,
			    err, sizeof(err)), 0, "%s: %s = %s: %s", t->name, k->name,
			    k->def, err);
			config_free(&cfg);
		}
	}
}

Test(checks, the_unknown_section_message_lists_every_type)
{
	struct config cfg;
	char err[512], list[256], want[512];

	cr_expect_eq(config_load_text(&cfg, "F", "[ftp \"x\"]\n", 10, NULL, err,
	    sizeof(err)), -1);
	config_free(&cfg);
	snprintf(want, sizeof(want), "F:1: unknown section type 'ftp' (use probe, "
	    "serve, %s)", check_types_list(list, sizeof(list)));
	cr_expect_str_eq(err, want);
	cr_expect_str_eq(check_types_list(list, sizeof(list)),
	    "http, tcp, mount, writable, grpc or cert");
}

Test(checks, help_lists_every_type_and_option)
{
	char *buf = NULL, want[128];
	const struct check_option *co;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	cli_usage(f);
	fclose(f);
	for (i = 0; check_types[i] != NULL; i++) {
		snprintf(want, sizeof(want), "      --%s %s ", check_types[i]->name,
		    check_types[i]->target_arg);
		cr_expect_not_null(strstr(buf, want), "--help lacks '%s'", want);
		for (co = check_types[i]->options; co != NULL && co->option != NULL; co++) {
			snprintf(want, sizeof(want), "      --%s %s ", co->option, co->arg);
			cr_expect_not_null(strstr(buf, want), "--help lacks '%s'", want);
		}
	}
	free(buf);
}

/* Each option of a type: in the man page and README's table as an
 * option, its key in the reference config. */
static void
docs_name_options(const struct check_type *t, const char *man,
    const char *readme, const char *ref)
{
	const struct check_option *o;
	char want[128], *w;
	const char *p;

	for (o = t->options; o != NULL && o->option != NULL; o++) {
		w = want + snprintf(want, sizeof(want), ".BI \\-\\-");
		for (p = o->option; *p != '\0' && w < want + sizeof(want) - 3; p++) {
			if (*p == '-')
				*w++ = '\\';
			*w++ = *p;
		}
		*w = '\0';
		cr_expect_not_null(strstr(man, want), "probe.1 lacks %s", want);
		snprintf(want, sizeof(want), "| `--%s ", o->option);
		cr_expect_not_null(strstr(readme, want), "README lacks %s", want);
		snprintf(want, sizeof(want), "%s = ", o->key);
		cr_expect_not_null(strstr(ref, want), "reference.ini lacks %s", want);
	}
}

/* The docs name every type: a section of its own in the man page, the
 * README and the reference config, and its command-line option. */
Test(checks, the_docs_name_every_type)
{
	char *man = slurp("docs/probe.1"), *readme = slurp("README.md");
	char *ref = slurp("config/reference.ini"), want[128];
	size_t i;

	for (i = 0; check_types[i] != NULL; i++) {
		const char *n = check_types[i]->name;

		snprintf(want, sizeof(want), ".B [%s \"\"\"NAME\"\"\"]", n);
		cr_expect_not_null(strstr(man, want), "probe.1 lacks %s", want);
		snprintf(want, sizeof(want), ".BI \\-\\-%s \"", n);
		cr_expect_not_null(strstr(man, want), "probe.1 lacks %s", want);
		snprintf(want, sizeof(want), "|%s", n);
		cr_expect(strstr(man, want) != NULL || i == 0,
		    "probe.1's JSON \"type\" lacks %s", n);
		snprintf(want, sizeof(want), "[%s \"", n);
		cr_expect_not_null(strstr(readme, want), "README lacks %s", want);
		cr_expect_not_null(strstr(ref, want), "reference.ini lacks %s", want);
		docs_name_options(check_types[i], man, readme, ref);
	}
	free(man);
	free(readme);
	free(ref);
}
