/* lib/router.c - matching, captures, refusals and ambiguity checks on a small table. */
#include <string.h>

#include "lib/arena.h"
#include "lib/router.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

static const struct route_key table[] = {
    {HTTP_GET, "/api/v1/conversations/all"},
    {HTTP_GET, "/api/v1/conversations/{uuid}"},
    {HTTP_PUT, "/api/v1/conversations/{uuid}/status"},
    {HTTP_GET, "/api/v1/conversations/{cuuid}/messages/{uuid}"},
    {HTTP_POST, "/api/v1/conversations"},
    {HTTP_GET, "/"},
    {HTTP_GET, "/health"},
    {HTTP_GET, "/peer/items/"},
    {HTTP_GET, "/peer/items/{id}/"},
    {HTTP_GET, "/peer/items/{id}"},
};

static struct router *rt;
static struct arena *ar;

static void setup(void)
{
    char err[128];
    rt = router_new(table, sizeof(table) / sizeof(table[0]), sizeof(table[0]), err, sizeof(err));
    ck_assert_msg(rt != NULL, "%s", err);
    ar = arena_new(1 << 20);
}

static void teardown(void)
{
    router_free(rt);
    arena_free(ar);
}

START_TEST(test_literal_beats_capture)
{
    struct router_match m;
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/api/v1/conversations/all", &m), ROUTER_MATCH);
    ck_assert_uint_eq(m.index, 0);
    ck_assert_uint_eq(m.ncaptures, 0);
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/api/v1/conversations/abc", &m), ROUTER_MATCH);
    ck_assert_uint_eq(m.index, 1);
    ck_assert_str_eq(router_capture(&m, "uuid"), "abc");
}
END_TEST

START_TEST(test_captures_decoded)
{
    struct router_match m;
    ck_assert_int_eq(
        router_match(rt, ar, HTTP_GET, "/api/v1/conversations/a%20b/messages/x%C3%A9", &m),
        ROUTER_MATCH);
    ck_assert_uint_eq(m.index, 3);
    ck_assert_uint_eq(m.ncaptures, 2);
    ck_assert_str_eq(router_capture(&m, "cuuid"), "a b");
    ck_assert_str_eq(router_capture(&m, "uuid"), "x\xc3\xa9");
    ck_assert_ptr_null(router_capture(&m, "nope"));
}
END_TEST

START_TEST(test_not_found)
{
    struct router_match m;
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/api/v1/nothing", &m), ROUTER_NOT_FOUND);
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/health/", &m), ROUTER_NOT_FOUND);
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "//health", &m), ROUTER_NOT_FOUND);
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/api/v1/conversations//status", &m),
                     ROUTER_NOT_FOUND);
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "health", &m), ROUTER_NOT_FOUND);
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "", &m), ROUTER_NOT_FOUND);
    /* An encoded slash never matches a capture. */
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/api/v1/conversations/a%2Fb", &m),
                     ROUTER_NOT_FOUND);
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/", &m), ROUTER_MATCH);
    ck_assert_uint_eq(m.index, 5);
}
END_TEST

/* A pattern ending with '/' matches only paths ending with '/', and the other way round. */
START_TEST(test_trailing_slash)
{
    struct router_match m;
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/peer/items/", &m), ROUTER_MATCH);
    ck_assert_uint_eq(m.index, 7);
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/peer/items", &m), ROUTER_NOT_FOUND);
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/peer/items/x/", &m), ROUTER_MATCH);
    ck_assert_uint_eq(m.index, 8);
    ck_assert_str_eq(router_capture(&m, "id"), "x");
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/peer/items/x", &m), ROUTER_MATCH);
    ck_assert_uint_eq(m.index, 9);
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/peer/items//", &m), ROUTER_NOT_FOUND);
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/peer/items/x//", &m), ROUTER_NOT_FOUND);
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/health/", &m), ROUTER_NOT_FOUND);
    ck_assert_int_eq(router_match(rt, ar, HTTP_POST, "/peer/items/", &m),
                     ROUTER_METHOD_NOT_ALLOWED);
}
END_TEST

START_TEST(test_method_not_allowed)
{
    struct router_match m;
    char allow[64];
    ck_assert_int_eq(router_match(rt, ar, HTTP_DELETE, "/api/v1/conversations/x/status", &m),
                     ROUTER_METHOD_NOT_ALLOWED);
    ck_assert_str_eq(router_allow_string(m.allow, allow, sizeof(allow)), "PUT");
    ck_assert_int_eq(router_match(rt, ar, HTTP_DELETE, "/api/v1/conversations", &m),
                     ROUTER_METHOD_NOT_ALLOWED);
    ck_assert_str_eq(router_allow_string(m.allow, allow, sizeof(allow)), "POST");
    /* HEAD is served by GET routes. */
    ck_assert_int_eq(router_match(rt, ar, HTTP_HEAD, "/health", &m), ROUTER_MATCH);
    ck_assert_uint_eq(m.index, 6);
}
END_TEST

START_TEST(test_bad_path)
{
    struct router_match m;
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/api/v1/conversations/%zz", &m),
                     ROUTER_BAD_PATH);
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/api/v1/conversations/a%00", &m),
                     ROUTER_BAD_PATH);
    ck_assert_int_eq(router_match(rt, ar, HTTP_GET, "/api/v1/conversations/%ff", &m),
                     ROUTER_BAD_PATH);
}
END_TEST

START_TEST(test_bad_patterns)
{
    char err[128];
    static const struct route_key bad1[] = {{HTTP_GET, "/a//b"}};
    static const struct route_key bad2[] = {{HTTP_GET, "/a/{b"}};
    static const struct route_key bad3[] = {{HTTP_GET, "/a/{x}/{x}"}};
    static const struct route_key bad4[] = {{HTTP_GET, "a"}};
    static const struct route_key bad5[] = {{HTTP_GET, "/a/{1x}"}};
    ck_assert_ptr_null(router_new(bad1, 1, sizeof(bad1[0]), err, sizeof(err)));
    ck_assert_ptr_null(router_new(bad2, 1, sizeof(bad2[0]), err, sizeof(err)));
    ck_assert_ptr_null(router_new(bad3, 1, sizeof(bad3[0]), err, sizeof(err)));
    ck_assert_ptr_null(router_new(bad4, 1, sizeof(bad4[0]), err, sizeof(err)));
    ck_assert_ptr_null(router_new(bad5, 1, sizeof(bad5[0]), err, sizeof(err)));
}
END_TEST

START_TEST(test_ambiguity_detected)
{
    char err[128] = "";
    static const struct route_key amb[] = {
        {HTTP_GET, "/a/{x}/c"},
        {HTTP_GET, "/a/{y}/c"},
        {HTTP_PUT, "/a/{z}/c"},
        {HTTP_GET, "/a/b/c"},
    };
    struct router *r = router_new(amb, 4, sizeof(amb[0]), err, sizeof(err));
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(router_check(r, err, sizeof(err)), 1);
    ck_assert_ptr_nonnull(strstr(err, "ambiguous"));
    router_free(r);
}
END_TEST

Suite *router_suite(void)
{
    return SUITE_OF("router", 10, setup, teardown, test_literal_beats_capture,
                    test_captures_decoded, test_not_found, test_method_not_allowed, test_bad_path,
                    test_bad_patterns, test_ambiguity_detected, test_trailing_slash);
}
