/*
 * serve_runner.c: a check runner of probe serve. Checks fork, and fork from a
 * process with threads is not safe (a lock another thread holds stays held
 * in the child), so each runner is forked before any thread starts and
 * stays single-threaded. It runs its kind's checks when asked over a
 * SOCK_SEQPACKET socketpair and replies with the rendered reports; asked
 * to load new config text (a memfd passed with the request), it parses it
 * itself, so that a reload never forks from the threaded server.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "run.h"
#include "serve_runner.h"
#include "util.h"

struct runner_request {
	char op;		/* 'r': run the checks, 'c': load the config passed */
	uint32_t seq;
};

/* Write what fill() writes into buf, cap bytes; returns its length, or 0
 * when it did not fit (or no stream could be had). */
static uint32_t
into(char *buf, size_t cap, void (*fill)(FILE *, const void *), const void *arg)
{
	FILE *f = fmemopen(buf, cap, "w");
	long n;
	int bad;

	if (f == NULL)
		return 0;
	setvbuf(f, NULL, _IONBF, 0);
	fill(f, arg);
	n = ftell(f);
	bad = ferror(f) || n < 0 || (size_t)n >= cap - 1;
	fclose(f);
	return bad ? 0 : (uint32_t)n;
}

struct render_args {
	struct report r;
	const struct config *cfg;
	const char *why;
};

static void
fill_report(FILE *f, const void *arg)
{
	const struct render_args *a = arg;

	report_write(f, &a->r, a->cfg);
}

static void
fill_no_result(FILE *f, const void *arg)
{
	const struct render_args *a = arg;

	report_no_result(f, a->r.format, a->r.kind, a->why, 0);
}

/* Render cfg's report in fmt into buf; returns its length. A report that
 * does not fit (it cannot: RUNNER_REPORT_MAX) is never sent cut: it says
 * so instead, in valid JSON too. */
static uint32_t
render(struct config *cfg, enum report_format fmt, unsigned kind, double ms,
    char *buf, size_t cap)
{
	struct render_args a = { { fmt, 0, kind, ms, cfg->serve.terse }, cfg,
	    "the report is larger than its buffer" };
	uint32_t n = into(buf, cap, fill_report, &a);

	return n > 0 ? n : into(buf, cap, fill_no_result, &a);
}

static void
runner_run_checks(struct config *cfg, unsigned kind, struct runner_reply *rep)
{
	char *text = (char *)(rep + 1), err[256];
	double t0 = now_ms();
	size_t i;

	config_select(cfg, kind);
	rep->status = run_checks(cfg->checks, cfg->nchecks, cfg->timeout_ms, -1,
	    RUN_DETAIL, err, sizeof(err));
	rep->duration_ms = now_ms() - t0;
	rep->pending = (uint32_t)run_pending();
	for (i = 0; i < cfg->nchecks; i++) {
		const struct check *c = cfg->checks[i];
		struct runner_check *rc = &rep->checks[rep->nchecks];

		if (!c->selected)
			continue;
		rc->index = (int32_t)i;
		rc->healthy = c->result.healthy;
		rc->duration_ms = c->duration_ms;
		rc->space = c->result.space;
		rc->cert = c->result.cert;
		memcpy(rc->message, c->result.message, sizeof(rc->message));
		rep->nchecks++;
	}
	rep->text_len = render(cfg, REPORT_TEXT, kind, rep->duration_ms, text,
	    RUNNER_REPORT_MAX);
	rep->json_len = render(cfg, REPORT_JSON, kind, rep->duration_ms,
	    text + rep->text_len, RUNNER_REPORT_MAX);
}

/* Load the config text in memfd fd into *cfg; on error, cfg is kept and
 * the reply's text says why. */
static void
load_once(struct config *cfg, const struct config_source *src, int fd,
    struct runner_reply *rep)
{
	static char buf[CONFIG_MAX_SIZE];
	char *text = (char *)(rep + 1);
	struct config next;
	ssize_t n;
	size_t len = 0;

	rep->status = PROBE_ERROR;
	while (len < sizeof(buf) &&
	    (n = pread(fd, buf + len, sizeof(buf) - len, (off_t)len)) > 0)
		len += (size_t)n;
	if (config_source_parse(src, &next, buf, len, text, RUNNER_REPORT_MAX) == 0) {
		config_free(cfg);
		*cfg = next;
		rep->status = PROBE_HEALTHY;
	} else
		config_free(&next);
	if (rep->status != PROBE_HEALTHY)
		rep->text_len = (uint32_t)strlen(text);
}

/* Receive a request and the fd that may come with it (else *fd is -1). */
static ssize_t
recv_request(int sock, struct runner_request *rq, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { rq, sizeof(*rq) };
	struct msghdr mh;
	struct cmsghdr *cm;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	*fd = -1;
	n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	for (cm = CMSG_FIRSTHDR(&mh); n > 0 && cm != NULL; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return n;
}

static void __attribute__((noreturn))
runner_main(struct config *cfg, unsigned kind, const struct config_source *src,
    int sock)
{
	static char msg[RUNNER_REPLY_MAX];
	struct runner_reply *rep = (struct runner_reply *)msg;
	struct runner_request rq;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);	/* that one is for the server */
	while (recv_request(sock, &rq, &fd) == (ssize_t)sizeof(rq)) {
		memset(rep, 0, sizeof(*rep));
		rep->seq = rq.seq;
		if (rq.op == 'c' && fd >= 0)
			load_once(cfg, src, fd, rep);
		else
			runner_run_checks(cfg, kind, rep);
		if (fd >= 0)
			close(fd);
		if (send(sock, msg, sizeof(*rep) + rep->text_len + rep->json_len,
		    MSG_NOSIGNAL) < 0)
			break;
	}
	config_free(cfg);
	_exit(0);
}

int
runner_start(struct runner *r, struct config *cfg, unsigned kind,
    const struct config_source *src, const int *close_fds, size_t nclose)
{
	int sv[2];
	size_t i;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	fflush(NULL);
	if ((r->pid = fork()) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (r->pid == 0) {
		close(sv[0]);
		for (i = 0; i < nclose; i++)
			close(close_fds[i]);
		runner_main(cfg, kind, src, sv[1]);
	}
	close(sv[1]);
	r->fd = sv[0];
	r->seq = 0;
	return 0;
}

/* Send a request (with fd if >= 0), then wait for its reply, dropping
 * the late replies of earlier requests. Returns its length or -1. */
static ssize_t
call(struct runner *r, char op, int fd, long wait_ms, char *buf, size_t cap)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct runner_request rq;
	struct iovec iov = { &rq, sizeof(rq) };
	struct pollfd pfd = { r->fd, POLLIN, 0 };
	double until = now_ms() + (double)wait_ms;
	struct msghdr mh;
	struct cmsghdr *cm;
	ssize_t n;
	int p;

	memset(&rq, 0, sizeof(rq));	/* no uninitialised padding on the wire */
	rq.op = op;
	rq.seq = ++r->seq;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd >= 0) {
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	if (sendmsg(r->fd, &mh, MSG_NOSIGNAL) != (ssize_t)sizeof(rq))
		return -1;
	for (;;) {
		do
			p = poll(&pfd, 1, (int)(until - now_ms()) + 1);
		while (p < 0 && errno == EINTR);
		if (p <= 0 || (n = recv(r->fd, buf, cap, 0)) <= 0)
			return -1;
		if (n >= (ssize_t)sizeof(struct runner_reply) &&
		    ((struct runner_reply *)buf)->seq == rq.seq)
			return n;
	}
}

ssize_t
runner_run(struct runner *r, long wait_ms, char *buf, size_t cap)
{
	return call(r, 'r', -1, wait_ms, buf, cap);
}

int
runner_load(struct runner *r, const char *text, size_t len, long wait_ms,
    char *err, size_t errlen)
{
	char *buf = malloc(RUNNER_REPLY_MAX);
	const struct runner_reply *rep = (const struct runner_reply *)buf;
	int fd = -1, ret = -1;
	ssize_t n;

	if (buf == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((fd = memfd_create("probe-config", MFD_CLOEXEC)) < 0 ||
	    write(fd, text, len) != (ssize_t)len) {
		sys_error(err, errlen, errno, "cannot pass the config to a runner");
		goto out;
	}
	if ((n = call(r, 'c', fd, wait_ms, buf, RUNNER_REPLY_MAX)) < 0) {
		snprintf(err, errlen, "no answer from a check runner within %ldms",
		    wait_ms);
		goto out;
	}
	if (rep->status != PROBE_HEALTHY) {
		snprintf(err, errlen, "%.*s", (int)rep->text_len, buf + sizeof(*rep));
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

const struct runner_reply *
runner_reply_valid(char *msg, ssize_t len, size_t nchecks)
{
	struct runner_reply *rep = (struct runner_reply *)msg;
	uint32_t i;

	if (len < (ssize_t)sizeof(*rep) || rep->text_len > (size_t)len - sizeof(*rep) ||
	    rep->json_len > (size_t)len - sizeof(*rep) - rep->text_len ||
	    rep->nchecks > PROBE_MAX_CHECKS)
		return NULL;
	for (i = 0; i < rep->nchecks; i++) {
		struct runner_check *rc = &rep->checks[i];

		if (rc->index < 0 || (size_t)rc->index >= nchecks)
			rc->index = -1;
		rc->healthy = rc->healthy == 1;
		rc->space.seen = rc->space.seen == 1;
		rc->cert.seen = rc->cert.seen == 1;
		text_clean(rc->cert.subject, sizeof(rc->cert.subject));
		text_clean(rc->message, sizeof(rc->message));
	}
	return rep;
}

void
runner_stop(struct runner *r)
{
	if (r->fd >= 0)
		close(r->fd);	/* the runner sees EOF and exits */
	r->fd = -1;
	if (r->pid > 0 && waitpid(r->pid, NULL, WNOHANG) == 0) {
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
	}
	r->pid = 0;
}
