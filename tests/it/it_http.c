/*
 * it_http.c - what the HTTP layer refuses before a handler reads a field:
 * bodies in a Content-Type deskd does not read, and the requests nginx
 * answers itself (bad request line or header, header or URI too large,
 * TRACE, unknown Transfer-Encoding), each in the Libredesk envelope.  The
 * latter are sent over a raw socket, as libcurl will not send them.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "../suite_of.h"
#include "it.h"

static const char envelope[] = "{\"status\":\"error\",\"message\":\"%s\",\"error_type\":\"%s\","
                               "\"data\":null}";

/* POST /api/v1/tags with body sent as the header line ctype ("Content-Type:" for none). */
static struct http_res tag_as(const char *ctype, const char *body)
{
    return http_do("POST", "/api/v1/tags", tok(it_admin_key), body, strlen(body), ctype);
}

START_TEST(test_content_type_refused)
{
    long pid = (long)getpid();
    char body[256], msg[256];

    snprintf(body, sizeof(body), "{\"name\":\"it-ct-%ld\"}", pid);
    struct http_res r = tag_as("Content-Type: text/plain", body);
    assert_error(&r, 400,
                 "Error parsing request: unsupported Content-Type text/plain; send "
                 "application/json",
                 "InputException");
    http_res_free(&r);
    r = tag_as("Content-Type: text/plain; charset=utf-8", body);
    assert_error(&r, 400,
                 "Error parsing request: unsupported Content-Type text/plain; send "
                 "application/json",
                 "InputException");
    http_res_free(&r);
    /* curl sends no Content-Type at all for an empty header value. */
    r = tag_as("Content-Type:", body);
    assert_error(&r, 400,
                 "Error parsing request: the body has no Content-Type; send application/json",
                 "InputException");
    http_res_free(&r);
    snprintf(body, sizeof(body), "<tag><name>it-ct-%ld</name></tag>", pid);
    r = tag_as("Content-Type: application/xml", body);
    assert_error(&r, 400,
                 "Error parsing request: unsupported Content-Type application/xml; send "
                 "application/json",
                 "InputException");
    http_res_free(&r);
    expect_sqlf("0", "SELECT count(*) FROM tags WHERE name LIKE 'it-ct-%ld%%'", pid);

    /* A route that also takes files names multipart. */
    char *contact = sql_valuef("INSERT INTO users (type, first_name, email) VALUES ('contact',"
                               " 'Ct', 'it-ct-%ld@example.org') RETURNING id",
                               pid);
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/contacts/%s", contact);
    snprintf(body, sizeof(body), "{\"first_name\":\"Changed\",\"email\":\"it-ct-%ld@example.org\"}",
             pid);
    r = http_do("PUT", path, tok(it_admin_key), body, strlen(body), "Content-Type: text/plain");
    snprintf(msg, sizeof(msg), "%s",
             "Error parsing request: unsupported Content-Type text/plain; send application/json "
             "or multipart/form-data");
    assert_error(&r, 400, msg, "InputException");
    http_res_free(&r);
    expect_sqlf("Ct", "SELECT first_name FROM users WHERE id = %s", contact);
    free(contact);
}
END_TEST

START_TEST(test_content_type_accepted)
{
    long pid = (long)getpid();
    char body[256];

    snprintf(body, sizeof(body), "{\"name\":\"it-ct-json-%ld\"}", pid);
    struct http_res r = tag_as("Content-Type: application/json; charset=UTF-8", body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    snprintf(body, sizeof(body), "{\"name\":\"it-ct-upper-%ld\"}", pid);
    r = tag_as("Content-Type: APPLICATION/JSON", body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    snprintf(body, sizeof(body), "name=it-ct-form-%ld", pid);
    r = tag_as("Content-Type: application/x-www-form-urlencoded", body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    expect_sqlf("3",
                "SELECT count(*) FROM tags WHERE name IN ('it-ct-json-%ld', 'it-ct-upper-%ld',"
                " 'it-ct-form-%ld')",
                pid, pid, pid);
    /* No body needs no Content-Type: the handler's own check answers. */
    r = http_do("POST", "/api/v1/tags", tok(it_admin_key), "", 0, "Content-Type:");
    ck_assert_int_eq(r.status, 400);
    ck_assert_ptr_null(strstr(r.body, "Error parsing request"));
    http_res_free(&r);
}
END_TEST

struct raw_res {
    int status;
    char content_type[128];
    char body[4096];
};

/* Sends req (len bytes) to nginx as it is, reads the answer until the connection closes. */
static struct raw_res raw_http(const char *req, size_t len)
{
    struct raw_res out = {0};
    const char *base = it_base_url(), *colon = strrchr(base, ':');
    struct sockaddr_in sa = {.sin_family = AF_INET};
    ck_assert_ptr_nonnull(colon);
    sa.sin_port = htons((unsigned short)atoi(colon + 1));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    for (size_t off = 0; off < len;) {
        ssize_t n = write(fd, req + off, len - off);
        ck_assert_int_gt(n, 0);
        off += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    static char in[1 << 16];
    size_t got = 0;
    for (ssize_t n; got < sizeof(in) - 1 && (n = read(fd, in + got, sizeof(in) - 1 - got)) > 0;)
        got += (size_t)n;
    close(fd);
    in[got] = '\0';
    ck_assert_msg(sscanf(in, "HTTP/1.1 %d", &out.status) == 1, "no status line: %s", in);
    const char *end = strstr(in, "\r\n\r\n");
    ck_assert_ptr_nonnull(end);
    for (const char *h = strstr(in, "\r\n"); h != NULL && h < end; h = strstr(h + 2, "\r\n"))
        if (strncasecmp(h + 2, "Content-Type:", 13) == 0) {
            const char *v = h + 15 + strspn(h + 15, " ");
            snprintf(out.content_type, sizeof(out.content_type), "%.*s", (int)strcspn(v, "\r\n"),
                     v);
        }
    snprintf(out.body, sizeof(out.body), "%s", end + 4);
    return out;
}

static void expect_raw(const char *req, size_t len, int status, const char *message,
                       const char *type)
{
    char want[512];
    struct raw_res r = raw_http(req, len);
    snprintf(want, sizeof(want), envelope, message, type);
    ck_assert_msg(r.status == status, "status %d, want %d; body %s", r.status, status, r.body);
    ck_assert_str_eq(r.content_type, "application/json");
    ck_assert_str_eq(r.body, want);
}

#define RAW(s, ...) expect_raw((s), sizeof(s) - 1, __VA_ARGS__)

START_TEST(test_nginx_errors)
{
    static const char bad_line[] = "Malformed request: bad request line or header";
    RAW("GARBAGE\r\n\r\n", 400, bad_line, "InputException");
    RAW("G@T /health HTTP/1.1\r\nHost: x\r\n\r\n", 400, bad_line, "InputException");
    RAW("GET /health HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n", 400, bad_line,
        "InputException");
    RAW("GET /health HTTP/1.1\r\n\r\n", 400, bad_line, "InputException"); /* no Host */
    RAW("POST /api/v1/tags HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400, bad_line,
        "InputException");
    RAW("TRACE /api/v1/statuses HTTP/1.1\r\nHost: x\r\n\r\n", 405, "Request method not allowed",
        "GeneralException");
    RAW("POST /api/v1/tags HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501,
        "Unsupported Transfer-Encoding", "InputException");
    RAW("GET /health HTTP/2.0\r\nHost: x\r\n\r\n", 505, "HTTP version not supported",
        "InputException");

    /* Beyond large_client_header_buffers (8 KiB a line): the URI, one header. */
    size_t big = 9000;
    char *req = malloc(big + 256), *pad = malloc(big + 1);
    memset(pad, 'a', big);
    pad[big] = '\0';
    int n = snprintf(req, big + 256, "GET /api/v1/statuses?q=%s HTTP/1.1\r\nHost: x\r\n\r\n", pad);
    expect_raw(req, (size_t)n, 414, "Request URI too long", "InputException");
    n = snprintf(req, big + 256, "GET /api/v1/statuses HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n",
                 pad);
    expect_raw(req, (size_t)n, 400, "Request header too large", "InputException");
    free(req);
    free(pad);
}
END_TEST

Suite *it_http_suite(void)
{
    return SUITE_OF("http", 60, NULL, NULL, test_content_type_refused, test_content_type_accepted,
                    test_nginx_errors);
}
