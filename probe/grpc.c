/*
 * grpc.c: the two messages of grpc.health.v1.Health/Check, coded by hand:
 * one string field out, one enum field back, each behind gRPC's 5-byte
 * length prefix; the status lines of a response; and the names of serving
 * states and gRPC statuses.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "grpc.h"

static size_t
put_varint(unsigned char *p, unsigned long long v)
{
	size_t n = 0;

	do {
		p[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v != 0)
			p[n] |= 0x80;
		n++;
	} while (v != 0);
	return n;
}

size_t
grpc_health_request(const char *service, unsigned char *buf, size_t len)
{
	size_t slen = strlen(service), n = 5;

	if (len < 5 + 1 + 10 + slen)
		return 0;
	if (slen > 0) {	/* proto3: an empty string is not sent at all */
		buf[n++] = 0x0a;	/* field 1, length-delimited */
		n += put_varint(buf + n, slen);
		memcpy(buf + n, service, slen);
		n += slen;
	}
	buf[0] = 0;	/* not compressed */
	buf[1] = (unsigned char)((n - 5) >> 24);
	buf[2] = (unsigned char)((n - 5) >> 16);
	buf[3] = (unsigned char)((n - 5) >> 8);
	buf[4] = (unsigned char)(n - 5);
	return n;
}

/* A varint at *p (before end); returns 0 with *p advanced, or -1. */
static int
get_varint(const unsigned char **p, const unsigned char *end,
    unsigned long long *v)
{
	int shift;

	*v = 0;
	for (shift = 0; shift < 64 && *p < end; shift += 7) {
		unsigned char b = *(*p)++;

		*v |= (unsigned long long)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
	}
	return -1;
}

int
grpc_health_decode(const unsigned char *buf, size_t len, long *status,
    char *err, size_t errlen)
{
	const unsigned char *p = buf + 5, *end;
	unsigned long long key, v;
	size_t mlen;

	*status = GRPC_UNKNOWN;
	if (len < 5) {
		snprintf(err, errlen, "%s", len == 0 ? "no message" :
		    "message cut short in its 5-byte prefix");
		return -1;
	}
	if (buf[0] != 0) {
		snprintf(err, errlen, "compressed or unknown message flag %u", buf[0]);
		return -1;
	}
	mlen = (size_t)buf[1] << 24 | (size_t)buf[2] << 16 | (size_t)buf[3] << 8 | buf[4];
	if (mlen != len - 5) {
		snprintf(err, errlen, "message length %zu, but %zu bytes came", mlen,
		    len - 5);
		return -1;
	}
	end = p + mlen;
	while (p < end) {
		if (get_varint(&p, end, &key) != 0)
			goto bad;
		switch (key & 7) {
		case 0:		/* varint */
			if (get_varint(&p, end, &v) != 0)
				goto bad;
			if (key >> 3 == 1)
				*status = v > 1000 ? 1000 : (long)v;
			break;
		case 1:		/* 64-bit */
			if (end - p < 8)
				goto bad;
			p += 8;
			break;
		case 2:		/* length-delimited */
			if (get_varint(&p, end, &v) != 0 || v > (unsigned long long)(end - p))
				goto bad;
			p += v;
			break;
		case 5:		/* 32-bit */
			if (end - p < 4)
				goto bad;
			p += 4;
			break;
		default:
			goto bad;
		}
	}
	return 0;
bad:
	snprintf(err, errlen, "not a HealthCheckResponse (bad protobuf)");
	return -1;
}

const char *
grpc_serving_name(long status)
{
	static const char *const names[] = {
		"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN",
	};

	return status >= 0 && status < 4 ? names[status] : NULL;
}

const char *
grpc_status_name(long code)
{
	static const char *const names[] = {
		"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
		"NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
		"RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
		"OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE",
		"DATA_LOSS", "UNAUTHENTICATED",
	};

	return code >= 0 && code < 17 ? names[code] : NULL;
}

static int
hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* "%XX" in grpc-message, decoded; the rest as it is. The n bytes at s are
 * not NUL-terminated (libcurl's header data). */
static void
percent_decode(const char *s, size_t n, char *out, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < len; i++) {
		if (s[i] == '%' && i + 2 < n && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
			out[o++] = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
}

void
grpc_header_line(const char *data, size_t n, long *status, char *message,
    size_t len)
{
	size_t v;

	while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
		n--;
	if (n > 12 && strncasecmp(data, "grpc-status:", 12) == 0) {
		v = 12;
		while (v < n && (data[v] == ' ' || data[v] == '\t'))
			v++;
		*status = v < n && data[v] >= '0' && data[v] <= '9' ? 0 : -2;
		for (; *status >= 0 && v < n && data[v] >= '0' && data[v] <= '9' &&
		    *status < 100000; v++)
			*status = *status * 10 + (data[v] - '0');
	} else if (n > 13 && strncasecmp(data, "grpc-message:", 13) == 0) {
		v = 13;
		while (v < n && (data[v] == ' ' || data[v] == '\t'))
			v++;
		percent_decode(data + v, n - v, message, len);
	}
}
