/* json.h: writing JSON, the one way every output of the probe does it. */
#ifndef JSON_H
#define JSON_H

#include <stdio.h>

/* The version of every JSON document the probe writes ("version": 1);
 * docs/schemas/ has the shape of each. */
#define JSON_VERSION 1

/* s as a JSON string, quoted: control characters escaped, a byte that is
 * not UTF-8 as \ufffd (a hostile peer's). */
void json_string(FILE *out, const char *s);

/* "[\"liveness\", \"readiness\"]": the kinds of bits, as a JSON array. */
void json_kinds(FILE *out, unsigned kinds);

#endif
