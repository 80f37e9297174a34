/* test_checks.c: the table of check types is whole, and every list of the
 * types elsewhere (messages, --help, the man page, the README, the
 * reference config) agrees with it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		cr_expect_not_null(strstr(t->required, t->target_key),
		    "%s: its target key %s is not required", t->name, t->target_key);
		cr_expect_eq(check_type_find(t->name), t);
		for (co = t->options; co != NULL && co->option != NULL; co++)
			cr_expect(co->key != NULL && co->arg != NULL && co->help != NULL,
			    "%s: --%s", t->name, co->option);
	}
	cr_expect_gt(i, 0);
	cr_expect_null(check_type_find("ftp"));
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
