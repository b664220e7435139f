/* lib/multipart.c - the multipart/form-data parser: good bodies and every refusal. */
#include <stdio.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/multipart.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

static struct arena *a;
static struct mp_part parts[MP_MAX_PARTS];
static int n;
static const char *err;

static void setup(void)
{
    a = arena_new(1 << 16);
}

static void teardown(void)
{
    arena_free(a);
}

static int parse(const char *ctype, const char *body)
{
    err = NULL;
    return multipart_parse(a, ctype, body, strlen(body), parts, MP_MAX_PARTS, &n, &err);
}

static const char *const CT = "multipart/form-data; boundary=XyZ";

START_TEST(test_good_body)
{
    const char *body =
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"inline\"\r\n\r\n"
        "true\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"files\"; filename=\"a \\\"b\\\".txt\"\r\n"
        "Content-Type: text/plain\r\n\r\n"
        "line 1\r\n-XyZ no delimiter\r\n"
        "--XyZ--\r\n";
    ck_assert_int_eq(parse(CT, body), 0);
    ck_assert_int_eq(n, 2);
    ck_assert_str_eq(parts[0].name, "inline");
    ck_assert_ptr_null(parts[0].filename);
    ck_assert_uint_eq(parts[0].len, 4);
    ck_assert(memcmp(parts[0].data, "true", 4) == 0);
    ck_assert_str_eq(parts[1].name, "files");
    ck_assert_str_eq(parts[1].filename, "a \"b\".txt");
    ck_assert_str_eq(parts[1].content_type, "text/plain");
    ck_assert_uint_eq(parts[1].len, strlen("line 1\r\n-XyZ no delimiter"));
    /* A quoted boundary, an empty part, no trailing CRLF. */
    ck_assert_int_eq(parse("multipart/form-data; boundary=\"q b\"",
                           "--q b\r\nContent-Disposition: form-data; name=x\r\n\r\n\r\n--q b--"),
                     0);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(parts[0].len, 0);
}
END_TEST

START_TEST(test_refusals)
{
    static const struct {
        const char *ctype, *body, *why;
    } bad[] = {
        {"application/json", "{}", "not multipart/form-data"},
        {"multipart/form-data", "--x--", "missing or bad multipart boundary"},
        {"multipart/form-data; boundary=", "--x--", "missing or bad multipart boundary"},
        {"multipart/form-data; boundary=XyZ", "preamble\r\n--XyZ--",
         "the body does not start with the multipart boundary"},
        {"multipart/form-data; boundary=XyZ",
         "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end",
         "truncated multipart body"},
        {"multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"a\"",
         "truncated multipart body"},
        {"multipart/form-data; boundary=XyZ",
         "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XyZ--junk",
         "data after the closing multipart boundary"},
        {"multipart/form-data; boundary=XyZ",
         "--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--", "a part has no form-data name"},
        {"multipart/form-data; boundary=XyZ",
         "--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--XyZ--",
         "a part's Content-Disposition is not form-data"},
        {"multipart/form-data; boundary=XyZ", "--XyZ\r\nno colon here\r\n\r\nv\r\n--XyZ--",
         "a multipart header line has no colon"},
        {"multipart/form-data; boundary=XyZ", "--XyZ\r\n\r\nv\r\n--XyZ--",
         "a part has no form-data name"},
        {"multipart/form-data; boundary=XyZ", "--XyZjunk",
         "a multipart boundary is not followed by a line break"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(parse(bad[i].ctype, bad[i].body) == -1, "case %zu accepted", i);
        ck_assert_msg(strcmp(err, bad[i].why) == 0, "case %zu: %s", i, err);
    }
    /* Too many parts, and headers over the bound. */
    static char body[MP_MAX_HEADERS + 4096];
    size_t o = 0;
    for (int i = 0; i <= MP_MAX_PARTS; i++)
        o += (size_t)snprintf(body + o, sizeof(body) - o,
                              "--XyZ\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nv\r\n");
    snprintf(body + o, sizeof(body) - o, "--XyZ--");
    ck_assert_int_eq(parse(CT, body), -1);
    ck_assert_str_eq(err, "too many multipart parts");
    o = (size_t)snprintf(body, sizeof(body), "--XyZ\r\nX-Pad: ");
    memset(body + o, 'p', MP_MAX_HEADERS + 10);
    o += MP_MAX_HEADERS + 10;
    snprintf(body + o, sizeof(body) - o, "\r\n\r\nv\r\n--XyZ--");
    ck_assert_int_eq(parse(CT, body), -1);
    ck_assert_str_eq(err, "multipart part headers too long");
}
END_TEST

/*
 * An arena too small for a quoted parameter: param_of() must see the refused
 * allocation before it writes (it wrote through NULL and crashed).
 */
START_TEST(test_small_arena)
{
    struct arena *tiny = arena_new(64);
    char ctype[256];
    const char *why = NULL;
    int count = -1;
    int o = snprintf(ctype, sizeof(ctype), "multipart/form-data; boundary=\"");
    memset(ctype + o, 'b', 100);
    snprintf(ctype + o + 100, sizeof(ctype) - (size_t)o - 100, "\"");
    ck_assert_int_eq(multipart_parse(tiny, ctype, "--x--", 5, parts, MP_MAX_PARTS, &count, &why),
                     -1);
    ck_assert_str_eq(why, "missing or bad multipart boundary");
    ck_assert_int_eq(arena_exhausted(tiny), 1);
    /* A quoted part name the arena cannot hold: the part has no name. */
    arena_reset(tiny);
    static const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=\""
                               "a-name-longer-than-what-is-left-in-the-arena-after-the-delimiter"
                               "\"\r\n\r\nv\r\n--XyZ--";
    ck_assert_int_eq(
        multipart_parse(tiny, CT, body, strlen(body), parts, MP_MAX_PARTS, &count, &why), -1);
    ck_assert_str_eq(why, "a part has no form-data name");
    arena_free(tiny);
}
END_TEST

Suite *multipart_suite(void)
{
    return SUITE_OF("multipart", 10, setup, teardown, test_good_body, test_refusals,
                    test_small_arena);
}
