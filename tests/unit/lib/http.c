/* lib/http.c - query strings, cookies and the response envelope. */
#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
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

START_TEST(test_query_basic)
{
    struct kv *kv;
    size_t n;
    ck_assert_int_eq(
        http_parse_query(ar, "page=2&page_size=30&q=a+b%26c&type=x&type=y&flag", &kv, &n), 0);
    ck_assert_uint_eq(n, 6);
    ck_assert_str_eq(kv[0].key, "page");
    ck_assert_str_eq(kv[0].value, "2");
    ck_assert_str_eq(kv[2].value, "a b&c");
    ck_assert_str_eq(kv[3].key, "type");
    ck_assert_str_eq(kv[4].value, "y");
    ck_assert_str_eq(kv[5].key, "flag");
    ck_assert_str_eq(kv[5].value, "");
    struct req r = {0};
    r.params = kv;
    r.nparams = n;
    ck_assert_str_eq(http_param(&r, "type"), "x");
    ck_assert_ptr_null(http_param(&r, "missing"));
}
END_TEST

START_TEST(test_query_edges)
{
    struct kv *kv;
    size_t n;
    ck_assert_int_eq(http_parse_query(ar, "", &kv, &n), 0);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(http_parse_query(ar, "&&a=1&&", &kv, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(http_parse_query(ar, "a==b", &kv, &n), 0);
    ck_assert_str_eq(kv[0].value, "=b");
    ck_assert_int_eq(http_parse_query(ar, "filters=%5B%7B%22a%22%3A1%7D%5D", &kv, &n), 0);
    ck_assert_str_eq(kv[0].value, "[{\"a\":1}]");
    ck_assert_int_eq(http_parse_query(ar, "a=%zz", &kv, &n), -1);
    ck_assert_int_eq(http_parse_query(ar, "a=%00", &kv, &n), -1);
    ck_assert_int_eq(http_parse_query(ar, "a=%ff", &kv, &n), -1);
    ck_assert_int_eq(http_parse_query(ar, "a%=1", &kv, &n), -1);
    char many[HTTP_MAX_QUERY_PAIRS * 4 + 8];
    size_t o = 0;
    for (int i = 0; i <= HTTP_MAX_QUERY_PAIRS; i++) {
        memcpy(many + o, "a=1&", 4);
        o += 4;
    }
    many[o] = '\0';
    ck_assert_int_eq(http_parse_query(ar, many, &kv, &n), -1);
}
END_TEST

START_TEST(test_cookies)
{
    const char *h = "a=1; csrf_token=abc==; libredesk_session=\"tok\"; empty=";
    ck_assert_str_eq(http_cookie(ar, h, "csrf_token"), "abc==");
    ck_assert_str_eq(http_cookie(ar, h, "libredesk_session"), "tok");
    ck_assert_str_eq(http_cookie(ar, h, "empty"), "");
    ck_assert_str_eq(http_cookie(ar, h, "a"), "1");
    ck_assert_ptr_null(http_cookie(ar, h, "csrf"));
    ck_assert_ptr_null(http_cookie(ar, NULL, "a"));
    ck_assert_str_eq(http_cookie(ar, "x_csrf_token=1;csrf_token=2", "csrf_token"), "2");
}
END_TEST

START_TEST(test_error_envelope)
{
    const char *body;
    size_t len;
    http_error_body(ar, APP_ERR_UNAUTHORIZED, "Invalid credential", &body, &len);
    ck_assert_str_eq(body, "{\"status\":\"error\",\"message\":\"Invalid credential\","
                           "\"error_type\":\"GeneralException\",\"data\":null}");
    ck_assert_uint_eq(len, strlen(body));
    http_error_body(ar, APP_ERR_PERMISSION, NULL, &body, &len);
    ck_assert_str_eq(body, "{\"status\":\"error\",\"message\":\"Permission denied\","
                           "\"error_type\":\"PermissionException\",\"data\":null}");
    http_error_body(ar, APP_ERR_INPUT, "bad\r\nline \"quoted\" a/b", &body, &len);
    ck_assert_str_eq(body, "{\"status\":\"error\",\"message\":\"bad  line \\\"quoted\\\" a/b\","
                           "\"error_type\":\"InputException\",\"data\":null}");
    http_error_body(ar, APP_ERR_NOT_FOUND, "\xff", &body, &len);
    ck_assert_str_eq(body, "{\"status\":\"error\",\"message\":\"Not found\","
                           "\"error_type\":\"NotFoundException\",\"data\":null}");
    ck_assert_int_eq(err_status(APP_ERR_ROUTE_NOT_FOUND), 404);
    ck_assert_str_eq(err_type(APP_ERR_ROUTE_NOT_FOUND), "GeneralException");
    ck_assert_int_eq(err_status(APP_ERR_CONFLICT), 409);
    ck_assert_int_eq(err_status(APP_ERR_UNAVAILABLE), 503);
    ck_assert_int_eq(err_status(APP_ERR_TOO_LARGE), 413);
    ck_assert_int_eq(err_status(APP_ERR_METHOD), 405);
}
END_TEST

START_TEST(test_success_envelope)
{
    struct resp w = {0};
    const char *body;
    size_t len;
    ck_assert_int_eq(http_success_body(ar, &w, &body, &len), 0);
    ck_assert_str_eq(body, "{\"status\":\"success\",\"data\":true}");
    w.data_json = "[1,2]";
    w.data_len = 5;
    ck_assert_int_eq(http_success_body(ar, &w, &body, &len), 0);
    ck_assert_str_eq(body, "{\"status\":\"success\",\"data\":[1,2]}");
    ck_assert_uint_eq(len, strlen(body));
    struct resp w2 = {0};
    w2.data = json_object_new_string("Provider updated successfully");
    ck_assert_int_eq(http_success_body(ar, &w2, &body, &len), 0);
    ck_assert_str_eq(body, "{\"status\":\"success\",\"data\":\"Provider updated successfully\"}");
    json_object_put(w2.data);
}
END_TEST

Suite *http_suite(void)
{
    return SUITE_OF("http", 10, setup, teardown, test_query_basic, test_query_edges, test_cookies,
                    test_error_envelope, test_success_envelope);
}
