/* expect.c: body assertions: a regular expression, JSON Pointer values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "expect.h"
#include "util.h"

#define SHOWN_MAX 60	/* bytes of a pattern or a found string in a message */

/* s, one printable line, at most SHOWN_MAX bytes, into buf. */
static const char *
shown(const char *s, char *buf, size_t len)
{
	size_t i = 0, n, max = utf8_cut(s, SHOWN_MAX);

	while (i < max && *s != '\0' && i + 5 < len) {
		n = (unsigned char)*s >= 0x80 ? utf8_seq(s) : 1;
		if (n == 0 || (n == 1 && ((unsigned char)*s < 0x20 || *s == 0x7f)))
			buf[i++] = '?', s++;
		else
			for (; n > 0; n--)
				buf[i++] = *s++;
	}
	snprintf(buf + i, len - i, "%s", *s != '\0' ? "..." : "");
	return buf;
}

int
expect_regex_set(struct expect *e, const char *pattern, char *err, size_t errlen)
{
	char p[SHOWN_MAX + 8], why[128];

	if (e->re_text != NULL) {
		ere_free(&e->re);
		free(e->re_text);
		e->re_text = NULL;
	}
	if (ere_compile(&e->re, pattern, why, sizeof(why)) != 0) {
		ere_free(&e->re);
		snprintf(err, errlen, "invalid regular expression '%s': %s",
		    shown(pattern, p, sizeof(p)), why);
		return -1;
	}
	if ((e->re_text = strdup(pattern)) == NULL) {
		ere_free(&e->re);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* An RFC 6901 pointer: "" or "/...", each '~' followed by 0 or 1. */
static int
pointer_ok(const char *p)
{
	if (*p != '\0' && *p != '/')
		return 0;
	for (; (p = strchr(p, '~')) != NULL; p++)
		if (p[1] != '0' && p[1] != '1')
			return 0;
	return 1;
}

/* The operator of "POINTER OP VALUE", the first "==" or "!=", or NULL. */
static char *
json_split(char *s)
{
	char *eq = strstr(s, "=="), *ne = strstr(s, "!=");

	return eq == NULL ? ne : ne == NULL ? eq : eq < ne ? eq : ne;
}

static char *
trim(char *s)
{
	size_t n;

	s += strspn(s, " \t");
	for (n = strlen(s); n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'); n--)
		s[n - 1] = '\0';
	return s;
}

int
expect_json_add(struct expect *e, const char *spec, char *err, size_t errlen)
{
	struct expect_json *j = &e->json[e->njson];
	char *copy = strdup(spec), *op, *ptr, *val;
	int ret = -1;

	if (copy == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (e->njson == EXPECT_JSON_MAX) {
		snprintf(err, errlen, "too many expect_json (at most %d)", EXPECT_JSON_MAX);
		goto out;
	}
	if ((op = json_split(copy)) == NULL) {
		snprintf(err, errlen, "'%s' is not POINTER == VALUE or POINTER != VALUE "
		    "(/status == \"UP\")", spec);
		goto out;
	}
	j->equal = op[0] == '=';
	op[0] = op[1] = '\0';
	ptr = trim(copy);
	val = trim(op + 2);
	if (!pointer_ok(ptr)) {
		snprintf(err, errlen, "'%s' is not a JSON Pointer (\"/status\", "
		    "\"/checks/0/name\"; ~0 for ~ and ~1 for /)", ptr);
		goto out;
	}
	j->want = cJSON_Parse(val);
	if (j->want == NULL || cJSON_IsArray(j->want) || cJSON_IsObject(j->want)) {
		snprintf(err, errlen, "'%s' is not a JSON string, number, true, false "
		    "or null (a string is quoted: \"UP\")", val);
		cJSON_Delete(j->want);
		j->want = NULL;
		goto out;
	}
	if ((j->pointer = strdup(ptr)) == NULL || (j->want_text = strdup(val)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(j->pointer);
		cJSON_Delete(j->want);
		memset(j, 0, sizeof(*j));
		goto out;
	}
	e->njson++;
	ret = 0;
out:
	free(copy);
	return ret;
}

int
expect_any(const struct expect *e)
{
	return e->re_text != NULL || e->njson > 0;
}

/* The element of array a at index token tok ("0", "12"), or NULL. */
static const cJSON *
json_index(const cJSON *a, const char *tok)
{
	size_t n = strspn(tok, "0123456789");

	if (n == 0 || tok[n] != '\0' || n > 9 || (tok[0] == '0' && n > 1))
		return NULL;
	return cJSON_GetArrayItem(a, atoi(tok));
}

/* The value at pointer in root (RFC 6901), or NULL. */
static const cJSON *
json_at(const cJSON *root, const char *p)
{
	const cJSON *v = root;
	char tok[256];
	size_t n;

	while (*p == '/' && v != NULL) {
		for (n = 0, p++; *p != '\0' && *p != '/'; p++) {
			if (n + 1 == sizeof(tok))
				return NULL;
			if (*p == '~')
				tok[n++] = *++p == '0' ? '~' : '/';
			else
				tok[n++] = *p;
		}
		tok[n] = '\0';
		if (cJSON_IsArray(v))
			v = json_index(v, tok);
		else if (cJSON_IsObject(v))
			v = cJSON_GetObjectItemCaseSensitive(v, tok);
		else
			v = NULL;
	}
	return v;
}

/* A found value for people: "\"DOWN\"", 3, true, null, an object. */
static const char *
json_text(const cJSON *v, char *buf, size_t len)
{
	char s[SHOWN_MAX + 8];

	if (cJSON_IsString(v))
		snprintf(buf, len, "\"%s\"", shown(v->valuestring, s, sizeof(s)));
	else if (cJSON_IsNumber(v))
		snprintf(buf, len, "%.15g", v->valuedouble);
	else if (cJSON_IsBool(v))
		snprintf(buf, len, "%s", cJSON_IsTrue(v) ? "true" : "false");
	else if (cJSON_IsNull(v))
		snprintf(buf, len, "null");
	else
		snprintf(buf, len, "%s", cJSON_IsArray(v) ? "an array" : "an object");
	return buf;
}

/* Every expect_json against the document; 0, or -1 with msg. */
static int
json_judge(const struct expect *e, const cJSON *doc, char *msg, size_t msglen)
{
	const struct expect_json *j;
	const cJSON *v;
	char found[SHOWN_MAX + 16];
	size_t i;

	for (i = 0; i < e->njson; i++) {
		j = &e->json[i];
		v = json_at(doc, j->pointer);
		if (v != NULL && (cJSON_Compare(v, j->want, 1) != 0) == j->equal)
			continue;
		snprintf(msg, msglen, "%s is %s, expected %s%s",
		    j->pointer[0] != '\0' ? j->pointer : "the body",
		    v != NULL ? json_text(v, found, sizeof(found)) : "missing",
		    j->equal ? "" : "anything but ", j->want_text);
		return -1;
	}
	return 0;
}

int
expect_judge(const struct expect *e, const char *body, size_t len, int cut,
    char *msg, size_t msglen)
{
	const char *end = NULL;
	char p[SHOWN_MAX + 8];
	cJSON *doc;
	int r;

	if (e->re_text != NULL && (r = ere_match(&e->re, body, len)) != 1) {
		snprintf(msg, msglen, r < 0 ? "out of memory matching '%s'%s" :
		    "body does not match '%s'%s", shown(e->re_text, p, sizeof(p)),
		    r == 0 && cut ? " in its first 64 KiB (read only that much)" : "");
		return -1;
	}
	if (e->njson == 0)
		return 0;
	if ((doc = cJSON_ParseWithLengthOpts(body, len + 1, &end, 1)) == NULL) {
		if (cut)
			snprintf(msg, msglen, "body is not JSON in its first 64 KiB "
			    "(read only that much)");
		else
			snprintf(msg, msglen, "body is not JSON (at byte %zu)",
			    end != NULL && end >= body ? (size_t)(end - body) : (size_t)0);
		return -1;
	}
	r = json_judge(e, doc, msg, msglen);
	cJSON_Delete(doc);
	return r;
}

/* A part's status that is not up: Spring Boot's "UP", ASP.NET's
 * "Healthy", MicroProfile's "UP". */
static int
not_up(const cJSON *status)
{
	return cJSON_IsString(status) && strcmp(status->valuestring, "UP") != 0 &&
	    strcmp(status->valuestring, "Healthy") != 0;
}

/* The parts of doc that are not up, into msg (n bytes in already). */
static size_t
parts_down(const cJSON *doc, char *msg, size_t msglen, size_t n)
{
	static const char *const holders[] = { "components", "entries", "checks" };
	const cJSON *parts, *p, *st, *name;
	char a[SHOWN_MAX + 8], b[SHOWN_MAX + 8];
	size_t i, shown_parts = 0;

	for (i = 0; i < sizeof(holders) / sizeof(holders[0]); i++) {
		parts = cJSON_GetObjectItemCaseSensitive(doc, holders[i]);
		cJSON_ArrayForEach(p, parts) {
			st = cJSON_GetObjectItemCaseSensitive(p, "status");
			name = cJSON_IsArray(parts) ? cJSON_GetObjectItemCaseSensitive(p, "name") : NULL;
			if (!not_up(st) || n >= msglen || shown_parts == 3)
				continue;
			n += (size_t)snprintf(msg + n, msglen - n, "%s%s: \"%s\"",
			    shown_parts++ ? ", " : " (", name != NULL && cJSON_IsString(name) ?
			    shown(name->valuestring, a, sizeof(a)) : p->string != NULL ?
			    shown(p->string, a, sizeof(a)) : "?", shown(st->valuestring, b, sizeof(b)));
		}
	}
	if (shown_parts > 0 && n < msglen)
		n += (size_t)snprintf(msg + n, msglen - n, ")");
	return n;
}

int
expect_why(const struct expect *e, const char *body, size_t len, char *msg,
    size_t msglen)
{
	const cJSON *st;
	char v[SHOWN_MAX + 8];
	cJSON *doc;
	size_t n;

	msg[0] = '\0';
	if ((doc = cJSON_ParseWithLength(body, len)) == NULL)
		return 0;
	if (e->njson > 0)
		json_judge(e, doc, msg, msglen);
	else if (cJSON_IsObject(doc) && cJSON_IsString(st =
	    cJSON_GetObjectItemCaseSensitive(doc, "status"))) {
		n = (size_t)snprintf(msg, msglen, "status \"%s\"",
		    shown(st->valuestring, v, sizeof(v)));
		parts_down(doc, msg, msglen, n);
	}
	cJSON_Delete(doc);
	return msg[0] != '\0';
}

const char *
expect_body_start(const char *body, size_t len, size_t max, char *buf,
    size_t buflen)
{
	size_t i, n = 0;

	if (buflen < 8)
		return "";
	buf[n++] = '"';
	for (i = 0; i < len && i < max && n + 6 < buflen; i++) {
		unsigned char c = (unsigned char)body[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			buf[n++] = (char)c;
		else
			n += (size_t)snprintf(buf + n, buflen - n, "\\x%02x", c);
	}
	snprintf(buf + n, buflen - n, "%s\"", i < len ? "..." : "");
	return buf;
}

void
expect_release(struct expect *e)
{
	size_t i;

	ere_free(&e->re);
	free(e->re_text);
	for (i = 0; i < e->njson; i++) {
		free(e->json[i].pointer);
		free(e->json[i].want_text);
		cJSON_Delete(e->json[i].want);
	}
	memset(e, 0, sizeof(*e));
}
