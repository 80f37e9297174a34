/* test_util.c: UTF-8 at the cut, results that stay one line. */
#include <criterion/criterion.h>
#include <string.h>

#include "probe.h"
#include "util.h"

Test(util, utf8_seq)
{
	cr_expect_eq(utf8_seq("a"), 1);
	cr_expect_eq(utf8_seq("\xc3\xa4"), 2);
	cr_expect_eq(utf8_seq("\xe2\x82\xac"), 3);
	cr_expect_eq(utf8_seq("\xf0\x9f\x98\x80"), 4);
	cr_expect_eq(utf8_seq("\xc3"), 0, "cut");
	cr_expect_eq(utf8_seq("\xa4"), 0, "a stray continuation byte");
	cr_expect_eq(utf8_seq("\xc0\xaf"), 0, "overlong");
	cr_expect_eq(utf8_seq("\xed\xa0\x80"), 0, "a surrogate");
	cr_expect_eq(utf8_seq("\xf4\x90\x80\x80"), 0, "past U+10FFFF");
}

Test(util, utf8_cut_never_inside_a_character)
{
	cr_expect_eq(utf8_cut("abc", 60), 3);
	cr_expect_eq(utf8_cut("x\xc3\xa4\xc3\xa4", 2), 1);
	cr_expect_eq(utf8_cut("x\xc3\xa4\xc3\xa4", 3), 3);
	cr_expect_eq(utf8_cut("\xf0\x9f\x98\x80z", 3), 0);
}

Test(util, a_result_cut_at_its_limit_ends_on_a_character)
{
	struct check_result r;
	char big[2 * PROBE_MSG_MAX];
	size_t i, n;

	memset(big, 0, sizeof(big));
	big[0] = 'x';	/* puts every 2-byte character across the limit */
	for (i = 1; i + 2 < sizeof(big); i += 2)
		memcpy(big + i, "\xc3\xa4", 2);
	result_set(&r, PROBE_UNHEALTHY, "%s", big);
	n = strlen(r.message);
	cr_assert_lt(n, sizeof(r.message));
	for (i = 0; i < n; i += utf8_seq(r.message + i))
		cr_assert_neq(utf8_seq(r.message + i), 0, "invalid UTF-8 at %zu", i);
}

Test(util, a_result_is_one_line)
{
	struct check_result r;

	result_set(&r, PROBE_HEALTHY, "a\nb\rc\x7f");
	cr_expect_str_eq(r.message, "a b c ");
}
