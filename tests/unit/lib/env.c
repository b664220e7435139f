/* lib/env.c - durations as the configuration writes them. */
#include "lib/env.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

START_TEST(test_durations)
{
    ck_assert_int_eq(env_parse_duration("90"), 90);
    ck_assert_int_eq(env_parse_duration("90s"), 90);
    ck_assert_int_eq(env_parse_duration("30m"), 1800);
    ck_assert_int_eq(env_parse_duration("9h"), 32400);
    ck_assert_int_eq(env_parse_duration("2d"), 172800);
    ck_assert_int_eq(env_parse_duration("0"), -1);
    ck_assert_int_eq(env_parse_duration("-5"), -1);
    ck_assert_int_eq(env_parse_duration("5x"), -1);
    ck_assert_int_eq(env_parse_duration("5hh"), -1);
    ck_assert_int_eq(env_parse_duration(""), -1);
}
END_TEST

Suite *env_suite(void)
{
    return SUITE_OF("env", 10, NULL, NULL, test_durations);
}
