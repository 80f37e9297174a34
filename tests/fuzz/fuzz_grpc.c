/* fuzz_grpc.c: the hand-written protobuf decoding of gRPC health
 * responses, the request encoder on the same bytes as a service, and the
 * same bytes as header lines (grpc-status, grpc-message) of a response,
 * given without a NUL after them as libcurl gives them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char req[300];
	char err[128], service[201], message[128] = "", *line;
	long status;
	size_t n;

	if (grpc_health_decode(data, size, &status, err, sizeof(err)) == 0 &&
	    (status < 0 || status > 1000))
		abort();
	n = size < sizeof(service) - 1 ? size : sizeof(service) - 1;
	memcpy(service, data, n);
	service[n] = '\0';
	n = grpc_health_request(service, req, sizeof(req));
	if (n != 0 && grpc_health_decode(req, n, &status, err, sizeof(err)) != 0)
		abort();	/* a request is a well-formed message too */
	if ((line = malloc(size + 1)) == NULL)
		return 0;
	memcpy(line, data, size);
	status = -1;
	message[sizeof(message) - 1] = 'x';
	grpc_header_line(line, size, &status, message, sizeof(message) - 1);
	if (status < -2 || memchr(message, '\0', sizeof(message) - 1) == NULL)
		abort();
	free(line);
	return 0;
}
