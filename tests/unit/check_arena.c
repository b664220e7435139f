/* check_arena.c - lib/arena.c, lib/validate.c and the password rules (rules/password.c). */
#include <stdint.h>
#include <string.h>

#include "../suite_of.h"
#include "lib/arena.h"
#include "lib/text.h"
#include "lib/validate.h"
#include "rules/password.h"
#include "suites.h"

static int order[4];
static int norder;

static void note(void *p)
{
    order[norder++] = *(int *)p;
}

START_TEST(test_alloc_aligned_and_reset)
{
    struct arena *a = arena_new(1 << 20);
    char *p = arena_alloc(a, 3);
    double *d = arena_alloc(a, sizeof(double));
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)d % _Alignof(max_align_t), 0);
    char *big = arena_alloc(a, 200 * 1024); /* beyond the first chunk */
    ck_assert_ptr_nonnull(big);
    memset(big, 1, 200 * 1024);
    ck_assert_uint_ge(arena_used(a), 200 * 1024);
    arena_reset(a);
    ck_assert_uint_eq(arena_used(a), 0);
    ck_assert_str_eq(arena_strdup(a, "hello"), "hello");
    ck_assert_str_eq(arena_printf(a, "%d-%s", 7, "x"), "7-x");
    arena_free(a);
}
END_TEST

START_TEST(test_cap_is_hard)
{
    struct arena *a = arena_new(128 * 1024);
    ck_assert_ptr_nonnull(arena_alloc(a, 60 * 1024));
    ck_assert_ptr_null(arena_alloc(a, 100 * 1024));
    ck_assert_ptr_null(arena_alloc(a, SIZE_MAX - 8));
    arena_free(a);
}
END_TEST

START_TEST(test_defer_lifo)
{
    struct arena *a = arena_new(1 << 20);
    static int one = 1, two = 2, three = 3;
    norder = 0;
    arena_defer(a, note, &one);
    arena_defer(a, note, &two);
    arena_defer(a, note, &three);
    arena_reset(a);
    ck_assert_int_eq(norder, 3);
    ck_assert_int_eq(order[0], 3);
    ck_assert_int_eq(order[2], 1);
    arena_reset(a);
    ck_assert_int_eq(norder, 3);
    arena_free(a);
}
END_TEST

Suite *arena_suite(void)
{
    return SUITE_OF("arena", 10, NULL, NULL, test_alloc_aligned_and_reset, test_cap_is_hard,
                    test_defer_lifo);
}

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

START_TEST(test_password_and_email_norm)
{
    ck_assert(password_ok("Str0ng-Passw0rd"));
    ck_assert(password_ok("Aa1!Aa1!Aa"));       /* exactly 10 */
    ck_assert(!password_ok("Aa1!Aa1!A"));       /* 9 */
    ck_assert(!password_ok("strong-passw0rd")); /* no upper case */
    ck_assert(!password_ok("STRONG-PASSW0RD")); /* no lower case */
    ck_assert(!password_ok("Strong-Password")); /* no digit */
    ck_assert(!password_ok("Str0ngPassw0rd"));  /* nothing else */
    char long73[74];
    memset(long73, 'a', 73);
    memcpy(long73, "A1!", 3);
    long73[73] = '\0';
    ck_assert(!password_ok(long73));
    long73[72] = '\0';
    ck_assert(password_ok(long73));

    struct arena *a = arena_new(4096);
    ck_assert_str_eq(text_email_norm(a, "  Ann@Example.COM "), "ann@example.com");
    ck_assert_str_eq(text_email_norm(a, ""), "");
    ck_assert_str_eq(text_email_norm(a, "   "), "");
    arena_free(a);
}
END_TEST

Suite *validate_suite(void)
{
    return SUITE_OF("validate", 10, NULL, NULL, test_url_decode, test_utf8, test_int64,
                    test_uuid_email, test_password_and_email_norm);
}
