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

/* 1 if text has row, then its help on the same line or the next. */
static int
has_row(const char *text, const char *row)
{
	const char *at = strstr(text, row);

	return at != NULL && (at[strlen(row)] == ' ' || at[strlen(row)] == '\n');
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
		snprintf(want, sizeof(want), "      --%s %s", check_types[i]->name,
		    check_types[i]->target_arg);
		cr_expect(has_row(buf, want), "--help lacks '%s'", want);
		for (co = check_types[i]->options; co != NULL && co->option != NULL; co++) {
			snprintf(want, sizeof(want), "      --%s %s", co->option, co->arg);
			cr_expect(has_row(buf, want), "--help lacks '%s'", want);
		}
	}
	free(buf);
}

/* s with each '-' as troff's "\-", into buf. */
static const char *
troff(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s != '\0' && n + 3 < len; s++) {
		if (*s == '-')
			buf[n++] = '\\';
		buf[n++] = *s;
	}
	buf[n] = '\0';
	return buf;
}

/* The text of doc from the line that starts with head to the next line
 * that starts with one of ends ("\n.SS", ...), NUL-terminated in a copy
 * the caller frees; NULL when head is not there. */
static char *
section(const char *doc, const char *head, const char *const *ends)
{
	const char *at = strstr(doc, head), *end = NULL, *e;
	size_t i;

	if (at == NULL)
		return NULL;
	for (i = 0; ends[i] != NULL; i++)
		if ((e = strstr(at + strlen(head), ends[i])) != NULL && (end == NULL || e < end))
			end = e;
	return strndup(at, end != NULL ? (size_t)(end - at) : strlen(at));
}

/* Key k of type t has its row in the man page's section sec: ".BI "k = "",
 * and in it its default, "Required" and "Repeatable" as the table says. */
static void
man_row(const struct check_type *t, const struct check_key *k, const char *sec,
    const char *where)
{
	static const char *const row_ends[] = { "\n.TP", "\n.SS", "\n.SH", "\n.PP", NULL };
	char head[96], want[160], esc[96], *row;

	snprintf(head, sizeof(head), "\n.BI \"%s = \"", k->name);
	row = section(sec, head, row_ends);
	cr_expect_not_null(row, "docs/probe.ini.5: no row for key %s of [%s] under %s: "
	    "add '.TP\\n.BI \"%s = \" %s' and what it does", k->name, t->name, where,
	    k->name, k->arg);
	if (row == NULL)
		return;
	if (k->def != NULL) {
		snprintf(want, sizeof(want), "Default: \\fB%s\\fR", troff(k->def, esc,
		    sizeof(esc)));
		cr_expect_not_null(strstr(row, want), "docs/probe.ini.5: the row of %s "
		    "in [%s] lacks '%s'", k->name, t->name, want);
	}
	if (k->flags & KEY_REQUIRED)
		cr_expect_not_null(strstr(row, "Required."), "docs/probe.ini.5: the row "
		    "of %s in [%s] lacks 'Required.'", k->name, t->name);
	if (k->flags & KEY_ONE_OF)
		cr_expect_not_null(strstr(row, "Required, or"), "docs/probe.ini.5: the "
		    "row of %s in [%s] lacks 'Required, or' and the other key", k->name,
		    t->name);
	if (k->flags & KEY_REPEATABLE)
		cr_expect_not_null(strstr(row, "Repeatable"), "docs/probe.ini.5: the row "
		    "of %s in [%s] lacks 'Repeatable'", k->name, t->name);
	free(row);
}

/* Every key of t in reference.ini's section of t: "key = " or "; key = ",
 * and a key with a default as "key = DEFAULT", not commented out. */
static void
reference_rows(const struct check_type *t, const char *ref)
{
	static const char *const ends[] = { "\n[", NULL };
	const struct check_key *k;
	char head[64], want[160], *sec, *at;
	size_t i, n;

	snprintf(head, sizeof(head), "\n[%s \"", t->name);
	sec = section(ref, head, ends);
	cr_assert_not_null(sec, "config/reference.ini: no section of type %s: add "
	    "[%s \"NAME\"] with every key of the type", t->name, t->name);
	for (i = 0; (k = check_key_at(t, i)) != NULL; i++) {
		if (k->def != NULL) {
			snprintf(want, sizeof(want), "\n%s = %s", k->name, k->def);
			n = strlen(want);
			if ((at = strstr(sec, want)) == NULL) {	/* or as an example */
				snprintf(want, sizeof(want), "\n; %s = %s", k->name, k->def);
				n = strlen(want);
				at = strstr(sec, want);
			}
			cr_expect(at != NULL && strchr(" \t\n", at[n]) != NULL,
			    "config/reference.ini: [%s] lacks '%s = %s' (its default)",
			    t->name, k->name, k->def);
			continue;
		}
		snprintf(want, sizeof(want), "\n%s = ", k->name);
		snprintf(head, sizeof(head), "\n; %s = ", k->name);
		cr_expect(strstr(sec, want) != NULL || strstr(sec, head) != NULL,
		    "config/reference.ini: [%s] lacks '%s = ' (or '; %s = ' for an "
		    "example)", t->name, k->name, k->name);
	}
	free(sec);
}

/* Each option of the command line (a type's, or one it shares) has its
 * row in probe(1). */
static void
man_options(const struct check_type *t, const char *man)
{
	const struct check_option *o;
	char want[128], esc[96];

	snprintf(want, sizeof(want), ".BI \\-\\-%s \"", t->name);
	cr_expect_not_null(strstr(man, want), "docs/probe.1: no row for --%s: add "
	    "'.TP\\n.BI \\-\\-%s \" %s\"' under Checks on the command line", t->name,
	    t->name, t->target_arg);
	for (o = t->options; o != NULL && o->option != NULL; o++) {
		snprintf(want, sizeof(want), ".BI \\-\\-%s \"", troff(o->option, esc,
		    sizeof(esc)));
		cr_expect_not_null(strstr(man, want), "docs/probe.1: no row for --%s",
		    o->option);
	}
	for (o = check_shared_options; o->option != NULL; o++) {
		snprintf(want, sizeof(want), ".BI \\-\\-%s \"", troff(o->option, esc,
		    sizeof(esc)));
		cr_expect_not_null(strstr(man, want), "docs/probe.1: no row for --%s",
		    o->option);
	}
}

/* The docs of every type, from the table: its section and each key's row
 * in probe.ini(5) (shared keys under "TLS keys"), each key in
 * reference.ini with its default, its options in probe(1), its name in the
 * JSON report's list of types. */
Test(checks, the_docs_name_every_type_and_key)
{
	static const char *const ends[] = { "\n.SS", "\n.SH", NULL };
	char *man = slurp("docs/probe.1"), *ini5 = slurp("docs/probe.ini.5");
	char *ref = slurp("config/reference.ini"), *tls = section(ini5, "\n.SS TLS keys", ends);
	char head[96], *sec;
	const struct check_key *k;
	size_t i, j;

	cr_assert_not_null(tls, "docs/probe.ini.5: no .SS TLS keys");
	for (i = 0; check_types[i] != NULL; i++) {
		const struct check_type *t = check_types[i];

		snprintf(head, sizeof(head), "\n.SS [%s \\(dqNAME\\(dq]", t->name);
		sec = section(ini5, head, ends);
		cr_expect_not_null(sec, "docs/probe.ini.5: no section of type %s: add "
		    "'.SS [%s \\(dqNAME\\(dq]', what it does, then a row per key",
		    t->name, t->name);
		for (j = 0; sec != NULL && t->keys[j].name != NULL; j++)
			man_row(t, &t->keys[j], sec, head + 1);
		for (j = 0; t->shared_keys != NULL && t->shared_keys[j].name != NULL; j++) {
			k = &t->shared_keys[j];
			man_row(t, k, tls, ".SS TLS keys");
		}
		free(sec);
		reference_rows(t, ref);
		man_options(t, man);
		snprintf(head, sizeof(head), "%s%s", i ? "|" : "\\(dq", t->name);
		cr_expect_not_null(strstr(man, head), "docs/probe.1: the JSON report's "
		    "\"type\" lacks %s", t->name);
	}
	free(tls);
	free(man);
	free(ini5);
	free(ref);
}

/* The ini examples of the README and docs/ use keys their types take. */
Test(checks, the_examples_use_keys_that_exist)
{
	static const char *const files[] = { "README.md", "docs/kubernetes.md",
	    "docs/reliability.md", "docs/databases.md", "HACKING.md", NULL };
	const struct check_type *t = NULL;
	char line[512], type[32], key[64];
	size_t i;
	int in_ini;

	for (i = 0; files[i] != NULL; i++) {
		FILE *f = fopen(files[i], "r");

		cr_assert_not_null(f, "cannot open %s", files[i]);
		in_ini = 0;
		while (fgets(line, sizeof(line), f) != NULL) {
			if (strncmp(line, "```", 3) == 0) {
				in_ini = !in_ini && strncmp(line, "```ini", 6) == 0;
				t = NULL;
			} else if (in_ini && sscanf(line, "[%31[a-z] \"", type) == 1)
				t = check_type_find(type);
			else if (in_ini && t != NULL && sscanf(line, "%63[a-z_] =", key) == 1)
				cr_expect(check_takes_key(t, key), "%s: [%s] has no key %s: %s",
				    files[i], t->name, key, line);
		}
		fclose(f);
	}
}
