/* help.c: probe help TYPE. Everything it says comes from the table of
 * check types (checks.h): a new type or key is listed without an edit. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "checks.h"
#include "help.h"

/* What is said of key k of t after its value: required (or which other
 * key), default, repeatable. */
static const char *
key_notes(const struct check_type *t, const struct check_key *k, char *buf,
    size_t len)
{
	const struct check_key *o;
	size_t n = 0, i;

	buf[0] = '\0';
	if (k->flags & KEY_REQUIRED)
		n += (size_t)snprintf(buf + n, len - n, "required");
	for (i = 0; (k->flags & KEY_ONE_OF) && (o = check_key_at(t, i)) != NULL; i++)
		if ((o->flags & KEY_ONE_OF) && o != k && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " or " :
			    "required, or ", o->name);
	if (k->def != NULL && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%sdefault %s", n ? "; " : "",
		    k->def);
	if ((k->flags & KEY_REPEATABLE) && n < len)
		snprintf(buf + n, len - n, "%srepeatable", n ? "; " : "");
	return buf;
}

/* One row: "  key = ARG   notes", the notes under a long left side. */
static void
row(FILE *out, const char *left, const char *notes)
{
	if (notes[0] == '\0')
		fprintf(out, "  %s\n", left);
	else if (strlen(left) >= 38)
		fprintf(out, "  %s\n  %-38s%s\n", left, "", notes);
	else
		fprintf(out, "  %-38s%s\n", left, notes);
}

void
help_type(FILE *out, const struct check_type *t)
{
	const struct check_option *co;
	const struct check_key *k;
	char notes[160], line[200];
	size_t i;

	fprintf(out, "[%s \"NAME\"]: %s\n\n", t->name, t->summary);
	for (i = 0; (k = check_key_at(t, i)) != NULL; i++) {
		snprintf(line, sizeof(line), "%s = %s", k->name, k->arg);
		row(out, line, key_notes(t, k, notes, sizeof(notes)));
	}
	row(out, "probes = KIND...", "default liveness readiness startup");
	row(out, "timeout = DURATION", "default: the run's deadline");
	fprintf(out, "\nOn the command line:\n  --%s %s\n", t->name, t->target_arg);
	for (co = t->options; co != NULL && co->option != NULL; co++)
		fprintf(out, "  --%s %s\n", co->option, co->arg);
	for (co = check_shared_options; co->option != NULL; co++)
		if (check_key_find(t, co->key) != NULL)
			fprintf(out, "  --%s %s\n", co->option, co->arg);
	fprintf(out, "\nman probe.ini: what each key does ([%s \"NAME\"])\n", t->name);
}
