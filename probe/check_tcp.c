/*
 * check_tcp.c: does a TCP connect to HOST:PORT succeed within the
 * deadline; then, if asked, TLS (tls = yes), a dialog of send and expect
 * lines (dialog.c, as blackbox_exporter's query_response), or a question
 * in the server's own protocol (protocols.c: postgres, mysql, redis).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "curlx.h"
#include "dialog.h"
#include "parse.h"
#include "probe.h"
#include "protocols.h"
#include "sandbox_rules.h"
#include "util.h"

#define PASSWORD_FILE_MAX 1024

struct tcp_check {
	char host[256];
	char port[12];
	unsigned portnum;
	struct dialog dialog;
	const struct protocol *protocol;
	int tls;
	struct curlx_tls t;
	char *username;
	char *password;
	char *password_file;
	int check_files;
};

static void
tcp_defaults(struct check *c)
{
	struct tcp_check *t = c->priv;

	curlx_tls_defaults(&t->t);
	t->check_files = c->check_files;
}

/* A password file: readable now (--check-config), or it fails its run. */
static int
password_file_set(struct tcp_check *t, const char *value, char *err, size_t errlen)
{
	int fd;

	if (t->check_files) {
		if ((fd = open(value, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
			sys_error(err, errlen, errno, "%s: cannot open", value);
			return -1;
		}
		close(fd);
	}
	return set_path(&t->password_file, value, err, errlen);
}

static int
tcp_set(struct check *c, const char *key, const char *value, char *err,
    size_t errlen)
{
	struct tcp_check *t = c->priv;
	char names[80];
	unsigned port;

	if (strcmp(key, "address") == 0) {
		if (parse_hostport(value, 0, t->host, sizeof(t->host), &port) != 0) {
			snprintf(err, errlen,
			    "invalid address '%s' (use HOST:PORT or [IPV6]:PORT)", value);
			return -1;
		}
		snprintf(t->port, sizeof(t->port), "%u", port);
		t->portnum = port;
		return 0;
	}
	if (strcmp(key, "send") == 0)
		return dialog_send_add(&t->dialog, value, err, errlen);
	if (strcmp(key, "expect") == 0)
		return dialog_expect_add(&t->dialog, value, err, errlen);
	if (strcmp(key, "protocol") == 0) {
		if ((t->protocol = protocol_find(value)) == NULL) {
			snprintf(err, errlen, "unknown protocol '%s' (use %s)", value,
			    protocol_names(names, sizeof(names)));
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "tls") == 0)
		return parse_bool(value, &t->tls, err, errlen);
	if (strcmp(key, "username") == 0)
		return set_string(&t->username, value, err, errlen);
	if (strcmp(key, "password") == 0)
		return set_string(&t->password, value, err, errlen);
	if (strcmp(key, "password_file") == 0)
		return password_file_set(t, value, err, errlen);
	return curlx_tls_set(&t->t, c->check_files, key, value, err, errlen);
}

static int
tcp_finish(struct check *c, char *err, size_t errlen)
{
	struct tcp_check *t = c->priv;

	const char *why = NULL;

	if (t->protocol != NULL && t->dialog.n > 0)
		why = "send and expect go without protocol (a protocol asks its own "
		    "question)";
	else if ((t->password != NULL || t->password_file != NULL) &&
	    (t->protocol == NULL || strcmp(t->protocol->name, "redis") != 0))
		why = "password is for protocol = redis (the others tell whether a "
		    "server is up without one)";
	else if (t->password != NULL && t->password_file != NULL)
		why = "password or password_file, not both";
	else if (t->username != NULL && t->protocol == NULL)
		why = "username goes with protocol";
	if (why != NULL) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	if (!t->tls && curlx_tls_needs(&t->t, "tls = yes", err, errlen) != 0)
		return -1;
	return curlx_tls_finish(&t->t, err, errlen);
}

/* The password of password_file (its first line), into buf; returns 0 or
 * PROBE_UNHEALTHY with res filled. */
static int
read_password(const char *path, char *buf, size_t len, struct check_result *res)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return result_sys(res, errno, "password_file: %s: cannot open", path);
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return result_sys(res, errno, "password_file: %s: cannot read", path);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0')
		return result_set(res, PROBE_UNHEALTHY, "password_file: %s is empty",
		    path);
	return 0;
}

/* After the connect: TLS, the dialog or the protocol's question. */
static int
talk(const struct tcp_check *t, struct conn *conn, struct check_result *res)
{
	char password[PASSWORD_FILE_MAX];
	struct protocol_args a;
	int r;

	if (t->protocol != NULL) {
		memset(&a, 0, sizeof(a));
		a.host = t->host;
		a.port = t->port;
		a.username = t->username;
		a.password = t->password;
		a.tls = t->tls;
		a.t = &t->t;
		if (t->password_file != NULL) {
			if (read_password(t->password_file, password, sizeof(password), res) != 0)
				return PROBE_UNHEALTHY;
			a.password = password;
		}
		r = t->protocol->ask(conn, &a, res);
		explicit_bzero(password, sizeof(password));
		return r;
	}
	if (t->tls && conn_tls(conn, &t->t, t->host, t->port, res) != 0)
		return PROBE_UNHEALTHY;
	if (t->dialog.n > 0)
		return dialog_run(&t->dialog, conn, res);
	return result_set(res, PROBE_HEALTHY, "connected to %s%s", conn->addr,
	    t->tls ? " (TLS)" : "");
}

static int
tcp_run(const struct check *c, long timeout_ms, struct check_result *res)
{
	const struct tcp_check *t = c->priv;
	struct conn conn;
	int ret;

	if ((ret = conn_open(&conn, t->host, t->port, now_ms() + (double)timeout_ms,
	    timeout_ms, res)) == 0)
		ret = talk(t, &conn, res);
	if (res->detail[0] == '\0')
		result_detail(res, "%s port %s", t->host, t->port);
	conn_close(&conn);
	return ret;
}

static void
tcp_release(struct check *c)
{
	struct tcp_check *t = c->priv;

	dialog_release(&t->dialog);
	curlx_tls_release(&t->t);
	free(t->username);
	if (t->password != NULL)
		explicit_bzero(t->password, strlen(t->password));
	free(t->password);
	free(t->password_file);
}

static void
tcp_sandbox(const struct check *c, struct sandbox_rules *r)
{
	const struct tcp_check *t = c->priv;

	sandbox_add_peer(r, t->host, t->portnum);
	if (t->tls)
		curlx_sandbox(&t->t, r);
	if (t->password_file != NULL && r->nread < SANDBOX_MAX_FILES)
		r->read[r->nread++] = t->password_file;
}

static const char *
tcp_peer(const struct check *c, char *buf, size_t len)
{
	const struct tcp_check *t = c->priv;

	snprintf(buf, len, "%s", t->host);
	return buf;
}

static const struct check_option tcp_options[] = {
	{ "send", "send", "LINE", "send LINE and a newline over every --tcp", 1 },
	{ "expect", "expect", "REGEX", "then a line that matches REGEX, every --tcp", 1 },
	{ "protocol", "protocol", "NAME", "ask every --tcp: postgres, mysql, redis", 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

static const struct check_key tcp_keys[] = {
	{ "address", "HOST:PORT", NULL, KEY_REQUIRED },
	{ "send", "LINE", NULL, KEY_REPEATABLE },
	{ "expect", "REGEX", NULL, KEY_REPEATABLE },
	{ "protocol", "postgres|mysql|redis", NULL, 0 },
	{ "tls", "yes|no", "no", 0 },
	{ "username", "NAME", NULL, 0 },
	{ "password", "SECRET", NULL, 0 },
	{ "password_file", "PATH", NULL, 0 },
	{ NULL, NULL, NULL, 0 },
};

const struct check_type check_tcp = {
	.name = "tcp",
	.summary = "a TCP connect succeeds; then send/expect or a protocol",
	.target_key = "address",
	.target_arg = "HOST:PORT",
	.keys = tcp_keys,
	.shared_keys = curlx_tls_keys,
	.sandbox_class = SANDBOX_NET,
	.options = tcp_options,
	.priv_size = sizeof(struct tcp_check),
	.defaults = tcp_defaults,
	.set = tcp_set,
	.finish = tcp_finish,
	.run = tcp_run,
	.release = tcp_release,
	.sandbox = tcp_sandbox,
	.peer = tcp_peer,
};
