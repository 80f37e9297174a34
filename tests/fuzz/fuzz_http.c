/*
 * fuzz_http.c: what the http check does with what a server sends and what a
 * config says: the capped body matcher fed in arbitrary chunks, redirect
 * URLs (host comparison, the password-free form for messages), the URL and
 * header validation. The check's file is included to reach its statics.
 * Input: needle length byte, needle, then chunk-size bytes and body
 * interleaved; a URL follows the first NUL.
 */
#include <stdint.h>

#include "../../probe/check_http.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct body *b;
	struct http_check h;
	char needle[64], host[256], err[256], *shown, *url;
	const uint8_t *nul, *p, *end;
	size_t n, chunk;

	if (size < 2)
		return 0;
	nul = memchr(data, '\0', size);
	end = nul != NULL ? nul : data + size;
	n = data[0] % sizeof(needle);
	if ((size_t)(end - data - 1) < n)
		n = (size_t)(end - data - 1);
	memcpy(needle, data + 1, n);
	needle[n] = '\0';
	if (b == NULL && (b = malloc(sizeof(*b) + EXPECT_BODY_MAX + 1)) == NULL)
		return 0;
	memset(b, 0, sizeof(*b));
	/* The kubelet's cap, or the body assertions' (the needle's length
	 * byte's high bit). */
	b->cap = data[0] & 0x80 ? EXPECT_BODY_MAX : BODY_MAX;
	b->needle = n > 0 && strlen(needle) > 0 ? needle : NULL;
	for (p = data + 1 + n; p < end && !b->stopped; p += chunk) {
		chunk = (size_t)(*p++ % 97) + 1;
		if (chunk > (size_t)(end - p))
			chunk = (size_t)(end - p);
		if (on_body((char *)(uintptr_t)p, 1, chunk, b) != chunk && !b->stopped)
			abort();
	}
	if (b->len > b->cap || (b->len > 0 && b->buf[b->len] != '\0'))
		abort();
	if (nul != NULL && (url = strndup((const char *)nul + 1,
	    size - (size_t)(nul - data) - 1)) != NULL) {
		memset(&h, 0, sizeof(h));
		url_host(url, 1, host, sizeof(host));
		shown = url_for_people(url);
		free(shown);
		if (set_url(&h, url, err, sizeof(err)) == 0)
			free(h.url);
		if (curlx_header_add(&h.headers, url, err, sizeof(err)) == 0)
			curlx_headers_release(&h.headers);
		free(url);
	}
	return 0;
}
