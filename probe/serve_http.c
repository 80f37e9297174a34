/* serve_http.c: building and queueing probe serve's responses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve_http.h"

struct MHD_Response *
serve_response(const char *body, size_t len, const char *type)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r != NULL) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	}
	return r;
}

enum MHD_Result
serve_answer_text(struct MHD_Connection *conn, unsigned code, const char *text,
    const char *allow)
{
	struct MHD_Response *r = serve_response(text, strlen(text),
	    "text/plain; charset=utf-8");
	enum MHD_Result ret;

	if (r == NULL)
		return MHD_NO;
	if (allow != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result
serve_answer_owned(struct MHD_Connection *conn, char *body, size_t len,
    const char *type)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (body == NULL)
		return MHD_NO;
	if ((r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE)) == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}
