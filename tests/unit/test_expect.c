#include <regex.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ere.h"
#include "expect.h"

static char err[256];

/* Matches and misses, each also checked against glibc's regexec(), the
 * POSIX reference this build links. */
Test(ere, matches_like_posix)
{
	static const struct { const char *re, *text; int want; } cases[] = {
		{ "ok", "all ok", 1 }, { "ok", "o k", 0 }, { "^ok$", "ok", 1 },
		{ "^ok$", "ok\n", 0 }, { "^ok", "not ok", 0 }, { "ok$", "ok!", 0 },
		{ "a|b", "xbx", 1 }, { "a|b", "xyz", 0 }, { "(ab)+c", "ababc", 1 },
		{ "(ab)+c", "ac", 0 }, { "a*", "", 1 }, { "a+", "", 0 },
		{ "colou?r", "color", 1 }, { "colou?r", "colouur", 0 },
		{ "x{3}", "xx", 0 }, { "x{3}", "axxxb", 1 }, { "^x{2,3}$", "xxxx", 0 },
		{ "^x{2,3}$", "xxx", 1 }, { "^x{2,}$", "xxxxxxx", 1 }, { "^x{0,1}$", "", 1 },
		{ "[0-9]+ms", "took 12ms", 1 }, { "[^a-z]", "abc", 0 }, { "[^a-z]", "abC", 1 },
		{ "[[:digit:]]{2}", "a1b", 0 }, { "[[:digit:]]{2}", "a12", 1 },
		{ "[[:upper:][:space:]]", "abc def", 1 }, { "[]x]", "]", 1 }, { "[a-]", "-", 1 },
		{ "\"status\": *\"UP\"", "{\"status\": \"UP\"}", 1 },
		{ "\"status\":\"(UP|OK)\"", "{\"status\":\"DOWN\"}", 0 },
		{ "a.c", "abc", 1 }, { "a.c", "ac", 0 }, { "a\\.c", "abc", 0 },
		{ "a\\.c", "a.c", 1 }, { "(a|)b", "b", 1 }, { "((a*)*)*b", "aaaac", 0 },
		{ "(x+x+)+y", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 0 },
		{ "^$", "", 1 }, { "^(a|b)*$", "abba", 1 }, { "^(a|b)*$", "abca", 0 },
		{ "a{0}b", "b", 1 }, { "(^a|b)", "ca", 0 }, { "(a$|b)", "ac", 0 },
	};
	struct ere e;
	regex_t re;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(ere_compile(&e, cases[i].re, err, sizeof(err)), 0,
		    "%s: %s", cases[i].re, err);
		cr_expect_eq(ere_match(&e, cases[i].text, strlen(cases[i].text)),
		    cases[i].want, "'%s' on '%s'", cases[i].re, cases[i].text);
		ere_free(&e);
		cr_assert_eq(regcomp(&re, cases[i].re, REG_EXTENDED | REG_NOSUB), 0);
		cr_expect_eq(regexec(&re, cases[i].text, 0, NULL, 0) == 0, cases[i].want,
		    "glibc disagrees: '%s' on '%s'", cases[i].re, cases[i].text);
		regfree(&re);
	}
}

/*
 * RE2's escapes (Go's regexp: blackbox_exporter, and what configs are
 * copied from), as its syntax documents them: \d \s \w and negations
 * (ASCII; \s without \v), \b \B, \A \z, \t \n \r \f \v \xHH, escaped
 * punctuation. glibc's regexec() implements \w \W \s \S \b \B as GNU
 * extensions: where glibc is 1, it must agree (its \s has \v too).
 */
Test(ere, escapes_like_re2)
{
	static const struct { const char *re, *text; int want, glibc; } cases[] = {
		{ "Copyright \\d+", "Copyright 2015 ACME", 1, 0 },
		{ "\\d", "no digit here", 0, 0 }, { "\\d", "d", 0, 0 },
		{ "^\\d{4}-\\d{2}$", "2026-12", 1, 0 }, { "\\D", "123", 0, 0 },
		{ "\\D", "12a", 1, 0 },
		{ "\"status\":\\s*\"UP\"", "{\"status\": \"UP\"}", 1, 1 },
		{ "\"status\":\\s*\"UP\"", "{\"status\":\n\t\"UP\"}", 1, 1 },
		{ "\"status\":\\s*\"UP\"", "{\"status\":\"DOWN\"}", 0, 1 },
		{ "\\s", "s", 0, 1 }, { "\\s", "\v", 0, 0 }, { "\\S", " \t\r\n", 0, 1 },
		{ "\\S", " x ", 1, 1 }, { "^\\w+$", "abc_123", 1, 1 }, { "\\w", "-+.", 0, 1 },
		{ "\\W", "abc", 0, 1 }, { "\\W", "ab-c", 1, 1 },
		{ "\\bok\\b", "status ok.", 1, 1 }, { "\\bok\\b", "broken", 0, 1 },
		{ "\\bok\\b", "ok", 1, 1 }, { "\\Bok", "book", 1, 1 }, { "\\Bok", "ok", 0, 1 },
		{ "\\Aok", "ok then", 1, 0 }, { "\\Aok", "not ok", 0, 0 },
		{ "ok\\z", "all ok", 1, 0 }, { "ok\\z", "ok!", 0, 0 },
		{ "a\\tb", "a\tb", 1, 0 }, { "a\\nb", "a\nb", 1, 0 }, { "\\x41\\x42", "xABx", 1, 0 },
		{ "a\\.c", "abc", 0, 1 }, { "a\\.c", "a.c", 1, 1 }, { "\\(\\)", "f()", 1, 1 },
		{ "1\\+1", "1+1", 1, 1 }, { "\\[x\\]", "[x]", 1, 1 }, { "\\$5", "$5", 1, 1 },
		{ "[\\d.]+ms", "took 1.5ms", 1, 0 }, { "^[\\w.-]+$", "my-app.v2", 1, 0 },
		{ "^[\\w.-]+$", "my app", 0, 0 }, { "[\\s]", "a b", 1, 0 },
		{ "[\\D]", "123", 0, 0 }, { "[^\\d]", "123", 0, 0 }, { "[^\\d]", "12x", 1, 0 },
		{ "[\\]]", "]", 1, 0 }, { "[\\t]", "a\tb", 1, 0 }, { "[\\x30-\\x39]", "5", 1, 0 },
	};
	struct ere e;
	regex_t re;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(ere_compile(&e, cases[i].re, err, sizeof(err)), 0,
		    "%s: %s", cases[i].re, err);
		cr_expect_eq(ere_match(&e, cases[i].text, strlen(cases[i].text)),
		    cases[i].want, "'%s' on '%s'", cases[i].re, cases[i].text);
		ere_free(&e);
		if (!cases[i].glibc)
			continue;
		cr_assert_eq(regcomp(&re, cases[i].re, REG_EXTENDED | REG_NOSUB), 0);
		cr_expect_eq(regexec(&re, cases[i].text, 0, NULL, 0) == 0, cases[i].want,
		    "glibc disagrees: '%s' on '%s'", cases[i].re, cases[i].text);
		regfree(&re);
	}
}

/* A pattern with classes that backtracking engines take exponential time
 * on stays linear: 64 KiB of digits, no x. */
Test(ere, classes_stay_linear, .timeout = 5)
{
	static char text[64 * 1024];
	struct ere e;

	memset(text, '7', sizeof(text));
	cr_assert_eq(ere_compile(&e, "(\\d*)*\\d*\\w+\\bx", err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(ere_match(&e, text, sizeof(text)), 0);
	ere_free(&e);
}

Test(ere, nul_is_a_byte)
{
	struct ere e;

	cr_assert_eq(ere_compile(&e, "a.b$", err, sizeof(err)), 0);
	cr_expect_eq(ere_match(&e, "xa\0b", 4), 1);
	ere_free(&e);
}

Test(ere, bad_patterns)
{
	static const struct { const char *re, *why; } bad[] = {
		{ "(a", "unmatched ( or )" }, { "a)", "unmatched ( or )" },
		{ "[a", "unmatched [ or ]" }, { "*a", "*, + or ? with nothing before it" },
		{ "a|+", "*, + or ? with nothing before it" }, { "a\\", "a backslash at the end" },
		{ "(a)\\1", "back-references are not supported" },
		{ "a\\qb", "unknown escape (use \\d \\D \\s \\S \\w \\W \\b \\B \\A \\z "
		    "\\t \\n \\r \\f \\v \\xHH, or \\ before punctuation for itself)" },
		{ "\\p{L}", "unknown escape *" }, { "[\\q]", "unknown escape *" },
		{ "\\x4", "unknown escape *" }, { "[a-\\d]", "invalid range in [ ]" },
		{ "[[:nope:]]", "unknown character class" }, { "[z-a]", "invalid range in [ ]" },
		{ "a{2,1}", "invalid count in { }" }, { "a{256}", "invalid count in { }" },
		{ "a{1", "invalid count in { }" }, { "a{x}", "invalid count in { }" },
		{ "[[.a.]]", "collating elements ([. .], [= =]) are not supported" },
		{ "((a{255}){255})", "too large a pattern *" },
		{ "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
		    "(a)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))",
		    "( ) nested too deeply" },
	};
	struct ere e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(ere_compile(&e, bad[i].re, err, sizeof(err)), -1, "%s", bad[i].re);
		if (strchr(bad[i].why, '*') == NULL || bad[i].why[0] == '*')
			cr_expect_str_eq(err, bad[i].why, "%s", bad[i].re);
		else
			cr_expect(strncmp(err, bad[i].why, strlen(bad[i].why) - 1) == 0,
			    "%s: %s", bad[i].re, err);
		ere_free(&e);
	}
}

/* expect_json: POINTER ==|!= VALUE on a document, with what was found. */
Test(expect, json)
{
	static const char *doc = "{\"status\":\"UP\",\"n\":3,\"ok\":true,\"none\":null,"
	    "\"checks\":[{\"name\":\"db\"},{\"name\":\"cache\"}],\"a/b\":1,\"m~n\":2,"
	    "\"sub\":{\"x\":1}}";
	static const struct { const char *spec, *msg; } cases[] = {
		{ "/status == \"UP\"", NULL }, { "/status != \"DOWN\"", NULL },
		{ "/n == 3", NULL }, { "/n == 3.0", NULL }, { "/ok == true", NULL },
		{ "/none == null", NULL }, { "/checks/1/name == \"cache\"", NULL },
		{ "/a~1b == 1", NULL }, { "/m~0n == 2", NULL },
		{ "/status == \"DOWN\"", "/status is \"UP\", expected \"DOWN\"" },
		{ "/status != \"UP\"", "/status is \"UP\", expected anything but \"UP\"" },
		{ "/n == \"3\"", "/n is 3, expected \"3\"" },
		{ "/gone == 1", "/gone is missing, expected 1" },
		{ "/checks/2/name == \"x\"", "/checks/2/name is missing, expected \"x\"" },
		{ "/checks/01/name == \"x\"", "/checks/01/name is missing, expected \"x\"" },
		{ "/sub == 1", "/sub is an object, expected 1" },
		{ "/checks == 1", "/checks is an array, expected 1" },
		{ "/status/x == 1", "/status/x is missing, expected 1" },
	};
	struct expect e;
	char msg[240];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&e, 0, sizeof(e));
		cr_assert_eq(expect_json_add(&e, cases[i].spec, err, sizeof(err)), 0,
		    "%s: %s", cases[i].spec, err);
		cr_expect_eq(expect_judge(&e, doc, strlen(doc), 0, msg, sizeof(msg)),
		    cases[i].msg ? -1 : 0, "%s", cases[i].spec);
		if (cases[i].msg != NULL)
			cr_expect_str_eq(msg, cases[i].msg);
		expect_release(&e);
	}
}

Test(expect, json_bodies)
{
	struct expect e;
	char msg[240];

	memset(&e, 0, sizeof(e));
	cr_assert_eq(expect_json_add(&e, "/status == \"UP\"", err, sizeof(err)), 0);
	cr_expect_eq(expect_judge(&e, "<html>", 6, 0, msg, sizeof(msg)), -1);
	cr_expect_str_eq(msg, "body is not JSON (at byte 0)");
	cr_expect_eq(expect_judge(&e, "{\"status\":\"UP\"} x", 17, 0, msg, sizeof(msg)), -1);
	cr_expect_eq(expect_judge(&e, "{\"status\":\"UP\"}\n", 16, 0, msg, sizeof(msg)), 0);
	cr_expect_eq(expect_judge(&e, "{\"status\":\"U", 12, 1, msg, sizeof(msg)), -1);
	cr_expect_str_eq(msg, "body is not JSON in its first 64 KiB (read only that much)");
	cr_expect_eq(expect_judge(&e, "{\"status\":\"a\nb\"}", 16, 0, msg, sizeof(msg)), -1);
	cr_expect_eq(expect_judge(&e, "{\"status\":\"D\\nN\"}", 17, 0, msg, sizeof(msg)), -1);
	cr_expect_str_eq(msg, "/status is \"D?N\", expected \"UP\"");
	expect_release(&e);
}

Test(expect, bad_specs)
{
	static const struct { const char *spec, *err; } bad[] = {
		{ "/status = \"UP\"", "'/status = \"UP\"' is not POINTER == VALUE or POINTER != VALUE (/status == \"UP\")" },
		{ "status == \"UP\"", "'status' is not a JSON Pointer (\"/status\", \"/checks/0/name\"; ~0 for ~ and ~1 for /)" },
		{ "/a~2 == 1", "'/a~2' is not a JSON Pointer (\"/status\", \"/checks/0/name\"; ~0 for ~ and ~1 for /)" },
		{ "/status == UP", "'UP' is not a JSON string, number, true, false or null (a string is quoted: \"UP\")" },
		{ "/status == {}", "'{}' is not a JSON string, number, true, false or null (a string is quoted: \"UP\")" },
	};
	struct expect e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		cr_expect_eq(expect_json_add(&e, bad[i].spec, err, sizeof(err)), -1);
		cr_expect_str_eq(err, bad[i].err);
		expect_release(&e);
	}
}
