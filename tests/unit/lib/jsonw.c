/* lib/jsonw.c - the JSON writers: timestamps, integers, strings and null. */
#include <stdint.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
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

static const char *ts(int64_t us)
{
    struct sbuf sb;
    sbuf_init(&sb, ar);
    jw_timestamp(&sb, us);
    return sbuf_str(&sb);
}

START_TEST(test_json_writers)
{
    /* Same text PostgreSQL's to_json(timestamptz) gives with TimeZone=UTC. */
    ck_assert_str_eq(ts(0), "\"2000-01-01T00:00:00+00:00\"");
    ck_assert_str_eq(ts(1), "\"2000-01-01T00:00:00.000001+00:00\"");
    ck_assert_str_eq(ts(500000), "\"2000-01-01T00:00:00.5+00:00\"");
    ck_assert_str_eq(ts(-1), "\"1999-12-31T23:59:59.999999+00:00\"");
    ck_assert_str_eq(ts(848609792773243LL), "\"2026-11-21T20:56:32.773243+00:00\"");
    ck_assert_str_eq(ts(762523200000000LL), "\"2024-02-29T12:00:00+00:00\"");
    ck_assert_str_eq(ts(-946684799900000LL), "\"1970-01-01T00:00:00.1+00:00\"");
    ck_assert_str_eq(ts(3160943999999999LL), "\"2100-03-01T23:59:59.999999+00:00\"");
    ck_assert_str_eq(ts(INT64_MAX), "\"infinity\"");
    ck_assert_str_eq(ts(INT64_MIN), "\"-infinity\"");

    struct sbuf sb;
    sbuf_init(&sb, ar);
    jw_int(&sb, -123);
    sbuf_add(&sb, " ");
    jw_int(&sb, 0);
    sbuf_add(&sb, " ");
    jw_int(&sb, INT64_MIN);
    sbuf_add(&sb, " ");
    jw_str(&sb, "a\"b\\c\n\x01\xc3\xa9/", 10);
    sbuf_add(&sb, " ");
    jw_null(&sb);
    ck_assert_str_eq(sbuf_str(&sb),
                     "-123 0 -9223372036854775808 \"a\\\"b\\\\c\\n\\u0001\xc3\xa9/\" null");
    /* What we write parses back to the same string. */
    sbuf_init(&sb, ar);
    jw_str(&sb, "tab\there \"q\" \x1f end", 18);
    json_object *j = json_tokener_parse(sbuf_str(&sb));
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_object_get_string(j), "tab\there \"q\" \x1f end");
    json_object_put(j);
}
END_TEST

Suite *jsonw_suite(void)
{
    return SUITE_OF("jsonw", 10, setup, teardown, test_json_writers);
}
