/*
 * protocols.c: is a database server taking work, asked in its protocol.
 *
 * postgres: as pg_isready (libpq's ping): a startup message; an
 * authentication request, or any error but 57P03 (cannot connect now),
 * means it accepts connections. With TLS, an SSLRequest first.
 * mysql (MariaDB, MySQL): the server's greeting (protocol 10) names its
 * version; an error packet instead (1040 too many connections, 1129 host
 * blocked) is unhealthy. The handshake is answered (a user with no
 * password, refused or not) so that the server does not count an
 * interrupted connection against the host (max_connect_errors).
 * redis: PING answered by +PONG; -NOAUTH and -WRONGPASS mean it is alive
 * but wants a password; -LOADING, -MASTERDOWN, -BUSY and any other error
 * mean it is not ready.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "expect.h"
#include "protocols.h"
#include "util.h"

#define PACKET_MAX 4096		/* what a server's first answer may take */

/* Exactly n bytes of what comes over c into buf; returns 0, or
 * PROBE_UNHEALTHY with res filled (closed: "closed the connection"). */
static int
read_full(struct conn *c, void *buf, size_t n, const char *what,
    struct check_result *res)
{
	char *p = buf;
	long got;

	while (n > 0) {
		if ((got = conn_recv(c, p, n, what, res)) < 0)
			return PROBE_UNHEALTHY;
		if (got == 0)
			return result_set(res, PROBE_UNHEALTHY, "%s: the server closed the "
			    "connection before %s", c->addr, what);
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* "key\0value\0" at buf + n (room for it checked); returns the new n. */
static size_t
put_pair(unsigned char *buf, size_t n, size_t cap, const char *key,
    const char *value)
{
	size_t k = strlen(key) + 1, v = strlen(value) + 1;

	if (n + k + v >= cap)
		return n;
	memcpy(buf + n, key, k);
	memcpy(buf + n + k, value, v);
	return n + k + v;
}

/* ---- postgres ------------------------------------------------------------ */

#define PG_PROTOCOL_3 196608
#define PG_SSL_REQUEST 80877103
#define PG_CANNOT_CONNECT_NOW "57P03"

/* An ErrorResponse's fields (after its type and length): its code, and
 * its message with its detail ("...: Hot standby mode is disabled."),
 * into code and msg. */
static void
pg_error_fields(const unsigned char *p, size_t len, char *code, size_t codelen,
    char *msg, size_t msglen)
{
	char detail[120] = "";
	size_t i = 0, n;

	code[0] = msg[0] = '\0';
	while (i < len && p[i] != 0) {
		char type = (char)p[i++];
		const char *v = (const char *)p + i;

		n = strnlen(v, len - i);
		if (type == 'C')
			snprintf(code, codelen, "%.*s", (int)n, v);
		else if (type == 'M')
			snprintf(msg, msglen, "%.*s", (int)utf8_cut(v, n < 120 ? n : 120), v);
		else if (type == 'D')
			snprintf(detail, sizeof(detail), ": %.*s", (int)utf8_cut(v, n < 100 ?
			    n : 100), v);
		i += n + 1;
	}
	n = strlen(msg);
	snprintf(msg + n, msglen - n, "%s", detail);
}

/* TLS first, as libpq asks for it: an SSLRequest, then 'S' and the
 * handshake. Returns 0, or PROBE_UNHEALTHY with res filled. */
static int
pg_tls(struct conn *c, const struct protocol_args *a, struct check_result *res)
{
	unsigned char req[8], answer;

	put_be32(req, 8);
	put_be32(req + 4, PG_SSL_REQUEST);
	if (conn_send(c, req, sizeof(req), "its SSLRequest", res) != 0 ||
	    read_full(c, &answer, 1, "the answer to its SSLRequest", res) != 0)
		return PROBE_UNHEALTHY;
	if (answer == 'N')
		return result_set(res, PROBE_UNHEALTHY, "%s: the server refused TLS "
		    "(is ssl = off in postgresql.conf?)", c->addr);
	if (answer != 'S')
		return result_set(res, PROBE_UNHEALTHY, "%s: not a PostgreSQL server "
		    "(it answered an SSLRequest with 0x%02x)", c->addr, answer);
	return conn_tls(c, a->t, a->host, a->port, res);
}

static int
pg_ask(struct conn *c, const struct protocol_args *a, struct check_result *res)
{
	unsigned char msg[512], head[5], body[PACKET_MAX];
	const char *user = a->username != NULL ? a->username : "probe";
	char code[8], text[240];
	size_t n = 8;
	uint32_t len;

	if (a->tls && pg_tls(c, a, res) != 0)
		return PROBE_UNHEALTHY;
	n = put_pair(msg, n, sizeof(msg), "user", user);
	n = put_pair(msg, n, sizeof(msg), "database", user);
	n = put_pair(msg, n, sizeof(msg), "application_name", "probe");
	msg[n++] = 0;
	put_be32(msg, (uint32_t)n);
	put_be32(msg + 4, PG_PROTOCOL_3);
	if (conn_send(c, msg, n, "its startup message", res) != 0 ||
	    read_full(c, head, sizeof(head), "the answer to its startup message", res) != 0)
		return PROBE_UNHEALTHY;
	len = be32(head + 1);
	if (strchr("REv", head[0]) == NULL || len < 4 || len - 4 > sizeof(body))
		return result_set(res, PROBE_UNHEALTHY, "%s: not a PostgreSQL server "
		    "(its first message starts 0x%02x)", c->addr, head[0]);
	if (read_full(c, body, len - 4, "the rest of its answer", res) != 0)
		return PROBE_UNHEALTHY;
	if (head[0] != 'E') {
		result_detail(res, "%s answered the startup message of user \"%s\" with "
		    "%s", c->addr, user, head[0] == 'R' ? "an authentication request" :
		    "a protocol version");
		return result_set(res, PROBE_HEALTHY, "%s: accepting connections%s",
		    c->addr, a->tls ? " (TLS)" : "");
	}
	pg_error_fields(body, len - 4, code, sizeof(code), text, sizeof(text));
	if (strcmp(code, PG_CANNOT_CONNECT_NOW) == 0)
		return result_set(res, PROBE_UNHEALTHY, "%s: %s (%s)", c->addr, text, code);
	/* As pg_isready: the server answered, it accepts connections. */
	result_detail(res, "%s refused user \"%s\": %s (%s)", c->addr, user, text, code);
	return result_set(res, PROBE_HEALTHY, "%s: accepting connections%s", c->addr,
	    a->tls ? " (TLS)" : "");
}

/* ---- mysql --------------------------------------------------------------- */

#define MY_LONG_PASSWORD 0x1
#define MY_PROTOCOL_41 0x200
#define MY_SSL 0x800
#define MY_SECURE_CONNECTION 0x8000
#define MY_CHARSET_UTF8MB4 45

/* One packet over c: its payload into body (at most cap), its length to
 * *len, its sequence number to *seq. Returns 0 or PROBE_UNHEALTHY. */
static int
my_packet(struct conn *c, unsigned char *body, size_t cap, size_t *len,
    unsigned *seq, const char *what, struct check_result *res)
{
	unsigned char head[4];

	if (read_full(c, head, sizeof(head), what, res) != 0)
		return PROBE_UNHEALTHY;
	*len = (size_t)head[0] | (size_t)head[1] << 8 | (size_t)head[2] << 16;
	*seq = head[3];
	if (*len == 0 || *len > cap)
		return result_set(res, PROBE_UNHEALTHY, "%s: not a MySQL server (a "
		    "packet of %zu bytes)", c->addr, *len);
	return read_full(c, body, *len, what, res);
}

/* An error packet's code and text, as "error 1040: Too many connections". */
static void
my_error(const unsigned char *p, size_t len, char *buf, size_t buflen)
{
	size_t at = 3;

	if (len < 3) {
		snprintf(buf, buflen, "an error packet");
		return;
	}
	if (len >= 9 && p[3] == '#')
		at = 9;		/* '#' and the SQLSTATE */
	snprintf(buf, buflen, "error %u: %.*s", (unsigned)(p[1] | p[2] << 8),
	    (int)utf8_cut((const char *)p + at, len - at < 160 ? len - at : 160),
	    (const char *)p + at);
}

/* 1 if the error code answering a handshake says the server took the
 * connection and refused the user (then it is up), not the connection. */
static int
my_refused_user(unsigned code)
{
	static const unsigned codes[] = {
		1044,	/* access denied to the database */
		1045,	/* access denied for the user */
		1049,	/* unknown database */
		1251,	/* the client does not know the auth protocol */
		1524,	/* an auth plugin not loaded */
		1698,	/* access denied (unix_socket auth) */
	};
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i] == code)
			return 1;
	return 0;
}

/* The handshake response (or, first, the SSL request) of a client with
 * user and no password, as packet seq; returns 0 or PROBE_UNHEALTHY. */
static int
my_reply(struct conn *c, unsigned seq, int ssl_request, const char *user,
    struct check_result *res)
{
	unsigned char p[4 + 32 + 128];
	uint32_t caps = MY_LONG_PASSWORD | MY_PROTOCOL_41 | MY_SECURE_CONNECTION |
	    (ssl_request || c->curl != NULL ? MY_SSL : 0);
	size_t n = 4, u = strlen(user);

	memset(p, 0, sizeof(p));
	p[n++] = (unsigned char)caps;
	p[n++] = (unsigned char)(caps >> 8);
	p[n++] = (unsigned char)(caps >> 16);
	p[n++] = (unsigned char)(caps >> 24);
	p[n + 3] = 1;			/* max packet: 16 MiB, little-endian */
	n += 4;
	p[n++] = MY_CHARSET_UTF8MB4;
	n += 23;			/* reserved */
	if (!ssl_request) {
		u = u < 64 ? u : 64;
		memcpy(p + n, user, u);
		n += u + 1;		/* and its NUL */
		p[n++] = 0;		/* no password */
	}
	p[0] = (unsigned char)(n - 4);
	p[3] = (unsigned char)seq;
	return conn_send(c, p, n, ssl_request ? "its SSL request" :
	    "its handshake response", res);
}

static int
my_ask(struct conn *c, const struct protocol_args *a, struct check_result *res)
{
	unsigned char body[PACKET_MAX];
	const char *user = a->username != NULL ? a->username : "probe";
	char version[80], why[200] = "";
	size_t len, vlen, at;
	unsigned seq, caps = 0;

	if (my_packet(c, body, sizeof(body), &len, &seq, "its greeting", res) != 0)
		return PROBE_UNHEALTHY;
	if (body[0] == 0xff) {
		my_error(body, len, why, sizeof(why));
		return result_set(res, PROBE_UNHEALTHY, "%s: %s", c->addr, why);
	}
	vlen = strnlen((const char *)body + 1, len - 1);
	if (body[0] != 10 || vlen == len - 1)
		return result_set(res, PROBE_UNHEALTHY, "%s: not a MySQL server (its "
		    "greeting starts 0x%02x)", c->addr, body[0]);
	/* MariaDB's "5.5.5-" says nothing; the rest is its version. */
	at = vlen > 6 && strncmp((const char *)body + 1, "5.5.5-", 6) == 0 ? 6 : 0;
	snprintf(version, sizeof(version), "%.*s", (int)utf8_cut((const char *)body +
	    1 + at, vlen - at < 60 ? vlen - at : 60), (const char *)body + 1 + at);
	at = 1 + vlen + 1 + 4 + 8 + 1;	/* version, thread id, scramble, filler */
	if (at + 2 <= len)
		caps = body[at] | body[at + 1] << 8;
	if (a->tls && !(caps & MY_SSL))
		return result_set(res, PROBE_UNHEALTHY, "%s: the server offers no TLS "
		    "(%s)", c->addr, version);
	if (a->tls && (my_reply(c, ++seq, 1, user, res) != 0 ||
	    conn_tls(c, a->t, a->host, a->port, res) != 0))
		return PROBE_UNHEALTHY;
	/* Answered: not an interrupted connection. A refused user means the
	 * server is up; an error about the connection (1040, 1129) not. */
	if (my_reply(c, ++seq, 0, user, res) == 0 &&
	    my_packet(c, body, sizeof(body), &len, &seq, "the answer to its "
	    "handshake", res) == 0 && body[0] == 0xff) {
		my_error(body, len, why, sizeof(why));
		if (len >= 3 && !my_refused_user((unsigned)(body[1] | body[2] << 8)))
			return result_set(res, PROBE_UNHEALTHY, "%s: %s (%s)", c->addr,
			    why, version);
	}
	result_detail(res, "%s answered user \"%s\"%s%s", version, user,
	    why[0] ? ": " : "", why);
	return result_set(res, PROBE_HEALTHY, "%s: %s%s", c->addr, version,
	    a->tls ? " (TLS)" : "");
}

/* ---- redis --------------------------------------------------------------- */

/* One RESP line over c (a simple string, an error or the like) into buf,
 * without its CRLF; returns 0 or PROBE_UNHEALTHY. */
static int
redis_line(struct conn *c, char *buf, size_t cap, const char *what,
    struct check_result *res)
{
	size_t n = 0;

	while (n + 1 < cap) {
		if (read_full(c, buf + n, 1, what, res) != 0)
			return PROBE_UNHEALTHY;
		if (buf[n] == '\n') {
			buf[n > 0 && buf[n - 1] == '\r' ? n - 1 : n] = '\0';
			return 0;
		}
		n++;
	}
	return result_set(res, PROBE_UNHEALTHY, "%s: not a Redis server (no line "
	    "end in %zu bytes)", c->addr, cap);
}

/* A command of argc strings as a RESP array into buf; returns its length. */
static size_t
redis_command(char *buf, size_t cap, int argc, const char *const *argv)
{
	size_t n = (size_t)snprintf(buf, cap, "*%d\r\n", argc);
	int i;

	for (i = 0; i < argc && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "$%zu\r\n%s\r\n", strlen(argv[i]),
		    argv[i]);
	return n < cap ? n : cap;
}

/* 1 if the reply line says the server is alive but wants another
 * password. */
static int
redis_wants_auth(const char *line)
{
	return strncmp(line, "-NOAUTH", 7) == 0 || strncmp(line, "-WRONGPASS", 10) == 0;
}

static int
redis_ask(struct conn *c, const struct protocol_args *a, struct check_result *res)
{
	static const char *const ping[] = { "PING" };
	const char *auth[3] = { "AUTH" };
	char cmd[600], line[PACKET_MAX], shown[200];
	size_t n;

	if (a->tls && conn_tls(c, a->t, a->host, a->port, res) != 0)
		return PROBE_UNHEALTHY;
	if (a->password != NULL) {
		auth[1] = a->username != NULL ? a->username : a->password;
		auth[2] = a->password;
		n = redis_command(cmd, sizeof(cmd), a->username != NULL ? 3 : 2, auth);
		if (conn_send(c, cmd, n, "AUTH", res) != 0 ||
		    redis_line(c, line, sizeof(line), "the answer to AUTH", res) != 0)
			return PROBE_UNHEALTHY;
		if (redis_wants_auth(line))
			goto alive;
	}
	n = redis_command(cmd, sizeof(cmd), 1, ping);
	if (conn_send(c, cmd, n, "PING", res) != 0 ||
	    redis_line(c, line, sizeof(line), "the answer to PING", res) != 0)
		return PROBE_UNHEALTHY;
	if (strcmp(line, "+PONG") == 0)
		return result_set(res, PROBE_HEALTHY, "%s: PONG%s", c->addr,
		    a->tls ? " (TLS)" : "");
	if (redis_wants_auth(line))
		goto alive;
	if (line[0] == '-')
		return result_set(res, PROBE_UNHEALTHY, "%s: %.*s", c->addr,
		    (int)utf8_cut(line + 1, 160), line + 1);
	return result_set(res, PROBE_UNHEALTHY, "%s: not a Redis server (it "
	    "answered PING with %s)", c->addr, expect_body_start(line, strlen(line),
	    40, shown, sizeof(shown)));
alive:
	result_detail(res, "alive, it wants a%s password: %.*s", a->password ?
	    "nother" : "", (int)utf8_cut(line + 1, 160), line + 1);
	return result_set(res, PROBE_HEALTHY, "%s: alive (it wants a password)",
	    c->addr);
}

/* ---- the table ----------------------------------------------------------- */

static const struct protocol protocols[] = {
	{ "postgres", "accepting connections, as pg_isready", pg_ask },
	{ "mysql", "its greeting, not an error (MariaDB, MySQL)", my_ask },
	{ "redis", "PING answered, not LOADING, MASTERDOWN or BUSY", redis_ask },
};

#define NPROTOCOLS (sizeof(protocols) / sizeof(protocols[0]))

const struct protocol *
protocol_find(const char *name)
{
	size_t i;

	for (i = 0; i < NPROTOCOLS; i++)
		if (strcmp(protocols[i].name, name) == 0)
			return &protocols[i];
	return NULL;
}

const char *
protocol_names(char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < NPROTOCOLS && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i == 0 ? "" :
		    i + 1 == NPROTOCOLS ? " or " : ", ", protocols[i].name);
	return buf;
}
