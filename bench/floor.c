/*
 * floor.c: the least a process can do for the probe's work, the floor its
 * benchmark compares against. No config, no report, no deadline, no fork:
 *   floor HOST PORT PATH [DIR]
 * connects, sends one GET, reads the status line; with DIR, also reads
 * /proc/self/mountinfo whole, and creates, writes 512 bytes to, fsyncs,
 * reads back and unlinks a file in DIR. Exits 0 on "HTTP/1.x 2xx/3xx".
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int
http(const char *host, int port, const char *path)
{
	struct sockaddr_in sa;
	char req[256], buf[512];
	ssize_t n;
	int fd, ok;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
	    (fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return 0;
	n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n"
	    "Connection: close\r\n\r\n", path, host);
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    write(fd, req, (size_t)n) == n && (n = read(fd, buf, sizeof(buf) - 1)) > 12 &&
	    strncmp(buf, "HTTP/1.", 7) == 0 && (buf[9] == '2' || buf[9] == '3');
	close(fd);
	return ok;
}

static int
files(const char *dir)
{
	char buf[65536], data[512], back[512], name[512];
	ssize_t n;
	int fd, ok;

	if ((fd = open("/proc/self/mountinfo", O_RDONLY)) < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	snprintf(name, sizeof(name), "%s/.floor", dir);
	memset(data, 'x', sizeof(data));
	if ((fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0600)) < 0)
		return 0;
	ok = write(fd, data, sizeof(data)) == (ssize_t)sizeof(data) && fsync(fd) == 0 &&
	    pread(fd, back, sizeof(back), 0) == (ssize_t)sizeof(back) &&
	    memcmp(data, back, sizeof(data)) == 0;
	close(fd);
	return unlink(name) == 0 && ok;
}

int
main(int argc, char **argv)
{
	if (argc < 4)
		return 2;
	return http(argv[1], atoi(argv[2]), argv[3]) && (argc < 5 || files(argv[4])) ? 0 : 1;
}
