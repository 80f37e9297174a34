#include <string.h>

#include <criterion/criterion.h>

#include "grpc.h"

Test(grpc, request_for_the_whole_server_is_an_empty_message)
{
	unsigned char buf[64];

	cr_assert_eq(grpc_health_request("", buf, sizeof(buf)), 5);
	cr_expect_eq(memcmp(buf, "\0\0\0\0\0", 5), 0);
}

Test(grpc, request_for_a_service)
{
	unsigned char buf[64];

	cr_assert_eq(grpc_health_request("app", buf, sizeof(buf)), 10);
	cr_expect_eq(memcmp(buf, "\0\0\0\0\x05\x0a\x03" "app", 10), 0);
	cr_expect_eq(grpc_health_request("app", buf, 8), 0, "too small a buffer");
}

Test(grpc, request_with_a_long_service_name_has_a_two_byte_length)
{
	unsigned char buf[300];
	char svc[201];

	memset(svc, 's', 200);
	svc[200] = '\0';
	cr_assert_eq(grpc_health_request(svc, buf, sizeof(buf)), 5 + 1 + 2 + 200);
	cr_expect_eq(buf[6], 0xc8);	/* 200 = 0xc8 0x01 */
	cr_expect_eq(buf[7], 0x01);
	cr_expect_eq(buf[4], 203);
}

Test(grpc, decodes_the_serving_statuses)
{
	static const struct {
		const char *bytes;
		size_t len;
		long status;
	} cases[] = {
		{ "\0\0\0\0\x02\x08\x01", 7, GRPC_SERVING },
		{ "\0\0\0\0\x02\x08\x02", 7, GRPC_NOT_SERVING },
		{ "\0\0\0\0\x00", 5, GRPC_UNKNOWN },
		{ "\0\0\0\0\x07\x12\x03xyz\x08\x01", 12, GRPC_SERVING },	/* unknown field first */
		{ "\0\0\0\0\x0b\x19" "12345678\x08\x03", 16, GRPC_SERVICE_UNKNOWN },
	};
	char err[100];
	long status;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_expect_eq(grpc_health_decode((const unsigned char *)cases[i].bytes,
		    cases[i].len, &status, err, sizeof(err)), 0, "case %zu: %s", i, err);
		cr_expect_eq(status, cases[i].status, "case %zu", i);
	}
	cr_expect_str_eq(grpc_serving_name(GRPC_NOT_SERVING), "NOT_SERVING");
	cr_expect_null(grpc_serving_name(7));
	cr_expect_str_eq(grpc_status_name(12), "UNIMPLEMENTED");
}

Test(grpc, refuses_malformed_responses)
{
	static const struct {
		const char *bytes;
		size_t len;
		const char *err;
	} cases[] = {
		{ "", 0, "no message" },
		{ "\0\0\0", 3, "message cut short in its 5-byte prefix" },
		{ "\x01\0\0\0\x02\x08\x01", 7, "compressed or unknown message flag 1" },
		{ "\0\0\0\0\x05\x08\x01", 7, "message length 5, but 2 bytes came" },
		{ "\0\0\0\0\x02\x08\xff", 7, "not a HealthCheckResponse (bad protobuf)" },
		{ "\0\0\0\0\x02\x0a\x05", 7, "not a HealthCheckResponse (bad protobuf)" },
		{ "\0\0\0\0\x01\x0b", 6, "not a HealthCheckResponse (bad protobuf)" },
	};
	char err[100];
	long status;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_expect_eq(grpc_health_decode((const unsigned char *)cases[i].bytes,
		    cases[i].len, &status, err, sizeof(err)), -1, "case %zu", i);
		cr_expect_str_eq(err, cases[i].err, "case %zu", i);
	}
}
