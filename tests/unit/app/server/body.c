/* app/server/body.c - the Content-Type decides how a body is read; anything else is refused. */
#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/multipart.h"
#include "server/body.h"
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

/* A request with body (NULL: none) sent as ctype (NULL: no header). */
static struct req req_of(const char *ctype, const char *body)
{
    struct req r = {.arena = ar, .content_type = ctype, .content_length = -1};
    if (body != NULL) {
        r.body = body;
        r.body_len = strlen(body);
        r.content_length = (long long)r.body_len;
    }
    return r;
}

/* body_object() on it: APP_OK and the value of "name", or the refusal's message. */
static const char *object_as(const char *ctype, const char *body)
{
    struct req r = req_of(ctype, body);
    struct resp w = {0};
    struct json_object *o;
    if (body_object(&r, &w, &o) != APP_OK)
        return w.message ? w.message : "(no message)";
    return body_string(o, "name") ? body_string(o, "name") : "(no name)";
}

START_TEST(test_json_accepted)
{
    const char *j = "{\"name\":\"n\"}";
    ck_assert_str_eq(object_as("application/json", j), "n");
    ck_assert_str_eq(object_as("application/json; charset=utf-8", j), "n");
    ck_assert_str_eq(object_as("Application/JSON;charset=UTF-8", j), "n");
    ck_assert_str_eq(object_as("  application/json ; charset=UTF-8", j), "n");
    ck_assert_str_eq(object_as("application/x-www-form-urlencoded", "name=n&x=1"), "n");
    ck_assert_str_eq(object_as("application/x-www-form-urlencoded; charset=UTF-8", "name=n"), "n");
    ck_assert_str_eq(object_as("multipart/form-data; boundary=B",
                               "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n"
                               "n\r\n--B--\r\n"),
                     "n");
    /* No body needs no Content-Type. */
    ck_assert_str_eq(object_as(NULL, NULL), "(no name)");
    ck_assert_str_eq(object_as("text/plain", ""), "(no name)");
}
END_TEST

START_TEST(test_other_types_refused)
{
    const char *j = "{\"name\":\"n\"}";
    ck_assert_str_eq(object_as("text/plain", j),
                     "Error parsing request: unsupported Content-Type text/plain; send "
                     "application/json");
    ck_assert_str_eq(object_as("application/xml; charset=utf-8", "<name>n</name>"),
                     "Error parsing request: unsupported Content-Type application/xml; send "
                     "application/json");
    ck_assert_str_eq(object_as(NULL, j),
                     "Error parsing request: the body has no Content-Type; send application/json");
    ck_assert_str_eq(object_as("", j),
                     "Error parsing request: the body has no Content-Type; send application/json");
    ck_assert_str_eq(object_as(" ; charset=utf-8", j),
                     "Error parsing request: the body has no Content-Type; send application/json");
    /* The media type must be exactly one of the three, not a prefix of it. */
    ck_assert_str_eq(object_as("application/jsonx", j),
                     "Error parsing request: unsupported Content-Type application/jsonx; send "
                     "application/json");
    ck_assert_str_eq(object_as("application/x-www-form-urlencodedx", "name=n"),
                     "Error parsing request: unsupported Content-Type "
                     "application/x-www-form-urlencodedx; send application/json");
    /* What is not short printable ASCII is not echoed. */
    ck_assert_str_eq(object_as("text/\x01plain", j),
                     "Error parsing request: unsupported Content-Type; send application/json");
    char longer[200];
    memset(longer, 'a', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    ck_assert_str_eq(object_as(longer, j),
                     "Error parsing request: unsupported Content-Type; send application/json");
}
END_TEST

START_TEST(test_form_with_files)
{
    struct req r = req_of("text/plain", "name=n");
    struct resp w = {0};
    struct json_object *o;
    const struct mp_part *files;
    int n;
    ck_assert_int_eq(body_form(&r, &w, &o, &files, &n), APP_ERR_INPUT);
    ck_assert_str_eq(w.message, "Error parsing request: unsupported Content-Type text/plain; send "
                                "application/json or multipart/form-data");
}
END_TEST

START_TEST(test_array_json_only)
{
    struct json_object *a;
    struct resp w = {0};
    struct req r = req_of("application/json; charset=utf-8", "[1,2]");
    ck_assert_int_eq(body_array(&r, &w, &a), APP_OK);
    ck_assert_int_eq((int)json_object_array_length(a), 2);
    r = req_of("application/x-www-form-urlencoded", "[1,2]");
    ck_assert_int_eq(body_array(&r, &w, &a), APP_ERR_INPUT);
    ck_assert_str_eq(w.message, "Error parsing request: unsupported Content-Type "
                                "application/x-www-form-urlencoded; send application/json");
    memset(&w, 0, sizeof(w));
    r = req_of(NULL, "[1,2]");
    ck_assert_int_eq(body_array(&r, &w, &a), APP_ERR_INPUT);
    ck_assert_str_eq(w.message,
                     "Error parsing request: the body has no Content-Type; send application/json");
}
END_TEST

/* A NUL in a key, which json-c would cut, is refused like one in a value; an escaped backslash is
 * not one. */
START_TEST(test_nul_anywhere_refused)
{
    static const char msg[] = "Error parsing request: a string holds a NUL character";
    ck_assert_str_eq(object_as("application/json", "{\"name\":\"a\\u0000b\"}"), msg);
    ck_assert_str_eq(object_as("application/json", "{\"name\\u0000x\":\"a\",\"name\":\"n\"}"), msg);
    ck_assert_str_eq(object_as("application/json", "{\"name\":\"a\\\\u0000\"}"), "a\\u0000");
    ck_assert_str_eq(object_as("application/json", "{\"name\":\"\\\\\\u0000\"}"), msg);
}
END_TEST

Suite *body_suite(void)
{
    return SUITE_OF("body", 10, setup, teardown, test_json_accepted, test_other_types_refused,
                    test_form_with_files, test_array_json_only, test_nul_anywhere_refused);
}
