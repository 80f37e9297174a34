/*
 * fuzz_talk.c: what a tcp check reads from a server it talks to: the first
 * byte picks a reader (postgres, mysql, redis, or send/expect lines), the
 * rest is what the server sends, over a socket pair, then it closes. Any
 * verdict will do; a message must be a terminated line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "dialog.h"
#include "protocols.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "postgres", "mysql", "redis" };
	static struct dialog d;
	struct protocol_args a = { "127.0.0.1", "1", NULL, "pw", 0, NULL };
	struct check_result res;
	struct conn c;
	char err[200];
	int sv[2];

	if (size < 1 || size > 65536 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 0;
	if (d.n == 0 && (dialog_send_add(&d, "hello\\x00", err, sizeof(err)) != 0 ||
	    dialog_expect_add(&d, "^[0-9]+ ok", err, sizeof(err)) != 0 ||
	    dialog_expect_add(&d, "bye$", err, sizeof(err)) != 0))
		abort();
	if (write(sv[1], data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	shutdown(sv[1], SHUT_WR);
	memset(&c, 0, sizeof(c));
	memset(&res, 0, sizeof(res));
	c.fd = sv[0];
	c.deadline = now_ms() + 1000;
	c.timeout_ms = 1000;
	strcpy(c.addr, "fuzz");
	if (data[0] % 4 < 3)
		protocol_find(names[data[0] % 4])->ask(&c, &a, &res);
	else
		dialog_run(&d, &c, &res);
	if (memchr(res.message, '\0', sizeof(res.message)) == NULL ||
	    memchr(res.detail, '\0', sizeof(res.detail)) == NULL)
		abort();
	conn_close(&c);
	close(sv[1]);
	return 0;
}
