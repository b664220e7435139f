/* it_errors.c - every dispatcher failure answers in the Libredesk envelope. */
#include <stdlib.h>
#include <string.h>

#include "../suite_of.h"
#include "it.h"

START_TEST(test_not_found)
{
    struct http_res r = http_get("/api/v1/nothing-here", tok(it_admin_key));
    assert_error(&r, 404, "Route not found", "GeneralException");
    http_res_free(&r);
    r = http_get("/api/v1/statuses/", tok(it_admin_key)); /* no trailing-slash aliases */
    assert_error(&r, 404, "Route not found", "GeneralException");
    http_res_free(&r);
    r = http_get("/not-api", NULL); /* answered by nginx, same envelope */
    assert_error(&r, 404, "Route not found", "GeneralException");
    http_res_free(&r);
}
END_TEST

START_TEST(test_method_not_allowed)
{
    char allow[64];
    struct http_res r = http_do("DELETE", "/api/v1/statuses", tok(it_admin_key), NULL, 0, NULL);
    assert_error(&r, 405, "Request method not allowed", "GeneralException");
    ck_assert_str_eq(http_header(&r, "Allow", allow, sizeof(allow)), "GET, POST");
    http_res_free(&r);
    r = http_do("POST", "/api/v1/priorities", tok(it_admin_key), NULL, 0, NULL);
    assert_error(&r, 405, "Request method not allowed", "GeneralException");
    ck_assert_str_eq(http_header(&r, "Allow", allow, sizeof(allow)), "GET");
    http_res_free(&r);
    r = http_do("PATCH", "/health", NULL, NULL, 0, NULL);
    assert_error(&r, 405, "Request method not allowed", "GeneralException");
    http_res_free(&r);
}
END_TEST

START_TEST(test_body_limits)
{
    /* deskd: a body on a route that takes none. */
    struct http_res r = http_do("GET", "/api/v1/statuses", tok(it_admin_key), "{\"a\":1}", 7, NULL);
    assert_error(&r, 413, "This endpoint takes no request body", "GeneralException");
    http_res_free(&r);
    /* nginx: beyond client_max_body_size, before deskd sees it. */
    size_t big = 33u * 1024 * 1024;
    char *body = malloc(big);
    memset(body, 'x', big);
    r = http_do("POST", "/api/v1/statuses", tok(it_admin_key), body, big, NULL);
    assert_error(&r, 413, "Request body too large", "GeneralException");
    http_res_free(&r);
    free(body);
}
END_TEST

START_TEST(test_bad_request)
{
    struct http_res r = http_get("/api/v1/statuses?page=%zz", tok(it_admin_key));
    assert_error(&r, 400, "Malformed request: bad query string or Content-Length",
                 "InputException");
    http_res_free(&r);
    expect_error("/api/v1/statuses?x=%00", tok(it_admin_key), 400,
                 "Malformed request: bad query string or Content-Length", "InputException");
    expect_error("/api/v1/agents/%ff", tok(it_admin_key), 400,
                 "Invalid characters in the request path", "InputException");
    /* A well-formed query string is accepted (and ignored here). */
    r = http_get("/api/v1/statuses?page=1&q=a+b%20c", tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
}
END_TEST

START_TEST(test_internal_error)
{
    /* A schema fault makes the statement fail: 500, generic message, nothing leaked. */
    sql_exec("ALTER TABLE users RENAME COLUMN availability_status TO availability_moved");
    struct http_res r = http_get("/api/v1/agents/me", tok(it_admin_key));
    sql_exec("ALTER TABLE users RENAME COLUMN availability_moved TO availability_status");
    assert_error(&r, 500, "Something went wrong", "GeneralException");
    ck_assert_ptr_null(strstr(r.body, "availability"));
    http_res_free(&r);
    r = http_get("/api/v1/agents/me", tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
}
END_TEST

Suite *it_errors_suite(void)
{
    return SUITE_OF("errors", 60, NULL, NULL, test_not_found, test_method_not_allowed,
                    test_body_limits, test_bad_request, test_internal_error);
}
