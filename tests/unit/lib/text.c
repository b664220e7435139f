/* lib/text.c - e-mail normalisation, LIKE patterns, trimming. */
#include "lib/arena.h"
#include "lib/text.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

static struct arena *ar;

static void setup(void)
{
    ar = arena_new(1 << 20);
}

static void teardown(void)
{
    arena_free(ar);
}

START_TEST(test_email_norm)
{
    struct arena *a = arena_new(4096);
    ck_assert_str_eq(text_email_norm(a, "  Ann@Example.COM "), "ann@example.com");
    ck_assert_str_eq(text_email_norm(a, ""), "");
    ck_assert_str_eq(text_email_norm(a, "   "), "");
    arena_free(a);
}
END_TEST

START_TEST(test_like_pattern)
{
    ck_assert_str_eq(text_like_contains(ar, "abc"), "%abc%");
    ck_assert_str_eq(text_like_contains(ar, ""), "%%");
    ck_assert_str_eq(text_like_contains(ar, "50%_a\\b"), "%50\\%\\_a\\\\b%");
}
END_TEST

START_TEST(test_trim)
{
    ck_assert_str_eq(text_trim(ar, "  a b \t\r\n"), "a b");
    ck_assert_str_eq(text_trim(ar, "x"), "x");
    ck_assert_str_eq(text_trim(ar, " \t "), "");
    ck_assert_str_eq(text_trim(ar, ""), "");
}
END_TEST

Suite *text_suite(void)
{
    return SUITE_OF("text", 10, setup, teardown, test_email_norm, test_like_pattern, test_trim);
}
