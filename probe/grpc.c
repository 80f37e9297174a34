/*
 * grpc.c: the two messages of grpc.health.v1.Health/Check, coded by hand:
 * one string field out, one enum field back, each behind gRPC's 5-byte
 * length prefix; and the names of serving states and gRPC statuses.
 */
#include <stdio.h>
#include <string.h>

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
