/* json.c: JSON strings and arrays, for every output of the probe. */
#include <stdio.h>

#include "json.h"
#include "parse.h"
#include "probe.h"
#include "util.h"

void
json_string(FILE *out, const char *s)
{
	size_t n;

	fputc('"', out);
	for (; *s != '\0'; s += n ? n : 1) {
		unsigned char ch = (unsigned char)*s;

		n = utf8_seq(s);
		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(out, "\\u%04x", ch);
		else if (n == 0)	/* not UTF-8: a hostile peer's bytes */
			fputs("\\ufffd", out);
		else
			fwrite(s, 1, n, out);
	}
	fputc('"', out);
}

void
json_kinds(FILE *out, unsigned kinds)
{
	static const unsigned all[] = { KIND_LIVENESS, KIND_READINESS, KIND_STARTUP };
	const char *sep = "";
	size_t i;

	fputc('[', out);
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (kinds & all[i]) {
			fprintf(out, "%s\"%s\"", sep, kind_name(all[i]));
			sep = ", ";
		}
	fputc(']', out);
}
