/* serve_http.h: the responses of probe serve, built the one way (what
 * serve.c, serve_kind.c and serve_page.c answer with). */
#ifndef SERVE_HTTP_H
#define SERVE_HTTP_H

#include <stddef.h>

#include <microhttpd.h>

/* A response holding a copy of len bytes of body, with its content type
 * and Cache-Control: no-store; NULL when out of memory. */
struct MHD_Response *serve_response(const char *body, size_t len,
    const char *type);

/* Queue code with the text body (and an Allow header, unless NULL). */
enum MHD_Result serve_answer_text(struct MHD_Connection *conn, unsigned code,
    const char *text, const char *allow);

/* Queue 200 with body, which the response takes over (malloc'd, len bytes;
 * freed on every path), as type. */
enum MHD_Result serve_answer_owned(struct MHD_Connection *conn, char *body,
    size_t len, const char *type);

#endif
