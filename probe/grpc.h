/* grpc.h: the two messages of grpc.health.v1.Health/Check, by hand. */
#ifndef GRPC_H
#define GRPC_H

#include <stddef.h>

/* HealthCheckResponse.ServingStatus */
enum grpc_serving {
	GRPC_UNKNOWN = 0,
	GRPC_SERVING = 1,
	GRPC_NOT_SERVING = 2,
	GRPC_SERVICE_UNKNOWN = 3
};

/*
 * A HealthCheckRequest for service, with gRPC's 5-byte length prefix,
 * into buf. Returns its length, or 0 if buf is too small.
 */
size_t grpc_health_request(const char *service, unsigned char *buf, size_t len);

/*
 * Decode one length-prefixed HealthCheckResponse of exactly len bytes.
 * Returns 0 with *status set (0 when the field is absent, as in proto3),
 * or -1 with err filled.
 */
int grpc_health_decode(const unsigned char *buf, size_t len, long *status,
    char *err, size_t errlen);

/*
 * One header or trailer line of a response, n bytes as libcurl hands it
 * over (its CRLF may follow): "grpc-status: N" sets *status (-2 when N is
 * not a number), "grpc-message: TEXT" sets message (percent-decoded,
 * ended, cut to len); other lines are left alone.
 */
void grpc_header_line(const char *data, size_t n, long *status, char *message,
    size_t len);

/* "SERVING", "NOT_SERVING", ... or NULL for another number. */
const char *grpc_serving_name(long status);

/* "NOT_FOUND", "UNIMPLEMENTED", ... for a grpc-status, or NULL. */
const char *grpc_status_name(long code);

#endif
