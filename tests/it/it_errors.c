/* it_errors.c - every dispatcher failure answers in the Libredesk envelope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

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
    /* A NUL inside a JSON string is refused whole, never stored cut short. */
    char *before = sql_valuef("SELECT count(*) FROM tags");
    expect_json_error("POST", "/api/v1/tags", it_admin_key, "{\"name\":\"it-nul\\u0000tail\"}", 400,
                      "Error parsing request: a string holds a NUL character", "InputException");
    expect_json_error("PUT", "/api/v1/settings/general", it_admin_key,
                      "{\"app.site_name\":\"x\",\"nested\":[{\"a\":\"\\u0000\"}]}", 400,
                      "Error parsing request: a string holds a NUL character", "InputException");
    char *after = sql_valuef("SELECT count(*) FROM tags");
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
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

/* Appends one FastCGI record (request id 1) to out at *n. */
static void fcgi_record(unsigned char *out, size_t *n, int type, const void *data, size_t len)
{
    unsigned char h[8] = {
        1, (unsigned char)type, 0, 1, (unsigned char)(len >> 8), (unsigned char)len, 0, 0};
    memcpy(out + *n, h, 8);
    memcpy(out + *n + 8, data, len);
    *n += 8 + len;
}

/* Appends a FastCGI name-value pair (both shorter than 128 bytes). */
static void fcgi_pair(unsigned char *out, size_t *n, const char *name, const char *value)
{
    out[(*n)++] = (unsigned char)strlen(name);
    out[(*n)++] = (unsigned char)strlen(value);
    memcpy(out + *n, name, strlen(name));
    *n += strlen(name);
    memcpy(out + *n, value, strlen(value));
    *n += strlen(value);
}

/*
 * A body shorter than its CONTENT_LENGTH never reaches a handler.  nginx
 * always sends whole bodies, so this speaks FastCGI to deskd's socket itself:
 * CONTENT_LENGTH 100, then 10 bytes and the end of the stream.
 */
START_TEST(test_short_body)
{
    unsigned char req[1024], params[512];
    size_t n = 0, pn = 0;
    const unsigned char begin[8] = {0, 1, 0, 0, 0, 0, 0, 0}; /* responder, close after */
    fcgi_record(req, &n, 1, begin, sizeof(begin));
    fcgi_pair(params, &pn, "REQUEST_METHOD", "POST");
    fcgi_pair(params, &pn, "REQUEST_URI", "/api/v1/statuses");
    fcgi_pair(params, &pn, "CONTENT_TYPE", "application/json");
    fcgi_pair(params, &pn, "CONTENT_LENGTH", "100");
    fcgi_pair(params, &pn, "REMOTE_ADDR", "127.0.0.1");
    fcgi_record(req, &n, 4, params, pn);
    fcgi_record(req, &n, 4, "", 0);
    fcgi_record(req, &n, 5, "{\"name\":1}", 10);
    fcgi_record(req, &n, 5, "", 0);

    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/run/deskd.sock", getenv("DESKD_VAR"));
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_msg(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "connect %s", sa.sun_path);
    ck_assert_int_eq((int)write(fd, req, n), (int)n);

    /* Collect the STDOUT records until END_REQUEST. */
    static unsigned char in[1 << 16];
    char out[1 << 15];
    size_t got = 0, olen = 0;
    int ended = 0;
    while (!ended) {
        ssize_t r = read(fd, in + got, sizeof(in) - got);
        ck_assert_msg(r > 0, "connection closed before END_REQUEST");
        got += (size_t)r;
        size_t off = 0;
        while (got - off >= 8) {
            size_t len = ((size_t)in[off + 4] << 8) | in[off + 5], pad = in[off + 6];
            if (got - off < 8 + len + pad)
                break;
            if (in[off + 1] == 6 && olen + len < sizeof(out)) {
                memcpy(out + olen, in + off + 8, len);
                olen += len;
            }
            ended |= in[off + 1] == 3;
            off += 8 + len + pad;
        }
        memmove(in, in + off, got - off);
        got -= off;
    }
    close(fd);
    out[olen] = '\0';
    ck_assert_msg(strncmp(out, "Status: 400", 11) == 0, "%s", out);
    ck_assert_ptr_nonnull(
        strstr(out, "{\"status\":\"error\",\"message\":\"The request body is shorter than its"
                    " Content-Length\",\"error_type\":\"InputException\",\"data\":null}"));
    expect_sqlf("0", "SELECT count(*) FROM conversation_statuses WHERE name = '1'");
}
END_TEST

Suite *it_errors_suite(void)
{
    return SUITE_OF("errors", 60, NULL, NULL, test_not_found, test_method_not_allowed,
                    test_body_limits, test_bad_request, test_internal_error, test_short_body);
}
