#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "check.h"
#include "checks.h"
#include "config.h"
#include "parse.h"
#include "util.h"

#define SECTION_MAX_KEYS 64
#define SYNTAX_ERROR "syntax error (expected [section] or key = value)"

enum section { SEC_NONE, SEC_PROBE, SEC_SERVE, SEC_CHECK, SEC_SKIP };

#define PROBE_KEYS "timeout sandbox termination_log"
#define SERVE_KEYS "listen cache terse log_format"

struct seen_key {
	char name[32];
	int line;
};

struct loader {
	struct config *cfg;
	FILE *f;
	int line;		/* of the line inih is working on */
	int err_line;		/* of the first error; 0: no error yet */
	int done;		/* stop reading: the rest cannot be read */
	const char *key;	/* the key being set, for notes */
	int syntax_line;	/* the last line noted as a syntax error */
	size_t section_errors;	/* errors noted before its section began */

	enum section section;
	int section_line;
	char section_text[CONFIG_MAX_LINE + 1];
	struct check *check;	/* the one being filled, owned by cfg */
	int probe_seen;
	struct seen_key seen[SECTION_MAX_KEYS];
	size_t nseen;
};

static void vnote(struct config *cfg, int warning, int line, const char *key,
    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void
vnote(struct config *cfg, int warning, int line, const char *key,
    const char *fmt, va_list ap)
{
	struct config_notes *ns = cfg->notes;
	struct config_note *n;

	if (ns == NULL && (ns = cfg->notes = calloc(1, sizeof(*ns))) == NULL)
		return;
	if (warning)
		ns->warnings++;
	else
		ns->errors++;
	if (ns->n == CONFIG_NOTES_MAX) {
		ns->left_off++;
		return;
	}
	n = &ns->note[ns->n++];
	n->warning = warning;
	n->line = line;
	snprintf(n->key, sizeof(n->key), "%s", key != NULL ? key : "");
	vsnprintf(n->msg, sizeof(n->msg), fmt, ap);
}

int
config_note(struct config *cfg, int warning, int line, const char *key,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(cfg, warning, line, key, fmt, ap);
	va_end(ap);
	return cfg->notes != NULL ? 0 : -1;
}

static void loader_error(struct loader *, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An error at line: noted, and the reading goes on, so that one run names
 * every mistake of a file. */
static void
loader_error(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;

	if (ld->err_line == 0)
		ld->err_line = line;
	va_start(ap, fmt);
	vnote(ld->cfg, 0, line, ld->key, fmt, ap);
	va_end(ap);
}

/* The last note, if it was added since there were n: to redact it. */
static struct config_note *
note_since(struct loader *ld, size_t n)
{
	struct config_notes *ns = ld->cfg->notes;

	return ns != NULL && ns->n > n ? &ns->note[ns->n - 1] : NULL;
}

static size_t
errors_now(const struct loader *ld)
{
	return ld->cfg->notes != NULL ? ld->cfg->notes->errors : 0;
}

static size_t
notes_now(const struct loader *ld)
{
	return ld->cfg->notes != NULL ? ld->cfg->notes->n : 0;
}

/* The line of the key an error about the section starts with ("ca_file
 * needs tls = yes"), else the section's. */
static int
key_line(const struct loader *ld, const char *err)
{
	size_t i, n;

	for (i = 0; i < ld->nseen; i++) {
		n = strlen(ld->seen[i].name);
		if (strncmp(err, ld->seen[i].name, n) == 0 && err[n] == ' ')
			return ld->seen[i].line;
	}
	return ld->section_line;
}

static void
finish_section(struct loader *ld)
{
	const char *set[SECTION_MAX_KEYS];
	char err[200];
	struct check *c = ld->check;
	size_t i;

	for (i = 0; i < ld->nseen; i++)
		set[i] = ld->seen[i].name;
	/* A section with an error of its own is not completed: its values
	 * are not all in, and one mistake is named once. */
	if (ld->section == SEC_CHECK && c != NULL && errors_now(ld) == ld->section_errors &&
	    check_complete(c, set, ld->nseen, err, sizeof(err)) != 0)
		loader_error(ld, key_line(ld, err), "%s in [%s]", err, ld->section_text);
	ld->section = SEC_NONE;
	ld->check = NULL;
	ld->nseen = 0;
}

/*
 * A new check of type ct named name, appended to cfg. Returns it, or NULL
 * with err filled (duplicate name, too many checks, out of memory).
 */
static struct check *
config_add_check(struct config *cfg, const struct check_type *ct,
    const char *name, int line, char *err, size_t errlen)
{
	struct check *c;
	size_t i;

	for (i = 0; i < cfg->nchecks; i++) {
		c = cfg->checks[i];
		if (c->type != ct || strcmp(c->name, name) != 0)
			continue;
		if (c->line > 0)
			snprintf(err, errlen, "duplicate check name [%s \"%s\"] "
			    "(first at line %d)", ct->name, name, c->line);
		else
			snprintf(err, errlen, "duplicate check %s \"%s\"", ct->name,
			    name);
		return NULL;
	}
	if (cfg->nchecks == PROBE_MAX_CHECKS) {
		snprintf(err, errlen, "too many checks (at most %d)", PROBE_MAX_CHECKS);
		return NULL;
	}
	if ((c = check_new(ct, name, line, cfg->check_files)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cfg->checks[cfg->nchecks++] = c;
	return c;
}

/* Split "TYPE "NAME"" into type and name (quotes and blanks removed);
 * returns 0, or -1 when the type is empty or too long. */
static int
split_section(const char *text, char *type, size_t typelen, char *name,
    size_t namelen)
{
	size_t n = strcspn(text, " \t\"");
	const char *p;

	if (n == 0 || n >= typelen)
		return -1;
	memcpy(type, text, n);
	type[n] = '\0';
	p = text + n;
	p += strspn(p, " \t");
	n = strlen(p);
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
		p++;
		n -= 2;
	}
	if (n >= namelen)
		n = namelen - 1;
	memcpy(name, p, n);
	name[n] = '\0';
	return 0;
}

/* [probe] or [serve]: no name, once each. */
static void
begin_global_section(struct loader *ld, const char *type, const char *name)
{
	int *seen = type[0] == 'p' ? &ld->probe_seen : &ld->cfg->serve.seen;

	if (name[0] != '\0')
		loader_error(ld, ld->line, "section [%s] takes no name", type);
	else if (*seen)
		loader_error(ld, ld->line, "duplicate section [%s]", type);
	else
		ld->section = type[0] == 'p' ? SEC_PROBE : SEC_SERVE;
	*seen = 1;
}

/* "unknown section type 'htp' (did you mean http?)", else the list. */
static void
unknown_type(struct loader *ld, const char *type)
{
	char all[300], list[200], near[64];
	size_t i, n;

	n = (size_t)snprintf(all, sizeof(all), "probe serve");
	for (i = 0; check_types[i] != NULL && n < sizeof(all); i++)
		n += (size_t)snprintf(all + n, sizeof(all) - n, " %s", check_types[i]->name);
	if (closest_word(type, all, near, sizeof(near)) != NULL)
		loader_error(ld, ld->line, "unknown section type '%s' (did you mean "
		    "%s?)", type, near);
	else
		loader_error(ld, ld->line, "unknown section type '%s' (use probe, "
		    "serve, %s)", type, check_types_list(list, sizeof(list)));
}

/* "unknown key 'urll' in [http "a"] (did you mean url?)". */
static void
unknown_key(struct loader *ld, const char *key, const char *keys)
{
	char near[64];

	if (closest_word(key, keys, near, sizeof(near)) != NULL)
		loader_error(ld, ld->line, "unknown key '%s' in [%s] (did you mean %s?)",
		    key, ld->section_text, near);
	else
		loader_error(ld, ld->line, "unknown key '%s' in [%s]", key,
		    ld->section_text);
}

/* text is what stands between [ and ]: "probe" or "TYPE "NAME"". */
static void
begin_section(struct loader *ld, const char *text)
{
	char type[32], name[CHECK_NAME_MAX + 2], err[200];
	const struct check_type *ct;

	finish_section(ld);
	snprintf(ld->section_text, sizeof(ld->section_text), "%s", text);
	ld->section_line = ld->line;
	ld->section = SEC_SKIP;	/* until it proves good: its keys say nothing */
	ld->section_errors = errors_now(ld);
	if (split_section(text, type, sizeof(type), name, sizeof(name)) != 0) {
		loader_error(ld, ld->line, "invalid section [%s]", text);
		return;
	}
	if (strcmp(type, "probe") == 0 || strcmp(type, "serve") == 0) {
		begin_global_section(ld, type, name);
		return;
	}
	if ((ct = check_type_find(type)) == NULL) {
		unknown_type(ld, type);
		return;
	}
	if (!check_valid_name(name)) {
		if (name[0] == '\0')
			loader_error(ld, ld->line,
			    "section [%s] needs a name, as in [%s \"NAME\"]", text, type);
		else
			loader_error(ld, ld->line, "invalid check name in [%s] "
			    "(use 1 to 63 letters, digits, '.', '_', ':' or '-')", text);
		return;
	}
	if ((ld->check = config_add_check(ld->cfg, ct, name, ld->line, err,
	    sizeof(err))) == NULL) {
		loader_error(ld, ld->line, "%s", err);
		return;
	}
	ld->section = SEC_CHECK;
}

/* After a full buffer: 1 if the line ends here (a newline, CRLF, a lone
 * CR at the end of the file, or the end of the file), which is consumed. */
static int
line_ends(FILE *f, int *ch)
{
	if ((*ch = getc(f)) == EOF || *ch == '\n')
		return 1;
	if (*ch != '\r')
		return 0;
	if ((*ch = getc(f)) == EOF || *ch == '\n')
		return 1;
	return 0;
}

/*
 * inih's reader. Counts lines, spots section headers before inih sees them
 * (so that a section has a line and an empty one is not lost), strips
 * indentation (inih would take an indented line for a continuation) and
 * rejects NUL bytes and lines longer than inih's buffer.
 */
static char *
reader(char *buf, int size, void *arg)
{
	struct loader *ld = arg;
	int ch = EOF, n = 0, skip = 1;
	char msg[200];
	char *end;

	if (ld->done)
		return NULL;
	ld->line++;
	while (n < size - 1 && (ch = getc(ld->f)) != EOF) {
		if (ch == '\0') {
			loader_error(ld, ld->line, "NUL byte in line (not a text file?)");
			ld->done = 1;
			return NULL;
		}
		if (skip && (ch == ' ' || ch == '\t'))
			continue;
		skip = 0;
		buf[n++] = (char)ch;
		if (ch == '\n')
			break;
	}
	buf[n] = '\0';
	if (n == size - 1 && ch != '\n' && !line_ends(ld->f, &ch)) {
		loader_error(ld, ld->line, "line is longer than %d characters",
		    size - 1);
		ld->done = 1;
		return NULL;
	}
	if (ch == EOF && ferror(ld->f)) {
		sys_error(msg, sizeof(msg), errno, "cannot read");
		loader_error(ld, ld->line, "%s", msg);
		ld->done = 1;
		return NULL;
	}
	if (n == 0 && ch == EOF) {
		finish_section(ld);
		return NULL;
	}
	if (ld->line == 1 && strncmp(buf, "\xEF\xBB\xBF", 3) == 0)
		memmove(buf, buf + 3, strlen(buf + 3) + 1);
	if (buf[0] == '[' && (end = strchr(buf, ']')) != NULL) {
		*end = '\0';
		begin_section(ld, buf + 1);
		*end = ']';
	} else if (strchr(";#\r\n", buf[0]) == NULL &&
	    (buf[0] == '[' || buf[strcspn(buf, "=:")] == '\0')) {
		loader_error(ld, ld->line, SYNTAX_ERROR);
		ld->syntax_line = ld->line;
	}
	return buf;
}

static int
key_seen(struct loader *ld, const char *key)
{
	const struct check_key *k = ld->check ? check_key_find(ld->check->type, key) : NULL;
	size_t i;

	if (k != NULL && (k->flags & KEY_REPEATABLE))
		return 0;
	for (i = 0; i < ld->nseen; i++) {
		if (strcmp(ld->seen[i].name, key) == 0) {
			loader_error(ld, ld->line,
			    "'%s' is set twice in [%s] (first at line %d)",
			    key, ld->section_text, ld->seen[i].line);
			return 1;
		}
	}
	if (ld->nseen == SECTION_MAX_KEYS) {
		loader_error(ld, ld->line, "too many keys in [%s]", ld->section_text);
		return 1;
	}
	snprintf(ld->seen[ld->nseen].name, sizeof(ld->seen[0].name), "%s", key);
	ld->seen[ld->nseen++].line = ld->line;
	return 0;
}

static int
set_check_key(struct loader *ld, const char *key, const char *value)
{
	char err[200], keys[600];
	int r;

	if (!check_takes_key(ld->check->type, key))
		r = CHECK_UNKNOWN_KEY;
	else
		r = check_set_key(ld->check, key, value, err, sizeof(err));
	if (r == CHECK_UNKNOWN_KEY) {
		unknown_key(ld, key, check_keys_list(ld->check->type, keys, sizeof(keys)));
		return 0;
	}
	if (r != 0) {
		loader_error(ld, ld->line, "%s: %s", key, err);
		return 0;
	}
	return 1;
}

int
config_set_listen(struct serve_config *s, const char *value, char *err,
    size_t errlen)
{
	if (parse_hostport(value, 1, s->host, sizeof(s->host), &s->port) != 0) {
		snprintf(err, errlen,
		    "invalid address '%s' (use HOST:PORT, [IPV6]:PORT or :PORT)", value);
		return -1;
	}
	return 0;
}

const char *
config_listen_text(const struct serve_config *s, char *buf, size_t len)
{
	int v6 = strchr(s->host, ':') != NULL;

	snprintf(buf, len, "%s%s%s:%u", v6 ? "[" : "", s->host[0] ? s->host : "*",
	    v6 ? "]" : "", s->port);
	return buf;
}

static int
set_log_format(struct serve_config *s, const char *value, char *err, size_t errlen)
{
	if (strcmp(value, "text") != 0 && strcmp(value, "json") != 0) {
		snprintf(err, errlen, "invalid log format '%s' (use text or json)", value);
		return -1;
	}
	s->log_json = strcmp(value, "json") == 0;
	return 0;
}

static int
set_serve_key(struct loader *ld, const char *key, const char *value)
{
	struct serve_config *s = &ld->cfg->serve;
	char err[200];
	int r;

	if (strcmp(key, "listen") == 0)
		r = config_set_listen(s, value, err, sizeof(err));
	else if (strcmp(key, "cache") == 0 && strcmp(value, "0") == 0)
		r = (s->cache_ms = 0);
	else if (strcmp(key, "cache") == 0)
		r = parse_duration(value, &s->cache_ms, err, sizeof(err));
	else if (strcmp(key, "terse") == 0)
		r = parse_bool(value, &s->terse, err, sizeof(err));
	else if (strcmp(key, "log_format") == 0)
		r = set_log_format(s, value, err, sizeof(err));
	else {
		unknown_key(ld, key, SERVE_KEYS);
		return 0;
	}
	if (r != 0)
		loader_error(ld, ld->line, "%s: %s", key, err);
	return r == 0;
}

/* Replace with subst each of the n bytes at p in err (cap bytes). */
static void
replace_all(char *err, size_t cap, const char *p, size_t n, const char *subst)
{
	char out[sizeof(((struct config_note *)0)->msg)];
	size_t o = 0;
	const char *at, *from = err;

	while ((at = memmem(from, strlen(from), p, n)) != NULL && o < sizeof(out)) {
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%.*s%s",
		    (int)(at - from), from, subst);
		from = at + n;
	}
	if (o < sizeof(out))
		snprintf(out + o, sizeof(out) - o, "%s", from);
	snprintf(err, cap, "%s", out);
}

/*
 * A value that came from ${VAR} is never printed: in an error about it,
 * the value is replaced by the text as written, which names the
 * variables. Short values only where quoted ('1'), so that the rest of
 * the message stays whole; if any 8 bytes of the value that were not
 * written as they are still show, the reason goes too.
 */
static void
redact(char *err, size_t cap, const char *value, const char *raw)
{
	char quoted[CONFIG_MAX_LINE + 3], rquoted[CONFIG_MAX_LINE + 3];
	size_t n = strlen(value), i;

	if (n == 0)
		return;
	snprintf(quoted, sizeof(quoted), "'%s'", value);
	snprintf(rquoted, sizeof(rquoted), "'%s'", raw);
	replace_all(err, cap, quoted, strlen(quoted), rquoted);
	if (n >= 4)
		replace_all(err, cap, value, n, raw);
	for (i = 0; n >= 8 && i + 8 <= n; i++)
		if (memmem(err, strlen(err), value + i, 8) != NULL &&
		    memmem(raw, strlen(raw), value + i, 8) == NULL) {
			err[strcspn(err, ":")] = '\0';
			n = strlen(err);
			snprintf(err + n, cap - n, ": invalid value");
			break;
		}
	n = strlen(err);
	snprintf(err + n, cap - n, " (from the environment: the value is not shown)");
}

/* Kubernetes' $(VAR), which the kubelet expands in a pod's command, args
 * and env only, left as it is in a value: a warning naming ${VAR}. */
static void
kubernetes_vars(struct loader *ld, const char *raw)
{
	const char *p = raw, *end;
	size_t n;

	while ((p = strstr(p, "$(")) != NULL) {
		end = p + 2;
		n = strspn(end, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789_");
		if (n > 0 && end[n] == ')' && (p == raw || p[-1] != '$'))
			config_note(ld->cfg, 1, ld->line, ld->key, "'$(%.*s)' stays as it is: "
			    "Kubernetes expands $(VAR) only in a pod's command, args and env; "
			    "in this file write ${%.*s}", (int)n, end, (int)n, end);
		p = end;
	}
}

/* A key of [probe]; returns 1 if set. */
static int
set_probe_key(struct loader *ld, const char *key, const char *value)
{
	char err[200];
	int r, on;

	if (strcmp(key, "timeout") == 0)
		r = parse_duration(value, &ld->cfg->timeout_ms, err, sizeof(err));
	else if (strcmp(key, "sandbox") == 0)
		r = parse_bool(value, &ld->cfg->sandbox, err, sizeof(err));
	else if (strcmp(key, "termination_log") == 0 && value[0] == '/')
		r = set_string(&ld->cfg->termination_log, value, err, sizeof(err));
	else if (strcmp(key, "termination_log") == 0) {
		if ((r = parse_bool(value, &on, err, sizeof(err))) == 0)
			r = set_string(&ld->cfg->termination_log, on ? TERMINATION_LOG_DEFAULT :
			    "", err, sizeof(err));
	} else {
		unknown_key(ld, key, PROBE_KEYS);
		return 0;
	}
	if (r != 0)
		loader_error(ld, ld->line, "%s: %s", key, err);
	return r == 0;
}

/* inih's handler: always 1, for the reading to go on past an error (the
 * notes have it). */
static int
handler(void *arg, const char *section, const char *key, const char *raw)
{
	struct loader *ld = arg;
	struct config_note *n;
	char err[200];
	char *value;
	size_t before = notes_now(ld);
	int ok = 0;

	(void)section;
	if (ld->done || ld->section == SEC_SKIP)
		return 1;
	ld->key = key;
	if (ld->section == SEC_NONE)
		loader_error(ld, ld->line, "'%s' is outside any section", key);
	else if (key_seen(ld, key))
		;
	else if (*raw == '\0')
		loader_error(ld, ld->line, "'%s' has no value", key);
	else if ((value = expand_env(raw, err, sizeof(err))) == NULL)
		loader_error(ld, ld->line, "%s: %s", key, err);
	else {
		kubernetes_vars(ld, raw);
		before = notes_now(ld);
		if (ld->section == SEC_CHECK)
			ok = set_check_key(ld, key, value);
		else if (ld->section == SEC_SERVE)
			ok = set_serve_key(ld, key, value);
		else
			ok = set_probe_key(ld, key, value);
		if (!ok && strstr(raw, "${") != NULL && (n = note_since(ld, before)) != NULL)
			redact(n->msg, sizeof(n->msg), value, raw);
		free(value);
	}
	ld->key = NULL;
	return 1;
}

int
config_read(const char *path, char **text, size_t *len, char *err,
    size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	int fd, ret = -1;
	ssize_t n;
	size_t got = 0;

	*text = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO must not hold the open until a writer comes. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0) {
		sys_error(err, errlen, errno, "%s: cannot open", path);
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		sys_error(err, errlen, errno, "%s: cannot read", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", path, S_ISDIR(st.st_mode) ?
		    "is a directory, not a config file" : "is not a regular file");
		goto out;
	}
	if ((buf = malloc(CONFIG_MAX_SIZE + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	/* Read to the end, not st_size bytes: the file may be changing. */
	while (got <= CONFIG_MAX_SIZE &&
	    (n = read(fd, buf + got, CONFIG_MAX_SIZE + 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sys_error(err, errlen, errno, "%s: cannot read", path);
			goto out;
		}
		got += (size_t)n;
	}
	if (got > CONFIG_MAX_SIZE) {
		snprintf(err, errlen, "%s: is larger than %ld bytes", path,
		    CONFIG_MAX_SIZE);
		goto out;
	}
	*text = buf;
	*len = got;
	buf = NULL;
	ret = 0;
out:
	free(buf);
	close(fd);
	return ret;
}

/* The first error of cfg's notes (at line), for one line of text: with
 * the path, and how many more there are. */
static void
first_error(const struct config *cfg, int line, char *err, size_t errlen)
{
	const struct config_notes *ns = cfg->notes;
	const struct config_note *n = NULL;
	size_t i, more;

	for (i = 0; ns != NULL && i < ns->n && n == NULL; i++)
		if (!ns->note[i].warning && ns->note[i].line == line)
			n = &ns->note[i];
	if (n == NULL) {
		snprintf(err, errlen, "%s:%d: " SYNTAX_ERROR, cfg->path, line);
		return;
	}
	more = ns->errors - 1;
	if (more == 0)
		snprintf(err, errlen, "%s:%d: %s", cfg->path, line, n->msg);
	else
		snprintf(err, errlen, "%s:%d: %s (and %zu more error%s: probe "
		    "--check-config lists them)", cfg->path, line, n->msg, more,
		    more == 1 ? "" : "s");
}

/* Parse len bytes of INI text into cfg (path names it in errors);
 * returns 0, or -1 with err filled. */
static int
load_text(struct config *cfg, const char *path, const char *text, size_t len,
    char *err, size_t errlen)
{
	struct loader ld;
	int rc, ret = -1;

	memset(&ld, 0, sizeof(ld));
	ld.cfg = cfg;
	/* fmemopen() of 0 bytes fails: an empty text reads as an empty stream. */
	if ((ld.f = len > 0 ? fmemopen((void *)(uintptr_t)text, len, "r") :
	    fopen("/dev/null", "re")) == NULL) {
		sys_error(err, errlen, errno, "%s", path);
		return -1;
	}
	rc = ini_parse_stream(reader, &ld, handler, &ld);
	if (rc > 0 && rc != ld.syntax_line) {	/* a line inih could not read */
		loader_error(&ld, rc, SYNTAX_ERROR);
		if (rc < ld.err_line)
			ld.err_line = rc;
	}
	if (rc < 0 && ld.err_line == 0) {
		snprintf(err, errlen, "%s: cannot parse (inih error %d)", path, rc);
		goto out;
	}
	if (ld.err_line != 0) {
		first_error(cfg, ld.err_line, err, errlen);
		goto out;
	}
	ret = 0;
out:
	fclose(ld.f);
	return ret;
}

/* One inline check and the options for its type; returns 0 or -1. */
static int
add_arg(struct config *cfg, const struct config_arg *arg,
    const struct config_args *a, char *err, size_t errlen)
{
	const struct check_type *ct = check_type_find(arg->type);
	const char *set[CONFIG_ARGS_MAX + 1], *opt = arg->type;
	char name[256], msg[200];
	struct check *c;
	size_t i, n = 0;

	if (ct == NULL || ct->target_key == NULL) {
		snprintf(err, errlen, "--%s: not a check type", arg->type);
		return -1;
	}
	if (ct->inline_name != NULL)
		ct->inline_name(arg->value, name, sizeof(name));
	else
		snprintf(name, sizeof(name), "%s", arg->value);
	if ((c = config_add_check(cfg, ct, name, 0, msg, sizeof(msg))) == NULL)
		goto fail;
	if (check_set_key(c, ct->target_key, arg->value, msg, sizeof(msg)) != 0)
		goto fail;
	set[n++] = ct->target_key;
	for (i = 0; i < a->nopts; i++) {
		if (a->opts[i].type != NULL ? strcmp(a->opts[i].type, arg->type) != 0 :
		    !check_takes_key(ct, a->opts[i].key))
			continue;
		opt = a->opts[i].option;
		if (check_set_key(c, a->opts[i].key, a->opts[i].value, msg,
		    sizeof(msg)) != 0)
			goto fail;
		set[n++] = a->opts[i].key;
	}
	opt = arg->type;
	if (check_complete(c, set, n, msg, sizeof(msg)) != 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "--%s: %s", opt, msg);
	return -1;
}

/* 1 if the option o of a applies to the command-line check arg. */
static int
applies(const struct config_opt *o, const struct config_arg *arg)
{
	const struct check_type *ct;

	if (o->type != NULL)
		return strcmp(arg->type, o->type) == 0;
	return (ct = check_type_find(arg->type)) != NULL && check_takes_key(ct, o->key);
}

/* Each option of a must have a check to apply to (the first thing to say
 * about a command line); returns 0 or -1 with err. */
static int
check_args(const struct config_args *a, char *err, size_t errlen)
{
	char types[200];
	size_t i, j, n;

	for (i = 0; i < a->nopts; i++) {
		for (j = 0; j < a->nchecks && !applies(&a->opts[i], &a->checks[j]); j++)
			;
		if (j < a->nchecks)
			continue;
		if (a->opts[i].type != NULL) {
			snprintf(err, errlen, "--%s applies to the command line's %s "
			    "checks: add --%s", a->opts[i].option, a->opts[i].type,
			    a->opts[i].type);
			return -1;
		}
		for (j = 0, n = 0, types[0] = '\0'; check_types[j] != NULL; j++)
			if (check_takes_key(check_types[j], a->opts[i].key) &&
			    n < sizeof(types))
				n += (size_t)snprintf(types + n, sizeof(types) - n, "%s--%s",
				    n > 0 ? ", " : "", check_types[j]->name);
		snprintf(err, errlen, "--%s applies to the command line's checks that "
		    "take %s: add %s", a->opts[i].option, a->opts[i].key, types);
		return -1;
	}
	return 0;
}

int
config_load_text(struct config *cfg, const char *path, const char *text,
    size_t len, const struct config_args *args, char *err, size_t errlen)
{
	char msg[200];
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->timeout_ms = CONFIG_DEFAULT_TIMEOUT_MS;
	cfg->sandbox = 1;
	cfg->serve.port = SERVE_DEFAULT_PORT;
	cfg->serve.cache_ms = SERVE_DEFAULT_CACHE_MS;
	cfg->from_file = path != NULL;
	cfg->check_files = args != NULL && args->check_files;
	if ((cfg->path = strdup(path != NULL ? path : "command line")) == NULL) {
		snprintf(err, errlen, "%s: out of memory", cfg->from_file ? path :
		    "command line");
		return -1;
	}
	if (path != NULL && load_text(cfg, path, text, len, err, errlen) != 0)
		return -1;
	for (i = 0; args != NULL && i < args->nchecks; i++)
		if (add_arg(cfg, &args->checks[i], args, err, errlen) != 0)
			return -1;
	if (cfg->nchecks == 0) {
		snprintf(err, errlen, "%s: no checks defined", cfg->path);
		return -1;
	}
	if (args != NULL && args->no_sandbox)
		cfg->sandbox = 0;
	if (args != NULL && args->timeout_ms > 0)
		cfg->timeout_ms = args->timeout_ms;
	if (args != NULL && args->termination_log != NULL &&
	    set_string(&cfg->termination_log, args->termination_log, msg, sizeof(msg)) != 0) {
		snprintf(err, errlen, "--termination-log: %s", msg);
		return -1;
	}
	if (cfg->termination_log != NULL && cfg->termination_log[0] == '\0') {
		free(cfg->termination_log);	/* termination_log = no */
		cfg->termination_log = NULL;
	}
	if (args != NULL && args->listen != NULL &&
	    config_set_listen(&cfg->serve, args->listen, msg, sizeof(msg)) != 0) {
		snprintf(err, errlen, "-l: %s", msg);
		return -1;
	}
	for (i = 0; i < cfg->nchecks; i++)
		cfg->checks[i]->sandbox = cfg->sandbox;
	return 0;
}

int
config_source_parse(const struct config_source *src, struct config *cfg,
    const char *text, size_t len, char *err, size_t errlen)
{
	return config_load_text(cfg, src->path, text, len, src->args, err, errlen);
}

int
config_source_load(const struct config_source *src, struct config *cfg,
    char **text, size_t *len, char *err, size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	*text = NULL;
	*len = 0;
	/* A wrong command line is named before a missing file. */
	if (src->args != NULL && check_args(src->args, err, errlen) != 0)
		return -1;
	if (src->path != NULL && config_read(src->path, text, len, err, errlen) != 0)
		return -1;
	return config_source_parse(src, cfg, *text, *len, err, errlen);
}

void
config_free(struct config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nchecks; i++)
		check_free(cfg->checks[i]);
	free(cfg->path);
	free(cfg->notes);
	free(cfg->termination_log);
	memset(cfg, 0, sizeof(*cfg));
}

size_t
config_select(struct config *cfg, unsigned kind)
{
	size_t i, n = 0;

	for (i = 0; i < cfg->nchecks; i++) {
		cfg->checks[i]->selected = (cfg->checks[i]->kinds & kind) != 0;
		n += (size_t)cfg->checks[i]->selected;
	}
	return n;
}
