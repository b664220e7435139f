/* lib/validate.c - URL decoding, UTF-8, integers, uuids and e-mail addresses. */
#include <stdint.h>

#include "lib/validate.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

START_TEST(test_url_decode)
{
    char out[64];
    ck_assert_int_eq(url_decode("a%20b+c", 7, out, 1), 5);
    ck_assert_str_eq(out, "a b c");
    ck_assert_int_eq(url_decode("a%20b+c", 7, out, 0), 5);
    ck_assert_str_eq(out, "a b+c");
    ck_assert_int_eq(url_decode("%e2%82%AC", 9, out, 0), 3);
    ck_assert_str_eq(out, "\xe2\x82\xac");
    ck_assert_int_eq(url_decode("%", 1, out, 0), -1);
    ck_assert_int_eq(url_decode("%4", 2, out, 0), -1);
    ck_assert_int_eq(url_decode("%zz", 3, out, 0), -1);
    ck_assert_int_eq(url_decode("a%00b", 5, out, 0), -1);
    ck_assert_int_eq(url_decode("", 0, out, 0), 0);
}
END_TEST

START_TEST(test_utf8)
{
    ck_assert(v_utf8("plain", 5));
    ck_assert(v_utf8("\xc3\xa9", 2));
    ck_assert(v_utf8("\xf0\x9f\x92\xb3", 4));
    ck_assert(!v_utf8("\xc3", 1));             /* truncated */
    ck_assert(!v_utf8("\xc0\xaf", 2));         /* overlong '/' */
    ck_assert(!v_utf8("\xed\xa0\x80", 3));     /* surrogate */
    ck_assert(!v_utf8("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    ck_assert(!v_utf8("\xff", 1));
}
END_TEST

START_TEST(test_int64)
{
    int64_t v = 99;
    ck_assert_int_eq(v_int64("42", 0, 100, &v), 0);
    ck_assert_int_eq(v, 42);
    ck_assert_int_eq(v_int64("-3", -5, 5, &v), 0);
    ck_assert_int_eq(v, -3);
    ck_assert_int_eq(v_int64("", 0, 100, &v), -1);
    ck_assert_int_eq(v_int64(" 1", 0, 100, &v), -1);
    ck_assert_int_eq(v_int64("1 ", 0, 100, &v), -1);
    ck_assert_int_eq(v_int64("+1", 0, 100, &v), -1);
    ck_assert_int_eq(v_int64("0x10", 0, 100, &v), -1);
    ck_assert_int_eq(v_int64("101", 0, 100, &v), -1);
    ck_assert_int_eq(v_int64("99999999999999999999", 0, INT64_MAX, &v), -1);
    ck_assert_int_eq(v, -3);
}
END_TEST

START_TEST(test_uuid_email)
{
    ck_assert(v_uuid("0b6f3a2e-5c1d-4e8f-9a7b-1c2d3e4f5a6b"));
    ck_assert(v_uuid("0B6F3A2E-5C1D-4E8F-9A7B-1C2D3E4F5A6B"));
    ck_assert(!v_uuid("0b6f3a2e5c1d4e8f9a7b1c2d3e4f5a6b"));
    ck_assert(!v_uuid("0b6f3a2e-5c1d-4e8f-9a7b-1c2d3e4f5a6g"));
    ck_assert(!v_uuid("' OR 1=1 --"));
    ck_assert(v_email("a@b.co"));
    ck_assert(!v_email("a@b"));
    ck_assert(!v_email("@b.co"));
    ck_assert(!v_email("a b@c.de"));
    ck_assert(!v_email("a@@c.de"));
}
END_TEST

START_TEST(test_http_url)
{
    ck_assert(v_http_url("https://example.com"));
    ck_assert(v_http_url("http://example.com/a?b={{ .Email }}")); /* templates hold spaces */
    ck_assert(!v_http_url("https://"));
    ck_assert(!v_http_url("https:///path"));
    ck_assert(!v_http_url("ftp://example.com"));
    ck_assert(!v_http_url("javascript:alert(1)"));
    ck_assert(!v_http_url("//example.com"));
    ck_assert(!v_http_url("https://exa\nmple.com"));
    ck_assert(!v_http_url("HTTPS://example.com")); /* as upstream's clients write it */
}
END_TEST

Suite *validate_suite(void)
{
    return SUITE_OF("validate", 10, NULL, NULL, test_url_decode, test_utf8, test_int64,
                    test_uuid_email, test_http_url);
}
